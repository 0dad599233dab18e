"""The whole lifecycle in one Chromium run, on the review sample: a hypothesis, the upload, 30 reviews'
sentiment labeled with the number keys (30 more through core) and published, the features ranked for 'sentiment', a short
experiment run by the app's worker, Compare and Explain, Export + Verify, then Monitor with a batch of
low-star Korean reviews, sent to labeling and retrained to the prefilled experiment form, with lineage."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from tests.conftest import SAMPLES
from tests.e2e.conftest import open_page, wait_idle
from tests.e2e.test_labeling import _label_with_keys

pytestmark = pytest.mark.e2e
REVIEWS = SAMPLES / "reviews.csv"
N_KEYED, N_LABELED = 30, 60  # reviews labeled with the keys; with the rest labeled through core


def _keys() -> list[str]:
    """The key for each of the first reviews: 1 positive (4-5 stars), 2 negative (1-2), 3 neutral (3)."""
    stars = pd.read_csv(REVIEWS)["stars"].head(N_LABELED)
    return ["1" if s >= 4 else "2" if s <= 2 else "3" for s in stars]


def _pick(page, key: str, typed: str, option: re.Pattern | str) -> None:
    """Choose an option of the select box with key ``key`` by typing it, then Enter."""
    page.locator(f".st-key-{key}").get_by_role("combobox").click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.wait_for()
    page.keyboard.press("Enter")
    wait_idle(page)


def test_the_whole_lifecycle_from_hypothesis_to_retrain(page, tmp_path):
    from core import experiments, jobs
    from core.data import datasets
    from core.define import hypotheses, projects
    from core.deploy import bundle
    from core.experiments.learners import LEARNERS
    from core.explain import service as explain
    from core.features import service as features
    from core.labeling import annotations, publish, tasks
    from core.monitor import service as monitor
    from core.store.lineage import list_links
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)

    # 1. define: a project and a hypothesis, in the browser
    open_page(page)
    page.get_by_role("button", name="New project").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Review sentiment")
    page.get_by_role("button", name="Create project").click()
    wait_idle(page)
    page.get_by_role("heading", name="Review sentiment").wait_for()
    project = next(p for p in projects.list_projects(ws) if p.name == "Review sentiment")
    open_page(page, f"problem?project={project.id}")
    page.get_by_label("Question").fill("Can we tell a review's sentiment without reading it?")
    page.get_by_label("Hypothesis").fill("Stars and product predict the sentiment.")
    page.get_by_role("button", name="Add hypothesis").click()
    wait_idle(page)
    page.get_by_text("Success when").first.wait_for()
    assert [h.statement for h in hypotheses.list_hypotheses(ws, project.id)] == [
        "Stars and product predict the sentiment."]
    page.shot("01-hypothesis")

    # 2. upload the review sample
    open_page(page, f"datasets?project={project.id}")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(REVIEWS))
    page.get_by_text(REVIEWS.name).first.wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Add dataset").click()
    page.get_by_text("240 rows × 5 columns").first.wait_for(timeout=60_000)
    (dataset,) = datasets.list_datasets(ws, project_id=project.id)
    raw = datasets.list_versions(ws, dataset.id)[0]
    page.shot("02-uploaded")

    # 3. label 30 reviews' sentiment with the number keys, publish on the Label page
    task = tasks.create_task(ws, raw.id, name="sentiment", classes="positive, negative, neutral", kind="text",
                             item_column="review", project_id=project.id)
    open_page(page, f"label?project={project.id}&task={task.id}&annotator=Ana")
    keys = _keys()
    _label_with_keys(page, keys[:N_KEYED])
    names = ["positive", "negative", "neutral"]
    labels = annotations.current_labels(ws, task.id).sort_values("item")
    assert labels["label"].tolist() == [names[int(k) - 1] for k in keys[:N_KEYED]]
    for item in range(N_KEYED, N_LABELED):  # a second sitting, through core: enough rows for trees to split
        annotations.record_label(ws, task.id, item, names[int(keys[item]) - 1], annotator="Ana")
    page.shot("03-labeled")
    open_page(page, f"label?project={project.id}&task={task.id}&annotator=Ana&tab=publish")
    page.get_by_role("button", name="Publish labels").click()
    page.get_by_text("Published the labels as", exact=False).wait_for()
    (publication,) = publish.list_publications(ws, task.id)
    labeled = datasets.get_version(ws, publication.version_id)
    assert labeled.n_rows == N_LABELED and "sentiment" in labeled.columns
    page.shot("04-published")

    # 4. features ranked for 'sentiment': stars carries the signal
    open_page(page, f"features?project={project.id}&dataset={dataset.id}&version={labeled.id}&target=sentiment")
    page.wait_for_function("() => document.querySelectorAll('.stPlotlyChart .main-svg').length >= 2",
                           timeout=120_000)
    report = features.find_report(ws, labeled.id, "sentiment")
    assert report is not None
    ranks = {r["column"]: r["consensus_rank"] for r in report.ranking}
    assert ranks["stars"] == min(ranks.values()), ranks
    page.shot("05-features")

    # 5. a short experiment from the Experiments page, run by the app's worker
    open_page(page, f"experiments?project={project.id}&dataset={dataset.id}&version={labeled.id}")
    assert page.get_by_role("combobox", name="Target column").input_value() == "sentiment"
    _pick(page, "exp_hypothesis", "Stars and", re.compile("Stars and product"))
    page.get_by_role("spinbutton", name="Time budget (s)").fill("5")
    page.get_by_role("spinbutton", name="Time budget (s)").press("Enter")
    wait_idle(page)
    learners = page.locator(".st-key-exp_learners").get_by_role("combobox")
    learners.click()
    for _ in range(len(LEARNERS) + 2):  # Backspace takes the last chosen learner away
        page.keyboard.press("Backspace")
    page.keyboard.type("lgbm")
    page.get_by_role("option", name="lgbm", exact=True).wait_for()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)
    page.shot("06-form")
    page.get_by_role("button", name="Run experiment").click()
    wait_idle(page)
    page.get_by_role("heading", name="Best model").wait_for(timeout=180_000)
    (exp,) = experiments.list_experiments(ws, project_id=project.id)
    exp = experiments.get_experiment(ws, exp.id)
    # the job goes on a moment after the model is shown: it evaluates the model (Compare draws from that)
    assert jobs.wait_for(ws, exp.job_id, timeout=120).status == "done"
    assert exp.status == "done" and exp.best_model_id and exp.target == "sentiment"
    assert list(exp.spec["search"]["learners"]) == ["lgbm"] and exp.hypothesis_id
    page.shot("07-experiment")

    # 6. compare and 7. explain
    open_page(page, f"compare?project={project.id}&models={exp.best_model_id}")
    page.get_by_text("Models 1–1 of 1").wait_for(timeout=60_000)
    page.get_by_role("heading", name="The chosen models, overlaid").wait_for(timeout=60_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)  # the model's curves and confusion matrix
    page.shot("08-compare")
    open_page(page, f"explain?project={project.id}&model={exp.best_model_id}")
    page.get_by_text("rows with", exact=False).first.wait_for(timeout=120_000)
    page.locator(".js-plotly-plot").nth(1).wait_for(timeout=60_000)
    stored = explain.latest_explanation(ws, exp.best_model_id)
    assert stored is not None and {"stars", "product", "lang"} <= set(stored.top().index)
    page.shot("09-explain")

    # 8. export + verify on the Deploy page (Verify runs as a job in the app's worker)
    open_page(page, f"deploy?project={project.id}&model={exp.best_model_id}")
    page.get_by_role("button", name="Export").click()
    page.get_by_role("button", name="Verify").wait_for(timeout=120_000)
    (made,) = bundle.exports_of(ws, exp.best_model_id)
    page.get_by_role("button", name="Verify").click()
    page.get_by_text("identical predictions on", exact=False).wait_for(timeout=180_000)
    assert bundle.get_export(ws, made.id).verification["verified"] is True
    page.shot("10-verified")

    # 9. monitor: later reviews, only 1-2 stars and in Korean, uploaded on the Monitor page
    rows = pd.read_csv(REVIEWS).iloc[N_LABELED:]
    batch_file = tmp_path / "complaints.csv"
    rows[(rows["stars"] <= 2) & (rows["lang"] == "ko")].to_csv(batch_file, index=False)
    open_page(page, f"monitor?project={project.id}&model={exp.best_model_id}")
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(batch_file))
    page.get_by_test_id("stFileUploader").get_by_text("complaints.csv").wait_for()
    wait_idle(page)
    page.get_by_role("button", name="Add the batch").click()
    page.get_by_text("Which features drifted", exact=True).wait_for(timeout=60_000)
    wait_idle(page)
    (batch,) = monitor.list_batches(ws, exp.best_model_id)
    drift = monitor.latest_report(ws, batch.id)
    assert "stars" in drift.drifted_columns and drift.alert
    page.get_by_text("This batch alerts.").wait_for()
    page.wait_for_function("() => document.querySelectorAll('.stPlotlyChart .main-svg').length >= 1",
                           timeout=60_000)
    page.shot("11-monitor")

    # 10. the loop: send to labeling, label a few rows (core), publish, retrain, to the prefilled form
    page.get_by_role("button", name="Send to labeling").click()
    page.get_by_text("Sent to labeling as the task", exact=False).wait_for()
    again = monitor.batch_task(ws, batch.id)
    for item in range(5):
        annotations.record_label(ws, again.id, item, "negative", annotator="Ana")
    second = publish.publish_labels(ws, again.id)
    open_page(page, f"monitor?project={project.id}&model={exp.best_model_id}&batch={batch.id}")
    page.get_by_role("button", name="Make the training data").click()
    page.get_by_text("Training data for retraining:", exact=False).wait_for(timeout=60_000)
    page.shot("12-retrain")
    page.get_by_text("Run the experiment again on it", exact=True).click()
    page.wait_for_url(f"**/experiments?*retrain={exp.id}*", timeout=30_000)
    wait_idle(page)
    page.get_by_text("Prefilled from experiment", exact=False).wait_for()
    new_id = re.search(r"version=(dsv_[0-9a-z]+)", page.url).group(1)
    new = datasets.get_version(ws, new_id)
    assert new.n_rows == datasets.get_version(ws, exp.train_version_id).n_rows + 5
    parents = {lk.to_id for lk in list_links(ws, "dataset_version", new.id)
               if lk.from_id == new.id and lk.relation == "derived_from"}
    assert parents == {exp.train_version_id, second.version_id}
    page.shot("13-prefilled")
