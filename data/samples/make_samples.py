"""Regenerate every file in ``data/samples/`` (demo and test data for MLCycle).

Run from the repository root::

    .venv/bin/python data/samples/make_samples.py          # (re)write all files
    .venv/bin/python data/samples/make_samples.py --check  # also load every file back

The script is deterministic: the generated tables are seeded, ZIP/XLSX members get a
fixed timestamp, and CSV/JSON files always use ``\\n`` line endings, so re-running it
with the same library versions gives byte-identical files.  Only scikit-learn's
*bundled* datasets are used (``load_*``), so no network access is needed.

``README.md`` in this folder is written by this script too -- edit the text here,
not there.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from PIL import Image
from sklearn import datasets

OUT = Path(__file__).resolve().parent
SEED = 20240607
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # earliest time a ZIP entry can carry
FIXED_DOC_TIME = "2024-01-01T00:00:00Z"  # written into the xlsx document properties


# --------------------------------------------------------------------------- helpers


def write_csv(df: pd.DataFrame, name: str, **kw) -> Path:
    """Write ``df`` without its index, with ``\\n`` line endings."""
    path = OUT / name
    df.to_csv(path, index=False, lineterminator="\n", **kw)
    return path


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> None:
    """Write a ZIP whose bytes depend only on ``members`` (fixed times and attributes)."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever OS runs the script
            info.external_attr = (0o100644 << 16) if not name.endswith("/") else ((0o40755 << 16) | 0x10)
            zf.writestr(info, data)


def snake(name: str) -> str:
    """'mean radius' -> 'mean_radius', 'od280/od315_of_diluted_wines' -> 'od280_od315_of_diluted_wines'."""
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


# --------------------------------------------------------------------------- 1. scikit-learn datasets


def make_sklearn_tables() -> None:
    bc = datasets.load_breast_cancer(as_frame=True)
    df = bc.frame.rename(columns=snake)
    df["diagnosis"] = pd.Categorical.from_codes(df.pop("target"), list(bc.target_names)).astype(str)
    write_csv(df, "breast_cancer.csv")

    iris = datasets.load_iris(as_frame=True)
    df = iris.frame.rename(columns=lambda c: snake(c.replace("(cm)", "cm")))
    df["species"] = pd.Categorical.from_codes(df.pop("target"), list(iris.target_names)).astype(str)
    write_csv(df, "iris.csv")

    wine = datasets.load_wine(as_frame=True).frame.rename(columns=snake)
    for col in ["magnesium", "proline"]:  # whole numbers stored as floats
        assert (wine[col] == wine[col].round()).all(), col
        wine[col] = wine[col].astype(int)
    write_csv(wine, "wine.csv")

    # Unscaled (original units) version of the diabetes data, with the cryptic s1..s6 named.
    diab = datasets.load_diabetes(as_frame=True, scaled=False).frame
    diab = diab.rename(
        columns={
            "bp": "blood_pressure",
            "s1": "total_cholesterol",
            "s2": "ldl",
            "s3": "hdl",
            "s4": "cholesterol_hdl_ratio",
            "s5": "log_triglycerides",
            "s6": "glucose",
        }
    )
    for col in ["age", "sex", "total_cholesterol", "glucose", "target"]:
        assert (diab[col] == diab[col].round()).all(), col
        diab[col] = diab[col].astype(int)
    write_csv(diab, "diabetes.csv")

    digits = datasets.load_digits(as_frame=True).frame.astype(int)  # pixels are 0..16 integers
    write_csv(digits, "digits.csv")


# --------------------------------------------------------------------------- 2. Korean iris

IRIS_KO_COLUMNS = ["꽃받침_길이", "꽃받침_너비", "꽃잎_길이", "꽃잎_너비"]
IRIS_KO_SPECIES = {"setosa": "세토사", "versicolor": "버시컬러", "virginica": "버지니카"}


def make_korean_iris() -> None:
    iris = datasets.load_iris(as_frame=True)
    df = iris.data.copy()
    df.columns = IRIS_KO_COLUMNS
    df["품종"] = [IRIS_KO_SPECIES[iris.target_names[t]] for t in iris.target]
    write_csv(df, "iris_ko_utf8.csv", encoding="utf-8")
    write_csv(df, "iris_ko_cp949.csv", encoding="cp949")

    raw = (OUT / "iris_ko_cp949.csv").read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # pragma: no cover - would mean the cp949 file is useless as an encoding test
        raise AssertionError("iris_ko_cp949.csv unexpectedly decodes as UTF-8")
    assert raw.decode("cp949").encode("cp949") == raw
    assert raw.decode("cp949") == (OUT / "iris_ko_utf8.csv").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- 3. churn

CHURN_DICTIONARY = [
    ("customer_id", "text", "Unique customer identifier (C10001...)."),
    ("signup_date", "date", "Day the customer signed up."),
    ("age", "integer", "Customer age in years (about 5% missing)."),
    ("region", "category", "Sales region: North, South, East, West or Central."),
    ("plan", "category", "Subscription plan: Basic, Standard or Premium."),
    ("payment_method", "category", "Credit card, Bank transfer, Electronic check or Mailed check (about 5% missing)."),
    ("paperless_billing", "boolean", "Receives bills by e-mail only."),
    ("auto_renew", "boolean", "Contract renews automatically."),
    ("tenure_months", "integer", "Whole months between signup_date and 2024-12-31."),
    ("monthly_charges", "number", "Current monthly bill in dollars."),
    ("total_charges", "number", "Amount billed so far in dollars (about 5% missing)."),
    ("support_tickets_90d", "integer", "Support tickets opened in the last 90 days."),
    ("avg_monthly_gb", "number", "Average monthly data usage in GB (about 5% missing)."),
    ("satisfaction_score", "integer", "Last survey answer, 1 (poor) to 5 (great) (about 5% missing)."),
    ("last_login_days_ago", "integer", "Days since the customer last logged in."),
    ("churned", "0/1", "Target: 1 if the customer cancelled in the following quarter."),
]


def make_churn_frame(n: int = 2000, seed: int = SEED) -> pd.DataFrame:
    """A synthetic subscription-churn table; ``churned`` depends on several columns."""
    rng = np.random.default_rng(seed)
    ref = np.datetime64("2024-12-31")

    days_ago = np.minimum(30 + rng.exponential(700, n), 6 * 365).astype(int)
    signup = ref - days_ago.astype("timedelta64[D]")
    tenure = (days_ago / 30.4375).astype(int)

    age = np.clip(rng.normal(42, 13, n), 18, 85).round().astype(int)
    region = rng.choice(["North", "South", "East", "West", "Central"], n, p=[0.22, 0.2, 0.18, 0.25, 0.15])
    plan = rng.choice(["Basic", "Standard", "Premium"], n, p=[0.45, 0.35, 0.20])
    payment = rng.choice(
        ["Credit card", "Bank transfer", "Electronic check", "Mailed check"], n, p=[0.35, 0.25, 0.28, 0.12]
    )
    paperless = rng.random(n) < 0.6
    auto_renew = rng.random(n) < np.where(tenure > 24, 0.65, 0.40)

    base = pd.Series(plan).map({"Basic": 25.0, "Standard": 55.0, "Premium": 90.0}).to_numpy()
    monthly = np.round(np.clip(base + rng.normal(0, 9, n), 9.99, None), 2)
    total = np.round(monthly * np.maximum(tenure, 1) * rng.uniform(0.93, 1.05, n), 2)
    gb = np.round(rng.lognormal(np.log(base / 3), 0.6, n), 1)
    tickets = rng.poisson(np.where(plan == "Basic", 1.1, 0.7))
    satisfaction = np.clip(np.round(rng.normal(3.9 - 0.45 * tickets, 0.9)), 1, 5).astype(int)
    last_login = np.round(rng.exponential(12, n) + rng.exponential(1, n) * tickets * 4).astype(int)

    logit = (
        -0.6
        - 0.045 * tenure
        + 0.018 * (monthly - 50)
        + 0.30 * tickets
        - 0.45 * (satisfaction - 3)
        + 0.55 * (payment == "Electronic check")
        - 0.75 * auto_renew
        + 0.025 * last_login
        - 0.012 * (age - 42)
        + 0.20 * (region == "South")
    )
    churned = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)

    df = pd.DataFrame(
        {
            "customer_id": [f"C{10001 + i}" for i in range(n)],
            "signup_date": pd.to_datetime(signup).astype("datetime64[ns]"),
            "age": pd.array(age, dtype="Int64"),
            "region": region,
            "plan": plan,
            "payment_method": payment,
            "paperless_billing": paperless,
            "auto_renew": auto_renew,
            "tenure_months": tenure,
            "monthly_charges": monthly,
            "total_charges": total,
            "support_tickets_90d": tickets,
            "avg_monthly_gb": gb,
            "satisfaction_score": pd.array(satisfaction, dtype="Int64"),
            "last_login_days_ago": last_login,
            "churned": churned,
        }
    )
    # Missing completely at random, ~5% each, drawn after the target so it stays learnable.
    for col in ["age", "payment_method", "total_charges", "avg_monthly_gb", "satisfaction_score"]:
        df.loc[rng.random(n) < 0.05, col] = pd.NA if str(df[col].dtype) == "Int64" else np.nan
    assert [c for c, _, _ in CHURN_DICTIONARY] == list(df.columns)
    return df


def _cell(value):
    """A pandas/numpy value as something openpyxl writes natively (``None`` = empty cell)."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value.item() if isinstance(value, np.generic) else value


def write_xlsx(sheets: dict[str, pd.DataFrame], name: str) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, df in sheets.items():
        ws = wb.create_sheet(title)
        ws.append(list(df.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in df.astype(object).itertuples(index=False):
            ws.append([_cell(v) for v in row])
        for i, col in enumerate(df.columns, start=1):
            width = max(len(str(col)), *(len(str(v)) for v in df[col].head(200))) + 2
            ws.column_dimensions[get_column_letter(i)].width = min(width, 60)
        ws.freeze_panes = "A2"
    wb.properties.creator = "MLCycle make_samples.py"
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps "now" into docProps/core.xml and into every ZIP entry: pin both.
    members = []
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rb"\g<1>" + FIXED_DOC_TIME.encode() + rb"\g<3>",
                    data,
                )
            members.append((info.filename, data))
    write_zip(OUT / name, members)


def make_churn_batch(n: int = 600) -> pd.DataFrame:
    """A year later, after a price rise and a campaign for younger customers, for the Monitor step: the same
    columns and process as churn.csv (another seed), then sign-ups a year later (so tenures 12 months shorter and
    total charges smaller), customers five years younger, monthly charges up 25%, a third of the other payers moved
    to electronic check, satisfaction one point lower for 40% of customers and 15% more of it missing.
    ``churned`` keeps what the customers did (drawn before the shift), so a model trained on churn.csv both sees
    the drift and does worse."""
    df = make_churn_frame(n, seed=SEED + 1)
    rng = np.random.default_rng(SEED + 2)
    df["customer_id"] = [f"C{30001 + i}" for i in range(n)]
    df["signup_date"] = df["signup_date"] + pd.Timedelta(days=365)
    df["tenure_months"] = (df["tenure_months"] - 12).clip(lower=0)
    df["age"] = (df["age"] - 5).clip(lower=18)
    df["monthly_charges"] = (df["monthly_charges"] * 1.25).round(2)
    df["total_charges"] = (df["monthly_charges"] * df["tenure_months"].clip(lower=1)).round(2)
    moved = (df["payment_method"] != "Electronic check") & df["payment_method"].notna() & (rng.random(n) < 1 / 3)
    df.loc[moved, "payment_method"] = "Electronic check"
    lower = rng.random(n) < 0.4
    df.loc[lower, "satisfaction_score"] = (df.loc[lower, "satisfaction_score"] - 1).clip(lower=1)
    df.loc[rng.random(n) < 0.15, "satisfaction_score"] = pd.NA
    return df


def make_churn() -> None:
    df = make_churn_frame()
    write_csv(df, "churn.csv")
    write_csv(df, "churn_semicolon.csv", sep=";", decimal=",")
    write_csv(df, "churn.tsv", sep="\t")
    df.to_parquet(OUT / "churn.parquet", index=False, engine="pyarrow", compression="snappy")
    as_json = df.assign(signup_date=df["signup_date"].dt.strftime("%Y-%m-%d"))  # plain ISO dates
    for name, lines in [("churn.json", False), ("churn.jsonl", True)]:
        text = as_json.to_json(orient="records", lines=lines, force_ascii=False)
        (OUT / name).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8", newline="\n")
    notes = pd.DataFrame(CHURN_DICTIONARY, columns=["column", "type", "description"])
    write_xlsx({"customers": df, "notes": notes}, "churn.xlsx")
    write_csv(make_churn_batch(), "batch_churn_after_price_rise.csv")


# --------------------------------------------------------------------------- 4. digit images

PER_CLASS = 6
IMAGE_SIZE = 32


def make_digit_images() -> None:
    digits = datasets.load_digits()
    members: list[tuple[str, bytes]] = []
    rows = []
    for label in range(10):
        members.append((f"{label}/", b""))
        for idx in np.flatnonzero(digits.target == label)[:PER_CLASS]:
            pixels = np.round(digits.images[idx] * 255 / 16).astype(np.uint8)  # 0..16 -> 0..255
            img = Image.fromarray(pixels, mode="L").resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR)
            png = io.BytesIO()
            img.save(png, format="PNG")
            path = f"{label}/digit_{idx:04d}.png"  # idx = row number in digits.csv
            members.append((path, png.getvalue()))
            rows.append({"image_path": path, "label": label})
    write_zip(OUT / "digits_images.zip", members)
    write_csv(pd.DataFrame(rows), "digits_images_labels.csv")


# --------------------------------------------------------------------------- 5. reviews

# reviews.csv (240 short product reviews, half Korean, half English; CC0) was written by hand for the
# labeling sample and is kept as it is: this script only describes it. digits.zip is written by
# make_digits.py.


# --------------------------------------------------------------------------- 6. README

CITATIONS = """\
* Iris: R. A. Fisher (1936). *Iris* [dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C56C76
* Wine: S. Aeberhard, M. Forina (1991). *Wine* [dataset]. UCI Machine Learning Repository. https://doi.org/10.24432/C5PC7J
* Breast cancer: W. Wolberg, O. Mangasarian, N. Street, W. Street (1995). *Breast Cancer Wisconsin (Diagnostic)* [dataset].
  UCI Machine Learning Repository. https://doi.org/10.24432/C5DW2B
* Digits: E. Alpaydin, C. Kaynak (1998). *Optical Recognition of Handwritten Digits* [dataset].
  UCI Machine Learning Repository. https://doi.org/10.24432/C50P49 (scikit-learn ships the 1,797-image test part.)
* Diabetes: B. Efron, T. Hastie, I. Johnstone, R. Tibshirani (2004). "Least Angle Regression".
  *Annals of Statistics* 32(2), 407-499. Distributed with scikit-learn (BSD-3-Clause).
"""

UCI = "UCI ML Repository, via scikit-learn `load_{}`"
CC_BY = "CC BY 4.0"
CC0 = "CC0 1.0 (public domain)"


def shape_of(name: str) -> str:
    path = OUT / name
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as zf:
            n = sum(1 for i in zf.infolist() if not i.is_dir())
        return f"{n} PNG files"
    r, c = read_back(path).shape
    return f"{r:,} x {c}"


def make_readme() -> None:
    rows = [
        ("breast_cancer.csv", "Breast Cancer Wisconsin (Diagnostic): 30 cell-nucleus measurements; target `diagnosis` = `malignant`/`benign`. Used by the demo project.", UCI.format("breast_cancer"), CC_BY),
        ("iris.csv", "Iris flowers: 4 measurements in cm; target `species` (setosa/versicolor/virginica).", UCI.format("iris"), CC_BY),
        ("wine.csv", "Wine cultivars: 13 chemical measurements; `target` = cultivar 0/1/2.", UCI.format("wine"), CC_BY),
        ("diabetes.csv", "Diabetes regression, original (unscaled) units; `target` = disease progression after one year. s1..s6 renamed (`total_cholesterol`, `ldl`, `hdl`, `cholesterol_hdl_ratio`, `log_triglycerides`, `glucose`).", "Efron et al. (2004), via scikit-learn `load_diabetes(scaled=False)`", "BSD-3-Clause (scikit-learn)"),
        ("digits.csv", "Handwritten digits as 8x8 pixel intensities 0-16 (`pixel_<row>_<col>`); `target` = digit 0-9.", UCI.format("digits"), CC_BY),
        ("iris_ko_utf8.csv", "Iris in Korean (붓꽃): headers 꽃받침_길이, 꽃받침_너비, 꽃잎_길이, 꽃잎_너비, 품종; 품종 = 세토사/버시컬러/버지니카. UTF-8, no BOM.", "Derived from iris.csv", CC_BY),
        ("iris_ko_cp949.csv", "Same content as iris_ko_utf8.csv, encoded **cp949** (does not decode as UTF-8; read with `encoding='cp949'`).", "Derived from iris.csv", CC_BY),
        ("churn.csv", "Synthetic customer churn: id, date, numeric, categorical, boolean columns, ~5% missing in 5 columns; binary target `churned` (depends on tenure, charges, tickets, satisfaction, payment method, auto-renew, ...).", "Generated by make_samples.py (seeded)", CC0),
        ("batch_churn_after_price_rise.csv", "A year later, for the Monitor step: 600 new customers with the churn.csv columns after a price rise and a campaign for younger customers (later sign-ups and shorter tenures, younger, charges +25%, more electronic-check payers, lower and more often missing satisfaction); `churned` is what they did.", "Generated by make_samples.py (seeded)", CC0),
        ("churn.parquet", "Same table as churn.csv (Parquet, snappy; keeps dtypes).", "Generated", CC0),
        ("churn.xlsx", "Same table in sheet `customers`, plus sheet `notes` (data dictionary, 16 x 3).", "Generated", CC0),
        ("churn.json", "Same table as a JSON array of records (dates as `YYYY-MM-DD`).", "Generated", CC0),
        ("churn.jsonl", "Same table as JSON Lines (one record per line).", "Generated", CC0),
        ("churn_semicolon.csv", "Same table, European style: `;` delimiter and decimal comma.", "Generated", CC0),
        ("churn.tsv", "Same table, tab-separated.", "Generated", CC0),
        ("digits_images.zip", f"{PER_CLASS} images per digit 0-9 as {IMAGE_SIZE}x{IMAGE_SIZE} grayscale PNGs in folders `0/` ... `9/`; file `digit_NNNN.png` = row NNNN of digits.csv.", "Derived from scikit-learn `load_digits`", CC_BY),
        ("digits_images_labels.csv", "Labels for the zip: `image_path` (inside the zip), `label`.", "Derived from scikit-learn `load_digits`", CC_BY),
        ("reviews.csv", "Short product reviews, 120 in Korean and 120 in English, to label for sentiment: `review_id`, `product` (6 kinds), `stars` (1-5), `lang` (`ko`/`en`), `review`. No label column: labeling makes it. The demo's labeling project labels it.", "Written for this project (by hand; not generated)", CC0),
        ("digits.zip", "300 handwritten digits as 64x64 grey PNGs (dark ink on white) in one folder `digits/`; `digit_NNNN.png` = row NNNN of digits.csv. The demo's labeling project labels them. Written by [`make_digits.py`](make_digits.py).", "Derived from scikit-learn `load_digits`", CC_BY),
    ]
    scripts = {"README.md", "make_samples.py", "make_digits.py"}
    files = sorted(p.name for p in OUT.iterdir() if p.is_file() and p.name not in scripts)
    assert sorted(r[0] for r in rows) == files, (sorted(r[0] for r in rows), files)

    lines = [
        "# Sample data",
        "",
        "Small datasets for demos, tutorials and tests of MLCycle (the demo project uses `breast_cancer.csv`).",
        "Everything here is produced by [`make_samples.py`](make_samples.py) (except `reviews.csv`, written by hand, and",
        "`digits.zip`, written by [`make_digits.py`](make_digits.py)); regenerate from the repository root with",
        "",
        "```bash",
        ".venv/bin/python data/samples/make_samples.py           # rewrite every file (deterministic)",
        ".venv/bin/python data/samples/make_samples.py --check   # and load each file back with pandas",
        "```",
        "",
        "This README is generated by the same script - edit the script, not this file.",
        "",
        "| File | Rows x cols | What it is | Source | License |",
        "|---|---|---|---|---|",
    ]
    for name, what, source, lic in rows:
        lines.append(f"| `{name}` | {shape_of(name)} | {what} | {source} | {lic} |")
    lines += [
        "",
        "## Notes",
        "",
        "* **Licenses.** The iris, wine, breast-cancer and digits data come from the UCI Machine Learning Repository",
        "  (CC BY 4.0) as bundled with scikit-learn; files derived from them (Korean iris, digit images) keep CC BY 4.0,",
        "  so credit the original authors (below). The diabetes data is from Efron et al. (2004) as distributed with",
        "  scikit-learn (BSD-3-Clause). The churn table is synthetic and the review texts were written for this project;",
        "  both are dedicated to the public domain under **CC0 1.0**.",
        "* **churn.\\*** all hold the same 2,000 rows. Missing values are blank in CSV/TSV/XLSX and `null` in JSON.",
        "  `churned` is about one in four customers and is learnable (a plain logistic regression gets a",
        "  cross-validated ROC AUC of roughly 0.75-0.8) but not trivially so. The columns are described in the `notes` sheet",
        "  of churn.xlsx.",
        "* **reviews.csv**: the sentiment shows in both the stars and the words (mostly positive at 4-5 stars, negative",
        "  at 1-2, mixed or neutral at 3). Edit the file itself; texts with commas or quotes are quoted in the CSV.",
        "* **Encodings.** All text files are UTF-8 without BOM, except `iris_ko_cp949.csv`. Line endings are `\\n`.",
        "",
        "## Citations",
        "",
        CITATIONS,
    ]
    (OUT / "README.md").write_text("\n".join(lines), encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------- check


def read_back(path: Path) -> pd.DataFrame:
    """Load one sample file with pandas, the way a user would."""
    name = path.name
    if name == "iris_ko_cp949.csv":
        return pd.read_csv(path, encoding="cp949")
    if name == "churn_semicolon.csv":
        return pd.read_csv(path, sep=";", decimal=",")
    if name.endswith(".tsv"):
        return pd.read_csv(path, sep="\t")
    if name.endswith(".csv"):
        return pd.read_csv(path, encoding="utf-8")
    if name.endswith(".parquet"):
        return pd.read_parquet(path)
    if name.endswith(".xlsx"):
        return pd.read_excel(path, sheet_name="customers")
    if name.endswith(".jsonl"):
        return pd.read_json(path, lines=True)
    if name.endswith(".json"):
        return pd.read_json(path, orient="records")
    raise ValueError(name)


def check() -> None:
    ref = pd.read_csv(OUT / "churn.csv", parse_dates=["signup_date"])
    for path in sorted(OUT.iterdir()):
        if path.suffix in {".py", ".md"} or not path.is_file():
            continue
        if path.name == "digits.zip":
            from make_digits import check as check_digits  # the script beside this one

            check_digits(path)
            continue
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as zf:
                assert zf.testzip() is None
                pngs = [n for n in zf.namelist() if n.endswith(".png")]
                for n in pngs:
                    with Image.open(io.BytesIO(zf.read(n))) as im:
                        assert im.size == (IMAGE_SIZE, IMAGE_SIZE) and im.mode == "L", n
            labels = pd.read_csv(OUT / "digits_images_labels.csv")
            assert sorted(labels["image_path"]) == sorted(pngs)
            assert (labels["image_path"].str.split("/").str[0].astype(int) == labels["label"]).all()
            print(f"{path.name:28s} {path.stat().st_size:>9,d} B  {len(pngs)} PNGs")
            continue
        df = read_back(path)
        if path.name.startswith("churn"):
            assert df.shape == ref.shape and list(df.columns) == list(ref.columns), path.name
            assert df.isna().sum().to_dict() == ref.isna().sum().to_dict(), path.name
            assert np.allclose(df["monthly_charges"], ref["monthly_charges"]), path.name
            assert (pd.to_datetime(df["signup_date"]) == ref["signup_date"]).all(), path.name
        print(f"{path.name:28s} {path.stat().st_size:>9,d} B  {df.shape[0]:>5} x {df.shape[1]}")
    ko = read_back(OUT / "iris_ko_cp949.csv")
    assert list(ko.columns) == IRIS_KO_COLUMNS + ["품종"] and set(ko["품종"]) == set(IRIS_KO_SPECIES.values())
    total = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    print(f"{'total':28s} {total:>9,d} B")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="load every file back with pandas afterwards")
    args = parser.parse_args(argv)
    make_sklearn_tables()
    make_korean_iris()
    make_churn()
    make_digit_images()
    make_readme()
    if args.check:
        check()
    return 0


if __name__ == "__main__":
    sys.exit(main())
