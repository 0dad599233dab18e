"""Fault suite (issue #12): explaining with bad input says what is wrong and what to do, stores nothing
wrong, and a stored explanation whose file is gone or damaged is computed again."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from core import jobs
from core.data import datasets
from core.errors import Corrupted, InvalidInput, NotFound
from core.explain import service
from tests.conftest import REPO_ROOT
from tests.shared import cli
from tests.tiny_models import add_model, churn_frame, make_experiment, make_model, store_model_file


def _version_without(ws, tmp_path, *drop: str, name: str = "partial.csv"):
    path = tmp_path / name
    churn_frame(20, seed=4).drop(columns=list(drop)).to_csv(path, index=False)
    return datasets.add_dataset(ws, path).version


def test_an_unknown_model_or_version_is_not_found(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path)
    with pytest.raises(NotFound, match="no model with id 'mdl_nothere'"):
        service.explain_model(ws, "mdl_nothere")
    with pytest.raises(NotFound, match="no dataset version with id 'dsv_nothere'"):
        service.explain_model(ws, model.id, version_id="dsv_nothere")
    code, out, err = cli(ws, capsys, "explain", model.id, "--version", "no such data", "--json")
    assert code == 2 and out == ""
    assert json.loads(err.strip().splitlines()[-1])["type"] == "NotFound"
    assert service.explanations_of(ws, model.id) == []


def test_a_version_without_the_models_columns_names_them_and_the_version(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path)
    version = _version_without(ws, tmp_path, "x2", "plan")
    with pytest.raises(InvalidInput) as err:
        service.explain_model(ws, model.id, version_id=version.id)
    message = err.value.message
    assert "'x2', 'plan'" in message and f"Version {version.number} of dataset 'partial'" in message
    assert "lgbm model" in message  # which model needs them
    assert "'x2', 'plan'" in err.value.hint and "Pick a version" in err.value.hint
    with pytest.raises(InvalidInput, match="'x2', 'plan'"):  # nothing is queued either
        service.enqueue_explanation(ws, model.id, version_id=version.id, start_worker=False)
    assert jobs.list_jobs(ws, kind="explain") == []
    code, out, err_text = cli(ws, capsys, "explain", model.id, "--version", version.id)
    assert code == 2 and out == "" and "'x2', 'plan'" in err_text and "partial" in err_text
    assert service.explanations_of(ws, model.id) == []


def test_a_version_without_the_target_is_explained_and_errors_say_there_are_no_targets(ws, tmp_path):
    model = make_model(ws, tmp_path)
    version = _version_without(ws, tmp_path, "churned", name="new.csv")
    stored, expl = service.explain_model(ws, model.id, version_id=version.id)
    assert stored.n_rows == 20
    with pytest.raises(InvalidInput, match="no target values") as err:
        service.row_choices(ws, model.id, expl, kind="errors")
    assert "churned" in err.value.message


@pytest.mark.parametrize("rows", [0, -5, True, 2.5])
def test_rows_below_one_or_not_whole_are_refused(ws, tmp_path, rows):
    model = make_model(ws, tmp_path)
    with pytest.raises(InvalidInput, match="row") as err:
        service.explain_model(ws, model.id, rows=rows)
    assert "positive number of rows" in err.value.hint
    with pytest.raises(InvalidInput):
        service.enqueue_explanation(ws, model.id, rows=rows, start_worker=False)
    assert service.explanations_of(ws, model.id) == [] and jobs.list_jobs(ws, kind="explain") == []


def test_the_cli_refuses_zero_or_negative_rows_in_one_line(ws, tmp_path, capsys):
    model = make_model(ws, tmp_path)
    for rows in ("0", "-3"):
        code, out, err = cli(ws, capsys, "explain", model.id, "--rows", rows)
        assert code == 2 and out == ""
        assert err.strip() == f"error: Explain at least one row (asked for {rows}). Give a positive number of rows " \
                              "(the default is 1,000)."


def test_a_missing_artifact_is_computed_again_and_reading_it_says_so(ws, tmp_path, monkeypatch):
    model = make_model(ws, tmp_path)
    first, fresh = service.explain_model(ws, model.id)
    ws.artifacts.path(first.artifact).unlink()
    with pytest.raises(NotFound, match=f"stored explanation {first.id} .* is missing") as err:
        service.load_explanation(ws, first)
    assert "Explain the model again" in err.value.hint
    assert service.find_explanation(ws, model.id).id == first.id  # the row is still there...
    again, expl = service.explain_model(ws, model.id)  # ...and asking again computes it anew
    assert again.id != first.id and ws.artifacts.exists(again.artifact)
    np.testing.assert_allclose(expl.values, fresh.values)
    assert [s.id for s in service.explanations_of(ws, model.id)] == [again.id]  # the stale row is replaced
    np.testing.assert_array_equal(service.load_explanation(ws, again).values, expl.values)


def test_a_damaged_artifact_is_computed_again_and_reading_it_says_so(ws, tmp_path):
    model = make_model(ws, tmp_path)
    first, fresh = service.explain_model(ws, model.id)
    path = ws.artifacts.path(first.artifact)
    os.chmod(path, 0o644)
    path.write_bytes(b"not an npz at all")
    with pytest.raises(Corrupted, match=f"stored explanation {first.id}"):
        service.load_explanation(ws, first)
    again, expl = service.explain_model(ws, model.id)
    assert again.id != first.id
    np.testing.assert_allclose(service.load_explanation(ws, again).values, fresh.values)


def test_an_artifact_holding_other_shapes_is_damaged_not_misread(ws, tmp_path):
    import io

    model = make_model(ws, tmp_path)
    first, _ = service.explain_model(ws, model.id)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, values=np.zeros((2, 2, 1)), base_values=np.zeros(1), positions=np.arange(2))
    sha = ws.artifacts.put_bytes(buffer.getvalue())
    with ws.write() as db:
        db["explanations"].update(first.id, {"artifact": sha})
    stored = service.find_explanation(ws, model.id)
    with pytest.raises(Corrupted, match="shape"):
        service.load_explanation(ws, stored)


def test_an_old_pickled_model_says_how_to_migrate_it(ws, tmp_path, capsys):
    exp = make_experiment(ws, tmp_path)
    blob = (REPO_ROOT / "tests" / "fixtures" / "models" / "lgbm_binary.model").read_bytes()
    model_id, _sha = store_model_file(ws, exp, blob)
    with pytest.raises(InvalidInput, match="old pickle format") as err:
        service.explain_model(ws, model_id)
    assert "mlcycle models migrate" in err.value.hint
    code, out, err_text = cli(ws, capsys, "explain", model_id)
    assert code == 2 and out == "" and "mlcycle models migrate" in err_text


def test_what_if_names_the_column_of_a_bad_value(ws, tmp_path):
    model = make_model(ws, tmp_path)
    bundle = service._bundle(ws, service.get_model(ws, model.id))
    row = {"x1": 0.5, "x2": 1.0, "plan": "basic"}
    with pytest.raises(InvalidInput, match="Column 'x1' needs a number; 'lots' is not one") as err:
        service.what_if(bundle, row, {"x1": "lots"}, background=None)
    assert "'x1'" in err.value.hint
    with pytest.raises(InvalidInput, match="'x1' needs a number"):
        service.what_if(bundle, row, {"x1": "inf"}, background=None)
    with pytest.raises(InvalidInput, match="does not read a column 'age'"):
        service.what_if(bundle, row, {"age": "40"}, background=None)
    with pytest.raises(InvalidInput, match="lacks the column 'plan'"):
        service.what_if(bundle, {"x1": 0.5, "x2": 1.0}, {}, background=None)
    result, _ = service.what_if(bundle, row, {"x1": ""}, background=None)  # empty: a missing value, allowed
    assert np.isnan(result["row"]["x1"])


def test_row_choices_refuse_an_unknown_kind_a_regression_confidence_and_rows_of_another_version(ws, tmp_path):
    model = make_model(ws, tmp_path)
    _, expl = service.explain_model(ws, model.id)
    reports = []
    service.explain_model(ws, model.id, rows=7, progress=reports.append)  # computed: every progress message
    lrl2 = add_model(ws, service.get_experiment(ws, model.experiment_id), "lrl2")
    service.explain_model(ws, lrl2.id, rows=7, progress=reports.append)  # with the background step
    with pytest.raises(InvalidInput, match="Unknown choice of rows 'best'"):
        service.row_choices(ws, model.id, expl, kind="best")
    with pytest.raises(InvalidInput, match="at least one row"):
        service.row_choices(ws, model.id, expl, kind="errors", k=0)
    exp = service.get_experiment(ws, model.experiment_id)
    with pytest.raises(InvalidInput, match="not rows of"):  # the held-out rows checked against the training rows
        service.row_choices(ws, model.id, expl, kind="errors", version_id=exp.train_version_id)


def test_compare_refuses_the_same_model_twice_and_names_the_model_a_version_cannot_serve(ws, tmp_path):
    exp = make_experiment(ws, tmp_path)
    a = add_model(ws, exp, "lgbm")
    with pytest.raises(InvalidInput, match="two different models"):
        service.compare_importance(ws, a.id, a.id)
    narrow_frame = churn_frame().drop(columns=["x2"])
    narrow = add_model(ws, make_experiment(ws, tmp_path, frame=narrow_frame, name="narrow.csv"), "rf")
    version = datasets.get_version(ws, service.default_version(ws, narrow.id))  # has no x2
    with pytest.raises(InvalidInput, match="'x2'") as err:
        service.compare_importance(ws, narrow.id, a.id)
    assert a.id in err.value.message and "lgbm" in err.value.message and "'narrow'" in err.value.message
    assert service.explanations_of(ws, narrow.id) == [] and version.n_rows > 0
    with pytest.raises(NotFound):
        service.compare_importance(ws, a.id, "mdl_nothere")


# ---------------------------------------------------------------- in Korean

def test_each_korean_pattern_of_the_explain_service_matches_its_example_and_keeps_the_data(monkeypatch):
    import re
    import string

    from ui import i18n
    from ui.locale import ko_explain_service

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    for kind in ("ERRORS", "HINTS", "PROGRESS", "NOTES"):
        for pattern, korean, example in getattr(ko_explain_service, kind):
            match = re.fullmatch(pattern, example, re.DOTALL)
            assert match, f"{pattern!r} does not match its example {example!r}"
            fields = {f for _, f, _, _ in string.Formatter().parse(korean) if f}
            assert fields <= set(match.groupdict()), f"{korean!r} names a group {pattern!r} lacks"
            shown = i18n.message(example, kind=kind)
            assert re.search(r"[\uac00-\ud7a3]", shown), (kind, shown)
            for name, value in match.groupdict().items():
                if value and name != "reason":
                    assert value in shown, (value, shown)


def test_real_explain_messages_read_in_korean(ws, tmp_path, monkeypatch):
    """The messages the service really writes (not only the examples) find their Korean pattern."""
    import re

    from ui import i18n

    model = make_model(ws, tmp_path)
    version = _version_without(ws, tmp_path, "x2")
    raised = []
    for call in (lambda: service.explain_model(ws, model.id, rows=0),
                 lambda: service.explain_model(ws, model.id, version_id=version.id),
                 lambda: service.what_if(service._bundle(ws, service.get_model(ws, model.id)),
                                         {"x1": 1.0, "x2": 1.0, "plan": "pro"}, {"x1": "lots"}, background=None)):
        with pytest.raises(InvalidInput) as err:
            call()
        raised.append(err.value)
    job = service.enqueue_explanation(ws, model.id, rows=12, start_worker=False)
    jobs.run_worker(ws, idle_exit=0, max_jobs=1)
    stored = service.find_explanation(ws, model.id, rows=12)
    service.explain_model(ws, model.id)  # all rows: the other note
    notes = stored.notes + service.find_explanation(ws, model.id).notes
    _, expl = service.explain_model(ws, model.id)
    reports = []
    service.explain_model(ws, model.id, rows=7, progress=reports.append)  # computed: every progress message
    lrl2 = add_model(ws, service.get_experiment(ws, model.experiment_id), "lrl2")
    service.explain_model(ws, lrl2.id, rows=7, progress=reports.append)  # with the background step
    with pytest.raises(InvalidInput) as err:
        service.row_choices(ws, model.id, expl, kind="confident", k=0)
    raised.append(err.value)

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    hangul = re.compile(r"[\uac00-\ud7a3]")
    for exc in raised:
        assert hangul.search(i18n.message(exc.message)), exc.message
        assert hangul.search(i18n.message(exc.hint, kind="HINTS")), exc.hint
    assert hangul.search(i18n.progress(job.title)), job.title
    assert len(reports) >= 8 and any("background" in r.message for r in reports)
    for report in reports:
        assert hangul.search(i18n.progress(report.message)), report.message
    for note in notes:
        assert hangul.search(i18n.message(note, kind="NOTES")), note
