"""The stand-in base image of the Docker tests: a minimal Debian bookworm with Debian's python3.

No image registry is reachable here, so ``python:3.11-slim`` cannot be pulled. Instead
``debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates bookworm`` makes a
root file system from the Debian mirror this machine's apt uses (bookworm's python3 is 3.11, the
training Python's minor version), it is packed as a tarball cached under ``~/.cache/mlcycle/``
(later runs skip the debootstrap) and ``docker import``-ed as :data:`BASE_TAG`. A bundle's
Dockerfile is built on it with ``--build-arg BASE_IMAGE=mlcycle-test/bookworm-python:3.11``.

:func:`base_image` returns the tag, building what is missing, or skips the calling test with the
reason (not root, no ``debootstrap``, no reachable Docker engine, the debootstrap failing). The
image is removed again at the end of the session when this session imported it
(:func:`remove_if_made`); the tarball stays cached.

Example:
    >>> tag = base_image()          # in a test: skips when it cannot be made
    >>> engine.build_image(ws, export.id, base_image=tag)
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

BASE_TAG = "mlcycle-test/bookworm-python:3.11"
SUITE = "bookworm"
PACKAGES = "python3,python3-venv,ca-certificates"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
CACHE_DIR = Path(os.environ.get("MLCYCLE_CACHE_DIR") or Path.home() / ".cache" / "mlcycle")
TARBALL = CACHE_DIR / f"debootstrap-{SUITE}-minbase-python3.tar"
DEBOOTSTRAP_TIMEOUT = 1200  # seconds
# what python:3.11-slim sets too: an imported file system has no environment, so a Dockerfile's
# ENV PATH="/opt/venv/bin:${PATH}" would otherwise lose /usr/bin
IMAGE_CHANGES = ["ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "ENV LANG=C.UTF-8",
                 'CMD ["python3"]']

_made_here: list[str] = []


def debian_mirror() -> str:
    """The Debian archive this machine's apt uses (``/etc/apt/sources.list*``), else deb.debian.org."""
    files = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if path.suffix == ".sources":  # deb822: "URIs: http://deb.debian.org/debian"
            uris = re.findall(r"^URIs:\s*(\S+)", text, flags=re.M)
        elif path.suffix == ".list" or path.name == "sources.list":
            uris = re.findall(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+", text, flags=re.M)
        else:
            continue
        for uri in uris:
            uri = uri.rstrip("/")
            if uri.endswith("/debian") and "security" not in uri:
                return uri
    return DEFAULT_MIRROR


def why_not() -> str:
    """Why the base image cannot be made here ('' when it can): root, debootstrap and an engine are needed."""
    from core.deploy import engine

    reachable, why = engine.engine_status()
    if not reachable:
        return f"no Docker engine is reachable: {why}"
    if _image_exists(BASE_TAG):
        return ""
    if TARBALL.is_file():
        return ""
    if os.geteuid() != 0:
        return "building the stand-in base image needs root (debootstrap)"
    if not shutil.which("debootstrap"):
        return "debootstrap is not installed (apt-get install debootstrap)"
    return ""


def _client():
    import docker

    return docker.from_env(timeout=600)


def _image_exists(tag: str) -> bool:
    import docker

    try:
        _client().images.get(tag)
        return True
    except docker.errors.ImageNotFound:
        return False
    except docker.errors.DockerException:
        return False


def _debootstrap_tarball() -> None:
    """Make the cached tarball with debootstrap (a lock keeps two sessions from doing it at once)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / (TARBALL.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if TARBALL.is_file():
            return
        with tempfile.TemporaryDirectory(prefix="mlcycle-debootstrap-") as tmp:
            root = Path(tmp) / "root"
            cmd = ["debootstrap", "--variant=minbase", f"--include={PACKAGES}", SUITE, str(root), debian_mirror()]
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=DEBOOTSTRAP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pytest.skip(f"debootstrap did not finish within {DEBOOTSTRAP_TIMEOUT} s: {' '.join(cmd)}")
            if done.returncode != 0:
                tail = " | ".join((done.stderr or done.stdout or "").strip().splitlines()[-3:])
                pytest.skip(f"debootstrap failed (exit {done.returncode}): {tail}")
            # apt's caches are not needed in an image
            for junk in ("var/cache/apt/archives", "var/lib/apt/lists"):
                for item in (root / junk).glob("*"):
                    if item.is_file():
                        item.unlink()
            partial = TARBALL.with_suffix(".tar.partial")
            with tarfile.open(partial, "w") as tar:
                for item in sorted(root.iterdir()):
                    tar.add(item, arcname=item.name)
            partial.replace(TARBALL)


def base_image() -> str:
    """Return the tag of the stand-in base image, making it when missing; skip the test when it cannot be made."""
    reason = why_not()
    if reason:
        pytest.skip(f"Docker test skipped: {reason}")
    if _image_exists(BASE_TAG):
        return BASE_TAG
    if not TARBALL.is_file():
        _debootstrap_tarball()
    client = _client()
    repository, tag = BASE_TAG.split(":")
    client.api.import_image_from_file(str(TARBALL), repository=repository, tag=tag, changes=IMAGE_CHANGES)
    if not _image_exists(BASE_TAG):
        pytest.skip(f"docker import of {TARBALL} did not make {BASE_TAG}")
    _made_here.append(BASE_TAG)
    return BASE_TAG


def remove_if_made() -> None:
    """Remove the base image if this session imported it (the tarball stays cached)."""
    import docker

    while _made_here:
        tag = _made_here.pop()
        try:
            _client().images.remove(tag, force=True)
        except docker.errors.DockerException:
            pass


@pytest.fixture(scope="session")
def deploy_base_image():
    """The stand-in base image's tag for a session (skips the test when it cannot be made; removed afterwards)."""
    try:
        yield base_image()
    finally:
        remove_if_made()
