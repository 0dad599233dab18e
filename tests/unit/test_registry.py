"""The registry: stages with their history (who, when, why), one production model per project, gates guard production."""

from __future__ import annotations

import json
import sqlite3

import pytest

from core import experiments
from core.errors import Conflict
from core.evaluation import gates, registry
from core.ids import new_id, parse_time, utcnow
from core.store.activity import list_events
from tests.conftest import make_project
from tests.tiny_models import add_model, make_experiment


@pytest.fixture
def three(ws, tmp_path):
    """A project with three tiny models of one experiment, and another project with one."""
    project = make_project(ws, "Churn")
    exp = make_experiment(ws, tmp_path, project=project)
    models = [add_model(ws, exp, learner) for learner in ("lgbm", "lrl2", "lgbm")]
    other = make_project(ws, "Other")
    other_model = add_model(ws, make_experiment(ws, tmp_path, project=other, name="other.csv"), "lrl2")
    return project, models, other, other_model


def test_promoting_a_second_production_model_archives_the_first(ws, three):
    project, (a, b, c), other, other_model = three
    assert registry.production_model(ws, project.id) is None and a.stage == "none" and a.project_id == project.id
    assert registry.promote(ws, a.id, "production", note="first", actor="kim").stage == "production"
    registry.promote(ws, other_model.id, "production", actor="lee")  # another project keeps its own
    assert registry.production_model(ws, project.id).id == a.id
    assert registry.promote(ws, b.id, "production", note="better AUC", actor="park").stage == "production"
    assert registry.production_model(ws, project.id).id == b.id
    old = experiments.get_model(ws, a.id)
    assert old.stage == "archived" and old.archived_at  # still looked up, marked archived
    assert registry.production_model(ws, other.id).id == other_model.id
    with ws.read() as db:
        n = db.execute("SELECT COUNT(*) FROM models WHERE project_id = ? AND stage = 'production'",
                       [project.id]).fetchone()[0]
    assert n == 1
    latest = registry.stage_history(ws, model_id=a.id)[0]
    assert (latest.old_stage, latest.new_stage, latest.note, latest.actor) == ("production", "archived",
                                                                               f"replaced by {b.id}", "park")
    events = [e for e in list_events(ws, project_id=project.id, limit=50) if e.object_kind == "model"]
    assert any(e.object_id == a.id and "replaced by" in e.message and b.id in e.message for e in events)
    assert any(e.object_id == b.id and e.verb == "promoted" and "better AUC" in e.message for e in events)


def test_the_store_itself_refuses_a_second_production_model(ws, three):
    project, (a, b, _c), _other, _m = three
    registry.promote(ws, a.id, "production")
    with pytest.raises(sqlite3.IntegrityError), ws.write() as db:
        db.execute("UPDATE models SET stage = 'production' WHERE id = ?", [b.id])
    assert registry.production_model(ws, project.id).id == a.id


def test_history_keeps_who_when_and_why_newest_first(ws, three, monkeypatch):
    project, (a, b, _c), _other, _m = three
    before = utcnow()
    registry.promote(ws, a.id, "candidate", note="looks good", actor="kim")
    monkeypatch.setattr(registry.getpass, "getuser", lambda: "os-user")
    registry.promote(ws, a.id, "production", note="ship it")  # no actor: the OS user name
    registry.promote(ws, b.id, "candidate", actor="lee")
    assert registry.promote(ws, a.id, "production", actor="lee").stage == "production"  # already: nothing recorded
    history = registry.stage_history(ws, model_id=a.id)
    assert [(h.old_stage, h.new_stage, h.actor, h.note) for h in history] == [
        ("candidate", "production", "os-user", "ship it"), ("none", "candidate", "kim", "looks good")]
    assert history[0].seq > history[1].seq and history[0].learner == "lgbm"
    assert all(parse_time(h.at) >= parse_time(before) for h in history)
    everything = registry.stage_history(ws, project_id=project.id)
    assert [h.model_id for h in everything] == [b.id, a.id, a.id]
    assert registry.stage_history(ws, model_id=b.id)[0].project_id == project.id


def test_leaving_archived_clears_the_mark_and_the_model_can_return(ws, three):
    _project, (a, _b, _c), _other, _m = three
    archived = registry.promote(ws, a.id, "archived", note="stale")
    assert archived.stage == "archived" and archived.archived_at
    back = registry.promote(ws, a.id, "candidate", note="retrained data looks the same")
    assert back.stage == "candidate" and back.archived_at is None
    assert [h.new_stage for h in registry.stage_history(ws, model_id=a.id)] == ["candidate", "archived"]
    assert registry.promote(ws, a.id, "None").stage == "none"  # stage names are case-insensitive


def _benchmark(ws, model_id: str, p99: float) -> None:
    with ws.write() as db:
        db["benchmarks"].insert({"id": new_id("bm"), "model_id": model_id, "p99_ms": p99, "created_at": utcnow(),
                                 "rows_per_s": json.dumps({"1": 100.0})})


def test_the_gate_refuses_production_to_a_failing_model_unless_forced(ws, three):
    project, (a, b, _c), _other, _m = three
    gates.set_gate(ws, project.id, "roc_auc >= 0.5 and p99_ms <= 10")
    _benchmark(ws, a.id, 14.2)
    with pytest.raises(Conflict) as info:
        registry.promote(ws, a.id, "production", note="urgent")
    assert "fails the project's gate" in info.value.message and "p99_ms <= 10 (is 14.2)" in info.value.message
    assert "--force" in info.value.hint
    assert experiments.get_model(ws, a.id).stage == "none" and registry.stage_history(ws, model_id=a.id) == []
    forced = registry.promote(ws, a.id, "production", note="urgent", actor="kim", force=True)
    assert forced.stage == "production"
    note = registry.stage_history(ws, model_id=a.id)[0].note
    assert note.startswith("urgent") and "Promoted past the gate" in note and "p99_ms <= 10 (is 14.2)" in note
    # a model the gate cannot judge yet (never benchmarked) is refused too, saying what to do
    with pytest.raises(Conflict, match="benchmark the model"):
        registry.promote(ws, b.id, "production")
    _benchmark(ws, b.id, 3.0)
    assert registry.promote(ws, b.id, "production").stage == "production"  # passes: no force needed
    assert experiments.get_model(ws, a.id).stage == "archived"
    # candidate is never gated
    gates.set_gate(ws, project.id, "roc_auc >= 0.9999")
    assert registry.promote(ws, a.id, "candidate").stage == "candidate"
