"""Where a project stands in the lifecycle, and what the objects the activity feed and the jobs
mention are called, computed from what the store holds (read through the store only)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from core.workspace import Workspace


@dataclass(frozen=True)
class StepStatus:
    """One lifecycle step of a project.

    Attributes:
        key: ``define``, ``data``, ``explore``, ``experiment``.
        title: what the step is called on screen.
        state: ``done``, ``in_progress`` or ``not_started``.
        detail: one line on what is there ("2 hypotheses, 1 testing").
        next_action: what to do next in this step.
        counts: the numbers behind ``detail``, so a screen can say it in its own words
            (``statement`` 0 or 1, ``hypotheses``; ``datasets``; ``profiled``; ``experiments``, ``running``).
    """

    key: str
    title: str
    state: str
    detail: str
    next_action: str
    counts: dict[str, int] = field(default_factory=dict)


def _count(db, tables: set[str], needs: tuple[str, ...], sql: str, params: list) -> int:
    """Run a COUNT query, or return 0 when a table it reads does not exist (yet); other errors propagate."""
    if not set(needs) <= tables:
        return 0
    return int(db.execute(sql, params).fetchone()[0])


def lifecycle(ws: Workspace, project_id: str) -> list[StepStatus]:
    """Return the status of each lifecycle step for a project, in order.

    Args:
        ws: the workspace.
        project_id: the project.

    Raises:
        sqlite3.Error: if the store cannot answer (a table that exists but is damaged is not
            shown as "nothing there").
    """
    with ws.read() as db:
        tables = set(db.table_names())
        statement = db.execute("SELECT problem_statement FROM projects WHERE id = ?", [project_id]).fetchone()
        has_statement = bool(statement and statement[0].strip())
        n_hyp = _count(db, tables, ("hypotheses",),
                       "SELECT COUNT(*) FROM hypotheses WHERE project_id = ? AND archived_at IS NULL", [project_id])
        n_ds = _count(db, tables, ("project_datasets", "datasets"),
                      "SELECT COUNT(*) FROM project_datasets pd JOIN datasets d ON d.id = pd.dataset_id"
                      " WHERE pd.project_id = ? AND d.archived_at IS NULL", [project_id])
        n_prof = _count(db, tables, ("profiles", "dataset_versions", "project_datasets"),
                        "SELECT COUNT(DISTINCT p.version_id) FROM profiles p JOIN dataset_versions v"
                        " ON v.id = p.version_id JOIN project_datasets pd ON pd.dataset_id = v.dataset_id"
                        " WHERE pd.project_id = ?", [project_id])
        experiments = ("experiments",)
        n_exp = _count(db, tables, experiments,
                       "SELECT COUNT(*) FROM experiments WHERE project_id = ? AND archived_at IS NULL", [project_id])
        n_exp_done = _count(db, tables, experiments, "SELECT COUNT(*) FROM experiments WHERE project_id = ?"
                            " AND status = 'done' AND archived_at IS NULL", [project_id])
        n_exp_live = _count(db, tables, experiments, "SELECT COUNT(*) FROM experiments WHERE project_id = ?"
                            " AND status IN ('queued','running')", [project_id])
        models = ("models", "evaluations", "hypotheses")
        n_models = _count(db, tables, models, "SELECT COUNT(*) FROM models WHERE project_id = ? AND archived_at IS NULL",
                          [project_id])
        n_production = _count(db, tables, models, "SELECT COUNT(*) FROM models WHERE project_id = ?"
                              " AND stage = 'production'", [project_id])
        n_judged = _count(db, tables, models, "SELECT COUNT(*) FROM hypotheses WHERE project_id = ?"
                          " AND archived_at IS NULL AND verdict IS NOT NULL", [project_id])
        explained = ("explanations", "model_cards", "models")
        n_explained = _count(db, tables, explained, "SELECT COUNT(DISTINCT x.model_id) FROM explanations x"
                             " JOIN models m ON m.id = x.model_id WHERE m.project_id = ?", [project_id])
        n_cards = _count(db, tables, explained, "SELECT COUNT(*) FROM model_cards c JOIN models m"
                         " ON m.id = c.model_id WHERE m.project_id = ?", [project_id])
        labeling = ("label_tasks", "annotations", "label_publications")
        n_tasks = _count(db, tables, labeling, "SELECT COUNT(*) FROM label_tasks WHERE project_id = ?"
                         " AND archived_at IS NULL", [project_id])
        n_labeled = _count(db, tables, labeling, "SELECT COUNT(DISTINCT a.task_id || ':' || a.item) FROM annotations a"
                           " JOIN label_tasks t ON t.id = a.task_id WHERE t.project_id = ? AND t.archived_at IS NULL"
                           " AND a.action = 'label' AND a.undone_at IS NULL", [project_id])
        n_published = _count(db, tables, labeling, "SELECT COUNT(*) FROM label_publications p JOIN label_tasks t"
                             " ON t.id = p.task_id WHERE t.project_id = ?", [project_id])
        featured = ("feature_reports", "feature_sets", "dataset_versions", "project_datasets")
        n_reports = _count(db, tables, featured, "SELECT COUNT(*) FROM feature_reports r JOIN dataset_versions v"
                           " ON v.id = r.version_id JOIN project_datasets pd ON pd.dataset_id = v.dataset_id"
                           " WHERE pd.project_id = ?", [project_id])
        n_sets = _count(db, tables, featured, "SELECT COUNT(*) FROM feature_sets f JOIN project_datasets pd"
                        " ON pd.dataset_id = f.dataset_id WHERE pd.project_id = ? AND f.archived_at IS NULL",
                        [project_id])
        watched = ("monitor_batches", "drift_reports", "models", "experiments")
        n_batches = _count(db, tables, watched, "SELECT COUNT(*) FROM monitor_batches b JOIN models m ON m.id ="
                           " b.model_id JOIN experiments e ON e.id = m.experiment_id WHERE e.project_id = ?"
                           " AND b.archived_at IS NULL", [project_id])
        n_alerts = _count(db, tables, watched, "SELECT COUNT(*) FROM drift_reports r JOIN monitor_batches b ON"
                          " b.id = r.batch_id JOIN models m ON m.id = r.model_id JOIN experiments e ON e.id ="
                          " m.experiment_id WHERE e.project_id = ? AND r.alert = 1 AND b.archived_at IS NULL AND"
                          " r.created_at = (SELECT MAX(created_at) FROM drift_reports WHERE batch_id = r.batch_id)",
                          [project_id])
        exported = ("exports", "models")
        n_exports = _count(db, tables, exported, "SELECT COUNT(*) FROM exports x JOIN models m ON m.id = x.model_id"
                           " WHERE m.project_id = ?", [project_id])
        n_verified = _count(db, tables, exported, "SELECT COUNT(*) FROM exports x JOIN models m ON m.id = x.model_id"
                            " WHERE m.project_id = ? AND (json_extract(x.verification, '$.verified') = 1"
                            " OR json_extract(x.image_verification, '$.verified') = 1)", [project_id])

    def state(done: bool, started: bool) -> str:
        return "done" if done else ("in_progress" if started else "not_started")

    return [
        StepStatus(
            "define", "Define", state(has_statement and n_hyp > 0, has_statement or n_hyp > 0),
            f"{'Problem stated' if has_statement else 'No problem statement'}, {n_hyp} hypothes{'i' if n_hyp == 1 else 'e'}s",
            "Write the problem and a hypothesis with a success criterion.",
            {"statement": int(has_statement), "hypotheses": n_hyp},
        ),
        StepStatus(
            "data", "Data", state(n_ds > 0, False), f"{n_ds} dataset{'s' if n_ds != 1 else ''}",
            "Upload a dataset or attach a shared one.", {"datasets": n_ds},
        ),
        StepStatus(
            "explore", "Explore", state(n_prof > 0, False), f"{n_prof} version{'s' if n_prof != 1 else ''} profiled",
            "Profile a dataset version: types, missing values, distributions.", {"profiled": n_prof},
        ),
        StepStatus(
            "label", "Label", state(n_published > 0, n_tasks > 0),
            f"{n_tasks} label task{'s' if n_tasks != 1 else ''}, {n_labeled} item{'s' if n_labeled != 1 else ''} "
            f"labeled, {n_published} publication{'s' if n_published != 1 else ''}",
            "Label rows, texts or images with several annotators, then publish the labels as a new version.",
            {"tasks": n_tasks, "labeled": n_labeled, "published": n_published},
        ),
        StepStatus(
            "features", "Features", state(n_sets > 0, n_reports > 0),
            f"{n_reports} feature ranking{'s' if n_reports != 1 else ''}, {n_sets} feature set"
            f"{'s' if n_sets != 1 else ''} saved",
            "Rank the columns by several methods, check the leakage and ID warnings, and save a feature set.",
            {"reports": n_reports, "sets": n_sets},
        ),
        StepStatus(
            "experiment", "Experiment", state(n_exp_done > 0, n_exp > 0 or n_exp_live > 0),
            f"{n_exp} experiment{'s' if n_exp != 1 else ''}, {n_exp_live} running",
            "Run AutoML on a dataset version.", {"experiments": n_exp, "running": n_exp_live},
        ),
        StepStatus(
            "compare", "Compare", state(n_production > 0, n_models > 0),
            f"{n_models} model{'s' if n_models != 1 else ''}, {n_judged} hypothes{'i' if n_judged == 1 else 'e'}s "
            f"judged, {'a' if n_production else 'no'} production model",
            "Compare the models on accuracy and speed, check the gates and promote one.",
            {"models": n_models, "production": n_production, "judged": n_judged},
        ),
        StepStatus(
            "explain", "Explain", state(n_explained > 0 and n_cards > 0, n_explained > 0 or n_cards > 0),
            f"{n_explained} model{'s' if n_explained != 1 else ''} explained, {n_cards} model card"
            f"{'s' if n_cards != 1 else ''} written",
            "See what drives the model overall and for single rows, and write its model card.",
            {"explained": n_explained, "cards": n_cards},
        ),
        StepStatus(
            "deploy", "Deploy", state(n_verified > 0, n_exports > 0),
            f"{n_exports} bundle{'s' if n_exports != 1 else ''} exported, {n_verified} verified",
            "Export a model as a container bundle and verify it predicts exactly as the app does.",
            {"exports": n_exports, "verified": n_verified},
        ),
        StepStatus(
            "monitor", "Monitor", state(n_batches > 0 and n_alerts == 0, n_batches > 0),
            f"{n_batches} batch{'es' if n_batches != 1 else ''} checked, {n_alerts} alerting",
            "Check new data against the training data; send drifted rows to labeling and retrain.",
            {"batches": n_batches, "alerts": n_alerts},
        ),
    ]


@dataclass(frozen=True)
class Subject:
    """An object an event or a job is about: what it is called and where it belongs.

    Attributes:
        kind: ``project``, ``hypothesis``, ``dataset``, ``dataset_version``, ``experiment``,
            ``model``, ``label_task``, ``feature_set`` or ``job`` (the object kinds of the activity feed).
        id: its id.
        name: what it is called: a project's, dataset's or experiment's name, ``name vN`` for a
            version, a hypothesis's statement, ``learner`` for a model, a job's title.
        project_id: the project it belongs to (``None`` for a dataset not attached to any).
        dataset_id: the dataset of a dataset, a version or a feature set.
        version_id: the version itself (a feature set's: the version it was chosen on).
        experiment_id: the experiment of an experiment or a model.
        model_id: the model itself.
        parent_name: the name of what it belongs to: a model's experiment, a version's (or feature set's) dataset.
        archived: whether it is archived (a link to it may show nothing).
    """

    kind: str
    id: str
    name: str
    project_id: str | None = None
    dataset_id: str | None = None
    version_id: str | None = None
    experiment_id: str | None = None
    model_id: str | None = None
    parent_name: str = ""
    archived: bool = False


def _rows(db, tables: set[str], needs: tuple[str, ...], sql: str, ids: list[str]) -> list:
    if not ids or not set(needs) <= tables:
        return []
    return db.execute(sql.format(marks=",".join("?" * len(ids))), ids).fetchall()


def subjects(ws: Workspace, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Subject]:
    """Look up the objects ``(kind, id)`` refer to, a few queries for all of them.

    Args:
        ws: the workspace.
        refs: ``(kind, id)`` pairs, e.g. ``(event.object_kind, event.object_id)``.

    Returns:
        ``{(kind, id): Subject}`` for each object that still exists; unknown kinds and deleted
        objects are left out.
    """
    wanted: dict[str, list[str]] = {}
    for kind, object_id in refs:
        if object_id and object_id not in wanted.setdefault(kind, []):
            wanted[kind].append(object_id)
    found: list[Subject] = []
    with ws.read() as db:
        tables = set(db.table_names())
        for r in _rows(db, tables, ("projects",), "SELECT id, name, archived_at FROM projects WHERE id IN ({marks})",
                       wanted.get("project", [])):
            found.append(Subject("project", r["id"], r["name"], r["id"], archived=bool(r["archived_at"])))
        for r in _rows(db, tables, ("hypotheses",), "SELECT id, statement, project_id, archived_at FROM hypotheses"
                       " WHERE id IN ({marks})", wanted.get("hypothesis", [])):
            found.append(Subject("hypothesis", r["id"], r["statement"], r["project_id"],
                                 archived=bool(r["archived_at"])))
        # a dataset's project: the one it was first attached to (a shared dataset has several)
        attached = "(SELECT pd.project_id FROM project_datasets pd WHERE pd.dataset_id = d.id ORDER BY pd.attached_at LIMIT 1)"
        for r in _rows(db, tables, ("datasets", "project_datasets"), f"SELECT d.id, d.name, d.archived_at, {attached}"
                       " AS project_id FROM datasets d WHERE d.id IN ({marks})", wanted.get("dataset", [])):
            found.append(Subject("dataset", r["id"], r["name"], r["project_id"], dataset_id=r["id"],
                                 archived=bool(r["archived_at"])))
        for r in _rows(db, tables, ("dataset_versions", "datasets", "project_datasets"),
                       f"SELECT v.id, v.number, d.id AS dataset_id, d.name, d.archived_at, {attached} AS project_id"
                       " FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE v.id IN ({marks})",
                       wanted.get("dataset_version", [])):
            found.append(Subject("dataset_version", r["id"], f"{r['name']} v{r['number']}", r["project_id"],
                                 dataset_id=r["dataset_id"], version_id=r["id"], parent_name=r["name"],
                                 archived=bool(r["archived_at"])))
        for r in _rows(db, tables, ("experiments",), "SELECT id, name, project_id, archived_at FROM experiments"
                       " WHERE id IN ({marks})", wanted.get("experiment", [])):
            found.append(Subject("experiment", r["id"], r["name"] or r["id"], r["project_id"], experiment_id=r["id"],
                                 archived=bool(r["archived_at"])))
        for r in _rows(db, tables, ("models", "experiments"), "SELECT m.id, m.learner, m.experiment_id, e.project_id,"
                       " e.name FROM models m JOIN experiments e ON e.id = m.experiment_id WHERE m.id IN ({marks})",
                       wanted.get("model", [])):
            found.append(Subject("model", r["id"], r["learner"], r["project_id"], experiment_id=r["experiment_id"],
                                 model_id=r["id"], parent_name=r["name"] or r["experiment_id"]))
        for r in _rows(db, tables, ("label_tasks",), "SELECT id, name, project_id, archived_at FROM label_tasks"
                       " WHERE id IN ({marks})", wanted.get("label_task", [])):
            found.append(Subject("label_task", r["id"], r["name"], r["project_id"], archived=bool(r["archived_at"])))
        # a feature set's project: its own, else its dataset's first
        for r in _rows(db, tables, ("feature_sets", "datasets", "project_datasets"),
                       "SELECT f.id, f.name, f.dataset_id, f.version_id, f.archived_at, d.name AS dataset_name,"
                       f" COALESCE(f.project_id, {attached}) AS project_id FROM feature_sets f"
                       " JOIN datasets d ON d.id = f.dataset_id WHERE f.id IN ({marks})", wanted.get("feature_set", [])):
            found.append(Subject("feature_set", r["id"], r["name"], r["project_id"], dataset_id=r["dataset_id"],
                                 version_id=r["version_id"], parent_name=r["dataset_name"],
                                 archived=bool(r["archived_at"])))
        for r in _rows(db, tables, ("monitor_batches", "models", "experiments"),
                       "SELECT b.id, b.name, b.model_id, b.archived_at, m.experiment_id, e.project_id, m.learner"
                       " FROM monitor_batches b JOIN models m ON m.id = b.model_id JOIN experiments e"
                       " ON e.id = m.experiment_id WHERE b.id IN ({marks})", wanted.get("monitor_batch", [])):
            found.append(Subject("monitor_batch", r["id"], r["name"], r["project_id"], experiment_id=r["experiment_id"],
                                 model_id=r["model_id"], parent_name=r["learner"], archived=bool(r["archived_at"])))
        for r in _rows(db, tables, ("jobs",), "SELECT id, title, project_id FROM jobs WHERE id IN ({marks})",
                       wanted.get("job", [])):
            found.append(Subject("job", r["id"], r["title"], r["project_id"]))
    return {(s.kind, s.id): s for s in found}
