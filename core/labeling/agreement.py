"""Agreement between annotators and the resolved label of each item.

Every label given is kept (``annotations`` is an append-only log); what counts is each annotator's
*current* label per item (as ``annotations.current_labels`` defines it). From those this module derives:

- the **resolution** of each item (:func:`resolve`): the latest reviewer's decision wins (method
  ``review``); else, once the item has at least ``overlap`` current labels and one label has strictly
  more votes than any other, that label (``majority``; ``single`` for one label with overlap 1);
  else nothing (``pending`` while fewer than ``overlap`` labels, ``tie`` when the top votes tie);
- **agreement** between annotators (:func:`agreement`): Cohen's kappa for two annotators, Fleiss'
  kappa for three or more (items labeled by two or more; raters per item may vary), kappa of every
  pair, and per-item agreement (the share of the item's labels that went to its top label);
- the **confusion** between two annotators, the items they **disagree** on, a reviewer's decision
  (:func:`review_item`), and the counts the page and ``mlcycle labels status`` show (:func:`status`).

A label whose class was removed from the schema is kept and counted (``flagged`` in
:func:`resolve`, ``not_in_schema`` in :func:`status`), never dropped. A multi-label answer (a JSON
array of class names) counts as one category: two annotators agree when they chose the same set.

Everything is computed with pandas/numpy over one read of the current labels, so a task of 100,000
items with three annotators resolves in a fraction of a second (the page calls :func:`status` on
every rerun).

Example:
    >>> resolve(ws, task.id).loc[17, ["label", "method", "agreement"]].tolist()
    ['positive', 'majority', 0.6666666666666666]
"""

from __future__ import annotations

import gc
import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from core.errors import InvalidInput, NotFound
from core.ids import utcnow
from core.labeling.entities import LabelTask, Review
from core.labeling.schema import decode_label, encode_label
from core.labeling.tasks import check_item, get_task, item_count
from core.workspace import Workspace

METHODS = ("review", "majority", "single", "tie", "pending")
RESOLVED_METHODS = ("review", "majority", "single")
# Order of the review queue: undecided ties first, then items still collecting labels, then majorities.
_QUEUE_ORDER = {"tie": 0, "pending": 1, "majority": 2, "single": 2, "review": 3}
_COLUMNS = ["label", "method", "votes", "n_labels", "agreement", "flagged", "reviewer"]


# ------------------------------------------------------------------------------- kappa statistics

def _as_labels(values: Iterable[Any], what: str) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        raise InvalidInput(f"{what} must be a sequence of labels, not one text.",
                           hint="Pass a list with one label per item.")
    items = list(values)
    arr = np.empty(len(items), dtype=object)
    arr[:] = items
    return arr


def _kappa_codes(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """Cohen's kappa of two integer-coded label arrays (codes 0..k-1), computed as scikit-learn does."""
    confusion = np.bincount(a * k + b, minlength=k * k).reshape(k, k).astype(np.float64)
    sum0 = confusion.sum(axis=0)
    sum1 = confusion.sum(axis=1)
    expected = np.outer(sum0, sum1) / sum0.sum()
    off = ~np.eye(k, dtype=bool)
    denominator = expected[off].sum()
    if denominator == 0:  # both raters used one and the same label throughout: perfect agreement
        return 1.0
    return float(1 - confusion[off].sum() / denominator)


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float:
    """Cohen's kappa between two raters' labels of the same items.

    Matches ``sklearn.metrics.cohen_kappa_score(a, b)``, except that it never returns NaN: when
    both raters gave one and the same label to every item, agreement is perfect and kappa is 1.0.

    Args:
        a: the first rater's labels, one per item (any hashable values; ``None`` is a label too).
        b: the second rater's labels for the same items, in the same order.

    Returns:
        Kappa: 1 for perfect agreement, 0 for agreement no better than chance, below 0 for worse.

    Raises:
        InvalidInput: if the sequences differ in length or are empty.

    Example:
        >>> cohen_kappa(["cat", "dog", "dog"], ["cat", "dog", "cat"])
        0.4
    """
    left, right = _as_labels(a, "The first rater's labels"), _as_labels(b, "The second rater's labels")
    if len(left) != len(right):
        raise InvalidInput(f"Cohen's kappa needs two labels per item, but got {len(left)} and {len(right)} labels.",
                           hint="Pass both raters' labels for the same items, in the same order.")
    if len(left) == 0:
        raise InvalidInput("Cohen's kappa needs at least one item labeled by both raters.",
                           hint="Label some of the same items with both annotators first.")
    codes, uniques = pd.factorize(pd.Series(np.concatenate([left, right]), dtype=object), use_na_sentinel=False)
    n = len(left)
    return _kappa_codes(codes[:n], codes[n:], len(uniques))


def fleiss_kappa(counts: Any) -> float:
    """Fleiss' kappa of an items x categories matrix of rating counts.

    ``counts[i][j]`` is how many raters put item ``i`` in category ``j``. Raters per item may vary
    (n_i): each item's agreement is ``P_i = (sum_j n_ij^2 - n_i) / (n_i (n_i - 1))``, their mean is
    ``P``; the chance agreement ``P_e = sum_j p_j^2`` uses each category's share of all ratings
    ``p_j``; kappa is ``(P - P_e) / (1 - P_e)``. With the same number of raters for every item this
    is the classic formula. Items rated by fewer than two raters carry no agreement and are left
    out. When every rating falls in one category kappa is 1.0 (never NaN).

    Args:
        counts: a 2-D array-like (list of lists, numpy array or DataFrame) of non-negative integers.

    Returns:
        Kappa: 1 for perfect agreement, 0 for chance level, below 0 for worse.

    Raises:
        InvalidInput: for a matrix that is not 2-D, has negative or non-integer counts, or has no
            item rated by two or more raters.

    Example:
        >>> round(fleiss_kappa([[2, 0], [0, 2], [1, 1]]), 3)
        0.333
    """
    try:
        matrix = np.asarray(counts, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("Fleiss' kappa needs a table of counts (items x categories).",
                           hint="Pass one row per item with the number of raters who chose each category.") from exc
    if matrix.ndim != 2:
        raise InvalidInput("Fleiss' kappa needs a table of counts (items x categories).",
                           hint="Pass one row per item with the number of raters who chose each category.")
    if not np.isfinite(matrix).all() or (matrix < 0).any() or (matrix != np.round(matrix)).any():
        raise InvalidInput("Fleiss' kappa counts must be whole numbers of raters, zero or more.",
                           hint="Each cell is how many raters put that item in that category.")
    per_item = matrix.sum(axis=1)
    matrix = matrix[per_item >= 2]
    per_item = per_item[per_item >= 2]
    if len(matrix) == 0:
        raise InvalidInput("Fleiss' kappa needs at least one item rated by two or more raters.",
                           hint="Let more annotators label the same items (raise the task's overlap).")
    p_item = ((matrix ** 2).sum(axis=1) - per_item) / (per_item * (per_item - 1))
    p_bar = float(p_item.mean())
    shares = matrix.sum(axis=0) / matrix.sum()
    p_e = float((shares ** 2).sum())
    if p_e >= 1.0:  # every rating in one category: the raters agree perfectly
        return 1.0
    return (p_bar - p_e) / (1 - p_e)


# ------------------------------------------------------------------------------- reading the store

# The current label of (item, annotator) is their latest row giving a label that was not undone: the
# definition of ``annotations.current_labels`` (a test holds the two equal). Read here as plain tuples in
# one scan of the task's rows and reduced by pandas, which is several times faster on a large task than
# the general reader (the page calls :func:`status` on every rerun).
_LABELS_SQL = ("SELECT item, annotator, label, suggested IS NOT NULL, accepted FROM annotations"
               " WHERE task_id = ? AND action = 'label' AND undone_at IS NULL ORDER BY annotator, seq")  # index order
_REVIEWS_SQL = ("SELECT r.item, r.label, r.reviewer FROM label_reviews r"
                " JOIN (SELECT MAX(seq) AS seq FROM label_reviews WHERE task_id = ? GROUP BY item) last"
                " ON r.seq = last.seq")
_SKIPS_SQL = "SELECT DISTINCT item FROM annotations WHERE task_id = ? AND action = 'skip' AND undone_at IS NULL"


@dataclass(frozen=True)
class _Read:
    labels: pd.DataFrame  # item, annotator, label, suggested (bool: a suggestion was shown), accepted (bool)
    reviews: pd.DataFrame  # item, label (None: decision cleared), reviewer: the latest review of each item
    skipped: frozenset[int]  # items someone skipped (and did not undo)


@contextmanager
def _without_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of row tuples are made.

    They hold no cycles, yet each generation-0 threshold crossed would traverse them all again:
    on 300,000 labels that cost more than the read itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(ws: Workspace, task_id: str, *, skips: bool = False) -> _Read:
    """Read the task's current labels, latest reviews (and skipped items) in one connection."""
    with _without_gc():
        with ws.read() as db:
            cursor = db.conn.cursor()
            cursor.row_factory = None  # plain tuples: the rows go straight into pandas
            rows = cursor.execute(_LABELS_SQL, [task_id]).fetchall()
            reviews = cursor.execute(_REVIEWS_SQL, [task_id]).fetchall()
            skipped = frozenset(r[0] for r in cursor.execute(_SKIPS_SQL, [task_id])) if skips else frozenset()
        columns = list(zip(*rows, strict=True)) if rows else [(), (), (), (), ()]
        del rows
        labels = pd.DataFrame({
            "item": np.array(columns[0], dtype=np.int64),
            "annotator": np.array(columns[1], dtype=object),
            "label": np.array(columns[2], dtype=object),
            "suggested": np.array(columns[3], dtype=bool),
            "accepted": np.array(columns[4], dtype=bool),
        })
    # rows come in seq order per annotator: the last row of each (item, annotator) is the current one
    labels = labels.drop_duplicates(["item", "annotator"], keep="last").reset_index(drop=True)
    review_frame = pd.DataFrame(reviews, columns=["item", "label", "reviewer"]).astype(
        {"item": np.int64, "label": object, "reviewer": object})
    return _Read(labels, review_frame, skipped)


def _unknown_classes(task: LabelTask, labels: Iterable[str]) -> dict[str, list[str]]:
    """For each distinct label text, the classes in it that the task's schema no longer has."""
    known = set(task.class_names)
    out: dict[str, list[str]] = {}
    for text in labels:
        names = decode_label(task.multi_label, text) if task.multi_label else [text]
        out[text] = [name for name in names if name not in known]
    return out


# ------------------------------------------------------------------------------- resolution

def _resolve(task: LabelTask, labels: pd.DataFrame, reviews: pd.DataFrame) -> pd.DataFrame:
    """The resolution frame of :func:`resolve`, from the current labels and the latest reviews."""
    counts = labels.groupby(["item", "label"], sort=False).size().reset_index(name="n")
    counts = counts.sort_values(["item", "n", "label"], ascending=[True, False, True], kind="stable")
    items = counts["item"].to_numpy()
    n = counts["n"].to_numpy()

    if len(items):
        starts = np.flatnonzero(np.r_[True, items[1:] != items[:-1]])
        ends = np.r_[starts[1:], len(items)].astype(np.int64)
        n_labels = np.add.reduceat(n, starts)
    else:
        starts = ends = n_labels = np.empty(0, dtype=np.int64)
    item_ids = items[starts]
    top_n = n[starts]
    second = np.zeros(len(starts), dtype=np.int64)
    has_second = (ends - starts) >= 2
    second[has_second] = n[starts[has_second] + 1]
    top_label = counts["label"].to_numpy()[starts]

    label_list, n_list = counts["label"].tolist(), n.tolist()
    with _without_gc():
        votes = [dict(zip(label_list[s:e], n_list[s:e], strict=True))
                 for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    tie = has_second & (second == top_n)
    enough = n_labels >= task.overlap
    method = np.where(~enough, "pending", np.where(tie, "tie", np.where(
        (task.overlap <= 1) & (n_labels == 1), "single", "majority")))
    index = pd.Index(item_ids.astype(np.int64), name="item")
    frame = pd.DataFrame({  # labels stay objects: None (not NaN) where unresolved
        "label": pd.Series(np.where(enough & ~tie, top_label, None), index=index, dtype=object),
        "method": method,
        "votes": pd.Series(votes, index=index, dtype=object),
        "n_labels": n_labels.astype(np.int64),
        "agreement": top_n / np.maximum(n_labels, 1),
        "reviewer": pd.Series([None] * len(index), index=index, dtype=object),
    }, index=index)

    decided = reviews[reviews["label"].notna()].set_index("item")
    if len(decided):
        missing = decided.index.difference(frame.index)
        if len(missing):
            extra = pd.DataFrame({"label": pd.Series([None] * len(missing), index=missing, dtype=object), "method": "pending",
                                  "votes": pd.Series([{} for _ in missing], index=missing, dtype=object),
                                  "n_labels": 0, "agreement": np.nan,
                                  "reviewer": pd.Series([None] * len(missing), index=missing, dtype=object)}, index=missing)
            frame = pd.concat([frame, extra]).sort_index()
            frame.index.name = "item"
        frame.loc[decided.index, "label"] = decided["label"].to_numpy()
        frame.loc[decided.index, "method"] = "review"
        frame.loc[decided.index, "reviewer"] = decided["reviewer"].to_numpy()

    resolved = frame["label"].dropna()
    unknown = _unknown_classes(task, resolved.unique().tolist())
    frame["flagged"] = frame["label"].isin([text for text, missing in unknown.items() if missing])
    frame["n_labels"] = frame["n_labels"].astype(np.int64)
    frame["agreement"] = frame["agreement"].astype(np.float64)
    return frame[_COLUMNS]


def resolve(ws: Workspace, task_id: str) -> pd.DataFrame:
    """Resolve every item that has a current label or a reviewer's decision.

    Items nobody has labeled (and no reviewer decided) are not listed: they are pending with no labels.

    Args:
        ws: the workspace.
        task_id: the label task's id.

    Returns:
        A DataFrame indexed by ``item`` (ascending) with columns ``label`` (the resolved label as
        stored, ``None`` when unresolved), ``method`` (``review`` | ``majority`` | ``single`` |
        ``tie`` | ``pending``), ``votes`` ({label: number of annotators}, most votes first),
        ``n_labels`` (current labels of the item), ``agreement`` (share of the labels that went to
        the top label; NaN for an item only a reviewer labeled), ``flagged`` (the resolved label
        has a class no longer in the schema) and ``reviewer`` (who decided, for method ``review``).

    Raises:
        NotFound: if the task does not exist.
    """
    task = get_task(ws, task_id)
    read = _read(ws, task.id)
    return _resolve(task, read.labels, read.reviews)


# ------------------------------------------------------------------------------- agreement

@dataclass(frozen=True)
class Agreement:
    """How well the annotators of a task agree.

    ``n_shared`` counts items with two or more current labels (the only ones that say anything
    about agreement). ``cohen_kappa`` is set for exactly two annotators, ``fleiss_kappa`` for three
    or more (None without shared items). ``pairwise`` has the kappa of every pair of annotators
    who share items, keyed ``"a|b"`` (names in sorted order). ``per_item`` is :func:`resolve`'s
    frame for the shared items; ``mean_item_agreement`` the mean of its ``agreement``.
    """

    annotators: list[str]
    n_shared: int
    cohen_kappa: float | None
    fleiss_kappa: float | None
    pairwise: dict[str, float] = field(default_factory=dict)
    per_item: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_COLUMNS))
    mean_item_agreement: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready summary (without the per-item frame)."""
        return {"annotators": list(self.annotators), "n_shared": self.n_shared, "cohen_kappa": self.cohen_kappa,
                "fleiss_kappa": self.fleiss_kappa, "pairwise": dict(self.pairwise),
                "mean_item_agreement": self.mean_item_agreement}


def _agreement(labels: pd.DataFrame, resolved: pd.DataFrame) -> Agreement:
    names = sorted(labels["annotator"].unique().tolist())
    shared_items = resolved.index[resolved["n_labels"] >= 2]
    per_item = resolved.loc[shared_items]
    if not len(shared_items):
        return Agreement(annotators=names, n_shared=0, cohen_kappa=None, fleiss_kappa=None, pairwise={},
                         per_item=per_item, mean_item_agreement=None)
    shared = labels[labels["item"].isin(shared_items)]
    label_codes, uniques = pd.factorize(shared["label"], use_na_sentinel=False)
    k = len(uniques)
    row_of = pd.Index(shared_items)
    rows = row_of.get_indexer(shared["item"])
    cols = pd.Index(names).get_indexer(shared["annotator"])
    grid = np.full((len(row_of), len(names)), -1, dtype=np.int64)
    grid[rows, cols] = label_codes

    pairwise: dict[str, float] = {}
    for i, j in itertools.combinations(range(len(names)), 2):
        both = (grid[:, i] >= 0) & (grid[:, j] >= 0)
        if both.any():
            pairwise[f"{names[i]}|{names[j]}"] = _kappa_codes(grid[both, i], grid[both, j], k)
    cohen = pairwise.get(f"{names[0]}|{names[1]}") if len(names) == 2 else None
    fleiss = None
    if len(names) >= 3:
        table = np.bincount(rows * k + label_codes, minlength=len(row_of) * k).reshape(len(row_of), k)
        fleiss = fleiss_kappa(table)
    return Agreement(annotators=names, n_shared=len(shared_items), cohen_kappa=cohen, fleiss_kappa=fleiss,
                     pairwise=pairwise, per_item=per_item,
                     mean_item_agreement=float(per_item["agreement"].mean()))


def agreement(ws: Workspace, task_id: str) -> Agreement:
    """Measure how well the task's annotators agree, over the items two or more of them labeled.

    Args:
        ws: the workspace.
        task_id: the label task's id.

    Returns:
        An :class:`Agreement` (kappas are None where they do not apply or nothing is shared).

    Raises:
        NotFound: if the task does not exist.
    """
    task = get_task(ws, task_id)
    read = _read(ws, task.id)
    return _agreement(read.labels, _resolve(task, read.labels, read.reviews))


def _label_order(task: LabelTask, labels: Iterable[str]) -> list[str]:
    position = {name: i for i, name in enumerate(task.class_names)}
    return sorted(set(labels), key=lambda x: (position.get(x, len(position)), x))


def confusion(ws: Workspace, task_id: str, a: str, b: str) -> pd.DataFrame:
    """Count how annotator ``b`` labeled the items annotator ``a`` put in each class.

    Args:
        ws: the workspace.
        task_id: the label task's id.
        a: the first annotator (rows).
        b: the second annotator (columns).

    Returns:
        A square DataFrame of counts over the items both labeled: rows are ``a``'s labels (index
        named ``a``), columns ``b``'s (named ``b``), over every label either used on those items,
        in the schema's order (labels no longer in the schema last). Empty when they share no item.

    Raises:
        NotFound: if the task or either annotator does not exist.
        InvalidInput: if ``a`` and ``b`` are the same annotator.
    """
    task = get_task(ws, task_id)
    labels = _read(ws, task.id).labels
    known = sorted(labels["annotator"].unique().tolist())
    for name in (a, b):
        if name not in known:
            raise NotFound(f"'{name}' has not labeled anything in the task '{task.name}'.",
                           hint=f"Choose one of: {', '.join(known)}." if known else "No one has labeled this task yet.")
    if a == b:
        raise InvalidInput("A confusion matrix compares two different annotators.",
                           hint="Choose a second annotator.")
    left = labels.loc[labels["annotator"] == a, ["item", "label"]]
    right = labels.loc[labels["annotator"] == b, ["item", "label"]]
    both = left.merge(right, on="item", suffixes=("_a", "_b"))
    order = _label_order(task, pd.concat([both["label_a"], both["label_b"]]).tolist())
    table = pd.crosstab(both["label_a"], both["label_b"]).reindex(index=order, columns=order, fill_value=0)
    table.index.name, table.columns.name = a, b
    return table.astype(np.int64)


def disagreements(ws: Workspace, task_id: str, *, include_reviewed: bool = False) -> list[int]:
    """List the items whose annotators gave different labels, for review.

    Args:
        ws: the workspace.
        task_id: the label task's id.
        include_reviewed: also list items a reviewer has already decided.

    Returns:
        Items, ties first, then items still collecting labels, then those a majority resolved;
        within each, the least agreement first, then by row.

    Raises:
        NotFound: if the task does not exist.
    """
    frame = resolve(ws, task_id)
    split = frame[frame["votes"].map(len) >= 2]
    if not include_reviewed:
        split = split[split["method"] != "review"]
    ordered = split.assign(_rank=split["method"].map(_QUEUE_ORDER), _item=split.index).sort_values(
        ["_rank", "agreement", "_item"], kind="stable")
    return [int(i) for i in ordered.index]


# ------------------------------------------------------------------------------- review

def review_item(ws: Workspace, task_id: str, item: int, label: str | list[str] | None, *, reviewer: str,
                note: str = "") -> Review:
    """Record a reviewer's decision on an item's label (it overrides the annotators' votes).

    Every decision is kept; the latest one counts. ``label=None`` clears the decision, so the item
    is resolved from its votes again.

    Args:
        ws: the workspace.
        task_id: the label task's id.
        item: the item (0-based row of the task's dataset version).
        label: a class name (a list of class names for a multi-label task), or None to clear.
        reviewer: who decided.
        note: why, optionally.

    Returns:
        The stored :class:`Review`.

    Raises:
        NotFound: if the task does not exist.
        InvalidInput: for a blank reviewer name, an item outside the task, or a label not in the schema.
    """
    task = get_task(ws, task_id)
    if task.archived_at:
        raise InvalidInput(f"The label task '{task.name}' is archived.", hint="Restore it to review its labels.")
    who = " ".join(str(reviewer or "").split())
    if not who:
        raise InvalidInput("A review needs the reviewer's name.",
                           hint="Type your name in the annotator box, then decide again.")
    if len(who) > 60:
        raise InvalidInput(f"The reviewer's name is {len(who)} characters long; the limit is 60.",
                           hint="Use a shorter name or initials.")
    item = check_item(ws, task, item)
    stored = None if label is None else encode_label(task.classes, task.multi_label, label, check_schema=True)
    row = {"task_id": task.id, "item": item, "label": stored, "reviewer": who,
           "note": (note or "").strip(), "created_at": utcnow()}
    with ws.write() as db:
        seq = db["label_reviews"].insert(row).last_pk
    return Review.from_row({"seq": seq, **row})


# ------------------------------------------------------------------------------- status

def _number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def status(ws: Workspace, task_id: str) -> dict[str, Any]:
    """Count where the task stands: labels, resolutions, classes and agreement (JSON-ready).

    Keys: ``id``, ``name``, ``items`` (rows of the version), ``labeled`` (items with a current
    label), ``complete`` (items with at least ``overlap`` labels), ``resolved`` / ``unresolved``
    (items with / without a resolved label; unresolved = items - resolved), ``ties`` (complete items
    whose votes tie: they need a reviewer), ``reviewed`` (items a reviewer decided), ``skipped``
    (items someone skipped and nobody labeled), ``per_class`` ({class: resolved items}, every class
    of the schema in order; each class of a multi-label answer counts), ``not_in_schema`` ({class no
    longer in the schema: current labels using it}), ``annotators`` ({name: current labels}, most
    first), ``suggested`` / ``accepted`` (current labels given with a model's suggestion shown /
    equal to it), and ``cohen_kappa``, ``fleiss_kappa``, ``mean_item_agreement``, ``n_shared`` as
    in :class:`Agreement`.

    Raises:
        NotFound: if the task does not exist.
    """
    task = get_task(ws, task_id)
    read = _read(ws, task.id, skips=True)
    labels = read.labels
    frame = _resolve(task, labels, read.reviews)
    agreed = _agreement(labels, frame)
    resolved = frame[frame["label"].notna()]

    per_class = dict.fromkeys(task.class_names, 0)
    for text, n in resolved["label"].value_counts().items():
        for name in decode_label(task.multi_label, text) if task.multi_label else [text]:
            if name in per_class:
                per_class[name] += int(n)
    not_in_schema: dict[str, int] = {}
    distinct = labels["label"].value_counts()
    for text, unknown in _unknown_classes(task, distinct.index.tolist()).items():
        for name in unknown:
            not_in_schema[name] = not_in_schema.get(name, 0) + int(distinct[text])
    by_annotator = labels["annotator"].value_counts()
    annotators = {str(k): int(v) for k, v in sorted(by_annotator.items(), key=lambda kv: (-kv[1], kv[0]))}
    labeled = frame.index[frame["n_labels"] >= 1]
    total = item_count(ws, task)
    return {
        "id": task.id,
        "name": task.name,
        "items": int(total),
        "labeled": int(len(labeled)),
        "complete": int((frame["n_labels"] >= task.overlap).sum()),
        "resolved": int(len(resolved)),
        "unresolved": int(total - len(resolved)),
        "ties": int((frame["method"] == "tie").sum()),
        "reviewed": int((frame["method"] == "review").sum()),
        "skipped": len(read.skipped - set(labeled.tolist())),
        "per_class": per_class,
        "not_in_schema": dict(sorted(not_in_schema.items())),
        "annotators": annotators,
        "suggested": int(labels["suggested"].sum()),
        "accepted": int(labels["accepted"].sum()),
        "cohen_kappa": _number(agreed.cohen_kappa),
        "fleiss_kappa": _number(agreed.fleiss_kappa),
        "mean_item_agreement": _number(agreed.mean_item_agreement),
        "n_shared": agreed.n_shared,
    }
