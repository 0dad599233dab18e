"""Golden flow of the Features step in Chromium: rank a version's columns for a target, see the planted
leak and the ID column flagged with their reasons and the charts drawn, save a feature set without them,
and find that set offered by the experiment form."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.e2e.conftest import open_page, wait_idle

pytestmark = pytest.mark.e2e


def _planted(ws, tmp_path):
    """Two informative columns, noise, a leak (the outcome read after the fact) and an ID column."""
    from core.data import datasets
    from core.define import projects

    rng = np.random.default_rng(7)
    n = 800
    signal, other = rng.normal(size=n), rng.normal(size=n)
    outcome = (signal + 0.5 * other + rng.normal(scale=0.6, size=n) > 0).astype(int)
    frame = pd.DataFrame({
        "account_id": np.arange(100_000, 100_000 + n),
        "signal": signal.round(4), "other": other.round(4), "noise": rng.normal(size=n).round(4),
        "refund_issued": np.where(rng.random(n) < 0.995, outcome, 1 - outcome),  # known only after the outcome
        "outcome": np.where(outcome == 1, "yes", "no"),
    })
    path = tmp_path / "accounts.csv"
    frame.to_csv(path, index=False)
    project = projects.create_project(ws, "Features e2e")
    version = datasets.add_dataset(ws, path, name="accounts", project_id=project.id).version
    return project, version


def test_rank_features_see_the_planted_problems_and_save_a_set_the_experiment_form_offers(page, tmp_path):
    from core.features import service
    from core.workspace import Workspace

    ws = Workspace(page.server.workspace)
    project, version = _planted(ws, tmp_path)

    open_page(page, f"features?project={project.id}&dataset={version.dataset_id}&version={version.id}&target=outcome")
    page.get_by_text("columns need a look before modelling", exact=False).wait_for(timeout=120_000)
    report = service.find_report(ws, version.id, "outcome")
    kinds = {(w["column"], w["kind"]) for w in report.warnings}
    assert ("refund_issued", "leakage") in kinds and ("account_id", "id") in kinds
    assert report.ranking[0]["column"] in ("refund_issued", "signal")  # the leak or the real signal leads
    ranks = {r["column"]: r["consensus_rank"] for r in report.ranking}
    assert ranks["signal"] < ranks["noise"] and ranks["other"] < ranks["noise"]
    page.get_by_text("alone predicts the target with ROC AUC", exact=False).first.wait_for()
    page.get_by_text("looks like an identifier", exact=False).first.wait_for()
    page.wait_for_function("() => document.querySelectorAll('.stPlotlyChart .main-svg').length >= 2",
                           timeout=60_000)  # the rank comparison and the relation chart are drawn
    page.shot("01-ranked")

    page.get_by_role("button", name="Drop warned columns").click()
    wait_idle(page)
    page.get_by_label("Name of the set").fill("no leaks")
    page.get_by_label("Name of the set").press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Save the feature set").click()
    page.get_by_text("Saved the feature set no leaks", exact=False).wait_for()
    saved = service.list_sets(ws, dataset_id=version.dataset_id)
    assert [s.name for s in saved] == ["no leaks"]
    assert set(saved[0].columns) == {"signal", "other", "noise"}
    page.shot("02-saved")

    open_page(page, f"experiments?project={project.id}")
    box = page.locator(".st-key-exp_feature_set")
    box.get_by_role("combobox").click()
    page.keyboard.type("no leaks")
    page.get_by_role("option", name="no leaks (3 columns)").wait_for()
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_text("The experiment records feature set", exact=False).wait_for()
    page.shot("03-experiment-form")
