"""The fault suite, Ray and the app: user text stays text on screen, and Ray stays where it was put.

Each test reproduces one case of issue #9 as it was written; its docstring starts with the item.
Item 22 (raw HTML and Markdown from user text are inert in a real browser) is checked in
Chromium by ``tests/e2e/test_markdown_safety.py``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import psutil
import pytest

from core import experiments, jobs
from core.data import datasets
from core.define import hypotheses, projects
from core.errors import ExternalToolFailed, InvalidInput
from core.experiments import search as automl
from core.experiments.spec import SearchConfig
from core.workspace import Workspace
from tests.conftest import make_project
from tests.pages.conftest import REPO_ROOT, page_paths
from ui.fmt import escape_markdown

# Hostile user text: raw HTML, Markdown links and images, and Streamlit's own directives.
HTML = "<img src=x onerror=alert(1)><script>x</script>"
LINKS = "[link](http://example.invalid) ![img](http://example.invalid/x.png)"
DIRECTIVES = ":violet[dyed] :material/skull: :smile: $x^2$ www.example.invalid a@example.invalid"
NAME = f"{HTML} {LINKS}"  # fits the 120-character limit of names
TEXT = f"{HTML} {LINKS} {DIRECTIVES}"
# What must never reach Markdown as written: each would render as a link, an image, a colour,
# an icon, an emoji or a formula.
LIVE = ("[link](http", "![img](", "<img", "<script", ":violet[", ":material/skull", ":smile:",
        "$x^2$", "http://example.invalid", "www.example.invalid", "a@example.invalid")
MARKDOWN_ELEMENTS = ("markdown", "caption", "error", "warning", "info", "success", "toast",
                     "title", "header", "subheader")


def _markdown_sources(at) -> list[str]:
    """Every string on the page that Streamlit renders as Markdown (bodies, labels, progress texts)."""
    texts = [str(e.value) for kind in MARKDOWN_ELEMENTS for e in at.get(kind)]
    texts += [e.proto.label for e in at.get("expander")]
    texts += [e.proto.text for e in at.get("progress")]
    texts += [e.label for e in at.get("metric")]
    return texts


def _live(markdown: str) -> bool:
    """Whether Markdown source holds hostile user text live: a marker whose characters are not
    backslash-escaped (each escaped pair is blanked out before looking)."""
    unescaped = re.sub(r"\\.", "\0", markdown, flags=re.DOTALL)
    return any(marker in unescaped for marker in LIVE)


def _live_user_text(at) -> list[str]:
    """The Markdown sources on the page that hold user text as written (and would render it live)."""
    return [t for t in _markdown_sources(at) if _live(t)]


@pytest.fixture
def app(ws):
    """Run app.py switched to a page (as tests/pages does) and return the AppTest."""
    from streamlit.testing.v1 import AppTest

    def run(page: str, *, session: dict):
        at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=60)
        for key, value in session.items():
            at.session_state[key] = value
        at.run()
        at.switch_page(page)
        return at.run()

    return run


def _fail_search(*args, **kwargs):
    raise InvalidInput(f"Column '{NAME}' holds one value; there is nothing to learn.",
                       hint=f"Drop '{NAME}' or choose another target.")


@pytest.fixture
def hostile(ws, tmp_path, monkeypatch):
    """A workspace whose every user field holds hostile text: a project, a hypothesis, a dataset
    (with a constant column named with it) and an experiment whose search failed quoting it."""
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *a, **k: False)
    project = make_project(ws, NAME, description=TEXT)
    h = hypotheses.create_hypothesis(ws, project.id, question=TEXT, statement=TEXT, metric="accuracy",
                                     threshold=0.8, data_needed=TEXT, acquisition=TEXT, owner=NAME)
    frame = pd.DataFrame({"a": range(60), NAME: ["same"] * 60, "y": [0, 1, 1] * 20})
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    added = datasets.add_dataset(ws, path, name=NAME, project_id=project.id, description=TEXT, license=NAME)
    datasets.link_dataset_to_hypothesis(ws, added.dataset.id, h.id)
    exp = experiments.create_experiment(ws, added.version.id, SearchConfig(target="y", time_budget=5),
                                        project_id=project.id, name=NAME, start_worker=False)
    monkeypatch.setattr(automl, "run_search", _fail_search)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    assert experiments.get_experiment(ws, exp.id).status == "failed"
    return {"project": project, "experiment": exp, "version": added.version}


@pytest.mark.parametrize("page", page_paths())
def test_item21_user_text_reaches_markdown_only_escaped_on_every_page(app, hostile, page):
    """Item 21: names, descriptions, hypothesis fields (data needed, acquisition), dataset names, the
    experiment name, the job title and error texts quoting column names are escaped wherever they go
    to Markdown, so no link, image, colour, icon or formula renders from them; the text still shows."""
    exp = hostile["experiment"]
    session = {"active_project_id": hostile["project"].id, "exp_selected": exp.id, "jobs_selected": exp.job_id}
    at = app(page, session=session)
    assert not at.exception
    assert _live_user_text(at) == []
    assert any(escape_markdown(NAME) in t for t in _markdown_sources(at))  # shown, as text


def test_item21_an_error_quoting_user_text_is_escaped(app, ws):
    """Item 21: an error whose message quotes user text (here a project name that is taken) shows
    that text literally: no link or image renders from it."""
    make_project(ws, NAME)
    other = make_project(ws, "Churn")
    at = app("app_pages/home.py", session={"active_project_id": other.id})
    at.text_input(key="home_rename").input(NAME)
    at.button(key="home_rename_btn").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(escape_markdown(NAME) in e and "already exists" in e for e in errors), errors
    assert _live_user_text(at) == []
    assert projects.get_project(ws, other.id).name == "Churn"


def test_item21_escaped_text_keeps_code_spans_of_hints_only_when_asked():
    """Item 21: the escaper leaves no Markdown, HTML or Streamlit directive live, and keeps the
    backticked commands of error hints as code when asked (their content is inert)."""
    assert _live(TEXT) and not _live(escape_markdown(TEXT))
    assert escape_markdown("run `mlcycle jobs list`") == "run \\`mlcycle jobs list\\`"
    kept = escape_markdown("Run `mlcycle jobs list` for [x](http://e.invalid).", keep_code=True)
    assert kept.startswith("Run `mlcycle jobs list` for ") and "[x](" not in kept



# ---------------------------------------------------------------- Ray: loopback and clusters

RAY_BIN = Path(sys.executable).parent / "ray"
LOOPBACK = {"127.0.0.1", "::ffff:127.0.0.1", "::1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _processes_of(root: Path, *pids: int) -> list[psutil.Process]:
    """The processes this test started: those that name ``root`` on their command line, the
    ``pids`` given, and all their descendants."""
    found: dict[int, psutil.Process] = {}
    for proc in psutil.process_iter(["cmdline"]):
        if proc.pid in pids or any(str(root) in part for part in proc.info["cmdline"] or ()):
            found[proc.pid] = proc
    for proc in list(found.values()):
        try:
            found.update({child.pid: child for child in proc.children(recursive=True)})
        except psutil.Error:
            pass
    return list(found.values())


def _stop(root: Path, *pids: int) -> None:
    """Stop the Ray processes (and the worker) this test started, and only those: ``ray stop``
    would stop every Ray on the machine."""
    procs = _processes_of(root, *pids)
    for proc in procs:
        try:
            proc.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(procs, timeout=15)
    for proc in alive:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=5)


@pytest.fixture
def ray_env():
    """An environment for MLCycle and Ray processes: its own HOME (so its own ~/.ray/auth_token),
    Ray's files under a short temporary folder, no RAY_* variable inherited; ours stopped after."""
    pytest.importorskip("ray", reason="the Ray extra is not installed (pip install -r requirements-ray.txt)")
    root = Path(tempfile.mkdtemp(prefix="mlr", dir="/tmp"))  # Ray's socket paths must stay short
    (root / "home").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(HOME=str(root / "home"), TMPDIR=str(root), RAY_TMPDIR=str(root / "ray"),
               RAY_USAGE_STATS_ENABLED="0", PYTHONPATH=str(REPO_ROOT), MLCYCLE_HOME=str(root / "ws"))
    try:
        yield root, env
    finally:
        spawn = root / "ws" / "worker.spawn"
        worker = int(spawn.read_text().split()[0]) if spawn.exists() else 0
        _stop(root, *([worker] if worker else []))
        shutil.rmtree(root, ignore_errors=True)


def _mlcycle(env: dict, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", *args], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=timeout)


def _run_parallel_experiment(root: Path, env: dict) -> subprocess.CompletedProcess:
    """Add a small dataset and run a 4-trial search, 2 trials at once, on it with the CLI, waiting for it
    (a trial count, not a time budget: a busy machine still gets its trials)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    frame["y"] = (frame["a"] + rng.normal(scale=0.5, size=300) > 0).astype(int)
    frame.to_csv(root / "d.csv", index=False)
    added = _mlcycle(env, "datasets", "add", str(root / "d.csv"), "--name", "d")
    assert added.returncode == 0, added.stderr
    return _mlcycle(env, "experiments", "run", "--dataset", "d", "--target", "y", "--concurrent", "2",
                    "--budget", "0", "--max-trials", "4", "--learners", "lgbm,lrl2", "--wait")


def _listening(procs: list[psutil.Process]) -> list[tuple[str, str, int]]:
    out = []
    for proc in procs:
        try:
            out += [(proc.name(), c.laddr.ip, c.laddr.port) for c in proc.net_connections(kind="inet")
                    if c.status == psutil.CONN_LISTEN]
        except psutil.Error:
            pass
    return out


@pytest.mark.parametrize(("address", "preset", "expected"), [
    ("", None, "0"), ("local", None, "0"), ("127.0.0.1:6390", None, "0"), ("[::1]:6390", None, "0"),
    ("10.1.2.3:6379", None, None), ("auto", None, None), ("ray://10.1.2.3:10001", None, None), ("", "1", "1"),
])
def test_item25_mlcycle_keeps_a_ray_on_this_machine_on_loopback(ws, monkeypatch, address, preset, expected):
    """Item 25: every mlcycle process (the CLI, and the worker it starts, which is `mlcycle worker`)
    sets RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 before Ray can be imported when Ray runs on this
    machine (no RAY_ADDRESS, or a loopback one), leaves it alone for a cluster elsewhere, and keeps
    a value the user set."""
    from core.cli import main

    monkeypatch.setenv("RAY_ADDRESS", address)
    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", preset or "")  # restored after the test
    if preset is None:
        monkeypatch.delenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER")
    assert main(["--workspace", str(ws.root), "projects", "list"]) == 0
    assert os.environ.get("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER") == expected


@pytest.mark.ray
@pytest.mark.slow
def test_item25_a_local_ray_started_by_mlcycle_listens_on_loopback_only(ray_env):
    """Item 25: parallel trials with no RAY_ADDRESS start a local Ray in the worker; every port of
    it listens on 127.0.0.1 (not on every interface) and ray.nodes() reports 127.0.0.1, although
    nothing in the environment asked for it."""
    root, env = ray_env
    run = _run_parallel_experiment(root, env)
    assert run.returncode == 0, run.stderr
    worker = int((root / "ws" / "worker.spawn").read_text().split()[0])
    ray_procs = [p for p in _processes_of(root, worker) if p.pid != worker]  # the worker keeps its Ray
    ports = _listening(ray_procs)
    assert {name for name, _, _ in ports} >= {"gcs_server", "raylet"}, ports
    assert [p for p in ports if p[1] not in LOOPBACK] == []
    probe = subprocess.run(
        [sys.executable, "-c", "import json, os, ray; ray.init(address='auto', _temp_dir=os.environ['RAY_TMPDIR'], "
         "log_to_driver=False, configure_logging=False); print(json.dumps([n['NodeManagerAddress'] for n in ray.nodes()]))"],
        env=env | {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}, capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr
    assert json.loads(probe.stdout.strip().splitlines()[-1]) == ["127.0.0.1"]


def _start_head(root: Path, env: dict, port: int) -> None:
    """`ray start --head` on 127.0.0.1 (the loopback variable set), as a user would."""
    head = subprocess.run([str(RAY_BIN), "start", "--head", "--port", str(port), "--num-cpus", "2",
                           "--temp-dir", str(root / "head"), "--include-dashboard", "false",
                           "--disable-usage-stats"],
                          env=env | {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}, capture_output=True, text=True,
                          timeout=300)
    assert head.returncode == 0, head.stdout + head.stderr


@pytest.mark.ray
@pytest.mark.slow
def test_item26_an_experiment_runs_on_an_existing_cluster_that_requires_a_token(ray_env):
    """Item 26: with a head started by `ray start --head` on this machine (Ray 2.60 turns token
    authentication on when the user has a token) and RAY_ADDRESS naming it, `experiments run
    --concurrent 2 --wait` runs its trials on that cluster and records them."""
    root, env = ray_env
    (root / "home" / ".ray").mkdir()
    (root / "home" / ".ray" / "auth_token").write_text(secrets.token_hex(32))  # the user's token
    port = _free_port()
    _start_head(root, env, port)
    head_ports = _listening(_processes_of(root / "head"))
    assert head_ports and [p for p in head_ports if p[1] not in LOOPBACK] == []  # test traffic stays on loopback
    # as in the issue: the loopback variable set for the client too, RAY_ADDRESS naming the head
    run = _run_parallel_experiment(root, env | {"RAY_ADDRESS": f"127.0.0.1:{port}",
                                                "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"})
    assert run.returncode == 0, run.stderr
    ws = Workspace(root / "ws")
    (exp,) = experiments.list_experiments(ws)
    assert exp.status == "done" and exp.spec["resolved"]["n_concurrent_trials"] == 2
    assert len(experiments.list_runs(ws, exp.id)) == exp.n_trials >= 2
    worker = int((root / "ws" / "worker.spawn").read_text().split()[0])
    drivers = list((root / "head").glob(f"session_*/logs/python-core-driver-*_{worker}.log"))
    assert drivers, "the worker never connected to the cluster as a driver"
    assert not (root / "ray").exists() or not list((root / "ray").glob("session_*")), "a local Ray was started"


@pytest.mark.ray
@pytest.mark.slow
def test_item26_a_missing_or_wrong_cluster_token_is_named(ray_env):
    """Item 26: when the cluster wants a token and MLCycle has none, or has one the cluster rejects,
    the experiment fails saying exactly that and where the token goes (Ray itself only says
    "Failed to connect")."""
    root, env = ray_env
    token_file = root / "cluster_token"
    token_file.write_text(secrets.token_hex(32))
    port = _free_port()
    _start_head(root, env | {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN_PATH": str(token_file)}, port)
    client = env | {"RAY_ADDRESS": f"127.0.0.1:{port}"}  # no loopback variable: mlcycle sets it for this address
    missing = _run_parallel_experiment(root, client)
    worker = psutil.Process(int((root / "ws" / "worker.spawn").read_text().split()[0]))
    worker.terminate()  # the next run's worker must start with the next run's environment
    worker.wait(30)
    wrong = _mlcycle(client | {"RAY_AUTH_TOKEN": secrets.token_hex(32)}, "experiments", "run", "--dataset", "d",
                     "--target", "y", "--concurrent", "2", "--budget", "10", "--wait")
    ws = Workspace(root / "ws")
    first, second = sorted(experiments.list_experiments(ws), key=lambda e: e.created_at)
    assert missing.returncode != 0 and wrong.returncode != 0
    assert first.status == second.status == "failed"
    assert "requires an authentication token" in first.error and "none was found" in first.error
    assert "rejected the authentication token" in second.error and "RAY_AUTH_TOKEN" in second.error
    for run, exp in ((missing, first), (wrong, second)):
        assert "RAY_AUTH_TOKEN_PATH" in exp.error and "~/.ray/auth_token" in exp.error
        assert "token" in run.stderr and "Failed to connect" not in run.stderr


@pytest.mark.ray
def test_item26_nothing_answering_at_ray_address_is_said_at_once(monkeypatch):
    """Item 26: a RAY_ADDRESS where nothing listens fails at once naming that address (Ray itself
    retries for minutes, then says only "Failed to connect")."""
    ray = pytest.importorskip("ray", reason="the Ray extra is not installed (pip install -r requirements-ray.txt)")
    assert not ray.is_initialized()
    address = f"127.0.0.1:{_free_port()}"
    monkeypatch.setenv("RAY_ADDRESS", address)
    with pytest.raises(ExternalToolFailed, match=f"Nothing answers at RAY_ADDRESS={address}") as failed:
        automl._init_ray()
    assert "ray start --head" in failed.value.hint
