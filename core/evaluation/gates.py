"""Gates: a project's rule a model must pass, such as ``roc_auc >= 0.9 and p99_ms <= 10``.

A rule is read by a small tokenizer and a recursive-descent parser, never by ``eval``::

    expr   := term ("or" term)*
    term   := factor ("and" factor)*
    factor := "not" factor | "(" expr ")" | NAME OP NUMBER
    OP     := >= | <= | > | < | == | !=

Keywords and field names are case-insensitive; numbers are written like ``0.9``, ``1e-3``,
``10`` or ``-0.5``. ``not`` binds tighter than ``and``, which binds tighter than ``or``. The
fields (:data:`GATE_FIELDS`) are the holdout metrics with their interval bounds
(``roc_auc_low``...), the validation metric, train time, size and the processing figures.
``rows_per_s`` is the throughput at the largest batch measured (10,000 rows);
``rows_per_s_1``/``_100``/``_10000`` name a batch size.

A model's result is pass, fail or unknown (three-valued logic: a clause whose value is
missing, say a latency before the model was benchmarked, is unknown; ``x and unknown`` fails
if ``x`` fails, ``x or unknown`` passes if ``x`` passes). A failing result names the clauses
that fail exactly as the rule writes them, with the model's value: ``p99_ms <= 10 (is 14.2)``.

Example:
    >>> rule = parse("roc_auc >= 0.9 and p99_ms <= 10")
    >>> rule.evaluate({"roc_auc": 0.93, "p99_ms": 14.2}).failing
    ['p99_ms <= 10 (is 14.2)']
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from core.data.reads import IN_JSON
from core.errors import InvalidInput
from core.experiments.entities import Model
from core.ids import utcnow
from core.store.activity import record_event
from core.workspace import Workspace

__all__ = ["GATE_FIELDS", "GRAMMAR", "GateResult", "GateSyntaxError", "Rule", "check_models", "describe_value",
           "fields_help", "get_gate", "model_values", "parse", "set_gate"]

GRAMMAR = ('expr := term ("or" term)*;  term := factor ("and" factor)*;  '
           'factor := "not" factor | "(" expr ")" | NAME OP NUMBER;  OP := >= <= > < == !=')
EXAMPLE = "roc_auc >= 0.9 and p99_ms <= 10"

# The holdout metrics core.experiments.search.evaluate gives, with what each measures.
METRICS: dict[str, str] = {
    "accuracy": "share of held-out rows classified correctly",
    "balanced_accuracy": "mean recall over classes",
    "macro_f1": "F1 averaged over classes (unweighted)",
    "f1": "F1 of the positive class (binary)",
    "roc_auc": "area under the ROC curve (one-vs-rest, macro for several classes)",
    "log_loss": "log loss of the predicted probabilities (lower is better)",
    "r2": "coefficient of determination (regression)",
    "rmse": "root mean squared error (regression; lower is better)",
    "mae": "mean absolute error (regression; lower is better)",
}
BENCHMARK_FIELDS: dict[str, str] = {
    "load_ms": "time to import and load the model, in ms",
    "p50_ms": "median single-row latency, in ms",
    "p95_ms": "95th percentile single-row latency, in ms",
    "p99_ms": "99th percentile single-row latency, in ms",
    "rows_per_s": "throughput in rows/s at the largest batch measured (10,000 rows)",
    "rows_per_s_1": "throughput in rows/s one row at a time",
    "rows_per_s_100": "throughput in rows/s in batches of 100",
    "rows_per_s_10000": "throughput in rows/s in batches of 10,000",
    "peak_rss_mb": "peak memory while predicting, in MiB",
}
GATE_FIELDS: dict[str, str] = {
    **METRICS,
    **{f"{m}_low": f"lower bound of the 95% interval of {m}" for m in METRICS},
    **{f"{m}_high": f"upper bound of the 95% interval of {m}" for m in METRICS},
    "val_metric": "the experiment's metric on the search's validation data (the model's trial)",
    "train_time_s": "training time of the model's trial, in seconds",
    "size_mb": "serialized model size, in MiB",
    **BENCHMARK_FIELDS,
}
_OPS = (">=", "<=", "==", "!=", ">", "<")
_KEYWORDS = ("and", "or", "not")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class GateSyntaxError(InvalidInput):
    """A gate rule that cannot be read: the message names the bad token and its column (1-based),
    the hint shows the rule with a caret under it, the grammar and an example rule.

    Attributes:
        token: the bad token as written (``""`` at the end of the rule).
        column: its 1-based column.
        text: the rule as written.
        pointer: two lines, the rule and a caret under the bad token (for a monospaced block).
    """

    def __init__(self, message: str, *, text: str, column: int, token: str, hint: str = "") -> None:
        self.pointer = f"{text}\n{' ' * (column - 1)}^"
        indented = "\n".join("  " + line for line in self.pointer.splitlines())
        super().__init__(message, hint=(hint + "\n" if hint else "") + indented
                         + f"\nA rule reads like: {EXAMPLE}\nGrammar: {GRAMMAR}")
        self.token = token
        self.column = column
        self.text = text


@dataclass(frozen=True)
class _Token:
    kind: str  # name, keyword, op, number, lparen, rparen, end
    text: str
    start: int  # 0-based offset
    end: int
    error: GateSyntaxError | None = None  # kind "error": the tokenizer's complaint


def _tokenize(text: str) -> list[_Token]:
    """The rule's tokens; a character that starts no token ends the list with an ``error`` token,
    raised only when the parser reaches it (so errors are reported left to right)."""
    tokens: list[_Token] = []
    try:
        _scan(text, tokens)
    except GateSyntaxError as exc:
        tokens.append(_Token("error", exc.token, exc.column - 1, exc.column - 1 + len(exc.token), exc))
        return tokens
    tokens.append(_Token("end", "", len(text), len(text)))
    return tokens


def _scan(text: str, tokens: list[_Token]) -> None:
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            tokens.append(_Token("lparen" if ch == "(" else "rparen", ch, i, i + 1))
            i += 1
            continue
        op = next((o for o in _OPS if text.startswith(o, i)), None)
        if op:
            tokens.append(_Token("op", op, i, i + len(op)))
            i += len(op)
            continue
        number = _NUMBER.match(text, i)
        if number and (ch not in "+-" or len(number.group()) > 1):
            end = number.end()
            if end < len(text) and (text[end].isalnum() or text[end] in "_."):
                bad = re.match(r"[\w.]+", text[i:]).group()  # type: ignore[union-attr]
                raise GateSyntaxError(f"'{bad}' at column {i + 1} is not a number.", text=text, column=i + 1,
                                      token=bad, hint="Write numbers like 0.9, 1e-3 or 10.")
            tokens.append(_Token("number", number.group(), i, end))
            i = end
            continue
        name = _NAME.match(text, i)
        if name:
            word = name.group()
            kind = "keyword" if word.lower() in _KEYWORDS else "name"
            tokens.append(_Token(kind, word, i, name.end()))
            i = name.end()
            continue
        if ch == "=":
            raise GateSyntaxError(f"'=' at column {i + 1} is not a comparison.", text=text, column=i + 1,
                                  token="=", hint="Compare with ==, !=, >=, <=, > or <.")
        if text.startswith(("&&", "||"), i) or ch in "&|!":
            word = {"&": "and", "|": "or", "!": "not"}[ch]
            raise GateSyntaxError(f"'{ch}' at column {i + 1} is not allowed.", text=text, column=i + 1,
                                  token=ch, hint=f"Write '{word}'.")
        raise GateSyntaxError(f"Unexpected character '{ch}' at column {i + 1}.", text=text, column=i + 1,
                              token=ch, hint="A rule holds field names, comparisons, numbers, and/or/not and "
                                             "parentheses only.")


# ---------------------------------------------------------------- the syntax tree

@dataclass(frozen=True)
class _Compare:
    name: str  # lower case
    op: str
    number: float
    text: str  # as written

    def fields(self) -> list[str]:
        return [self.name]


@dataclass(frozen=True)
class _Not:
    item: Any
    text: str

    def fields(self) -> list[str]:
        return self.item.fields()


@dataclass(frozen=True)
class _Many:
    op: str  # "and" | "or"
    items: tuple[Any, ...]
    text: str

    def fields(self) -> list[str]:
        return [f for item in self.items for f in item.fields()]


def _compare(a: float, op: str, b: float) -> bool:
    return {">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b, "==": a == b, "!=": a != b}[op]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0

    @property
    def tok(self) -> _Token:
        token = self.tokens[self.pos]
        if token.error is not None:
            raise token.error
        return token

    def error(self, expected: str, tok: _Token | None = None, hint: str = "") -> GateSyntaxError:
        tok = tok or self.tok
        col = tok.start + 1
        found = "the end of the rule" if tok.kind == "end" else f"'{tok.text}'"
        return GateSyntaxError(f"Expected {expected} at column {col}, found {found}.", text=self.text, column=col,
                               token=tok.text, hint=hint)

    def parse(self) -> Any:
        if self.tok.kind == "end":
            raise self.error("a comparison such as roc_auc >= 0.9")
        node = self.expr()
        if self.tok.kind != "end":
            if self.tok.kind == "rparen":
                raise self.error("'and', 'or' or the end of the rule", hint="This ')' closes no '('.")
            raise self.error("'and', 'or' or the end of the rule")
        return node

    def _keyword(self, word: str) -> bool:
        return self.tok.kind == "keyword" and self.tok.text.lower() == word

    def expr(self) -> Any:
        return self._many("or", self.term)

    def term(self) -> Any:
        return self._many("and", self.factor)

    def _many(self, word: str, part: Any) -> Any:
        start = self.tok.start
        items = [part()]
        while self._keyword(word):
            self.pos += 1
            items.append(part())
        if len(items) == 1:
            return items[0]
        return _Many(word, tuple(items), self.text[start:self.tokens[self.pos - 1].end])

    def factor(self) -> Any:
        tok = self.tok
        if self._keyword("not"):
            self.pos += 1
            item = self.factor()
            return _Not(item, self.text[tok.start:self.tokens[self.pos - 1].end])
        if tok.kind == "lparen":
            self.pos += 1
            node = self.expr()
            if self.tok.kind != "rparen":
                raise self.error("')'", hint=f"The '(' at column {tok.start + 1} is not closed.")
            self.pos += 1
            return node
        if tok.kind != "name":
            first = "Put the field before the number (roc_auc >= 0.9). " if tok.kind == "number" else ""
            raise self.error("a field name, 'not' or '('", hint=first + _fields_hint())
        name = tok.text.lower()
        if name not in GATE_FIELDS:
            close = difflib.get_close_matches(name, list(GATE_FIELDS), n=3, cutoff=0.6)
            message = f"Unknown field '{tok.text}' at column {tok.start + 1}"
            quoted = ", ".join(f"'{c}'" for c in close)
            message += (f": did you mean {quoted}?" if len(close) == 1 else f": did you mean one of {quoted}?"
                        ) if close else "."
            raise GateSyntaxError(message, text=self.text, column=tok.start + 1, token=tok.text, hint=_fields_hint())
        self.pos += 1
        op = self.tok
        if op.kind != "op":
            raise self.error("a comparison (>=, <=, >, <, == or !=)")
        self.pos += 1
        num = self.tok
        if num.kind != "number":
            raise self.error("a number such as 0.9, 1e-3 or 10")
        self.pos += 1
        return _Compare(name, op.text, float(num.text), self.text[tok.start:num.end])


def _fields_hint() -> str:
    names = [n for n in GATE_FIELDS if not n.endswith(("_low", "_high"))]
    return "Fields: " + ", ".join(names) + ", and <metric>_low / <metric>_high for the interval bounds."


# ---------------------------------------------------------------- rules and results

def describe_value(value: float | None) -> str:
    """A field's value as a gate result shows it: ``14.2``, ``0.9132``, ``182345``."""
    if value is None:
        return "unknown"
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    return f"{value:.0f}" if abs(value) >= 10_000 else f"{value:.4g}"


def _missing_reason(name: str) -> str:
    if name in BENCHMARK_FIELDS:
        return "no benchmark yet: benchmark the model"
    if name in ("val_metric", "train_time_s"):
        return "not recorded for this model's trial"
    if name == "size_mb":
        return "size unknown"
    return "not measured: evaluate the model, or the metric does not apply to its task"


@dataclass(frozen=True)
class GateResult:
    """A model against a gate: pass, fail, or unknown (a value the rule needs is missing).

    Attributes:
        passed: ``True`` (pass), ``False`` (fail) or ``None`` (unknown).
        failing: the clauses that make it fail, as written in the rule, with the model's value
            (``"p99_ms <= 10 (is 14.2)"``); empty unless it fails.
        unknown: the clauses that could not be decided and what to do
            (``"p99_ms <= 10 (no benchmark yet: benchmark the model)"``).
        rule: the rule's text.
    """

    passed: bool | None
    failing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    rule: str = ""

    @property
    def status(self) -> str:
        """``pass``, ``fail`` or ``unknown``."""
        return "unknown" if self.passed is None else ("pass" if self.passed else "fail")

    @property
    def reason(self) -> str:
        """One sentence: which clauses fail, or which are unknown; empty when it passes."""
        if self.passed:
            return ""
        if self.passed is False:
            return "Fails " + "; ".join(self.failing)
        return "Unknown: " + "; ".join(self.unknown)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``status``, ``passed``, ``failing``, ``unknown``, ``rule``."""
        return {"status": self.status, "passed": self.passed, "failing": list(self.failing),
                "unknown": list(self.unknown), "rule": self.rule}


@dataclass(frozen=True)
class Rule:
    """A parsed gate rule (:func:`parse`). ``text`` is the rule as written."""

    text: str
    tree: Any = field(repr=False, compare=False, default=None)

    @property
    def fields(self) -> list[str]:
        """The field names the rule uses, in order, each once."""
        return list(dict.fromkeys(self.tree.fields()))

    def evaluate(self, values: dict[str, float | None], *, reasons: dict[str, str] | None = None) -> GateResult:
        """Judge one model's values against the rule.

        Args:
            values: field name -> value (a missing or ``None`` value makes its clause unknown).
            reasons: field name -> why it is missing (default: what to do, by the kind of field).

        Returns:
            The result, naming the failing (or undecided) clauses as written.
        """
        def value_of(name: str) -> float | None:
            v = values.get(name)
            try:
                v = None if v is None else float(v)
            except (TypeError, ValueError):
                return None
            return None if v is None or math.isnan(v) else v

        def why(name: str) -> str:
            return (reasons or {}).get(name) or _missing_reason(name)

        def explain(node: Any) -> str:
            names = list(dict.fromkeys(node.fields()))
            if isinstance(node, _Compare):
                v = value_of(node.name)
                return f"{node.text} ({'is ' + describe_value(v) if v is not None else why(node.name)})"
            missing = [n for n in names if value_of(n) is None]
            if missing:
                return f"{node.text} ({'; '.join(f'{n}: {why(n)}' for n in missing)})"
            return f"{node.text} ({', '.join(f'{n} is {describe_value(value_of(n))}' for n in names)})"

        def walk(node: Any) -> tuple[bool | None, list[str]]:
            """The node's value, and the clauses that explain it."""
            if isinstance(node, _Compare):
                v = value_of(node.name)
                return (None if v is None else _compare(v, node.op, node.number)), [explain(node)]
            if isinstance(node, _Not):
                inner, _ = walk(node.item)
                return (None if inner is None else not inner), [explain(node)]
            results = [walk(item) for item in node.items]
            decisive = False if node.op == "and" else True
            hits = [r for r in results if r[0] is decisive]
            if hits:
                return decisive, [c for _, cs in hits for c in cs]
            unknown = [r for r in results if r[0] is None]
            if unknown:
                return None, [c for _, cs in unknown for c in cs]
            return (not decisive), [c for _, cs in results for c in cs]

        outcome, clauses = walk(self.tree)
        if outcome is True:
            return GateResult(True, [], [], self.text)
        if outcome is False:
            return GateResult(False, clauses, [], self.text)
        return GateResult(None, [], clauses, self.text)


def parse(text: str) -> Rule:
    """Read a gate rule (never with ``eval``).

    Args:
        text: the rule, e.g. ``"roc_auc >= 0.9 and p99_ms <= 10"``.

    Returns:
        The rule.

    Raises:
        GateSyntaxError: naming the bad token and its 1-based column (an unknown field gets
            the close matches and the allowed names); the hint points at it with a caret.
    """
    text = str(text or "").strip()
    return Rule(text, _Parser(text).parse())


# ---------------------------------------------------------------- models' values

def model_values(evaluation: Any, benchmark: Any, model: Model | None, *, run: Any = None) -> dict[str, float | None]:
    """The values a rule reads for one model.

    Args:
        evaluation: the model's :class:`core.evaluation.scoring.Evaluation` (its ``metrics``
            give values and interval bounds), or ``None``: then the values of the model's
            stored holdout scores, without bounds.
        benchmark: the model's newest :class:`core.evaluation.benchmark.Benchmark`, or ``None``.
        model: the model (holdout scores and size), or ``None``.
        run: the model's trial (:class:`core.experiments.entities.Run`: validation metric and
            train time), or ``None``.

    Returns:
        Every name of :data:`GATE_FIELDS`; ``None`` where the value is not known.
    """
    values: dict[str, float | None] = dict.fromkeys(GATE_FIELDS)
    holdout = dict(getattr(model, "holdout", None) or {})
    metrics = dict(getattr(evaluation, "metrics", None) or {})
    for name in METRICS:
        entry = metrics.get(name)
        if isinstance(entry, dict):
            values[name], values[f"{name}_low"], values[f"{name}_high"] = (
                entry.get("value"), entry.get("low"), entry.get("high"))
        elif isinstance(entry, int | float):
            values[name] = entry
        elif holdout.get(name) is not None:
            values[name] = holdout[name]
    if model is not None and getattr(model, "size_bytes", None):
        values["size_mb"] = model.size_bytes / (1024 * 1024)
    if run is not None:
        values["val_metric"] = getattr(run, "val_metric", None)
        values["train_time_s"] = getattr(run, "train_time", None)
    if benchmark is not None:
        for name in ("load_ms", "p50_ms", "p95_ms", "p99_ms", "peak_rss_mb"):
            values[name] = getattr(benchmark, name, None)
        per_batch = dict(getattr(benchmark, "rows_per_s", None) or {})
        for size in ("1", "100", "10000"):
            values[f"rows_per_s_{size}"] = per_batch.get(size)
        sized = [(int(k), v) for k, v in per_batch.items() if str(k).isdigit() and v is not None]
        values["rows_per_s"] = max(sized)[1] if sized else None
    return {k: (float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None)
            for k, v in values.items()}


# ---------------------------------------------------------------- stored per project

def get_gate(ws: Workspace, project_id: str) -> Rule | None:
    """Return the project's gate, or ``None`` when it has none.

    Raises:
        GateSyntaxError: if the stored rule no longer reads (set it again).
    """
    with ws.read() as db:
        row = db.execute("SELECT rule FROM gates WHERE project_id = ?", [project_id]).fetchone()
    return parse(row[0]) if row and row[0] else None


def set_gate(ws: Workspace, project_id: str, rule_text: str) -> Rule | None:
    """Set (or with ``""`` clear) a project's gate; the change goes to the activity feed with the old and new rule.

    Args:
        ws: the workspace.
        project_id: the project.
        rule_text: the rule, e.g. ``"roc_auc >= 0.9 and p99_ms <= 10"``; empty clears the gate.

    Returns:
        The rule now in force, or ``None`` when cleared.

    Raises:
        NotFound: if there is no such project.
        GateSyntaxError: if the rule does not read (nothing is changed).
    """
    from core.define.projects import get_project

    project = get_project(ws, project_id)
    text = str(rule_text or "").strip()
    rule = parse(text) if text else None
    with ws.write() as db:
        row = db.execute("SELECT rule FROM gates WHERE project_id = ?", [project.id]).fetchone()
        old = row[0] if row else ""
        if old == text:
            return rule
        if rule is None:
            db.execute("DELETE FROM gates WHERE project_id = ?", [project.id])
            message = f"Gate of '{project.name}' cleared (was: {old})"
        else:
            db["gates"].upsert({"project_id": project.id, "rule": text, "updated_at": utcnow()}, pk="project_id")
            message = (f"Gate of '{project.name}' changed from: {old} to: {text}" if old
                       else f"Gate of '{project.name}' set: {text}")
        record_event(db, object_kind="project", object_id=project.id, verb="gate_changed", message=message,
                     project_id=project.id)
    return rule


def check_models(ws: Workspace, project_id: str, model_ids: list[str]) -> dict[str, GateResult]:
    """Judge models against their project's gate, reading their evaluations, benchmarks and trials in a few queries.

    Args:
        ws: the workspace.
        project_id: the project whose gate applies.
        model_ids: the models.

    Returns:
        ``{model_id: GateResult}``; empty when the project has no gate. Unknown ids are left out.

    Raises:
        GateSyntaxError: if the stored rule no longer reads.
    """
    rule = get_gate(ws, project_id)
    ids = list(dict.fromkeys(model_ids))
    if rule is None or not ids:
        return {}
    from core.evaluation.benchmark import latest_benchmarks
    from core.experiments.entities import Run

    with ws.read() as db:
        models = {r["id"]: Model.from_row(r) for r in
                  db.execute(f"SELECT * FROM models WHERE id {IN_JSON}", [json.dumps(ids)]).fetchall()}
        run_ids = [m.run_id for m in models.values() if m.run_id]
        runs = {r["id"]: Run.from_row(r) for r in
                db.execute(f"SELECT * FROM runs WHERE id {IN_JSON}", [json.dumps(run_ids)]).fetchall()}
    evaluations = _evaluations(ws, list(models))
    benchmarks = latest_benchmarks(ws, list(models))
    return {mid: rule.evaluate(model_values(evaluations.get(mid), benchmarks.get(mid), m,
                                            run=runs.get(m.run_id or "")))
            for mid, m in models.items()}


def _evaluations(ws: Workspace, model_ids: list[str]) -> dict[str, Any]:
    """The models' evaluations (``core.evaluation.scoring``), or none while that module is absent."""
    try:
        from core.evaluation import scoring
    except ImportError:  # pragma: no cover - built by another step of the same issue
        return {}
    return scoring.evaluations_of(ws, model_ids)


def fields_help() -> list[tuple[str, str]]:
    """Every field a rule may use with its description, for help screens."""
    return list(GATE_FIELDS.items())
