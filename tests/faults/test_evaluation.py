"""The fault suite, evaluation and verdicts: bad requests and missing files get a clear message with a hint."""

from __future__ import annotations

import re

import pytest

from core.define import hypotheses
from core.errors import Conflict, InvalidInput, NotFound
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


HANGUL = re.compile(r"[\uac00-\ud7a3]")


@pytest.mark.parametrize("kind", ["ERRORS", "HINTS", "PROGRESS", "NOTES"])
def test_each_korean_pattern_of_evaluation_matches_its_example_and_keeps_the_data(monkeypatch, kind):
    from ui import i18n
    from ui.locale import ko_evaluation

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    entries = getattr(ko_evaluation, kind)
    assert len(entries) >= 5
    for pattern, korean, example in entries:
        match = re.fullmatch(pattern, example, re.DOTALL)
        assert match, f"{pattern!r} does not match its example {example!r}"
        assert set(re.findall(r"\{(\w+)\}", korean)) <= set(match.groupdict()), korean
        shown = i18n.message(example, kind=kind)
        assert HANGUL.search(shown), shown
        for name, value in match.groupdict().items():
            if value and name != "reason":
                assert value in shown, (value, shown)


def test_the_messages_core_really_writes_read_in_korean(monkeypatch, ws):
    from ui import i18n

    project = make_project(ws)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="roc_auc", threshold=0.8)
    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    with pytest.raises(InvalidInput) as info:
        verdicts.override_verdict(ws, h.id, "supported", note="")
    assert i18n.message(info.value.message) == "판정을 직접 정하려면 이유를 적은 메모가 필요합니다."
    assert HANGUL.search(i18n.message(info.value.hint, kind="HINTS"))
    verdict = {"outcome": "inconclusive", "source": "auto", "metric": "roc_auc", "value": 0.968, "low": 0.951,
               "high": 0.982, "method": "repeated_cv", "threshold": 0.97, "direction": ">=", "model_id": "mdl_1"}
    shown = i18n.message(verdicts.verdict_text(verdict), kind="NOTES")
    assert shown == "결론 없음: roc_auc 0.968 (95% 구간 0.951–0.982, 반복 교차 검증), 구간이 0.97에 걸침, 모델 mdl_1"
    assert i18n.message(verdicts.verdict_text({**verdict, "outcome": "rejected", "low": None}), kind="NOTES") == (
        "기각됨: roc_auc 0.968 (구간 없음, 반복 교차 검증), >= 0.97 미충족, 모델 mdl_1")
    with pytest.raises(Conflict) as info:
        scoring.enqueue_evaluation(ws, project_id=project.id, start_worker=False)
    assert HANGUL.search(i18n.message(info.value.message))
