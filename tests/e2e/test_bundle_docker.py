"""The bundle with a real Docker engine: built offline (its wheels, the build's network none) on the
stand-in Debian base image, run with host networking bound to 127.0.0.1, and its predictions on
the held-out rows equal the app's. Runs as the Deploy page's "Build image" job does. Every
container and image the test makes is removed, also when it fails. Skips, with the reason, when
there is no engine, no debootstrap or no root (tests/deploy_base.py)."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from core.deploy import bundle as bundles
from core.deploy import engine, verify
from core.jobs import get_job, job_logs, run_job
from tests.deploy_base import deploy_base_image  # noqa: F401 - the session fixture
from tests.tiny_models import make_model

pytestmark = pytest.mark.slow


BUILT = re.compile(r"^(?: ---> |Successfully built )([0-9a-f]{12,64})$")


class Made:
    """What the test made on the engine: the builds' images (read from their job's log) and containers."""

    def __init__(self, client) -> None:
        self.client = client
        self.ws = None
        self.jobs: list[str] = []
        self.export_ids: list[str] = []
        self.tags: list[str] = []
        self.before = {i.id.removeprefix("sha256:")[:12] for i in client.images.list(all=True)}

    def images(self) -> list[str]:
        """The builds' new images (cached steps that existed before are not theirs), newest first."""
        ids: list[str] = []
        for job_id in self.jobs:
            for line in job_logs(self.ws, job_id, tail=None):
                m = BUILT.match(line.message)
                if m and m.group(1)[:12] not in self.before and m.group(1)[:12] not in ids:
                    ids.append(m.group(1)[:12])
        return list(reversed(ids))

    def remove(self) -> list[str]:
        """Remove them all (containers first, then images children first); return what is left."""
        import docker

        for export_id in self.export_ids:
            for c in self.client.containers.list(all=True, filters={"label": f"{engine.LABEL}={export_id}"}):
                c.remove(force=True)
        targets = self.tags + self.images()
        for target in targets:
            for c in self.client.containers.list(all=True, filters={"ancestor": target}):
                c.remove(force=True)
            try:
                self.client.images.remove(target, force=True)
            except docker.errors.NotFound:
                pass
        left = []
        for target in targets:
            try:
                self.client.images.get(target)
                left.append(target)
            except docker.errors.NotFound:
                pass
        return left


@pytest.fixture
def made(deploy_base_image):  # noqa: F811 - the fixture imported above
    """Every container and image the test makes is removed afterwards, also when it fails."""
    import docker

    client = docker.from_env(timeout=300)
    record = Made(client)
    try:
        yield record
    finally:
        left = record.remove()
        client.close()
        assert not left, f"images left behind: {left}"


def test_image_built_offline_on_the_base_predicts_exactly_as_the_app(ws, tmp_path, deploy_base_image,  # noqa: F811
                                                                       made):
    client = made.client
    model = make_model(ws, tmp_path)
    export = bundles.export_bundle(ws, model.id, tmp_path / "bundle", offline=True)
    assert any(Path(export.path, "wheels").glob("*.whl"))

    job = engine.enqueue_build(ws, export.id, base_image=deploy_base_image, start_worker=False)
    made.ws, made.jobs, made.export_ids = ws, [job.id], [export.id]
    made.tags.append(engine.image_tag_for(ws, export.id))
    with pytest.raises(Exception, match="already under way"):
        engine.enqueue_build(ws, export.id, base_image=deploy_base_image, start_worker=False)
    done = run_job(ws, get_job(ws, job.id))

    assert done.status == "done", done.error
    log = [line.message for line in job_logs(ws, job.id, tail=None)]
    assert log[0].startswith("docker build --network none --build-arg BASE_IMAGE=mlcycle-test/bookworm-python:3.11")
    assert any(line.startswith("Step 1/") for line in log)
    assert any(line.startswith("Successfully tagged ") for line in log)
    result = done.result
    assert result["verified"] is True, result
    assert result["where"] == "image" and result["rows"] == len(verify.held_out_rows(ws, model.id)) > 0
    assert result["labels_equal"] is True and result["max_proba_diff"] <= verify.TOLERANCE
    assert result["p50_ms"] > 0 and result["rows_per_s"] > 0

    exported = bundles.get_export(ws, export.id)
    tag = exported.image_tag
    assert tag == result["image"] and tag.startswith("mlcycle/")
    assert exported.image_verification["verified"] is True
    image = client.images.get(tag)
    assert image.attrs["Config"]["User"] not in ("", "0", "root")  # runs unprivileged
    assert image.attrs["Config"].get("Healthcheck")
    # the verifying container is gone
    assert not client.containers.list(all=True, filters={"ancestor": tag})

    # `docker run` as a user would, on 127.0.0.1 with host networking: an MLflow-style client's request
    port = verify.free_port()
    container = client.containers.run(tag, detach=True, network_mode="host", labels={engine.LABEL: export.id},
                                      environment={"HOST": "127.0.0.1", "PORT": str(port)})
    try:
        url = f"http://127.0.0.1:{port}"
        verify.wait_for_ping(url, timeout=60)
        body = Path(export.path, "sample_request.json").read_bytes()
        request = urllib.request.Request(url + "/invocations", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            got = json.loads(answer.read())
        with urllib.request.urlopen(url + "/health", timeout=10) as answer:
            assert json.loads(answer.read())["model_id"] == model.id
    finally:
        container.remove(force=True)
    assert len(got["predictions"]) == len(json.loads(body)["dataframe_split"]["data"])

    assert engine.remove_image(tag) is True
    assert engine.remove_image(tag) is False
