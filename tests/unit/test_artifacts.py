"""Content-addressed artifacts: round trip, deduplication, corruption detection."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from core.errors import Corrupted, InvalidInput, NotFound
from core.store.artifacts import ArtifactStore


def test_bytes_round_trip_under_their_sha256(tmp_path: Path):
    store = ArtifactStore(tmp_path)
    data = "한글 and bytes".encode()
    sha = store.put_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert store.read_bytes(sha) == data


def test_storing_the_same_content_twice_keeps_one_file(tmp_path: Path):
    store = ArtifactStore(tmp_path)
    a = store.put_bytes(b"same")
    b = store.put_stream(io.BytesIO(b"same"))
    assert a == b
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.relative_to(tmp_path).parts[0] != "tmp"]
    assert len(files) == 1


def test_put_file_leaves_no_temporary_files(tmp_path: Path):
    store = ArtifactStore(tmp_path / "a")
    src = tmp_path / "src.bin"
    src.write_bytes(os.urandom(3 << 20))
    sha = store.put_file(src)
    assert store.verified_path(sha).read_bytes() == src.read_bytes()
    assert list((tmp_path / "a" / "tmp").iterdir()) == []


def test_a_corrupted_artifact_is_an_error_that_names_it(tmp_path: Path):
    store = ArtifactStore(tmp_path)
    sha = store.put_bytes(b"original model bytes")
    path = store.path(sha)
    os.chmod(path, 0o644)
    path.write_bytes(b"tampered model bytes")
    with pytest.raises(Corrupted, match=sha[:12]):
        store.read_bytes(sha)
    with pytest.raises(Corrupted):
        store.verified_path(sha)


def test_a_missing_artifact_is_not_found(tmp_path: Path):
    store = ArtifactStore(tmp_path)
    with pytest.raises(NotFound, match="missing"):
        store.read_bytes("a" * 64)


def test_a_bad_hash_is_rejected_before_touching_the_disk(tmp_path: Path):
    with pytest.raises(InvalidInput):
        ArtifactStore(tmp_path).path("../../etc/passwd")
