"""A hypothesis's verdict and its evidence, as the Problem, Home and Compare pages show it.

The verdict is reached when an experiment that tests the hypothesis finishes
(:mod:`core.evaluation.verdicts`): its model's metric interval against the success criterion.
A user's override shows who decided (the note) instead of the numbers' rule.
"""

from __future__ import annotations

import streamlit as st

from core.define.entities import Hypothesis
from ui import url
from ui.fmt import ago, escape_markdown, id_suffix, num
from ui.i18n import t, tk

OUTCOME_BADGE = {"supported": ("green", "Supported", ":material/check_circle:"),
                 "rejected": ("red", "Rejected", ":material/cancel:"),
                 "inconclusive": ("orange", "Inconclusive", ":material/help:")}
METHODS = {"holdout": "on the held-out rows, 95% bootstrap interval",
           "repeated_cv": "by repeated cross-validation (the held-out split was too small), 95% interval"}


def badge(outcome: str | None) -> str:
    """Markdown badge for an outcome (``:green-badge[Supported]``); empty when there is none."""
    if outcome not in OUTCOME_BADGE:
        return ""
    colour, word, _icon = OUTCOME_BADGE[outcome]
    return f":{colour}-badge[{tk(word)}]"


def evidence_text(verdict: dict) -> str:
    """The evidence in one sentence: metric, value, interval, how it was measured, against what."""
    low, high = verdict.get("low"), verdict.get("high")
    interval = (t("95% interval {low}–{high}", low=num(low), high=num(high))
                if low is not None and high is not None else t("no interval"))
    return t("{metric} = {value} ({interval}) {method}; success needs {metric} {direction} {threshold}",
             metric=f"**{escape_markdown(str(verdict.get('metric', '')))}**", value=num(verdict.get("value")),
             interval=interval, method=tk(METHODS.get(verdict.get("method", ""), "on the held-out rows")),
             direction=verdict.get("direction", ""), threshold=num(verdict.get("threshold")))


def show(h: Hypothesis, *, compact: bool = False) -> None:
    """Draw the hypothesis's current verdict with its evidence and a link to the model on Compare.

    Args:
        h: the hypothesis.
        compact: one line (Home); else a bordered note with the evidence and the user's note.
    """
    verdict = h.verdict
    if not verdict or verdict.get("outcome") not in OUTCOME_BADGE:
        if not compact:
            st.caption(t("No verdict yet: it is reached when an experiment that tests this hypothesis finishes."))
        return
    by_user = verdict.get("source") == "user"
    head = badge(verdict["outcome"]) + " " + (t("set by hand {when}", when=ago(verdict.get("at")))
                                              if by_user else t("from the evidence, {when}", when=ago(verdict.get("at"))))
    if compact:
        st.markdown(f"{head} · {escape_markdown(h.statement)}")
        return
    with st.container(border=True):
        st.markdown(f"{OUTCOME_BADGE[verdict['outcome']][2]} {head}")
        if verdict.get("metric") and verdict.get("value") is not None:
            st.markdown(evidence_text(verdict))
        if verdict.get("note"):
            st.markdown(t("Note: {note}", note=escape_markdown(verdict["note"])))
        if verdict.get("model_id"):
            url.link("app_pages/compare.py", t("See the model on Compare {id}", id=id_suffix(verdict["model_id"])),
                     icon=":material/leaderboard:", models=verdict["model_id"], model=verdict["model_id"])
