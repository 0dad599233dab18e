"""Gates: a small safe grammar (never eval), three-valued results naming the failing clauses, stored per project."""

from __future__ import annotations

import builtins
import json
from types import SimpleNamespace

import pytest

from core.errors import InvalidInput
from core.evaluation import gates
from core.evaluation.gates import GATE_FIELDS, GateSyntaxError, parse
from core.ids import new_id, utcnow
from core.store.activity import list_events
from tests.conftest import make_project
from tests.tiny_models import make_model

GOOD = {"roc_auc": 0.93, "p99_ms": 8.0, "size_mb": 2.0, "accuracy": 0.88}


@pytest.mark.parametrize(
    ("rule", "values", "passed"),
    [
        ("roc_auc >= 0.9", GOOD, True),
        ("roc_auc >= 0.95", GOOD, False),
        ("roc_auc > 0.93", GOOD, False),
        ("roc_auc == 0.93 and accuracy != 0.5", GOOD, True),
        ("roc_auc < 1 and p99_ms <= 8", GOOD, True),
        ("p99_ms < 8", GOOD, False),
        ("size_mb <= 1e-3 or roc_auc >= 9E-1", GOOD, True),
        ("not p99_ms > 10", GOOD, True),
        ("NOT (roc_auc >= 0.9 AND p99_ms <= 10)", GOOD, False),
        ("Roc_AUC >= 0.9", GOOD, True),
        ("r2 >= -0.5", {"r2": -0.1}, True),
        ("rows_per_s >= 10", {"rows_per_s": 11}, True),
    ],
)
def test_rules_read_and_judge_as_written(rule, values, passed):
    assert parse(rule).evaluate(values).passed is passed


def test_and_binds_tighter_than_or_and_parentheses_change_it():
    values = {"roc_auc": 0.95, "p99_ms": 50.0, "size_mb": 500.0}
    # roc_auc >= 0.9 or (p99_ms <= 10 and size_mb <= 1): passes on the first alone
    assert parse("roc_auc >= 0.9 or p99_ms <= 10 and size_mb <= 1").evaluate(values).passed is True
    assert parse("(roc_auc >= 0.9 or p99_ms <= 10) and size_mb <= 1").evaluate(values).passed is False
    # not binds tighter than and: (not roc_auc < 0.5) and p99_ms <= 10
    assert parse("not roc_auc < 0.5 and p99_ms <= 10").evaluate(values).passed is False
    assert parse("not (roc_auc < 0.5 and p99_ms <= 10)").evaluate(values).passed is True
    assert parse("((roc_auc >= 0.9))").evaluate(values).passed is True


def test_a_failing_result_names_the_failing_clauses_exactly_as_written_with_the_value():
    rule = parse("roc_auc >= 0.9 and  p99_ms<=10 and size_mb <= 5")
    result = rule.evaluate({"roc_auc": 0.93, "p99_ms": 14.2, "size_mb": 7.0})
    assert result.passed is False and result.status == "fail"
    assert result.failing == ["p99_ms<=10 (is 14.2)", "size_mb <= 5 (is 7)"]
    assert "p99_ms<=10 (is 14.2)" in result.reason
    assert rule.evaluate({"roc_auc": 0.93, "p99_ms": 9.0, "size_mb": 1.0}).as_dict() == {
        "status": "pass", "passed": True, "failing": [], "unknown": [], "rule": rule.text}
    negated = parse("not (p99_ms > 10)").evaluate({"p99_ms": 12.0})
    assert negated.failing == ["not (p99_ms > 10) (p99_ms is 12)"]


def test_a_missing_value_makes_its_clause_unknown_and_says_what_to_do():
    rule = parse("roc_auc >= 0.9 and p99_ms <= 10")
    result = rule.evaluate({"roc_auc": 0.95, "p99_ms": None})
    assert result.passed is None and result.status == "unknown" and result.failing == []
    assert result.unknown == ["p99_ms <= 10 (no benchmark yet: benchmark the model)"]
    # a known failure decides an "and"; a known pass decides an "or"
    assert rule.evaluate({"roc_auc": 0.5}).passed is False
    assert parse("roc_auc >= 0.9 or p99_ms <= 10").evaluate({"roc_auc": 0.95}).passed is True
    assert parse("not p99_ms <= 10").evaluate({}).passed is None
    assert parse("roc_auc >= 0.9").evaluate({"roc_auc": float("nan")}).passed is None


@pytest.mark.parametrize(
    ("rule", "token", "column", "words"),
    [
        ("roc_auc >= ", "", 11, "number"),
        ("roc_auc = 0.9", "=", 9, "=="),
        ("roc_auc >= 0.9 and", "", 19, "field name"),
        ("(roc_auc >= 0.9", "", 16, "not closed"),
        ("roc_auc >= 0.9)", ")", 15, "closes no"),
        ("roc_auc >= 0.9x", "0.9x", 12, "not a number"),
        ("roc_auc >= 0.9 && p99_ms < 3", "&", 16, "'and'"),
        ("roc_auc >= 0.9; p99_ms < 3", ";", 15, "parentheses only"),
        ("0.9 <= roc_auc", "0.9", 1, "field before the number"),
        ("roc_auc >= high", "high", 12, "number"),
        ("roc_auc 0.9", "0.9", 9, "comparison"),
        ("and roc_auc >= 0.9", "and", 1, "field name"),
        ("roc_auc >= 0.9 p99_ms <= 1", "p99_ms", 16, "'and', 'or'"),
        ("", "", 1, "comparison"),
        ("__import__('os')", "__import__", 1, "Unknown field"),
        ("p99_ms <= 10 and exec('x')", "exec", 18, "Unknown field"),
    ],
)
def test_every_kind_of_bad_rule_points_at_the_bad_token(rule, token, column, words):
    with pytest.raises(GateSyntaxError) as info:
        parse(rule)
    err = info.value
    assert isinstance(err, InvalidInput)
    assert (err.token, err.column) == (token, column)
    assert f"column {column}" in err.message and (not token or f"'{token}'" in err.message)
    assert words in err.message or words in err.hint
    lines = err.hint.splitlines()
    caret = next(i for i, line in enumerate(lines) if line.strip() == "^")
    assert lines[caret - 1] == "  " + rule.strip() and lines[caret].index("^") == column - 1 + 2
    assert "roc_auc >= 0.9 and p99_ms <= 10" in err.hint  # an example rule


def test_an_unknown_field_lists_close_matches_and_the_allowed_names():
    with pytest.raises(GateSyntaxError) as info:
        parse("roc_auc >= 0.9 and p99 <= 10")
    assert "'p99'" in info.value.message and "did you mean 'p99_ms'" in info.value.message
    assert "p95_ms" in info.value.hint and "rows_per_s_10000" in info.value.hint and "_low" in info.value.hint
    with pytest.raises(GateSyntaxError, match="did you mean one of 'roc_auc', "):
        parse("rocauc >= 0.9")


def test_rules_are_never_evaluated_as_python(monkeypatch):
    def forbidden(*_a, **_k):
        raise AssertionError("eval/exec/compile called")

    for name in ("eval", "exec", "compile"):
        monkeypatch.setattr(builtins, name, forbidden)
    assert parse("roc_auc >= 0.9 and (p99_ms <= 10 or not size_mb > 5)").evaluate(GOOD).passed is True
    for rule in ("__import__('os').system('true')", "roc_auc >= 0.9 and __class__ >= 1", "().__class__",
                 "roc_auc >= 0.9 and open('x') > 1", "lambda: 1"):
        with pytest.raises(GateSyntaxError):
            parse(rule)


def test_every_documented_field_is_allowed():
    metrics = ["accuracy", "balanced_accuracy", "macro_f1", "f1", "roc_auc", "log_loss", "r2", "rmse", "mae"]
    expected = {*metrics, *(f"{m}_low" for m in metrics), *(f"{m}_high" for m in metrics), "val_metric",
                "train_time_s", "size_mb", "load_ms", "p50_ms", "p95_ms", "p99_ms", "rows_per_s", "rows_per_s_1",
                "rows_per_s_100", "rows_per_s_10000", "peak_rss_mb"}
    assert set(GATE_FIELDS) == expected and all(GATE_FIELDS.values())
    for name in expected:
        assert parse(f"{name} >= 0").fields == [name]


def test_model_values_read_the_evaluation_the_benchmark_the_model_and_its_trial():
    evaluation = SimpleNamespace(metrics={"roc_auc": {"value": 0.91, "low": 0.85, "high": 0.96}})
    benchmark = SimpleNamespace(load_ms=120.0, p50_ms=1.0, p95_ms=2.0, p99_ms=3.0, peak_rss_mb=200.0,
                                rows_per_s={"1": 500.0, "100": 20_000.0, "10000": 90_000.0})
    model = SimpleNamespace(holdout={"roc_auc": 0.5, "accuracy": 0.8}, size_bytes=2 * 1024 * 1024)
    run = SimpleNamespace(val_metric=0.89, train_time=1.5)
    values = gates.model_values(evaluation, benchmark, model, run=run)
    assert set(values) == set(GATE_FIELDS)
    assert (values["roc_auc"], values["roc_auc_low"], values["roc_auc_high"]) == (0.91, 0.85, 0.96)
    assert values["accuracy"] == 0.8 and values["accuracy_low"] is None  # from the stored holdout scores
    assert values["size_mb"] == 2.0 and values["val_metric"] == 0.89 and values["train_time_s"] == 1.5
    assert values["rows_per_s"] == 90_000.0 and values["rows_per_s_100"] == 20_000.0  # largest batch
    assert values["p99_ms"] == 3.0 and values["load_ms"] == 120.0
    bare = gates.model_values(None, None, model)
    assert bare["roc_auc"] == 0.5 and bare["p99_ms"] is None and bare["rows_per_s"] is None


def test_a_gate_is_stored_per_project_and_its_changes_are_in_the_activity_feed(ws):
    a, b = make_project(ws, "A"), make_project(ws, "B")
    assert gates.get_gate(ws, a.id) is None
    assert gates.set_gate(ws, a.id, "roc_auc >= 0.9").text == "roc_auc >= 0.9"
    gates.set_gate(ws, a.id, "roc_auc >= 0.9 and p99_ms <= 10")
    assert gates.get_gate(ws, a.id).text == "roc_auc >= 0.9 and p99_ms <= 10" and gates.get_gate(ws, b.id) is None
    with pytest.raises(GateSyntaxError):
        gates.set_gate(ws, a.id, "roc_auc >= ")  # a bad rule changes nothing
    assert gates.get_gate(ws, a.id).text == "roc_auc >= 0.9 and p99_ms <= 10"
    assert gates.set_gate(ws, a.id, "") is None and gates.get_gate(ws, a.id) is None
    messages = [e.message for e in list_events(ws, project_id=a.id) if e.verb == "gate_changed"]
    assert messages == ["Gate of 'A' cleared (was: roc_auc >= 0.9 and p99_ms <= 10)",
                        "Gate of 'A' changed from: roc_auc >= 0.9 to: roc_auc >= 0.9 and p99_ms <= 10",
                        "Gate of 'A' set: roc_auc >= 0.9"]


def test_check_models_judges_stored_models_with_their_newest_benchmark(ws, tmp_path):
    project = make_project(ws)
    model = make_model(ws, tmp_path, project=project)
    gates.set_gate(ws, project.id, "roc_auc >= 0.5 and p99_ms <= 10")
    result = gates.check_models(ws, project.id, [model.id])[model.id]
    assert result.passed is None and result.unknown == ["p99_ms <= 10 (no benchmark yet: benchmark the model)"]
    for p99, at in ((50.0, "2020-01-01T00:00:00+00:00"), (4.0, utcnow())):  # the newest counts
        with ws.write() as db:
            db["benchmarks"].insert({"id": new_id("bm"), "model_id": model.id, "p99_ms": p99, "created_at": at,
                                     "rows_per_s": json.dumps({"1": 10.0})})
    assert gates.check_models(ws, project.id, [model.id, "mdl_unknown"]) == {
        model.id: gates.GateResult(True, [], [], "roc_auc >= 0.5 and p99_ms <= 10")}
    gates.set_gate(ws, project.id, "roc_auc >= 0.999")
    failing = gates.check_models(ws, project.id, [model.id])[model.id]
    assert failing.passed is False and failing.failing[0].startswith("roc_auc >= 0.999 (is 0.")
    gates.set_gate(ws, project.id, "")
    assert gates.check_models(ws, project.id, [model.id]) == {}


@pytest.mark.parametrize("kind", ["ERRORS", "HINTS", "PROGRESS"])
def test_korean_patterns_of_gate_registry_and_benchmark_messages_match_their_examples(monkeypatch, kind):
    import re

    from ui import i18n
    from ui.locale import ko_validation

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    entries = getattr(ko_validation, kind)
    assert entries
    for pattern, korean, example in entries:
        match = re.fullmatch(pattern, example, re.DOTALL)
        assert match, f"{pattern!r} does not match its example {example!r}"
        assert set(re.findall(r"{(\w+)}", korean)) <= set(match.groupdict()), korean
        shown = i18n.message(example, kind=kind)
        assert re.search("[\uac00-\ud7a3]", shown), shown


@pytest.mark.parametrize("rule", ["roc_auc >= ", "roc_auc = 0.9", "(roc_auc >= 0.9", "roc_auc >= 0.9)",
                                  "roc_auc >= 0.9x", "roc_auc >= 0.9 && p99_ms < 3", "0.9 <= roc_auc",
                                  "p99 <= 10", "p99ms <= 10", "__import__('os')", "roc_auc 0.9"])
def test_a_bad_rule_reads_in_korean_with_the_rule_and_caret_kept(monkeypatch, rule):
    from ui import i18n

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    with pytest.raises(GateSyntaxError) as info:
        parse(rule)
    message, hint = i18n.message(info.value.message), i18n.message(info.value.hint, kind="HINTS")
    for text in (message, hint):
        assert text != "" and "Expected" not in text and "column" not in text and "A rule reads" not in text
    assert "열" in message and "규칙 예:" in hint
    assert "  " + rule.strip() + "\n" + " " * (info.value.column + 1) + "^" in hint  # the caret stays under the token
