"""Fault suite (issue #15): a saved feature set that does not fit an experiment is refused before anything is
written, with a message that names the set and the columns, in English and in Korean."""

from __future__ import annotations

import pytest

from core import experiments
from core.data import datasets
from core.errors import InvalidInput
from core.experiments.search import SearchConfig
from tests.tiny_models import churn_frame

QUICK = {"time_budget": 3.0, "learners": ("lrl2",), "n_jobs": 1}


@pytest.fixture
def sets():
    from core.features import service

    return service


def _refused(ws, version_id: str, config: SearchConfig) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        experiments.create_experiment(ws, version_id, config, start_worker=False)
    assert experiments.list_experiments(ws) == []
    return caught.value


def _korean(monkeypatch, exc: InvalidInput) -> tuple[str, str]:
    from ui import i18n

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    return i18n.message(exc.message), i18n.message(exc.hint, kind="HINTS")


def test_a_set_that_does_not_fit_is_refused_in_both_languages(ws, tmp_path, sets, monkeypatch):
    frame = churn_frame()
    frame["tenure"] = range(len(frame))
    frame.to_csv(tmp_path / "고객.csv", index=False)
    version = datasets.add_dataset(ws, tmp_path / "고객.csv").version
    fs = sets.save_set(ws, version.id, "상위 3개", ["x1", "plan", "tenure"], target="churned")
    frame.drop(columns=["tenure"]).to_csv(tmp_path / "older.csv", index=False)
    older = datasets.add_dataset(ws, tmp_path / "older.csv").version

    cases = [
        (_refused(ws, version.id, SearchConfig(target="churned", feature_set=fs.id, feature_columns=("x1", "x2"),
                                               **QUICK)),
         "특성 열이 특성 세트 '상위 3개'와 다릅니다. 세트에만 있는 열: 'plan', 'tenure'; 지정한 열에만 있는 열: 'x2'.",
         "특성 세트만 지정하거나"),
        (_refused(ws, older.id, SearchConfig(target="churned", feature_set=fs.id, **QUICK)),
         f"특성 세트 '상위 3개'에 {older.label}에 없는 열이 있습니다: 'tenure'.", "다른 특성 세트를 고르거나"),
        (_refused(ws, version.id, SearchConfig(target="plan", feature_set=fs.id, **QUICK)),
         "특성 세트 '상위 3개'에 타깃 'plan'이(가) 들어 있습니다.", "다른 특성 세트를 고르거나"),
    ]
    sets.archive_set(ws, fs.id)
    cases.append((_refused(ws, version.id, SearchConfig(target="churned", feature_set=fs.id, **QUICK)),
                  "특성 세트 '상위 3개'은(는) 보관 처리되었습니다.", "다른 특성 세트를 고르거나"))
    for exc, message, hint in cases:
        assert "'상위 3개'" in exc.message and exc.hint  # English names the set and says what to do
        shown, said = _korean(monkeypatch, exc)
        assert shown == message and said.startswith(hint)
