"""Hypotheses: success criteria that can be evaluated, status with history, links."""

from __future__ import annotations

import pytest

from core.data import datasets
from core.define import hypotheses
from core.errors import InvalidInput, NotFound
from tests.conftest import make_project


def _make(ws, project, **kw):
    values = {"question": "Who churns?", "statement": "Usage predicts churn", "metric": "roc_auc",
              "threshold": 0.85} | kw
    return hypotheses.create_hypothesis(ws, project.id, **values)


def test_a_hypothesis_has_a_measurable_success_criterion(ws):
    p = make_project(ws)
    h = _make(ws, p, data_needed="usage logs", acquisition="warehouse export", owner="kim")
    assert h.id.startswith("hyp_") and h.status == "draft"
    assert h.criterion == "roc_auc >= 0.85 on the holdout set"
    assert h.is_met_by(0.9) and not h.is_met_by(0.8)
    assert [x.id for x in hypotheses.list_hypotheses(ws, p.id)] == [h.id]


def test_error_metrics_default_to_lower_is_better(ws):
    h = _make(ws, make_project(ws), metric="rmse", threshold=12.5)
    assert h.direction == "<=" and h.is_met_by(10) and not h.is_met_by(13)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("metric", "auc", "not a metric"),
        ("threshold", 1.5, "between 0 and 1"),
        ("threshold", "high", "not a number"),
        ("statement", "  ", "needs a statement"),
        ("status", "done", "not a hypothesis status"),
        ("direction", "=>", "not a direction"),
    ],
)
def test_bad_criteria_are_refused_with_a_reason(ws, field, value, message):
    p = make_project(ws)
    with pytest.raises(InvalidInput, match=message):
        _make(ws, p, **{field: value})
    assert hypotheses.list_hypotheses(ws, p.id) == []


def test_status_changes_are_kept_in_history_with_notes(ws):
    h = _make(ws, make_project(ws))
    hypotheses.set_status(ws, h.id, "testing", note="experiment queued")
    hypotheses.update_hypothesis(ws, h.id, threshold=0.9, note="stricter after review")
    changes = [(c.field, c.old_value, c.new_value, c.note) for c in hypotheses.history(ws, h.id)]
    assert changes == [
        ("status", None, "draft", "created"),
        ("status", "draft", "testing", "experiment queued"),
        ("threshold", "0.85", "0.9", "stricter after review"),
    ]


def test_a_failed_edit_changes_nothing(ws):
    h = _make(ws, make_project(ws))
    with pytest.raises(InvalidInput):
        hypotheses.update_hypothesis(ws, h.id, metric="accuracy", threshold=3)
    assert hypotheses.get_hypothesis(ws, h.id) == h
    assert len(hypotheses.history(ws, h.id)) == 1


def test_linked_objects_start_empty_and_unknown_ids_are_not_found(ws):
    h = _make(ws, make_project(ws))
    assert hypotheses.linked(ws, h.id) == {"datasets": [], "experiments": [], "models": []}
    with pytest.raises(NotFound):
        hypotheses.get_hypothesis(ws, "hyp_missing")
    with pytest.raises(NotFound, match="ds_missing"):
        datasets.link_dataset_to_hypothesis(ws, "ds_missing", h.id)


def test_archive_hides_a_hypothesis(ws):
    p = make_project(ws)
    h = _make(ws, p)
    hypotheses.archive_hypothesis(ws, h.id)
    assert hypotheses.list_hypotheses(ws, p.id) == []
    assert hypotheses.restore_hypothesis(ws, h.id).archived_at is None


def test_activity_about_a_long_hypothesis_never_cuts_a_word_in_half(ws):
    from core.store import activity

    project = make_project(ws)
    statement = "Customers who contacted support repeatedly during onboarding " * 3
    h = hypotheses.create_hypothesis(ws, project.id, question="Who churns?", statement=statement.strip(),
                                     metric="roc_auc", threshold=0.8)
    hypotheses.set_status(ws, h.id, "testing")
    messages = [e.message for e in activity.list_events(ws, project_id=project.id)
                if e.object_kind == "hypothesis"]
    assert len(messages) == 2
    for message in messages:
        assert "…" in message  # shortened, at a whole word
        cut = message.split("…")[0].rstrip("'").split()[-1]
        assert cut in statement.split(), message
