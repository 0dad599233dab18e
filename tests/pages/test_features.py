"""The Features page under AppTest: warnings first (the planted leak and ID named with their reasons),
the ranking (signal above noise), the charts per method, a column against the target, a task chosen by
hand, feature sets saved by dropping the warned columns or keeping the top k, a big version as a job,
and every view in Korean (core's reasons and notes too)."""

from __future__ import annotations

import re
import string

import numpy as np
import pandas as pd
import pytest

from tests.pages.test_korean import HANGUL, _untranslated_labels, run_in

PAGE = "app_pages/features.py"


@pytest.fixture
def no_worker(monkeypatch):
    from core.jobs import worker

    monkeypatch.setattr(worker, "ensure_worker", lambda *args, **kwargs: False)


def planted(n: int = 240, seed: int = 0) -> pd.DataFrame:
    """Churn rows: 'usage' and 'plan' carry the signal, 'noise' none; 'status_code' leaks the answer and
    'customer_id' is an ID."""
    rng = np.random.default_rng(seed)
    usage = rng.normal(size=n)
    plan = rng.choice(["basic", "pro", "max"], size=n)
    churned = np.where(usage + 1.2 * (plan == "max") + rng.normal(scale=0.4, size=n) > 0.4, "yes", "no")
    return pd.DataFrame({
        "customer_id": np.arange(10_001, 10_001 + n),
        "usage": usage,
        "plan": plan,
        "noise": rng.normal(size=n),
        "status_code": np.where(churned == "yes", 7, 3) + rng.normal(scale=0.01, size=n),
        "stars": rng.integers(1, 6, size=n),
        "churned": churned,
    })


@pytest.fixture
def churn(ws, tmp_path):
    """A project 'Churn' with the planted data as dataset 'churn': (project, version)."""
    from core.data import datasets
    from core.define.projects import create_project

    project = create_project(ws, "Churn")
    path = tmp_path / "churn.csv"
    planted().to_csv(path, index=False)
    return project, datasets.add_dataset(ws, path, name="churn", project_id=project.id).version


def _texts(at) -> str:
    return "\n".join(e.value for kind in ("caption", "markdown", "info", "warning", "error", "success")
                     for e in getattr(at, kind) if isinstance(getattr(e, "value", None), str))


def _reports(ws) -> list[dict]:
    with ws.read() as db:
        return [dict(r) for r in db.execute("SELECT id, target, task FROM feature_reports").fetchall()]


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_the_page_warns_about_the_leak_and_the_id_first_then_ranks_signal_above_noise(ws, churn):
    project, version = churn
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert at.selectbox(key="url_version").value == version.id
    assert at.selectbox(key="url_target").value == "churned"  # named like a target
    texts = _texts(at)
    assert "Ranked **6** columns of churn v1 for the target **churned** (binary classification)" in texts
    # the leak is an error box naming the column and the figure; the ID a warning
    leak = next(e.value for e in at.error if "status_code" in e.value)
    assert "likely target leakage" in leak and re.search(r"ROC AUC (0\.9[89]\d|1\.000) on held-out rows", leak)
    assert any("customer" in w.value and "looks like an identifier" in w.value for w in at.warning)
    # the readable ranking: usage and plan above noise
    ranking = next(m.value for m in at.markdown if m.value.startswith("1. "))
    order = re.findall(r"\*\*(.+?)\*\*", ranking)
    assert "usage" in order and ("noise" not in order or order.index("usage") < order.index("noise"))
    table = at.dataframe[0].value
    assert list(table.columns[:3]) == ["Rank", "Column", "Type"] and len(table) == 6
    assert table["Column"].tolist().index("usage") < table["Column"].tolist().index("noise")
    assert "likely target leakage" in table.set_index("Column").loc["status_code", "Warnings"]
    assert len(at.get("plotly_chart")) == 2  # the methods side by side, and a column against the target
    assert len(_reports(ws)) == 1

    again = run_in("en", PAGE, project=project.id)
    assert not again.exception, again.exception
    assert len(_reports(ws)) == 1  # read back, not computed again


def test_the_url_names_the_target_the_tab_and_the_column(ws, churn):
    project, version = churn
    at = run_in("en", PAGE, project=project.id, version=version.id, target="usage", tab="permutation",
                column="plan")
    assert not at.exception, at.exception
    assert at.selectbox(key="url_target").value == "usage"
    assert at.selectbox(key="url_column").value == "plan"
    assert "(regression)" in _texts(at)
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    assert "Permutation importance" in charts[0].proto.spec and "plan and usage" in charts[1].proto.spec
    assert "score lost when the column is shuffled" in charts[0].proto.spec
    assert _reports(ws)[0]["target"] == "usage" and _reports(ws)[0]["task"] == "regression"


def test_the_task_is_detected_and_can_be_chosen_by_hand(ws, churn):
    project, version = churn
    at = run_in("en", PAGE, project=project.id, target="stars")
    assert not at.exception, at.exception
    task = next(s for s in at.selectbox if s.label == "Task")
    assert task.value == "auto" and "auto (multiclass classification)" in task.options
    assert "(multiclass classification)" in _texts(at)
    task.set_value("regression").run()
    assert not at.exception, at.exception
    assert "for the target **stars** (regression)" in _texts(at)
    assert sorted(r["task"] for r in _reports(ws)) == ["multiclass", "regression"]


def test_a_feature_set_without_the_warned_columns_is_saved_and_listed(ws, churn):
    from core.features import service

    project, version = churn
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    chosen = at.multiselect[0]
    assert set(chosen.value) == {"usage", "plan", "noise", "stars"}  # the leak and the ID are left out
    at.text_input(key="fea_set_name").input("no leaks")
    _button(at, "Save the feature set").click().run()
    assert not at.exception, at.exception
    (saved,) = service.list_sets(ws, dataset_id=version.dataset_id)
    assert saved.name == "no leaks" and set(saved.columns) == {"usage", "plan", "noise", "stars"}
    assert saved.how == "drop_warned" and saved.target == "churned" and saved.project_id == project.id
    dropped = {d["column"]: d["kind"] for d in saved.dropped}
    assert "leakage" in dropped["status_code"] and "id" in dropped["customer_id"]
    texts = _texts(at)
    assert "Saved feature sets of this dataset" in [s.value for s in at.subheader]
    assert "**no leaks**" in texts and "4 columns" in texts and "warned columns dropped" in texts
    assert any("Run an experiment with a feature set" in str(link.proto.label) for link in at.get("page_link"))
    assert service.sets_for_version(ws, version.id)[0].id == saved.id  # what the experiment form offers


def test_the_top_k_fills_the_columns_and_a_taken_name_is_refused(ws, churn):
    from core.features import service

    project, version = churn
    at = run_in("en", PAGE, project=project.id)
    at.number_input(key="fea_top_k").set_value(2).run()
    _button(at, "Top 2 columns").click().run()
    assert not at.exception, at.exception
    top = at.multiselect[0].value
    assert len(top) == 2 and "status_code" not in top and "customer_id" not in top
    at.text_input(key="fea_set_name").input("best two")
    _button(at, "Save the feature set").click().run()
    (saved,) = service.list_sets(ws, dataset_id=version.dataset_id)
    assert saved.how == "top_k" and saved.columns == top
    # picking by hand after the top k makes it a hand choice; the same name is refused with a reason
    at = run_in("en", PAGE, project=project.id)
    at.multiselect[0].set_value(["noise"]).run()
    at.text_input(key="fea_set_name").input("Best two")
    _button(at, "Save the feature set").click().run()
    assert not at.exception, at.exception
    assert any("already has a feature set named 'Best two'" in e.value for e in at.error)
    at.text_input(key="fea_set_name").input("by hand")
    _button(at, "Save the feature set").click().run()
    by_hand = service.find_set(ws, "by hand")
    assert by_hand.how == "manual" and by_hand.columns == ["noise"]


def test_a_big_version_is_ranked_by_a_job_with_progress(ws, churn, no_worker, monkeypatch):
    from core import jobs
    from core.features import service
    from core.jobs.worker import run_job

    project, version = churn
    monkeypatch.setattr(service, "INLINE_CELLS", 100)
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "240 rows × 7 columns is a lot to analyse while you wait" in _texts(at)
    assert not _reports(ws)
    _button(at, "Rank the features in the background").click().run()
    assert not at.exception, at.exception
    (job,) = jobs.list_jobs(ws, kind="features")
    assert job.payload["version_id"] == version.id and job.payload["target"] == "churned"
    assert "being ranked in the background" in _texts(at)
    assert "Rank features for 'churned' on churn v1" in _texts(at)
    run_job(ws, job)
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "Ranked **6** columns" in _texts(at) and len(_reports(ws)) == 1


def test_a_target_that_cannot_be_ranked_says_why(ws, tmp_path):
    from core.data import datasets
    from core.define.projects import create_project

    project = create_project(ws, "Tiny")
    path = tmp_path / "tiny.csv"
    pd.DataFrame({"a": range(8), "label": ["x", "y"] * 4}).to_csv(path, index=False)
    datasets.add_dataset(ws, path, project_id=project.id)
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert any("ranking features needs at least 20" in e.value for e in at.error), [e.value for e in at.error]


def test_a_project_without_data_points_to_datasets(ws):
    from core.define.projects import create_project

    project = create_project(ws, "Empty")
    at = run_in("en", PAGE, project=project.id)
    assert not at.exception, at.exception
    assert "This project has no data yet" in _texts(at)


@pytest.mark.parametrize("tab", ["compare", "mutual_info", "association", "lgbm_gain", "permutation"])
def test_every_view_reads_in_korean(ws, churn, tab):
    from core.features import service
    from ui import i18n

    project, version = churn
    service.save_set(ws, version.id, "누출 제외", ["usage", "plan"], target="churned", how="manual")
    i18n.reset_missing()
    at = run_in("ko", PAGE, project=project.id, tab=tab)
    assert not at.exception, at.exception
    assert not i18n.missing(), sorted(i18n.missing())
    assert not _untranslated_labels(at), _untranslated_labels(at)
    texts = _texts(at)
    assert "타깃 누출 의심" in texts and "홀드아웃 행의 타깃을 예측합니다(ROC AUC" in texts  # core's reason
    assert "행 번호처럼 보입니다" in texts
    assert "held-out" not in texts and "Permutation importance is" not in texts  # the notes too
    assert "특성 세트 저장" in [s.value for s in at.subheader]


# ---------------------------------------------------------------- core's messages in Korean

@pytest.mark.parametrize("kind", ["WARNINGS", "NOTES", "ERRORS", "HINTS", "PROGRESS"])
def test_each_pattern_matches_its_example_and_keeps_the_data(monkeypatch, kind):
    from ui import i18n
    from ui.locale import ko_features

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    entries = getattr(ko_features, kind)
    assert entries
    for pattern, korean, example in entries:
        match = re.fullmatch(pattern, example, re.DOTALL)
        assert match, f"{pattern!r} does not match its example {example!r}"
        fields = {f for _, f, _, _ in string.Formatter().parse(korean) if f}
        assert fields <= set(match.groupdict()), f"{korean!r} names a group {pattern!r} lacks"
        shown = i18n.message(example, kind=kind)
        assert HANGUL.search(shown), (kind, example, shown)
        for name, value in match.groupdict().items():
            if value and name != "reason":
                assert value in shown, (value, shown)


def test_the_messages_core_really_writes_read_in_korean(monkeypatch):
    """Every reason and note a real analysis writes (leak, ID, row number, constant, near-constant, missing,
    named after the target; sampling, skipped columns) finds its Korean pattern, with its figures kept."""
    from core.features import importance
    from ui import i18n

    rng = np.random.default_rng(3)
    n = 400
    frame = planted(n, seed=3).assign(
        row=np.arange(n), flat=1, rare=np.where(np.arange(n) == 0, "b", "a"),
        gaps=np.where(np.arange(n) % 2 == 0, np.nan, rng.normal(size=n)),
        churn_reason=rng.choice(["price", "moved"], size=n),
        spend=lambda d: d["usage"] * 2 + rng.normal(scale=0.001, size=n))
    frame.loc[:4, "churned"] = None
    analysis = importance.analyze_frame(frame, "churned", semantic={"customer_id": "id"},
                                        settings=importance.Settings(sample_rows=300, n_repeats=2))
    kinds = {w["kind"] for w in analysis.warnings}
    assert kinds >= {"leakage", "id", "constant", "near_constant", "missing", "target_name"}, kinds
    regression = importance.analyze_frame(frame.drop(columns="churned").dropna(subset=["gaps"]), "usage",
                                          settings=importance.Settings(n_repeats=1))
    assert "leakage" in {w["kind"] for w in regression.warnings}  # 'spend' is usage, doubled
    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    english = [(w["reason"], "WARNINGS") for w in analysis.warnings + regression.warnings]
    english += [(note, "NOTES") for note in analysis.notes + regression.notes]
    assert len([e for e in english if e[1] == "NOTES"]) >= 4
    for text, kind in english:
        shown = i18n.message(text, kind=kind)
        assert HANGUL.search(shown) and shown != text, (kind, text)
        for number in re.findall(r"\d[\d,.]*\d|\d", text):
            assert number.rstrip(".") in shown, (number, text, shown)


def test_the_progress_and_the_errors_core_really_writes_read_in_korean(ws, churn, monkeypatch):
    from core.errors import MLCycleError
    from core.features import importance, service
    from ui import i18n

    project, version = churn
    service.save_set(ws, version.id, "no leaks", ["usage"], target="churned")
    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    for step in [*importance.PROGRESS_MESSAGES.values(), *service.PROGRESS_MESSAGES.values()]:
        assert HANGUL.search(i18n.progress(step)), step
    job = service.enqueue_report(ws, version.id, "churned", start_worker=False)
    assert i18n.progress(job.title) == "churn v1에서 'churned'의 특성 순위 매기기"
    faults = [
        lambda: service.analyze(ws, version.id, "plan", task="binary"),
        lambda: service.analyze(ws, version.id, "plan", task="regression"),
        lambda: service.analyze(ws, version.id, "nope"),
        lambda: service.analyze(ws, version.id, "churned", settings={"depth": 3}),
        lambda: service.analyze(ws, version.id, "churned", settings={"n_repeats": 0}),
        lambda: service.save_set(ws, version.id, "No Leaks", ["usage"]),
        lambda: service.save_set(ws, version.id, "x", ["usage", "churned"], target="churned"),
        lambda: service.save_set(ws, version.id, "x", ["usage", "gone"]),
        lambda: service.save_set(ws, version.id, " ", ["usage"]),
        lambda: service.top_k(service.get_report(ws, "fea_missing"), 3),
    ]
    for fault in faults:
        with pytest.raises(MLCycleError) as raised:
            fault()
        message, hint = i18n.message(raised.value.message), i18n.message(raised.value.hint, kind="HINTS")
        assert HANGUL.search(message) and message != raised.value.message, raised.value.message
        assert not raised.value.hint or HANGUL.search(hint), raised.value.hint
