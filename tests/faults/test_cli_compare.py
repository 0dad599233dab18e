"""Fault suite (issue #11): the models and gates commands refuse bad rules, unknown models, projects and stages,
and a production promotion that fails the gate, with one line, a hint and exit 2, changing nothing."""

from __future__ import annotations

import json

import pytest

from tests.conftest import make_project
from tests.shared import cli
from tests.unit.test_cli_compare import build_compared


def _error(err: str) -> dict:
    """The JSON error object `--json` writes as stderr's last line."""
    return json.loads(err.strip().splitlines()[-1])


@pytest.mark.parametrize(("rule", "token"), [
    ("roc_auc >= 0.9 and p99_ms <= ", "end"),
    ("roc_auc >== 0.9", "="),
    ("roc_aucc >= 0.9", "roc_aucc"),
    ("roc_auc >= 0.9 an p99_ms <= 10", "an"),
    ("__import__('os')", "__import__"),
])
def test_a_bad_rule_is_refused_with_a_caret_at_the_bad_token_and_nothing_is_stored(ws, capsys, rule, token):
    from core.evaluation import gates

    project = make_project(ws, "Gated")
    gates.set_gate(ws, project.id, "accuracy >= 0.5")
    code, out, err = cli(ws, capsys, "gates", "set", "--project", project.id, rule)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and token in err
    assert "^" in err  # the caret line under the bad token
    caret_line = next(line for line in err.splitlines() if line.strip().startswith("^"))
    rule_line = next(line for line in err.splitlines() if rule.strip() in line and line is not caret_line)
    column = caret_line.index("^")
    if token != "end":
        assert rule_line[column:].startswith(token[0])  # the caret sits under the token
    code, out, err = cli(ws, capsys, "gates", "set", "--project", project.id, rule, "--json")
    assert code == 2 and out == "" and token in _error(err)["error"] + _error(err)["hint"]
    assert gates.get_gate(ws, project.id).text == "accuracy >= 0.5"  # the old rule stays


def test_unknown_models_and_projects_are_one_line_with_exit_2_and_queue_nothing(ws, capsys):
    from core import jobs

    make_project(ws, "One")
    for args in (("models", "show", "mdl_nope"), ("models", "benchmark", "mdl_nope"),
                 ("models", "evaluate", "mdl_nope"), ("models", "history", "mdl_nope"),
                 ("models", "promote", "mdl_nope", "--stage", "candidate", "--note", "x")):
        code, out, err = cli(ws, capsys, *args)
        assert code == 2 and out == "", args
        assert len(err.strip().splitlines()) == 1 and "mdl_nope" in err and "error: " in err, args
        code, out, err = cli(ws, capsys, *args, "--json")
        assert code == 2 and _error(err)["type"] == "NotFound" and _error(err)["hint"], args
    for args in (("gates", "show", "--project", "prj_nope"), ("models", "list", "--project", "prj_nope")):
        code, out, err = cli(ws, capsys, *args)
        assert code == 2 and out == "" and "prj_nope" in err, args
    assert jobs.list_jobs(ws) == []


def test_models_list_without_a_project_among_several_asks_which(ws, capsys):
    make_project(ws, "One")
    make_project(ws, "Two")
    code, out, err = cli(ws, capsys, "models", "list")
    assert code == 2 and out == "" and "--project" in err


# ---------------------------------------------------------------- with trained models

@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return build_compared(tmp_path_factory.mktemp("faults-compared") / "ws")


@pytest.mark.slow
def test_promote_refuses_an_unknown_stage_and_a_production_model_failing_the_gate(trained, capsys):
    from core import experiments
    from core.evaluation import gates, registry
    from core.workspace import Workspace

    ws = Workspace(trained.root)
    code, out, err = cli(ws, capsys, "models", "promote", trained.linear, "--stage", "prod", "--note", "x")
    assert code == 2 and out == ""
    assert "prod" in err and "candidate" in err and "production" in err  # says which stages exist
    assert experiments.get_model(ws, trained.linear).stage == "none"

    gates.set_gate(ws, trained.project_id, "roc_auc >= 1.01")
    code, out, err = cli(ws, capsys, "models", "promote", trained.linear, "--stage", "production", "--note", "go",
                         "--json")
    assert code == 2 and out == ""
    error = _error(err)
    assert "roc_auc >= 1.01" in error["error"] + error["hint"] and "--force" in error["error"] + error["hint"]
    assert experiments.get_model(ws, trained.linear).stage == "none"
    assert registry.production_model(ws, trained.project_id) is None

    forced = json.loads(cli(ws, capsys, "models", "promote", trained.linear, "--stage", "production", "--note",
                            "accepted risk", "--force", "--json")[1])
    assert forced["stage"] == "production"
    (change,) = registry.stage_history(ws, model_id=trained.linear)
    assert "accepted risk" in change.note
