"""The Compare page under AppTest: the leaderboard, the chosen models' curves, gates, the registry,
every view in Korean, and the verdict on the Problem page."""

from __future__ import annotations

import pytest

from tests.pages.test_korean import HANGUL, _untranslated_labels, run_in

PAGE = "app_pages/compare.py"


def _press(at, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()


def _texts(at) -> str:
    return "\n".join(e.value for kind in ("caption", "markdown", "info", "warning", "error", "success")
                     for e in getattr(at, kind) if isinstance(getattr(e, "value", None), str))


def test_the_leaderboard_counts_the_models_and_the_chosen_ones_draw_their_curves(ws, two_models):
    project, _exp, models = two_models
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "Models 1–2 of 2" in _texts(at)
    assert "Choose models in the table to see their curves side by side." in _texts(at)
    # no benchmark yet: the Pareto chart says what to do instead of drawing nothing
    assert "benchmark some to see the front" in _texts(at)

    at = run_in("en", PAGE, project=project.id, models=",".join(m.id for m in models))
    assert not at.exception, at.exception
    assert any(h.value == "##### The chosen models, overlaid" for h in at.markdown)
    assert len(at.get("plotly_chart")) >= 4  # ROC, precision-recall, confusion matrices, calibration
    assert at.multiselect[0].value == [m.id for m in models]


def test_a_filter_and_the_sort_live_in_the_url(ws, two_models):
    project, _exp, _models = two_models
    at = run_in("en", PAGE, project=project.id, learner="lrl2", sort="-created_at")
    assert not at.exception, at.exception
    assert "Models 1–1 of 1" in _texts(at)


def test_a_bad_gate_points_at_the_token_and_a_good_one_is_checked_on_every_model(ws, two_models):
    from core.evaluation import gates

    project, _exp, _models = two_models
    at = run_in("en", PAGE, project=project.id, tab="gates")
    at.text_input(key="cmp_gate_text").set_value("roc_auc >= oops")
    _press(at, "Save rule")
    assert not at.exception, at.exception
    assert any("oops" in e.value for e in at.error), [e.value for e in at.error]
    assert gates.get_gate(ws, project.id) is None  # nothing saved

    at.text_input(key="cmp_gate_text").set_value("roc_auc >= 0.5")
    _press(at, "Save rule")
    assert not at.exception, at.exception
    assert gates.get_gate(ws, project.id).text == "roc_auc >= 0.5"
    at = run_in("en", PAGE, project=project.id, tab="gates")
    assert "of 2 models pass" in _texts(at)


def test_promoting_a_model_keeps_one_production_model_and_its_history(ws, two_models):
    from core.evaluation import registry

    project, _exp, models = two_models
    for model in models:
        at = run_in("en", PAGE, project=project.id, tab="registry", models=model.id)
        at.selectbox(key="cmp_promote_stage").set_value("production")
        at.text_input(key="cmp_promote_note").set_value(f"promote {model.learner}")
        _press(at, "Apply")
        assert not at.exception, at.exception
    production = registry.production_model(ws, project.id)
    assert production.id == models[1].id
    history = registry.stage_history(ws, project_id=project.id)
    assert {h.note.split(" (")[0] for h in history} >= {"promote lgbm", "promote lrl2"}
    at = run_in("en", PAGE, project=project.id, tab="registry")
    assert "In production" in _texts(at)


@pytest.mark.parametrize("tab", ["leaderboard", "trials", "gates", "registry"])
def test_every_view_reads_in_korean_with_models(ws, two_models, tab):
    from core.evaluation import gates
    from ui import i18n

    project, _exp, models = two_models
    gates.set_gate(ws, project.id, "roc_auc >= 0.5 and p99_ms <= 100")
    i18n.reset_missing()
    at = run_in("ko", PAGE, project=project.id, tab=tab, models=",".join(m.id for m in models))
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())
    assert not _untranslated_labels(at), _untranslated_labels(at)
    assert HANGUL.search(_texts(at))
