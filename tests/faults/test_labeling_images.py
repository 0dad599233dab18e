"""Fault suite (issue #14): an image zip that is unsafe, empty, image-less, damaged or too big is refused with
a message naming the file and a hint, and leaves nothing behind (no files, no dataset); thumbnails of a
missing or unreadable file say so."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from PIL import Image

from core.data import datasets
from core.errors import InvalidInput, NotFound
from core.labeling import images


def png(width: int = 8, height: int = 8) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 128).save(out, format="PNG")
    return out.getvalue()


def make_zip(path, entries, *, links=()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        for name, target in links:
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = 0o120777 << 16  # a symbolic link, as `zip -y` stores one
            zf.writestr(info, target)
    return path


def refused(ws, path, **kw) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        images.add_image_zip(ws, path, name="shots", **kw)
    unpacked = ws.root / "labeling" / "images"
    assert not unpacked.exists() or not any(unpacked.iterdir()), "a refused zip left files behind"
    assert datasets.list_datasets(ws) == []
    return caught.value


@pytest.mark.parametrize("bad", ["../x.png", "a/../../x.png", "/etc/x.png", "C:/x.png", "a\\..\\..\\x.png"])
def test_an_entry_outside_the_zip_refuses_the_whole_zip(ws, tmp_path, bad):
    error = refused(ws, make_zip(tmp_path / "evil.zip", {"ok.png": png(), bad: png()}))
    assert "'evil.zip' holds an unsafe entry" in error.message and bad in error.message
    assert "nothing was unpacked" in error.message and "zip -r" in error.hint
    assert not (tmp_path / "x.png").exists()


def test_a_symlink_refuses_the_whole_zip(ws, tmp_path):
    path = make_zip(tmp_path / "links.zip", {"ok.png": png()}, links=[("cat.png", "/etc/passwd")])
    error = refused(ws, path)
    assert "'links.zip' holds a link (symlink) 'cat.png'" in error.message and "image itself" in error.hint


def test_an_empty_zip_is_refused_with_a_hint(ws, tmp_path):
    error = refused(ws, make_zip(tmp_path / "empty.zip", {"folder/": b""}))
    assert error.message == "'empty.zip' is empty: it holds no files." and "PNG, JPEG" in error.hint


def test_a_zip_without_images_names_what_it_holds(ws, tmp_path):
    error = refused(ws, make_zip(tmp_path / "docs.zip", {"a.txt": b"x", "b.csv": b"y", ".DS_Store": b"z"}))
    assert error.message == "'docs.zip' holds no images (it holds 2 other file(s): 'a.txt', 'b.csv')."
    assert "PNG, JPEG" in error.hint


def test_a_zip_of_only_damaged_images_is_refused(ws, tmp_path):
    error = refused(ws, make_zip(tmp_path / "broken.zip", {"a.png": b"\x89PNG\r\n\x1a\nnope", "b.jpg": b"xx"}))
    assert error.message == "'broken.zip' holds no readable images: 'a.png', 'b.jpg' could not be read."


def test_a_file_that_is_not_a_zip_is_refused(ws, tmp_path):
    path = tmp_path / "photo.zip"
    path.write_bytes(png())
    error = refused(ws, path)
    assert error.message == "'photo.zip' is not a readable zip file." and ".zip archive" in error.hint


def test_a_password_protected_entry_is_refused(ws, tmp_path):
    path = make_zip(tmp_path / "locked.zip", {"a.png": png()})
    data = bytearray(path.read_bytes())
    for header, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set the "encrypted" bit in both headers
        at = data.index(header)
        data[at + flag_at] |= 0x1
    path.write_bytes(bytes(data))
    error = refused(ws, path)
    assert "'locked.zip' is password-protected ('a.png' is encrypted)" in error.message


def test_a_zip_bomb_is_refused_by_the_total_limit(ws, tmp_path):
    bomb = make_zip(tmp_path / "bomb.zip", {f"z{i}.png": b"\0" * 400_000 for i in range(5)})
    assert bomb.stat().st_size < 20_000  # 2 MB of zeros packs small
    error = refused(ws, bomb, max_total_bytes=1_000_000)
    assert error.message == "'bomb.zip' unpacks to more than 976.6 KiB in all; nothing was kept."
    assert "$MLCYCLE_MAX_IMAGE_ZIP_BYTES" in error.hint


def test_the_limits_come_from_the_environment(ws, tmp_path, monkeypatch):
    path = make_zip(tmp_path / "big.zip", {"a.png": png(), "huge.png": b"\0" * 300_000})
    monkeypatch.setenv("MLCYCLE_MAX_IMAGE_BYTES", "100000")
    error = refused(ws, path)
    assert "for the image 'huge.png'" in error.message and "$MLCYCLE_MAX_IMAGE_BYTES" in error.hint
    monkeypatch.delenv("MLCYCLE_MAX_IMAGE_BYTES")
    monkeypatch.setenv("MLCYCLE_MAX_IMAGE_ZIP_BYTES", "200000")
    assert "in all" in refused(ws, path).message


def test_data_that_runs_past_what_its_header_says_is_cut_off_at_the_limit(tmp_path):
    """What is actually read is counted against the limits, not the size a header claims."""

    class Member:
        filename = "liar.png"

    class Liar:  # a zip whose member yields far more than declared
        def open(self, info):
            return io.BytesIO(b"\0" * 5_000)

    with pytest.raises(InvalidInput, match="more than 1000 B in all"):
        images._read_member(Liar(), Member(), tmp_path / "out.png", display="liar.zip", file_limit=10_000,
                            budget=1_000, total_limit=1_000)
    with pytest.raises(InvalidInput, match="more than 2.0 KiB for the image 'liar.png'"):
        images._read_member(Liar(), Member(), tmp_path / "out.png", display="liar.zip", file_limit=2_048,
                            budget=10_000, total_limit=10_000)
    assert images._read_member(Liar(), Member(), tmp_path / "out.png", display="liar.zip", file_limit=5_000,
                               budget=5_000, total_limit=5_000) == 5_000


def test_missing_paths_folders_and_projects_are_named(ws, tmp_path):
    with pytest.raises(NotFound, match="no file at"):
        images.add_image_zip(ws, tmp_path / "nowhere.zip", name="x")
    with pytest.raises(InvalidInput, match="is a folder, not a zip file"):
        images.add_image_zip(ws, tmp_path, name="x")
    with pytest.raises(NotFound):
        images.add_image_zip(ws, make_zip(tmp_path / "a.zip", {"a.png": png()}), name="x", project_id="prj_nope")


def test_a_thumbnail_of_a_missing_or_unreadable_file_says_so(ws, tmp_path):
    with pytest.raises(NotFound, match="no image at"):
        images.thumbnail(ws, tmp_path / "gone.png")
    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    with pytest.raises(InvalidInput, match="'notes.png' could not be read as an image"):
        images.thumbnail(ws, text)
    with pytest.raises(InvalidInput, match="out of range"):
        images.thumbnail(ws, text, size=4)
    assert not (ws.root / "labeling" / "thumbs").exists() or not any((ws.root / "labeling" / "thumbs").rglob("*"))


def test_what_a_refusal_says_reads_in_korean(ws, tmp_path, monkeypatch):
    from ui import i18n

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    cases = [make_zip(tmp_path / "evil.zip", {"../x.png": png()}),
             make_zip(tmp_path / "links.zip", {}, links=[("l.png", "/etc")]),
             make_zip(tmp_path / "empty.zip", {}),
             make_zip(tmp_path / "docs.zip", {f"{c}.txt": b"x" for c in "abcdefg"})]
    for path in cases:
        error = refused(ws, path)
        assert i18n.message(error.message) != error.message, error.message
        assert i18n.message(error.hint, kind="HINTS") != error.hint, error.hint
    added = images.add_image_zip(ws, make_zip(tmp_path / "some.zip", {"a.png": png(), "b.txt": b"x",
                                                                      "c.png": b"bad"}), name="some")
    assert len(added.warnings) == 2
    for warning in added.warnings:
        assert i18n.message(warning, kind="WARNINGS") != warning, warning
    assert os.environ.get("MLCYCLE_MAX_IMAGE_BYTES") is None
