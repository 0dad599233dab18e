"""The Explain page under AppTest: global views on the held-out rows by default, one row's waterfall,
a what-if that changes the prediction, two models side by side, the model card, a big version as a
job, and every view in Korean."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.pages.test_korean import HANGUL, _untranslated_labels, run_in
from tests.tiny_models import add_model, churn_frame, make_experiment

PAGE = "app_pages/explain.py"


@pytest.fixture
def no_worker(monkeypatch):
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)


def _texts(at) -> str:
    return "\n".join(e.value for kind in ("caption", "markdown", "info", "warning", "error", "success")
                     for e in getattr(at, kind) if isinstance(getattr(e, "value", None), str))


def _explanations(ws) -> list[dict]:
    with ws.read() as db:
        return [dict(r) for r in db.execute("SELECT * FROM explanations").fetchall()]


def test_the_page_opens_on_the_held_out_rows_and_reuses_what_it_stored(ws, two_models):
    project, exp, models = two_models
    at = run_in("en", PAGE, project=project.id, model=models[0].id)
    assert not at.exception, at.exception
    test_rows = len(__import__("core.data.datasets", fromlist=["x"]).load_frame(ws, exp.test_version_id))
    assert f"Explained **{test_rows}** rows with TreeExplainer" in _texts(at)
    assert at.selectbox(key="url_version").value == exp.test_version_id
    # mean |SHAP| bars, tree gain, beeswarm and dependence
    assert len(at.get("plotly_chart")) == 4
    stored = _explanations(ws)
    assert len(stored) == 1 and stored[0]["model_id"] == models[0].id
    assert stored[0]["version_id"] == exp.test_version_id

    at = run_in("en", PAGE, project=project.id, model=models[0].id)
    assert not at.exception, at.exception
    assert len(_explanations(ws)) == 1  # read back, not computed again


def test_a_linear_model_shows_its_coefficients(ws, two_models):
    project, _exp, models = two_models
    at = run_in("en", PAGE, project=project.id, model=models[1].id)
    assert not at.exception, at.exception
    assert "LinearExplainer" in _texts(at)
    assert len(at.get("plotly_chart")) == 4


def test_one_row_shows_its_prediction_and_waterfall(ws, two_models):
    from core.experiments.service import load_model

    project, exp, models = two_models
    at = run_in("en", PAGE, project=project.id, model=models[0].id, tab="local", row="3")
    assert not at.exception, at.exception
    bundle = load_model(ws, models[0].id)
    test = __import__("core.data.datasets", fromlist=["x"]).load_frame(ws, exp.test_version_id)
    expected = bundle.predict(test.iloc[[3]])[0]
    headline = next(m.value for m in at.markdown if m.value.startswith("**Row 3**"))
    assert f"predicted {expected}" in headline
    assert f"actual {test.iloc[3]['churned']}" in headline
    assert len(at.get("plotly_chart")) == 1

    at = run_in("en", PAGE, project=project.id, model=models[0].id, tab="local", row="99999")
    assert not at.exception, at.exception
    assert any("Row 99999 is not among the explained rows" in w.value for w in at.warning)


def test_the_largest_errors_list_offers_rows_the_model_got_wrong(ws, two_models):
    project, _exp, models = two_models
    at = run_in("en", PAGE, project=project.id, model=models[0].id, tab="local")
    at.radio(key="xpl_pick_by").set_value("errors").run()
    assert not at.exception, at.exception
    found = next(s for s in at.selectbox if s.label == "Rows found")
    assert found.options and "error" in found.options[0]


def test_a_what_if_changes_the_prediction(ws, two_models):
    project, _exp, models = two_models
    at = run_in("en", PAGE, project=project.id, model=models[0].id, tab="whatif", row="0")
    assert not at.exception, at.exception
    x1 = next(n for n in at.number_input if n.label == "x1")
    original = x1.value
    x1.set_value(-5.0 if original > 0 else 5.0)
    next(b for b in at.button if b.label == "Predict").click().run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Original"] != metrics["What-if"], metrics
    assert any(m.value.startswith("**Changed:** x1 =") for m in at.markdown)
    assert len(at.get("plotly_chart")) == 2  # the original row's waterfall and the edited row's


def test_two_models_side_by_side(ws, two_models):
    project, _exp, models = two_models
    at = run_in("en", PAGE, project=project.id, model=models[0].id, tab="compare", models=models[1].id)
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1
    assert "Both models explained on the same" in _texts(at)
    assert {r["model_id"] for r in _explanations(ws)} == {m.id for m in models}


def test_the_model_card_keeps_what_the_user_writes_and_offers_both_formats(ws, two_models):
    from core.explain import card

    project, _exp, models = two_models
    at = run_in("en", PAGE, project=project.id, model=models[0].id, tab="card")
    assert not at.exception, at.exception
    next(a for a in at.text_area if a.label == "Intended use").set_value("Weekly churn outreach list")
    next(b for b in at.button if b.label == "Save the card's fields").click().run()
    assert not at.exception, at.exception
    assert card.card_fields(ws, models[0].id)["intended_use"] == "Weekly churn outreach list"
    at = run_in("en", PAGE, project=project.id, model=models[0].id, tab="card")
    assert "Weekly churn outreach list" in _texts(at)
    assert len(at.get("download_button")) == 2


def test_a_big_version_is_explained_by_a_job(ws, tmp_path, no_worker):
    from core import jobs
    from core.define.projects import create_project

    project = create_project(ws, "Big")
    frame = churn_frame(n=3000, seed=1)
    exp = make_experiment(ws, tmp_path, project=project, frame=frame)
    model = add_model(ws, exp, "lgbm")
    at = run_in("en", PAGE, project=project.id, model=model.id, version=exp.dataset_version_id, rows="all")
    assert not at.exception, at.exception
    assert "Explaining 3,000 rows takes a while" in _texts(at)
    next(b for b in at.button if b.label == "Explain 3,000 rows").click().run()
    assert not at.exception, at.exception
    queued = jobs.list_jobs(ws, kind="explain")
    assert len(queued) == 1 and queued[0].payload["model_id"] == model.id
    assert not _explanations(ws)


def test_a_version_without_the_model_columns_says_which_are_missing(ws, tmp_path, two_models):
    from core.data import datasets

    project, _exp, models = two_models
    path = tmp_path / "other.csv"
    pd.DataFrame({"x1": np.arange(10.0), "other": list("abcdefghij")}).to_csv(path, index=False)
    version = datasets.add_dataset(ws, path, project_id=project.id).version
    at = run_in("en", PAGE, project=project.id, model=models[0].id, version=version.id)
    assert not at.exception, at.exception
    assert any("x2" in e.value and "plan" in e.value for e in at.error), [e.value for e in at.error]


def test_a_project_without_models_points_to_experiments(ws):
    from core.define.projects import create_project

    project = create_project(ws, "Empty")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "has no models yet" in _texts(at)


@pytest.mark.parametrize("tab", ["global", "local", "whatif", "compare", "card"])
def test_every_view_reads_in_korean(ws, two_models, tab):
    from ui import i18n

    project, _exp, models = two_models
    i18n.reset_missing()
    at = run_in("ko", PAGE, project=project.id, model=models[0].id, tab=tab, models=models[1].id)
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())
    assert not _untranslated_labels(at), _untranslated_labels(at)
    assert HANGUL.search(_texts(at))


def test_a_model_only_the_permutation_explainer_explains_starts_with_fewer_rows(ws, tmp_path):
    from core.define.projects import create_project

    project = create_project(ws, "Neighbours")
    exp = make_experiment(ws, tmp_path, project=project)
    model = add_model(ws, exp, "kneighbor", {"n_neighbors": 5})
    at = run_in("en", PAGE, project=project.id, model=model.id)
    assert not at.exception, at.exception
    assert at.selectbox(key="url_rows").value == "100"  # it costs about a tenth of a second a row
    assert "PermutationExplainer" in _texts(at)
    assert _explanations(ws)[0]["explainer"] == "permutation"


def test_a_multiclass_model_is_shown_for_the_class_the_url_names(ws, tmp_path):
    from core.define.projects import create_project
    from tests.conftest import SAMPLES

    project = create_project(ws, "Iris")
    exp = make_experiment(ws, tmp_path, project=project, frame=pd.read_csv(SAMPLES / "iris.csv"), target="species")
    model = add_model(ws, exp, "lgbm")
    at = run_in("en", PAGE, project=project.id, model=model.id)
    assert not at.exception, at.exception
    picker = at.selectbox(key="url_class")
    assert picker.options == ["setosa", "versicolor", "virginica"]
    at = run_in("en", PAGE, project=project.id, model=model.id, **{"class": "2"})
    assert not at.exception, at.exception
    titles = [c.proto.spec for c in at.get("plotly_chart")]
    assert any("SHAP values for class virginica" in spec for spec in titles)
