"""The activity feed: a project's events (its datasets' included), names for what they mention, no cut words."""

from __future__ import annotations

import pytest

from core import overview
from core.data import datasets
from core.define import hypotheses
from core.store import activity
from tests.conftest import SAMPLES, make_project


def test_a_projects_feed_holds_its_own_events_and_its_datasets_but_not_other_projects(ws):
    churn, cancer = make_project(ws, "Churn"), make_project(ws, "Cancer")
    added = datasets.add_dataset(ws, SAMPLES / "churn.csv", name="churn", project_id=churn.id)
    with ws.write() as db:  # what a profile or new column types record: no project of their own
        activity.record_event(db, object_kind="dataset_version", object_id=added.version.id, verb="profiled",
                              message="Profiled churn v1")
    mine = activity.list_events(ws, project_id=churn.id)
    assert {e.project_id for e in mine} <= {churn.id, None}
    assert "Profiled churn v1" in [e.message for e in mine]
    assert "Project 'Cancer' created" not in [e.message for e in mine]
    theirs = [e.message for e in activity.list_events(ws, project_id=cancer.id)]
    assert theirs == ["Project 'Cancer' created"]
    everything = [e.message for e in activity.list_events(ws)]
    assert "Project 'Cancer' created" in everything and "Profiled churn v1" in everything


@pytest.mark.parametrize("text,limit,expected", [
    ("Usage in the last 90 days predicts cancellation", 30, "Usage in the last 90 days…"),
    ("Support tickets, satisfaction and tenure predict cancellation.", 40, "Support tickets, satisfaction and…"),
    ("short", 30, "short"),
    ("  spaced   out  ", 30, "spaced out"),
])
def test_shorten_never_cuts_a_word_in_half(text, limit, expected):
    """Defect 9: the feed cut a word in half ('…satisfaction and tenure pred')."""
    cut = activity.shorten(text, limit)
    assert cut == expected and len(cut) <= limit
    if cut.endswith("…"):
        assert text.split()[len(cut[:-1].split()) - 1] == cut[:-1].split()[-1]  # the last word kept is whole


def test_subjects_name_what_events_and_jobs_mention(ws):
    project = make_project(ws, "Churn")
    added = datasets.add_dataset(ws, SAMPLES / "churn.csv", name="churn", project_id=project.id)
    h = hypotheses.create_hypothesis(ws, project.id, question="Who churns?", statement="Tickets predict churn",
                                     metric="roc_auc", threshold=0.8)
    found = overview.subjects(ws, [("project", project.id), ("dataset", added.version.dataset_id),
                                   ("dataset_version", added.version.id), ("hypothesis", h.id),
                                   ("experiment", "exp_gone"), ("spaceship", "x")])
    assert found[("project", project.id)].name == "Churn"
    assert found[("dataset", added.version.dataset_id)].name == "churn"
    version = found[("dataset_version", added.version.id)]
    assert (version.name, version.dataset_id, version.version_id, version.project_id) == (
        "churn v1", added.version.dataset_id, added.version.id, project.id)
    assert found[("hypothesis", h.id)].name == "Tickets predict churn"
    assert ("experiment", "exp_gone") not in found and ("spaceship", "x") not in found


def test_a_feed_can_leave_out_routine_events(ws):
    from core import jobs

    project = make_project(ws, "Churn")
    ok = jobs.enqueue(ws, "echo", {}, title="fine", project_id=project.id, start_worker=False)
    bad = jobs.enqueue(ws, "echo", {"fail": True}, title="broken", project_id=project.id, start_worker=False)
    jobs.run_worker(ws, idle_exit=0)
    routine = [("job", "queued"), ("job", "done")]
    kept = [(e.object_id, e.verb) for e in activity.list_events(ws, project_id=project.id, skip=routine)]
    assert (bad.id, "failed") in kept
    assert not [verb for object_id, verb in kept if object_id == ok.id]
    assert ("project", "created") in [(e.object_kind, e.verb) for e in activity.list_events(ws, skip=routine)]
