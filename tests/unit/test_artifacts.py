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


# ---------------------------------------------------------------- verified once per process


def _count_hashing(monkeypatch) -> list[str]:
    """Record every whole-artifact hash the store computes ("file" or "bytes")."""
    from core.store import artifacts

    calls: list[str] = []
    real_file, real_bytes = artifacts.sha256_file, artifacts.sha256_bytes
    monkeypatch.setattr(artifacts, "sha256_file", lambda path: calls.append("file") or real_file(path))
    monkeypatch.setattr(artifacts, "sha256_bytes", lambda data: calls.append("bytes") or real_bytes(data))
    return calls


def _tamper(path: Path, data: bytes) -> None:
    os.chmod(path, 0o644)
    path.write_bytes(data)


def test_an_artifact_is_hashed_once_however_often_it_is_read(tmp_path: Path, monkeypatch):
    store = ArtifactStore(tmp_path)
    sha = store.put_bytes(b"a large parquet file" * 1000)
    calls = _count_hashing(monkeypatch)
    for _ in range(3):
        assert store.verified_path(sha) == store.path(sha)
        assert store.read_bytes(sha) == b"a large parquet file" * 1000
    assert len(calls) == 1
    # another store object on the same folder (a new Workspace) shares what this process verified
    assert ArtifactStore(tmp_path).read_bytes(sha) and len(calls) == 1


def test_the_first_read_in_a_process_always_checks_the_bytes(tmp_path: Path, monkeypatch):
    from core.store import artifacts

    store = ArtifactStore(tmp_path)
    original = b"original model bytes"
    sha = store.put_bytes(original)  # storing is not reading: the first read must still hash
    path = store.path(sha)
    before = path.stat()
    _tamper(path, b"tampered model bytes")  # same length, and the old modification time put back
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(Corrupted, match=sha[:12]):
        store.read_bytes(sha)
    monkeypatch.setattr(artifacts, "_verified", {})  # as a fresh process
    with pytest.raises(Corrupted, match=sha[:12]):
        store.verified_path(sha)


@pytest.mark.parametrize("how", ["longer", "same length, later mtime", "same length and mtime"])
def test_a_file_changed_after_a_verified_read_is_corrupted_on_the_next_read(tmp_path: Path, how: str):
    store = ArtifactStore(tmp_path)
    sha = store.put_bytes(b"original model bytes")
    path = store.path(sha)
    store.read_bytes(sha)
    store.verified_path(sha)
    before = path.stat()
    _tamper(path, b"tampered model bytes, and more" if how == "longer" else b"tampered model bytes")
    if how == "same length, later mtime":
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    elif how == "same length and mtime":  # the change time (set by the kernel) still moves
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(Corrupted, match=sha[:12]):
        store.read_bytes(sha)
    with pytest.raises(Corrupted, match=sha[:12]):
        store.verified_path(sha)


def test_an_artifact_deleted_after_a_verified_read_is_not_found(tmp_path: Path):
    store = ArtifactStore(tmp_path)
    sha = store.put_bytes(b"bytes")
    store.verified_path(sha)
    store.path(sha).unlink()
    with pytest.raises(NotFound, match="missing"):
        store.verified_path(sha)
    with pytest.raises(NotFound, match="missing"):
        store.read_bytes(sha)


def test_an_artifact_restored_after_corruption_reads_again(tmp_path: Path):
    store = ArtifactStore(tmp_path)
    sha = store.put_bytes(b"original model bytes")
    path = store.path(sha)
    _tamper(path, b"tampered model bytes")
    with pytest.raises(Corrupted):
        store.read_bytes(sha)
    path.write_bytes(b"original model bytes")
    assert store.read_bytes(sha) == b"original model bytes"
