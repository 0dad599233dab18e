"""The activity feed on screen: each event as a sentence in the page's language, the object's name a link to it."""

from __future__ import annotations

import streamlit as st

from core import overview
from core.store import activity
from ui import url
from ui.fmt import ago, escape_markdown
from ui.i18n import t, tk
from ui.jobs import SUBJECT_ICONS, SUBJECT_PAGES, subject_params

EVENT_TEXT = {
    ("project", "created"): "Project {name} created",
    ("project", "renamed"): "Project renamed to {name}",
    ("project", "edited"): "Project {name} edited",
    ("project", "archived"): "Project {name} archived",
    ("project", "restored"): "Project {name} restored",
    ("hypothesis", "created"): "Hypothesis added: {name}",
    ("hypothesis", "edited"): "Hypothesis changed: {name}",
    ("hypothesis", "archived"): "Hypothesis archived: {name}",
    ("dataset", "attached"): "Dataset {name} attached to the project",
    ("dataset", "detached"): "Dataset {name} detached from the project",
    ("dataset", "linked"): "Dataset {name} linked to a hypothesis",
    ("dataset", "archived"): "Dataset {name} archived",
    ("dataset", "restored"): "Dataset {name} restored",
    ("dataset_version", "added"): "Dataset version {name} added",
    ("dataset_version", "derived"): "Dataset version {name} derived",
    ("dataset_version", "edited"): "Column types of {name} changed",
    ("dataset_version", "profiled"): "{name} profiled",
    ("dataset_version", "repaired"): "Stored copy of {name} repaired",
    ("experiment", "created"): "Experiment {name} queued",
    ("experiment", "done"): "Experiment {name} finished",
    ("model", "created"): "Model {name} of {parent} stored",
    ("model", "reproduced"): "Model {name} of {parent} reproduced",
    ("model", "migrated"): "Model {name} of {parent} moved to the pickle-free format",
    ("model", "benchmarked"): "Model {name} of {parent} benchmarked",
    ("model", "explained"): "Model {name} of {parent} explained",
    ("model", "card"): "Model card of {name} of {parent} edited",
    ("model", "exported"): "Model {name} of {parent} exported as a bundle",
    ("model", "export_verified"): "Bundle of model {name} of {parent} verified against the app",
    ("model", "image_verified"): "Image of model {name} of {parent} built and verified",
    ("model", "promoted"): "Model {name} of {parent} changed stage",
    ("model", "stage_changed"): "Model {name} of {parent} changed stage",
    ("model", "archived"): "Model {name} of {parent} archived",
    ("hypothesis", "judged"): "Hypothesis judged from the evidence: {name}",
    ("hypothesis", "verdict_set"): "Verdict set by hand: {name}",
    ("project", "gate_changed"): "Gate of {name} changed",
    ("label_task", "created"): "Label task {name} created",
    ("label_task", "updated"): "Label task {name} changed",
    ("label_task", "archived"): "Label task {name} archived",
    ("label_task", "restored"): "Label task {name} restored",
    ("label_task", "published"): "Labels of {name} published as a new dataset version",
    ("feature_set", "created"): "Feature set {name} saved",
    ("feature_set", "archived"): "Feature set {name} archived",
    ("feature_set", "restored"): "Feature set {name} restored",
    ("monitor_batch", "added"): "Batch {name} added for model {parent}",
    ("monitor_batch", "drift_checked"): "Batch {name} checked for drift: no alert",
    ("monitor_batch", "drift_alert"): "Batch {name} checked for drift: alert",
    ("monitor_batch", "sent_to_labeling"): "Batch {name} sent to labeling",
    ("monitor_batch", "retrain_data"): "Retraining data made from batch {name}",
    ("model", "monitor_settings"): "Alert thresholds of model {name} of {parent} changed",
    ("job", "queued"): "Job {name} queued",
    ("job", "done"): "Job {name} done",
    ("job", "failed"): "Job {name} failed",
    ("job", "cancel_requested"): "Cancel requested for job {name}",
    ("job", "cancelled"): "Job {name} cancelled",
    ("job", "interrupted"): "Job {name} interrupted",
}
NAME_LIMIT = 80  # a longer name (a hypothesis's statement) is cut at a word, with an ellipsis
# routine job events the feed leaves to the Jobs page (the work they did has its own: a profile, an experiment)
ROUTINE = [("job", "queued"), ("job", "done"), ("job", "cancel_requested")]


def event_line(event, subject: overview.Subject | None, *, project_name: str | None, everywhere: bool) -> None:
    """One line of the feed: what happened to what (the name links to it), and when (and where, for all projects).

    The sentence is split around the name, so the name is the link and the words around it wrap
    like text (a link's label does not wrap: a long one would be cut).
    """
    template = EVENT_TEXT.get((event.object_kind, event.verb))
    when = ago(event.at) + (f" · {escape_markdown(project_name)}" if everywhere and project_name else "")
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    if template is None or subject is None:  # an event this screen has no sentence for, or of a deleted object
        row.markdown(escape_markdown(activity.shorten(event.message, 160)), width="content")
        row.caption(when, width="content")
        return
    before, _, after = tk(template).partition("{name}")
    parent = escape_markdown(activity.shorten(subject.parent_name, 40))
    name = escape_markdown(activity.shorten(subject.name, NAME_LIMIT))
    if before.strip():
        row.markdown(before.format(parent=parent).strip(), width="content")
    if subject.archived:
        row.markdown(f"**{name}** ({t('archived')})", width="content")
    else:
        # a link from the feed of all projects switches to the object's project
        project_id = (event.project_id or subject.project_id) if everywhere else None
        url.link(SUBJECT_PAGES[subject.kind], f"**{name}**", icon=SUBJECT_ICONS.get(subject.kind), container=row,
                 **subject_params(subject, project=project_id))
    if after.strip():
        row.markdown(after.format(parent=parent).strip(), width="content")
    row.caption(when, width="content")
