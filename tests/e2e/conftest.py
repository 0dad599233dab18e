"""End-to-end fixtures: a real `streamlit run` server on a free loopback port, and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("MLCYCLE_CHROMIUM", "/usr/bin/chromium")
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A streamlit server serving app.py on its own workspace."""

    def __init__(self, workspace: Path, log: Path) -> None:
        self.workspace = workspace
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, MLCYCLE_HOME=str(workspace), PYTHONPATH=str(REPO_ROOT))
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"),
             "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"streamlit did not become healthy; see {log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, 9)
        self._log.close()


def _stop_worker(workspace: Path) -> None:
    """Stop a background worker the app may have started for this workspace."""
    pid_file = workspace / "worker.spawn"
    if pid_file.exists():
        try:
            os.killpg(int(pid_file.read_text().split()[0]), 15)
        except (ProcessLookupError, ValueError, PermissionError):
            pass


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not used)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (it installs Debian's chromium) "
                    "or `apt-get install -y chromium`.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def server(tmp_path: Path):
    """A running app on an empty workspace of its own."""
    ws_root = tmp_path / "workspace"
    srv = Server(ws_root, tmp_path / "streamlit.log")
    yield srv
    srv.stop()
    _stop_worker(ws_root)


@pytest.fixture
def page(browser, server, tmp_path: Path):
    """A fresh browser page (1400x900) with a ``shot(name)`` helper saving screenshots to tmp_path."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    shots = tmp_path / "screenshots"
    shots.mkdir()

    def shot(name: str) -> Path:
        path = shots / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    # the app works offline: nothing the page asks for may leave this machine
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith(LOCAL) else None)
    pg.shot = shot  # type: ignore[attr-defined]
    pg.server = server  # type: ignore[attr-defined]
    yield pg
    context.close()
    assert not outside, f"the page fetched from outside 127.0.0.1: {outside[:5]}"


def wait_idle(pg, timeout: float = 30_000) -> None:
    """Wait until the Streamlit script has finished running (never sleep)."""
    pg.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=timeout)
    pg.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"] [data-testid=\"stStatusWidgetRunningIcon\"]')",
        timeout=timeout,
    )


def open_tab(pg, name: str, view: str) -> None:
    """Open the tab shown as ``name`` and wait for the run its choice starts (written to the URL as ``tab=view``)
    to end: a value typed into a box that run is still drawing can be lost."""
    pg.get_by_role("tab", name=name).click()
    pg.wait_for_function("(view) => new URLSearchParams(location.search).get('tab') === view", arg=view,
                         timeout=30_000)
    wait_idle(pg)


def open_page(pg, url_path: str = "") -> None:
    """Navigate to a page of the app and wait for its script to finish."""
    pg.goto(f"{pg.server.url}/{url_path}")
    pg.wait_for_selector("[data-testid='stApp']")
    wait_idle(pg)
