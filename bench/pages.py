"""How long each page takes in Chromium, next to an empty Streamlit page measured in the same run.

The workspace is the demo plus one finished 30-trial experiment (breast cancer, seeded). Each page
is opened by URL (what a reload or a shared link does) in a fresh tab; the time runs from
navigation to the script having finished and every chart drawn. The floor is a one-line
Streamlit script served the same way. Target: every page within 2x the floor.

    .venv/bin/python bench/pages.py               # 5 loads per page (the first is reported as cold)
    .venv/bin/python bench/pages.py --repeat 9 --lang ko
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO_ROOT, print_table

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET = 2.0
FLOOR_SCRIPT = 'import streamlit as st\n\nst.title("Floor")\nst.write("An empty page: what Streamlit itself costs.")\n'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_workspace(root: Path) -> dict[str, str]:
    """The demo projects plus one finished 30-trial experiment; returns ids the URLs name."""
    os.environ["MLCYCLE_HOME"] = str(root)
    sys.path.insert(0, str(REPO_ROOT))
    from core import experiments
    from core.cli import demo
    from core.data import datasets
    from core.experiments.search import SearchConfig
    from core.jobs.worker import run_worker
    from core.workspace import Workspace

    ws = Workspace(root)
    seeded = demo.seed_demo(ws)
    project = seeded["id"]
    dataset = next(d for d in datasets.list_datasets(ws, project_id=project))
    version = datasets.list_versions(ws, dataset.id)[-1]
    exp = experiments.create_experiment(
        ws, version.id, SearchConfig(target="diagnosis", max_trials=30, time_budget=120, seed=0),
        project_id=project, start_worker=False)
    run_worker(ws, idle_exit=0, max_jobs=1)
    exp = experiments.get_experiment(ws, exp.id)
    assert exp.status == "done", exp.status
    from core.evaluation import benchmark

    benchmark.benchmark_model(ws, exp.best_model_id)  # so Compare draws its Pareto chart and curves
    return {"project": project, "dataset": dataset.id, "version": version.id, "experiment": exp.id,
            "model": exp.best_model_id}


class Server:
    """``streamlit run`` of a script on 127.0.0.1 (stopped by :meth:`stop`)."""

    def __init__(self, script: Path, env: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("streamlit")), "run", str(script), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"streamlit did not start on {self.url}")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def load_time(browser, url: str) -> float:
    """Seconds from navigation to the script finished and every plotly chart drawn (a fresh tab)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("[data-testid='stApp']")
        page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=120_000)
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')"
            " && [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))",
            timeout=120_000)
        return time.perf_counter() - start
    finally:
        page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="loads per page (the first counts as cold)")
    parser.add_argument("--lang", default="en", choices=["en", "ko"])
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="mlcycle-bench-pages-") as tmp:
        print("building the workspace (demo + a 30-trial experiment)...", flush=True)
        ids = build_workspace(Path(tmp) / "ws")
        floor_script = Path(tmp) / "floor.py"
        floor_script.write_text(FLOOR_SCRIPT)
        env = {**os.environ, "MLCYCLE_HOME": str(Path(tmp) / "ws"), "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0"}
        p, lang = ids["project"], args.lang
        pages = {
            "Home": f"/?project={p}&lang={lang}",
            "Problem & hypotheses": f"/problem?project={p}&lang={lang}",
            "Datasets": f"/datasets?project={p}&dataset={ids['dataset']}&version={ids['version']}&lang={lang}",
            "Explore": f"/explore?project={p}&version={ids['version']}&lang={lang}",
            "Experiments": f"/experiments?project={p}&experiment={ids['experiment']}&lang={lang}",
            "Compare": f"/compare?project={p}&models={ids['model']}&lang={lang}",
            "Explain": f"/explain?project={p}&model={ids['model']}&lang={lang}",
            "Jobs": f"/jobs?project={p}&lang={lang}",
        }
        servers = {"floor": Server(floor_script, env), "app": Server(REPO_ROOT / "app.py", env)}
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=FLAGS)
                timings: dict[str, list[float]] = {}
                # interleaved rounds, so a slow moment of the machine hits every page alike
                for _ in range(args.repeat):
                    timings.setdefault("floor", []).append(load_time(browser, servers["floor"].url + "/"))
                    for name, path in pages.items():
                        timings.setdefault(name, []).append(load_time(browser, servers["app"].url + path))
                browser.close()
        finally:
            for server in servers.values():
                server.stop()

    floor = statistics.median(timings["floor"][1:] or timings["floor"])
    verdict = f"target <= {TARGET:g}x"
    rows = []
    for name, values in timings.items():
        warm = statistics.median(values[1:] or values)
        ratio = warm / floor
        rows.append({"page": name, "cold s": f"{values[0]:.2f}", "warm s (median)": f"{warm:.2f}",
                     "vs floor": f"{ratio:.2f}x",
                     verdict: "floor" if name == "floor" else ("ok" if ratio <= TARGET else "SLOW")})
    print_table(rows, ["page", "cold s", "warm s (median)", "vs floor", verdict])
    slow = [r["page"] for r in rows if r[verdict] == "SLOW"]
    print(f"\n{len(pages) - len(slow)} of {len(pages)} pages within {TARGET:g}x the floor"
          + (f"; over: {', '.join(slow)}" if slow else ""))


if __name__ == "__main__":
    main()
