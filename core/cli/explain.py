"""CLI: `mlcycle explain MODEL [--rows N] [--version V] [--seed S] [--json]`: which columns drive a model.

Explains the model on up to N rows (default 1,000) of a dataset version (default: its
experiment's held-out rows) with the explainer that fits it (tree, linear or permutation
SHAP) and prints each raw input column's mean |SHAP|, the base value and the explainer.
The explanation is stored and reused: asking again for the same rows reads it back
(``"reused": true``). A model is named by its full id, as in the other model commands; a
version by its id, its dataset's name (the newest version) or ``name:vN``.

``--json`` prints ``{"model", "version", "rows", "explainer", "units", "base_value" (a number;
for multiclass ``{class: number}``), "importance": [{"column", "mean_abs_shap"}], "explanation"
(the stored id), "reused"}`` plus ``id``, labels, ``outputs``, ``notes``, ``settings`` and, for
multiclass, ``importance_by_output``.
"""

from __future__ import annotations

import argparse
from typing import Any

from core.cli import stderr_progress, table
from core.workspace import Workspace

MAX_CLASS_COLUMNS = 6  # a multiclass table shows each class's column up to this many classes


def num(x: float | None) -> str:
    """A SHAP figure for a table: four significant digits."""
    return "-" if x is None else f"{float(x):.4g}"


def units_text(units: str, outputs: list[str], task_outputs: int) -> str:
    """What the values are measured in, as a phrase: ``log-odds of 'yes'``."""
    if task_outputs > 1:
        return {"log-odds": "raw score per class (log-odds before the softmax)",
                "probability": "probability of each class"}.get(units, f"{units} per class")
    if units == "value":
        return f"units of '{outputs[0]}'" if outputs else "the target's units"
    return f"{units} of '{outputs[0]}'" if outputs else units


def cmd_explain(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.data import datasets
    from core.experiments import service as experiments
    from core.explain import service
    from core.explain.explainers import choose_explainer

    model = experiments.get_model(ws, args.model)
    exp = experiments.get_experiment(ws, model.experiment_id)
    version = datasets.resolve_version(ws, args.version) if args.version else \
        datasets.get_version(ws, service.default_version(ws, model.id))
    before = service.find_explanation(ws, model.id, version_id=version.id, rows=args.rows, seed=args.seed)
    explainer = choose_explainer(experiments.load_model(ws, model.id))
    wanted = args.rows if args.rows is not None else service.default_rows(explainer)
    big = before is None and wanted > service.inline_limit(explainer)  # progress on stderr for long work only
    stored, _ = service.explain_model(ws, model.id, version_id=version.id, rows=args.rows, seed=args.seed,
                                      progress=stderr_progress(big))
    reused = before is not None and before.id == stored.id
    outputs = list(stored.outputs)
    multiclass = len(outputs) > 1
    base: Any = ({o: float(b) for o, b in zip(outputs, stored.base_values, strict=True)} if multiclass
                 else float(stored.base_values[0]))
    overall = stored.importance.get(service.ALL_OUTPUTS) or {}
    data: dict[str, Any] = {
        "id": stored.id, "explanation": stored.id, "model": model.id, "model_label": service.model_label(model, exp),
        "version": version.id, "version_label": version.label, "rows": stored.n_rows, "explainer": stored.explainer,
        "units": stored.units, "outputs": outputs, "base_value": base,
        "importance": [{"column": c, "mean_abs_shap": float(v)} for c, v in overall.items()],
        "reused": reused, "seconds": stored.seconds, "notes": list(stored.notes), "settings": dict(stored.settings),
        "created_at": stored.created_at,
    }
    if multiclass:
        data["importance_by_output"] = {o: [{"column": c, "mean_abs_shap": float(v)}
                                            for c, v in (stored.importance.get(o) or {}).items()] for o in outputs}
    per_class = multiclass and len(outputs) <= MAX_CLASS_COLUMNS
    headers = ["column", "mean |SHAP|" + (" (all classes)" if multiclass else "")]
    if per_class:
        headers += outputs
    rows = [[c, num(v)] + ([num((stored.importance.get(o) or {}).get(c)) for o in outputs] if per_class else [])
            for c, v in overall.items()]
    sample = "all" if stored.settings.get("sample") == "all" else "a random sample of"
    base_text = ("base value per class: " + ", ".join(f"{o} {num(b)}" for o, b in base.items()) if multiclass
                 else f"base value {num(base)}")
    lines = [
        f"Explained {service.model_label(model, exp)} on {sample} {stored.n_rows:,} rows of {version.label}",
        f"explainer: {stored.explainer}; SHAP values in {units_text(stored.units, outputs, len(outputs))}; "
        f"{base_text}",
        table(rows, headers),
        (f"Reused the stored explanation {stored.id} (computed {stored.created_at[:16].replace('T', ' ')} UTC)."
         if reused else f"Computed in {stored.seconds or 0:.1f} s and stored as {stored.id}; asking again reuses it."),
    ]
    lines += [f"note: {n}" for n in stored.notes]
    return data, "\n".join(lines)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``explain`` command."""
    c = sub.add_parser("explain", parents=[common],
                       help="which input columns drive a model: mean |SHAP| per column, base value, explainer")
    c.add_argument("model", metavar="MODEL", help="model id")
    c.add_argument("--rows", type=int, default=None, metavar="N",
                   help="explain at most N rows (default 1,000, or 100 for a model only the slow permutation "
                        "explainer explains; a seeded random sample when the version has more)")
    c.add_argument("--version", default=None, metavar="V",
                   help="dataset version: id (dsv_…), dataset name (its newest version) or name:vN "
                        "(default: the model's held-out rows)")
    c.add_argument("--seed", type=int, default=0, metavar="S", help="seed of the row and background samples "
                                                                    "(default 0)")
    c.set_defaults(handler=cmd_explain)
