"""Parallel trials on a local Ray (the optional extra in requirements-ray.txt)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core import experiments, jobs
from core.data import datasets
from core.experiments.search import SearchConfig

pytestmark = [pytest.mark.ray, pytest.mark.slow]


@pytest.fixture
def ray_home(monkeypatch):
    """Point Ray's session files at a short temporary folder (Ray writes under HOME and /tmp)."""
    pytest.importorskip("ray", reason="the Ray extra is not installed (pip install -r requirements-ray.txt)")
    with tempfile.TemporaryDirectory(prefix="ray", dir="/tmp") as tmp:
        monkeypatch.setenv("RAY_TMPDIR", tmp)
        monkeypatch.setenv("TMPDIR", tmp)
        monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
        monkeypatch.delenv("RAY_ADDRESS", raising=False)
        yield Path(tmp)
        import ray

        if ray.is_initialized():
            ray.shutdown()


def test_two_concurrent_trials_on_a_local_ray_are_all_tracked(ws, tmp_path, ray_home):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    frame["y"] = (frame["a"] + rng.normal(scale=0.5, size=400) > 0).astype(int)
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    exp = experiments.create_experiment(
        ws, version.id, SearchConfig(target="y", time_budget=None, max_trials=4, learners=("lgbm", "lrl2"), n_jobs=1,
                                     n_concurrent_trials=2), start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    done = experiments.get_experiment(ws, exp.id)
    assert done.status == "done", done.error
    assert done.spec["resolved"]["n_concurrent_trials"] == 2
    runs = experiments.list_runs(ws, exp.id)
    assert len(runs) == done.n_trials >= 2
    assert experiments.get_model(ws, done.best_model_id).holdout["n_rows"] == 80
    import ray

    # started in this process, which may have imported Ray before anything asked for loopback
    assert {node["NodeManagerAddress"] for node in ray.nodes()} == {"127.0.0.1"}


def test_without_ray_parallel_trials_are_refused_with_the_install_hint(ws, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray" or name.startswith("ray."):
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    frame = pd.DataFrame({"a": range(100), "y": [0, 1] * 50})
    path = tmp_path / "d.csv"
    frame.to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    monkeypatch.setattr(builtins, "__import__", no_ray)
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="requirements-ray.txt"):
        experiments.create_experiment(ws, version.id, SearchConfig(target="y", n_concurrent_trials=2),
                                      start_worker=False)
