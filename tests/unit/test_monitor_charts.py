"""The Monitor step's charts (one feature's training and batch distributions, drift by feature with PSI,
drift against SHAP importance, the history over batches, the predictions) and its Korean: every chart text,
and every sentence core/monitor writes (alert reasons, notes, errors, hints, progress) read by pattern."""

from __future__ import annotations

import math
import re
import string

import numpy as np
import pandas as pd
import pytest

from core.data.charts import ALERT, PRIMARY
from core.monitor import charts
from tests.shared import strings, tr_literals

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _feature(column, test, statistic, drifted, psi, *, kind="numeric", threshold=None, **more):
    threshold = threshold if threshold is not None else (0.05 if test in ("ks", "chisquare", "z") else 0.1)
    return {"column": column, "kind": kind, "test": test, "statistic": statistic, "threshold": threshold,
            "drifted": drifted, "psi": psi, "psi_threshold": 0.1, "missing_ref": 0.0, "missing_cur": 0.0,
            "new_categories": [], **more}


@pytest.fixture
def report():
    """A report as core.monitor.service stores it (as a dict): two drifted features of four."""
    return {
        "batch_id": "mbt_1", "created_at": "2026-12-01T10:00:00+00:00", "share_drifted": 0.5, "n_drifted": 2,
        "alert": True, "settings": {"drift_share": 0.5, "metric_drop": 0.05},
        "features": [
            _feature("tenure", "ks", 0.40, False, 0.02),
            _feature("<b>plan</b>", "chisquare", 0.0001, True, 0.45, kind="categorical"),
            _feature("charges", "ks", 1e-20, True, 1.3),
            _feature("region", "chisquare", 0.03, False, 0.12, kind="categorical", threshold=0.01),
        ],
        "metrics": {"target": "churned", "primary": "roc_auc", "higher_is_better": True,
                    "batch": {"roc_auc": 0.71, "accuracy": 0.7}, "holdout": {"roc_auc": 0.86, "accuracy": 0.8}},
    }


# ---------------------------------------------------------------- one scale for every test

def test_a_p_value_at_its_threshold_scores_one_and_smaller_p_values_more():
    ks = {"test": "ks", "threshold": 0.05}
    assert charts.drift_score({**ks, "statistic": 0.05}) == pytest.approx(1.0)
    assert charts.drift_score({**ks, "statistic": 0.05 ** 2}) == pytest.approx(2.0)
    assert charts.drift_score({**ks, "statistic": 1.0}) == 0.0
    assert charts.drift_score({**ks, "statistic": 0.5}) < 1  # not drifted: under the threshold's score
    assert math.isfinite(charts.drift_score({**ks, "statistic": 0.0}))  # p = 0 (a category the reference lacks)


def test_a_distance_scores_its_share_of_the_threshold():
    assert charts.drift_score({"test": "wasserstein", "statistic": 0.25, "threshold": 0.1}) == pytest.approx(2.5)
    assert charts.drift_score({"test": "jensenshannon", "statistic": 0.05, "threshold": 0.1}) == pytest.approx(0.5)
    assert charts.drift_score({"test": "none", "statistic": None, "threshold": None}) is None


def test_features_are_listed_drifted_first_then_by_score(report):
    order = [f["column"] for f in charts.feature_rows(report)]
    assert order == ["charges", "<b>plan</b>", "region", "tenure"]


# ---------------------------------------------------------------- drift by feature

def test_the_drift_scores_put_drifted_features_first_in_red_with_psi_beside(report):
    fig = charts.drift_scores_figure(report)
    scores, psi = fig.data
    assert list(scores.y) == ["charges", "&lt;b&gt;plan&lt;/b&gt;", "region", "tenure"]  # escaped, drifted first
    assert list(scores.marker.color) == [ALERT, ALERT, PRIMARY, PRIMARY]
    assert scores.x[0] == charts.SCORE_CAP and scores.text[0].endswith("+")  # p = 1e-20 is capped, and says so
    assert scores.x[1] == pytest.approx(math.log(0.0001) / math.log(0.05))
    # the PSI panel: its own axis, red from the PSI threshold
    assert psi.xaxis == "x2" and list(psi.x) == [1.3, 0.45, 0.12, 0.02]
    assert list(psi.marker.color)[:3] == [ALERT] * 3 and psi.marker.color[3] != ALERT
    assert fig.layout.shapes[0].x0 == 1 and fig.layout.shapes[1].x0 == 0.1  # the two thresholds
    assert "2 of 4 features drifted" in fig.layout.title.text
    assert ("chi-squared", "p = 0.0001 (drift below 0.05)") in [tuple(c) for c in scores.customdata]


def test_an_empty_report_gives_a_titled_placeholder():
    fig = charts.drift_scores_figure({"features": []})
    assert fig.data == () and fig.layout.annotations[0].text == "The report has no feature to show."


# ---------------------------------------------------------------- one feature's distributions

def test_a_shifted_numeric_feature_is_two_histograms_on_shared_bins_with_their_means():
    rng = np.random.default_rng(0)
    ref, cur = pd.Series(rng.normal(0, 1, 2000)), pd.Series(rng.normal(2, 1, 500))
    fig = charts.distribution_figure(ref, cur, "numeric", "age")
    train, batch = fig.data
    assert (train.name, batch.name) == ("training data", "batch")
    assert list(train.x) == list(batch.x) and len(train.x) == charts.BINS  # shared bins
    assert sum(train.y) == pytest.approx(1.0) and sum(batch.y) == pytest.approx(1.0)  # shares of each sample
    centres = np.array(train.x)
    assert centres[np.argmax(batch.y)] > centres[np.argmax(train.y)] + 1  # the batch's mode moved right
    means = sorted(shape.x0 for shape in fig.layout.shapes)
    assert means == pytest.approx([ref.mean(), cur.mean()])
    assert fig.layout.title.text.startswith("age: training data and batch")


def test_a_categorical_feature_shows_shares_with_unseen_values_in_red_and_missing_said():
    ref = pd.Series(["basic"] * 60 + ["pro"] * 40)
    cur = pd.Series(["basic"] * 30 + ["pro"] * 30 + ["<i>gold</i>"] * 30 + [None] * 10)
    fig = charts.distribution_figure(ref, cur, "categorical", "plan", new_categories=["<i>gold</i>"])
    train, batch = fig.data
    assert list(batch.x) == ["basic", "pro", "&lt;i&gt;gold&lt;/i&gt;"]
    assert list(train.y) == pytest.approx([0.6, 0.4, 0.0])
    assert list(batch.y) == pytest.approx([1 / 3, 1 / 3, 1 / 3])  # of the batch's rows with a value
    assert list(batch.marker.color)[2] == ALERT and list(batch.marker.color)[0] != ALERT
    assert "missing: 0.0% of training rows, 10.0% of batch rows" in fig.layout.title.text
    assert "red: a value the training data never had" in fig.layout.title.text


def test_a_number_with_few_values_is_one_bar_per_value():
    fig = charts.distribution_figure(pd.Series([1, 2, 2, 3, 3, 3]), pd.Series([3.0, 4.0, 4.0]), "numeric", "stars")
    assert list(fig.data[0].x) == ["1", "2", "3", "4"] and fig.data[1].marker.color[3] == ALERT


def test_dates_are_binned_on_a_date_axis():
    ref = pd.Series(pd.date_range("2024-01-01", periods=300, freq="D"))
    cur = pd.Series(pd.date_range("2024-06-01", periods=100, freq="D").as_unit("us"))
    fig = charts.distribution_figure(ref, cur, "numeric", "signup_date")
    assert fig.layout.xaxis.type == "date" and str(fig.data[0].x[0]).startswith("2024-01")
    assert fig.data[0].width == pytest.approx(fig.data[1].width) and fig.data[0].width > 86_400_000  # ms, > 1 day
    assert sorted(a.text for a in fig.layout.annotations) == ["mean 2024-05-29 12:00", "mean 2024-07-20 12:00"]


def test_a_column_without_values_is_said_not_drawn():
    fig = charts.distribution_figure(pd.Series([None, None]), pd.Series(["x", None]), "numeric", "age")
    assert fig.data == () and "numeric value" in fig.layout.annotations[0].text


def test_the_predictions_are_drawn_from_the_reports_histogram():
    from core.monitor import drift

    ref, cur = pd.Series(["no"] * 70 + ["yes"] * 30), pd.Series(["no"] * 40 + ["yes"] * 60)
    prediction = {**drift.prediction_drift(ref, cur, kind="classification").as_dict(), "source": "log",
                  "histogram": drift.histograms(ref, cur, "categorical")}
    fig = charts.prediction_figure(prediction)
    held, batch = fig.data
    assert held.name == "held-out rows" and dict(zip(batch.x, batch.y, strict=True)) == pytest.approx(
        {"no": 0.4, "yes": 0.6})
    assert "batch: the predictions the server logged" in fig.layout.title.text
    assert charts.prediction_figure({}).layout.annotations[0].text == "The report has no predictions to show."


# ---------------------------------------------------------------- drift against importance

def test_the_quadrant_marks_drift_in_an_important_feature(report):
    importance = pd.Series({"charges": 0.6, "tenure": 0.3, "<b>plan</b>": 0.05, "region": 0.05})
    fig = charts.importance_quadrant(report, importance)
    (points,) = fig.data
    by_name = dict(zip(points.text, zip(points.x, points.marker.color, strict=True), strict=True))
    assert by_name["charges"][0] == pytest.approx(0.6) and by_name["charges"][1] == ALERT  # important and drifted
    assert by_name["&lt;b&gt;plan&lt;/b&gt;"][1] not in (ALERT, PRIMARY)  # drifted, less important
    assert by_name["tenure"][1] == PRIMARY
    assert {a.text for a in fig.layout.annotations} == set(charts.QUADRANT_LABELS.values())
    assert charts.importance_share(importance, "tenure") == pytest.approx(0.3)


def test_without_an_explanation_the_quadrant_says_how_to_make_one(report):
    fig = charts.importance_quadrant(report, None)
    assert fig.data == () and "explain it on the Explain page" in fig.layout.annotations[0].text


# ---------------------------------------------------------------- history

def test_the_history_has_a_bar_per_batch_red_when_it_alerts_and_the_metric_against_the_holdout(report):
    calm = {**report, "batch_id": "mbt_2", "alert": False, "share_drifted": 0.25, "metrics": {}}
    again = {**report, "batch_id": "mbt_3"}
    fig = charts.history_figure([report, calm, again], names={"mbt_1": "april", "mbt_2": "may", "mbt_3": "april"},
                                metric_label="ROC AUC")
    bars, batch_line, holdout_line = fig.data
    assert list(bars.x) == ["april", "may", "april "]  # two batches of one name stay two bars
    assert list(bars.y) == [0.5, 0.25, 0.5] and list(bars.marker.color) == [ALERT, bars.marker.color[1], ALERT]
    assert bars.marker.color[1] != ALERT
    assert list(batch_line.y) == [0.71, None, 0.71] and list(holdout_line.y) == [0.86, None, 0.86]
    assert batch_line.name == "ROC AUC on the batch" and fig.layout.yaxis2.title.text == "ROC AUC"
    assert fig.layout.shapes[0].y0 == 0.5  # the alert threshold


def test_the_history_draws_where_the_metric_would_alert(report):
    scored = {**report, "metrics": {**report["metrics"], "threshold": 0.05}}
    limit = charts.history_figure([scored]).data[-1]
    assert list(limit.y) == pytest.approx([0.81, 0.81]) and limit.line.color == ALERT  # 0.86 - 0.05
    loss = {**scored, "metrics": {**scored["metrics"], "primary": "log_loss", "higher_is_better": False,
                                  "batch": {"log_loss": 0.5}, "holdout": {"log_loss": 0.4}}}
    assert list(charts.history_figure([loss]).data[-1].y) == pytest.approx([0.45, 0.45])  # a loss alerts above


def test_a_history_without_targets_says_there_is_no_metric(report):
    fig = charts.history_figure([{**report, "metrics": {}}])
    assert len(fig.data) == 1 and "no batch has the target" in fig.layout.title.text
    assert charts.history_figure([]).layout.annotations[0].text == "No batch has a report yet."


def test_the_charts_draw_a_real_drift_result():
    from core.monitor import drift

    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"x": rng.normal(size=400), "c": rng.choice(["a", "b"], 400)})
    cur = pd.DataFrame({"x": rng.normal(1, 1, 300), "c": rng.choice(["a", "b", "z"], 300)})
    result = drift.dataset_drift(ref, cur, ["x", "c"])
    fig = charts.drift_scores_figure(result)  # FeatureDrift objects, not dicts
    assert "x" in list(fig.data[0].y)
    assert charts.distribution_figure(ref["c"], cur["c"], "categorical", "c").data[1].marker.color[-1] == ALERT


# ---------------------------------------------------------------- Korean

def test_every_chart_text_has_korean():
    from core.monitor import drift
    from ui.i18n import catalog

    keys = [*tr_literals(charts), *charts.TEST_LABELS.values(), *charts.QUADRANT_LABELS.values()]
    assert len(keys) > 40
    assert not [k for k in keys if k not in catalog()]
    assert charts.TEST_LABELS == {k: v["name"] for k, v in drift.TESTS.items()}  # the names core uses


def test_charts_speak_the_language_they_are_given(report):
    from ui.i18n import catalog

    def korean(text: str) -> str:
        return catalog()[text]

    assert charts.drift_scores_figure(report, korean).layout.title.text.startswith("특성별 드리프트")
    fig = charts.distribution_figure(pd.Series([1.0, 2.0] * 20), pd.Series([2.0, 3.0] * 20), "numeric", "나이", korean)
    assert fig.layout.title.text.startswith("나이: 학습 데이터와 배치") and fig.data[1].name == "배치"
    assert "중요하고 드리프트함" in {a.text for a in charts.importance_quadrant(report, {"charges": 1.0}, korean)
                                .layout.annotations}
    history = charts.history_figure([report], korean)
    assert not [s for s in strings(history.to_plotly_json()["layout"]["title"]) if "drifted" in s]


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("kind", ["ALERTS", "NOTES", "ERRORS", "HINTS", "PROGRESS"])
def test_each_korean_pattern_matches_its_example_and_keeps_the_data(monkeypatch, kind):
    from ui import i18n
    from ui.locale import ko_monitor

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    entries = getattr(ko_monitor, kind)
    assert len(entries) >= 3
    for pattern, korean, example in entries:
        match = re.fullmatch(pattern, example, re.DOTALL)
        assert match, f"{pattern!r} does not match its example {example!r}"
        assert _fields(korean) <= set(match.groupdict()), f"{korean!r} names a group {pattern!r} lacks"
        shown = i18n.message(example, kind=kind)
        assert HANGUL.search(shown), shown
        for value in match.groupdict().values():
            if value and not re.search(r"[.:]", value):
                assert value in shown, (value, shown)


SAMPLE = {"n_drifted": 2, "n_features": 3, "share": "67%", "threshold": "50%", "columns": "x1, plan",
          "metric": "roc_auc", "holdout": "0.86", "batch": "0.71", "change": "0.15", "n": "3", "column": "age",
          "reason": "3 of 600 values in the current data are not numbers (e.g. 'n/a'); they count as missing.",
          "target": "churned", "other": "accuracy", "file": "requests-2026-12-01.jsonl", "line": 41,
          "models": "mdl_0a1b2c3d4e5f", "requests": "40", "rows": "55", "files": "requests-2026-12-01.jsonl",
          "name": "april"}


@pytest.mark.parametrize("key", ["share_alert", "metric_alert"])
def test_every_alert_reason_core_writes_reads_in_korean(monkeypatch, key):
    from core.monitor import service
    from ui import i18n

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    text = service.MESSAGES[key].format(**SAMPLE)
    assert HANGUL.search(i18n.message(text, kind="ALERTS")), text


def test_every_note_and_progress_message_core_writes_reads_in_korean(monkeypatch):
    from core.monitor import service
    from ui import i18n

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    notes = [v.format(**SAMPLE) for k, v in service.MESSAGES.items() if k not in ("share_alert", "metric_alert")]
    notes.append(service.MESSAGES["extra_columns"].format(**{**SAMPLE, "columns": "a, b, c, d, e, f, g, h and 2 more"}))
    notes.append(service.MESSAGES["log_lines"].format(**{**SAMPLE, "files": "2 files in logs"}))
    english = [n for n in notes if not HANGUL.search(i18n.message(n, kind="NOTES"))]
    assert not english, english
    shown = i18n.message(service.MESSAGES["type_problem"].format(**SAMPLE), kind="NOTES")
    assert "현재 데이터" in shown and "n/a" in shown  # the reason inside is Korean too
    steps = [*service.PROGRESS_MESSAGES.values(), "Checked column 'age' (3 of 8)"]
    assert not [s for s in steps if not HANGUL.search(i18n.progress(s))]


def test_real_errors_of_the_monitor_read_in_korean(monkeypatch, ws, tmp_path):
    from core.errors import MLCycleError
    from core.monitor import service
    from tests.tiny_models import make_model
    from ui import i18n

    model = make_model(ws, tmp_path)
    empty = tmp_path / "nothing.csv"
    empty.write_text("a,b\n1,2\n")
    bad_log = tmp_path / "requests-2026-12-01.jsonl"
    bad_log.write_text('{"rows": [{"x1": 1}], "predictions": ["no"]}\nnot json\n{"rows": []}\n')
    calls = [lambda: service.get_batch(ws, "mbt_000000000000"),
             lambda: service.set_settings(ws, model.id, drift_share=1.5),
             lambda: service.set_settings(ws, model.id, metric_drop=-1),
             lambda: service.add_batch(ws, model.id, empty),
             lambda: service.import_log(ws, model.id, tmp_path / "missing.jsonl"),
             lambda: service.import_log(ws, model.id, bad_log),
             lambda: service.get_report(ws, "drf_000000000000")]
    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    for call in calls:
        with pytest.raises(MLCycleError) as caught:
            call()
        exc = caught.value
        assert HANGUL.search(i18n.message(exc.message)), exc.message
        assert not exc.hint or HANGUL.search(i18n.message(exc.hint, kind="HINTS")), exc.hint
