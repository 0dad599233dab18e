"""CLI: `mlcycle export MODEL [--out DIR] [--zip] [--offline] [--verify] [--build] [--base-image IMAGE] [--json]`.

Writes the model's serving bundle (:func:`core.deploy.bundle.export_bundle`: Dockerfile, pinned
requirements, the model-format code, the server, the model, schema, sample request, model card,
README) into ``--out`` (a new or empty folder; default ``<workspace>/exports/<model>-<export>``),
``--zip`` also writes ``<folder>.zip``, ``--offline`` downloads every wheel into ``wheels/`` so the
image builds with no network. ``--verify`` starts the bundle's server and checks that it predicts
exactly as the app on the held-out rows (:func:`core.deploy.verify.verify_bundle`); ``--build``
builds the image with the Docker engine and verifies the running image the same way
(:mod:`core.deploy.engine`); without an engine it says so and prints the commands to run by hand.

``--json`` prints ``{"id", "model", "path", "zip", "offline", "files", "size_bytes",
"requirements", "tag", "image" (the built tag or null), "verified" (true/false, or null when
nothing was verified), "rows", "labels_equal", "max_proba_diff", "max_value_diff", "p50_ms",
"p99_ms", "rows_per_s", "verification", "image_verification"}``. Exit code 2 when a
verification finds a difference, or ``--build`` finds no engine (the payload is printed first,
the error on stderr).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

from core.cli import emit
from core.data.readers import binary_size
from core.errors import ExternalToolFailed, MLCycleError
from core.workspace import Workspace

RESULT_KEYS = ("rows", "labels_equal", "max_proba_diff", "max_value_diff", "p50_ms", "p99_ms", "rows_per_s")


class VerificationFailed(MLCycleError):
    """The bundle's server or image does not predict as the app does."""


def _stderr(line: str) -> None:
    sys.stderr.write(line.rstrip("\n") + "\n")
    sys.stderr.flush()


def _progress(enabled: bool) -> Any:
    """Each new progress message on stderr (the wheel downloads of an offline export), when ``enabled``."""
    shown = {"last": ""}

    def report(p: Any) -> None:
        if enabled and p.message and p.message != shown["last"]:
            shown["last"] = p.message
            _stderr(p.message)

    return report


def _fail_after(args: argparse.Namespace, payload: dict[str, Any], text: str, error: MLCycleError) -> None:
    """Print what was done (the JSON payload or the text) and then fail with ``error`` (exit 2)."""
    emit(args, payload, text)
    raise error


def cmd_export(ws: Workspace, args: argparse.Namespace) -> tuple[dict, str]:
    from core.deploy import bundle as bundles

    export = bundles.export_bundle(ws, args.model, Path(args.out) if args.out else None, zip=args.zip,
                                   offline=args.offline, progress=_progress(args.offline))
    meta = _metadata(export)
    tag = meta.get("image") or bundles.image_tag(meta.get("project_name") or "models", export.model_id)
    payload: dict[str, Any] = {
        "id": export.id, "model": export.model_id, "path": export.path, "zip": export.zip_path,
        "offline": export.offline, "files": len(export.files), "size_bytes": export.size_bytes,
        "requirements": export.requirements, "tag": tag, "image": None, "verified": None,
        **dict.fromkeys(RESULT_KEYS), "verification": None, "image_verification": None,
    }
    wheels = sum(1 for f in export.files if f["path"].startswith("wheels/"))
    lines = [f"Exported model {export.model_id} as {export.id} to {export.path} "
             f"({len(export.files)} files, {binary_size(export.size_bytes)})"]
    if export.zip_path:
        lines.append(f"zip: {export.zip_path}")
    if wheels:
        lines.append(f"wheels: {wheels} in wheels/ (the image builds with no network)")
    lines.append("pins: " + ", ".join(f"{k}=={v}" for k, v in export.requirements.items()))
    results: list[dict[str, Any]] = []
    if args.verify:
        from core.deploy.verify import summary, verify_bundle

        result = verify_bundle(ws, export.id)
        payload["verification"] = result
        results.append(result)
        lines.append(summary(result))
    if args.build:
        from core.deploy import engine

        reachable, why = engine.engine_status()
        if not reachable:
            _finish(payload, results)
            text = "\n".join(lines)
            _fail_after(args, payload, text, ExternalToolFailed(
                f"The bundle is written at {export.path}, but no Docker engine is reachable to build it: {why}.",
                hint="Start Docker and run `mlcycle export` again, or build and run the image by hand:\n"
                     + engine.manual_commands(export, tag, args.base_image)))
        image = engine.build_image(ws, export.id, base_image=args.base_image, log=_stderr)
        payload["image"] = image
        lines.append(f"Built image {image}")
        from core.deploy.verify import summary

        result = engine.verify_image(ws, export.id, tag=image)
        payload["image_verification"] = result
        results.append(result)
        lines.append(summary(result))
    _finish(payload, results)
    if payload["image"] is None:
        lines.append(f"Build and run it: cd {shlex.quote(export.path)} && docker build -t {tag} . && "
                     f"docker run --rm -p 127.0.0.1:{bundles.PORT}:{bundles.PORT} {tag}")
    text = "\n".join(lines)
    if payload["verified"] is False:
        failed = [r for r in results if not r.get("verified")]
        where = " and ".join("the image" if r.get("where") == "image" else "the bundle's server" for r in failed)
        why = "; ".join(str(r.get("error") or f"{r.get('mismatched_rows', 0)} of {r.get('rows', 0)} rows differ")
                        for r in failed)
        _fail_after(args, payload, text, VerificationFailed(
            f"Verification failed: {where} does not predict as the app does ({why}).",
            hint=f"See the differences with `mlcycle export {export.model_id} --verify --json` "
                 f"(\"verification\": \"mismatches\"), and the server's output above."))
    return payload, text


def _finish(payload: dict[str, Any], results: list[dict[str, Any]]) -> None:
    """``verified`` (all that ran, or null) and the figures of the first verification that ran."""
    if not results:
        return
    payload["verified"] = all(bool(r.get("verified")) for r in results)
    for key in RESULT_KEYS:
        payload[key] = results[0].get(key)


def _metadata(export: Any) -> dict[str, Any]:
    import json

    try:
        return json.loads((Path(export.path) / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``export`` command."""
    c = sub.add_parser("export", parents=[common],
                       help="write a model's serving bundle (Dockerfile, pinned requirements, server, model, "
                            "README); optionally zip, download wheels, verify and build the image")
    c.add_argument("model", metavar="MODEL", help="model id")
    c.add_argument("--out", metavar="DIR", default=None,
                   help="a new or empty folder for the bundle (default: <workspace>/exports/<model>-<export>)")
    c.add_argument("--zip", action="store_true", help="also write <DIR>.zip beside the folder")
    c.add_argument("--offline", action="store_true",
                   help="download every wheel into wheels/ (Linux x86_64), so the image builds with no network")
    c.add_argument("--verify", action="store_true",
                   help="start the bundle's server and check it predicts exactly as the app on the held-out rows")
    c.add_argument("--build", action="store_true",
                   help="build the image with the Docker engine, run it and verify it the same way")
    c.add_argument("--base-image", metavar="IMAGE", default=None,
                   help="BASE_IMAGE for --build (default: the Dockerfile's, python:<training Python>-slim)")
    c.set_defaults(handler=cmd_export)
