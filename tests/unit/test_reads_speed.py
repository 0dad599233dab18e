"""Reads that pages repeat on every rerun stay cheap: artifacts hashed once, no query per item."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.data import datasets
from core.errors import Corrupted
from tests.conftest import SAMPLES


@pytest.fixture
def churn(ws):
    return datasets.add_dataset(ws, SAMPLES / "churn.csv").version


def test_reading_one_column_again_does_not_hash_the_whole_file_again(ws, churn, monkeypatch):
    from core.store import artifacts

    hashed: list[Path] = []
    real = artifacts.sha256_file
    monkeypatch.setattr(artifacts, "sha256_file", lambda path: hashed.append(path) or real(path))
    first = datasets.load_table(ws, churn.id, columns=["churned"])
    for _ in range(3):
        assert datasets.load_table(ws, churn.id, columns=["churned"]).equals(first)
    assert hashed == [ws.artifacts.path(churn.artifact)]


def test_a_version_whose_file_is_rewritten_between_reads_is_corrupted(ws, churn):
    datasets.load_frame(ws, churn.id, columns=["churned"])
    path = ws.artifacts.path(churn.artifact)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:-1] + b"x")
    with pytest.raises(Corrupted, match=churn.artifact[:12]):
        datasets.load_frame(ws, churn.id, columns=["churned"])
