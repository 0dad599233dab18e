"""Pickers shared by pages: a dataset version (the URL's ``version``) or a hypothesis of the active project.

Train/test splits (every experiment makes two) are children of the version they came from: pickers
leave them out unless asked (``include_splits``) or the URL names one, and then list them under
their source. Archived versions and datasets are left out. The default is the newest version the
user made.
"""

from __future__ import annotations

import streamlit as st

from core.data import datasets
from core.data.entities import DatasetVersion
from core.define import hypotheses, projects
from core.define.entities import Hypothesis, Project
from core.errors import NotFound
from core.evaluation import leaderboard
from core.experiments.entities import Model
from core.experiments.service import get_experiment, get_model
from core.workspace import Workspace
from ui import fmt, state, url
from ui.fmt import escape_markdown, id_suffix
from ui.i18n import t, tk, tn

# how each operation reads in a version's label ("deduplicate" -> "Remove duplicate rows")
OPERATIONS = {
    "drop_columns": "Drop columns", "rename_columns": "Rename columns", "filter_rows": "Filter rows",
    "cast_columns": "Change types", "deduplicate": "Remove duplicate rows", "split": "Train/test split",
}


def how_made(version: DatasetVersion, numbers: dict[str, int] | None = None) -> str:
    """How a version was made, in a few words: ``train part of v3``, ``Remove duplicate rows``, or ``""``
    for an upload. ``numbers`` maps version ids to numbers (to name a split's source)."""
    op = version.operation or {}
    if op.get("op") == "split":
        parent = (numbers or {}).get(version.parent_id or "")
        if op.get("part") == "test":
            return t("test part of v{n}", n=parent) if parent else t("test part of a split")
        return t("train part of v{n}", n=parent) if parent else t("train part of a split")
    if op.get("op") == "publish_labels":
        return t("labels of {task}", task=op.get("task", "?"))
    return tk(OPERATIONS[op["op"]]) if op.get("op") in OPERATIONS else ""


def shape_text(rows: int, cols: int) -> str:
    """``150 rows × 5 columns``, ``1 row × 1 column`` (``150행 × 5열``)."""
    return f"{tn('{n} row', '{n} rows', rows)} × {tn('{n} column', '{n} columns', cols)}"  # × reads the same


def version_label(version: DatasetVersion, numbers: dict[str, int] | None = None, *, dataset: bool = True) -> str:
    """``iris v3 · 150 rows × 5 columns · Remove duplicate rows`` (no empty parts)."""
    parts = [f"{version.dataset_name} v{version.number}" if dataset else f"v{version.number}",
             shape_text(version.n_rows, version.n_cols),
             how_made(version, numbers)]
    return " · ".join(p for p in parts if p)


def ordered(versions: list[DatasetVersion], *, include_splits: bool, keep: str | None = None) -> list[DatasetVersion]:
    """A dataset's versions as pickers list them: the ones the user made newest first, each followed by
    the train/test parts split off it when ``include_splits`` (or when it is ``keep``, the one the URL names)."""
    made = sorted((v for v in versions if not v.is_split), key=lambda v: -v.number)
    parts: dict[str, list[DatasetVersion]] = {}
    for v in versions:
        if v.is_split and (include_splits or v.id == keep):
            parts.setdefault(v.parent_id or "", []).append(v)
    out = []
    for v in made:
        out.append(v)
        out += sorted(parts.pop(v.id, []), key=lambda p: -p.number)
    for orphans in parts.values():  # parts whose source is archived or elsewhere: at the end
        out += sorted(orphans, key=lambda p: -p.number)
    return out


def url_version(ws: Workspace, project: Project) -> DatasetVersion | None:
    """The version the URL's ``version`` names, if it can be shown in ``project``.

    An unknown id gets a warning. A version of a dataset that belongs to another project switches
    to that project (the page runs again there); one that no project uses gets a warning.

    Returns:
        The version (archived ones included), or ``None`` when the URL names none or it cannot be shown.
    """
    wanted = url.get("version")
    if not wanted:
        return None
    try:
        version = datasets.get_version(ws, wanted)
    except NotFound:
        st.warning(t("The link named dataset version {id}, which is not in this workspace. "
                     "Choose a version below instead.", id=f"`{escape_markdown(wanted)}`"))
        return None
    attached = datasets.dataset_projects(ws, version.dataset_id)
    if project.id in attached:
        return version
    if attached:  # another project's data: open it there
        other = projects.get_project(ws, attached[0])
        tab = url.get("tab")
        state.set_active_project(other.id)
        url.put(dataset=version.dataset_id, version=version.id, tab=tab)
        state.flash(t("Switched to project {project}, which holds {version}.",
                      project=escape_markdown(other.name),
                      version=escape_markdown(f"{version.dataset_name} v{version.number}")), ":material/swap_horiz:")
        st.rerun()
    st.warning(t("The link named {version}, whose dataset no project uses. Attach it to this project under "
                 "**Add data → Attach a shared dataset** to see it here.",
                 version=f"**{escape_markdown(version.dataset_name)} v{version.number}**"))
    return None


def version_picker(ws: Workspace, project: Project, *, key: str, label: str | None = None,
                   include_splits: bool = False) -> DatasetVersion | None:
    """Choose a version among the project's datasets; the choice is the URL's ``version``.

    Datasets newest first; in each, the versions the user made newest first. Train/test splits
    are listed under their source only when ``include_splits`` (or when the URL names one).
    With no ``version`` in the URL the default is the ``dataset`` the URL names (its newest
    version the user made), else the newest version the user made in the project.

    Args:
        ws: the workspace.
        project: the active project.
        key: kept for callers; the select box's key is the URL parameter's (``url_version``).
        label: the select box's label (default "Dataset version").
        include_splits: list train/test parts too.

    Returns:
        The chosen version, or ``None`` when the project has no dataset.
    """
    del key  # the URL names the choice: one version box per page
    linked = url_version(ws, project)
    owned = datasets.list_datasets(ws, project_id=project.id)
    by_dataset = datasets.list_versions_of(ws, [ds.id for ds in owned], include_archived=False)
    options: list[DatasetVersion] = []
    numbers: dict[str, int] = {}
    for dataset_id, versions in by_dataset.items():  # two queries, however many datasets
        numbers |= {v.id: v.number for v in versions}
        if linked and linked.archived_at and linked.dataset_id == dataset_id:  # a link shows it all the same
            versions = [*versions, linked]
        options += ordered(versions, include_splits=include_splits, keep=linked.id if linked else None)
    if not options:
        return None
    made = [v for v in options if not v.is_split] or options
    default = max(made, key=lambda v: v.created_at).id
    wanted_dataset = url.get("dataset")
    if wanted_dataset in by_dataset and by_dataset[wanted_dataset]:
        default = next((v.id for v in options if v.dataset_id == wanted_dataset), default)
    labels = {v.id: version_label(v, numbers) for v in options}
    chosen = url.select(label or t("Dataset version"), labels, param="version", default=default)
    return next(v for v in options if v.id == chosen)


def hypothesis_picker(ws: Workspace, project: Project, *, key: str) -> Hypothesis | None:
    """Choose one of the project's hypotheses, or none.

    Returns:
        The chosen hypothesis, or ``None``.
    """
    items = hypotheses.list_hypotheses(ws, project.id)
    ids = ["", *[h.id for h in items]]
    labels = {"": t("— none —"), **{h.id: f"{h.statement[:60]} ({h.criterion})" for h in items}}
    chosen = st.selectbox(t("Hypothesis it tests"), ids, format_func=labels.get, key=key)
    return next((h for h in items if h.id == chosen), None)


# ---------------------------------------------------------------- models

MODEL_STAGES = {"production": "Production", "candidate": "Candidate"}


def _model_label(row: leaderboard.LeaderboardRow) -> str:
    stage = f" · {tk(MODEL_STAGES[row.stage])}" if row.stage in MODEL_STAGES else ""
    return f"{row.learner} · {row.experiment_name} · {fmt.short_id(row.model_id)}{stage}"


def model_options(ws: Workspace, project_id: str) -> tuple[dict[str, str], str | None]:
    """The project's models (best held-out metric first) with their labels, and the default one.

    The default is the production model, else the best evaluated one.
    """
    page = leaderboard.leaderboard(ws, project_id, sort="value", limit=500)
    options = {r.model_id: _model_label(r) for r in page.rows}
    production = next((r.model_id for r in page.rows if r.stage == "production"), None)
    return options, production or (page.rows[0].model_id if page.rows else None)


def model_picker(ws: Workspace, project_id: str, *, clear: tuple[str, ...] = ()) -> Model | None:
    """The model box (``?model=``: the production model, else the best, by default); ``None`` when the project
    has no model. ``clear``: URL parameters that depend on the model (a row, a class), dropped when it changes."""
    options, default = model_options(ws, project_id)
    if not options:
        return None
    chosen = url.select(t("Model"), options, param="model", default=default, clear=clear)
    return get_model(ws, chosen) if chosen else None


def model_heading(ws: Workspace, model: Model) -> None:
    """The model's name with its id, and a link to its experiment and its row on Compare."""
    exp_name = get_experiment(ws, model.experiment_id).name
    st.markdown(f"#### {escape_markdown(model.learner)} · {escape_markdown(exp_name)} {id_suffix(model.id)}")
    a, b = st.columns(2)
    with a:
        url.link("app_pages/experiments.py", t("Its experiment"), icon=":material/science:",
                 experiment=model.experiment_id, model=model.id)
    with b:
        url.link("app_pages/compare.py", t("Its figures on Compare"), icon=":material/leaderboard:",
                 models=model.id)
