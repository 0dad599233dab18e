"""Reading datasets and versions: lookups by id or name, listings, and the canonical data.

Everything here only reads the store and the artifact store; :mod:`core.data.datasets` (which
re-exports these functions) writes. A version's data is read from its Parquet artifact
after its hash is checked, with every column nullable as canonical tables are.

A dataset's name (or id) stands for its newest version the user made: train/test splits
(those of ``datasets split`` and those every experiment makes) are children of their
source and never become what a name means; reach them by id or ``name:vN``. Archived
versions are skipped too (they stay readable by id).

Example:
    >>> version = resolve_version(ws, "churn")      # the newest non-split version of 'churn'
    >>> frame = load_frame(ws, version.id, columns=["age", "churned"])
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from core.data.canonical import as_nullable, content_hash
from core.data.entities import Dataset, DatasetVersion, VersionUse
from core.errors import Corrupted, NotFound
from core.workspace import Workspace

VERSION_ROWS = "SELECT v.*, d.name AS dataset_name FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id"
IS_SPLIT = "(json_extract(v.operation, '$.op') IS 'split')"  # a train/test part: never what a name means
DATASET_ROWS = (  # versions counted and the latest one: archived versions left out
    "SELECT d.*, (SELECT COUNT(*) FROM dataset_versions v WHERE v.dataset_id = d.id AND v.archived_at IS NULL)"
    " AS n_versions, (SELECT v.id FROM dataset_versions v WHERE v.dataset_id = d.id AND v.archived_at IS NULL"
    f" ORDER BY {IS_SPLIT}, v.number DESC LIMIT 1) AS latest_version_id FROM datasets d"
)
_NUMBERED = re.compile(r"^(?P<name>.+):v(?P<number>\d+)$", re.IGNORECASE)
IN_JSON = "IN (SELECT value FROM json_each(?))"  # one parameter for a list of any length: json.dumps(ids)


def get_dataset(ws: Workspace, dataset_id: str) -> Dataset:
    """Return a dataset (archived ones included).

    Args:
        ws: the workspace.
        dataset_id: the dataset's id (``ds_…``).

    Returns:
        The dataset, with its version count and latest version id (its newest version
        that is not a train/test split).

    Raises:
        NotFound: if there is no such dataset.
    """
    with ws.read() as db:
        row = db.execute(DATASET_ROWS + " WHERE d.id = ?", [dataset_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no dataset with id '{dataset_id}'.",
                       hint="List datasets with `mlcycle datasets list`.")
    return Dataset.from_row(row)


def find_dataset_by_name(ws: Workspace, name: str) -> Dataset | None:
    """Return the active dataset with this name (case-insensitive), or ``None``.

    Args:
        ws: the workspace.
        name: the dataset name (surrounding and repeated spaces ignored).

    Returns:
        The dataset, or ``None`` when no active dataset has this name.
    """
    with ws.read() as db:
        row = db.execute(DATASET_ROWS + " WHERE d.name = ? COLLATE NOCASE AND d.archived_at IS NULL"
                         " ORDER BY d.created_at LIMIT 1", [" ".join(name.split())]).fetchone()
    return Dataset.from_row(row) if row else None


def list_datasets(ws: Workspace, project_id: str | None = None, include_archived: bool = False) -> list[Dataset]:
    """Return datasets, newest first.

    Args:
        ws: the workspace.
        project_id: only the datasets attached to this project.
        include_archived: include archived datasets.

    Returns:
        The datasets, each with its version count and latest version id.

    Raises:
        Nothing: an unknown project simply has no datasets.
    """
    sql, params = DATASET_ROWS, []
    where = []
    if project_id:
        where.append("d.id IN (SELECT dataset_id FROM project_datasets WHERE project_id = ?)")
        params.append(project_id)
    if not include_archived:
        where.append("d.archived_at IS NULL")
    if where:
        sql += " WHERE " + " AND ".join(where)
    with ws.read() as db:
        rows = db.execute(sql + " ORDER BY d.created_at DESC", params).fetchall()
    return [Dataset.from_row(r) for r in rows]


def get_version(ws: Workspace, version_id: str) -> DatasetVersion:
    """Return a dataset version by id.

    Args:
        ws: the workspace.
        version_id: the version's id (``dsv_…``).

    Returns:
        The version, with its dataset's name (for ``label``) and its schema.

    Raises:
        NotFound: if there is no such version.
    """
    with ws.read() as db:
        row = db.execute(VERSION_ROWS + " WHERE v.id = ?", [version_id]).fetchone()
    if row is None:
        raise NotFound(f"There is no dataset version with id '{version_id}'.",
                       hint="List versions with `mlcycle datasets list` or `mlcycle datasets versions DATASET`.")
    return DatasetVersion.from_row(row)


def list_versions(ws: Workspace, dataset_id: str, *, include_archived: bool = True) -> list[DatasetVersion]:
    """Return a dataset's versions, oldest first.

    Args:
        ws: the workspace.
        dataset_id: the dataset.
        include_archived: include archived versions (the default: every version, as
            bookkeeping needs them); lists shown to a user pass ``False``.

    Returns:
        Its versions in number order (uploads, derived versions and splits alike).

    Raises:
        NotFound: if there is no such dataset.
    """
    get_dataset(ws, dataset_id)
    return list_versions_of(ws, [dataset_id], include_archived=include_archived)[dataset_id]


def list_versions_of(ws: Workspace, dataset_ids: Sequence[str], *,
                     include_archived: bool = True) -> dict[str, list[DatasetVersion]]:
    """Return the versions of several datasets with one query (instead of one per dataset).

    Args:
        ws: the workspace.
        dataset_ids: the datasets.
        include_archived: include archived versions (as :func:`list_versions`).

    Returns:
        ``{dataset_id: versions}`` in the order the ids were given, each dataset's versions
        in number order (as :func:`list_versions`); an id with no versions maps to ``[]``.

    Raises:
        Nothing: unknown ids simply have no versions.
    """
    out: dict[str, list[DatasetVersion]] = {d: [] for d in dataset_ids}
    if not out:
        return out
    active = "" if include_archived else " AND v.archived_at IS NULL"
    with ws.read() as db:
        rows = db.execute(VERSION_ROWS + f" WHERE v.dataset_id {IN_JSON}{active} ORDER BY v.dataset_id, v.number",
                          [json.dumps(list(out))]).fetchall()
    for row in rows:
        version = DatasetVersion.from_row(row)
        out[version.dataset_id].append(version)
    return out


def latest_version(ws: Workspace, dataset_id: str) -> DatasetVersion:
    """Return the newest version of a dataset that the user made (not a train/test split).

    Uploads and derived versions count; the train and test parts of a split (made by
    ``datasets split`` or by an experiment) are children of their source and are skipped,
    and so are archived versions.

    Args:
        ws: the workspace.
        dataset_id: the dataset.

    Returns:
        The non-split version with the highest number (the newest split only when a
        dataset somehow holds nothing else).

    Raises:
        NotFound: if the dataset does not exist or has no versions (or all are archived).
    """
    versions = list_versions(ws, dataset_id, include_archived=False)
    if not versions:
        archived = bool(list_versions(ws, dataset_id))
        raise NotFound(f"Dataset {dataset_id} has no versions {'left: all are archived' if archived else 'yet'}.",
                       hint=f"Restore one with `mlcycle datasets restore VERSION_ID` (see `mlcycle datasets "
                            f"versions {dataset_id} --all`)." if archived else "Add a file to it first.")
    made = [v for v in versions if not v.is_split]
    return (made or versions)[-1]


def version_uses(ws: Workspace, version_ids: Sequence[str]) -> dict[str, list[VersionUse]]:
    """Return the experiments (and through them the models) that use each version, with one query.

    An experiment uses the version it was run on (``data``) and the train and test parts it
    split off (``train``, ``test``); its models use them too. Archived experiments with no
    active model are left out: nothing live depends on the data then.

    Args:
        ws: the workspace.
        version_ids: the versions.

    Returns:
        ``{version_id: uses}`` for every id given (``[]`` when nothing uses it), oldest
        experiment first.

    Raises:
        Nothing: unknown ids are simply unused.
    """
    out: dict[str, list[VersionUse]] = {v: [] for v in version_ids}
    if not out:
        return out
    ids = json.dumps(list(out))
    with ws.read() as db:
        rows = db.execute(
            "SELECT e.id, e.name, e.project_id, e.archived_at, e.dataset_version_id, e.train_version_id,"
            " e.test_version_id,"
            " (SELECT COUNT(*) FROM models m WHERE m.experiment_id = e.id AND m.archived_at IS NULL) AS n_models"
            f" FROM experiments e WHERE (e.dataset_version_id {IN_JSON} OR e.train_version_id {IN_JSON}"
            f" OR e.test_version_id {IN_JSON}) ORDER BY e.created_at",
            [ids, ids, ids],
        ).fetchall()
    for row in rows:
        if row["archived_at"] and not row["n_models"]:
            continue
        for role, column in (("data", "dataset_version_id"), ("train", "train_version_id"),
                             ("test", "test_version_id")):
            if row[column] in out:
                out[row[column]].append(VersionUse(row[column], row["id"], row["name"] or row["id"],
                                                   row["project_id"], role, int(row["n_models"])))
    return out


def dataset_projects(ws: Workspace, dataset_id: str) -> list[str]:
    """Return the ids of the active projects a dataset is attached to, first attached first.

    Args:
        ws: the workspace.
        dataset_id: the dataset.

    Returns:
        Project ids (``[]`` when no active project uses it).

    Raises:
        Nothing: an unknown dataset is attached to nothing.
    """
    with ws.read() as db:
        rows = db.execute("SELECT pd.project_id FROM project_datasets pd JOIN projects p ON p.id = pd.project_id"
                          " WHERE pd.dataset_id = ? AND p.archived_at IS NULL ORDER BY pd.attached_at",
                          [dataset_id]).fetchall()
    return [r[0] for r in rows]


def resolve_version(ws: Workspace, ref: str) -> DatasetVersion:
    """Find the version a user means: the one resolver every command and page uses.

    ``dsv_…`` is that version; ``ds_…`` or a dataset name (case-insensitive, spaces
    ignored) is the dataset's newest version the user made (:func:`latest_version`:
    train/test splits made by ``datasets split`` or by experiments are skipped);
    ``name:vN`` is version N of that dataset.

    Args:
        ws: the workspace.
        ref: a version id, a dataset id, a dataset name, or ``name:vN``.

    Returns:
        The version.

    Raises:
        NotFound: if nothing matches (the message names what was typed and the hint how
            to list datasets).
    """
    ref = " ".join((ref or "").split())
    if not ref:
        raise NotFound("No dataset or version was given.",
                       hint="Give a version id (dsv_…), a dataset id (ds_…) or a name; see `mlcycle datasets list`.")
    if ref.startswith("dsv_"):
        return get_version(ws, ref)
    if ref.startswith("ds_"):
        return latest_version(ws, ref)
    dataset = find_dataset_by_name(ws, ref)
    if dataset is not None:
        return latest_version(ws, dataset.id)
    numbered = _NUMBERED.match(ref)
    dataset = find_dataset_by_name(ws, numbered["name"]) if numbered else None
    if dataset is None:
        raise NotFound(f"There is no dataset or version called '{ref}'.",
                       hint="Use a version id (dsv_…), a dataset id (ds_…) or a name; see `mlcycle datasets list`.")
    number = int(numbered["number"])
    for version in list_versions(ws, dataset.id):
        if version.number == number:
            return version
    raise NotFound(f"Dataset '{dataset.name}' has no version {number}.",
                   hint=f"It has {dataset.n_versions} version(s); see `mlcycle datasets versions {dataset.id}`.")


def load_table(ws: Workspace, version_id: str, columns: Sequence[str] | None = None) -> pa.Table:
    """Read a version's canonical Parquet copy as Arrow, after verifying its hash.

    Args:
        ws: the workspace.
        version_id: the version.
        columns: only these columns, in this order.

    Returns:
        The canonical table.

    Raises:
        NotFound: unknown version, unknown column, or missing artifact.
        Corrupted: if the artifact's bytes changed on disk.
    """
    version = get_version(ws, version_id)
    if columns is not None:
        check_columns(version, columns)
    path = ws.artifacts.verified_path(version.artifact)
    return as_nullable(pq.read_table(path, columns=list(columns) if columns is not None else None))


def load_frame(ws: Workspace, version_id: str, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Read a version as a pandas DataFrame (verified against its artifact hash).

    Args:
        ws: the workspace.
        version_id: the version.
        columns: only these columns, in this order.

    Returns:
        The data; integers with missing values come back as float64.

    Raises:
        NotFound: unknown version or column, or missing artifact.
        Corrupted: if the artifact's bytes changed on disk.
    """
    return load_table(ws, version_id, columns).to_pandas()


def verify_version(ws: Workspace, version_id: str) -> str:
    """Check that a version's stored copy still holds the content its ``sha256`` names.

    The content hash is recomputed from the canonical Parquet copy the same way it was
    when the version was made (:func:`core.data.canonical.content_hash`, over the table,
    not the file it was uploaded as) and compared with the recorded one.

    Args:
        ws: the workspace.
        version_id: the version.

    Returns:
        The verified sha256 (the version's recorded ``sha256``).

    Raises:
        NotFound: unknown version, or its stored copy is missing.
        Corrupted: the stored copy changed on disk, or no longer hashes to the recorded sha256
            (the message names the version and both hashes).
    """
    version = get_version(ws, version_id)
    try:
        table = load_table(ws, version.id)
    except Corrupted as exc:
        raise Corrupted(f"{version.label} does not match its recorded sha256 {version.sha256[:12]}…: "
                        f"{exc.message}", hint=exc.hint) from exc
    actual = content_hash(table)
    if actual != version.sha256:
        raise Corrupted(f"{version.label} does not match its recorded sha256 {version.sha256[:12]}…: "
                        f"its stored copy now hashes to {actual[:12]}….",
                        hint="Restore the workspace's artifacts folder from a backup, or add the file again.")
    return actual


def check_columns(version: DatasetVersion, columns: Sequence[str]) -> None:
    """Make sure a version has these columns.

    Args:
        version: the version.
        columns: column names.

    Raises:
        NotFound: naming the missing columns and listing the ones there are.
    """
    missing = [c for c in columns if c not in version.columns]
    if missing:
        raise NotFound(f"{version.label} has no column(s) {', '.join(repr(c) for c in missing)}.",
                       hint=f"Columns are: {', '.join(version.columns)}.")
