"""Compare and validate: every model of the project on one page, for accuracy AND speed.

The leaderboard (filtered by experiment, data version, hypothesis and learner; sorted and paged
in SQL) shows each model's held-out metrics with their 95% intervals, its processing figures, its
gate result and its registry stage; the models chosen in it (``?models=``) drive the comparison
charts. Other views: every trial across experiments, the project's gate rule, and the registry.
State in the URL: ``experiment``, ``version``, ``hypothesis``, ``learner`` (filters), ``sort``,
``page``, ``models`` and ``tab``.
"""

from __future__ import annotations

import streamlit as st

from ui import compare_view, layout, state, url
from ui.fmt import escape_markdown
from ui.i18n import t

ws = state.workspace()
layout.header(t("Compare"), t("Choose the model to ship on accuracy and on speed: held-out metrics with their "
                              "intervals, processing benchmarks, gates, and the registry."))
project = layout.require_project()
if not compare_view.has_models(ws, project.id):
    st.info(t("{project} has no models yet. Run an experiment: its best model appears here, ready to compare.",
              project=f"**{escape_markdown(project.name)}**"))
    url.link("app_pages/experiments.py", t("Go to Experiments"), icon=":material/science:")
    st.stop()

compare_view.evaluations_notice(ws, project.id)
compare_view.verdicts_strip(ws, project.id)
filters = compare_view.filters(ws, project.id)
views = url.tabs({"leaderboard": t("Leaderboard"), "trials": t("Trials"), "gates": t("Gates"),
                  "registry": t("Registry")})
if views["leaderboard"].open:
    with views["leaderboard"]:
        compare_view.leaderboard_view(ws, project.id, filters)
if views["trials"].open:
    with views["trials"]:
        compare_view.trials_view(ws, project.id, filters)
if views["gates"].open:
    with views["gates"]:
        compare_view.gates_view(ws, project.id)
if views["registry"].open:
    with views["registry"]:
        compare_view.registry_view(ws, project.id)
