"""Hypothesis verdicts: the whole interval against the success criterion, the evidence kept, overrides stick."""

from __future__ import annotations

from dataclasses import replace

import pytest

from core.define import hypotheses
from core.evaluation import scoring, verdicts
from core.experiments import service
from core.store import activity, lineage
from tests.conftest import make_project
from tests.unit.test_scoring import make_model


@pytest.mark.parametrize(
    ("direction", "threshold", "low", "high", "outcome"),
    [
        (">=", 0.90, 0.92, 0.97, "supported"),
        (">=", 0.90, 0.90, 0.95, "supported"),  # an end on the threshold meets it
        (">=", 0.90, 0.80, 0.88, "rejected"),
        (">=", 0.90, 0.85, 0.95, "inconclusive"),
        ("<=", 0.30, 0.10, 0.20, "supported"),
        ("<=", 0.30, 0.35, 0.50, "rejected"),
        ("<=", 0.30, 0.25, 0.35, "inconclusive"),
        ("max", 0.50, 0.60, 0.70, "supported"),
        ("min", 0.50, 0.60, 0.70, "rejected"),
    ],
)
def test_the_three_way_rule_in_both_directions(direction, threshold, low, high, outcome):
    assert verdicts.decide(direction, threshold, low, high) == outcome


def _judged_setup(ws, tmp_path, *, metric: str, threshold: float, value: float, low: float, high: float,
                  name: str | None = None, method: str = "holdout"):
    """A hypothesis, an experiment testing it, its model, and an evaluation with the given interval."""
    project = make_project(ws)
    h = hypotheses.create_hypothesis(ws, project.id, question="Who cancels?", statement="Usage predicts churn",
                                     metric=metric, threshold=threshold)
    model = make_model(ws, tmp_path, hypothesis=h, project=project)
    ev = scoring.evaluate_model(ws, model.id)
    metrics = dict(ev.metrics)
    metrics[name or metric] = {"value": value, "low": low, "high": high}
    scoring._store(ws, replace(ev, metrics=metrics, method=method))
    return h, model


@pytest.mark.slow
def test_a_supported_verdict_records_its_evidence_everywhere(ws, tmp_path):
    h, model = _judged_setup(ws, tmp_path, metric="roc_auc", threshold=0.8, value=0.9, low=0.85, high=0.95)
    verdict = verdicts.judge_experiment(ws, model.experiment_id)
    assert verdict["outcome"] == "supported" and verdict["applied"]
    h2 = hypotheses.get_hypothesis(ws, h.id)
    assert h2.status == "supported"
    assert {k: h2.verdict[k] for k in ("outcome", "source", "model_id", "metric", "value", "low", "high", "method",
                                       "threshold", "direction", "experiment_id")} == {
        "outcome": "supported", "source": "auto", "model_id": model.id, "metric": "roc_auc", "value": 0.9,
        "low": 0.85, "high": 0.95, "method": "holdout", "threshold": 0.8, "direction": ">=",
        "experiment_id": model.experiment_id}
    changes = hypotheses.history(ws, h.id)
    row = next(c for c in changes if c.field == "verdict")
    assert row.new_value == f"supported: roc_auc 0.900 (95% CI 0.850–0.950) >= 0.8, model {model.id}"
    assert any(c.field == "status" and c.new_value == "supported" for c in changes)
    links = {(k.relation, k.to_id) for k in lineage.list_links(ws, "hypothesis", h.id)}
    assert ("judged_by", model.id) in links
    events = activity.list_events(ws, project_id=h.project_id)
    assert any(e.verb == "judged" and e.object_id == h.id and "supported" in e.message for e in events)
    assert verdicts.verdicts_of(ws, h.project_id) == {h.id: h2.verdict}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("metric", "threshold", "interval", "outcome", "words"),
    [
        ("roc_auc", 0.8, (0.7, 0.65, 0.75), "rejected", "rejected: roc_auc 0.700 (95% CI 0.650–0.750), not >= 0.8"),
        ("roc_auc", 0.8, (0.8, 0.75, 0.86), "inconclusive", "inconclusive: roc_auc 0.800 (95% CI 0.750–0.860) "
                                                             "straddles 0.8"),
        ("log_loss", 0.3, (0.2, 0.15, 0.25), "supported", "supported: log_loss 0.200 (95% CI 0.150–0.250) <= 0.3"),
        ("log_loss", 0.3, (0.4, 0.35, 0.45), "rejected", "rejected: log_loss 0.400"),
    ],
    ids=["rejected-higher-is-better", "inconclusive", "supported-lower-is-better", "rejected-lower-is-better"],
)
def test_rejected_and_inconclusive_in_both_directions(ws, tmp_path, metric, threshold, interval, outcome, words):
    value, low, high = interval
    h, model = _judged_setup(ws, tmp_path, metric=metric, threshold=threshold, value=value, low=low, high=high)
    assert verdicts.judge_experiment(ws, model.experiment_id)["outcome"] == outcome
    h2 = hypotheses.get_hypothesis(ws, h.id)
    assert h2.status == outcome and h2.verdict["direction"] == ("<=" if metric == "log_loss" else ">=")
    assert next(c for c in hypotheses.history(ws, h.id) if c.field == "verdict").new_value.startswith(words)


@pytest.mark.slow
def test_a_hypothesis_metric_named_differently_is_found_and_repeated_cv_is_said(ws, tmp_path):
    h, model = _judged_setup(ws, tmp_path, metric="micro_f1", threshold=0.5, value=0.8, low=0.7, high=0.9,
                             name="accuracy", method="repeated_cv")
    verdict = verdicts.judge_experiment(ws, model.experiment_id)
    assert verdict["outcome"] == "supported" and verdict["metric"] == "micro_f1" and verdict["value"] == 0.8
    assert "repeated cross-validation" in verdicts.verdict_text(verdict)


@pytest.mark.slow
def test_a_users_override_sticks_against_later_automatic_verdicts(ws, tmp_path):
    h, model = _judged_setup(ws, tmp_path, metric="roc_auc", threshold=0.8, value=0.9, low=0.85, high=0.95)
    verdicts.judge_experiment(ws, model.experiment_id)
    changed = verdicts.override_verdict(ws, h.id, "rejected", note="  The holdout leaks future data.  ")
    assert changed.status == "rejected"
    assert changed.verdict["source"] == "user" and changed.verdict["note"] == "The holdout leaks future data."
    assert changed.verdict["model_id"] == model.id and changed.verdict["low"] == 0.85  # the evidence stays visible
    again = verdicts.judge_experiment(ws, model.experiment_id)
    assert again["outcome"] == "supported" and again["applied"] is False
    h2 = hypotheses.get_hypothesis(ws, h.id)
    assert h2.status == "rejected" and h2.verdict == changed.verdict
    rows = [c for c in hypotheses.history(ws, h.id) if c.field == "verdict"]
    assert [r.new_value.split(":")[0] for r in rows] == ["supported", "rejected (set by hand)", "supported"]
    assert rows[1].note == "The holdout leaks future data." and "set by hand stands" in rows[2].note


@pytest.mark.slow
def test_a_metric_the_model_lacks_records_nothing_and_says_why(ws, tmp_path):
    project = make_project(ws)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="mape", threshold=0.2)
    model = make_model(ws, tmp_path, hypothesis=h, project=project)  # a classifier: no mape
    scoring.evaluate_model(ws, model.id)
    said: list[str] = []
    assert verdicts.judge_experiment(ws, model.experiment_id, on_log=said.append) is None
    assert said and "mape" in said[0] and "not among" in said[0]
    h2 = hypotheses.get_hypothesis(ws, h.id)
    assert h2.verdict is None and h2.status == "draft"
    assert [c.field for c in hypotheses.history(ws, h.id)] == ["status"]  # only its creation


@pytest.mark.slow
def test_no_evaluation_and_no_hypothesis_record_nothing(ws, tmp_path):
    project = make_project(ws)
    h = hypotheses.create_hypothesis(ws, project.id, question="q", statement="s", metric="roc_auc", threshold=0.8)
    model = make_model(ws, tmp_path, hypothesis=h, project=project)
    said: list[str] = []
    assert verdicts.judge_experiment(ws, model.experiment_id, on_log=said.append) is None
    assert "no evaluation" in said[0]
    other = make_model(ws, tmp_path)
    assert verdicts.judge_experiment(ws, other.experiment_id) is None
    assert service.get_experiment(ws, other.experiment_id).hypothesis_id is None
