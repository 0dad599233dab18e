"""Write ``data/samples/digits.zip``: 300 handwritten digits as 64 x 64 grey PNGs, the image labeling sample.

Run from the repository root::

    .venv/bin/python data/samples/make_digits.py           # (re)write digits.zip
    .venv/bin/python data/samples/make_digits.py --check   # and check what it holds

The images are the first 300 rows of scikit-learn's bundled ``load_digits`` (its copy of the UCI
Optical Recognition of Handwritten Digits test set, CC BY 4.0; nothing is downloaded): each 8 x 8
image of intensities 0-16 is drawn as dark ink on white, scaled up to 64 x 64 (bicubic) and rounded
to 16 grey levels, which keeps the zip near 250 KB. They sit in one folder, ``digits/``, named
``digit_NNNN.png`` where NNNN is the row of ``load_digits`` (and of ``digits.csv``), so the true digit
of every image can be looked up, but neither the names nor the folders give it away to an annotator.

The zip is deterministic: members in name order with a fixed timestamp, so running the script again
with the same library versions gives the same bytes.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn import datasets

OUT = Path(__file__).resolve().parent / "digits.zip"
COUNT = 300
SIZE = 64
LEVELS = 16
FOLDER = "digits"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def digit_png(pixels: np.ndarray) -> bytes:
    """One 8 x 8 digit (intensities 0-16) as a ``SIZE`` x ``SIZE`` grey PNG, dark ink on white."""
    ink = 255 - np.round(pixels * 255 / 16).astype(np.uint8)
    big = np.asarray(Image.fromarray(ink, mode="L").resize((SIZE, SIZE), Image.Resampling.BICUBIC), dtype=float)
    step = 255 / (LEVELS - 1)
    grey = (np.round(big / step) * step).round().clip(0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(grey, mode="L").save(out, format="PNG", optimize=True)
    return out.getvalue()


def members() -> list[tuple[str, bytes]]:
    """The zip's entries: the folder, then ``digits/digit_NNNN.png`` for the first ``COUNT`` rows."""
    digits = datasets.load_digits()
    found = [(f"{FOLDER}/", b"")]
    found += [(f"{FOLDER}/digit_{row:04d}.png", digit_png(digits.images[row])) for row in range(COUNT)]
    return found


def write(path: Path = OUT) -> Path:
    """Write the zip (bytes that depend only on the images)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.create_system = 3  # unix, whatever OS runs the script
            if name.endswith("/"):
                info.external_attr = (0o40755 << 16) | 0x10
            else:
                info.external_attr = 0o100644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def check(path: Path = OUT) -> None:
    """Every entry is a 64 x 64 grey PNG that opens; the counts and the size are as documented."""
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        pngs = [n for n in zf.namelist() if n.endswith(".png")]
        assert len(pngs) == COUNT and all(n.startswith(f"{FOLDER}/") for n in pngs)
        for name in pngs:
            with Image.open(io.BytesIO(zf.read(name))) as im:
                assert im.size == (SIZE, SIZE) and im.mode == "L", name
    size = path.stat().st_size
    assert size < 400_000, size
    print(f"{path.name}: {len(pngs)} PNGs, {size:,} B")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check the zip afterwards")
    args = parser.parse_args(argv)
    write()
    if args.check:
        check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
