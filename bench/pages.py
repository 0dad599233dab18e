"""How long each page takes in Chromium, next to an empty Streamlit page measured in the same run.

The workspace is the demo plus one finished 30-trial experiment (breast cancer, seeded). Each page
is opened by URL (what a reload or a shared link does) in a fresh tab; the time runs from
navigation to the script having finished and every chart drawn. Streamlit loads plotly's code
only after a script sends a chart, so charts appear a second or so after the script ends: a
page's first load learns how many it draws (their number holding for 1.5 s), and later loads
wait for that many. The floors are Streamlit scripts served the same way: a title and a line
(the floor of a page without charts) and the same with one small plotly chart (the floor of a
page with charts: what loading plotly costs Streamlit itself). Target: every page within 2x
its floor.

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
CHART_FLOOR_SCRIPT = FLOOR_SCRIPT + ('import plotly.graph_objects as go\n\n'
                                     'st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))\n')


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


# plotly charts drawn; Streamlit loads plotly's code only once the script has sent a chart, so
# charts appear a second or so after the script ends, and how many to wait for is learned
DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => p.querySelector('.main-svg')).length"
SETTLE = 1.5  # a page's first load: its charts count as all drawn once their number holds this long


def load_time(browser, url: str, charts: int | None = None) -> tuple[float, int]:
    """Seconds from navigation to the script finished and its charts drawn (a fresh tab), and how many charts.

    ``charts``: how many the page draws (learned from its first load); ``None`` on the first load,
    which waits until the number of drawn charts has held for :data:`SETTLE` seconds and counts
    the time up to the last one drawn.
    """
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector("[data-testid='stApp']")
        # the page's title: its script has started (before that the app reads "notRunning" too)
        page.wait_for_selector("[data-testid='stMain'] [data-testid='stHeading']", timeout=120_000)
        page.wait_for_selector("[data-test-script-state='notRunning']", state="attached", timeout=120_000)
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidgetRunningIcon\"]')",
                               timeout=120_000)
        if charts is not None:
            page.wait_for_function(f"() => ({DRAWN})() >= {charts}", timeout=120_000)
            return time.perf_counter() - start, charts
        drawn, last = page.evaluate(DRAWN), time.perf_counter()
        while time.perf_counter() - last < SETTLE:
            time.sleep(0.05)
            now = page.evaluate(DRAWN)
            if now != drawn:
                drawn, last = now, time.perf_counter()
        return last - start, drawn
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
        floor_script, chart_floor_script = Path(tmp) / "floor.py", Path(tmp) / "chart_floor.py"
        floor_script.write_text(FLOOR_SCRIPT)
        chart_floor_script.write_text(CHART_FLOOR_SCRIPT)
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
        servers = {"floor": Server(floor_script, env), "chart floor": Server(chart_floor_script, env),
                   "app": Server(REPO_ROOT / "app.py", env)}
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=FLAGS)
                timings: dict[str, list[float]] = {}
                charts: dict[str, int | None] = {}
                urls = {"floor": servers["floor"].url + "/", "chart floor": servers["chart floor"].url + "/",
                        **{n: servers["app"].url + p for n, p in pages.items()}}
                # interleaved rounds, so a slow moment of the machine hits every page alike
                for _ in range(args.repeat):
                    for name, url in urls.items():
                        seconds, charts[name] = load_time(browser, url, charts.get(name))
                        timings.setdefault(name, []).append(seconds)
                browser.close()
        finally:
            for server in servers.values():
                server.stop()

    floors = {name: statistics.median(timings[name][1:] or timings[name]) for name in ("floor", "chart floor")}
    verdict = f"target <= {TARGET:g}x"
    rows = []
    for name, values in timings.items():
        warm = statistics.median(values[1:] or values)
        against = "chart floor" if charts[name] else "floor"
        ratio = warm / floors[against]
        rows.append({"page": name, "charts": charts[name], "cold s": f"{values[0]:.2f}", "warm s (median)": f"{warm:.2f}",
                     "vs its floor": f"{ratio:.2f}x ({against})",
                     verdict: "floor" if name in floors else ("ok" if ratio <= TARGET else "SLOW")})
    print_table(rows, ["page", "charts", "cold s", "warm s (median)", "vs its floor", verdict])
    slow = [r["page"] for r in rows if r[verdict] == "SLOW"]
    print(f"\n{len(pages) - len(slow)} of {len(pages)} pages within {TARGET:g}x their floor"
          + (f"; over: {', '.join(slow)}" if slow else ""))


if __name__ == "__main__":
    main()
