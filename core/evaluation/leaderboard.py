"""The leaderboard: every model of a project with its evaluation, benchmark, stage and context, a page at a time.

Everything is filtered, sorted, counted and paginated in SQL: a page of the leaderboard joins
the project's models with their experiment, data version, hypothesis, evaluation (the
``evaluations`` table) and newest benchmark (the ``benchmarks_model`` index, one step per
model), and reads only the rows of the page; the total is a ``COUNT``. Nothing loads every
row into pandas, so a project with 10,000 runs and hundreds of models stays fast
(``bench/tracking.py``). :func:`runs_page` does the same for the trials of all of a project's
experiments, and :func:`trials_for_charts` reads what the search charts draw, thinned in SQL.

"Best first" means best for each model's own metric: higher first for a metric to maximise
(``roc_auc``, ``r2``...), lower first for one to minimise (``log_loss``, ``rmse``...), as
:func:`core.experiments.spec.metric_direction` says.

Example:
    >>> page = leaderboard(ws, project.id, sort="value", limit=20)
    >>> [(row.learner, row.metric, row.value, row.p99_ms) for row in page.rows]
    >>> page.total  # every model that matches the filters
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from core.data.reads import IN_JSON
from core.errors import InvalidInput
from core.experiments.spec import metric_direction
from core.workspace import Workspace

__all__ = ["LEADERBOARD_SORTS", "RUN_SORTS", "LeaderboardRow", "Page", "RunRow", "filter_options", "leaderboard",
           "rows_of", "runs_page", "trials_for_charts", "unbenchmarked"]

MAX_LIMIT = 1000  # rows one page may hold
CHART_TRIALS = 2000  # trials trials_for_charts returns at most (thinned evenly in SQL)


@dataclass(frozen=True)
class LeaderboardRow:
    """One model on the leaderboard (``None`` where a figure is not known yet).

    Attributes:
        model_id, model_label: the model, and its learner with its id (``"lgbm · mdl_…"``).
        experiment_id, experiment_name, dataset_version_id, version_label: where it comes from
            (the experiment's data version, ``"name vN"``).
        hypothesis_id, hypothesis_statement, verdict: the hypothesis the experiment tests and its
            verdict's outcome (``supported``/``rejected``/``inconclusive``), if any.
        learner, run_id, trial: the learner and the trial it refits.
        metric, direction: the headline metric (the evaluation's, else the experiment's) and
            ``"max"``/``"min"``.
        value, low, high, method: the evaluation's headline value with its 95% interval and how it
            was measured (``holdout``/``repeated_cv``); ``None`` until the model is evaluated.
        val_metric, train_time, n_trials: the refit trial's validation metric and training time (s),
            and the experiment's trial count.
        size_bytes: the stored model's size.
        load_ms, p50_ms, p95_ms, p99_ms, rows_per_s, throughput, peak_rss_mb, benchmarked_at: the
            newest benchmark (``rows_per_s`` at the largest batch measured, ``throughput`` every
            batch size: ``{"1": .., "100": .., "10000": ..}``).
        stage, archived, created_at, project_id: registry stage, whether it is archived (stage
            or archived model), when it was made, its project.
    """

    model_id: str
    model_label: str
    experiment_id: str
    experiment_name: str
    dataset_version_id: str | None
    version_label: str | None
    hypothesis_id: str | None
    hypothesis_statement: str | None
    verdict: str | None
    learner: str
    run_id: str | None
    trial: int | None
    metric: str
    direction: str
    value: float | None
    low: float | None
    high: float | None
    method: str | None
    val_metric: float | None
    train_time: float | None
    n_trials: int
    size_bytes: int | None
    load_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    rows_per_s: float | None
    throughput: dict[str, float] = field(default_factory=dict)
    peak_rss_mb: float | None = None
    benchmarked_at: str | None = None
    stage: str = "none"
    archived: bool = False
    created_at: str = ""
    project_id: str | None = None


@dataclass(frozen=True)
class RunRow:
    """One trial (run) in the list across experiments.

    Attributes:
        run_id, experiment_id, experiment_name: the run and its experiment.
        metric, direction: the experiment's metric and ``"max"``/``"min"``.
        trial, learner, params: trial number, learner and hyperparameters.
        val_loss, val_metric: the validation loss (lower is better, whatever the metric) and metric.
        train_time, wall_offset: training time and seconds since the search started.
        status, created_at: ``ok``/``failed``..., and when it was stored.
    """

    run_id: str
    experiment_id: str
    experiment_name: str
    metric: str
    direction: str
    trial: int
    learner: str
    params: dict[str, Any]
    val_loss: float | None
    val_metric: float | None
    train_time: float | None
    wall_offset: float | None
    status: str
    created_at: str


@dataclass(frozen=True)
class Page:
    """One page of rows, with how many match in all.

    Attributes:
        rows: the rows of this page, in order.
        total: how many rows match the filters (every page).
        offset: rows skipped before this page.
        limit: the page size asked for.
    """

    rows: list[Any]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        """Whether rows follow this page."""
        return self.offset + len(self.rows) < self.total


# ---------------------------------------------------------------- the leaderboard

# Sort keys: the SQL expression and its natural order (False: ascending). "best" keys are turned
# into "smaller is better" for each row's metric direction; NULLs always go last.
LEADERBOARD_SORTS: dict[str, tuple[str, bool]] = {
    "value": ("best", False),
    "val_metric": ("best_val", False),
    "p50_ms": ("b.p50_ms", False),
    "p95_ms": ("b.p95_ms", False),
    "p99_ms": ("b.p99_ms", False),
    "load_ms": ("b.load_ms", False),
    "peak_rss_mb": ("b.peak_rss_mb", False),
    "rows_per_s": ("b_rows_per_s", True),
    "train_time": ("r.train_time", False),
    "size": ("m.size_bytes", False),
    "size_bytes": ("m.size_bytes", False),
    "created_at": ("m.created_at", True),
    "learner": ("m.learner", False),
    "experiment": ("e.name", False),
    "n_trials": ("e.n_trials", True),
    "stage": ("m.stage", False),
}

_FROM = """
FROM models m
JOIN experiments e ON e.id = m.experiment_id
LEFT JOIN hypotheses h ON h.id = e.hypothesis_id
LEFT JOIN evaluations ev ON ev.model_id = m.id
LEFT JOIN runs r ON r.id = m.run_id
LEFT JOIN benchmarks b ON b.id = (SELECT b2.id FROM benchmarks b2 WHERE b2.model_id = m.id
                                  ORDER BY b2.created_at DESC, b2.rowid DESC LIMIT 1)
"""
# what COUNT(*) and the filters need: no evaluation, run or benchmark
_FROM_COUNT = "FROM models m JOIN experiments e ON e.id = m.experiment_id"

_COLUMNS = """
SELECT m.id AS model_id, m.learner, m.size_bytes, m.stage, m.created_at, m.archived_at, m.run_id,
       m.project_id, e.id AS experiment_id, e.name AS experiment_name, e.metric AS experiment_metric,
       e.n_trials, e.dataset_version_id, e.hypothesis_id,
       (SELECT d.name || ' v' || v.number FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id
        WHERE v.id = e.dataset_version_id) AS version_label,
       h.statement AS hypothesis_statement, json_extract(h.verdict, '$.outcome') AS verdict,
       ev.metric AS eval_metric, ev.value, ev.low, ev.high, ev.method,
       r.val_metric, r.train_time, r.trial,
       b.load_ms, b.p50_ms, b.p95_ms, b.p99_ms, b.rows_per_s, b.peak_rss_mb, b.created_at AS benchmarked_at
"""


def leaderboard(ws: Workspace, project_id: str | None, *, experiment_ids: list[str] | None = None,
                version_ids: list[str] | None = None, hypothesis_ids: list[str] | None = None,
                learners: list[str] | None = None, stages: list[str] | None = None,
                sort: str = "value", descending: bool | None = None, offset: int = 0, limit: int = 50,
                include_archived: bool = False) -> Page:
    """Return one page of a project's models, filtered and sorted in SQL, with the total that match.

    Args:
        ws: the workspace.
        project_id: the project (``None``: every project's models).
        experiment_ids, version_ids, hypothesis_ids, learners, stages: keep only models of these
            experiments, of experiments on these data versions or testing these hypotheses, of
            these learners or in these registry stages (``None``: no filter).
        sort: a key of :data:`LEADERBOARD_SORTS`: ``value`` (the evaluation's headline metric),
            ``val_metric``, ``p50_ms``, ``p95_ms``, ``p99_ms``, ``load_ms``, ``peak_rss_mb``,
            ``rows_per_s``, ``train_time``, ``size`` (or ``size_bytes``), ``created_at``,
            ``learner``, ``experiment``, ``n_trials``, ``stage``. A leading ``-`` reverses it.
        descending: ``None`` sorts each key in its natural order: ``value`` and ``val_metric`` best
            first for each model's metric (higher first for a metric to maximise, lower first for
            one to minimise), times, memory and sizes smallest first, throughput and trial counts
            largest first, ``created_at`` newest first, names A to Z. ``False`` keeps that order
            for ``value``/``val_metric`` and sorts other keys ascending; ``True`` reverses it
            (worst first) for ``value``/``val_metric`` and sorts other keys descending. Models
            without the figure come last either way; ties go newest first.
        offset: models to skip.
        limit: page size (1 to 1,000).
        include_archived: also list archived models (archived stage or archived model or experiment).

    Returns:
        The page: ``rows`` (:class:`LeaderboardRow`), ``total``, ``offset``, ``limit``.

    Raises:
        InvalidInput: for an unknown sort key, or a limit or offset out of range.
    """
    expression, ascending = _order(sort, descending)
    _check_page(offset, limit)
    where, params = _model_filters(project_id, experiment_ids, version_ids, hypothesis_ids, learners, stages,
                                   include_archived)
    maxed = _maximised(ws, project_id)
    best = ("CASE WHEN ev.value IS NULL THEN NULL WHEN ev.metric " + IN_JSON + " THEN -ev.value ELSE ev.value END")
    best_val = ("CASE WHEN r.val_metric IS NULL THEN NULL WHEN e.metric " + IN_JSON
                + " THEN -r.val_metric ELSE r.val_metric END")
    rps = "(SELECT MAX(CAST(j.value AS REAL)) FROM json_each(b.rows_per_s) j WHERE CAST(j.key AS INTEGER) = " \
          "(SELECT MAX(CAST(k.key AS INTEGER)) FROM json_each(b.rows_per_s) k))"
    sort_params: list[Any] = []
    if expression == "best":
        expression, sort_params = best, [maxed]
    elif expression == "best_val":
        expression, sort_params = best_val, [maxed]
    elif expression == "b_rows_per_s":
        expression = rps
    direction = "ASC" if ascending else "DESC"
    sql = (f"{_COLUMNS} {_FROM} WHERE {' AND '.join(where)}"
           f" ORDER BY ({expression}) IS NULL, ({expression}) {direction}, m.created_at DESC, m.id"
           " LIMIT ? OFFSET ?")
    with ws.read() as db:
        total = db.execute(f"SELECT COUNT(*) {_FROM_COUNT} WHERE {' AND '.join(where)}", params).fetchone()[0]
        rows = db.execute(sql, [*params, *sort_params, *sort_params, int(limit), int(offset)]).fetchall() \
            if offset < total else []
    return Page([_leaderboard_row(r) for r in rows], int(total), int(offset), int(limit))


def rows_of(ws: Workspace, model_ids: list[str]) -> list[LeaderboardRow]:
    """Return the leaderboard rows of these models (any project, archived ones too), in the order given.

    Args:
        ws: the workspace.
        model_ids: the models (unknown ids are left out).

    Returns:
        Their rows.
    """
    ids = list(dict.fromkeys(model_ids))
    if not ids:
        return []
    with ws.read() as db:
        rows = db.execute(f"{_COLUMNS} {_FROM} WHERE m.id {IN_JSON}", [json.dumps(ids)]).fetchall()
    found = {r["model_id"]: _leaderboard_row(r) for r in rows}
    return [found[i] for i in ids if i in found]


def unbenchmarked(ws: Workspace, project_id: str | None) -> list[str]:
    """Return the ids of a project's (non-archived) models that have no benchmark yet, oldest first.

    Args:
        ws: the workspace.
        project_id: the project (``None``: every project).

    Returns:
        The model ids.
    """
    where, params = _model_filters(project_id, None, None, None, None, None, False)
    sql = (f"SELECT m.id {_FROM_COUNT} WHERE {' AND '.join(where)}"
           " AND NOT EXISTS (SELECT 1 FROM benchmarks b WHERE b.model_id = m.id) ORDER BY m.created_at, m.id")
    with ws.read() as db:
        return [r[0] for r in db.execute(sql, params).fetchall()]


def filter_options(ws: Workspace, project_id: str | None) -> dict[str, Any]:
    """What the leaderboard's and the trials' filters can offer for a project.

    Args:
        ws: the workspace.
        project_id: the project (``None``: every project).

    Returns:
        ``{"experiments": [{"id", "label", "metric", "n_models", "n_trials"}], "versions": [{"id", "label"}],
        "hypotheses": [{"id", "label", "verdict"}], "learners": [name, ...], "stages": [stage, ...]}``:
        the project's (non-archived) experiments, newest first, the data versions and hypotheses
        they use, and the learners of its models and trials, sorted by name.
    """
    scope, params = ("e.project_id = ?", [project_id]) if project_id is not None else ("1", [])
    with ws.read() as db:
        exps = db.execute(
            "SELECT e.id, e.name, e.metric, e.n_trials, e.dataset_version_id, e.hypothesis_id,"
            " (SELECT COUNT(*) FROM models m WHERE m.experiment_id = e.id) AS n_models,"
            " (SELECT d.name || ' v' || v.number FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id"
            "  WHERE v.id = e.dataset_version_id) AS version_label,"
            " h.statement, json_extract(h.verdict, '$.outcome') AS verdict"
            f" FROM experiments e LEFT JOIN hypotheses h ON h.id = e.hypothesis_id WHERE {scope}"
            " AND e.archived_at IS NULL ORDER BY e.created_at DESC, e.id", params).fetchall()
        ids = json.dumps([e["id"] for e in exps])
        learners = [r[0] for r in db.execute(
            f"SELECT learner FROM models WHERE experiment_id {IN_JSON} UNION"
            f" SELECT DISTINCT learner FROM runs WHERE experiment_id {IN_JSON} ORDER BY 1", [ids, ids]).fetchall()]
        stages = [r[0] for r in db.execute(f"SELECT DISTINCT stage FROM models WHERE experiment_id {IN_JSON}"
                                           " ORDER BY 1", [ids]).fetchall()]
    versions: dict[str, str] = {}
    hypotheses: dict[str, dict[str, Any]] = {}
    for e in exps:
        if e["dataset_version_id"] and e["dataset_version_id"] not in versions:
            versions[e["dataset_version_id"]] = e["version_label"] or e["dataset_version_id"]
        if e["hypothesis_id"] and e["hypothesis_id"] not in hypotheses:
            hypotheses[e["hypothesis_id"]] = {"id": e["hypothesis_id"], "label": e["statement"] or e["hypothesis_id"],
                                              "verdict": e["verdict"]}
    return {
        "experiments": [{"id": e["id"], "label": e["name"] or e["id"], "metric": e["metric"],
                         "n_models": e["n_models"], "n_trials": e["n_trials"]} for e in exps],
        "versions": [{"id": k, "label": v} for k, v in versions.items()],
        "hypotheses": list(hypotheses.values()),
        "learners": learners,
        "stages": stages,
    }


def _order(sort: str, descending: bool | None) -> tuple[str, bool]:
    """The SQL expression of a sort key and whether to sort it ascending."""
    key = (sort or "value").strip()
    flip = key.startswith("-")
    key = key.lstrip("-")
    if key not in LEADERBOARD_SORTS:
        raise InvalidInput(f"The leaderboard cannot be sorted by '{sort}'.",
                           hint="Sort by one of: " + ", ".join(LEADERBOARD_SORTS) + ".")
    expression, natural_desc = LEADERBOARD_SORTS[key]
    if expression in ("best", "best_val"):  # smaller is better once the direction is folded in
        ascending = not descending
    elif descending is None:
        ascending = not natural_desc
    else:
        ascending = not descending
    return expression, ascending != flip


def _check_page(offset: int, limit: int) -> None:
    if not 1 <= int(limit) <= MAX_LIMIT or int(offset) < 0:
        raise InvalidInput(f"A page needs a limit of 1 to {MAX_LIMIT:,} and an offset of 0 or more, "
                           f"not {limit} and {offset}.", hint="E.g. limit=50, offset=0 for the first page.")


def _model_filters(project_id: str | None, experiment_ids: list[str] | None, version_ids: list[str] | None,
                   hypothesis_ids: list[str] | None, learners: list[str] | None, stages: list[str] | None,
                   include_archived: bool) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if project_id is not None:
        where.append("m.project_id = ?")
        params.append(project_id)
    for column, values in (("m.experiment_id", experiment_ids), ("e.dataset_version_id", version_ids),
                           ("e.hypothesis_id", hypothesis_ids), ("m.learner", learners), ("m.stage", stages)):
        if values is not None:
            where.append(f"{column} {IN_JSON}")
            params.append(json.dumps(list(values)))
    if not include_archived:
        where.append("m.archived_at IS NULL AND m.stage != 'archived' AND e.archived_at IS NULL")
    return where or ["1"], params


def _maximised(ws: Workspace, project_id: str | None) -> str:
    """The metrics of a project's experiments and evaluations to maximise, as a JSON list (for ``IN``)."""
    scope, params = ("WHERE project_id = ?", [project_id, project_id]) if project_id is not None else ("", [])
    with ws.read() as db:
        names = {r[0] for r in db.execute(
            f"SELECT DISTINCT metric FROM experiments {scope} UNION SELECT DISTINCT ev.metric FROM evaluations ev"
            f" JOIN models m ON m.id = ev.model_id {scope.replace('project_id', 'm.project_id')}",
            params).fetchall()}
    return json.dumps(sorted(n for n in names if n and metric_direction(n) == "max"))


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return out if math.isfinite(out) else None


def _leaderboard_row(row: Any) -> LeaderboardRow:
    throughput: dict[str, float] = {}
    if row["rows_per_s"]:
        try:
            raw = json.loads(row["rows_per_s"])
            throughput = {str(k): float(v) for k, v in raw.items() if _number(v) is not None}
        except (ValueError, TypeError, AttributeError):
            throughput = {}
    largest = max(throughput, key=lambda k: int(k) if k.isdigit() else -1, default=None)
    metric = row["eval_metric"] or row["experiment_metric"]
    stage = row["stage"] or "none"
    return LeaderboardRow(
        model_id=row["model_id"], model_label=f"{row['learner']} · {row['model_id']}",
        experiment_id=row["experiment_id"], experiment_name=row["experiment_name"] or row["experiment_id"],
        dataset_version_id=row["dataset_version_id"], version_label=row["version_label"],
        hypothesis_id=row["hypothesis_id"], hypothesis_statement=row["hypothesis_statement"], verdict=row["verdict"],
        learner=row["learner"], run_id=row["run_id"], trial=row["trial"],
        metric=metric, direction=metric_direction(metric),
        value=_number(row["value"]), low=_number(row["low"]), high=_number(row["high"]), method=row["method"],
        val_metric=_number(row["val_metric"]), train_time=_number(row["train_time"]), n_trials=int(row["n_trials"] or 0),
        size_bytes=row["size_bytes"], load_ms=_number(row["load_ms"]), p50_ms=_number(row["p50_ms"]),
        p95_ms=_number(row["p95_ms"]), p99_ms=_number(row["p99_ms"]),
        rows_per_s=throughput.get(largest) if largest is not None else None, throughput=throughput,
        peak_rss_mb=_number(row["peak_rss_mb"]), benchmarked_at=row["benchmarked_at"],
        stage=stage, archived=bool(row["archived_at"]) or stage == "archived", created_at=row["created_at"],
        project_id=row["project_id"],
    )


# ---------------------------------------------------------------- trials across experiments

RUN_SORTS: dict[str, str] = {
    "val_loss": "r.val_loss",
    "val_metric": "r.val_loss",  # best first is lowest loss first, whatever the metric
    "train_time": "r.train_time",
    "wall_offset": "r.wall_offset",
    "trial": "r.trial",
    "learner": "r.learner",
    "created_at": "r.created_at",
    "experiment": "e.name",
}


def runs_page(ws: Workspace, project_id: str | None, *, experiment_ids: list[str] | None = None,
              learners: list[str] | None = None, status: str | list[str] | None = None, sort: str = "val_loss",
              descending: bool = False, offset: int = 0, limit: int = 100,
              include_archived: bool = False) -> Page:
    """Return one page of the trials (runs) of a project's experiments, filtered, sorted and counted in SQL.

    Args:
        ws: the workspace.
        project_id: the project (``None``: every project).
        experiment_ids, learners: keep only these experiments' or learners' runs (``None``: all).
        status: keep only runs with this status or these statuses (``ok``, ``failed``...).
        sort: a key of :data:`RUN_SORTS`. ``val_loss`` (and ``val_metric``) sort by validation loss,
            which is lower for a better trial whatever the experiment's metric, so ascending is
            best first; runs without the figure come last. Ties go by experiment, then trial.
        descending: sort the key descending.
        offset: runs to skip.
        limit: page size (1 to 1,000).
        include_archived: also list the runs of archived experiments.

    Returns:
        The page: ``rows`` (:class:`RunRow`), ``total``, ``offset``, ``limit``.

    Raises:
        InvalidInput: for an unknown sort key, or a limit or offset out of range.
    """
    if sort not in RUN_SORTS:
        raise InvalidInput(f"Trials cannot be sorted by '{sort}'.", hint="Sort by one of: " + ", ".join(RUN_SORTS) + ".")
    _check_page(offset, limit)
    where, params = _run_filters(project_id, experiment_ids, learners, status, include_archived)
    expression = RUN_SORTS[sort]
    sql = ("SELECT r.id, r.experiment_id, e.name AS experiment_name, e.metric, r.trial, r.learner, r.params,"
           " r.val_loss, r.val_metric, r.train_time, r.wall_offset, r.status, r.created_at"
           f" FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE {' AND '.join(where)}"
           f" ORDER BY {expression} IS NULL, {expression} {'DESC' if descending else 'ASC'}, r.experiment_id, r.trial"
           " LIMIT ? OFFSET ?")
    with ws.read() as db:
        total = db.execute("SELECT COUNT(*) FROM runs r JOIN experiments e ON e.id = r.experiment_id"
                           f" WHERE {' AND '.join(where)}", params).fetchone()[0]
        rows = db.execute(sql, [*params, int(limit), int(offset)]).fetchall() if offset < total else []
    return Page([RunRow(
        run_id=r["id"], experiment_id=r["experiment_id"], experiment_name=r["experiment_name"] or r["experiment_id"],
        metric=r["metric"], direction=metric_direction(r["metric"]), trial=r["trial"], learner=r["learner"],
        params=json.loads(r["params"] or "{}"), val_loss=_number(r["val_loss"]), val_metric=_number(r["val_metric"]),
        train_time=_number(r["train_time"]), wall_offset=_number(r["wall_offset"]), status=r["status"],
        created_at=r["created_at"]) for r in rows], int(total), int(offset), int(limit))


def _run_filters(project_id: str | None, experiment_ids: list[str] | None, learners: list[str] | None,
                 status: str | list[str] | None, include_archived: bool) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if project_id is not None:
        where.append("e.project_id = ?")
        params.append(project_id)
    statuses = [status] if isinstance(status, str) else status
    for column, values in (("r.experiment_id", experiment_ids), ("r.learner", learners), ("r.status", statuses)):
        if values is not None:
            where.append(f"{column} {IN_JSON}")
            params.append(json.dumps(list(values)))
    if not include_archived:
        where.append("e.archived_at IS NULL")
    return where or ["1"], params


def trials_for_charts(ws: Workspace, project_id: str | None, *, experiment_ids: list[str] | None = None,
                      learners: list[str] | None = None, max_trials: int = CHART_TRIALS) -> dict[str, Any]:
    """What the search charts of the trials view draw, read in SQL and thinned there.

    The charts compare like with like, so they show the experiments of one metric: the one most
    trials were scored on (``mixed_metrics`` says whether others were left out). The scatter,
    distribution and parallel-coordinates charts get at most ``max_trials`` trials, taken evenly
    by trial number across the experiments; the best-so-far lines get, per experiment, every
    trial that improved on the best before it plus the last one, which draws the same step line
    as every trial would.

    Args:
        ws: the workspace.
        project_id: the project (``None``: every project).
        experiment_ids, learners: keep only these experiments' or learners' trials (``None``: all).
        max_trials: at most this many trials in ``trials``.

    Returns:
        ``{"metric", "direction", "mixed_metrics", "n_trials" (all that match, of that metric),
        "trials": [{"experiment", "experiment_id", "trial", "learner", "val_metric", "val_loss",
        "train_time", "wall_offset", "params", "status"}], "series": {experiment label: [(seconds,
        val_metric), ...]}}``; ``metric`` is ``None`` without trials.
    """
    where, params = _run_filters(project_id, experiment_ids, learners, None, False)
    base = f"FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE {' AND '.join(where)}"
    empty = {"metric": None, "direction": "max", "mixed_metrics": False, "n_trials": 0, "trials": [], "series": {}}
    with ws.read() as db:
        counts = db.execute(f"SELECT e.metric, COUNT(*) AS n {base} AND r.val_loss IS NOT NULL GROUP BY e.metric"
                            " ORDER BY n DESC, e.metric", params).fetchall()
        if not counts:
            return empty
        metric, n = counts[0]["metric"], int(counts[0]["n"])
        scoped = f"{base} AND e.metric = ? AND r.val_loss IS NOT NULL"
        stride = max(1, math.ceil(n / max(1, int(max_trials))))
        trials = db.execute(
            "SELECT r.experiment_id, e.name AS experiment, r.trial, r.learner, r.val_metric, r.val_loss, r.train_time,"
            f" r.wall_offset, r.params, r.status {scoped} AND r.trial % ? = 0 ORDER BY r.experiment_id, r.trial"
            " LIMIT ?", [*params, metric, stride, int(max_trials)]).fetchall()
        steps = db.execute(
            "SELECT experiment_id, experiment, wall_offset, val_metric FROM ("
            " SELECT r.experiment_id, e.name AS experiment, r.wall_offset, r.val_metric, r.val_loss,"
            "  MIN(r.val_loss) OVER (PARTITION BY r.experiment_id ORDER BY r.wall_offset, r.trial"
            "   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before,"
            "  ROW_NUMBER() OVER (PARTITION BY r.experiment_id ORDER BY r.wall_offset DESC, r.trial DESC) AS from_end"
            f" {scoped} AND r.wall_offset IS NOT NULL)"
            " WHERE before IS NULL OR val_loss < before OR from_end = 1 ORDER BY experiment_id, wall_offset",
            [*params, metric]).fetchall()
    labels = _labels({r["experiment_id"]: r["experiment"] for r in steps})
    series: dict[str, list[tuple[float, float | None]]] = {}
    for r in steps:
        series.setdefault(labels[r["experiment_id"]], []).append((float(r["wall_offset"]), _number(r["val_metric"])))
    return {
        "metric": metric, "direction": metric_direction(metric), "mixed_metrics": len(counts) > 1, "n_trials": n,
        "trials": [{"experiment": r["experiment"] or r["experiment_id"], "experiment_id": r["experiment_id"],
                    "trial": r["trial"], "learner": r["learner"], "val_metric": _number(r["val_metric"]),
                    "val_loss": _number(r["val_loss"]), "train_time": _number(r["train_time"]),
                    "wall_offset": _number(r["wall_offset"]), "params": json.loads(r["params"] or "{}"),
                    "status": r["status"]} for r in trials],
        "series": series,
    }


def _labels(names: dict[str, str | None]) -> dict[str, str]:
    """Experiment labels for a legend: the name, with the id beside names that repeat."""
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name or ""] = seen.get(name or "", 0) + 1
    return {i: (name or i) if seen[name or ""] == 1 and name else f"{name or 'experiment'} · {i}"
            for i, name in names.items()}
