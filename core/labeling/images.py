"""Images to label: a zip of images as a dataset version, and cached thumbnails.

:func:`add_image_zip` unpacks a zip of images into the workspace and records one dataset
version listing them (one row per image), so an image label task works like any other:
its items are the version's rows and its item column is ``image``. The files go to
``<workspace>/labeling/images/<the zip's sha256>/`` and the version's ``source`` names that
folder as ``image_root`` (an absolute path, what a task over the version starts from) and the
zip's hash as ``zip_sha256``; :func:`image_root_of` gives the folder back, and finds it under
the workspace by that hash when the workspace was moved.

Decisions:

* **Safety first, all or nothing.** A member with an absolute path, a ``..`` part, a link
  (symlink) or encryption refuses the whole zip before anything is written: such a zip is
  broken or hostile, and half of it is not what the user meant. Files are written by this
  module (never by ``zipfile.extract``), each under the target folder, byte-counted as they
  are read, so a member whose header understates its size cannot exceed the limits.
* **Limits** (a "zip bomb" is refused): the total unpacked size (``max_total_bytes``,
  default ``$MLCYCLE_MAX_IMAGE_ZIP_BYTES`` or 4 GiB), one image's size (``max_file_bytes``,
  default ``$MLCYCLE_MAX_IMAGE_BYTES`` or 64 MiB), and :data:`MAX_MEMBERS` entries.
* **Images only**: members with an image extension (:data:`IMAGE_SUFFIXES`) that Pillow opens
  and decodes. Other files, and images that do not decode, are left out and counted in the
  result's warnings; system files (``__MACOSX/``, ``.DS_Store``, names starting with ``.``)
  are left out silently. A zip with no image at all is refused.
* **The table**: ``image`` (the path inside the zip, ``/``-separated), ``folder`` (the top
  folder inside the zip, ``""`` for a file at the top), ``width``, ``height`` and ``sha256``
  (the image file's hash: two zips with the same names and sizes but other pixels are other
  content, never one reused version), rows in path order.
* **The same zip again** unpacks to the same folder and makes the same table, so the version
  is reused (datasets are deduplicated by content).

Example:
    >>> added = add_image_zip(ws, "data/samples/digits.zip", name="digits")
    >>> first = image_root_of(ws, added.version) / "digits/digit_0000.png"
    >>> png = thumbnail(ws, first, size=160)  # drawn once, then read from the cache
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import threading
import uuid
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import pandas as pd
from PIL import Image, ImageOps, UnidentifiedImageError

from core.data import datasets, ingest
from core.data.entities import AddResult, DatasetVersion
from core.data.readers import binary_size
from core.errors import InvalidInput, NotFound
from core.progress import Progress, ProgressFn, no_progress
from core.workspace import Workspace

__all__ = ["IMAGE_SUFFIXES", "MAX_MEMBERS", "add_image_zip", "file_limit", "image_root_of", "thumbnail",
           "total_limit"]

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff")
MAX_MEMBERS = 200_000
TOTAL_ENV = "MLCYCLE_MAX_IMAGE_ZIP_BYTES"
FILE_ENV = "MLCYCLE_MAX_IMAGE_BYTES"
DEFAULT_TOTAL = 4 << 30
DEFAULT_FILE = 64 << 20
IMAGES_DIR = ("labeling", "images")
THUMBS_DIR = ("labeling", "thumbs")
CHUNK = 1 << 20
REMAKE_HINT = "Zip a plain folder of images again (e.g. `zip -r images.zip images/`) and upload that zip."
NAMED = 5  # how many skipped files a warning names


def _env_bytes(env: str, default: int) -> int:
    raw = os.environ.get(env, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        return default
    return value if value > 0 else default


def total_limit() -> int:
    """The unpacked size limit of one image zip: ``$MLCYCLE_MAX_IMAGE_ZIP_BYTES`` when set, else 4 GiB."""
    return _env_bytes(TOTAL_ENV, DEFAULT_TOTAL)


def file_limit() -> int:
    """The size limit of one image in a zip: ``$MLCYCLE_MAX_IMAGE_BYTES`` when set, else 64 MiB."""
    return _env_bytes(FILE_ENV, DEFAULT_FILE)


# ---------------------------------------------------------------------------- members


def _is_system_file(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and (parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)
                            or parts[-1] in {"Thumbs.db", "desktop.ini"})


def _is_link(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def _safe_name(info: zipfile.ZipInfo, display: str) -> str:
    """The member's path inside the zip, ``/``-separated, or InvalidInput for an unsafe one."""
    raw = info.filename
    name = raw.replace("\\", "/")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    unsafe = (name.startswith("/") or (len(name) > 1 and name[1] == ":") or ".." in parts
              or any(ord(ch) < 32 for ch in name))
    if unsafe:
        raise InvalidInput(f"'{display}' holds an unsafe entry '{raw}' (a path outside the zip's folder); "
                           "nothing was unpacked.", hint=REMAKE_HINT)
    if _is_link(info):
        raise InvalidInput(f"'{display}' holds a link (symlink) '{raw}'; links are not unpacked, so nothing was.",
                           hint="Replace the link by the image itself, zip the folder again and upload that zip.")
    if info.flag_bits & 0x1:
        raise InvalidInput(f"'{display}' is password-protected ('{raw}' is encrypted); nothing was unpacked.",
                           hint="Zip the images again without a password and upload that zip.")
    return "/".join(parts)


def _too_big(display: str, what: str, limit: int, env: str) -> InvalidInput:
    return InvalidInput(f"'{display}' unpacks to more than {binary_size(limit)}{what}; nothing was kept.",
                        hint=f"Split the images over several zips, or raise the limit with ${env} (in bytes).")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, *, display: str, file_limit: int,
                 budget: int, total_limit: int) -> int:
    """Copy one member to ``dest``, counting the bytes actually read; return how many."""
    written = 0
    with zf.open(info) as src, open(dest, "wb") as out:
        while chunk := src.read(CHUNK):
            written += len(chunk)
            if written > file_limit:
                raise _too_big(display, f" for the image '{info.filename}'", file_limit, FILE_ENV)
            if written > budget:
                raise _too_big(display, " in all", total_limit, TOTAL_ENV)
            out.write(chunk)
    return written


def _image_size(path: Path) -> tuple[int, int]:
    """Width and height of a readable image file (decoded in full, so a damaged one fails here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            size = im.size
            if im.format == "JPEG":
                im.draft("RGB", (max(1, size[0] // 8), max(1, size[1] // 8)))  # decode at 1/8: fast, still checked
            im.load()
    return int(size[0]), int(size[1])


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _listing(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:NAMED])
    return shown + (f" and {len(names) - NAMED} more" if len(names) > NAMED else "")


def _unpack(zip_path: Path, display: str, folder: Path, *, total_limit: int, file_limit: int,
            on_progress: ProgressFn) -> tuple[list[dict[str, Any]], list[str]]:
    """Unpack the images of a zip into ``folder`` (which exists and is empty); return rows and warnings."""
    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidInput(f"'{display}' is not a readable zip file.",
                           hint="Check that the upload is a .zip archive (not renamed from another format) "
                                "and that it was copied completely.") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InvalidInput(f"'{display}' holds {len(infos):,} entries, over the limit of {MAX_MEMBERS:,}.",
                               hint="Split the images over several zips.")
        members: list[tuple[str, zipfile.ZipInfo]] = []
        for info in infos:
            name = _safe_name(info, display)  # every entry is checked before anything is written
            if not info.is_dir() and name:
                members.append((name, info))
        if not members:
            raise InvalidInput(f"'{display}' is empty: it holds no files.",
                               hint="Zip a folder that holds the images (PNG, JPEG, GIF, BMP, TIFF or WebP).")
        declared = sum(info.file_size for _, info in members)
        if declared > total_limit:
            raise _too_big(display, " in all", total_limit, TOTAL_ENV)
        images, other, repeated, seen = [], [], [], set()
        for name, info in sorted(members, key=lambda m: m[0]):
            if _is_system_file(name):
                continue
            if not name.lower().endswith(IMAGE_SUFFIXES):
                other.append(name)
                continue
            if name in seen:  # the same path twice (zipfile allows it): the first one is kept
                repeated.append(name)
                continue
            seen.add(name)
            if info.file_size > file_limit:
                raise _too_big(display, f" for the image '{info.filename}'", file_limit, FILE_ENV)
            images.append((name, info))
        if not images:
            found = f" (it holds {len(other):,} other file(s): {_listing(other)})" if other else ""
            raise InvalidInput(f"'{display}' holds no images{found}.",
                               hint="Zip a folder that holds the images (PNG, JPEG, GIF, BMP, TIFF or WebP).")
        rows, broken, used = [], [], 0
        for i, (name, info) in enumerate(images):
            dest = folder.joinpath(*name.split("/"))
            if not dest.resolve().is_relative_to(folder.resolve()):  # belt and braces: checked by _safe_name
                raise InvalidInput(f"'{display}' holds an unsafe entry '{info.filename}' (a path outside the zip's "
                                   "folder); nothing was unpacked.", hint=REMAKE_HINT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                used += _read_member(zf, info, dest, display=display, file_limit=file_limit,
                                     budget=total_limit - used, total_limit=total_limit)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError):  # damaged data (a bad CRC): left out
                dest.unlink(missing_ok=True)
                broken.append(name)
                continue
            try:
                width, height = _image_size(dest)
            except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
                    Image.DecompressionBombWarning):
                dest.unlink(missing_ok=True)
                broken.append(name)
                continue
            top = name.split("/")[0] if "/" in name else ""
            rows.append({"image": name, "folder": top, "width": width, "height": height,
                         "sha256": _sha256_file(dest)})
            if i % 50 == 0 or i == len(images) - 1:
                on_progress(Progress(0.05 + 0.8 * (i + 1) / len(images),
                                     f"Unpacking images ({i + 1:,} of {len(images):,})"))
    if not rows:
        raise InvalidInput(f"'{display}' holds no readable images: {_listing(broken)} could not be read.",
                           hint="Check that the images open on your computer, then zip them again.")
    notes = []
    if other:
        notes.append(f"Left out {len(other):,} file(s) of '{display}' that are not images: {_listing(other)}.")
    if repeated:
        notes.append(f"Left out {len(repeated):,} repeated entr(ies) of '{display}' (the first of each is kept): "
                     f"{_listing(repeated)}.")
    if broken:
        notes.append(f"Left out {len(broken):,} image(s) of '{display}' that could not be read: {_listing(broken)}.")
    return rows, notes


# ---------------------------------------------------------------------------- the version


@contextmanager
def _local_zip(ws: Workspace, source: str | os.PathLike[str] | BinaryIO, original_name: str | None,
               on_progress: ProgressFn) -> Iterator[tuple[str, Path]]:
    """A path or an upload stream as a local zip file: ``(display name, path)``."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        display = ingest.safe_file_name(original_name or path.name)
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder, not a zip file.", hint="Zip the folder and give the zip's path.")
        if not path.is_file():
            raise NotFound(f"There is no file at {path}.", hint="Check the path and try again.")
        ingest.check_size(path.stat().st_size, display)
        yield display, path
        return
    display = ingest.safe_file_name(original_name or getattr(source, "name", None), default="images.zip")
    copy = ws.scratch_dir("labeling") / f"up-{uuid.uuid4().hex[:12]}.zip"
    try:
        ingest.copy_stream(source, copy, display, on_progress=on_progress, total=getattr(source, "size", None))
        yield display, copy
    finally:
        copy.unlink(missing_ok=True)


def add_image_zip(
    ws: Workspace,
    path_or_stream: str | os.PathLike[str] | BinaryIO,
    *,
    name: str,
    project_id: str | None = None,
    created_by: str = "",
    original_name: str | None = None,
    description: str = "",
    license: str = "",
    source_note: str = "",
    max_total_bytes: int | None = None,
    max_file_bytes: int | None = None,
    on_progress: ProgressFn = no_progress,
) -> AddResult:
    """Unpack a zip of images into the workspace and record the list of images as a dataset version.

    Args:
        ws: the workspace.
        path_or_stream: a local path, or a binary stream such as an upload.
        name: the dataset's name (a new version of it when it exists).
        project_id: attach the dataset to this project.
        created_by: who added it.
        original_name: the user's file name (default: the path's or the stream's name).
        description: what the images are.
        license: the images' license.
        source_note: where they came from: a URL or a sentence.
        max_total_bytes: the limit on all images unpacked (default :func:`total_limit`).
        max_file_bytes: the limit on one image (default :func:`file_limit`).
        on_progress: progress callback.

    Returns:
        The version (columns ``image``, ``folder``, ``width``, ``height``, ``sha256``; its ``source`` has
        ``image_root``), its dataset, whether that content existed already, and warnings that name the
        files left out (not images, or unreadable).

    Raises:
        InvalidInput: not a zip; an empty zip or one without a readable image; an unsafe entry (absolute
            path, ``..``, link) or an encrypted one; over a size limit. Nothing is kept then.
        NotFound: no file at the path, or an unknown project.
    """
    from core.define.projects import get_project

    if project_id:
        get_project(ws, project_id)
    total = max_total_bytes if max_total_bytes is not None else total_limit()
    per_file = max_file_bytes if max_file_bytes is not None else file_limit()
    base = ws.root.joinpath(*IMAGES_DIR)
    base.mkdir(parents=True, exist_ok=True)
    with _local_zip(ws, path_or_stream, original_name, on_progress) as (display, zip_path):
        on_progress(Progress(0.02, f"Reading {display}"))
        zip_sha = _sha256_file(zip_path)
        work = base / f".unpack-{uuid.uuid4().hex[:12]}"
        work.mkdir()
        try:
            rows, notes = _unpack(zip_path, display, work, total_limit=total, file_limit=per_file,
                                  on_progress=on_progress)
            final = base / zip_sha
            try:
                os.rename(work, final)  # atomic: the folder is complete or absent
            except OSError:
                if not final.is_dir():
                    raise
                # unpacked before (or by a concurrent upload): the same bytes, so that copy serves; heal gaps
                for row in rows:
                    there = final.joinpath(*row["image"].split("/"))
                    if not there.is_file():
                        there.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(work.joinpath(*row["image"].split("/")), there)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        extra = {"file_name": display, "file_size": zip_path.stat().st_size, "format": "zip",
                 "image_root": str(final), "zip_sha256": zip_sha, "images": len(rows)}
        scratch = ws.scratch_dir("labeling")
        table_path = scratch / f"images-{uuid.uuid4().hex[:12]}.parquet"
        try:
            frame = pd.DataFrame(rows, columns=["image", "folder", "width", "height", "sha256"])
            frame = frame.astype({"width": "int64", "height": "int64"})
            frame.to_parquet(table_path, index=False)
            on_progress(Progress(0.9, "Saving the list of images"))
            result = datasets.add_dataset(
                ws, table_path, name=name, project_id=project_id, description=description, license=license,
                source_note=source_note, created_by=created_by, extra_source=extra,
            )
        finally:
            table_path.unlink(missing_ok=True)
    return AddResult(result.version, result.dataset, result.reused, list(result.warnings) + notes,
                     result.detected)


def image_root_of(ws: Workspace, version: DatasetVersion | str) -> Path | None:
    """The folder a version's image paths are relative to, or ``None`` for a version not made from images.

    Args:
        ws: the workspace.
        version: a dataset version or its id.

    Returns:
        The absolute folder: ``source["image_root"]`` (a relative one is under the workspace); when
        that folder is gone but the zip's unpacked copy is in this workspace (a moved or copied
        workspace), that copy.

    Raises:
        NotFound: an unknown version id.
    """
    if isinstance(version, str):
        version = datasets.get_version(ws, version)
    source = version.source or {}
    root = source.get("image_root")
    if not root:
        return None
    path = Path(root)
    path = path if path.is_absolute() else ws.root / path
    here = ws.root.joinpath(*IMAGES_DIR, str(source.get("zip_sha256") or ""))
    if not path.is_dir() and source.get("zip_sha256") and here.is_dir():
        return here
    return path


# ---------------------------------------------------------------------------- thumbnails

_hashes: dict[tuple[str, int, int], str] = {}  # (path, mtime_ns, size) -> sha256: a file is hashed once
_hash_lock = threading.Lock()
MAX_HASHES = 50_000


def _file_sha(path: Path) -> str:
    st_ = path.stat()
    key = (str(path), st_.st_mtime_ns, st_.st_size)
    with _hash_lock:
        found = _hashes.get(key)
    if found:
        return found
    sha = _sha256_file(path)
    with _hash_lock:
        if len(_hashes) >= MAX_HASHES:
            _hashes.clear()
        _hashes[key] = sha
    return sha


def _render(path: Path, size: int) -> bytes:
    """The image scaled to fit ``size`` x ``size`` as PNG bytes (small images scaled up, pixels kept sharp)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as im:
            im.draft("RGB", (size, size))  # JPEG: decode near the target size
            im = ImageOps.exif_transpose(im)
            if im.mode not in ("1", "L", "LA", "RGB", "RGBA"):
                im = im.convert("RGBA" if "A" in im.getbands() or "transparency" in im.info else "RGB")
            scale = size / max(im.size)
            target = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
            resample = Image.Resampling.NEAREST if scale >= 1 else Image.Resampling.LANCZOS
            im = im.resize(target, resample, reducing_gap=None if scale >= 1 else 3.0)
            out = io.BytesIO()
            im.save(out, format="PNG", optimize=False)
    return out.getvalue()


def thumbnail(ws: Workspace, path: str | os.PathLike[str], size: int = 160) -> bytes:
    """A PNG of the image scaled to fit ``size`` x ``size``, cached by the file's content.

    The cache (``<workspace>/labeling/thumbs/<sha[:2]>/<sha256>-<size>.png``) is keyed by the
    image's bytes, so the same picture in two zips is drawn once and a changed file is drawn
    again. Images smaller than ``size`` are scaled up with nearest-neighbour pixels (a
    64 x 64 digit stays crisp at 160); larger ones are scaled down smoothly.

    Args:
        ws: the workspace.
        path: the image file (absolute, or relative to the workspace).
        size: the longest side in pixels (16 to 2048).

    Returns:
        PNG bytes.

    Raises:
        NotFound: no file at ``path``.
        InvalidInput: the file is not a readable image, or ``size`` is out of range.
    """
    if not 16 <= int(size) <= 2048:
        raise InvalidInput(f"A thumbnail size of {size} pixels is out of range.", hint="Use 16 to 2048 pixels.")
    size = int(size)
    file = Path(path)
    file = file if file.is_absolute() else ws.root / file
    if not file.is_file():
        raise NotFound(f"There is no image at {file}.",
                       hint="The workspace's labeling/images folder may have been moved or cleaned; add the zip again.")
    sha = _file_sha(file)
    cached = ws.root.joinpath(*THUMBS_DIR, sha[:2], f"{sha}-{size}.png")
    try:
        return cached.read_bytes()
    except FileNotFoundError:
        pass
    try:
        data = _render(file, size)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as exc:
        raise InvalidInput(f"'{file.name}' could not be read as an image.",
                           hint="Check that the file opens on your computer; replace it if it is damaged.") from exc
    cached.parent.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_name(f".{cached.name}.{uuid.uuid4().hex[:8]}")
    tmp.write_bytes(data)
    os.replace(tmp, cached)  # atomic: a reader sees the whole file or none
    return data
