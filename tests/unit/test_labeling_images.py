"""Image zips become dataset versions whose images a task can open; thumbnails are drawn once and cached;
the demo's labeling project comes with its two tasks."""

from __future__ import annotations

import io
import re
import shutil
import zipfile

import pytest
from PIL import Image

from core.data import datasets
from core.labeling import images, tasks
from tests.conftest import SAMPLES, make_project


def png(width: int = 8, height: int = 8, shade: int = 0, mode: str = "L") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), shade if mode == "L" else (shade, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def make_zip(path, entries: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def frame(ws, version):
    return datasets.load_frame(ws, version.id)


def test_a_zip_with_nested_folders_becomes_a_version_listing_its_images(ws, tmp_path):
    project = make_project(ws, "Pets")
    zip_path = make_zip(tmp_path / "pets.zip", {
        "pets/cats/tom.png": png(40, 30), "pets/dogs/rex.jpg": b"", "top.png": png(12, 20, 200),
        "pets/notes.txt": b"shot in 2024", "__MACOSX/pets/._tom.png": b"\x00\x05\x16\x07", ".DS_Store": b"x",
    })
    with zipfile.ZipFile(zip_path, "a") as zf:  # a real JPEG in place of the empty one
        zf.writestr("pets/dogs/rex2.jpg", _jpeg(25, 50))
    added = images.add_image_zip(ws, zip_path, name="pets", project_id=project.id, created_by="ann")
    table = frame(ws, added.version)
    assert list(table.columns) == ["image", "folder", "width", "height", "sha256"]
    assert table["image"].tolist() == ["pets/cats/tom.png", "pets/dogs/rex2.jpg", "top.png"]
    assert table["folder"].tolist() == ["pets", "pets", ""]
    assert table[["width", "height"]].values.tolist() == [[40, 30], [25, 50], [12, 20]]
    # the text file is left out and named; the empty .jpg could not be read; macOS litter goes unmentioned
    assert any("not images" in w and "'pets/notes.txt'" in w for w in added.warnings)
    assert any("could not be read" in w and "'pets/dogs/rex.jpg'" in w for w in added.warnings)
    assert not any("MACOSX" in w or "DS_Store" in w for w in added.warnings)
    source = added.version.source
    assert source["file_name"] == "pets.zip" and source["format"] == "zip" and source["images"] == 3
    assert source["uploaded_by"] == "ann" and added.dataset.name == "pets"
    root = images.image_root_of(ws, added.version)
    assert root == images.image_root_of(ws, added.version.id)
    assert root.parent == ws.root / "labeling" / "images" and root.name == source["zip_sha256"]
    for rel in table["image"]:
        assert (root / rel).is_file()
    assert not (root / "pets" / "notes.txt").exists() and not (root / "pets" / "dogs" / "rex.jpg").exists()
    with Image.open(root / "top.png") as im:
        assert im.size == (12, 20)
    assert not [p for p in (ws.root / "labeling" / "images").iterdir() if p.name.startswith(".")]


def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


def test_an_image_task_opens_the_zips_images_through_the_versions_image_root(ws, tmp_path):
    added = images.add_image_zip(ws, make_zip(tmp_path / "a.zip", {"x/1.png": png(), "x/2.png": png(shade=9)}),
                                 name="shapes")
    task = tasks.create_task(ws, added.version.id, name="shape", classes="round, square", kind="image",
                             item_column="image")
    assert task.image_root == added.version.source["image_root"]
    path = tasks.image_path(ws, task, 1)
    assert path == images.image_root_of(ws, added.version) / "x" / "2.png" and path.is_file()


def test_an_upload_stream_works_and_the_same_zip_again_reuses_its_version_and_folder(ws, tmp_path):
    data = make_zip(tmp_path / "upload.zip", {"a.png": png(), "b.png": png(shade=50)}).read_bytes()
    stream = io.BytesIO(data)
    stream.name = "C:\\Users\\me\\shots.zip"  # only the base name is kept
    first = images.add_image_zip(ws, stream, name="shots")
    assert first.version.source["file_name"] == "shots.zip" and first.version.n_rows == 2
    again = images.add_image_zip(ws, io.BytesIO(data), name="shots", original_name="shots.zip")
    assert again.reused and again.version.id == first.version.id
    assert len([p for p in (ws.root / "labeling" / "images").iterdir()]) == 1
    assert not list((ws.root / "tmp" / "labeling").iterdir())  # the scratch copies are gone


def test_the_same_names_and_sizes_with_other_pixels_are_a_new_version(ws, tmp_path):
    one = images.add_image_zip(ws, make_zip(tmp_path / "v1.zip", {"a.png": png(shade=0)}), name="scans")
    two = images.add_image_zip(ws, make_zip(tmp_path / "v2.zip", {"a.png": png(shade=255)}), name="scans")
    assert not two.reused and two.version.number == 2
    assert images.image_root_of(ws, one.version) != images.image_root_of(ws, two.version)
    with Image.open(images.image_root_of(ws, two.version) / "a.png") as im:
        assert im.getpixel((0, 0)) == 255


def test_a_corrupt_png_is_left_out_and_named_and_the_rest_is_kept(ws, tmp_path):
    good = png(16, 16)
    broken = good[: len(good) // 2]  # cut in half: the header reads, the pixels do not
    added = images.add_image_zip(ws, make_zip(tmp_path / "mixed.zip", {"ok.png": good, "bad.png": broken}),
                                 name="mixed")
    assert frame(ws, added.version)["image"].tolist() == ["ok.png"]
    assert any("1 image(s)" in w and "'bad.png'" in w for w in added.warnings)
    assert not (images.image_root_of(ws, added.version) / "bad.png").exists()


def test_a_version_not_made_from_images_has_no_image_root(ws):
    version = datasets.add_dataset(ws, SAMPLES / "iris.csv").version
    assert images.image_root_of(ws, version) is None


def test_a_moved_workspace_still_finds_its_images(ws, tmp_path):
    from core.workspace import Workspace

    added = images.add_image_zip(ws, make_zip(tmp_path / "m.zip", {"d/a.png": png()}), name="moved")
    copy = Workspace(shutil.copytree(ws.root, tmp_path / "elsewhere"))
    old_root = images.image_root_of(ws, added.version)
    shutil.rmtree(ws.root / "labeling")
    found = images.image_root_of(copy, added.version.id)
    assert found != old_root and found.is_relative_to(copy.root) and (found / "d" / "a.png").is_file()


def test_thumbnails_are_drawn_once_and_then_read_from_the_cache(ws, tmp_path, monkeypatch):
    added = images.add_image_zip(ws, make_zip(tmp_path / "t.zip", {"wide.png": png(300, 100, mode="RGB"),
                                                                    "tiny.png": png(8, 8, 255)}), name="thumbs")
    root = images.image_root_of(ws, added.version)
    first = images.thumbnail(ws, root / "wide.png")
    with Image.open(io.BytesIO(first)) as im:
        assert im.format == "PNG" and im.size == (160, 53)
    cached = list((ws.root / "labeling" / "thumbs").rglob("*.png"))
    assert [p.name for p in cached] == [f"{frame(ws, added.version)['sha256'][1]}-160.png"]

    def no_drawing(*args, **kwargs):
        raise AssertionError("drawn again instead of read from the cache")

    monkeypatch.setattr(images, "_render", no_drawing)
    assert images.thumbnail(ws, root / "wide.png") == first
    # the cache is keyed by content: the same picture elsewhere is the same thumbnail, another size is drawn
    shutil.copy(root / "wide.png", tmp_path / "copy.png")
    assert images.thumbnail(ws, tmp_path / "copy.png") == first
    with pytest.raises(AssertionError, match="drawn again"):
        images.thumbnail(ws, root / "wide.png", size=64)
    monkeypatch.undo()
    small = images.thumbnail(ws, root / "tiny.png", size=64)  # small images are scaled up, pixels kept sharp
    with Image.open(io.BytesIO(small)) as im:
        assert im.size == (64, 64) and set(im.convert("L").getdata()) == {255}


def test_a_changed_file_gets_a_new_thumbnail(ws, tmp_path):
    path = tmp_path / "edit.png"
    path.write_bytes(png(20, 20, 0))
    dark = images.thumbnail(ws, path, size=32)
    path.write_bytes(png(20, 20, 255))
    light = images.thumbnail(ws, path, size=32)
    with Image.open(io.BytesIO(dark)) as a, Image.open(io.BytesIO(light)) as b:
        assert a.convert("L").getpixel((0, 0)) == 0 and b.convert("L").getpixel((0, 0)) == 255


def test_the_sample_digits_zip_is_300_grey_images_in_one_folder(ws):
    added = images.add_image_zip(ws, SAMPLES / "digits.zip", name="digits")
    table = frame(ws, added.version)
    assert len(table) == 300 and set(table["folder"]) == {"digits"} and added.warnings == []
    assert set(table["width"]) == {64} and set(table["height"]) == {64}
    assert (SAMPLES / "digits.zip").stat().st_size < 400_000


def test_the_sample_reviews_are_half_korean_half_english_without_a_label():
    import pandas as pd

    reviews = pd.read_csv(SAMPLES / "reviews.csv", encoding="utf-8")
    assert list(reviews.columns) == ["review_id", "product", "stars", "lang", "review"]
    assert 200 <= len(reviews) <= 300 and reviews["review_id"].is_unique and reviews["review"].is_unique
    assert abs((reviews["lang"] == "ko").sum() - (reviews["lang"] == "en").sum()) <= 20
    assert set(reviews["stars"]) == {1, 2, 3, 4, 5} and reviews["product"].nunique() <= 8
    korean = reviews.loc[reviews["lang"] == "ko", "review"]
    assert korean.map(lambda text: bool(re.search("[가-힣]", text))).all()


def test_the_demo_makes_a_labeling_project_with_a_sentiment_and_a_digit_task(ws):
    from core.cli import demo
    from core.define import projects

    seeded = demo.seed_demo(ws)
    assert seeded["project_names"][2] == demo.LABELING_NAME and len(seeded["projects"]) == 3
    labeling = seeded["projects"][2]
    assert projects.list_projects(ws)[0].name == demo.CHURN_NAME  # the app still opens on churn
    made = {t.name: t for t in tasks.list_tasks(ws, project_id=labeling)}
    assert set(made) == {"sentiment", "digit"}
    sentiment, digit = made["sentiment"], made["digit"]
    assert (sentiment.kind, sentiment.item_column, sentiment.overlap) == ("text", "review", 2)
    assert sentiment.class_names == ["positive", "negative", "neutral"] and sentiment.instructions.strip()
    assert tasks.item_count(ws, sentiment) == 240
    assert (digit.kind, digit.item_column, digit.overlap) == ("image", "image", 1)
    assert digit.class_names == [str(d) for d in range(10)] and digit.hotkeys["7"] == "7"
    assert tasks.item_count(ws, digit) == 300 and tasks.image_path(ws, digit, 299).is_file()
    assert {d.name for d in datasets.list_datasets(ws, project_id=labeling)} == {"reviews", "digits"}


def test_each_korean_pattern_for_images_matches_its_example(monkeypatch):
    from ui import i18n
    from ui.locale import ko_label_images

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    for kind in ("ERRORS", "HINTS", "WARNINGS", "PROGRESS"):
        for pattern, korean, example in getattr(ko_label_images, kind):
            match = re.fullmatch(pattern, example, re.DOTALL)
            assert match, (pattern, example)
            shown = i18n.message(example, kind=kind)
            assert re.search("[가-힣]", shown) and shown == korean.format(**match.groupdict(default="")), shown
