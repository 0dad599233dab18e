"""Streamlit glue shared by the pages. Only this package and pages/ import streamlit."""
