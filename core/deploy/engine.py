"""Build a bundle's image with a Docker engine, run it, and verify it like the bundle's server.

The engine is reached with the docker SDK (``docker.from_env()``: ``DOCKER_HOST`` or the local
socket). :func:`engine_status` says whether it answers. :func:`build_image` builds the bundle's
directory with the engine's classic builder, streaming each line of the build log to a callback
(the job's log, so the Deploy page shows it as it comes), with ``--build-arg BASE_IMAGE`` when a
base image is given and no network at all when the bundle carries its wheels (``--offline``
exports build air-gapped); the image is tagged :func:`core.deploy.bundle.image_tag`
(``mlcycle/<project>:<model id>``) and the tag recorded with the export. :func:`verify_image`
runs it detached with host networking bound to 127.0.0.1 on a free port (never Docker's bridge),
waits for ``/ping``, compares its predictions with the app's (:func:`core.deploy.verify.verify_url`)
and always stops and removes the container; the result is recorded as the export's image
verification.

When no engine answers, the error says so and gives the commands to run by hand
(:func:`manual_commands`). Both steps run as one job of kind ``deploy_build`` (:func:`enqueue_build`).

Example:
    >>> ok, why = engine_status()
    >>> tag = build_image(ws, export.id, log=print)
    >>> verify_image(ws, export.id)["verified"]
"""

from __future__ import annotations

import os
import re
import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.deploy.verify import (
    STARTUP_TIMEOUT,
    free_port,
    held_out_rows,
    refuse_duplicate,
    report_result,
    verify_url,
    wait_for_ping,
)
from core.errors import ExternalToolFailed, InvalidInput, MLCycleError, NotFound
from core.experiments.service import get_experiment, get_model, load_model
from core.jobs import JobCancelled, JobContext, enqueue
from core.jobs.entities import Job
from core.progress import Progress, ProgressFn, no_progress
from core.workspace import Workspace

__all__ = ["BUILD_TIMEOUT", "build_image", "engine_status", "enqueue_build", "image_tag_for", "manual_commands",
           "remove_image", "run_build_job", "verify_image"]

BUILD_TIMEOUT = 1800     # seconds the engine may take to answer during a build
ENGINE_TIMEOUT = 10      # seconds to reach the engine at all
STEP = re.compile(r"^Step (\d+)/(\d+)\s*:")
LABEL = "org.mlcycle.export"


def _docker():
    import docker

    return docker


def _client(timeout: int = ENGINE_TIMEOUT):
    """A docker SDK client (``docker.from_env``)."""
    return _docker().from_env(timeout=timeout)


def engine_status() -> tuple[bool, str]:
    """Whether a Docker engine answers here, and if not, why not (``(True, "")`` when it does)."""
    try:
        client = _client()
    except Exception as exc:  # noqa: BLE001 - from_env fails in many ways (no socket, bad DOCKER_HOST)
        return False, _why(exc)
    try:
        client.ping()
        return True, ""
    except Exception as exc:  # noqa: BLE001 - any failure to reach the engine is the answer
        return False, _why(exc)
    finally:
        client.close()


def _why(exc: BaseException) -> str:
    """Why the engine cannot be used, in words (the SDK's errors are long and technical)."""
    text = str(exc).strip() or type(exc).__name__
    host = os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock"
    if "No such file or directory" in text or "FileNotFoundError" in text:
        return f"nothing listens at {host} (is the Docker engine running?)"
    if "Permission denied" in text:
        return f"permission denied on {host} (this user may not use the Docker engine)"
    if "Connection refused" in text:
        return f"the engine at {host} refused the connection (is it running?)"
    return text.splitlines()[0][:300]


def manual_commands(export: Any, tag: str | None = None, base_image: str | None = None) -> str:
    """The commands to build and run an export's image by hand (what the page shows without an engine)."""
    tag = tag or export.image_tag or "mlcycle-model:latest"
    build_arg = f" --build-arg BASE_IMAGE={shlex.quote(base_image)}" if base_image else ""
    network = " --network none" if _has_wheels(Path(export.path)) else ""
    return (f"cd {shlex.quote(str(export.path))}\n"
            f"docker build{network}{build_arg} -t {tag} .\n"
            f"docker run --rm -p 127.0.0.1:8080:8080 {tag}\n"
            "curl -s -X POST http://127.0.0.1:8080/invocations -H 'Content-Type: application/json' "
            "-d @sample_request.json")


def _has_wheels(path: Path) -> bool:
    wheels = path / "wheels"
    return wheels.is_dir() and any(wheels.glob("*.whl"))


def _no_engine(export: Any, why: str, tag: str | None = None, base_image: str | None = None) -> ExternalToolFailed:
    return ExternalToolFailed(f"No Docker engine is reachable: {why}.",
                              hint="Start Docker and try again, or build and run the image by hand:\n"
                                   + manual_commands(export, tag, base_image))


def image_tag_for(ws: Workspace, export_id: str) -> str:
    """The tag an export's image has or gets (``mlcycle/<project>:<model id>``).

    Raises:
        NotFound: unknown export.
    """
    return _export_and_tag(ws, export_id)[1]


def _export_and_tag(ws: Workspace, export_id: str) -> tuple[Any, str]:
    """The export and the tag its image gets (``mlcycle/<project>:<model id>``)."""
    from core.define.projects import find_project
    from core.deploy import bundle as bundles

    export = bundles.get_export(ws, export_id)
    model = get_model(ws, export.model_id)
    project_id = model.project_id or get_experiment(ws, model.experiment_id).project_id
    project = find_project(ws, project_id) if project_id else None
    tag = export.image_tag or bundles.image_tag(project.name if project else (project_id or "models"), model.id)
    return export, tag


def _stream_build(api: Any, kwargs: dict[str, Any], log: Callable[[str], None], progress: ProgressFn,
                  should_stop: Callable[[], bool] | None) -> tuple[str | None, str, list[str]]:
    """Run a build and pass on its log; return (image id, error text, the last lines)."""
    image_id, error, last = None, "", []
    stream = api.build(**kwargs)
    try:
        for chunk in stream:
            if should_stop is not None and should_stop():
                raise JobCancelled()
            if not isinstance(chunk, dict):
                continue
            if "error" in chunk or "errorDetail" in chunk:
                error = str(chunk.get("error") or (chunk.get("errorDetail") or {}).get("message") or "").strip()
                if error:
                    log(error)
                    last.append(error)
                continue
            aux = chunk.get("aux")
            if isinstance(aux, dict) and aux.get("ID"):
                image_id = aux["ID"]
            text = chunk.get("stream") or ""
            if not text and chunk.get("status"):
                text = " ".join(str(chunk.get(k)) for k in ("status", "id", "progress") if chunk.get(k))
            for line in str(text).splitlines():
                line = line.rstrip()
                if not line.strip():
                    continue
                log(line)
                last = (last + [line])[-15:]
                step = STEP.match(line)
                if step:
                    done, total = int(step.group(1)), int(step.group(2))
                    progress(Progress(0.9 * (done - 1) / max(total, 1), line[:300]))
                if image_id is None and line.startswith("Successfully built "):
                    image_id = line.split()[-1]
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()
    return image_id, error, last


def build_image(ws: Workspace, export_id: str, *, base_image: str | None = None, network: str | None = None,
                progress: ProgressFn = no_progress, log: Callable[[str], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> str:
    """Build an export's image from its directory with the Docker engine; return its tag.

    Args:
        ws: the workspace.
        export_id: the export.
        base_image: ``BASE_IMAGE`` for the Dockerfile (default: the Dockerfile's own, python:3.11-slim).
        network: the build's network mode (default: ``"none"`` when the bundle has its wheels, else the
            engine's default, for pip to download from PyPI).
        progress: receives the build's steps.
        log: receives each line of the build log as it comes.
        should_stop: polled between log lines; when true the build is abandoned and
            :class:`JobCancelled` raised.

    Returns:
        The image's tag (also recorded as the export's ``image_tag``).

    Raises:
        NotFound: unknown export, or its directory is gone.
        ExternalToolFailed: no engine is reachable (with the commands to run by hand), or the build
            failed (with the end of its log).
        JobCancelled: if ``should_stop`` said so.
    """
    export, tag = _export_and_tag(ws, export_id)
    path = Path(export.path)
    if not (path / "Dockerfile").is_file():
        raise NotFound(f"The bundle of export {export.id} has no Dockerfile at '{path}'.",
                       hint="Export the model again.")
    reachable, why = engine_status()
    if not reachable:
        raise _no_engine(export, why, tag, base_image)
    if network is None and _has_wheels(path):
        network = "none"
    say = log or (lambda _line: None)
    kwargs: dict[str, Any] = {"path": str(path), "tag": tag, "rm": True, "forcerm": True, "decode": True,
                              "pull": False, "labels": {LABEL: export.id}}
    if base_image:
        kwargs["buildargs"] = {"BASE_IMAGE": base_image}
    if network:
        kwargs["network_mode"] = network
    docker = _docker()
    progress(Progress(0.0, f"Building image {tag}" + (f" on {base_image}" if base_image else "")))
    say(f"docker build{' --network ' + network if network else ''}"
        f"{' --build-arg BASE_IMAGE=' + base_image if base_image else ''} -t {tag} {path}")
    client = _client(BUILD_TIMEOUT)
    try:
        image_id, error, last = _stream_build(client.api, kwargs, say, progress, should_stop)
    except docker.errors.DockerException as exc:
        raise ExternalToolFailed(f"Building image {tag} failed: {_why(exc)}",
                                 hint="Build it by hand to see more:\n" + manual_commands(export, tag, base_image)) \
            from exc
    finally:
        client.close()
    if error or not image_id:
        tail = "\n".join(last[-8:])
        hint = "The build log above says which step failed."
        if "pull access denied" in error or ("not found" in error.lower() and "manifest" in error.lower()):
            hint = (f"The base image {base_image or 'python:3.11-slim'} is not on this engine and cannot be "
                    "pulled; load it (`docker pull` / `docker load`) or pass another base image.")
        raise ExternalToolFailed(f"Building image {tag} failed: {error or 'the engine reported no image'}"
                                 + (f"\n{tail}" if tail and tail != error else ""), hint=hint)
    from core.deploy import bundle as bundles

    bundles.record_image(ws, export.id, tag)
    progress(Progress(0.9, f"Built image {tag}"))
    return tag


def verify_image(ws: Workspace, export_id: str, *, tag: str | None = None, progress: ProgressFn = no_progress,
                 should_stop: Callable[[], bool] | None = None,
                 startup_timeout: float = STARTUP_TIMEOUT) -> dict[str, Any]:
    """Run an export's image, compare its predictions with the app's, and record the result.

    The container runs detached with host networking, ``HOST=127.0.0.1`` and a free ``PORT``; it is
    stopped and removed afterwards whatever happens.

    Args:
        ws: the workspace.
        export_id: the export.
        tag: the image (default: the export's recorded ``image_tag``).
        progress: receives what is happening.
        should_stop: polled while waiting and between requests (:class:`JobCancelled`).
        startup_timeout: seconds the container may take to answer ``/ping``.

    Returns:
        :func:`core.deploy.verify.verify_url`'s result plus ``"where": "image"``, ``"image"`` and
        ``"export_id"`` (recorded as the export's image verification).

    Raises:
        NotFound: unknown export, or no image was built for it.
        ExternalToolFailed: no engine, the image is missing, or the container did not start (with its log).
        JobCancelled: if ``should_stop`` said so.
    """
    from core.deploy import bundle as bundles

    export, default_tag = _export_and_tag(ws, export_id)
    tag = tag or export.image_tag
    if not tag:
        raise NotFound(f"No image was built for export {export.id}.", hint="Build it first (Build image).")
    reachable, why = engine_status()
    if not reachable:
        raise _no_engine(export, why, tag)
    model = load_model(ws, export.model_id)
    rows = held_out_rows(ws, export.model_id, model)
    docker = _docker()
    client = _client(120)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    container = None
    try:
        progress(Progress(0.0, f"Starting a container of {tag} on 127.0.0.1:{port}"))
        try:
            container = client.containers.run(
                tag, detach=True, network_mode="host", environment={"HOST": "127.0.0.1", "PORT": str(port)},
                labels={LABEL: export.id}, name=f"mlcycle-verify-{export.id}-{port}")
        except docker.errors.ImageNotFound as exc:
            raise ExternalToolFailed(f"The image {tag} of export {export.id} is not on this engine.",
                                     hint="Build it again (Build image).") from exc
        except docker.errors.DockerException as exc:
            raise ExternalToolFailed(f"The image {tag} could not be started: {_why(exc)}",
                                     hint="Run it by hand to see more:\n" + manual_commands(export, tag)) from exc

        def alive() -> str:
            try:
                container.reload()
            except docker.errors.DockerException as exc:
                return f"the container is gone ({_why(exc)})"
            if container.status in ("exited", "dead"):
                code = (container.attrs.get("State") or {}).get("ExitCode")
                return f"the container exited with code {code}:\n{_logs(container)}"
            return ""

        try:
            wait_for_ping(url, timeout=startup_timeout, alive=alive, should_stop=should_stop)
        except ExternalToolFailed as exc:
            logs = _logs(container)
            message = exc.message.replace("The bundle's server", f"The container of {tag}")
            if logs and logs not in message:
                message += f"\nContainer log:\n{logs}"
            raise ExternalToolFailed(message, hint=exc.hint) from None
        result = verify_url(url, model, rows, should_stop=should_stop, progress=lambda p: progress(Progress(
            None if p.fraction is None else 0.05 + 0.95 * p.fraction, p.message)))
        if result["error"] and alive():
            result["error"] += f" ({alive()})"
    finally:
        if container is not None:
            _remove_container(container)
        client.close()
    result.update({"where": "image", "image": tag, "export_id": export.id})
    bundles.record_verification(ws, export.id, result, image=True)
    return result


def _logs(container: Any, lines: int = 15) -> str:
    try:
        text = container.logs(tail=lines).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the log is a courtesy
        return ""
    return "\n".join(line for line in text.splitlines() if line.strip())


def _remove_container(container: Any) -> None:
    """Stop (10 s grace) and remove a container; a container already gone is fine."""
    docker = _docker()
    try:
        container.stop(timeout=10)
    except docker.errors.DockerException:
        pass
    for _ in range(3):
        try:
            container.remove(force=True)
            return
        except docker.errors.NotFound:
            return
        except docker.errors.DockerException:
            time.sleep(1)


def remove_image(tag: str, *, force: bool = True) -> bool:
    """Remove an image (and its containers, with ``force``); whether it was there.

    Raises:
        ExternalToolFailed: if no engine is reachable.
    """
    docker = _docker()
    try:
        client = _client(120)
    except docker.errors.DockerException as exc:
        raise ExternalToolFailed(f"No Docker engine is reachable: {_why(exc)}.") from exc
    try:
        for container in client.containers.list(all=True, filters={"ancestor": tag}):
            _remove_container(container)
        client.images.remove(tag, force=force, noprune=False)
        return True
    except docker.errors.ImageNotFound:
        return False
    except docker.errors.DockerException as exc:
        raise ExternalToolFailed(f"Image {tag} could not be removed: {_why(exc)}") from exc
    finally:
        client.close()


# ---------------------------------------------------------------- the job

def enqueue_build(ws: Workspace, export_id: str, *, base_image: str | None = None, project_id: str | None = None,
                  start_worker: bool = True) -> Job:
    """Queue a ``deploy_build`` job: build the export's image, then run and verify it.

    Refused at once when no engine is reachable (the error gives the commands to run by hand).

    Raises:
        NotFound: unknown export.
        ExternalToolFailed: no Docker engine is reachable.
        Conflict: a build of this export is already queued or running (``.job`` is that job).
    """
    export, tag = _export_and_tag(ws, export_id)
    refuse_duplicate(ws, export.id, "deploy_build", "A build")
    reachable, why = engine_status()
    if not reachable:
        raise _no_engine(export, why, tag, base_image)
    model = get_model(ws, export.model_id)
    payload: dict[str, Any] = {"export_id": export.id, "model_id": model.id}
    if base_image:
        payload["base_image"] = base_image
    return enqueue(ws, "deploy_build", payload, title=f"Build image {tag}",
                   project_id=project_id or model.project_id, start_worker=start_worker)


def run_build_job(ctx: JobContext) -> dict[str, Any]:
    """Build the payload's export's image and verify it (job kind ``deploy_build``).

    Each build log line goes into the job's log. A verification that finds differences is a result
    (``"verified": false``); the job fails when the build fails or the container does not start.

    Returns:
        ``{"image", "export_id", **the image verification}``.

    Raises:
        InvalidInput: if the payload names no export.
        NotFound, ExternalToolFailed: as :func:`build_image` and :func:`verify_image`.
        JobCancelled: if the user cancelled the job.
    """
    export_id = ctx.payload.get("export_id")
    if not export_id:
        raise InvalidInput("This build job names no export.", hint="Queue it again from the Deploy page.")
    ctx.progress(0.0, "Building the image", force=True)

    def building(p: Progress) -> None:
        ctx.progress(None if p.fraction is None else 0.7 * p.fraction, p.message)

    def verifying(p: Progress) -> None:
        ctx.progress(None if p.fraction is None else 0.7 + 0.3 * p.fraction, p.message)

    try:
        tag = build_image(ctx.ws, export_id, base_image=ctx.payload.get("base_image") or None,
                          progress=building, log=ctx.log, should_stop=ctx.cancelled)
        ctx.log(f"Built {tag}; starting a container to verify it")
        result = verify_image(ctx.ws, export_id, tag=tag, progress=verifying, should_stop=ctx.cancelled)
    except MLCycleError as exc:
        ctx.log(str(exc))
        raise
    report_result(ctx, result)
    return {**result, "image": tag, "export_id": export_id}
