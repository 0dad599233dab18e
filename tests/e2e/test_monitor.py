"""Golden flow of Monitor in Chromium: a churn model gets the shipped batch of customers after a price rise
through the page's uploader, the alert names the drifted features and the charts are drawn, the batch is sent
to labeling and a few rows labeled, the labels published on the Label page, and Retrain makes the training data
(lineage to the training rows and the labeled batch) and opens the Experiments form prefilled."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import SAMPLES
from tests.e2e.conftest import open_page, wait_idle

pytestmark = pytest.mark.e2e
BATCH = SAMPLES / "batch_churn_after_price_rise.csv"


def _churn_model(ws, tmp_path):
    """A project with the churn sample and a tiny LightGBM model of 'churned' (no search runs)."""
    from core.define import projects
    from tests.tiny_models import add_model, make_experiment

    project = projects.create_project(ws, "Churn watch")
    exp = make_experiment(ws, tmp_path, project=project, name="churn.csv", frame=pd.read_csv(SAMPLES / "churn.csv"))
    return project, exp, add_model(ws, exp, "lgbm")


def _plots_drawn(page, n: int = 1) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('.stPlotlyChart .main-svg').length >= {n}",
                           timeout=60_000)


def test_a_shifted_batch_alerts_is_labeled_and_retrains_with_lineage(page, tmp_path):
    from core.labeling import annotations, publish
    from core.monitor import service
    from core.store.lineage import list_links
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)
    project, exp, model = _churn_model(ws, tmp_path)

    # upload the batch through the page's uploader
    open_page(page, f"monitor?project={project.id}&model={model.id}")
    page.get_by_text("No batch yet.", exact=False).wait_for()
    page.locator("[data-testid='stFileUploader'] input[type=file]").set_input_files(str(BATCH))
    page.get_by_test_id("stFileUploader").get_by_text("rise.csv").wait_for()  # the uploader lists the file (name cut short)
    wait_idle(page)
    page.get_by_role("button", name="Add the batch").click()
    page.get_by_text("This batch alerts.").wait_for(timeout=60_000)
    wait_idle(page, timeout=60_000)
    batches = service.list_batches(ws, model.id)
    assert len(batches) == 1 and batches[0].n_rows == 600
    batch = batches[0]
    report = service.latest_report(ws, batch.id)
    assert report is not None and report.alert and report.share_drifted >= 0.5
    drifted = report.drifted_columns
    assert {"monthly_charges", "tenure_months"} <= set(drifted)
    alert = page.get_by_test_id("stAlert").filter(has_text="This batch alerts.").inner_text()
    for column in drifted:  # the alert's reason names every drifted feature
        assert column in alert, (column, alert)
    page.get_by_text("Which features drifted", exact=True).wait_for()
    _plots_drawn(page)  # drift by feature
    page.shot("01-alert")

    # one drifted feature's distributions
    open_page(page, f"monitor?project={project.id}&model={model.id}&batch={batch.id}&tab=distributions"
                    f"&column=monthly_charges")
    _plots_drawn(page)
    page.shot("02-distribution")

    # send to labeling, follow the link to the Label page
    page.get_by_role("button", name="Send to labeling").click()
    page.get_by_text("Sent to labeling as the task", exact=False).wait_for()
    task = service.batch_task(ws, batch.id)
    assert task is not None and task.kind == "tabular" and task.name == "churned"
    page.get_by_text("Label its rows", exact=True).click()
    page.wait_for_url(f"**/label?*task={task.id}*", timeout=30_000)
    wait_idle(page)
    page.shot("03-label-task")

    # the task's rows are an editable table on the Label page (a canvas grid): ten rows are labeled through core
    classes = [c["name"] for c in task.classes]
    assert classes == ["0", "1"]
    for item in range(10):
        annotations.record_label(ws, task.id, item, classes[item % 2], annotator="Ana")
    assert len(annotations.current_labels(ws, task.id)) == 10

    open_page(page, f"label?project={project.id}&task={task.id}&annotator=Ana&tab=publish")
    page.get_by_role("button", name="Publish labels").click()
    page.get_by_text("Published the labels as", exact=False).wait_for()
    made = publish.list_publications(ws, task.id)
    assert len(made) == 1 and made[0].counts["rows"] == 10 and made[0].label_column == "churned"
    page.shot("04-published")

    # back on Monitor: Retrain makes the training data, then the link opens the prefilled form
    open_page(page, f"monitor?project={project.id}&model={model.id}&batch={batch.id}")
    page.get_by_text("Labels published", exact=False).wait_for()
    page.get_by_role("button", name="Make the training data").click()
    page.get_by_text("Training data for retraining:", exact=False).wait_for(timeout=60_000)
    page.shot("05-retrain")
    train = exp.train_version_id
    from core.data import datasets

    retrain = [v for v in datasets.list_versions(ws, datasets.get_version(ws, train).dataset_id)
               if (v.operation or {}).get("op") == "retrain_data"]
    assert len(retrain) == 1
    new = retrain[0]
    assert new.n_rows == datasets.get_version(ws, train).n_rows + 10
    parents = {lk.to_id for lk in list_links(ws, "dataset_version", new.id)
               if lk.from_id == new.id and lk.relation == "derived_from"}
    assert parents == {train, made[0].version_id}

    page.get_by_text("Run the experiment again on it", exact=True).click()
    page.wait_for_url(f"**/experiments?*retrain={exp.id}*", timeout=30_000)
    wait_idle(page)
    page.get_by_text("Prefilled from experiment", exact=False).wait_for()
    assert f"version={new.id}" in page.url
    chosen = page.get_by_role("combobox", name="Dataset version").input_value()
    assert chosen.startswith(f"{new.dataset_name} v{new.number}"), chosen  # the form is on the retrain data
    assert page.get_by_role("combobox", name="Target column").input_value() == "churned"
    page.shot("06-prefilled")
