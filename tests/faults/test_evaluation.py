"""The fault suite, evaluation and verdicts: bad requests and missing files get a clear message with a hint."""

from __future__ import annotations

import pytest

from core.define import hypotheses
from core.errors import InvalidInput, NotFound
from core.evaluation import scoring, verdicts
from tests.conftest import make_project
from tests.unit.test_scoring import make_model


def test_a_verdict_set_by_hand_without_a_note_is_refused(ws):
    project = make_project(ws)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="roc_auc", threshold=0.8)
    for note in ("", "   "):
        with pytest.raises(InvalidInput, match="needs a note") as info:
            verdicts.override_verdict(ws, h.id, "supported", note=note)
        assert "e.g." in info.value.hint
    assert hypotheses.get_hypothesis(ws, h.id).verdict is None  # nothing changed


def test_an_unknown_outcome_or_hypothesis_is_refused(ws):
    project = make_project(ws)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="roc_auc", threshold=0.8)
    with pytest.raises(InvalidInput, match="'proven' is not a verdict") as info:
        verdicts.override_verdict(ws, h.id, "proven", note="sure")
    assert "supported, rejected, inconclusive" in info.value.hint
    with pytest.raises(NotFound, match="hyp_nope"):
        verdicts.override_verdict(ws, "hyp_nope", "supported", note="sure")
    with pytest.raises(InvalidInput, match="direction"):
        verdicts.decide("~", 0.5, 0.4, 0.6)


def test_an_unknown_model_is_named_before_anything_is_queued(ws):
    from core import jobs

    with pytest.raises(NotFound, match="mdl_nope") as info:
        scoring.enqueue_evaluation(ws, ["mdl_nope"], start_worker=False)
    assert info.value.hint
    assert jobs.list_jobs(ws, kind="evaluate") == []
    with pytest.raises(NotFound, match="mdl_nope"):
        scoring.evaluate_model(ws, "mdl_nope")
    with pytest.raises(NotFound, match="mdl_nope"):
        scoring.load_predictions(ws, "mdl_nope")
    assert scoring.get_evaluation(ws, "mdl_nope") is None


@pytest.mark.slow
def test_a_model_without_an_evaluation_says_how_to_get_its_predictions(ws, tmp_path):
    model = make_model(ws, tmp_path)
    with pytest.raises(NotFound, match="no evaluation yet") as info:
        scoring.load_predictions(ws, model.id)
    assert f"mlcycle models evaluate {model.id}" in info.value.hint


@pytest.mark.slow
def test_deleted_predictions_are_explained_and_evaluating_again_repairs_them(ws, tmp_path):
    project = make_project(ws)
    model = make_model(ws, tmp_path, project=project)
    ev = scoring.evaluate_model(ws, model.id)
    ws.artifacts.path(ev.predictions_artifact).unlink()
    with pytest.raises(NotFound, match=f"stored predictions of model {model.id}") as info:
        scoring.load_predictions(ws, model.id)
    assert "Evaluate the model again" in info.value.hint
    assert scoring.missing_evaluations(ws, project.id) == [model.id]  # offered for evaluation again
    scoring.evaluate_model(ws, model.id)
    assert scoring.load_predictions(ws, model.id).proba.shape[0] == ev.n_rows
    assert scoring.missing_evaluations(ws, project.id) == []
