"""Fault suite (issue #10): the notebook commands refuse unknown ids and missing folders with exit 2 and write nothing; their happy paths are here too."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pandas as pd

from core import experiments
from core.cli import main
from core.data import datasets
from core.experiments.search import SearchConfig
from tests.conftest import SAMPLES


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    """Run `mlcycle` in this process: exit code, stdout, stderr."""
    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_datasets_notebook_writes_the_versions_notebook_and_prints_its_path_and_id(ws, tmp_path, capsys):
    version = datasets.add_dataset(ws, SAMPLES / "iris.csv").version
    out = tmp_path / "iris.ipynb"
    code, stdout, err = _cli(ws, capsys, "datasets", "notebook", "iris", "--out", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout) == {"path": str(out.resolve()), "id": version.id}
    nb = nbformat.read(out, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3" and nb.metadata.mlcycle.id == version.id
    assert any(repr(version.id) in c.source and "verify_version" in c.source for c in nb.cells)

    code, stdout, err = _cli(ws, capsys, "datasets", "notebook", version.id, "--out", str(out))
    assert code == 0, err
    assert version.label in stdout and str(out) in stdout


def test_datasets_notebook_refuses_unknown_versions_and_missing_folders_with_exit_2(ws, tmp_path, capsys):
    datasets.add_dataset(ws, SAMPLES / "iris.csv")
    code, stdout, err = _cli(ws, capsys, "datasets", "notebook", "dsv_nope", "--out", str(tmp_path / "x.ipynb"))
    assert code == 2 and stdout == "" and "dsv_nope" in err
    assert not (tmp_path / "x.ipynb").exists()

    missing = tmp_path / "no" / "such"
    code, stdout, err = _cli(ws, capsys, "datasets", "notebook", "iris", "--out", str(missing / "x.ipynb"), "--json")
    assert code == 2 and stdout == ""
    error = json.loads(err.strip().splitlines()[-1])
    assert "does not exist" in error["error"] and str(missing) in error["error"] and error["hint"]
    assert not (tmp_path / "no").exists()  # no folder is created

    code, _, err = _cli(ws, capsys, "datasets", "notebook", "iris", "--out", str(tmp_path))
    assert code == 2 and "is a folder" in err and "iris_v1.ipynb" in err


def test_experiments_notebook_writes_the_experiments_notebook(ws, tmp_path, capsys):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=100), "y": rng.choice(["a", "b"], 100)})
    frame.to_csv(tmp_path / "d.csv", index=False)
    version = datasets.add_dataset(ws, tmp_path / "d.csv").version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="y", time_budget=5), start_worker=False)
    out = tmp_path / "exp.ipynb"
    code, stdout, err = _cli(ws, capsys, "experiments", "notebook", exp.id, "--out", str(out), "--json")
    assert code == 0, err
    assert json.loads(stdout) == {"path": str(out.resolve()), "id": exp.id}
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata.mlcycle.id == exp.id
    assert any(repr(exp.id) in c.source and "experiments.get_experiment" in c.source for c in nb.cells)

    code, stdout, err = _cli(ws, capsys, "experiments", "notebook", exp.id, "--out", str(out))
    assert code == 0 and "no model yet" in stdout, err


def test_experiments_notebook_refuses_unknown_ids_and_missing_folders_with_exit_2(ws, tmp_path, capsys):
    code, stdout, err = _cli(ws, capsys, "experiments", "notebook", "exp_nope", "--out", str(tmp_path / "x.ipynb"))
    assert code == 2 and stdout == "" and "exp_nope" in err
    rng = np.random.default_rng(0)
    pd.DataFrame({"x": rng.normal(size=100), "y": rng.choice(["a", "b"], 100)}).to_csv(tmp_path / "d.csv", index=False)
    version = datasets.add_dataset(ws, tmp_path / "d.csv").version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="y", time_budget=5), start_worker=False)
    code, stdout, err = _cli(ws, capsys, "experiments", "notebook", exp.id, "--out", str(tmp_path / "no" / "x.ipynb"))
    assert code == 2 and stdout == "" and "does not exist" in err
    assert not (tmp_path / "no").exists()
