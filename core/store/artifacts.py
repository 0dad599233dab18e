"""Content-addressed files: written once under their sha256, verified when read.

Artifacts are immutable. A row in the store points at an artifact by its hash; the
bytes live at ``artifacts/ab/cdef...``. Writes go to a temporary file in the same
folder and are renamed into place, so a crash never leaves a half-written artifact.

Verifying means hashing the whole file, which costs as much as reading it. A process
therefore hashes an artifact on its first read only, and remembers the file's size,
modification time, change time and inode; a later read hashes again only when one of
them differs (the file was rewritten, replaced or touched). A file changed in place with
all four kept the same would go unnoticed until the next process reads it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, NoReturn

from core.errors import Corrupted, InvalidInput, NotFound

CHUNK = 1 << 20

# Files whose hash this process has checked: path -> the stat signature they had then.
_verified: dict[str, tuple[int, int, int, int]] = {}
_verified_lock = threading.Lock()


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Return the hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    """The stat fields that change when a file is rewritten or replaced, or ``None`` if it is gone."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


def _already_verified(path: Path) -> tuple[bool, tuple[int, int, int, int] | None]:
    """Whether ``path`` was verified in this process and looks unchanged since; and its signature now."""
    signature = _signature(path)
    with _verified_lock:
        seen = _verified.get(str(path))
    return signature is not None and seen == signature, signature


def _remember(path: Path, before: tuple[int, int, int, int] | None) -> None:
    """Record ``path`` as verified if it did not change while it was being hashed."""
    if before is not None and _signature(path) == before:
        with _verified_lock:
            _verified[str(path)] = before


def _forget(path: Path) -> None:
    with _verified_lock:
        _verified.pop(str(path), None)


class ArtifactStore:
    """A folder of immutable files addressed by their sha256.

    Example:
        >>> store = ArtifactStore(Path("/tmp/a"))
        >>> sha = store.put_bytes(b"hello")
        >>> store.read_bytes(sha)
        b'hello'
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(exist_ok=True)

    def path(self, sha: str) -> Path:
        """Return where the artifact ``sha`` lives (it may not exist).

        Raises:
            InvalidInput: if ``sha`` is not a 64-character hex digest.
        """
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise InvalidInput(f"'{sha}' is not an artifact hash.", hint="Use a 64-character sha256.")
        return self.root / sha[:2] / sha[2:]

    def exists(self, sha: str) -> bool:
        """Return whether the artifact is stored."""
        return self.path(sha).exists()

    @contextmanager
    def writer(self) -> Iterator[Path]:
        """Yield a temporary path to write; :meth:`put_file` it afterwards.

        The path does not exist yet; whatever is written there is removed when the block
        ends, whether or not it was stored.
        """
        tmp = self._fresh_path("w-")
        try:
            yield tmp
        finally:
            tmp.unlink(missing_ok=True)

    def put_file(self, src: Path, *, move: bool = False) -> str:
        """Store a file's bytes and return their sha256.

        Args:
            src: the file to store.
            move: move instead of copy when ``src`` is on the same filesystem.

        Returns:
            The hex digest, which addresses the artifact from now on.
        """
        sha = sha256_file(src)
        dest = self.path(sha)
        if dest.exists():
            if move:
                Path(src).unlink(missing_ok=True)
            self.touch(sha)
            return sha
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._fresh_path("p-")
        try:
            if move:
                shutil.move(str(src), tmp)
            else:
                shutil.copyfile(src, tmp)
            os.chmod(tmp, 0o444)
            os.replace(tmp, dest)
        finally:
            tmp.unlink(missing_ok=True)
        return sha

    def touch(self, sha: str) -> None:
        """Mark a stored artifact as just used, so garbage collection's grace period starts again.

        Call it when a new row is about to point at an artifact that already existed (content
        stored before): an old unreferenced file is otherwise eligible for collection.
        """
        try:
            os.utime(self.path(sha))
        except FileNotFoundError:
            pass

    def stored(self) -> Iterator[tuple[str, Path]]:
        """Yield ``(sha, path)`` for every artifact in the store (temporary files left out)."""
        for folder in sorted(self.root.glob("??")):
            if not folder.is_dir() or any(c not in "0123456789abcdef" for c in folder.name):
                continue
            for path in folder.iterdir():
                sha = folder.name + path.name
                if len(sha) == 64 and all(c in "0123456789abcdef" for c in path.name) and path.is_file():
                    yield sha, path

    def _fresh_path(self, prefix: str) -> Path:
        """A unique name in the temp folder, not created: on ext4 a file truncated and
        written again is flushed to disk when closed (auto_da_alloc), a new one is not."""
        return self._tmp / f"{prefix}{uuid.uuid4().hex}"

    def put_bytes(self, data: bytes) -> str:
        """Store ``data`` and return its sha256."""
        with self.writer() as tmp:
            tmp.write_bytes(data)
            return self.put_file(tmp, move=True)

    def put_stream(self, stream: BinaryIO) -> str:
        """Store everything read from ``stream`` (in chunks) and return its sha256."""
        with self.writer() as tmp:
            with open(tmp, "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK)
            return self.put_file(tmp, move=True)

    def verified_path(self, sha: str) -> Path:
        """Return the artifact's path after checking its bytes still match ``sha``.

        The file is hashed the first time this process asks for it, and again whenever
        its size, modification time, change time or inode differ from that time.

        Raises:
            NotFound: if the artifact is missing.
            Corrupted: if the bytes on disk have a different hash.
        """
        path = self.path(sha)
        known, signature = _already_verified(path)
        if known:
            return path
        if signature is None:
            self._missing(sha, path)
        actual = sha256_file(path)
        if actual != sha:
            self._corrupted(sha, path, actual)
        _remember(path, signature)
        return path

    def read_bytes(self, sha: str) -> bytes:
        """Return the artifact's bytes, verified against ``sha`` as :meth:`verified_path` does.

        Raises:
            NotFound: if the artifact is missing.
            Corrupted: if the bytes do not match ``sha``.
        """
        path = self.path(sha)
        known, signature = _already_verified(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self._missing(sha, path)
        if known and _signature(path) != signature:
            known = False  # replaced while it was being read: check what was read
        if not known:
            actual = sha256_bytes(data)
            if actual != sha:
                self._corrupted(sha, path, actual)
            _remember(path, signature)
        return data

    def _missing(self, sha: str, path: Path) -> NoReturn:
        _forget(path)
        raise NotFound(
            f"Artifact {sha[:12]} is missing from {self.root}.",
            hint="The workspace may have been copied partially; restore the artifacts folder.",
        )

    @staticmethod
    def _corrupted(sha: str, path: Path, actual: str) -> NoReturn:
        _forget(path)
        raise Corrupted(
            f"Artifact {sha[:12]} at {path} is corrupted (its content hash is now {actual[:12]}).",
            hint="Restore it from a backup, or re-create the object that produced it.",
        )
