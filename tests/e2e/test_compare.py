"""Golden flow of Compare: two experiments on a sample, compared for accuracy and speed, a gate set,
a model promoted, and the hypothesis's verdict read on the Problem page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import REPO_ROOT, open_page, open_tab, wait_idle

pytestmark = pytest.mark.e2e


def _two_benchmarked_experiments(ws):
    """A project with a hypothesis, the breast-cancer sample, two short searches (run here, not by a
    background worker) and both models benchmarked."""
    from core import experiments, jobs
    from core.data import datasets
    from core.define import hypotheses, projects
    from core.evaluation import benchmark
    from core.experiments.spec import SearchConfig

    project = projects.create_project(ws, "Screening")
    h = hypotheses.create_hypothesis(ws, project.id, question="Malignant?", statement="Nucleus shape tells malignant "
                                     "from benign.", metric="roc_auc", threshold=0.9)
    version = datasets.add_dataset(ws, REPO_ROOT / "data" / "samples" / "breast_cancer.csv",
                                   project_id=project.id).version
    made = []
    for name, learner in (("Linear", "lrl2"), ("Trees", "lgbm")):
        exp = experiments.create_experiment(
            ws, version.id, SearchConfig(target="diagnosis", time_budget=4, learners=(learner,), n_jobs=1),
            project_id=project.id, hypothesis_id=h.id, name=name, start_worker=False)
        made.append(exp)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=2) == 2
    models = [experiments.get_experiment(ws, e.id).best_model_id for e in made]
    for model_id in models:
        benchmark.benchmark_model(ws, model_id, calls=1000)
    return project, h, models


def test_compare_two_experiments_gate_promote_and_read_the_verdict(page):
    from core.define import hypotheses
    from core.evaluation import registry
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)
    project, h, models = _two_benchmarked_experiments(ws)

    open_page(page, f"compare?project={project.id}")
    page.get_by_text("Models 1–2 of 2").wait_for(timeout=60_000)
    page.get_by_role("heading", name="Accuracy against latency").wait_for()
    page.get_by_text("On the front (no other model is both more accurate and faster)").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    page.shot("01-leaderboard")

    # compare both: the chosen models are named in the URL and their curves are drawn overlaid
    open_page(page, f"compare?project={project.id}&models={','.join(models)}")
    page.get_by_role("heading", name="The chosen models, overlaid").wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").nth(4).wait_for(timeout=60_000)  # Pareto, ROC, PR, confusion, calibration
    titles = page.locator(".js-plotly-plot .gtitle").evaluate_all("els => els.map(e => e.textContent || '')")
    assert any("ROC" in title for title in titles), titles
    assert any("ecision" in title for title in titles), titles
    page.shot("02-curves")

    # a bad gate rule is refused and points at the bad token; a good one is saved
    open_tab(page, "Gates", "gates")
    rule = page.get_by_role("textbox", name="Gate rule")
    rule.wait_for(timeout=30_000)
    rule.fill("roc_auc >= x")
    page.get_by_role("button", name="Save rule").click()
    wait_idle(page)
    page.get_by_text("'x'").first.wait_for(timeout=30_000)
    rule.fill("roc_auc >= 0.9 and p99_ms <= 100000")
    page.get_by_role("button", name="Save rule").click()
    wait_idle(page)
    page.get_by_text("of 2 models pass").wait_for(timeout=30_000)
    page.shot("03-gate")

    # promote the first chosen model to production, with a note
    open_tab(page, "Registry", "registry")
    page.get_by_role("textbox", name="Why (kept in the history)").fill("Best on both axes")
    page.get_by_role("button", name="Apply").click()
    wait_idle(page)
    page.get_by_text("In production:").first.wait_for(timeout=30_000)  # not "No model is in production…"
    production = registry.production_model(ws, project.id)
    assert production is not None and production.id in models
    assert registry.stage_history(ws, model_id=production.id)[0].note.startswith("Best on both axes")
    page.shot("04-promoted")

    # the hypothesis was judged from the evidence, and the Problem page says so
    judged = hypotheses.get_hypothesis(ws, h.id)
    assert judged.verdict and judged.verdict["outcome"] in ("supported", "rejected", "inconclusive")
    open_page(page, f"problem?project={project.id}")
    word = {"supported": "Supported", "rejected": "Rejected", "inconclusive": "Inconclusive"}[judged.verdict["outcome"]]
    page.get_by_text("from the evidence").first.wait_for(timeout=30_000)
    page.get_by_text(word).first.wait_for()
    page.get_by_text("roc_auc").first.wait_for()
    page.shot("05-verdict")
