"""Where a project stands in the lifecycle, computed from what the store holds."""

from __future__ import annotations

from dataclasses import dataclass

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
    """

    key: str
    title: str
    state: str
    detail: str
    next_action: str


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

    def state(done: bool, started: bool) -> str:
        return "done" if done else ("in_progress" if started else "not_started")

    return [
        StepStatus(
            "define", "Define", state(has_statement and n_hyp > 0, has_statement or n_hyp > 0),
            f"{'Problem stated' if has_statement else 'No problem statement'}, {n_hyp} hypothes{'i' if n_hyp == 1 else 'e'}s",
            "Write the problem and a hypothesis with a success criterion.",
        ),
        StepStatus(
            "data", "Data", state(n_ds > 0, False), f"{n_ds} dataset{'s' if n_ds != 1 else ''}",
            "Upload a dataset or attach a shared one.",
        ),
        StepStatus(
            "explore", "Explore", state(n_prof > 0, False), f"{n_prof} version{'s' if n_prof != 1 else ''} profiled",
            "Profile a dataset version: types, missing values, distributions.",
        ),
        StepStatus(
            "experiment", "Experiment", state(n_exp_done > 0, n_exp > 0 or n_exp_live > 0),
            f"{n_exp} experiment{'s' if n_exp != 1 else ''}, {n_exp_live} running",
            "Run AutoML on a dataset version.",
        ),
    ]
