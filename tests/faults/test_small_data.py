"""The fault suite, small data and the worker's cores: bad input to what issue #11 added is explained.

A core count the worker is told to use that is not one, and a held-out check asked about data
that cannot be split, each get a clear message (and, on the command line, exit code 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import experiments, jobs
from core.cli import main
from core.data import datasets
from core.errors import InvalidInput, NotFound
from core.experiments import spec
from core.experiments.spec import SearchConfig


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _version(ws, tmp_path: Path, rows: int = 60):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=rows), "y": ["a", "b"] * (rows // 2)})
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return datasets.add_dataset(ws, path).version


@pytest.mark.parametrize("value", ["many", "0", "-2", "1.5"])
def test_a_core_count_that_is_not_one_is_refused_before_anything_is_queued(ws, tmp_path, monkeypatch, value):
    """MLCYCLE_WORKER_CORES set to something other than a whole number of at least 1."""
    version = _version(ws, tmp_path)
    monkeypatch.setenv(spec.WORKER_CORES_ENV, value)
    with pytest.raises(InvalidInput, match=f"MLCYCLE_WORKER_CORES='{value}' is not a number of cores") as caught:
        experiments.create_experiment(ws, version.id, SearchConfig(target="y", time_budget=2), start_worker=False)
    assert "unset it" in caught.value.hint
    assert experiments.list_experiments(ws) == [] and jobs.list_jobs(ws) == []


def test_the_cli_names_the_bad_core_count_on_one_line(ws, tmp_path, capsys, monkeypatch):
    """`mlcycle experiments run` with MLCYCLE_WORKER_CORES=lots."""
    _version(ws, tmp_path)
    monkeypatch.setenv(spec.WORKER_CORES_ENV, "lots")
    code, out, err = _cli(ws, capsys, "experiments", "run", "--dataset", "data", "--target", "y", "--json")
    assert code == 2 and out == ""
    assert json.loads(err)["error"].startswith("MLCYCLE_WORKER_CORES='lots' is not a number of cores")


def test_a_worker_started_with_a_bad_core_count_fails_the_search_with_the_reason(ws, tmp_path, monkeypatch):
    """The experiment was queued with a good setting; the worker that runs it has a bad one."""
    version = _version(ws, tmp_path)
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="y", time_budget=2, learners=("lrl2",)),
                                        start_worker=False)
    monkeypatch.setenv(spec.WORKER_CORES_ENV, "none")
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    failed = experiments.get_experiment(ws, exp.id)
    assert failed.status == "failed" and failed.error.startswith("MLCYCLE_WORKER_CORES='none' is not a number")


def test_the_korean_page_explains_the_bad_core_count(monkeypatch):
    """The message reaches the app in Korean (ui.i18n.message), with the value as written."""
    from ui import i18n

    monkeypatch.setenv(spec.WORKER_CORES_ENV, "많이")
    with pytest.raises(InvalidInput) as caught:
        spec.worker_cores()
    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    assert i18n.message(caught.value.message) == "MLCYCLE_WORKER_CORES='많이'은(는) 코어 수가 아닙니다. 1 이상의 정수여야 합니다."
    assert i18n.message(caught.value.hint, kind="HINTS").startswith("예를 들어 2로")


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"target": "nope"}, InvalidInput, "has no column 'nope'"),
    ({"target": "y", "test_size": 0.9}, InvalidInput, "outside 0.05-0.5"),
    ({"target": "y", "task": "ranking"}, InvalidInput, "Unknown task 'ranking'"),
    ({"target": "empty"}, InvalidInput, "is empty in every row"),
])
def test_the_held_out_check_explains_what_it_cannot_split(ws, tmp_path, kwargs, error, words):
    """holdout_check (what the form asks before the run) with a bad target, share or task."""
    frame = pd.DataFrame({"x": range(40), "y": ["a", "b"] * 20, "empty": [None] * 40})
    path = tmp_path / "with_empty.csv"
    frame.to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    target = kwargs.pop("target")
    with pytest.raises(error, match=words):
        experiments.holdout_check(ws, version.id, target, **kwargs)


def test_the_held_out_check_of_a_missing_version_says_so(ws):
    """holdout_check of a version id that does not exist."""
    with pytest.raises(NotFound):
        experiments.holdout_check(ws, "ver_nope", "y")
