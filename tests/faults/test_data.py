"""The fault suite, data: what ingest, versions and export promise when files and users misbehave.

Each test reproduces one case of issue #9 as it was written; its docstring starts with the item.
"""

from __future__ import annotations

import csv
from pathlib import Path

from core.cli import main
from core.data import datasets as D
from tests.conftest import SAMPLES


def _cli(ws, capsys, *args: str) -> tuple[int, str, str]:
    """Run `mlcycle` in this process: exit code, stdout, stderr."""
    code = main(["--workspace", str(ws.root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


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
