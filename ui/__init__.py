"""Streamlit glue shared by the pages. Only this package and app_pages/ import streamlit."""
