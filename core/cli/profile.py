"""`mlcycle datasets profile VERSION [--target COL] [--background [--wait]] [--json]`.

VERSION is what every datasets command accepts (a version id, a dataset id or name, or
``name:vN``), resolved by :func:`core.data.datasets.resolve_version`.

The datasets command group calls :func:`register_profile_command` with its
sub-parsers, so this command lives beside the profiling code it drives.
"""

from __future__ import annotations

import argparse
from typing import Any

from core import jobs
from core.cli import table
from core.data import profiling
from core.data.profiling import ColumnProfile, Profile
from core.workspace import Workspace


def _summary(col: ColumnProfile, n_rows: int) -> str:
    if col.numeric and col.numeric.mean is not None:
        s = col.numeric
        return f"mean {s.mean:.4g} · min {s.min:.4g} · median {s.q50:.4g} · max {s.max:.4g}"
    if col.dates and col.dates.min:
        return f"{col.dates.min[:10]} to {col.dates.max[:10] if col.dates.max else '?'}"
    if col.text:
        t = col.text
        return f"length {t.min_length}-{t.max_length} (mean {t.mean_length:.0f})"
    if col.top_values:
        top = col.top_values[0]
        return f"top {top.value[:24]!r} ({100 * top.count / max(n_rows, 1):.0f}%)"
    return ""


def format_profile(profile: Profile, label: str = "") -> str:
    """Render a profile as the plain text the CLI prints.

    Args:
        profile: the profile.
        label: how to name the data (e.g. ``"churn v3 · dv_…"``).

    Returns:
        A header line, a table with one row per column, warnings and the target balance.
    """
    head = (f"Profile of {label or profile.version_id or 'the table'}: {profile.n_rows:,} rows × "
            f"{profile.n_cols} columns, {profile.memory_bytes / 1e6:.1f} MB in memory, "
            f"{profile.n_duplicate_rows:,} duplicate rows")
    if profile.sampled_rows:
        head += f" (correlations on {profile.sampled_rows:,} sampled rows)"
    rows = [(c.name, c.semantic, f"{c.missing_pct:.1f}%", f"{c.n_distinct:,}", _summary(c, profile.n_rows))
            for c in profile.columns]
    parts = [head, table(rows, ["column", "type", "missing", "distinct", "summary"])]
    if profile.warnings:
        parts.append("Warnings:\n" + "\n".join(f"  - {w.message}" for w in profile.warnings))
    balance = profile.target_balance
    if balance and balance.task == "classification":
        total = sum(c.count for c in balance.classes) or 1
        classes = ", ".join(f"{c.value} {100 * c.count / total:.1f}%" for c in balance.classes[:10])
        parts.append(f"Target '{balance.column}' (classification): {classes}")
    elif balance:
        target = profile.column(balance.column)
        parts.append(f"Target '{balance.column}' (regression): {_summary(target, profile.n_rows)}")
    return "\n\n".join(parts)


def cmd_datasets_profile(ws: Workspace, args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    """Compute (or read from the cache) a version's profile, or queue it with ``--background``.

    Args:
        ws: the workspace.
        args: ``version`` (a version id, dataset id, name or ``name:vN``), ``target``,
            ``background``, ``wait``.

    Returns:
        The profile as a dict (or the job when queued) and the text to print.

    Raises:
        NotFound: if there is no such version.
        InvalidInput: if the target is not one of its columns.
    """
    from core.data import datasets

    version = datasets.resolve_version(ws, args.version)
    label = str(getattr(version, "label", version.id))
    if args.background:
        job = profiling.enqueue_profile(ws, version.id, args.target)
        if not args.wait:
            return job.as_dict(), f"Job {job.id} queued: {job.title}. Follow it with `mlcycle jobs show {job.id}`."
        job = jobs.wait_for(ws, job.id)
        if job.status != "done":
            return job.as_dict(), f"Job {job.id} {job.status}: {job.error or job.message}"
    profile = profiling.get_profile(ws, version.id, target=args.target)
    return profile.as_dict(), format_profile(profile, label)


def register_profile_command(dsub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``profile`` to the ``datasets`` command group.

    Args:
        dsub: the sub-parsers of ``mlcycle datasets``.
        common: the parent parser that carries ``--json``.
    """
    c = dsub.add_parser("profile", parents=[common], help="profile a dataset version (cached after the first run)")
    c.add_argument("version", help="a version id, a dataset id or name (its newest version), or NAME:vN")
    c.add_argument("--target", default=None, metavar="COL", help="target column for balance and leakage checks")
    c.add_argument("--background", action="store_true", help="run as a background job instead of here")
    c.add_argument("--wait", action="store_true", help="with --background: wait for the job and print the profile")
    c.set_defaults(handler=cmd_datasets_profile)
