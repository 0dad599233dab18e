"""The label schema of a task: its classes with colours and hotkeys, and how a label is stored.

A single-label task stores a class name; a multi-label task stores a JSON array of class names in
the schema's order. A label of a class that was later removed from the schema is kept as it was
given: :func:`decode_label` returns it and :func:`in_schema` says it is no longer a class.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from core.errors import InvalidInput

KINDS = ("tabular", "text", "image")
MAX_CLASSES = 20
MAX_CLASS_NAME = 60
# number keys first, then the top letter row (skip "s", "z", "b": skip, undo, back)
HOTKEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "q", "w", "e", "r", "t", "y", "u", "i", "o", "p")
# distinct, readable on white and dark, colour-blind friendly first (Okabe-Ito), then Tableau
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948", "#B07AA1", "#FF9DA7",
           "#9C755F", "#BAB0AC", "#1F77B4", "#8C564B")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _names(spec: str | Sequence[Any]) -> list[dict[str, Any]]:
    if isinstance(spec, str):
        return [{"name": part} for part in spec.split(",") if part.strip()]  # a stray comma is no class
    return [dict(item) if isinstance(item, Mapping) else {"name": item} for item in spec]


def parse_classes(spec: str | Sequence[Any]) -> list[dict[str, Any]]:
    """Turn a class list into the stored schema, filling in colours and hotkeys.

    A class named by a single hotkey character (``"0"`` .. ``"9"``, a letter of :data:`HOTKEYS`)
    gets that key when no other class asked for it, so the digits 0-9 get their own number keys.

    Args:
        spec: ``"a, b, c"``, a list of names, or a list of ``{"name", "color"?, "hotkey"?}``.

    Returns:
        ``[{"name", "color", "hotkey"}]`` in the given order (``hotkey`` ``""`` past the 20th key).

    Raises:
        InvalidInput: no classes, a blank or over-long name, a name given twice (ignoring case),
            more than :data:`MAX_CLASSES`, a colour that is not ``#rrggbb``, or a hotkey used twice.
    """
    items = _names(spec)
    hint = "Give the classes as a comma-separated list, such as 'positive, negative, neutral'."
    classes: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        name = " ".join(str(item.get("name") if item.get("name") is not None else "").split())
        if not name:
            raise InvalidInput("One of the classes has no name.", hint=hint)
        if len(name) > MAX_CLASS_NAME:
            raise InvalidInput(f"The class '{name[:30]}…' is {len(name)} characters long; the limit is "
                               f"{MAX_CLASS_NAME}.", hint="Use a short class name and explain it in the instructions.")
        if name.casefold() in seen:
            raise InvalidInput(f"The class '{name}' is given twice.", hint="Give each class once.")
        seen.add(name.casefold())
        color = str(item.get("color") or "")
        if color and not _COLOR.match(color):
            raise InvalidInput(f"The colour '{color}' of class '{name}' is not a colour.",
                               hint="Give colours as #rrggbb, such as #0072B2.")
        classes.append({"name": name, "color": color, "hotkey": str(item.get("hotkey") or "").lower()})
    if not classes:
        raise InvalidInput("A label task needs at least one class.", hint=hint)
    if len(classes) > MAX_CLASSES:
        raise InvalidInput(f"{len(classes)} classes were given; a task can have at most {MAX_CLASSES}.",
                           hint="Merge rare classes, or split the work into two tasks.")
    _fill_hotkeys(classes)
    used_colors = {c["color"].lower() for c in classes if c["color"]}
    free = iter(c for c in PALETTE if c.lower() not in used_colors)
    for c in classes:
        c["color"] = c["color"] or next(free, "#777777")
    return classes


def _fill_hotkeys(classes: list[dict[str, Any]]) -> None:
    taken: dict[str, str] = {}
    for c in classes:
        key = c["hotkey"]
        if key:
            if key not in HOTKEYS:
                raise InvalidInput(f"The hotkey '{key}' of class '{c['name']}' is not one of the label keys.",
                                   hint="Use 1-9, 0 or one of q w e r t y u i o p.")
            if key in taken:
                raise InvalidInput(f"The hotkey '{key}' is given to both '{taken[key]}' and '{c['name']}'.",
                                   hint="Give each class its own key, or leave hotkeys empty to assign them.")
            taken[key] = c["name"]
    for c in classes:  # a class named by a free key takes it
        own = c["name"].lower()
        if not c["hotkey"] and own in HOTKEYS and own not in taken:
            c["hotkey"] = own
            taken[own] = c["name"]
    free = iter(k for k in HOTKEYS if k not in taken)
    for c in classes:
        if not c["hotkey"]:
            c["hotkey"] = next(free, "")
            if c["hotkey"]:
                taken[c["hotkey"]] = c["name"]


def encode_label(classes: Sequence[Mapping[str, Any]], multi_label: bool, value: Any, *,
                 check_schema: bool = True) -> str:
    """The stored text of a label.

    Args:
        classes: the task's classes.
        multi_label: whether the task takes several classes per item.
        value: a class name, or (multi-label) a list of class names or a JSON array text.
        check_schema: refuse a class that is not in the schema (screens, CLI); imports keep it.

    Returns:
        The class name, or a JSON array of names in the schema's order (unknown names last).

    Raises:
        InvalidInput: no class given, several classes for a single-label task, or (with
            ``check_schema``) a class that is not in the schema.
    """
    names = [c["name"] for c in classes]
    if isinstance(value, str) and multi_label and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except ValueError:
            pass
    values = [value] if isinstance(value, str) or value is None else list(value)
    values = [" ".join(str(v).split()) for v in values if v is not None and str(v).strip()]
    if not values:
        raise InvalidInput("No label was given.", hint="Give one of the classes: " + ", ".join(names) + ".")
    if not multi_label and len(values) > 1:
        raise InvalidInput(f"This task takes one label per item, and {len(values)} were given.",
                           hint="Give one class, or make the task multi-label in its settings.")
    by_fold = {n.casefold(): n for n in names}
    values = [by_fold.get(v.casefold(), v) for v in values]  # 'Positive' means the class 'positive'
    unknown = [v for v in values if v not in names]
    if check_schema and unknown:
        raise InvalidInput(f"'{unknown[0]}' is not a class of this task.",
                           hint="Use one of: " + ", ".join(names) + ".")
    if not multi_label:
        return values[0]
    order = {n: i for i, n in enumerate(names)}
    unique = sorted(set(values), key=lambda v: (order.get(v, len(order)), v))
    return json.dumps(unique, ensure_ascii=False)


def decode_label(multi_label: bool, text: str | None) -> list[str]:
    """The class names of a stored label (empty for none)."""
    if text is None or text == "":
        return []
    if multi_label and text.startswith("["):
        try:
            return [str(v) for v in json.loads(text)]
        except ValueError:
            return [text]
    return [text]


def in_schema(classes: Sequence[Mapping[str, Any]], multi_label: bool, text: str | None) -> bool:
    """Whether every class of a stored label is still in the schema."""
    names = {c["name"] for c in classes}
    return all(v in names for v in decode_label(multi_label, text))
