"""Notebooks: a dataset version or an experiment opened in Jupyter, executed here with nbclient.

Each executing test generates the notebook from a real workspace and runs every cell in a
real ipykernel of this Python (a kernelspec written to a temporary JUPYTER_PATH, so no
other Python on the machine is picked), then reads the numbers the cells printed.
"""

from __future__ import annotations

import ast
import json
import os
import sys
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from core import experiments, jobs
from core.data import datasets, notebook, profiling
from core.errors import Corrupted, NotFound
from core.experiments.notebook import experiment_notebook
from core.experiments.search import SearchConfig
from tests.conftest import SAMPLES

KERNEL = "mlcycle-test-python"


@pytest.fixture
def run_notebook(tmp_path, monkeypatch):
    """Execute notebook text in a kernel of this Python; return the executed notebook."""
    from nbclient import NotebookClient

    spec_dir = tmp_path / "jupyter" / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "MLCycle test kernel", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    work = tmp_path / "notebook-cwd"
    work.mkdir()

    def run(text: str) -> nbformat.NotebookNode:
        nb = nbformat.reads(text, as_version=4)
        NotebookClient(nb, kernel_name=KERNEL, timeout=180, resources={"metadata": {"path": str(work)}}).execute()
        return nb

    return run


def _printed(nb: nbformat.NotebookNode) -> str:
    """Everything the code cells printed (stdout)."""
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs
                   if o.output_type == "stream" and o.get("name") == "stdout")


def _shown(nb: nbformat.NotebookNode, mime: str) -> list[str]:
    """The displayed results of the code cells in one MIME type."""
    return [o.data[mime] if isinstance(o.data[mime], str) else json.dumps(o.data[mime])
            for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if o.output_type in ("execute_result", "display_data") and mime in o.get("data", {})]


def _markdown(nb: nbformat.NotebookNode) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _error_of(text: str, run_notebook) -> str:
    """Run a notebook that must fail; return the failing cell's error (name and message)."""
    from nbclient.exceptions import CellExecutionError

    with pytest.raises(CellExecutionError) as info:
        run_notebook(text)
    return str(info.value)


# ---------------------------------------------------------------- the dataset notebook


def test_a_dataset_notebook_loads_the_version_checks_its_sha256_and_shows_its_numbers(ws, run_notebook):
    version = datasets.add_dataset(ws, SAMPLES / "churn.csv").version
    frame = datasets.load_frame(ws, version.id)
    text = notebook.dataset_notebook(ws, version.id)

    nb = run_notebook(text)
    assert nb.metadata.kernelspec.name == "python3" and nb.nbformat == 4
    printed = _printed(nb)
    assert f"Workspace: {ws.root}" in printed
    assert f"{version.label}: 2,000 rows x 16 columns, sha256 {version.sha256} verified" in printed
    n_missing = int(frame.isna().sum().sum())
    assert n_missing > 0 and f"{n_missing:,} missing cells in " in printed
    html = "\n".join(_shown(nb, "text/html"))
    assert "C10001" in html  # df.head(): the first customer
    assert len(_shown(nb, "application/vnd.plotly.v1+json")) == 2  # the histogram and the bar chart
    title = nb.cells[0].source
    assert title.startswith("# churn v1") and version.id in title and version.sha256 in title
    assert "2,000 rows × 16 columns" in title and "churn.csv" in title
    summary = _markdown(nb)
    profile = profiling.get_profile(ws, version.id)
    assert f"**Missing cells:** {n_missing:,}" in summary
    assert f"**Duplicate rows:** {profile.n_duplicate_rows:,}" in summary
    assert "| plan | categorical | str |" in summary
    assert notebook.dataset_notebook(ws, version.id) == text  # the same version gives the same notebook


def test_names_in_any_script_and_with_quotes_stay_literal_and_the_workspace_path_is_enough(
        ws, tmp_path, run_notebook, monkeypatch):
    rng = np.random.default_rng(0)
    n = 40
    frame = pd.DataFrame({
        "나이 'age'": rng.integers(20, 70, n),
        'it\'s "plan"': rng.choice(["기본", "프로"], n),
        "a|b*c_d`$x$": rng.normal(size=n),
        "가입일": pd.date_range("2024-01-01", periods=n, freq="D"),
        "활성": rng.choice([True, False], n),
        "비어 있음": [None] * n,
    })
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    name = '고객 "이탈" it\'s <b>bold</b> [link](http://x)'
    version = datasets.add_dataset(ws, path, name=name, source_note="설문 'Q3'").version
    text = notebook.dataset_notebook(ws, version.id)
    code = [c.source for c in nbformat.reads(text, as_version=4).cells if c.cell_type == "code"]
    for source in code:
        ast.parse(source)  # every cell is valid Python whatever the names
    assert any(repr("나이 'age'") in source for source in code)  # the histogram's column
    assert any(repr('it\'s "plan"') in source for source in code)  # the bar chart's column

    monkeypatch.delenv("MLCYCLE_HOME")  # the absolute path written in the notebook finds the workspace
    nb = run_notebook(text)
    assert f"{version.label}: 40 rows x 6 columns, sha256 {version.sha256} verified" in _printed(nb)
    assert f"{n:,} missing cells in 1 column(s)" in _printed(nb)
    title = nb.cells[0].source.splitlines()[0]
    assert title == "# 고객 \"이탈\" it's &lt;b&gt;bold&lt;/b&gt; \\[link\\](http://x) v1"
    assert r"| a\|b\*c\_d\`\$x\$ | numeric |" in _markdown(nb)  # one cell of the table, nothing live


def test_a_tampered_version_fails_the_notebooks_check_with_a_clear_message(ws, run_notebook):
    version = datasets.add_dataset(ws, SAMPLES / "iris.csv").version
    text = notebook.dataset_notebook(ws, version.id)
    stored = ws.artifacts.path(version.artifact)
    os.chmod(stored, 0o644)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte changed on disk
    stored.write_bytes(bytes(data))

    error = _error_of(text, run_notebook)
    assert "Corrupted" in error
    assert f"{version.label} does not match its recorded sha256 {version.sha256[:12]}" in error


def test_a_notebook_opened_against_a_folder_without_the_workspace_says_to_set_mlcycle_home(
        ws, tmp_path, run_notebook, monkeypatch):
    version = datasets.add_dataset(ws, SAMPLES / "iris.csv").version
    text = notebook.dataset_notebook(ws, version.id)
    elsewhere = tmp_path / "not-a-workspace"
    elsewhere.mkdir()
    monkeypatch.setenv("MLCYCLE_HOME", str(elsewhere))
    error = _error_of(text, run_notebook)
    assert f"There is no MLCycle workspace at {elsewhere}" in error and "MLCYCLE_HOME" in error
    assert list(elsewhere.iterdir()) == []  # nothing was created there


def test_a_big_version_without_a_profile_gets_its_schema_and_how_to_profile_it(ws, monkeypatch):
    version = datasets.add_dataset(ws, SAMPLES / "iris.csv").version
    monkeypatch.setattr(profiling, "needs_background", lambda v: True)
    nb = nbformat.reads(notebook.dataset_notebook(ws, version.id), as_version=4)
    summary = _markdown(nb)
    assert f"`mlcycle datasets profile {version.id}`" in summary
    assert all(f"| {notebook.markdown_text(c.name)} | {c.semantic} | {c.dtype} |" in summary for c in version.schema)
    assert profiling.find_profile(ws, version.id) is None  # nothing was computed


def test_a_derived_version_says_what_it_was_derived_from(ws):
    version = datasets.add_dataset(ws, SAMPLES / "iris.csv").version
    child = datasets.derive_version(ws, version.id, {"op": "drop_columns", "columns": [version.columns[0]]})
    title = nbformat.reads(notebook.dataset_notebook(ws, child.id), as_version=4).cells[0].source
    assert "Derived from iris v1" in title and version.columns[0].replace("_", r"\_") in title


def test_an_unknown_version_is_not_found(ws):
    with pytest.raises(NotFound, match="dsv_nope"):
        notebook.dataset_notebook(ws, "dsv_nope")


# ---------------------------------------------------------------- verify_version


def test_verify_version_recomputes_the_content_hash_of_the_stored_table(ws, tmp_path):
    frame = pd.DataFrame({"n": [1, None, 3], "t": ["가", None, "c"], "d": pd.to_datetime(["2024-01-01", None, "2024-03-01"]),
                          "b": [True, False, None], "empty": [None, None, None], "x": [0.5, float("nan"), 2.0]})
    path = tmp_path / "mixed.parquet"
    frame.to_parquet(path)
    version = datasets.add_dataset(ws, path).version
    assert datasets.verify_version(ws, version.id) == version.sha256

    other = datasets.add_dataset(ws, SAMPLES / "iris.csv").version
    with ws.write() as db:  # the record now points at another table's stored copy
        db["dataset_versions"].update(version.id, {"artifact": other.artifact})
    with pytest.raises(Corrupted) as info:
        datasets.verify_version(ws, version.id)
    assert f"{version.sha256[:12]}" in info.value.message and other.sha256[:12] in info.value.message
    assert info.value.hint
    with pytest.raises(NotFound):
        datasets.verify_version(ws, "dsv_nope")


# ---------------------------------------------------------------- the experiment notebook


def _classification(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    plan = rng.choice(["기본", "프로"], size=n)
    y = np.where(x1 + 0.5 * x2 + (plan == "프로") + rng.normal(scale=0.5, size=n) > 0.3, "예", "아니오")
    return pd.DataFrame({"x1": x1, "x2": x2, "요금제": plan, "이탈 'y'": y})


def _experiment(ws, tmp_path, *, train: bool):
    path = tmp_path / "data.csv"
    _classification().to_csv(path, index=False)
    version = datasets.add_dataset(ws, path).version
    exp = experiments.create_experiment(
        ws, version.id, SearchConfig(target="이탈 'y'", time_budget=10, max_trials=3, learners=("lrl2", "lgbm"),
                                     n_jobs=1), start_worker=False)
    if train:
        assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    return experiments.get_experiment(ws, exp.id)


@pytest.mark.slow
def test_an_experiment_notebook_loads_its_runs_and_model_and_reproduces_the_holdout_metrics(
        ws, tmp_path, run_notebook):
    exp = _experiment(ws, tmp_path, train=True)
    assert exp.status == "done", exp.error
    model = experiments.get_model(ws, exp.best_model_id)
    test = datasets.get_version(ws, exp.test_version_id)
    text = experiment_notebook(ws, exp.id)
    title = nbformat.reads(text, as_version=4).cells[0].source
    assert exp.id in title and exp.data_sha256 in title and model.id in title
    assert "at most 3 trials" in title and "lrl2, lgbm" in title

    nb = run_notebook(text)
    printed = _printed(nb)
    runs = experiments.list_runs(ws, exp.id)
    assert f"{len(runs):,} trials, " in printed and len(runs) == exp.n_trials >= 1
    assert (f"{model.learner} model {model.id} predicted the {test.n_rows:,} held-out rows of {test.label} "
            f"(sha256 {test.sha256} verified)") in printed
    assert "The held-out metrics match the ones stored with the model." in printed
    html = "\n".join(_shown(nb, "text/html"))
    assert "predicted 이탈 &#x27;y&#x27;" in html or "predicted 이탈 'y'" in html
    assert f"{model.holdout['accuracy']:.6f}" in "\n".join(_shown(nb, "text/plain"))
    assert len(_shown(nb, "application/vnd.plotly.v1+json")) == 1  # the trials chart


def test_an_experiment_without_a_model_gets_its_runs_and_a_note(ws, tmp_path, run_notebook):
    exp = _experiment(ws, tmp_path, train=False)
    text = experiment_notebook(ws, exp.id)
    assert "MODEL_ID" not in text
    nb = run_notebook(text)
    assert "0 trials, 0 with a validation score" in _printed(nb)
    assert "## No model yet" in _markdown(nb) and "queued" in _markdown(nb)


def test_an_unknown_experiment_is_not_found(ws):
    with pytest.raises(NotFound, match="exp_nope"):
        experiment_notebook(ws, "exp_nope")


def test_notebook_file_names_keep_hangul_and_drop_path_characters():
    assert notebook.notebook_file_name("고객 이탈/../x", "_v2") == "고객_이탈_.._x_v2.ipynb"
    assert notebook.notebook_file_name("...") == "mlcycle.ipynb"
    assert not Path(notebook.notebook_file_name("a/b\\c:d")).parent.name
