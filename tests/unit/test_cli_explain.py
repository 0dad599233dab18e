"""`mlcycle explain MODEL [--rows N] [--version V] [--seed S] [--json]` on tiny real models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from core.data import datasets
from core.explain import service
from tests.shared import cli, cli_json
from tests.tiny_models import add_model, make_experiment, make_model


def test_json_prints_the_importance_per_column_base_value_and_explainer_and_says_when_it_is_reused(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path)
    exp = service.get_experiment(ws, model.experiment_id)
    data = cli_json(ws, capsys, "explain", model.id, "--rows", "500")
    stored = service.find_explanation(ws, model.id, rows=500)
    assert data["explanation"] == data["id"] == stored.id
    assert data["model"] == model.id and data["version"] == exp.test_version_id  # the held-out rows by default
    assert data["rows"] == stored.n_rows == datasets.get_version(ws, exp.test_version_id).n_rows
    assert (data["explainer"], data["units"], data["outputs"]) == ("tree", "log-odds", ["yes"])
    assert data["base_value"] == pytest.approx(stored.base_values[0]) and isinstance(data["base_value"], float)
    assert [i["column"] for i in data["importance"]] == list(stored.importance["__all__"]) == \
        sorted(["x1", "x2", "plan"], key=lambda c: -stored.importance["__all__"][c])
    assert [i["mean_abs_shap"] for i in data["importance"]] == pytest.approx(list(stored.importance["__all__"].values()))
    assert data["reused"] is False and "importance_by_output" not in data

    # the mean |SHAP| printed is that of the explanation itself
    expl = service.load_explanation(ws, stored)
    assert data["importance"][0]["mean_abs_shap"] == pytest.approx(float(np.abs(expl.values).mean(axis=0).max()))

    again = cli_json(ws, capsys, "explain", model.id, "--rows", "500")
    assert again["reused"] is True and again["explanation"] == stored.id
    assert cli_json(ws, capsys, "explain", model.id, "--rows", "9000")["reused"] is True  # all rows either way


def test_the_human_output_is_a_table_of_columns_with_explainer_units_base_value_and_reuse(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path)
    code, out, err = cli(ws, capsys, "explain", model.id)
    assert code == 0, err
    stored = service.find_explanation(ws, model.id)
    lines = out.splitlines()
    assert lines[0].startswith(f"Explained lgbm model {model.id} of experiment '")
    assert "explainer: tree; SHAP values in log-odds of 'yes'; base value " in out
    header = next(i for i, line in enumerate(lines) if line.startswith("column"))
    assert "mean |SHAP|" in lines[header]
    table_columns = [line.split()[0] for line in lines[header + 2:header + 5]]
    assert table_columns == list(stored.importance["__all__"])
    assert f"stored as {stored.id}" in out
    code, out, _ = cli(ws, capsys, "explain", model.id)
    assert code == 0 and f"Reused the stored explanation {stored.id}" in out


def test_version_rows_and_seed_choose_what_is_explained(ws, tmp_path, capsys):
    exp = make_experiment(ws, tmp_path, name="shop.csv")
    model = add_model(ws, exp, "rf")
    full = datasets.get_version(ws, exp.dataset_version_id)
    data = cli_json(ws, capsys, "explain", model.id, "--version", f"shop:v{full.number}", "--rows", "12",
                    "--seed", "7")
    assert data["version"] == full.id and data["rows"] == 12
    assert data["settings"]["seed"] == 7 and data["settings"]["sample"] == "random"
    assert (data["explainer"], data["units"]) == ("tree", "probability")
    stored = service.find_explanation(ws, model.id, version_id=full.id, rows=12, seed=7)
    assert data["explanation"] == stored.id
    other = cli_json(ws, capsys, "explain", model.id, "--version", full.id, "--rows", "12", "--seed", "8")
    assert other["explanation"] != stored.id and other["reused"] is False


def test_a_multiclass_model_prints_a_base_value_per_class(ws, tmp_path, capsys):
    rng = np.random.default_rng(2)
    x1, x2 = rng.normal(size=240), rng.normal(size=240)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "kind": np.select([x1 < -0.4, x1 > 0.4], ["low", "high"], "mid")})
    exp = make_experiment(ws, tmp_path, frame=frame, target="kind")
    model = add_model(ws, exp, "lgbm")
    data = cli_json(ws, capsys, "explain", model.id)
    assert sorted(data["outputs"]) == ["high", "low", "mid"]
    assert set(data["base_value"]) == set(data["outputs"])
    stored = service.find_explanation(ws, model.id)
    assert [data["base_value"][o] for o in stored.outputs] == pytest.approx(stored.base_values)
    assert set(data["importance_by_output"]) == set(data["outputs"])
    assert data["importance"][0]["column"] == "x1"  # x1 decides the class
    code, out, _ = cli(ws, capsys, "explain", model.id)
    assert "base value per class: " in out and "mean |SHAP| (all classes)" in out


def test_an_unknown_model_is_one_line_with_exit_2(ws, capsys):
    code, out, err = cli(ws, capsys, "explain", "mdl_nothere")
    assert code == 2 and out == ""
    assert err.startswith("error: There is no model with id 'mdl_nothere'") and len(err.strip().splitlines()) == 1
