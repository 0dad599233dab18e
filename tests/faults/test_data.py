"""The fault suite, data: what ingest, versions and export promise when files and users misbehave.

Each test reproduces one case of issue #9 as it was written; its docstring starts with the item.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from core.cli import main
from core.data import datasets as D
from core.workspace import Workspace
from tests.conftest import REPO_ROOT, SAMPLES


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    """Run `mlcycle` in this process: exit code, stdout, stderr."""
    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


# ----------------------------------------------------------------------- item 1


def _intact(ws: Workspace) -> list[str]:
    """Labels of the committed versions whose artifact is missing or damaged."""
    broken = []
    for dataset in D.list_datasets(ws, include_archived=True):
        for version in D.list_versions(ws, dataset.id):
            try:
                D.load_table(ws, version.id)
            except Exception as exc:  # noqa: BLE001 - any failure to read is what we look for
                broken.append(f"{version.label}: {exc}")
    return broken


@pytest.mark.slow
def test_item1_parallel_ingest_of_one_file_never_deletes_a_committed_artifact(tmp_path):
    """Item 1: eight rounds of six parallel `datasets add` of one file leave every version readable."""
    rng = np.random.default_rng(1)
    data = tmp_path / "same.csv"
    pd.DataFrame({"a": rng.normal(size=20_000), "b": rng.integers(0, 9, 20_000),
                  "c": rng.choice(["x", "y", "z"], 20_000)}).to_csv(data, index=False)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    for round_ in range(8):
        root = tmp_path / f"ws{round_}"
        Workspace(root)  # created once, before the writers race
        writers = [subprocess.Popen([sys.executable, "-m", "core.cli", "--workspace", str(root), "datasets", "add",
                                     str(data), "--name", "same"], cwd=REPO_ROOT, env=env,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(6)]
        results = [(w.wait(timeout=300), w.stdout.read(), w.stderr.read()) for w in writers]
        for w in writers:
            w.stdout.close()
            w.stderr.close()
        assert all(code == 0 for code, _, _ in results), results
        ws = Workspace(root)
        assert [d.n_versions for d in D.list_datasets(ws)] == [1], f"round {round_}"
        assert _intact(ws) == [], f"round {round_}"


@pytest.mark.parametrize("damage", ["deleted", "overwritten"])
def test_item1_re_adding_the_file_repairs_a_missing_or_damaged_artifact(ws, tmp_path, damage):
    """Item 1: re-adding a file whose stored copy was lost or damaged says "Reused" and repairs it."""
    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    path = ws.artifacts.path(version.artifact)
    if damage == "deleted":
        path.unlink()
    else:
        path.chmod(0o644)
        path.write_bytes(b"not parquet any more")
    assert _intact(ws) != []
    again = D.add_dataset(ws, SAMPLES / "iris.csv")
    assert again.reused and again.version.id == version.id
    assert any("repaired" in w for w in again.warnings), again.warnings
    assert _intact(ws) == []
    assert D.load_table(ws, version.id).num_rows == 150


def test_item1_re_adding_as_another_format_repairs_the_artifact_too(ws, tmp_path):
    """Item 1: the same table from another format (other Parquet bytes) also repairs a lost copy."""
    version = D.add_dataset(ws, SAMPLES / "churn.csv").version
    ws.artifacts.path(version.artifact).unlink()
    again = D.add_dataset(ws, SAMPLES / "churn.parquet", name="churn")
    assert again.reused and again.version.id == version.id
    assert _intact(ws) == []
    assert D.load_frame(ws, version.id).shape == (version.n_rows, version.n_cols)


# ----------------------------------------------------------------------- item 3


def test_item3_a_name_resolves_to_the_users_version_not_an_experiments_split(ws, tmp_path, capsys):
    """Item 3: after an experiment, `datasets export NAME` exports the original, not the held-out split."""
    from core import experiments
    from core.experiments.spec import SearchConfig

    original = D.add_dataset(ws, SAMPLES / "iris.csv", name="penguins").version
    target = original.columns[-1]
    experiment = experiments.create_experiment(ws, original.id, SearchConfig(target=target, time_budget=5),
                                               start_worker=False)
    assert experiment.test_version_id != original.id
    out = tmp_path / "penguins.csv"
    code, _, err = _cli(ws, capsys, "datasets", "export", "penguins", "--out", str(out))
    assert code == 0, err
    assert _csv_rows(out) == original.n_rows == 150
    assert D.resolve_version(ws, "penguins").id == original.id
    assert D.resolve_version(ws, original.dataset_id).id == original.id
    # the splits stay reachable, as children of their source
    test_part = D.get_version(ws, experiment.test_version_id)
    assert test_part.parent_id == original.id
    assert D.resolve_version(ws, f"penguins:v{test_part.number}").id == test_part.id
    assert D.get_dataset(ws, original.dataset_id).latest_version_id == original.id
    code, out_text, err = _cli(ws, capsys, "datasets", "show", "penguins")
    assert code == 0 and "penguins v1" in out_text, err


# ---------------------------------------------------------------------- item 20


def test_item20_datasets_profile_accepts_the_names_other_commands_accept(ws, capsys):
    """Item 20: `datasets profile NAME` accepts a dataset name (and `name:vN`), like `datasets show`."""
    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    for ref in ("iris", "IRIS", "iris:v1", version.dataset_id, version.id):
        code, out, err = _cli(ws, capsys, "datasets", "profile", ref)
        assert code == 0, (ref, err)
        assert out.startswith(f"Profile of {version.label}")
    code, _, err = _cli(ws, capsys, "datasets", "profile", "irises")
    assert code == 2 and "'irises'" in err and "datasets list" in err


# ---------------------------------------------------------------------- item 10


@pytest.mark.parametrize("where", ["missing folder", "a folder", "under a file"])
def test_item10_export_to_a_bad_out_path_says_what_is_wrong(ws, tmp_path, capsys, where):
    """Item 10: `datasets export V --out` a path whose folder does not exist, or a directory: a message, exit 2."""
    D.add_dataset(ws, SAMPLES / "iris.csv")
    (tmp_path / "afile").write_text("keep me")
    out = {"missing folder": tmp_path / "nope" / "iris.csv", "a folder": tmp_path,
           "under a file": tmp_path / "afile" / "iris.csv"}[where]
    code, stdout, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(out))
    assert code == 2 and stdout == ""
    assert "Traceback" not in err and err.count("\n") == 1
    named = {"missing folder": str(out.parent), "a folder": str(out), "under a file": str(out.parent)}[where]
    assert f"'{named}'" in err
    assert not (tmp_path / "nope").exists()
    assert (tmp_path / "afile").read_text() == "keep me"
    code, _, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(out), "--json")
    assert code == 2 and json.loads(err)["hint"]


def test_item20_export_to_an_xlsx_name_is_refused_not_written_as_csv(ws, tmp_path, capsys):
    """Item 20: `--out x.xlsx` no longer writes CSV into an .xlsx name; the message names the formats."""
    D.add_dataset(ws, SAMPLES / "iris.csv")
    out = tmp_path / "x.xlsx"
    code, _, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(out))
    assert code == 2 and not out.exists()
    assert ".xlsx" in err and ".csv" in err and ".parquet" in err
    code, _, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(tmp_path / "x.csv"), "--format",
                        "parquet")
    assert code == 2 and "parquet" in err and not (tmp_path / "x.csv").exists()
    for name, magic in (("x.parquet", b"PAR1"), ("x.csv", b"\xef\xbb\xbf"), ("x", b"\xef\xbb\xbf")):
        code, _, err = _cli(ws, capsys, "datasets", "export", "iris", "--out", str(tmp_path / name))
        assert code == 0, err
        assert (tmp_path / name).read_bytes().startswith(magic)


# ---------------------------------------------------------------------- item 14


def test_item14_lineage_does_not_swallow_a_database_error(ws):
    """Item 14: the lineage view no longer ignores OperationalError (it showed bare ids as if all was well)."""
    import sqlite3

    from core.store.lineage import add_link

    version = D.add_dataset(ws, SAMPLES / "iris.csv").version
    with ws.write() as db:
        add_link(db, "experiment", "exp_0123456789ab", "uses", "dataset_version", version.id)
        db.execute("ALTER TABLE experiments RENAME COLUMN name TO title")  # a damaged or foreign schema
    with pytest.raises(sqlite3.OperationalError, match="name"):
        D.lineage_graph(ws, version.dataset_id)
