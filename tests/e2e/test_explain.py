"""Golden flow of Explain: the best model of a sample experiment explained on its held-out rows, one
row's waterfall, a what-if that changes the prediction, and the model card downloaded."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import REPO_ROOT, open_page, open_tab, wait_idle

pytestmark = pytest.mark.e2e


def _sample_experiment(ws):
    """A project with the breast-cancer sample and one short LightGBM search, run here."""
    from core import experiments, jobs
    from core.data import datasets
    from core.define import projects
    from core.experiments.spec import SearchConfig

    project = projects.create_project(ws, "Screening")
    version = datasets.add_dataset(ws, REPO_ROOT / "data" / "samples" / "breast_cancer.csv",
                                   project_id=project.id).version
    exp = experiments.create_experiment(
        ws, version.id, SearchConfig(target="diagnosis", time_budget=4, learners=("lgbm",), n_jobs=1),
        project_id=project.id, name="Trees", start_worker=False)
    assert jobs.run_worker(ws, idle_exit=0, max_jobs=1) == 1
    return project, experiments.get_experiment(ws, exp.id)


def test_explain_the_best_model_a_row_a_what_if_and_the_model_card(page, tmp_path):
    from core.explain import card
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)
    project, exp = _sample_experiment(ws)

    # the page opens on the best model's held-out rows: global views
    open_page(page, f"explain?project={project.id}")
    page.get_by_text("rows with TreeExplainer").wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").nth(3).wait_for(timeout=60_000)  # bars, gain, beeswarm, dependence
    titles = page.locator(".js-plotly-plot .gtitle").evaluate_all("els => els.map(e => e.textContent || '')")
    assert any("SHAP" in title for title in titles), titles
    page.shot("01-global")

    # one row: its prediction and waterfall
    open_page(page, f"explain?project={project.id}&model={exp.best_model_id}&tab=local&row=0")
    page.get_by_text("Row 0").first.wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    page.shot("02-row")

    # what-if: change the most important column a lot; the prediction changes
    open_tab(page, "What-if", "whatif")
    page.get_by_role("button", name="Predict").wait_for(timeout=30_000)
    first = page.locator('[data-testid="stNumberInput"] input').first
    first.fill("0")
    first.press("Tab")
    page.get_by_role("button", name="Predict").click()
    wait_idle(page)
    page.get_by_text("Changed:").wait_for(timeout=30_000)
    page.locator('[data-testid="stMetricValue"]').nth(1).wait_for(timeout=30_000)  # drawn just after "Changed:"
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert len(metrics) == 2, metrics
    page.shot("03-what-if")
    first.fill("100000")
    first.press("Tab")
    page.get_by_role("button", name="Predict").click()
    wait_idle(page)
    page.wait_for_timeout(500)
    changed = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert changed[0] != changed[1] or metrics[0] != metrics[1], (metrics, changed)

    # the model card: a field written, then the card downloaded with it
    open_tab(page, "Model card", "card")
    page.get_by_role("textbox", name="Intended use").fill("Second reader for biopsy screening")
    page.get_by_role("button", name="Save the card's fields").click()
    page.get_by_text("Saved the model card's fields.").wait_for(timeout=30_000)
    wait_idle(page)
    page.locator('[data-testid="stMarkdownContainer"]', has_text="Second reader for biopsy screening").first.wait_for(
        timeout=30_000)
    assert card.card_fields(ws, exp.best_model_id)["intended_use"] == "Second reader for biopsy screening"
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the model card (Markdown)").click()
    saved = tmp_path / "card.md"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "Second reader for biopsy screening" in text
    assert exp.data_sha256[:12] in text or "sha256" in text
    page.shot("04-card")
