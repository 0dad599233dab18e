"""Define: the project's problem statement and its hypotheses with measurable success criteria."""

from __future__ import annotations

import streamlit as st

from core.data import datasets
from core.define import hypotheses, projects
from core.define.entities import HYPOTHESIS_STATUSES, Hypothesis
from ui import errors, i18n, layout, state, url, verdict
from ui.fmt import ago, escape_markdown, id_suffix, num, short_id, status_text, when
from ui.i18n import t, tk, tn

STATUS_BADGE = {
    "draft": ("gray", "Draft"), "testing": ("blue", "Testing"), "supported": ("green", "Supported"),
    "rejected": ("red", "Rejected"), "inconclusive": ("orange", "Inconclusive"),
}
# the fields of a hypothesis as its history names them
FIELDS = {
    "question": "Question", "statement": "Hypothesis", "metric": "Success metric", "direction": "Direction",
    "threshold": "Threshold", "data_needed": "Data it needs", "acquisition": "How the data will be acquired",
    "owner": "Owner", "status": "Status", "verdict": "Verdict",
}
OUTCOMES = ("supported", "rejected", "inconclusive")
METRICS = list(hypotheses.METRICS)


def status_label(status: str | None) -> str:
    """A hypothesis status in the session's language (``Supported`` / ``지지됨``)."""
    return tk(STATUS_BADGE[status][1]) if status in STATUS_BADGE else (status or "—")


def criterion(h: Hypothesis) -> str:
    """The success criterion in words: ``accuracy >= 0.9 on the holdout set``."""
    return t("{metric} {direction} {threshold} on the holdout set", metric=h.metric, direction=h.direction,
             threshold=num(h.threshold))


def history_rows(h: Hypothesis) -> list[dict[str, str]]:
    """The hypothesis's recorded changes, oldest first, as the history table shows them."""
    rows = []
    for change in hypotheses.history(ws, h.id):
        shown = status_label if change.field == "status" else (lambda v: "—" if v in (None, "") else str(v))
        created = change.old_value is None and change.note == "created"
        rows.append({
            "when": when(change.at),
            "field": tk(FIELDS[change.field]) if change.field in FIELDS else change.field,
            "from": "—" if change.old_value is None else shown(change.old_value),
            "to": i18n.message(shown(change.new_value), kind="NOTES"),
            "note": t("Created") if created else i18n.message(change.note, kind="NOTES"),
        })
    return rows


def linked_objects(h: Hypothesis) -> dict[str, list[dict]]:
    """Show the datasets, experiments and models tied to the hypothesis, each linking to its page;
    return them (:func:`core.define.hypotheses.linked`)."""
    links = hypotheses.linked(ws, h.id)
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.caption(t("Datasets:"), width="content")
    if not links["datasets"]:
        row.caption(t("none yet"), width="content")
    for d in links["datasets"]:
        url.link("app_pages/datasets.py", f"{escape_markdown(d['name'])} {id_suffix(d['id'])}",
                 icon=":material/database:", container=row, dataset=d["id"], version=d.get("version_id"))
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.caption(t("Experiments:"), width="content")
    if not links["experiments"]:
        row.caption(t("none yet"), width="content")
    for e in links["experiments"]:
        url.link("app_pages/experiments.py",
                 f"{escape_markdown(e['name'] or e['id'])} · {status_text(e['status'])}",
                 icon=":material/science:", container=row, experiment=e["id"])
    if links["models"]:
        row.caption(tn("{n} model", "{n} models", len(links["models"])), width="content")
    return links


ws = state.workspace()
layout.header(t("Problem & hypotheses"),
              t("Say what problem you are solving and how you will know a model is good enough, before touching data."))
project = layout.require_project()

st.subheader(t("Problem statement"), anchor=False)
editing = st.session_state.get("def_editing") or not project.problem_statement
if editing:
    with st.form("def_statement_form", border=False):
        text = st.text_area(t("Problem statement (markdown)"), value=project.problem_statement, height=180,
                            key="def_statement_text",
                            placeholder=t("Who has the problem, what decision the model supports, what a mistake "
                                          "costs."))
        if st.form_submit_button(t("Save statement"), type="primary"):
            with errors.shown():
                projects.update_project(ws, project.id, problem_statement=text)
                st.session_state.pop("def_editing", None)
                state.flash(t("Problem statement saved"))
                st.rerun()
else:
    with st.container(border=True):
        st.markdown(project.problem_statement)  # markdown only: raw HTML is escaped
    if st.button(t("Edit statement"), key="def_edit", icon=":material/edit:"):
        st.session_state["def_editing"] = True
        st.rerun()

st.subheader(t("Hypotheses"), anchor=False)
items = hypotheses.list_hypotheses(ws, project.id)
with st.expander(t("Add a hypothesis"), expanded=not items, icon=":material/add:"):
    with st.form("def_new_hypothesis", clear_on_submit=True):
        question = st.text_input(t("Question"), key="def_q", placeholder=t("Which customers will cancel next month?"))
        statement = st.text_area(t("Hypothesis"), key="def_s", height=80,
                                 placeholder=t("Usage in the last 90 days predicts cancellation."))
        c1, c2, c3 = st.columns([2, 1, 1])
        metric = c1.selectbox(t("Success metric (holdout)"), METRICS, key="def_metric")
        direction = c2.selectbox(t("Direction"), ["auto", ">=", "<="], key="def_direction",
                                 format_func=lambda d: t("auto") if d == "auto" else d,
                                 help=t("auto: >= for scores like accuracy, <= for errors like rmse"))
        threshold = c3.number_input(t("Threshold"), value=0.8, step=0.01, format="%.4f", key="def_threshold")
        data_needed = st.text_input(t("Data it needs"), key="def_data",
                                    placeholder=t("12 months of usage logs per customer"))
        acquisition = st.text_input(t("How the data will be acquired"), key="def_acq",
                                    placeholder=t("Export from the billing warehouse (weekly)"))
        owner = st.text_input(t("Owner"), key="def_owner")
        if st.form_submit_button(t("Add hypothesis"), type="primary"):
            with errors.shown():
                h = hypotheses.create_hypothesis(
                    ws, project.id, question=question, statement=statement, metric=metric,
                    direction=None if direction == "auto" else direction, threshold=threshold,
                    data_needed=data_needed, acquisition=acquisition, owner=owner,
                )
                state.flash(t("Hypothesis added: {criterion}", criterion=criterion(h)))
                st.rerun()

project_datasets = datasets.list_datasets(ws, project_id=project.id)
names = {d.id: f"{d.name} · {short_id(d.id)}" for d in project_datasets}
if not items:
    st.info(t("No hypotheses yet. Add one above: a statement and the metric that will decide it."))
for h in items:
    with st.container(border=True):
        head, badge = st.columns([5, 1])
        head.markdown(f"**{escape_markdown(h.statement)}**  \n{escape_markdown(h.question)}")
        color, word = STATUS_BADGE.get(h.status, ("gray", h.status))
        badge.markdown(f":{color}-badge[{tk(word)}]")
        st.markdown(" · ".join([
            ":material/flag: " + t("Success when **{criterion}**", criterion=criterion(h)),
            t("owner {owner}", owner=escape_markdown(h.owner) or "—"),
            id_suffix(h.id),
            t("updated {when}", when=ago(h.updated_at)),
        ]))
        if h.data_needed or h.acquisition:
            st.caption(t("Data: {data} · Acquisition: {acquisition}", data=escape_markdown(h.data_needed) or "—",
                         acquisition=escape_markdown(h.acquisition) or "—"))
        verdict.show(h)
        linked_ids = {x["id"] for x in linked_objects(h)["datasets"]}
        available = [d for d in project_datasets if d.id not in linked_ids]
        if available:
            c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
            pick = c1.selectbox(t("Link a dataset this hypothesis needs"), [d.id for d in available],
                                format_func=lambda i: names[i], key=f"def_link_{h.id}")
            if c2.button(t("Link"), key=f"def_link_btn_{h.id}"):
                with errors.shown():
                    datasets.link_dataset_to_hypothesis(ws, pick, h.id)
                    state.flash(t("Dataset linked"))
                    st.rerun()
        with st.expander(t("Status and history")):
            with st.form(f"def_status_{h.id}", border=False):
                s1, s2 = st.columns([1, 2])
                new_status = s1.selectbox(t("Status"), HYPOTHESIS_STATUSES, index=HYPOTHESIS_STATUSES.index(h.status),
                                          format_func=status_label, key=f"def_status_sel_{h.id}")
                note = s2.text_input(t("Note"), key=f"def_status_note_{h.id}", placeholder=t("why the change"),
                                     help=t("Setting supported, rejected or inconclusive by hand overrides the "
                                            "verdict from the evidence, and needs a note saying why."))
                if st.form_submit_button(t("Save status")):
                    with errors.shown():
                        if new_status in OUTCOMES and new_status != h.status:
                            from core.evaluation import verdicts

                            verdicts.override_verdict(ws, h.id, new_status, note=note)
                        else:
                            hypotheses.set_status(ws, h.id, new_status, note=note)
                        state.flash(t("Status set to {status}", status=status_label(new_status)))
                        st.rerun()
            st.dataframe(
                history_rows(h), hide_index=True, width="stretch", key=f"def_history_{h.id}",
                column_config={
                    "when": st.column_config.TextColumn(t("When")),
                    "field": st.column_config.TextColumn(t("Changed")),
                    "from": st.column_config.TextColumn(t("From")),
                    "to": st.column_config.TextColumn(t("To")),
                    "note": st.column_config.TextColumn(t("Note"), width="large"),
                },
            )
