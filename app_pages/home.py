"""Home: where the active project stands in the lifecycle, and what happened lately."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core import overview
from core.define import projects
from core.store import activity
from ui import errors, i18n, layout, state, url, verdict
from ui.activity_feed import ROUTINE, event_line
from ui.fmt import ago, escape_markdown, id_suffix
from ui.i18n import t, tk, tn
from ui.jobs import progress_panel

ROOT = Path(__file__).resolve().parents[1]
STEP_PAGES = {
    "define": "app_pages/problem.py",
    "data": "app_pages/datasets.py",
    "explore": "app_pages/explore.py",
    "label": "app_pages/label.py",
    "features": "app_pages/features.py",
    "experiment": "app_pages/experiments.py",
    "compare": "app_pages/compare.py",
    "explain": "app_pages/explain.py",
    "deploy": "app_pages/deploy.py",
    "monitor": "app_pages/monitor.py",
}
STEP_TITLES = {"define": "Define", "data": "Data", "explore": "Explore", "label": "Label", "features": "Features",
               "experiment": "Experiment",
               "compare": "Compare", "explain": "Explain", "deploy": "Deploy", "monitor": "Monitor"}
STEP_ACTIONS = {
    "define": "Write the problem and a hypothesis with a success criterion.",
    "data": "Upload a dataset or attach a shared one.",
    "explore": "Profile a dataset version: types, missing values, distributions.",
    "label": "Label rows, texts or images with several annotators, then publish the labels as a new version.",
    "features": "Rank the columns by several methods, check the leakage and ID warnings, and save a feature set.",
    "experiment": "Run AutoML on a dataset version.",
    "compare": "Compare the models on accuracy and speed, check the gates and promote one.",
    "explain": "See what drives the model overall and for single rows, and write its model card.",
    "deploy": "Export a model as a container bundle and verify it predicts exactly as the app does.",
    "monitor": "Check new data against the training data; send drifted rows to labeling and retrain.",
}
STATE_BADGE = {
    "done": ("green", ":material/check_circle:", "Done"),
    "in_progress": ("orange", ":material/pending:", "In progress"),
    "not_started": ("gray", ":material/radio_button_unchecked:", "Not started"),
}
# what the feed says of each event: {name} is the object's current name, {parent} what it belongs to
def step_detail(step: overview.StepStatus) -> str:
    """What a lifecycle step holds, in the session's language."""
    n = step.counts
    if step.key == "define":
        stated = t("Problem stated") if n.get("statement") else t("No problem statement")
        return f"{stated} · {tn('{n} hypothesis', '{n} hypotheses', n.get('hypotheses', 0))}"
    if step.key == "data":
        return tn("{n} dataset", "{n} datasets", n.get("datasets", 0))
    if step.key == "explore":
        return tn("{n} version profiled", "{n} versions profiled", n.get("profiled", 0))
    if step.key == "label":
        return (f"{tn('{n} label task', '{n} label tasks', n.get('tasks', 0))} · "
                f"{tn('{n} item labeled', '{n} items labeled', n.get('labeled', 0))} · "
                f"{tn('{n} publication', '{n} publications', n.get('published', 0))}")
    if step.key == "features":
        return (f"{tn('{n} feature ranking', '{n} feature rankings', n.get('reports', 0))} · "
                f"{tn('{n} feature set saved', '{n} feature sets saved', n.get('sets', 0))}")
    if step.key == "experiment":
        return (f"{tn('{n} experiment', '{n} experiments', n.get('experiments', 0))} · "
                f"{t('{n} running', n=n.get('running', 0))}")
    if step.key == "compare":
        production = t("a production model") if n.get("production") else t("no production model")
        return (f"{tn('{n} model', '{n} models', n.get('models', 0))} · "
                f"{tn('{n} hypothesis judged', '{n} hypotheses judged', n.get('judged', 0))} · {production}")
    if step.key == "explain":
        return (f"{tn('{n} model explained', '{n} models explained', n.get('explained', 0))} · "
                f"{tn('{n} model card written', '{n} model cards written', n.get('cards', 0))}")
    if step.key == "deploy":
        return (f"{tn('{n} bundle exported', '{n} bundles exported', n.get('exports', 0))} · "
                f"{t('{n} verified', n=n.get('verified', 0))}")
    if step.key == "monitor":
        return (f"{tn('{n} batch checked', '{n} batches checked', n.get('batches', 0))} · "
                f"{tn('{n} alerting', '{n} alerting', n.get('alerts', 0))}")
    return step.detail


def demo_preparing() -> None:
    """While the demo's example searches run, say so and follow them (they end in models to compare)."""
    from core.cli import demo

    pending = demo.demo_jobs(ws)
    if not pending:
        return
    st.info(t("Preparing the demo: {n} short example searches are training models, so that Compare, Explain "
              "and Deploy have something to show. This takes about a minute.", n=len(pending)),
            icon=":material/hourglass_top:")
    for job in pending:
        progress_panel(job.id, key=f"home_demo_{job.id}", show_log=False, rerun_when_done=True)


def alerts_block() -> None:
    """Drift alerts of the project's models (the newest report of each batch that alerts), linked to Monitor."""
    from core.monitor import service as monitor

    alerts = monitor.latest_alerts(ws, project.id, limit=5)
    if not alerts:
        return
    from core.overview import subjects

    named = subjects(ws, [("monitor_batch", r.batch_id) for r in alerts])
    for report in alerts:
        batch = named.get(("monitor_batch", report.batch_id))
        reasons = " ".join(i18n.message(r, kind="ALERTS") for r in report.alert_reasons)
        with st.container(border=True):
            st.error(t("Drift alert on batch {batch} of model {model}: {reasons}",
                       batch=escape_markdown(batch.name if batch else report.batch_id),
                       model=escape_markdown(batch.parent_name if batch else report.model_id),
                       reasons=escape_markdown(reasons)), icon=":material/warning:")
            url.link("app_pages/monitor.py", t("Open it on the Monitor page"), icon=":material/monitor_heart:",
                     model=report.model_id, batch=report.batch_id, key=f"home_alert_{report.id}")


def verdicts_block() -> None:
    """The project's hypotheses with their verdicts (from the evidence, or set by hand)."""
    from core.define import hypotheses

    items = hypotheses.list_hypotheses(ws, project.id)
    if not any(h.verdict for h in items):
        return
    st.markdown(f"#### {t('Hypotheses')}")
    for h in items:
        if h.verdict:
            verdict.show(h, compact=True)
        else:
            st.markdown(f":gray-badge[{t('No verdict yet')}] · {escape_markdown(h.statement)}")
    url.link("app_pages/problem.py", t("See the evidence"), icon=":material/lightbulb:")


ws = state.workspace()
st.title("MLCycle")
st.caption(t("Carry an ML project from the question to the served model, with every step tied to the one before."))

project = state.active_project()
if project is None:
    st.subheader(t("Welcome"), anchor=False)
    st.markdown(
        t("This workspace has no projects yet. A **project** holds one problem: its hypotheses, "
          "the data for it and the experiments that test it.") + "\n\n"
        + "1. " + t("Create a project with **New project** in the sidebar, or load the demo below "
                    "(`mlcycle demo` does the same).") + "\n"
        + "2. " + t("Write the problem and a hypothesis with a measurable success criterion.") + "\n"
        + "3. " + t("Upload data, explore it, and run AutoML.")
    )
    if st.button(t("Load the demo project"), key="home_demo", type="primary", icon=":material/play_arrow:"):
        from core.cli import demo

        result = demo.seed_demo(ws, train=True)  # and a short search per project, for Compare to show
        state.set_active_project(result["id"])
        state.flash(t("Demo project '{name}' loaded", name=escape_markdown(result["project_name"])))
        st.rerun()
    st.stop()

st.subheader(escape_markdown(project.name), anchor=False)
st.caption(" · ".join(filter(None, [escape_markdown(project.description), id_suffix(project.id)])))
demo_preparing()
alerts_block()

st.markdown(f"#### {t('Lifecycle')}")
steps = overview.lifecycle(ws, project.id)
PER_ROW = 5  # ten steps in two rows: each card keeps room for its words
columns = [c for start in range(0, len(steps), PER_ROW) for c in st.columns(PER_ROW)][:len(steps)]
for column, step in zip(columns, steps, strict=True):
    with column.container(border=True, height="stretch"):
        st.markdown(f"**{tk(STEP_TITLES.get(step.key, step.title))}**")
        color, icon, word = STATE_BADGE[step.state]
        st.markdown(f":{color}-badge[{icon} {tk(word)}]")
        st.caption(step_detail(step))
        if step.state != "done":
            st.markdown(tk(STEP_ACTIONS.get(step.key, step.next_action)))
        target = STEP_PAGES.get(step.key)
        if target and (ROOT / target).exists():
            url.link(target, t("Start") if step.state == "not_started" else t("Open"),
                     icon=":material/arrow_forward:")

left, right = st.columns([2, 1], gap="large")
with left:
    verdicts_block()
    head, switch = st.columns([3, 2], vertical_alignment="bottom")
    head.markdown(f"#### {t('Recent activity')}")
    everywhere = switch.toggle(t("All projects"), key="home_all_projects",
                               help=t("Show what happened in every project, not only in this one."))
    events = activity.list_events(ws, project_id=None if everywhere else project.id, limit=15, skip=ROUTINE)
    if not events:
        st.caption(t("Nothing has happened yet."))
    found = overview.subjects(ws, [(e.object_kind, e.object_id) for e in events])
    names = {p.id: p.name for p in projects.list_projects(ws, include_archived=True)}
    for event in events:
        event_line(event, found.get((event.object_kind, event.object_id)), project_name=names.get(event.project_id),
                   everywhere=everywhere)
with right:
    st.markdown(f"#### {t('Projects')}")
    for p in projects.list_projects(ws)[:8]:
        current = p.id == project.id
        url.link("app_pages/home.py", f"**{escape_markdown(p.name)}**" if current else escape_markdown(p.name),
                 icon=":material/folder_open:" if current else ":material/folder:", project=p.id)
        st.caption(f"{t('updated {when}', when=ago(p.updated_at))} · {id_suffix(p.id)}")
    with st.expander(t("Project settings"), icon=":material/settings:"):
        new_name = st.text_input(t("Rename this project"), value=project.name, key="home_rename")
        if st.button(t("Rename"), key="home_rename_btn") and new_name != project.name:
            with errors.shown():
                projects.rename_project(ws, project.id, new_name)
                state.flash(t("Project renamed"))
                st.rerun()
        layout.confirm(t("Archive this project"), key="home_archive", scope="app",
                       question=t("Archive '{name}'? It disappears from lists; nothing is deleted.",
                                  name=escape_markdown(project.name)),
                       yes=t("Yes, archive it"), no=t("Keep it"), action=lambda: projects.archive_project(ws, project.id))
        archived = [p for p in projects.list_projects(ws, include_archived=True) if p.archived_at]
        if archived:
            labels = {p.id: p.name for p in archived}
            chosen = st.selectbox(t("Archived projects"), list(labels), format_func=labels.get, key="home_archived")
            if st.button(t("Restore"), key="home_restore"):
                with errors.shown():
                    projects.restore_project(ws, chosen)
                    state.flash(t("'{name}' restored", name=escape_markdown(labels[chosen])))
                    st.rerun()
