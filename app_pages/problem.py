"""Define: the project's problem statement and its hypotheses with measurable success criteria."""

from __future__ import annotations

import streamlit as st

from core.data import datasets
from core.define import hypotheses, projects
from core.define.entities import HYPOTHESIS_STATUSES
from ui import errors, layout, state
from ui.fmt import ago, escape_markdown

STATUS_BADGE = {
    "draft": ":gray-badge[draft]", "testing": ":blue-badge[testing]", "supported": ":green-badge[supported]",
    "rejected": ":red-badge[rejected]", "inconclusive": ":orange-badge[inconclusive]",
}
METRICS = list(hypotheses.METRICS)

ws = state.workspace()
layout.header("Problem & hypotheses", "Say what problem you are solving and how you will know a model is good enough, before touching data.")
project = layout.require_project()

st.subheader("Problem statement", anchor=False)
editing = st.session_state.get("def_editing") or not project.problem_statement
if editing:
    with st.form("def_statement_form", border=False):
        text = st.text_area("Problem statement (markdown)", value=project.problem_statement, height=180,
                            key="def_statement_text",
                            placeholder="Who has the problem, what decision the model supports, what a mistake costs.")
        if st.form_submit_button("Save statement", type="primary"):
            with errors.shown():
                projects.update_project(ws, project.id, problem_statement=text)
                st.session_state.pop("def_editing", None)
                state.flash("Problem statement saved")
                st.rerun()
else:
    with st.container(border=True):
        st.markdown(project.problem_statement)  # markdown only: raw HTML is escaped
    if st.button("Edit statement", key="def_edit", icon=":material/edit:"):
        st.session_state["def_editing"] = True
        st.rerun()

st.subheader("Hypotheses", anchor=False)
items = hypotheses.list_hypotheses(ws, project.id)
with st.expander("Add a hypothesis", expanded=not items, icon=":material/add:"):
    with st.form("def_new_hypothesis", clear_on_submit=True):
        question = st.text_input("Question", key="def_q", placeholder="Which customers will cancel next month?")
        statement = st.text_area("Hypothesis", key="def_s", height=80,
                                 placeholder="Usage in the last 90 days predicts cancellation.")
        c1, c2, c3 = st.columns([2, 1, 1])
        metric = c1.selectbox("Success metric (holdout)", METRICS, key="def_metric")
        direction = c2.selectbox("Direction", ["auto", ">=", "<="], key="def_direction",
                                 help="auto: >= for scores like accuracy, <= for errors like rmse")
        threshold = c3.number_input("Threshold", value=0.8, step=0.01, format="%.4f", key="def_threshold")
        data_needed = st.text_input("Data it needs", key="def_data", placeholder="12 months of usage logs per customer")
        acquisition = st.text_input("How the data will be acquired", key="def_acq",
                                    placeholder="Export from the billing warehouse (weekly)")
        owner = st.text_input("Owner", key="def_owner")
        if st.form_submit_button("Add hypothesis", type="primary"):
            with errors.shown():
                h = hypotheses.create_hypothesis(
                    ws, project.id, question=question, statement=statement, metric=metric,
                    direction=None if direction == "auto" else direction, threshold=threshold,
                    data_needed=data_needed, acquisition=acquisition, owner=owner,
                )
                state.flash(f"Hypothesis added: {h.criterion}")
                st.rerun()

project_datasets = datasets.list_datasets(ws, project_id=project.id)
names = {d.id: f"{d.name} · {d.id}" for d in project_datasets}
if not items:
    st.info("No hypotheses yet. Add one above: a statement and the metric that will decide it.")
for h in items:
    with st.container(border=True):
        head, badge = st.columns([5, 1])
        head.markdown(f"**{escape_markdown(h.statement)}**  \n{escape_markdown(h.question)}")
        badge.markdown(STATUS_BADGE[h.status])
        st.markdown(f":material/flag: Success when **{h.criterion}** · owner {escape_markdown(h.owner) or '—'} "
                    f"· `{h.id}` · updated {ago(h.updated_at)}")
        if h.data_needed or h.acquisition:
            st.caption(f"Data: {escape_markdown(h.data_needed) or '—'} · "
                       f"Acquisition: {escape_markdown(h.acquisition) or '—'}")
        links = hypotheses.linked(ws, h.id)
        st.caption(
            f"Datasets: {', '.join(escape_markdown(d['name']) for d in links['datasets']) or 'none yet'} · "
            f"Experiments: {len(links['experiments'])} · Models: {len(links['models'])}"
        )
        available = [d for d in project_datasets if d.id not in {x["id"] for x in links["datasets"]}]
        if available:
            c1, c2 = st.columns([3, 1])
            pick = c1.selectbox("Link a dataset this hypothesis needs", [d.id for d in available],
                                format_func=lambda i: names[i], key=f"def_link_{h.id}")
            if c2.button("Link", key=f"def_link_btn_{h.id}"):
                with errors.shown():
                    datasets.link_dataset_to_hypothesis(ws, pick, h.id)
                    state.flash("Dataset linked")
                    st.rerun()
        with st.expander("Status and history"):
            with st.form(f"def_status_{h.id}", border=False):
                s1, s2 = st.columns([1, 2])
                new_status = s1.selectbox("Status", HYPOTHESIS_STATUSES, index=HYPOTHESIS_STATUSES.index(h.status),
                                          key=f"def_status_sel_{h.id}")
                note = s2.text_input("Note", key=f"def_status_note_{h.id}", placeholder="why the change")
                if st.form_submit_button("Save status"):
                    with errors.shown():
                        hypotheses.set_status(ws, h.id, new_status, note=note)
                        state.flash(f"Status set to {new_status}")
                        st.rerun()
            st.dataframe(
                [{"when": c.at[:19].replace("T", " "), "field": c.field, "from": c.old_value, "to": c.new_value,
                  "note": c.note} for c in hypotheses.history(ws, h.id)],
                hide_index=True, width="stretch",
            )
