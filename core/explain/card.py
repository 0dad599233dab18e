"""The model card: what a model is, what it is for and how it was made, filled from lineage.

A card follows the fields of Mitchell et al., "Model Cards for Model Reporting" (FAT* 2019),
with the sections MLCycle can fill from its own records (:data:`TITLES`, in order): model
details, intended use, factors, metrics, training data, evaluation data, quantitative
analyses, explanation, training procedure, drift baseline, ethical considerations, and
caveats and recommendations. Everything but the user's own words is read from the store
(the model, its experiment and spec, the dataset versions and their lineage, the evaluation,
benchmark, gate, registry history, hypothesis verdict, stored explanation and reference
statistics); the parts only a person can write (:data:`CARD_FIELDS`: intended use, out of
scope uses, factors, ethical considerations, caveats, recommendations, owners) are kept in
the ``model_cards`` table (:func:`set_card_fields`). A section with nothing recorded says
what is missing and how to fill it, never an empty heading.

:func:`build_card` gathers a :class:`ModelCard`; :func:`to_markdown` and :func:`to_html`
write it as a document. The card is English (a document handed on as it is); the section
titles are the literal table :data:`TITLES`, so another language can be added later.

Paragraph text is plain text with one convention: a span between backticks is code (a
command, an id), and a backslash makes the next character literal (user text has its
backticks and backslashes escaped that way, :func:`literal`). Table cells are plain text.

Example:
    >>> set_card_fields(ws, model.id, {"caveats": "Trained on 2024 customers only."}, actor="kim")
    >>> card = build_card(ws, model.id)
    >>> [s.key for s in card.sections][:3]
    ['model_details', 'intended_use', 'factors']
    >>> Path("card.html").write_text(to_html(card), encoding="utf-8")
"""

from __future__ import annotations

import difflib
import html
import importlib
import importlib.util
import io
import json
import math
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.data.readers import binary_size
from core.errors import InvalidInput, MLCycleError
from core.experiments.entities import Experiment, Model
from core.experiments.service import get_experiment, get_model
from core.ids import utcnow
from core.store.activity import record_event, shorten
from core.workspace import Workspace

__all__ = ["CARD_FIELDS", "FIELD_LABELS", "MAX_FIELD_CHARS", "NO_LABEL_TASK", "TITLES", "ModelCard", "Section",
           "Table", "build_card", "card_fields", "literal", "set_card_fields", "to_html", "to_markdown"]

# ---------------------------------------------------------------- the user's fields

CARD_FIELDS = ("intended_use", "out_of_scope", "factors", "ethical_considerations", "caveats", "recommendations",
               "owners")
FIELD_LABELS: dict[str, str] = {
    "intended_use": "Intended use",
    "out_of_scope": "Out-of-scope uses",
    "factors": "Factors",
    "ethical_considerations": "Ethical considerations",
    "caveats": "Caveats",
    "recommendations": "Recommendations",
    "owners": "Owners",
}
FIELD_HELP: dict[str, str] = {
    "intended_use": "what the model is for, and who should use it",
    "out_of_scope": "uses the model was not made or checked for",
    "factors": "groups, instruments or conditions across which its performance may differ",
    "ethical_considerations": "sensitive data, people affected, risks and how they are handled",
    "caveats": "known limitations",
    "recommendations": "what a user of the model should do or check",
    "owners": "who is responsible for the model, and how to reach them",
}
MAX_FIELD_CHARS = 5000  # one field's text, in characters
MAX_OWNERS_CHARS = 500

# ---------------------------------------------------------------- the sections

# Section key -> title, in the card's order (a literal table: a later language translates the values).
TITLES: dict[str, str] = {
    "model_details": "Model details",
    "intended_use": "Intended use",
    "factors": "Factors",
    "metrics": "Metrics",
    "training_data": "Training data",
    "evaluation_data": "Evaluation data",
    "quantitative_analyses": "Quantitative analyses",
    "explanation": "Explanation",
    "training_procedure": "Training procedure",
    "drift_baseline": "Drift baseline",
    "ethical_considerations": "Ethical considerations",
    "caveats_and_recommendations": "Caveats and recommendations",
}
NO_LABEL_TASK = "Labels as uploaded; no labeling task."
TOP_FEATURES = 10
_MISSING = "—"


@dataclass(frozen=True)
class Table:
    """A table of a section: plain-text cells (numbers already formatted).

    Attributes:
        title: what it shows (a caption).
        header: the column names.
        rows: the rows, each as long as ``header``.
        notes: sentences shown between the caption and the table (paragraph text).
    """

    title: str
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Section:
    """One section of a card: paragraphs (plain text with `` `code` `` spans), then tables.

    Attributes:
        key: the stable key (one of :data:`TITLES`).
        title: its title.
        paragraphs: its sentences; a part with nothing recorded says what is missing and how to fill it.
        tables: its tables, shown after the paragraphs.
    """

    key: str
    title: str
    paragraphs: list[str]
    tables: list[Table] = field(default_factory=list)


@dataclass(frozen=True)
class ModelCard:
    """A model card (:func:`build_card`).

    Attributes:
        model_id: the model.
        title: ``Model card: <learner> · <experiment name>``.
        sections: every section of :data:`TITLES`, in that order.
        generated_at: when the card was gathered (UTC, ISO-8601).
    """

    model_id: str
    title: str
    sections: list[Section]
    generated_at: str = ""

    def section(self, key: str) -> Section:
        """The section with this key.

        Raises:
            KeyError: if the card has no such section.
        """
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        """The sections' keys, in order."""
        return [s.key for s in self.sections]


# ---------------------------------------------------------------- text helpers

def literal(text: Any) -> str:
    """User text as paragraph text: shown exactly as written (its backticks are not code).

    Args:
        text: anything (``None`` becomes ``""``).

    Returns:
        The text with backslashes and backticks escaped by a backslash.
    """
    return str("" if text is None else text).replace("\\", "\\\\").replace("`", "\\`")


def _code(text: Any) -> str:
    """A code span holding ``text`` (an id, a column, a command); backticks inside are left out."""
    return "`" + str(text).replace("`", "'").replace("\\", "/") + "`"


def num(x: Any, digits: int = 4) -> str:
    """A number for the card: whole numbers with thousands separators, else ``digits`` significant digits.

    Args:
        x: a number (``None``, or a value that is not a number, gives a dash).
        digits: significant digits of a fraction.

    Returns:
        ``"1,234"``, ``"0.9123"``, ``"12.35"``, ``"1.2e-05"``; ``"—"`` when missing.
    """
    if x is None or isinstance(x, bool):
        return _MISSING if x is None else str(x)
    try:
        value = float(x)
    except (TypeError, ValueError):
        return str(x)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 1e-3:
        return f"{value:.{digits}g}"
    return f"{value:.{max(1, digits - 1)}g}"


def _pct(share: Any) -> str:
    if share is None:
        return _MISSING
    value = float(share) * 100
    return f"{value:.0f}%" if value == 0 or value >= 10 or value.is_integer() else f"{value:.2g}%"


def _size(n_bytes: Any) -> str:
    return _MISSING if n_bytes is None else binary_size(n_bytes)


def _when(iso: str | None) -> str:
    return f"{iso[:16].replace('T', ' ')} UTC" if iso else _MISSING


def _interval(entry: dict[str, Any] | None) -> str:
    if not entry or entry.get("low") is None or entry.get("high") is None:
        return _MISSING
    return f"[{num(entry['low'])}, {num(entry['high'])}]"


def _cell(value: Any) -> str:
    if value is None:
        return _MISSING
    if isinstance(value, float | int) and not isinstance(value, bool):
        return num(value)
    return str(value)


# ---------------------------------------------------------------- the user's fields: read and write

def _card_row(ws: Workspace, model_id: str) -> dict[str, Any] | None:
    with ws.read() as db:
        row = db.execute("SELECT * FROM model_cards WHERE model_id = ?", [model_id]).fetchone()
    return dict(row) if row else None


def _decode(raw: Any) -> dict[str, str]:
    try:
        data = json.loads(raw) if isinstance(raw, str) else (raw or {})
    except json.JSONDecodeError:
        data = {}
    return {k: str(data.get(k) or "") for k in CARD_FIELDS} if isinstance(data, dict) else dict.fromkeys(
        CARD_FIELDS, "")


def card_fields(ws: Workspace, model_id: str) -> dict[str, str]:
    """The parts of a model's card its users wrote.

    Args:
        ws: the workspace.
        model_id: the model.

    Returns:
        Every key of :data:`CARD_FIELDS` with its text, ``""`` when unset.

    Raises:
        NotFound: if there is no such model.
    """
    get_model(ws, model_id)
    row = _card_row(ws, model_id)
    return _decode(row["fields"]) if row else dict.fromkeys(CARD_FIELDS, "")


def _unknown_field(key: str) -> InvalidInput:
    close = difflib.get_close_matches(str(key), CARD_FIELDS, n=1)
    return InvalidInput(f"'{key}' is not a field of a model card" + (f"; did you mean '{close[0]}'?" if close else "."),
                        hint="The fields are: " + ", ".join(CARD_FIELDS) + ".")


def _clean_value(key: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"The model card's field '{key}' must be text, not {type(value).__name__}.",
                           hint="Write it as text.")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise InvalidInput(f"The model card's field '{key}' contains a NUL character.",
                           hint="Paste the text again as plain text.")
    limit = MAX_OWNERS_CHARS if key == "owners" else MAX_FIELD_CHARS
    if len(text) > limit:
        raise InvalidInput(f"The model card's field '{key}' is {len(text):,} characters long; it may hold at most "
                           f"{limit:,}.", hint="Shorten it, or put the details in a document and name it here.")
    return text


def set_card_fields(ws: Workspace, model_id: str, fields: dict[str, Any], *, actor: str = "") -> dict[str, str]:
    """Write some of the user's parts of a model's card; the others keep their text.

    Every key is checked before anything is written. An empty text clears a field. A change
    is recorded in the activity feed (``model``, verb ``card``) naming the fields changed.

    Args:
        ws: the workspace.
        model_id: the model.
        fields: ``{field: text}`` for some keys of :data:`CARD_FIELDS`.
        actor: who writes them (default: the OS user name).

    Returns:
        Every field with its text now (as :func:`card_fields`).

    Raises:
        NotFound: if there is no such model.
        InvalidInput: naming an unknown field (and the close one), a value that is not text,
            or a text longer than :data:`MAX_FIELD_CHARS` (:data:`MAX_OWNERS_CHARS` for owners).
            Nothing is written then.
    """
    from core.evaluation.registry import current_actor

    model = get_model(ws, model_id)
    if not isinstance(fields, dict):
        raise InvalidInput("Model card fields are given as {field: text}.", hint="The fields are: "
                           + ", ".join(CARD_FIELDS) + ".")
    for key in fields:
        if key not in CARD_FIELDS:
            raise _unknown_field(key)
    cleaned = {key: _clean_value(key, value) for key, value in fields.items()}
    who = (actor or "").strip() or current_actor()
    with ws.write() as db:
        row = db.execute("SELECT fields FROM model_cards WHERE model_id = ?", [model.id]).fetchone()
        old = _decode(row[0]) if row else dict.fromkeys(CARD_FIELDS, "")
        new = old | cleaned
        changed = [k for k in CARD_FIELDS if new[k] != old[k]]
        if not changed:
            return new
        db["model_cards"].upsert({"model_id": model.id, "fields": json.dumps({k: v for k, v in new.items() if v},
                                                                             ensure_ascii=False),
                                  "updated_by": who, "updated_at": utcnow()}, pk="model_id")
        what = ", ".join(FIELD_LABELS[k].lower() for k in changed)
        record_event(db, object_kind="model", object_id=model.id, verb="card",
                     message=f"Model card of {model.learner} ({model.id}) edited by {shorten(who, 40)}: {what}",
                     project_id=model.project_id)
    return new


# ---------------------------------------------------------------- gathering

class _Gather:
    """What a card reads, loaded once; every reader says what is missing rather than failing."""

    def __init__(self, ws: Workspace, model: Model) -> None:
        self.ws = ws
        self.model = model
        self.exp: Experiment = get_experiment(ws, model.experiment_id)
        row = _card_row(ws, model.id)
        self.fields = _decode(row["fields"]) if row else dict.fromkeys(CARD_FIELDS, "")
        self.fields_by = (row or {}).get("updated_by") or ""
        self.fields_at = (row or {}).get("updated_at") or ""
        self.problems: list[str] = []

    def safely(self, what: str, read: Callable[[], Any]) -> Any:
        """``read()``, or ``None`` with a sentence kept when the store cannot give it."""
        try:
            return read()
        except MLCycleError as exc:
            self.problems.append(f"{what} could not be read: {exc.message}")
            return None

    def cli(self, command: str) -> str:
        return _code(f"mlcycle {command}")

    def field_missing(self, key: str) -> str:
        return (f"{FIELD_LABELS[key]}: not written yet ({FIELD_HELP[key]}). Write it on the Explain page's "
                f"Model card tab, or with "
                + self.cli(f'models card {self.model.id} --set {key}="..."') + ".")

    def user_text(self, key: str, label: bool = False) -> list[str]:
        """A user field as paragraphs (split at blank lines), or the sentence saying it is missing."""
        text = self.fields.get(key, "")
        if not text:
            return [self.field_missing(key)]
        parts = [literal(p.strip("\n")) for p in re.split(r"\n\s*\n", text) if p.strip()]
        if label:
            parts[0] = f"{FIELD_LABELS[key]}: " + parts[0]
        return parts


def build_card(ws: Workspace, model_id: str) -> ModelCard:
    """Gather a model's card from the store: every section of :data:`TITLES`, in order.

    Args:
        ws: the workspace.
        model_id: the model.

    Returns:
        The card. A part the store does not hold yet (no evaluation, benchmark, explanation,
        user text...) is a sentence saying what is missing and how to fill it.

    Raises:
        NotFound: if there is no such model (or its experiment is gone).
    """
    model = get_model(ws, model_id)
    g = _Gather(ws, model)
    builders: dict[str, Callable[[_Gather], tuple[list[str], list[Table]]]] = {
        "model_details": _model_details, "intended_use": _intended_use, "factors": _factors,
        "metrics": _metrics, "training_data": _training_data, "evaluation_data": _evaluation_data,
        "quantitative_analyses": _quantitative, "explanation": _explanation,
        "training_procedure": _training_procedure, "drift_baseline": _drift_baseline,
        "ethical_considerations": _ethical, "caveats_and_recommendations": _caveats,
    }
    sections = []
    for key, title in TITLES.items():
        g.problems = []
        paragraphs, tables = builders[key](g)
        paragraphs += [literal(p) for p in dict.fromkeys(g.problems)]  # what the store could not give, said here
        sections.append(Section(key, title, [p for p in paragraphs if p], [t for t in tables if t.rows]))
    return ModelCard(model.id, f"Model card: {model.learner} · {g.exp.name or g.exp.target}", sections, utcnow())


def _name(g: _Gather) -> str:
    return f"{g.model.learner} · {g.exp.name or g.exp.target}"


def _model_format(g: _Gather) -> str:
    """The model file's format, read from its ``model.json`` without loading the estimator."""
    from core.modeling.bundle import LEGACY_FORMAT, META_FILE, is_legacy_model

    try:
        blob = g.ws.artifacts.read_bytes(g.model.artifact)
    except MLCycleError as exc:
        return f"unknown (the model file cannot be read: {exc.message})"
    if is_legacy_model(blob):
        return f"{LEGACY_FORMAT} (a pickle; rewrite it with `mlcycle models migrate`)"
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            meta = json.loads(zf.read(META_FILE).decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError):
        return "unknown (the model file is not a model archive)"
    estimator = (meta.get("estimator") or {}).get("family") or ""
    return str(meta.get("format") or "unknown") + (f", estimator stored by {estimator}" if estimator else "")


def _dataset(g: _Gather) -> tuple[Any, Any]:
    from core.data import datasets

    version = g.safely("The experiment's dataset version", lambda: datasets.get_version(g.ws, g.exp.dataset_version_id))
    dataset = g.safely("The dataset", lambda: datasets.get_dataset(g.ws, version.dataset_id)) if version else None
    return version, dataset


def _model_details(g: _Gather) -> tuple[list[str], list[Table]]:
    from core.evaluation import registry
    from core.experiments.learners import LEARNERS

    m, exp = g.model, g.exp
    learner = LEARNERS.get(m.learner)
    description = learner.description if learner else "a learner this version of MLCycle does not know"
    version, dataset = _dataset(g)
    license_text = (dataset.license or "").strip() if dataset else ""
    project = None
    if m.project_id:
        from core.define import projects

        project = g.safely("The project", lambda: projects.get_project(g.ws, m.project_id))
    paragraphs = [f"A {_code(m.learner)} model ({literal(description)}) for the {exp.task} task of predicting "
                  f"{_code(exp.target)}, made by the experiment '{literal(exp.name)}'. This card follows the fields "
                  "of Mitchell et al., \"Model Cards for Model Reporting\" (2019); every value but the users' own "
                  "words is read from MLCycle's records of the model and its lineage."]
    owners = g.fields.get("owners", "")
    if not owners:
        paragraphs.append(g.field_missing("owners"))
    if not license_text and dataset is not None:
        paragraphs.append(f"The dataset '{literal(dataset.name)}' has no license recorded: record it when adding "
                          "the data (the Data page's license field, or `mlcycle datasets add FILE --license ...`), "
                          "so users know the terms the model was trained under.")
    rows = [
        ["Name", _name(g)],
        ["Model id", m.id],
        ["Created", _when(m.created_at)],
        ["Format", _model_format(g)],
        ["Learner", f"{m.learner}: {description}"],
        ["Task", f"{exp.task}, target {exp.target}"],
        ["Experiment", f"{exp.name} ({exp.id})"],
        ["Project", f"{project.name} ({project.id})" if project else "none"],
        ["Owners", owners or "not recorded"],
        ["Registry stage", m.stage],
        ["License of the data", license_text or "not recorded"],
    ]
    if g.fields_by:
        rows.append(["Card text written by", f"{g.fields_by}, {_when(g.fields_at)}"])
    tables = [Table("Model", ["Field", "Value"], rows)]
    history = g.safely("The stage history", lambda: registry.stage_history(g.ws, model_id=m.id)) or []
    if history:
        tables.append(Table("Registry stage history (newest first)", ["When", "From", "To", "By", "Note"],
                            [[_when(c.at), c.old_stage or "none", c.new_stage, c.actor or _MISSING,
                              c.note or _MISSING] for c in history]))
    else:
        paragraphs.append(f"Registry stage: {m.stage}; it has never been moved between stages. Promote it with "
                          + g.cli(f'models promote {m.id} --stage candidate --note "..."') + ".")
    return paragraphs, tables


def _intended_use(g: _Gather) -> tuple[list[str], list[Table]]:
    from core.define import hypotheses, projects
    from core.evaluation import verdicts

    paragraphs = g.user_text("intended_use", label=True)
    paragraphs += g.user_text("out_of_scope", label=True)
    m, exp = g.model, g.exp
    if m.project_id:
        project = g.safely("The project", lambda: projects.get_project(g.ws, m.project_id))
        if project is not None:
            # Markdown as the Problem page shows it: a single line break inside a paragraph is a space
            statement = re.sub(r"[ \t]*(?<!\n)\n(?!\n)[ \t]*", " ", (project.problem_statement or "").strip())
            paragraphs.append(f"Problem statement of the project '{literal(project.name)}': {literal(statement)}"
                              if statement else
                              f"The project '{literal(project.name)}' has no problem statement yet: write it on "
                              "its Problem page.")
    else:
        paragraphs.append("The model belongs to no project, so there is no problem statement it answers.")
    tables: list[Table] = []
    if not exp.hypothesis_id:
        paragraphs.append("The experiment tests no hypothesis: start an experiment from a hypothesis (Problem page) "
                          "so its models are judged against a success criterion.")
        return paragraphs, tables
    hyp = g.safely("The hypothesis", lambda: hypotheses.get_hypothesis(g.ws, exp.hypothesis_id))
    if hyp is None:
        return paragraphs, tables
    paragraphs.append(f"The experiment tests the hypothesis '{literal(hyp.statement)}' ({_code(hyp.id)}), whose "
                      f"success criterion is {literal(hyp.criterion)}.")
    rows = [["Question", hyp.question or _MISSING], ["Hypothesis", hyp.statement],
            ["Success criterion", hyp.criterion], ["Status", hyp.status]]
    v = hyp.verdict or {}
    if v:
        by = "set by hand" if v.get("source") == "user" else "from the evidence"
        rows.append(["Current verdict", f"{verdicts.verdict_text(v)} ({by})"])
        if v.get("note"):
            rows.append(["Verdict note", str(v["note"])])
        if v.get("model_id") and v.get("model_id") != m.id:
            paragraphs.append(f"The verdict rests on model {_code(v['model_id'])}, not on this one.")
    else:
        paragraphs.append("No verdict yet: it is reached when the experiment's best model is evaluated "
                          f"({g.cli(f'models evaluate {m.id}')}).")
    tables.append(Table("Hypothesis", ["Field", "Value"], rows))
    return paragraphs, tables


def _factors(g: _Gather) -> tuple[list[str], list[Table]]:
    paragraphs = g.user_text("factors")
    if g.exp.task != "regression":
        paragraphs.append("Performance per class is in the quantitative analyses below.")
    return paragraphs, []


def _evaluation(g: _Gather) -> Any:
    from core.evaluation import scoring

    return g.safely("The evaluation", lambda: scoring.get_evaluation(g.ws, g.model.id))


_WHY_DEFAULT = {
    "binary": "ROC AUC, the default for two classes: it does not depend on a decision threshold and rewards "
              "ranking the positive rows above the others",
    "multiclass": "log loss, the default for several classes: it judges the whole predicted probability of the "
                  "true class, not only the most probable one",
    "regression": "R², the default for regression: the share of the target's variance the model explains",
}


_MORE_METRICS = {
    "ap": "average precision: the area under the precision-recall curve of the positive class",
    "mse": "mean squared error (regression; lower is better)",
    "mape": "mean absolute percentage error (regression; lower is better)",
}
_LOWER_BETTER = {"log_loss", "rmse", "mae", "mse", "mape"}


def _metrics(g: _Gather) -> tuple[list[str], list[Table]]:
    from core.evaluation import gates
    from core.evaluation import metrics as M
    from core.experiments.spec import metric_direction

    exp = g.exp
    asked = str(((exp.spec or {}).get("search") or {}).get("metric") or "")
    better = "higher is better" if metric_direction(exp.metric) == "max" else "lower is better"
    if asked and asked != "auto":
        why = "chosen in the experiment's spec"
    elif exp.hypothesis_id:
        why = "the metric of the hypothesis the experiment tests (its success criterion)"
    else:
        why = _WHY_DEFAULT.get(exp.task, "the default of the task")
    ev = _evaluation(g)
    averaging = dict(ev.averaging) if ev else M.averaging_for(exp.task)
    found = M.lookup(averaging, exp.metric, exp.task)
    paragraphs = [f"The experiment optimised and judges models by {_code(exp.metric)} ({better}): {literal(why)}."]
    if found:
        paragraphs.append(f"Over the classes it is computed as {literal(found[1])}.")
    if exp.task != "regression":
        paragraphs.append("A predicted class is the most probable class (no other decision threshold is applied).")
    if ev is None:
        paragraphs.append("The other metrics are computed when the model is evaluated: "
                          + g.cli(f"models evaluate {g.model.id}") + ".")
        return paragraphs, []
    settings = ev.settings or {}
    paragraphs.append(f"Each metric has a {num((settings.get('confidence') or 0.95) * 100)}% interval from "
                      f"{num(settings.get('resamples') or M.N_RESAMPLES)} bootstrap resamples of the scored rows "
                      f"(seed {num(settings.get('seed'))}).")
    rows = [[name, {**gates.METRICS, **_MORE_METRICS}.get(name, _MISSING),
             "lower" if name in _LOWER_BETTER else "higher", ev.averaging.get(name) or "mean over rows"]
            for name in ev.metrics]
    return paragraphs, [Table("Metrics computed", ["Metric", "What it measures", "Better", "Averaging"], rows)]


def _versions(g: _Gather) -> dict[str, Any]:
    from core.data import datasets

    out = {}
    for role, vid in (("data", g.exp.dataset_version_id), ("train", g.exp.train_version_id),
                      ("test", g.exp.test_version_id)):
        if vid:
            out[role] = g.safely(f"The {role} version", lambda vid=vid: datasets.get_version(g.ws, vid))
    return out


def _class_counts(g: _Gather, version_id: str | None) -> Any:
    """The target's values in a version: class counts (classification) or a summary (regression)."""
    from core.data import datasets

    if not version_id:
        return None
    frame = g.safely("The target's values", lambda: datasets.load_frame(g.ws, version_id, columns=[g.exp.target]))
    if frame is None or g.exp.target not in frame:
        return None
    return frame[g.exp.target]


def _target_table(g: _Gather, values: Any, title: str) -> Table | None:
    if values is None:
        return None
    import pandas as pd

    if g.exp.task == "regression":
        x = pd.to_numeric(values, errors="coerce").dropna()
        if x.empty:
            return None
        rows = [["rows with a value", num(len(x))], ["mean", num(x.mean())], ["standard deviation", num(x.std())],
                ["minimum", num(x.min())], ["median", num(x.median())], ["maximum", num(x.max())]]
        return Table(title, ["Statistic", "Value"], rows)
    counts = values.dropna().astype(str).value_counts()
    total = int(counts.sum()) or 1
    rows = [[str(k), num(int(v)), _pct(int(v) / total)] for k, v in counts.items()]
    missing = int(values.isna().sum())
    notes = [f"{num(missing)} rows have no target value; they are not used."] if missing else []
    return Table(title, ["Class", "Rows", "Share"], rows, notes)


def labels_statement(ws: Workspace, version_ids: list[str]) -> str:
    """How the training labels were made: the labeling task and agreement, when a labeling step recorded one.

    When a version (or the version it was split from) was published from a labeling task,
    ``core.labeling.card_summary(ws, version_ids)`` says which task, by whom, their agreement and
    how many labels a reviewer decided; otherwise the labels are as uploaded.

    Args:
        ws: the workspace.
        version_ids: the experiment's dataset versions (full data, training and held-out rows).

    Returns:
        One sentence.
    """
    if importlib.util.find_spec("core.labeling") is not None:
        summary = getattr(importlib.import_module("core.labeling"), "card_summary", None)
        if callable(summary):
            said = summary(ws, version_ids)
            if said:
                return str(said)
    return NO_LABEL_TASK


def _lineage_rows(g: _Gather, version: Any) -> list[list[str]]:
    """The version and its ancestors (newest first), each with how it was made."""
    from core.data import datasets

    rows, seen, current = [], set(), version
    while current is not None and current.id not in seen and len(rows) < 20:
        seen.add(current.id)
        op = current.operation or {}
        src = current.source or {}
        how = op.get("summary") or (f"uploaded from {src['file_name']}" if src.get("file_name") else "uploaded")
        rows.append([f"v{current.number}", current.id, how, num(current.n_rows), _when(current.created_at)])
        parent_id = current.parent_id
        current = g.safely("A parent version", lambda p=parent_id: datasets.get_version(g.ws, p)) if parent_id else None
    return rows


def _training_data(g: _Gather) -> tuple[list[str], list[Table]]:
    exp = g.exp
    versions = _versions(g)
    version, dataset = versions.get("data"), None
    if version is not None:
        from core.data import datasets

        dataset = g.safely("The dataset", lambda: datasets.get_dataset(g.ws, version.dataset_id))
    train = versions.get("train")
    if version is None:
        return ["The experiment's data version is missing from the store, so its training data cannot be "
                "described."], []
    src = version.source or {}
    first = version
    lineage = _lineage_rows(g, version)
    if version.parent_id:  # the upload is the last ancestor
        from core.data import datasets

        root_id = lineage[-1][1] if lineage else None
        first = g.safely("The uploaded version", lambda: datasets.get_version(g.ws, root_id)) if root_id else None
        src = (first.source if first else None) or {}
    license_text = (dataset.license or "").strip() if dataset else ""
    rows = [
        ["Dataset", version.dataset_name or _MISSING],
        ["Version", f"v{version.number} ({version.id})"],
        ["Content sha256", version.sha256],
        ["Rows × columns", f"{num(version.n_rows)} × {num(version.n_cols)}"],
        ["Source file", src.get("file_name") or "not recorded"],
        ["Source note", src.get("note") or src.get("url") or "none"],
        ["Uploaded by", src.get("uploaded_by") or (dataset.created_by if dataset else "") or "not recorded"],
        ["License", license_text or "not recorded"],
        ["Target", exp.target],
    ]
    if exp.data_sha256 and exp.data_sha256 != version.sha256:
        rows.append(["sha256 when the experiment ran", exp.data_sha256])
    paragraphs = [f"The model learned from {literal(version.dataset_name)} v{version.number} "
                  f"({num(version.n_rows)} rows, {num(version.n_cols)} columns, content sha256 "
                  f"{_code(version.sha256[:12] + '…')}), predicting {_code(exp.target)}."]
    test_size = (exp.spec or {}).get("test_size")
    if train is not None:
        share = f" ({_pct(1 - float(test_size))} of the rows)" if test_size is not None else ""
        paragraphs.append(f"It was trained on the training part of a seeded split: v{train.number} "
                          f"({_code(train.id)}), {num(train.n_rows)} rows{share}; the held-out rows were never seen "
                          "by the search.")
        rows.append(["Training rows", f"v{train.number} ({train.id}): {num(train.n_rows)} rows"])
    else:
        paragraphs.append("The experiment has no recorded training split.")
    label = labels_statement(g.ws, [v.id for v in versions.values() if v is not None])
    paragraphs.append(literal(label))
    rows.append(["Labels", label])
    features = ((exp.spec or {}).get("resolved") or {}).get("feature_columns") or []
    if features:
        shown = ", ".join(map(str, features[:50])) + (f", and {len(features) - 50} more" if len(features) > 50 else "")
        used = ((exp.spec or {}).get("resolved") or {}).get("feature_set") or {}
        of_set = f" (feature set '{used.get('name') or used.get('id')}')" if used else ""
        rows.append(["Input columns", f"{len(features)}{of_set}: {shown}"])
    tables = [Table("Data", ["Field", "Value"], rows)]
    if len(lineage) > 1:
        tables.append(Table("Lineage of the data version (newest first)",
                            ["Version", "Id", "How it was made", "Rows", "Created"], lineage))
    else:
        paragraphs.append("The data version was uploaded as it is (no derived versions before it).")
    target = _target_table(g, _class_counts(g, exp.train_version_id),
                           "Target in the training rows" if exp.task != "regression" else
                           "Target in the training rows (summary)")
    if target is not None:
        tables.append(target)
    return paragraphs, tables


def _evaluation_data(g: _Gather) -> tuple[list[str], list[Table]]:
    exp = g.exp
    test = _versions(g).get("test")
    ev = _evaluation(g)
    paragraphs: list[str] = []
    if test is None:
        paragraphs.append("The experiment has no recorded held-out rows.")
    else:
        share = (exp.spec or {}).get("test_size")
        paragraphs.append(f"Held-out rows: v{test.number} ({_code(test.id)}), {num(test.n_rows)} rows"
                          + (f" ({_pct(share)} of the data)" if share is not None else "")
                          + ", split off before the search and never used to choose or fit the model.")
    if ev is None:
        paragraphs.append("The model has not been evaluated yet: " + g.cli(f"models evaluate {g.model.id}") + ".")
    elif ev.method == "repeated_cv":
        s = ev.settings or {}
        paragraphs.append(f"Method: repeated cross-validation ({num(s.get('repeats'))} repeats of "
                          f"{num(s.get('folds'))} folds on {num(ev.n_rows)} rows, training and held-out together), "
                          "because the held-out split is too small to judge a model on.")
    else:
        paragraphs.append(f"Method: holdout; {num(ev.n_rows)} held-out rows scored once with the stored model.")
    if ev is not None:
        paragraphs += [literal(n) for n in ev.notes]
    elif (exp.spec or {}).get("evaluation_note"):
        paragraphs.append(literal(exp.spec["evaluation_note"]))
    tables = []
    target = _target_table(g, _class_counts(g, exp.test_version_id), "Target in the held-out rows")
    if target is not None:
        tables.append(target)
    return paragraphs, tables


def _gate(g: _Gather) -> tuple[list[str], list[Table]]:
    from core.evaluation import gates

    m = g.model
    if not m.project_id:
        return ["Gate: the model belongs to no project, so no gate applies."], []
    rule = g.safely("The project's gate", lambda: gates.get_gate(g.ws, m.project_id))
    if rule is None:
        return ["Gate: its project has no gate (a rule a model must pass, such as " + _code(gates.EXAMPLE)
                + "); set one with " + g.cli(f'gates set --project {m.project_id} "RULE"') + "."], []
    result = (g.safely("The gate result", lambda: gates.check_models(g.ws, m.project_id, [m.id])) or {}).get(m.id)
    if result is None:
        return [f"Gate {_code(rule.text)}: not judged."], []
    rows = [["Rule", rule.text], ["Result", result.status]]
    rows += [["Failing clause", c] for c in result.failing]
    rows += [["Undecided clause", c] for c in result.unknown]
    sentence = {"pass": "passes", "fail": "fails", "unknown": "cannot be judged yet by"}[result.status]
    return [f"The model {sentence} its project's gate {_code(rule.text)}."], [Table("Gate", ["Field", "Value"], rows)]


def _benchmark(g: _Gather) -> tuple[list[str], list[Table]]:
    from core.evaluation import benchmark

    bench = (g.safely("The benchmark", lambda: benchmark.latest_benchmarks(g.ws, [g.model.id])) or {}).get(g.model.id)
    if bench is None:
        return ["Processing performance: not benchmarked yet: run " + g.cli(f"models benchmark {g.model.id}")
                + "."], []
    machine = bench.machine or {}
    calls = (bench.figures or {}).get("calls")
    on = f"{num(machine.get('cpu_count'))} CPU(s)" + (f", {machine['cpu_model']}" if machine.get("cpu_model") else "")
    rows = [["Single-row latency p50", f"{num(bench.p50_ms)} ms"],
            ["Single-row latency p95", f"{num(bench.p95_ms)} ms"],
            ["Single-row latency p99", f"{num(bench.p99_ms)} ms"]]
    rows += [[f"Throughput, batches of {num(int(k)) if str(k).isdigit() else k}", f"{num(v)} rows/s"]
             for k, v in sorted(bench.rows_per_s.items(), key=lambda kv: int(kv[0]) if str(kv[0]).isdigit() else 0)]
    rows += [["Load time", f"{num(bench.load_ms)} ms"], ["Model size", _size(bench.size_bytes)],
             ["Peak memory", f"{num(bench.peak_rss_mb)} MiB"], ["Machine", on],
             ["Measured", _when(bench.created_at)]]
    note = (f"Measured in a fresh process{f' over {num(calls)} single-row calls' if calls else ''}, on sample "
            "held-out rows sent as JSON records (the path a prediction server takes).")
    return [], [Table("Processing performance (latest benchmark)", ["Figure", "Value"], rows, [note])]


def _quantitative(g: _Gather) -> tuple[list[str], list[Table]]:
    ev = _evaluation(g)
    paragraphs: list[str] = []
    tables: list[Table] = []
    if ev is None:
        holdout = {k: v for k, v in (g.model.holdout or {}).items() if k != "n_rows" and v is not None}
        paragraphs.append("No evaluation with intervals yet: " + g.cli(f"models evaluate {g.model.id}")
                          + " computes every metric with its 95% interval and the per-class table.")
        if holdout:
            tables.append(Table("Held-out scores recorded when the model was stored (no intervals)",
                                ["Metric", "Value"], [[k, num(v)] for k, v in holdout.items()]))
    else:
        method = "repeated cross-validation" if ev.method == "repeated_cv" else f"{num(ev.n_rows)} held-out rows"
        headline = ev.interval(ev.metric) or {}
        if ev.value is not None:
            paragraphs.append(f"{_code(ev.metric)} is {num(ev.value)} (95% interval {_interval(headline)}) on "
                              f"{method}.")
        header = ["Metric", "Value", "95% interval"] + (["Averaging"] if ev.averaging else [])
        rows = [[("* " if name == ev.metric else "") + name, num(e.get("value")), _interval(e)]
                + ([ev.averaging.get(name) or _MISSING] if ev.averaging else []) for name, e in ev.metrics.items()]
        tables.append(Table("Metrics with 95% intervals (* the experiment's metric)", header, rows,
                            [f"Evaluated {_when(ev.created_at)}."]))
        if ev.per_class:
            tables.append(Table("Per class (the prediction is the most probable class)",
                                ["Class", "Precision", "Recall", "F1", "Support"],
                                [[str(c.get("class")), num(c.get("precision")), num(c.get("recall")), num(c.get("f1")),
                                  num(c.get("support"))] for c in ev.per_class]))
    gate_p, gate_t = _gate(g)
    bench_p, bench_t = _benchmark(g)
    return paragraphs + gate_p + bench_p, tables + gate_t + bench_t


def _latest_explanation(ws: Workspace, model_id: str) -> Any:
    """The newest stored explanation of the model (:func:`core.explain.service.latest_explanation`)."""
    from core.explain import service

    return service.latest_explanation(ws, model_id)


def _explanation(g: _Gather) -> tuple[list[str], list[Table]]:
    from core.data import datasets

    stored = g.safely("The explanation", lambda: _latest_explanation(g.ws, g.model.id))
    if stored is None:
        return ["Not explained yet: " + g.cli(f"explain {g.model.id}") + " (or the Explain page) computes which "
                "input columns drive the model, by mean |SHAP| value."], []
    importance = dict(stored.importance or {})
    overall = importance.get("__all__") or (next(iter(importance.values())) if importance else {})
    top = sorted(overall.items(), key=lambda kv: -float(kv[1]))[:TOP_FEATURES]
    version = g.safely("The explained version", lambda: datasets.get_version(g.ws, stored.version_id))
    where = f"{literal(version.dataset_name)} v{version.number} ({_code(version.id)})" if version else \
        _code(stored.version_id)
    if g.exp.test_version_id and stored.version_id == g.exp.test_version_id:
        where += ", the held-out rows"
    outputs = list(stored.outputs or [])
    what = ""
    if g.exp.task == "multiclass" and len(outputs) > 1:
        what = f"; the importance is averaged over the {len(outputs)} classes"
    elif g.exp.task == "binary" and outputs:
        what = f"; the values explain the output for the class {_code(outputs[0])}"
    units = {"value": "the target's", "": "the model output's"}.get(stored.units or "", stored.units)
    paragraphs = [f"The {literal(stored.explainer)} explainer explained {num(stored.n_rows)} rows of {where}"
                  f"{what}, in {literal(units)} units ({_when(stored.created_at)})."]
    paragraphs += [literal(n) for n in (stored.notes or [])]
    if not top:
        paragraphs.append("The stored explanation has no importance figures.")
        return paragraphs, []
    rows = [[str(i + 1), str(col), num(value)] for i, (col, value) in enumerate(top)]
    title = f"Top {len(rows)} input columns by mean |SHAP|" if len(overall) > len(rows) else \
        "Input columns by mean |SHAP|"
    unit = {"value": "target units", "": "output"}.get(stored.units or "", stored.units)
    return paragraphs, [Table(title, ["Rank", "Column", f"Mean |SHAP| ({unit})"], rows)]


def _training_procedure(g: _Gather) -> tuple[list[str], list[Table]]:
    from core.experiments import service

    m, exp = g.model, g.exp
    spec = exp.spec or {}
    search, resolved = spec.get("search") or {}, spec.get("resolved") or {}
    budget = resolved.get("time_budget", search.get("time_budget"))
    learners = resolved.get("learners") or search.get("learners") or []
    spec_rows = [
        ["Time budget", f"{num(budget)} s" if budget else "no time limit"],
        ["Maximum trials", num(resolved.get("max_trials", search.get("max_trials"))) if resolved.get(
            "max_trials", search.get("max_trials")) else "no limit"],
        ["Learners searched", ", ".join(map(str, learners)) or _MISSING],
        ["Metric", exp.metric],
        ["Validation in the search", {"cv": f"{num(resolved.get('n_splits'))}-fold cross-validation",
                                      "holdout": f"holdout of {_pct(resolved.get('holdout_fraction'))} of the "
                                                 "training rows"}.get(str(resolved.get("eval_method")),
                                                                      str(resolved.get("eval_method") or _MISSING))],
        ["Seed", num(resolved.get("seed", search.get("seed")))],
        ["Threads per trial", num(resolved.get("n_jobs"))],
        ["Cores the worker could use", num(resolved.get("cores_available"))],
        ["Trials run", num(exp.n_trials)],
        ["Started", _when(exp.started_at)],
        ["Finished", _when(exp.finished_at)],
    ]
    paragraphs = []
    runs = g.safely("The trials", lambda: service.list_runs(g.ws, exp.id)) or []
    run = next((r for r in runs if r.id == m.run_id), None)
    selection = None
    try:
        selection = service.selection_of(exp, m, runs)
    except (MLCycleError, KeyError, TypeError, ValueError):
        selection = None
    if selection is not None:
        paragraphs.append("Why this configuration: " + literal(selection.reason) + ".")
    if run is not None:
        paragraphs.append(f"It refits trial {run.trial} ({literal(run.learner)}): validation {_code(exp.metric)} "
                          f"{num(run.val_metric)}, trained in {num(run.train_time)} s.")
    elif not runs:
        paragraphs.append("No trials are recorded for its experiment (the model was fit directly).")
    config_rows = [[str(k), _cell(v) if not isinstance(v, dict | list) else json.dumps(v, default=str)]
                   for k, v in sorted((m.config or {}).items())]
    if not config_rows:
        paragraphs.append("The model's configuration is empty: the learner's defaults were used.")
    tables = [Table("Experiment spec", ["Setting", "Value"], spec_rows),
              Table("Best configuration (hyperparameters of the model)", ["Hyperparameter", "Value"], config_rows)]
    env = m.environment or exp.environment or {}
    if env:
        env_rows = [["Python", f"{env.get('python') or _MISSING} ({env.get('python_implementation') or '?'})"],
                    ["Platform", str(env.get("platform") or _MISSING)],
                    ["CPUs", num(env.get("cpu_count"))],
                    ["MLCycle", str(env.get("app_version") or _MISSING)
                     + (f", commit {str(env['git_commit'])[:12]}" if env.get("git_commit") else "")
                     + (" (with local changes)" if env.get("git_dirty") else "")]]
        env_rows += [[str(name), str(version)] for name, version in sorted((env.get("packages") or {}).items())]
        tables.append(Table("Environment the model was trained in", ["Component", "Version"], env_rows))
    else:
        paragraphs.append("The environment it was trained in was not recorded.")
    return paragraphs, tables


def _numeric_summary(stats: dict[str, Any]) -> str:
    parts = []
    if stats.get("mean") is not None:
        parts.append(f"mean {num(stats['mean'])}")
    if stats.get("std") is not None:
        parts.append(f"std {num(stats['std'])}")
    edges = [float(e) for e in stats.get("edges") or []]
    if len(edges) == 11:  # deciles from the minimum to the maximum
        parts.append(f"min {num(edges[0])}, p10 {num(edges[1])}, median {num(edges[5])}, p90 {num(edges[9])}, "
                     f"max {num(edges[10])}")
    elif edges:
        parts.append(f"min {num(edges[0])}, max {num(edges[-1])}")
    return "; ".join(parts) or _MISSING


def _categorical_summary(stats: dict[str, Any], top: int = 5) -> str:
    shares = dict(stats.get("shares") or {})
    if not shares:
        return "no values"
    ordered = sorted(shares.items(), key=lambda kv: -float(kv[1]))
    text = ", ".join(f"{k} {_pct(v)}" for k, v in ordered[:top])
    more = len(ordered) - top
    return text + (f", and {more}{'+' if len(ordered) >= 50 else ''} more values" if more > 0 else "")


def _drift_baseline(g: _Gather) -> tuple[list[str], list[Table]]:
    stats = g.model.reference_stats
    columns = (stats or {}).get("columns") if isinstance(stats, dict) else None
    if not columns:
        return ["No drift baseline was recorded with this model (models stored by older versions of MLCycle lack "
                "it): train the model again to record the training columns' distributions."], []
    rows = []
    for name, s in columns.items():
        kind = s.get("kind", "?")
        summary = _numeric_summary(s) if kind == "numeric" else _categorical_summary(s)
        rows.append([str(name), kind, summary, _pct(s.get("missing"))])
    paragraphs = [f"The distribution of each input column in the {num(stats.get('n_rows'))} training rows, kept "
                  "with the model so that data it is later asked about can be compared with what it learned from "
                  "(numeric columns by deciles, categorical ones by the shares of their values)."]
    return paragraphs, [Table("Training columns", ["Column", "Kind", "Summary", "Missing"], rows)]


def _ethical(g: _Gather) -> tuple[list[str], list[Table]]:
    return g.user_text("ethical_considerations"), []


def _caveats(g: _Gather) -> tuple[list[str], list[Table]]:
    return g.user_text("caveats", label=True) + g.user_text("recommendations", label=True), []


# ---------------------------------------------------------------- writing

_TOKEN = re.compile(r"\\(.)|`([^`]*)`|([^`\\]+)|([`\\])", re.S)


def _tokens(text: str) -> list[tuple[str, str]]:
    """Paragraph text as ``("text", s)`` and ``("code", s)`` parts (see the module's docstring)."""
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        escaped, code, plain, lone = m.groups()
        if code is not None:
            out.append(("code", code))
        else:
            piece = escaped if escaped is not None else (plain if plain is not None else lone)
            if out and out[-1][0] == "text":
                out[-1] = ("text", out[-1][1] + piece)
            else:
                out.append(("text", piece))
    return out


_MD_ALWAYS = set("\\`*[]<>|~$")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")


def _md_escape(text: str) -> str:
    """Plain text as Markdown that shows it exactly as written (inert)."""
    out = []
    for i, ch in enumerate(text):
        prev, nxt = text[i - 1] if i else " ", text[i + 1] if i + 1 < len(text) else " "
        if ch in _MD_ALWAYS or (ch == "_" and not (prev.isalnum() and nxt.isalnum())) or (
                ch == "&" and (nxt.isalnum() or nxt == "#")) or (ch == "!" and nxt == "[") or (
                ch == ":" and nxt.isalpha()):  # Streamlit's :red[...], :material/...: and :emoji:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _md_line_start(line: str) -> str:
    line = line.lstrip()
    match = _LINE_START.match(line)
    if match:
        line = line[:match.start(2)] + "\\" + line[match.start(2):]
    return line


def _md_code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


def _md_paragraph(text: str) -> str:
    rendered = "".join(_md_code(s) if kind == "code" else _md_escape(s) for kind, s in _tokens(text))
    return "  \n".join(_md_line_start(line) for line in rendered.split("\n"))


def _md_cell(text: str) -> str:
    escaped = _md_escape(str(text).replace("\r", "")).replace("\n", "<br>")
    return escaped if escaped.strip() else " "


def to_markdown(card: ModelCard) -> str:
    """Write a card as Markdown (GitHub-flavoured tables); user text is shown exactly as written.

    Args:
        card: the card.

    Returns:
        The document, ending with a newline.
    """
    lines = [f"# {_md_escape(card.title)}", ""]
    if card.generated_at:
        lines += [f"Model {_md_code(card.model_id)}; generated by MLCycle on {_md_escape(_when(card.generated_at))} "
                  "from the workspace's records.", ""]
    for s in card.sections:
        lines += [f"## {_md_escape(s.title)}", ""]
        for p in s.paragraphs:
            lines += [_md_paragraph(p), ""]
        for t in s.tables:
            lines += [f"**{_md_escape(t.title)}**", ""]
            for note in t.notes:
                lines += [_md_paragraph(note), ""]
            lines.append("| " + " | ".join(_md_cell(h) for h in t.header) + " |")
            lines.append("|" + "|".join(" --- " for _ in t.header) + "|")
            for row in t.rows:
                lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


_CSS = """
:root { color-scheme: light; }
body { font-family: -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans KR", "Apple SD Gothic Neo",
       "Malgun Gothic", Arial, sans-serif; color: #1f2328; background: #fff; line-height: 1.5;
       max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; font-size: 15px; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
.meta { color: #59636e; font-size: .9rem; margin: 0 0 1rem; }
nav ol { columns: 2; font-size: .9rem; padding-left: 1.2rem; }
nav a { color: #0969da; text-decoration: none; }
p { margin: .45rem 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em;
       background: #f6f8fa; border-radius: 4px; padding: .05em .3em; overflow-wrap: anywhere; }
figure { margin: .9rem 0 1.2rem; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top;
         overflow-wrap: anywhere; }
th { background: #f6f8fa; }
tr:nth-child(even) td { background: #fbfcfd; }
footer { color: #59636e; font-size: .8rem; margin-top: 2.5rem; border-top: 1px solid #d0d7de; padding-top: .5rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  figure, tr { break-inside: avoid; }
  a { color: inherit; }
}
"""


def _html_paragraph(text: str) -> str:
    parts = [f"<code>{html.escape(s)}</code>" if kind == "code" else html.escape(s) for kind, s in _tokens(text)]
    return "".join(parts).replace("\n", "<br>")


def _html_cell(text: str, tag: str) -> str:
    return f"<{tag}>" + html.escape(str(text)).replace("\n", "<br>") + f"</{tag}>"


def to_html(card: ModelCard) -> str:
    """Write a card as one self-contained HTML page: inline CSS, no script, no external address.

    Every text is HTML-escaped; the page declares UTF-8 (Korean and other scripts render) and
    prints cleanly (the contents list is hidden, tables do not split rows).

    Args:
        card: the card.

    Returns:
        The page.
    """
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{html.escape(card.title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>",
           f"<h1>{html.escape(card.title)}</h1>"]
    if card.generated_at:
        out.append(f'<p class="meta">Model <code>{html.escape(card.model_id)}</code>; generated by MLCycle on '
                   f"{html.escape(_when(card.generated_at))} from the workspace's records.</p>")
    out.append("<nav><ol>" + "".join(f'<li><a href="#{html.escape(s.key)}">{html.escape(s.title)}</a></li>'
                                     for s in card.sections) + "</ol></nav>")
    for s in card.sections:
        out.append(f'<section id="{html.escape(s.key)}">')
        out.append(f"<h2>{html.escape(s.title)}</h2>")
        out += [f"<p>{_html_paragraph(p)}</p>" for p in s.paragraphs]
        for t in s.tables:
            out.append(f"<figure><figcaption>{html.escape(t.title)}</figcaption>")
            out += [f"<p>{_html_paragraph(n)}</p>" for n in t.notes]
            out.append("<table><thead><tr>" + "".join(_html_cell(h, "th") for h in t.header) + "</tr></thead><tbody>")
            out += ["<tr>" + "".join(_html_cell(c, "td") for c in row) + "</tr>" for row in t.rows]
            out.append("</tbody></table></figure>")
        out.append("</section>")
    out.append("<footer>Sections after Mitchell et al., “Model Cards for Model Reporting” (2019). Generated by "
               "MLCycle from the workspace's records.</footer>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
