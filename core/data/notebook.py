"""Open a dataset version in Jupyter: a generated notebook (``.ipynb`` text, nbformat v4).

:func:`dataset_notebook` builds a notebook that opens the workspace by its absolute path
(or ``$MLCYCLE_HOME`` when set), loads one version by id through the public Python API,
checks its content hash (:func:`core.data.reads.verify_version`) and starts with the
version's profile summary, then a few pandas and plotly cells on real column names.
:func:`save_notebook` writes one to a file, and the pieces shared with the experiment
notebook (:mod:`core.experiments.notebook`) are public here: :func:`markdown_text`,
:func:`code_literal`, :func:`setup_source` and :func:`build_notebook`.

Every name that reaches a code cell goes in as ``repr()`` (any text, Hangul and quotes
included, stays one valid literal); every name that reaches Markdown is escaped. The
text is the same for the same version and profile (cell ids are numbered, no timestamp).
``nbformat`` is imported when a notebook is built.

Example:
    >>> text = dataset_notebook(ws, "dsv_5f0c1a9e2b7d")
    >>> save_notebook(text, "churn_v1.ipynb")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.data.entities import DatasetVersion
from core.data.reads import get_version
from core.data.views import check_output_path
from core.workspace import REPO_ROOT, Workspace

__all__ = [
    "build_notebook", "check_out_path", "code_literal", "dataset_notebook", "dataset_notebook_name", "markdown_text",
    "notebook_file_name", "save_notebook", "setup_source",
]

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
MAX_PROFILE_ROWS = 60       # columns listed in the profile table; the rest are counted
MAX_BAR_VALUES = 30         # a categorical column with more distinct values gets no bar chart
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|$~#])")


# ------------------------------------------------------------------ shared pieces


def markdown_text(value: Any) -> str:
    """Return user text as Markdown that shows exactly that text (one line, nothing live).

    Markdown and math characters are backslash-escaped and ``& < >`` become entities, so a
    name renders as written: no link, emphasis, HTML, formula or table cell break.

    Args:
        value: any value (shown with ``str``).

    Returns:
        Escaped, single-line Markdown.
    """
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def code_literal(value: Any) -> str:
    """Return a Python literal for ``value`` to paste into a code cell (``repr`` of str, int, float, None)."""
    return repr(value)


def setup_source(ws: Workspace, imports: Sequence[str]) -> str:
    """The first code cell: import MLCycle and open the workspace the notebook was made from.

    ``$MLCYCLE_HOME``, when set, names the workspace instead (as it does for the app and
    the CLI), e.g. a copy on another machine. A folder without ``mlcycle.db`` is refused
    rather than opened (opening would start an empty workspace there).

    Args:
        ws: the workspace the notebook is generated from.
        imports: extra import lines (``"from core.data import datasets"``...).

    Returns:
        The cell's source.
    """
    lines = [
        "# Opens the MLCycle workspace this notebook was made from. When MLCYCLE_HOME is set it names",
        "# the workspace instead (as for the app and the `mlcycle` command), e.g. a copy on another machine.",
        "# Run it with MLCycle's Python environment (`make setup`, or `pip install -e` of the repository).",
        "import os",
        "import sys",
        "from pathlib import Path",
        "",
        "try:",
        "    import core",
        "except ImportError:  # MLCycle is not installed in this kernel: use the repository the notebook came from",
        f"    sys.path.insert(0, {code_literal(str(REPO_ROOT))})",
        "from core import Workspace",
        *imports,
        "",
        f"WORKSPACE = Path(os.environ.get(\"MLCYCLE_HOME\", \"\").strip() or {code_literal(str(ws.root))}).expanduser()",
        "if not (WORKSPACE / \"mlcycle.db\").is_file():",
        "    raise FileNotFoundError(f\"There is no MLCycle workspace at {WORKSPACE} (no mlcycle.db): \"",
        "                            \"set MLCYCLE_HOME to the folder that holds it, then run this cell again.\")",
        "ws = Workspace(WORKSPACE)",
        "print(f\"Workspace: {ws.root}\")",
    ]
    return "\n".join(lines)


def build_notebook(cells: Sequence[tuple[str, str]], metadata: dict[str, Any] | None = None) -> str:
    """Return notebook JSON text (nbformat v4, kernel ``python3``) from ``(kind, source)`` pairs.

    Args:
        cells: ``("markdown" | "code", source)`` in order.
        metadata: extra notebook metadata, stored under ``"mlcycle"``.

    Returns:
        The ``.ipynb`` text, validated against the nbformat schema.
    """
    import nbformat
    from nbformat import v4

    made = []
    for i, (kind, source) in enumerate(cells, start=1):
        new = v4.new_markdown_cell if kind == "markdown" else v4.new_code_cell
        made.append(new(source, id=f"mlcycle-{i:02d}"))
    nb = v4.new_notebook(cells=made, metadata={
        "kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}, "mlcycle": dict(metadata or {})})
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def notebook_file_name(name: str, suffix: str = "") -> str:
    """Return a file name for a notebook: ``name`` (letters of any script kept) plus ``suffix`` and ``.ipynb``."""
    safe = re.sub(r"[^\w.-]+", "_", name, flags=re.UNICODE).strip("._") or "mlcycle"
    return f"{safe[:80]}{suffix}.ipynb"


def save_notebook(text: str, out_path: str | Path) -> Path:
    """Write notebook text to a file in an existing folder (written beside it, then renamed into place).

    Args:
        text: the notebook (e.g. from :func:`dataset_notebook`).
        out_path: the file; its folder must exist (it is not created).

    Returns:
        The path written.

    Raises:
        InvalidInput: the path is a folder, lies in a folder that does not exist or in a
            file, or cannot be written (the message names the path).
    """
    from core.data.views import _write_out

    path = check_out_path(out_path)
    _write_out(path, [text.encode("utf-8")])
    return path


def check_out_path(out_path: str | Path, suggested: str = "notebook.ipynb") -> Path:
    """Refuse a notebook path that cannot be a new file in an existing folder (as ``export`` does).

    Args:
        out_path: where the notebook would be written.
        suggested: a file name for the hint when ``out_path`` is a folder.

    Returns:
        The path (``~`` expanded).

    Raises:
        InvalidInput: the path is a folder, or its folder does not exist or is a file.
    """
    path = Path(out_path).expanduser()
    check_output_path(path, what="the notebook", suggested=suggested)
    return path


# ----------------------------------------------------------------- the dataset notebook


def dataset_notebook_name(version: DatasetVersion) -> str:
    """Return the file name for a version's notebook, e.g. ``churn_v3.ipynb``."""
    return notebook_file_name(version.dataset_name or "dataset", f"_v{version.number}")


def _origin(ws: Workspace, version: DatasetVersion) -> str:
    """One Markdown sentence saying where a version came from."""
    source, op = version.source or {}, version.operation or {}
    if version.parent_id:
        try:
            parent = get_version(ws, version.parent_id).label
        except Exception:  # noqa: BLE001 - the parent's label is a courtesy
            parent = version.parent_id
        what = op.get("summary") or op.get("op") or "an operation"
        return f"Derived from {markdown_text(parent)}: {markdown_text(what)}."
    parts = [f"Added from the file {markdown_text(source.get('file_name') or 'a file')}"]
    detail = ", ".join(markdown_text(source[k]) for k in ("format", "encoding") if source.get(k))
    if source.get("sheet"):
        detail += f", sheet {markdown_text(source['sheet'])}"
    if detail:
        parts.append(f" ({detail})")
    if source.get("uploaded_by"):
        parts.append(f" by {markdown_text(source['uploaded_by'])}")
    parts.append(f" on {markdown_text(version.created_at[:10])}.")
    if source.get("note"):
        parts.append(f" Source: {markdown_text(source['note'])}.")
    return "".join(parts)


def _title(ws: Workspace, version: DatasetVersion) -> str:
    lines = [
        f"# {markdown_text(version.dataset_name or 'dataset')} v{version.number}",
        "",
        f"- **Version id:** `{version.id}`",
        f"- **Size:** {version.n_rows:,} rows × {version.n_cols:,} columns",
        f"- **sha256:** `{version.sha256}` (the content hash of the stored table; the next cell checks it)",
        f"- **Where it came from:** {_origin(ws, version)}",
    ]
    if version.description:
        lines.append(f"- **Description:** {markdown_text(version.description)}")
    lines += ["", f"Generated by MLCycle from the workspace {markdown_text(ws.root)}."]
    return "\n".join(lines)


def _profile(ws: Workspace, version: DatasetVersion) -> Any:
    """The version's profile: the cached one, else computed now unless the version is big (then ``None``)."""
    from core.data import profiling

    cached = profiling.find_profile(ws, version.id)
    if cached is not None or profiling.needs_background(version):
        return cached
    return profiling.get_profile(ws, version.id)


def _pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}%" if total else "0%"


def _profile_summary(version: DatasetVersion, profile: Any) -> str:
    """The Markdown summary of a version: counts, then one table row per column."""
    if profile is None:
        lines = ["## Profile", "",
                 f"{version.n_rows:,} rows × {version.n_cols:,} columns. This version is big, so its full profile "
                 "(missing values, duplicates, distributions) runs in the background: start it on the Explore page "
                 f"or with `mlcycle datasets profile {version.id}`, then make this notebook again.", "",
                 "| column | type | storage |", "|---|---|---|"]
        lines += [f"| {markdown_text(c.name)} | {c.semantic} | {c.dtype} |" for c in version.schema[:MAX_PROFILE_ROWS]]
        if len(version.schema) > MAX_PROFILE_ROWS:
            lines.append(f"\n…and {len(version.schema) - MAX_PROFILE_ROWS:,} more columns.")
        return "\n".join(lines)
    cells = profile.n_rows * profile.n_cols
    missing = sum(c.n_missing for c in profile.columns)
    semantic = {c.name: c.semantic for c in version.schema}
    storage = {c.name: c.dtype for c in version.schema}
    lines = [
        "## Profile", "",
        f"- **Rows:** {profile.n_rows:,}",
        f"- **Columns:** {profile.n_cols:,}",
        f"- **Missing cells:** {missing:,} ({_pct(missing, cells)})",
        f"- **Duplicate rows:** {profile.n_duplicate_rows:,} ({_pct(profile.n_duplicate_rows, profile.n_rows)})",
        "",
        "| column | type | storage | missing | distinct |",
        "|---|---|---|---:|---:|",
    ]
    for col in profile.columns[:MAX_PROFILE_ROWS]:
        lines.append(f"| {markdown_text(col.name)} | {semantic.get(col.name, col.semantic)} | "
                     f"{storage.get(col.name, col.dtype)} | {col.n_missing:,} ({col.missing_pct:.1f}%) | "
                     f"{col.n_distinct:,} |")
    if len(profile.columns) > MAX_PROFILE_ROWS:
        lines.append(f"\n…and {len(profile.columns) - MAX_PROFILE_ROWS:,} more columns.")
    if profile.warnings:
        lines += ["", "**Worth a look:**", ""]
        lines += [f"- {markdown_text(w.message)}" for w in profile.warnings[:10]]
        if len(profile.warnings) > 10:
            lines.append(f"- …and {len(profile.warnings) - 10} more (see the Explore page).")
    return "\n".join(lines)


def _chart_columns(version: DatasetVersion, profile: Any) -> tuple[str | None, str | None]:
    """A numeric column for a histogram and a categorical one (few values) for a bar chart."""
    distinct = {c.name: c.n_distinct for c in profile.columns} if profile is not None else {}
    numeric = [c.name for c in version.schema if c.semantic == "numeric" and distinct.get(c.name, 2) > 1]
    categorical = [c.name for c in version.schema if c.semantic in ("categorical", "boolean")
                   and 1 < distinct.get(c.name, 2) <= MAX_BAR_VALUES]
    return (numeric[0] if numeric else None), (categorical[0] if categorical else None)


def _load_source(version: DatasetVersion) -> str:
    return "\n".join([
        f"VERSION_ID = {code_literal(version.id)}  # {code_literal(version.label)}",
        f"EXPECTED_SHA256 = {code_literal(version.sha256)}  # recorded when the version was made",
        "",
        "version = datasets.get_version(ws, VERSION_ID)",
        "if version.sha256 != EXPECTED_SHA256:",
        "    raise RuntimeError(f\"{version.label} records sha256 {version.sha256}, not {EXPECTED_SHA256}: \"",
        "                       \"this is not the workspace the notebook was made from (check MLCYCLE_HOME).\")",
        "# Recomputes the content hash of the stored table; raises Corrupted if the stored copy changed.",
        "sha256 = datasets.verify_version(ws, VERSION_ID)",
        "df = datasets.load_frame(ws, VERSION_ID)",
        "print(f\"{version.label}: {len(df):,} rows x {df.shape[1]:,} columns, sha256 {sha256} verified\")",
    ])


def dataset_notebook(ws: Workspace, version_id: str) -> str:
    """Return a Jupyter notebook (``.ipynb`` JSON text) that explores one dataset version.

    Cells: a title naming the version (name, number, id, rows × columns, sha256, where it
    came from); opening the workspace; loading the version by id and checking its sha256
    against the recorded one; the profile summary (rows, columns, missing cells, duplicate
    rows, each column's type; computed now and cached if it was not, except for versions
    big enough to be profiled in the background); ``df.head()``, ``df.describe``, missing
    counts; a plotly histogram of a numeric column and a bar chart of a categorical one.

    Args:
        ws: the workspace.
        version_id: the version (``dsv_…``).

    Returns:
        The notebook text (nbformat v4, kernel ``python3``).

    Raises:
        NotFound: if there is no such version.
        Corrupted: if its stored copy is damaged while its profile is computed.
    """
    version = get_version(ws, version_id)
    profile = _profile(ws, version)
    numeric, categorical = _chart_columns(version, profile)
    cells: list[tuple[str, str]] = [
        ("markdown", _title(ws, version)),
        ("code", setup_source(ws, ["from core.data import datasets"])),
        ("markdown", "## Load the version and check its sha256"),
        ("code", _load_source(version)),
        ("markdown", _profile_summary(version, profile)),
        ("markdown", "## A first look with pandas"),
        ("code", "df.head()"),
        ("code", "df.describe(include=\"all\").T"),
        ("code", "\n".join([
            "missing = df.isna().sum()",
            "print(f\"{int(missing.sum()):,} missing cells in {int((missing > 0).sum()):,} column(s)\")",
            "missing[missing > 0].sort_values(ascending=False).to_frame(\"missing\")",
        ])),
    ]
    if numeric or categorical:
        cells.append(("markdown", "## Charts with plotly"))
    if numeric:
        cells.append(("code", "\n".join([
            "import plotly.express as px",
            "",
            f"px.histogram(df, x={code_literal(numeric)}, title={code_literal(f'Distribution of {numeric}')})",
        ])))
    if categorical:
        cells.append(("code", "\n".join([
            "import plotly.express as px",
            "",
            f"column = {code_literal(categorical)}",
            "counts = df[column].astype(\"string\").fillna(\"(missing)\").value_counts()",
            "px.bar(x=counts.index, y=counts.values, labels={\"x\": column, \"y\": \"rows\"}, "
            "title=f\"Rows per value of {column}\")",
        ])))
    meta = {"kind": "dataset_version", "id": version.id, "label": version.label, "sha256": version.sha256,
            "workspace": str(ws.root)}
    return build_notebook(cells, meta)
