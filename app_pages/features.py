"""Features: which columns carry signal about a target, which are noise, and which are too good to be true.

A dataset version (``?dataset=``, ``?version=``) and a target (``?target=``) are analysed by four
methods (mutual information, univariate association, LightGBM gain, permutation importance);
the report is stored per version, target and settings. The page shows the warnings first
(likely leakage, identifiers, constant, mostly missing columns, columns named after the target),
then the ranking, each method's chart (``?tab=``), one column's relation to the target
(``?column=``), and saves a named feature set that the experiment form offers.
"""

from __future__ import annotations

import streamlit as st

from ui import features_view, layout, state, url
from ui.i18n import t

ws = state.workspace()
layout.header(t("Features"), t("See which columns carry signal about the target, which are noise, and which are "
                               "too good to be true; then save a feature set for the experiments."))
project = layout.require_project()
version = features_view.pick_version(ws, project)
if version is None:
    st.info(t("This project has no data yet. Upload a dataset first."))
    url.link("app_pages/datasets.py", t("Go to Datasets"), icon=":material/database:")
    st.stop()
target, task = features_view.pick_target_and_task(ws, version)
report = features_view.report_of(ws, project, version, target, task)
if report is not None:
    features_view.summary(report, version)
    features_view.warnings_view(report)
    features_view.ranking_view(report)
    features_view.charts_view(report)
    features_view.relation_view(ws, version, report)
    features_view.save_view(ws, project, version, report)
features_view.saved_sets(ws, project, version)
