"""Home's blocks: the lifecycle cards, drift alerts, hypotheses' verdicts and the demo's progress."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from core import overview
from core.workspace import Workspace
from ui import url, verdict
from ui.fmt import escape_markdown
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
PER_ROW = 5  # ten steps in two rows: each card keeps room for its words
STATE_BADGE = {
    "done": ("green", ":material/check_circle:", "Done"),
    "in_progress": ("orange", ":material/pending:", "In progress"),
    "not_started": ("gray", ":material/radio_button_unchecked:", "Not started"),
}
def step_detail(step: overview.StepStatus) -> str:
    """What a lifecycle step holds, in the session's language.

    Args:
        step: one step of :func:`core.overview.lifecycle`.

    Returns:
        A line of counts (say, "2 experiments · 1 running").
    """
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


def demo_preparing(ws: Workspace) -> None:
    """While the demo's example searches run, say so and follow them (they end in models to compare).

    Args:
        ws: the workspace.

    Returns:
        Nothing; draws a notice and the searches' progress, or nothing when none runs.
    """
    from core.cli import demo

    pending = demo.demo_jobs(ws)
    if not pending:
        return
    st.info(t("Preparing the demo: {n} short example searches are training models, so that Compare, Explain "
              "and Deploy have something to show. This takes about a minute.", n=len(pending)),
            icon=":material/hourglass_top:")
    for job in pending:
        progress_panel(job.id, key=f"home_demo_{job.id}", show_log=False, rerun_when_done=True)


def alerts_block(ws: Workspace, project_id: str) -> None:
    """Drift alerts of the project's models (the newest report of each batch that alerts), linked to Monitor.

    Args:
        ws: the workspace.
        project_id: the active project.

    Returns:
        Nothing; draws up to five alerts, or nothing when no batch alerts.
    """
    from core.monitor import service as monitor
    from ui.monitor_view import alert_reasons

    alerts = monitor.latest_alerts(ws, project_id, limit=5)
    if not alerts:
        return
    from core.overview import subjects

    named = subjects(ws, [("monitor_batch", r.batch_id) for r in alerts])
    for report in alerts:
        batch = named.get(("monitor_batch", report.batch_id))
        reasons = " ".join(alert_reasons(report))
        with st.container(border=True):
            st.error(t("Drift alert on batch {batch} of model {model}: {reasons}",
                       batch=escape_markdown(batch.name if batch else report.batch_id),
                       model=escape_markdown(batch.parent_name if batch else report.model_id),
                       reasons=escape_markdown(reasons)), icon=":material/warning:")
            url.link("app_pages/monitor.py", t("Open it on the Monitor page"), icon=":material/monitor_heart:",
                     model=report.model_id, batch=report.batch_id, key=f"home_alert_{report.id}")


def verdicts_block(ws: Workspace, project_id: str) -> None:
    """The project's hypotheses with their verdicts (from the evidence, or set by hand).

    Args:
        ws: the workspace.
        project_id: the active project.

    Returns:
        Nothing; draws the hypotheses once any has a verdict.
    """
    from core.define import hypotheses

    items = hypotheses.list_hypotheses(ws, project_id)
    if not any(h.verdict for h in items):
        return
    st.markdown(f"#### {t('Hypotheses')}")
    for h in items:
        if h.verdict:
            verdict.show(h, compact=True)
        else:
            st.markdown(f":gray-badge[{t('No verdict yet')}] · {escape_markdown(h.statement)}")
    url.link("app_pages/problem.py", t("See the evidence"), icon=":material/lightbulb:")

def lifecycle_cards(ws: Workspace, project_id: str) -> None:
    """The project's lifecycle steps as cards in two rows: state, counts, what to do next, and a link.

    Args:
        ws: the workspace.
        project_id: the active project.

    Returns:
        Nothing; draws the cards.
    """
    steps = overview.lifecycle(ws, project_id)
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
