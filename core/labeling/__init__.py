"""The Label step: label tasks over a dataset version (tabular rows, texts, images), the labels of
several annotators, their agreement and its review, quick models that suggest labels (active
learning), Label Studio import and export, and publishing the labels as a new dataset version.

Modules: :mod:`~core.labeling.schema` (classes, hotkeys, stored labels), :mod:`~core.labeling.tasks`,
:mod:`~core.labeling.annotations` (the append-only log of labels), :mod:`~core.labeling.agreement`
(kappa, resolution, review, status), :mod:`~core.labeling.active` (suggestions), :mod:`~core.labeling.transfer`
(CSV, JSON, Label Studio), :mod:`~core.labeling.images` (zip uploads, thumbnails) and
:mod:`~core.labeling.publish`.
"""

# no ``from __future__ import annotations`` here: it would bind the name ``annotations`` in this package,
# and ``from core.labeling import annotations`` would then return it instead of the module
from core.workspace import Workspace


def card_summary(ws: Workspace, version_ids: list[str]) -> str | None:
    """One sentence for a model card on how the training labels were made, when they came from a task.

    Args:
        ws: the workspace.
        version_ids: the experiment's dataset versions (full data, training and held-out rows).

    Returns:
        The task, its annotators, agreement, how many labels a reviewer decided and how many came
        from accepted suggestions; ``None`` when no version carries a task's labels.
    """
    from core.labeling.agreement import status
    from core.labeling.publish import label_source

    for version_id in version_ids:
        found = label_source(ws, version_id)
        if found is None:
            continue
        task, publication = found
        st = status(ws, task.id)
        who = st.get("annotators") or {}
        parts = [f"Labels from the {task.kind} labeling task '{task.name}' (column '{publication.label_column}'), "
                 f"by {len(who)} annotator{'s' if len(who) != 1 else ''}"
                 + (f" ({', '.join(sorted(who))})" if who else "") + f", {task.overlap} per item"]
        if st.get("cohen_kappa") is not None:
            parts.append(f"Cohen's kappa {st['cohen_kappa']:.2f}")
        elif st.get("fleiss_kappa") is not None:
            parts.append(f"Fleiss' kappa {st['fleiss_kappa']:.2f}")
        counts = publication.counts
        parts.append(f"{counts.get('resolved', 0):,} of {st.get('items', 0):,} items had a resolved label when "
                     f"published" + (f", {counts['left_out']:,} left out" if counts.get("left_out") else ""))
        if st.get("reviewed"):
            parts.append(f"{st['reviewed']:,} decided by a reviewer")
        if st.get("accepted"):
            parts.append(f"{st['accepted']:,} labels accepted from a model's suggestion")
        if counts.get("not_in_schema"):
            parts.append(f"{counts['not_in_schema']:,} labels of classes no longer in the schema")
        return "; ".join(parts) + "."
    return None
