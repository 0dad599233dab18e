"""The model card (core.explain.card): every section filled from the store, Markdown and HTML, and `mlcycle models card`.

One tiny real model (LightGBM on the churn frame) of a project with a problem statement, testing a
hypothesis, is evaluated, benchmarked, gated, promoted, explained and given the user's fields once
per module; the card must carry each of those real values. A bare model shows what each section says
when nothing is recorded.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.shared import cli, cli_json
from tests.tiny_models import add_model, churn_frame, make_model

CAVEAT = "Trained on one year of customers only; 고객 이탈 예측은 2024년 자료만 반영합니다."
GATE = "roc_auc >= 0.999 and p99_ms <= 100000"


@dataclass(frozen=True)
class Built:
    root: Path
    model_id: str
    project_id: str
    hypothesis_id: str
    experiment_id: str


def _experiment(ws, tmp_path: Path, frame, *, project=None, hypothesis_id=None, name="data.csv"):
    """An experiment on ``frame`` (optionally testing a hypothesis) whose search is marked done without running."""
    from core import experiments
    from core.data import datasets
    from core.experiments.search import SearchConfig

    path = tmp_path / name
    frame.to_csv(path, index=False)
    version = datasets.add_dataset(ws, path, project_id=project.id if project else None, license="CC BY 4.0",
                                   source_note="exported from the CRM").version
    exp = experiments.create_experiment(ws, version.id, SearchConfig(target="churned", time_budget=2, n_jobs=1),
                                        project_id=project.id if project else None, hypothesis_id=hypothesis_id,
                                        start_worker=False, name="Churn search")
    with ws.write() as db:
        db["jobs"].update(exp.job_id, {"status": "done", "progress": 1.0})
        db["experiments"].update(exp.id, {"status": "done"})
    return experiments.get_experiment(ws, exp.id)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    from core.define import hypotheses, projects
    from core.evaluation import benchmark, gates, registry, scoring, verdicts
    from core.explain import card, service
    from core.workspace import Workspace

    base = tmp_path_factory.mktemp("card")
    ws = Workspace(base / "ws")
    project = projects.create_project(ws, "Retention")
    projects.update_project(ws, project.id, problem_statement="Find customers about to cancel before they do.")
    hyp = hypotheses.create_hypothesis(ws, project.id, question="Can usage predict churn?",
                                       statement="Usage predicts churn", metric="roc_auc", threshold=0.6)
    exp = _experiment(ws, base, churn_frame(), project=project, hypothesis_id=hyp.id)
    model = add_model(ws, exp, "lgbm")
    scoring.evaluate_model(ws, model.id)
    verdicts.judge_experiment(ws, exp.id)
    benchmark.benchmark_model(ws, model.id, calls=50, min_seconds=0.01)
    gates.set_gate(ws, project.id, GATE)
    registry.promote(ws, model.id, "candidate", note="first look", actor="kim")
    service.explain_model(ws, model.id, rows=40)
    card.set_card_fields(ws, model.id, {"caveats": CAVEAT, "owners": "Data team (kim@example.com)"}, actor="kim")
    return Built(ws.root, model.id, project.id, hyp.id, exp.id)


@pytest.fixture
def full(built: Built):
    """The built workspace (read only)."""
    from core.workspace import Workspace

    return Workspace(built.root), built


def _text(section) -> str:
    """Everything a section says: paragraphs, table titles, notes and cells."""
    parts = list(section.paragraphs)
    for t in section.tables:
        parts += [t.title, *t.notes, *t.header, *(c for row in t.rows for c in row)]
    return "\n".join(parts)


# ---------------------------------------------------------------- every section, real values

def test_every_section_is_present_in_order_and_holds_the_real_values(full):
    from core import experiments
    from core.data import datasets
    from core.define import hypotheses
    from core.evaluation import benchmark, gates, scoring
    from core.experiments.learners import LEARNERS
    from core.explain import card, service

    ws, b = full
    c = card.build_card(ws, b.model_id)
    assert c.keys == list(card.TITLES)
    assert [s.title for s in c.sections] == list(card.TITLES.values())
    assert all(s.paragraphs or s.tables for s in c.sections)
    model = experiments.get_model(ws, b.model_id)
    exp = experiments.get_experiment(ws, b.experiment_id)
    data = datasets.get_version(ws, exp.dataset_version_id)
    train = datasets.get_version(ws, exp.train_version_id)
    ev = scoring.get_evaluation(ws, b.model_id)
    bench = benchmark.latest_benchmarks(ws, [b.model_id])[b.model_id]
    result = gates.check_models(ws, b.project_id, [b.model_id])[b.model_id]
    hyp = hypotheses.get_hypothesis(ws, b.hypothesis_id)
    stored = service.latest_explanation(ws, b.model_id)

    details = _text(c.section("model_details"))
    assert "lgbm" in c.title and "Churn search" in c.title
    assert LEARNERS["lgbm"].description in details and b.model_id in details
    assert "mlcycle-model/2" in details and "candidate" in details and "first look" in details
    assert "Data team (kim@example.com)" in details and "CC BY 4.0" in details

    intended = _text(c.section("intended_use"))
    assert "Find customers about to cancel before they do." in intended
    assert hyp.statement in intended and hyp.criterion in intended
    assert hyp.verdict["outcome"] in intended  # the verdict judge_experiment reached

    metrics = _text(c.section("metrics"))
    assert "roc_auc" in metrics and "higher is better" in metrics

    training = _text(c.section("training_data"))
    assert data.sha256 in training and "data.csv" in training and "exported from the CRM" in training
    assert f"v{train.number}" in training and f"{train.n_rows} rows" in training
    assert card.NO_LABEL_TASK in training
    counts = datasets.load_frame(ws, train.id)["churned"].value_counts()
    rows = {r[0]: r[1] for t in c.section("training_data").tables if t.header[0] == "Class" for r in t.rows}
    assert rows == {k: str(v) for k, v in counts.items()}

    evaluation = _text(c.section("evaluation_data"))
    assert "holdout" in evaluation and f"{ev.n_rows} held-out rows" in evaluation

    quant = _text(c.section("quantitative_analyses"))
    assert card.num(ev.value) in quant and card.num(ev.low) in quant and card.num(ev.high) in quant
    assert result.status == "fail" and GATE in quant
    assert result.failing and all(clause in quant for clause in result.failing)  # the failing clause, as written
    assert f"{card.num(bench.p99_ms)} ms" in quant and f"{card.num(bench.p50_ms)} ms" in quant
    per_class = next(t for t in c.section("quantitative_analyses").tables if t.header[0] == "Class")
    assert {r[0] for r in per_class.rows} == {"yes", "no"}

    explanation = _text(c.section("explanation"))
    top = max(stored.importance["__all__"].items(), key=lambda kv: kv[1])
    table = c.section("explanation").tables[0]
    assert table.rows[0][1] == top[0] and table.rows[0][2] == card.num(top[1])
    assert "tree" in explanation and "40 rows" in explanation

    procedure = _text(c.section("training_procedure"))
    assert "n_estimators" in procedure and str(model.config["n_estimators"]) in procedure
    assert model.environment["python"] in procedure and "lightgbm" in procedure

    drift = c.section("drift_baseline").tables[0]
    assert [r[0] for r in drift.rows] == ["x1", "x2", "plan"]
    assert card.num(model.reference_stats["columns"]["x1"]["mean"]) in drift.rows[0][2]
    assert "basic" in drift.rows[2][2]

    caveats = _text(c.section("caveats_and_recommendations"))
    assert CAVEAT in caveats


def test_both_documents_carry_the_values_readably(full):
    from core.evaluation import scoring
    from core.explain import card

    ws, b = full
    c = card.build_card(ws, b.model_id)
    ev = scoring.get_evaluation(ws, b.model_id)
    md, page = card.to_markdown(c), card.to_html(c)
    for title in card.TITLES.values():
        assert f"## {title}\n" in md and f"<h2>{title}</h2>" in page
    for doc in (md, page):
        assert card.num(ev.value) in doc and "2024년" in doc and "Usage predicts churn" in doc
        assert not re.search(r"\d\.\d{7,}", doc), "a raw float"
        assert not re.search(r"\bNone\b|\bnan\b", doc)
    # no heading without content: every heading is followed by text before the next one
    assert not re.search(r"^## .*\n\n## ", md, re.M)


def test_numbers_read_well():
    from core.explain.card import num

    assert [num(0.912345678), num(1234.5678), num(12), num(3.0), num(1e-6), num(None)] == [
        "0.9123", "1,235", "12", "3", "1e-06", "—"]


def test_the_training_data_names_the_lineage_of_a_derived_version_and_its_upload(ws, tmp_path):
    from core import experiments
    from core.data import datasets
    from core.experiments.search import SearchConfig
    from core.explain import card

    path = tmp_path / "customers.csv"
    churn_frame().assign(note="x").to_csv(path, index=False)
    upload = datasets.add_dataset(ws, path, license="internal").version
    derived = datasets.derive_version(ws, upload.id, {"op": "drop_columns", "columns": ["note"]})
    exp = experiments.create_experiment(ws, derived.id, SearchConfig(target="churned", time_budget=2, n_jobs=1),
                                        start_worker=False)
    model = add_model(ws, experiments.get_experiment(ws, exp.id), "lgbm")
    section = card.build_card(ws, model.id).section("training_data")
    data = {r[0]: r[1] for r in section.tables[0].rows}
    assert data["Version"] == f"v{derived.number} ({derived.id})" and data["Content sha256"] == derived.sha256
    assert data["Source file"] == "customers.csv" and data["License"] == "internal"
    lineage = next(t for t in section.tables if t.title.startswith("Lineage"))
    assert [r[1] for r in lineage.rows] == [derived.id, upload.id]
    assert "dropped" in lineage.rows[0][2] and "note" in lineage.rows[0][2]
    assert lineage.rows[1][2] == "uploaded from customers.csv"


def test_a_regression_card_summarises_the_target_and_has_no_class_tables(ws, tmp_path):
    import numpy as np

    from core import experiments
    from core.data import datasets
    from core.evaluation import scoring
    from core.explain import card
    from tests.tiny_models import make_experiment

    frame = churn_frame().drop(columns=["churned"])
    frame["spend"] = frame["x1"] * 3 + np.random.default_rng(0).normal(size=len(frame))
    model = add_model(ws, make_experiment(ws, tmp_path, frame=frame, target="spend"), "lgbm")
    ev = scoring.evaluate_model(ws, model.id)
    c = card.build_card(ws, model.id)
    summary = next(t for t in c.section("training_data").tables if t.header == ["Statistic", "Value"])
    exp = experiments.get_experiment(ws, model.experiment_id)
    train = datasets.load_frame(ws, exp.train_version_id)["spend"]
    assert dict(summary.rows)["rows with a value"] == f"{len(train)}"
    assert dict(summary.rows)["maximum"] == card.num(train.max()) and dict(summary.rows)["mean"] == card.num(train.mean())
    quant = c.section("quantitative_analyses")
    assert [t.header[0] for t in quant.tables] == ["Metric"]  # no per-class table
    assert quant.tables[0].rows[0][:2] == ["* r2", card.num(ev.value)]


# ---------------------------------------------------------------- nothing recorded

def test_a_bare_model_says_in_each_section_what_is_missing_and_how_to_fill_it(ws, tmp_path):
    from core.explain import card

    model = make_model(ws, tmp_path)
    c = card.build_card(ws, model.id)
    assert c.keys == list(card.TITLES)
    for s in c.sections:
        assert s.paragraphs, s.key  # never a heading alone
    said = {s.key: _text(s) for s in c.sections}
    assert "no gate applies" in said["quantitative_analyses"]
    assert f"not benchmarked yet: run `mlcycle models benchmark {model.id}`" in said["quantitative_analyses"]
    assert f"`mlcycle models evaluate {model.id}`" in said["evaluation_data"]
    assert f"Not explained yet: `mlcycle explain {model.id}`" in said["explanation"]
    assert "tests no hypothesis" in said["intended_use"] and "belongs to no project" in said["intended_use"]
    assert "never been moved between stages" in said["model_details"]
    assert "no license recorded" in said["model_details"]
    for key, section in (("intended_use", "intended_use"), ("out_of_scope", "intended_use"),
                         ("factors", "factors"), ("ethical_considerations", "ethical_considerations"),
                         ("caveats", "caveats_and_recommendations"),
                         ("recommendations", "caveats_and_recommendations"), ("owners", "model_details")):
        assert f"--set {key}=" in said[section], key  # how to fill it
    assert "not written yet" in said["caveats_and_recommendations"]
    md = card.to_markdown(c)
    assert not re.search(r"\bNone\b", md) and not re.search(r"^## .*\n\n## ", md, re.M)


# ---------------------------------------------------------------- escaping and Korean

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def odd_model(ws, tmp_path):
    """A model whose data has a column named like a script tag and a Korean column, in a Korean-named dataset."""
    frame = churn_frame().rename(columns={"x2": SCRIPT, "plan": "요금제"})
    exp = _experiment(ws, tmp_path, frame, name="고객 이탈.csv")
    return add_model(ws, exp, "lgbm")


def test_html_escapes_a_script_in_a_user_field_and_in_a_column_name(ws, odd_model):
    from core.explain import card

    card.set_card_fields(ws, odd_model.id, {"factors": f"Region {SCRIPT} & <b>bold</b>", "owners": "a | b\nc"})
    c = card.build_card(ws, odd_model.id)
    drift = c.section("drift_baseline").tables[0]
    assert SCRIPT in [r[0] for r in drift.rows]  # the column is in the card, as written
    page = card.to_html(c)
    assert "<script" not in page.lower() and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "<style>" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page) and "@import" not in page
    assert "url(" not in page
    md = card.to_markdown(c)
    assert SCRIPT not in md and r"\<script\>" in md
    owners_row = next(line for line in md.splitlines() if line.startswith("| Owners |"))
    assert len(re.findall(r"(?<!\\)\|", owners_row)) == 3  # the user's pipe and newline do not split the row
    assert r"a \| b<br>c" in owners_row


def test_korean_text_survives_in_both_formats(ws, odd_model, capsys, tmp_path):
    from core.explain import card

    card.set_card_fields(ws, odd_model.id, {"intended_use": "이탈 위험 고객에게 먼저 연락하기 위한 모델입니다."})
    c = card.build_card(ws, odd_model.id)
    for doc in (card.to_markdown(c), card.to_html(c)):
        assert "이탈 위험 고객에게 먼저 연락하기 위한 모델입니다." in doc
        assert "요금제" in doc and "고객 이탈" in doc  # a column name and the dataset's name
    out = tmp_path / "카드.html"
    code, _, err = cli(ws, capsys, "models", "card", odd_model.id, "--format", "html", "--out", str(out))
    assert code == 0, err
    page = out.read_bytes().decode("utf-8")
    assert "이탈 위험 고객에게" in page and '<meta charset="utf-8">' in page


# ---------------------------------------------------------------- the user's fields

def test_set_card_fields_keeps_the_saved_fields_rejects_unknown_keys_and_records_changes(ws, tmp_path):
    from core.errors import InvalidInput
    from core.explain import card
    from core.store.activity import list_events

    model = make_model(ws, tmp_path)
    assert card.card_fields(ws, model.id) == dict.fromkeys(card.CARD_FIELDS, "")
    card.set_card_fields(ws, model.id, {"caveats": "  Small data.\r\nOne region.  "}, actor="kim")
    saved = card.set_card_fields(ws, model.id, {"owners": "kim"}, actor="lee")
    assert saved["caveats"] == "Small data.\nOne region." and saved["owners"] == "kim"
    assert card.card_fields(ws, model.id) == saved
    with pytest.raises(InvalidInput, match="'caveat' is not a field of a model card; did you mean 'caveats'"):
        card.set_card_fields(ws, model.id, {"caveat": "x", "owners": "someone else"})
    assert card.card_fields(ws, model.id) == saved  # nothing of a refused call is written
    events = [e for e in list_events(ws, limit=50) if e.verb == "card"]
    assert len(events) == 2 and events[0].object_id == model.id and "by lee" in events[0].message
    card.set_card_fields(ws, model.id, {"owners": "kim"})  # no change: no event
    assert len([e for e in list_events(ws, limit=50) if e.verb == "card"]) == 2
    cleared = card.set_card_fields(ws, model.id, {"caveats": ""})
    assert cleared["caveats"] == "" and cleared["owners"] == "kim"
    c = card.build_card(ws, model.id)
    assert "Caveats: not written yet" in _text(c.section("caveats_and_recommendations"))
    assert "kim" in _text(c.section("model_details"))


def test_a_user_field_with_backticks_reads_as_written():
    from core.explain.card import ModelCard, Section, literal, to_html, to_markdown

    text = "Use `score` only; a\\b"
    c = ModelCard("mdl_x", "Model card: x", [Section("caveats_and_recommendations", "Caveats", [literal(text)])])
    assert "Use `score` only; a\\b" in to_html(c)  # not turned into code, the backslash kept
    assert r"Use \`score\` only; a\\b" in to_markdown(c)


# ---------------------------------------------------------------- the CLI

def test_cli_card_markdown_to_stdout_html_to_a_file_and_json(full, capsys, tmp_path):
    from core.explain import card
    from core.workspace import Workspace

    _, b = full
    root = tmp_path / "ws"
    shutil.copytree(b.root, root, ignore=shutil.ignore_patterns("worker.*", "*.lock"))
    ws = Workspace(root)
    code, out, err = cli(ws, capsys, "models", "card", b.model_id)
    assert code == 0, err
    assert out.startswith("# Model card: lgbm") and "## Quantitative analyses" in out and CAVEAT in out

    target = tmp_path / "card.html"
    code, out, err = cli(ws, capsys, "models", "card", b.model_id, "--format", "html", "--out", str(target))
    assert code == 0, err
    assert str(target) in out and "html" in out
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    data = cli_json(ws, capsys, "models", "card", b.model_id)
    assert data["model"] == b.model_id and data["format"] == "md" and data["sections"] == list(card.TITLES)
    assert data["text"].startswith("# Model card") and "path" not in data
    data = cli_json(ws, capsys, "models", "card", b.model_id, "--format", "html", "--out", str(tmp_path / "c.html"))
    assert data["path"] == str(tmp_path / "c.html") and "text" not in data

    data = cli_json(ws, capsys, "models", "card", b.model_id, "--set", "factors=Only one region", "--by", "park")
    assert data["fields"]["factors"] == "Only one region" and data["fields"]["caveats"] == CAVEAT
    assert "Only one region" in data["text"] and json.dumps(data)
