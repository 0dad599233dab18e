"""The three labeling screens of the Label page's "Label" tab: tabular rows, texts and images.

Each is made to be worked in for an hour at a time. Every label is saved the moment it is given
(:func:`core.labeling.annotations.record_label`: a new row of the task's log, never a "Save" to
forget), and the screen moves on.

- :func:`text_screen`: one text at a time in large type; class buttons in the class colours with
  their keys (1..9, 0, q..p), Skip (S), Undo last (Z, Ctrl+Z), Back (B, ←) through what the
  annotator did before (their label highlighted; a new choice adds a newer label), Next (N, →)
  back towards new items; a quick model's suggestion as a pre-label that Enter accepts; multi-label
  tasks toggle classes and save with Enter. The URL's ``item`` opens one item directly.
- :func:`image_screen`: the same one-at-a-time view for images, or a grid of 16 thumbnails a page
  (``?page=``) with a class box under each and "label every image shown as".
- :func:`tabular_screen`: the rows in an editable table (100 a page, ``?page=``) with a label
  column; filters (rows you have not labeled, by class, by a column's value) and one class given
  to every filtered row after a confirmation. An edit is saved as it is made.

Keys are bound with :mod:`ui.hotkeys`; a key typed into a text box never labels anything.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core.errors import MLCycleError
from core.labeling import active, annotations, images, tasks
from core.labeling.entities import LabelTask
from core.labeling.schema import decode_label, encode_label
from core.workspace import Workspace
from ui import errors, fmt, hotkeys, i18n, url
from ui.fmt import escape_markdown
from ui.i18n import t, tk, tn

LABEL_PAGE = "app_pages/label.py"
ROWS_PER_PAGE = 100
GRID_COLUMNS = 4
GRID_PER_PAGE = 16
SINGLE_SIZE = 320  # pixels of an image shown alone
TILE_SIZE = 128  # pixels of a grid thumbnail
FEW_VALUES = 50  # a column with at most this many values is filtered by choosing one

SKIP_KEYS = ["s"]
UNDO_KEYS = ["z", "ctrl+z", "meta+z"]
BACK_KEYS = ["b", "arrowleft"]
NEXT_KEYS = ["n", "arrowright"]
ENTER_KEYS = ["enter"]

SHOWN = "lbl_shown"  # the item on screen: {"task", "item", "at" (monotonic), "token"}
NOTE = "lbl_note"  # (text, icon): a toast for the next run
FAILED = "lbl_failed"  # an MLCycleError raised in a callback, shown on the next run
PENDING = "lbl_pending_bulk"  # the bulk assignment waiting for its confirmation
VIEW = "lbl_image_view"  # the image screen's view: single | grid
VIEWS = {"single": "One at a time", "grid": "Grid"}
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


# ---------------------------------------------------------------- small helpers

def _color(value: Any) -> str:
    return value if isinstance(value, str) and _COLOR.match(value) else "#777777"


def _ink(color: str) -> str:
    """Black or white: whichever reads better on ``color``."""
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lum = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return "#000000" if 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2] > 0.4 else "#ffffff"


def _style(rules: Sequence[str]) -> None:
    if rules:
        st.html("<style>" + "\n".join(rules) + "</style>")


def _say(text: str, icon: str = ":material/check:") -> None:
    st.session_state[NOTE] = (text, icon)


def _notes() -> None:
    """The toast and the error a callback of the last run left."""
    note = st.session_state.pop(NOTE, None)
    if note:
        st.toast(note[0], icon=note[1])
    failed = st.session_state.pop(FAILED, None)
    if failed is not None:
        errors.render(failed)


def _attempt(action: Callable[[], Any]) -> Any:
    """Run a core call from a callback; an error is kept for the next run to show."""
    try:
        return action()
    except MLCycleError as exc:
        st.session_state[FAILED] = exc
        return None


def _label_text(task: LabelTask, stored: str | None) -> str:
    """A stored label as it reads: ``positive``, ``positive, funny`` (escaped for Markdown)."""
    return ", ".join(escape_markdown(v) for v in decode_label(task.multi_label, stored))


def _not_in_schema(task: LabelTask, stored: str | None) -> list[str]:
    names = set(task.class_names)
    return [v for v in decode_label(task.multi_label, stored) if v not in names]


def _mine(labels: pd.DataFrame, annotator: str) -> dict[int, str]:
    """This annotator's current label of each item they labeled."""
    if not len(labels):
        return {}
    own = labels[labels["annotator"] == annotator]
    return dict(zip(own["item"].astype(int).tolist(), own["label"].tolist(), strict=True))


def _page_of(total: int, per_page: int) -> tuple[int, int]:
    """(the URL's ``page``, clamped, from 1; how many pages)."""
    pages = max(1, math.ceil(total / per_page))
    try:
        page = int(url.get("page") or 1)
    except ValueError:
        page = 1
    return min(max(page, 1), pages), pages


def _go_to_page(page: int) -> None:
    if url.user_changed():
        url.put(page=str(page) if page > 1 else None)


def _pager(page: int, pages: int, total: int, per_page: int, *, key: str, noun: str) -> None:
    """Previous / Next and the page box (``?page=``)."""
    if pages <= 1:
        return
    first, last = (page - 1) * per_page + 1, min(page * per_page, total)
    prev_col, text_col, box_col, next_col = st.columns([1, 3, 1, 1], vertical_alignment="center")
    prev_col.button(t("Previous"), key=f"{key}_prev", icon=":material/chevron_left:", disabled=page <= 1,
                    on_click=_go_to_page, args=(page - 1,), width="stretch")
    if noun == "rows":
        text_col.caption(t("Page {page} of {pages}: rows {first}–{last} of {n}", page=fmt.count(page),
                           pages=fmt.count(pages), first=fmt.count(first), last=fmt.count(last), n=fmt.count(total)))
    else:
        text_col.caption(t("Page {page} of {pages}: images {first}–{last} of {n}", page=fmt.count(page),
                           pages=fmt.count(pages), first=fmt.count(first), last=fmt.count(last), n=fmt.count(total)))
    box_key = f"{key}_box"
    st.session_state[box_key] = page
    box_col.number_input(t("Page"), min_value=1, max_value=pages, step=1, key=box_key, label_visibility="collapsed",
                         on_change=lambda: _go_to_page(int(st.session_state[box_key])))
    next_col.button(t("Next"), key=f"{key}_next", icon=":material/chevron_right:", disabled=page >= pages,
                    on_click=_go_to_page, args=(page + 1,), width="stretch")


def _instructions(task: LabelTask, *, open_: bool) -> None:
    """The task's instructions (the author's Markdown; no HTML), folded once the annotator has started."""
    if task.instructions.strip():
        with st.expander(t("Instructions"), expanded=open_, icon=":material/menu_book:"):
            st.markdown(task.instructions)


def _progress(ws: Workspace, task: LabelTask, annotator: str, labels: pd.DataFrame, n_items: int) -> None:
    """Items labeled of all (complete: with as many annotators as the overlap asks), and this annotator's pace."""
    per_item = labels.groupby("item")["annotator"].nunique() if len(labels) else pd.Series(dtype="int64")
    complete = int((per_item >= task.overlap).sum())
    started = int((per_item >= 1).sum())
    share = complete / n_items if n_items else 0.0
    if task.overlap > 1:
        text = t("{done} of {n} items complete, each with {overlap} annotators' labels ({started} started)",
                 done=fmt.count(complete), n=fmt.count(n_items), overlap=task.overlap, started=fmt.count(started))
    else:
        text = t("{done} of {n} items labeled", done=fmt.count(complete), n=fmt.count(n_items))
    st.progress(min(max(share, 0.0), 1.0), text=text)
    mine = int((labels["annotator"] == annotator).sum()) if len(labels) else 0
    parts = [tn("You have labeled {n} item", "You have labeled {n} items", mine)]
    rate = annotations.items_per_hour(ws, task.id, annotator=annotator)
    if rate is not None:
        parts.append(t("{rate} items/hour", rate=fmt.count(round(rate))))
    st.caption(" · ".join(parts))


# ---------------------------------------------------------------- one item at a time (texts, images)

def _item_param(ws: Workspace, task: LabelTask) -> int | None:
    """The item the URL opens (``?item=``), if it is one of the task's; a bad one gets a warning."""
    wanted = url.get("item")
    if wanted is None:
        return None
    try:
        return tasks.check_item(ws, task, wanted)
    except MLCycleError:
        st.warning(t("The link named item {item}, which this task does not have; showing the next item instead.",
                     item=f"`{escape_markdown(wanted)}`"))
        return None


def _show_item(task: LabelTask, item: int) -> str:
    """Remember when ``item`` came on screen; returns the token a label given for it must carry.

    A token is used once: a second press of a key that arrives after the item was labeled (a double
    click, a key pressed while the screen was changing) is dropped instead of labeling another item.
    """
    shown = st.session_state.get(SHOWN)
    if shown and shown["task"] == task.id and shown["item"] == item and not _spent(shown["token"]):
        return shown["token"]
    token = uuid.uuid4().hex
    st.session_state[SHOWN] = {"task": task.id, "item": item, "at": time.monotonic(), "token": token}
    return token


# Tokens used, kept in the process rather than the session: a second click that Streamlit delivers
# while the first one's run is cut short can see the session as it was before that run.
_SPENT: OrderedDict[str, None] = OrderedDict()
_SPENT_LOCK = threading.Lock()


def _spent(token: str) -> bool:
    with _SPENT_LOCK:
        return token in _SPENT


def _claim(token: str) -> float | None:
    """Seconds since the item of ``token`` came on screen, or ``None`` when the token is spent or stale."""
    shown = st.session_state.get(SHOWN)
    if not shown or shown.get("token") != token or _spent(token):
        return None
    return max(0.0, time.monotonic() - shown["at"])


def _spend(token: str) -> bool:
    """Use ``token``; ``False`` when it was used already (the caller then does nothing)."""
    with _SPENT_LOCK:
        if token in _SPENT:
            return False
        _SPENT[token] = None
        while len(_SPENT) > 10_000:
            _SPENT.popitem(last=False)
        return True


def _give(ws: Workspace, task_id: str, item: int, value: Any, annotator: str, suggested: str | None,
          token: str) -> None:
    """A class button (or Enter on a suggestion, or Save): record the label, go on to the queue's next item
    (leaving an item the URL opened)."""
    seconds = _claim(token)
    if seconds is None or not _spend(token):
        return
    saved = _attempt(lambda: annotations.record_label(ws, task_id, item, value, annotator=annotator, source="screen",
                                                      suggested=suggested, seconds=seconds))
    if saved is None:
        _unspend(token)  # nothing was saved: the item can still be labeled
    else:
        url.put(item=None)


def _unspend(token: str) -> None:
    with _SPENT_LOCK:
        _SPENT.pop(token, None)


def _skip(ws: Workspace, task_id: str, item: int, annotator: str, token: str) -> None:
    if _claim(token) is None or not _spend(token):
        return
    if _attempt(lambda: annotations.skip_item(ws, task_id, item, annotator=annotator)) is None:
        _unspend(token)
    else:
        url.put(item=None)


def _undo(ws: Workspace, task_id: str, annotator: str) -> None:
    undone = _attempt(lambda: annotations.undo_last(ws, task_id, annotator=annotator))
    if st.session_state.get(FAILED) is not None:
        return
    if undone is None:
        _say(t("Nothing to undo."), ":material/info:")
        return
    if undone.action == "skip":
        _say(t("Skip of row {item} undone.", item=undone.item), ":material/undo:")
    else:
        _say(t("Label of row {item} undone.", item=undone.item), ":material/undo:")
    url.put(item=str(undone.item))


def _open(item: int | None) -> None:
    url.put(item=None if item is None else str(item))


def _toggle(key: str, name: str) -> None:
    chosen: list[str] = list(st.session_state.get(key) or [])
    st.session_state[key] = [n for n in chosen if n != name] if name in chosen else [*chosen, name]


def _class_css(task: LabelTask, *, chosen: Sequence[str], suggested: Sequence[str], dim_others: bool) -> list[str]:
    rules = []
    for i, c in enumerate(task.classes):
        color = _color(c.get("color"))
        ink = _ink(color)
        sel = f".st-key-lbl_cls_{i} button"
        rules.append(f"{sel}{{background:{color};border:2px solid {color};color:{ink};min-height:3rem}}"
                     f"{sel}:hover,{sel}:focus{{background:{color};border-color:{color};color:{ink};"
                     "filter:brightness(1.12)}"
                     f"{sel} p{{font-size:1.1rem;font-weight:600}}"
                     f"{sel} code{{background:rgba(255,255,255,.25);color:{ink};font-weight:700}}")
        if c["name"] in chosen:
            rules.append(f"{sel}{{box-shadow:0 0 0 3px #ffffff,0 0 0 6px {color}}}")
        elif dim_others and chosen:
            rules.append(f"{sel}{{opacity:.5}}")
        if c["name"] in suggested:
            rules.append(f"{sel}{{outline:3px dashed {color};outline-offset:4px}}")
    return rules


ITEM_CSS = (".lbl-item{font-size:1.6rem;line-height:1.55;padding:1.1rem 1.4rem;border-radius:.75rem;"
            "background:rgba(127,127,127,.08);border:1px solid rgba(127,127,127,.3);white-space:pre-wrap;"
            "overflow-wrap:anywhere;max-height:55vh;overflow-y:auto}"
            ".lbl-item.lbl-long{font-size:1.2rem}.lbl-item.lbl-empty{opacity:.6;font-style:italic}")


def _show_text(ws: Workspace, task: LabelTask, item: int) -> None:
    text = tasks.item_text(ws, task, item)
    if not text.strip():
        st.html(f'<div class="lbl-item lbl-empty">{html.escape(t("(this item is empty)"))}</div>')
        return
    long = " lbl-long" if len(text) > 600 else ""
    st.html(f'<div class="lbl-item{long}">{html.escape(text)}</div>')


def _image_bytes(ws: Workspace, task: LabelTask, item: int, size: int) -> tuple[bytes | None, str, str | None]:
    """(the item's thumbnail, its file name, or the reason it cannot be shown)."""
    try:
        path = tasks.image_path(ws, task, item)
        return images.thumbnail(ws, path, size=size), path.name, None
    except MLCycleError as exc:
        return None, "", i18n.message(exc.message)


def _show_image(ws: Workspace, task: LabelTask, item: int) -> None:
    data, name, problem = _image_bytes(ws, task, item, SINGLE_SIZE)
    if data is None:
        st.warning(t("This image cannot be shown: {reason}", reason=escape_markdown(problem or "")),
                   icon=":material/broken_image:")
        return
    with st.container(key="lbl_image", horizontal_alignment="center"):
        st.image(data, width="content")
        st.caption(escape_markdown(name))


def _button_label(name: str, hotkey: str | None) -> str:
    return f"{escape_markdown(name)} `{hotkeys.key_text(hotkey)}`" if hotkey else escape_markdown(name)


def _class_buttons(task: LabelTask, on_click: Callable[..., None], args_of: Callable[[str], tuple]) -> dict[str, str]:
    """The class buttons in rows of up to 6; returns their hotkeys ``{button key: key}``."""
    classes = task.classes
    rows = max(1, math.ceil(len(classes) / 6))
    per_row = math.ceil(len(classes) / rows)
    bound: dict[str, str] = {}
    for start in range(0, len(classes), per_row):
        cols = st.columns(per_row)
        for col, (i, c) in zip(cols, enumerate(classes[start:start + per_row], start=start), strict=False):
            hotkey = c.get("hotkey") or None
            col.button(_button_label(c["name"], hotkey), key=f"lbl_cls_{i}", width="stretch",
                       help=t("Key {key}", key=hotkeys.key_text(hotkey)) if hotkey else None,
                       on_click=on_click, args=args_of(c["name"]))
            if hotkey:
                bound[f"lbl_cls_{i}"] = hotkey
    return bound


def _hint(keys: Sequence[str]) -> str:
    return hotkeys.keys_text(list(keys)[:2])


def _keyed(label: str, keys: Sequence[str]) -> str:
    """A button's label with its first key: ``Skip `S```."""
    return f"{label} `{hotkeys.key_text(keys[0])}`"


def _history_items(ws: Workspace, task: LabelTask, annotator: str) -> tuple[list[int], dict[int, Any]]:
    """The items this annotator worked on, newest first, with their latest row (label or skip)."""
    rows = annotations.history(ws, task.id, annotator=annotator, limit=200)
    seen: dict[int, Any] = {}
    for row in rows:
        seen.setdefault(row.item, row)
    return list(seen), seen


def _one_at_a_time(ws: Workspace, task: LabelTask, annotator: str, show: Callable[[Workspace, LabelTask, int], None]) -> None:
    """The one-item view shared by texts and images."""
    labels = annotations.current_labels(ws, task.id)
    n_items = tasks.item_count(ws, task)
    mine = _mine(labels, annotator)
    _instructions(task, open_=not mine)
    _progress(ws, task, annotator, labels, n_items)
    opened = _item_param(ws, task)
    item = opened if opened is not None else next(iter(annotations.next_items(ws, task.id, annotator=annotator)),
                                                   None)
    order, latest = _history_items(ws, task, annotator)
    bound: dict[str, str | list[str]] = {}
    if item is None:
        _all_done(task, labels, n_items)
        actions = iter(st.columns(5))
    else:
        content = st.container()
        actions = iter(st.columns(5))
        with content:
            bound |= _item_view(ws, task, annotator, item, labels, mine, order, latest, opened is not None, show,
                                actions)
    undo_col, back_col, next_col = next(actions), next(actions), next(actions)
    # moving around: Undo, Back, Next
    position = order.index(item) if item in order else -1
    back_to = order[position + 1] if 0 <= position < len(order) - 1 else (order[0] if position < 0 and order
                                                                          and order[0] != item else None)
    undo_col.button(_keyed(t("Undo last"), UNDO_KEYS), key="lbl_undo", icon=":material/undo:", width="stretch",
                    help=t("Take back your latest label or skip ({keys})", keys=_hint(UNDO_KEYS)),
                    on_click=_undo, args=(ws, task.id, annotator))
    back_col.button(_keyed(t("Back"), BACK_KEYS), key="lbl_back", icon=":material/arrow_back:", width="stretch",
                    disabled=back_to is None, on_click=_open, args=(back_to,),
                    help=t("The item you did before this one ({keys})", keys=_hint(BACK_KEYS)))
    bound |= {"lbl_undo": UNDO_KEYS, "lbl_back": BACK_KEYS}
    if opened is not None:
        forward = order[position - 1] if position > 0 else None
        next_col.button(_keyed(t("Next"), NEXT_KEYS), key="lbl_next", icon=":material/arrow_forward:", width="stretch",
                        on_click=_open, args=(forward,),
                        help=t("The item you did after this one, then the next new item ({keys})",
                               keys=_hint(NEXT_KEYS)))
        bound["lbl_next"] = NEXT_KEYS
    if task.multi_label:
        st.caption(t("Keys: a class's key turns it on or off, {enter} saves; {skip} skips; {undo} undoes; "
                     "{back} goes back.", enter="Enter", skip=_hint(SKIP_KEYS), undo=_hint(UNDO_KEYS),
                     back=_hint(BACK_KEYS)))
    elif "lbl_accept" in bound:
        st.caption(t("Keys: a class's key labels the item, {enter} takes the suggestion; {skip} skips; {undo} "
                     "undoes; {back} goes back.", enter="Enter", skip=_hint(SKIP_KEYS), undo=_hint(UNDO_KEYS),
                     back=_hint(BACK_KEYS)))
    else:
        st.caption(t("Keys: a class's key labels the item; {skip} skips; {undo} undoes; {back} goes back.",
                     skip=_hint(SKIP_KEYS), undo=_hint(UNDO_KEYS), back=_hint(BACK_KEYS)))
    hotkeys.bind(bound)


def _all_done(task: LabelTask, labels: pd.DataFrame, n_items: int) -> None:
    per_item = labels.groupby("item")["annotator"].nunique() if len(labels) else pd.Series(dtype="int64")
    complete = int((per_item >= task.overlap).sum())
    if complete >= n_items:
        st.success(t("All done: every item has its labels. Review the agreement, or publish the labels as a new "
                     "dataset version."), icon=":material/task_alt:")
    else:
        st.success(t("Nothing is left for you to label: the other items wait for other annotators "
                     "({n} still need labels).", n=fmt.count(n_items - complete)), icon=":material/task_alt:")
    review, publish, _ = st.columns([1, 1, 2])
    with review:
        url.link(LABEL_PAGE, t("Review"), icon=":material/rate_review:", tab="review", item=None, key="lbl_to_review")
    with publish:
        url.link(LABEL_PAGE, t("Publish"), icon=":material/publish:", tab="publish", item=None, key="lbl_to_publish")


def _item_view(ws: Workspace, task: LabelTask, annotator: str, item: int, labels: pd.DataFrame,
               mine: dict[int, str], order: list[int], latest: dict[int, Any], opened: bool,
               show: Callable[[Workspace, LabelTask, int], None], actions: Iterator[Any]) -> dict[str, str | list[str]]:
    token = _show_item(task, item)
    own = mine.get(item)
    suggestion = active.suggestions(ws, task.id).get(item)
    suggested = suggestion.label if suggestion else None
    # where the item stands
    head = [f"**{t('Row {n}', n=fmt.count(item))}**"]
    if own is not None:
        head.append(t("you labeled it {label}", label=f"**{_label_text(task, own)}**"))
    elif item in latest and latest[item].action == "skip":
        head.append(t("you skipped it"))
    st.markdown(" · ".join(head))
    _style([ITEM_CSS])
    show(ws, task, item)
    # labels of classes no longer in the schema
    if len(labels):
        flagged = [(r.annotator, r.label) for r in labels[labels["item"] == item].itertuples()
                   if _not_in_schema(task, r.label)]
        if flagged:
            said = ", ".join(f"**{_label_text(task, label)}** ({escape_markdown(who)})" for who, label in flagged)
            st.warning(t("Not in the schema: this item has a label of a class the task no longer has: {labels}. "
                         "It is kept; a class given now becomes the newer label.", labels=said),
                       icon=":material/flag:")
    bound: dict[str, str | list[str]] = {}
    if suggestion is not None:
        s_col, a_col = st.columns([3, 1], vertical_alignment="center")
        s_col.info(t("Suggested: {label} ({confidence})", label=f"**{_label_text(task, suggested)}**",
                     confidence=f"{round(suggestion.confidence * 100)}%"), icon=":material/lightbulb:")
        if not task.multi_label:
            a_col.button(_keyed(t("Accept"), ENTER_KEYS), key="lbl_accept", icon=":material/check:", width="stretch",
                         type="primary", on_click=_give,
                         args=(ws, task.id, item, suggested, annotator, suggested, token))
            bound["lbl_accept"] = ENTER_KEYS
    if task.multi_label:
        pick_key = f"lbl_pick_{item}"
        if st.session_state.get("lbl_pick_for") != (task.id, item):  # a fresh item: start from what is there
            st.session_state["lbl_pick_for"] = (task.id, item)
            start = own if own is not None else suggested
            st.session_state[pick_key] = [v for v in decode_label(True, start) if v in task.class_names]
        picked = list(st.session_state.get(pick_key) or [])
        _style(_class_css(task, chosen=picked, suggested=decode_label(True, suggested), dim_others=True))
        bound |= _class_buttons(task, _toggle, lambda name: (pick_key, name))
        next(actions).button(_keyed(t("Save"), ENTER_KEYS), key="lbl_save", icon=":material/check:", type="primary",
                        width="stretch", disabled=not picked, on_click=_give,
                        args=(ws, task.id, item, picked, annotator, suggested, token))
        bound["lbl_save"] = ENTER_KEYS
    else:
        chosen = decode_label(False, own)
        _style(_class_css(task, chosen=chosen, suggested=[suggested] if suggested else [], dim_others=True))
        bound |= _class_buttons(task, _give,
                                lambda name: (ws, task.id, item, name, annotator, suggested, token))
    next(actions).button(_keyed(t("Skip"), SKIP_KEYS), key="lbl_skip", icon=":material/skip_next:", width="stretch",
                    on_click=_skip, args=(ws, task.id, item, annotator, token),
                    help=t("Put this item aside: it comes back after all the others ({keys})", keys=_hint(SKIP_KEYS)))
    bound["lbl_skip"] = SKIP_KEYS
    return bound


def text_screen(ws: Workspace, task: LabelTask, annotator: str) -> None:
    """Label texts one at a time with the keyboard (see the module's docstring)."""
    _notes()
    with errors.shown():
        _one_at_a_time(ws, task, annotator, _show_text)


# ---------------------------------------------------------------- images

def image_screen(ws: Workspace, task: LabelTask, annotator: str) -> None:
    """Label images one at a time with the keyboard, or many at once in a grid of thumbnails."""
    _notes()
    if url.get("item") is not None:
        st.session_state[VIEW] = "single"  # an item named in the URL opens on its own
    st.session_state.setdefault(VIEW, "single")

    def switched() -> None:
        if url.user_changed():
            url.put(item=None, page=None)

    st.segmented_control(t("View"), list(VIEWS), format_func=lambda v: tk(VIEWS[v]), key=VIEW, required=True,
                         label_visibility="collapsed", on_change=switched)
    with errors.shown():
        if st.session_state.get(VIEW) == "grid":
            _grid(ws, task, annotator)
        else:
            _one_at_a_time(ws, task, annotator, _show_image)


def _tile_label(ws: Workspace, task_id: str, item: int, key: str, annotator: str) -> None:
    value = st.session_state.get(key)
    if value in (None, "", []):
        _say(t("A label stays once given: choose another class to change it, or undo it in the one-at-a-time view."),
             ":material/info:")
        return
    _attempt(lambda: annotations.record_label(ws, task_id, item, value, annotator=annotator, source="screen"))


def _bulk_shown(ws: Workspace, task_id: str, items: list[int], key: str, annotator: str, go_to: int | None) -> None:
    value = st.session_state.get(key)
    if not value:
        return
    written = _attempt(lambda: annotations.record_labels(ws, task_id, items, value, annotator=annotator,
                                                         source="bulk"))
    if written is None:
        return
    st.session_state[key] = [] if isinstance(value, list) else None  # a second click does not label the next page
    shown = ", ".join(value) if isinstance(value, list) else value
    _say(tn("{n} image labeled {label}", "{n} images labeled {label}", written, label=escape_markdown(shown)))
    if go_to is not None:
        _go_to_page(go_to)


def _grid(ws: Workspace, task: LabelTask, annotator: str) -> None:
    frame = tasks.load_items(ws, task)
    labels = annotations.current_labels(ws, task.id)
    n_items = len(frame)
    mine = _mine(labels, annotator)
    _instructions(task, open_=not mine)
    _progress(ws, task, annotator, labels, n_items)
    # which images: all, or those this annotator has not labeled; one folder of a zip
    only_key, folder_key = f"lbl_g_only_{task.id}", f"lbl_g_folder_{task.id}"
    left, right = st.columns(2)
    only = left.toggle(t("Only images you have not labeled"), key=only_key, on_change=_go_to_page, args=(1,))
    keep = np.ones(n_items, dtype=bool)
    if only and mine:
        keep[[i for i in mine if 0 <= i < n_items]] = False
    if "folder" in frame.columns and task.item_column != "folder":
        folders = sorted(str(v) for v in frame["folder"].dropna().unique() if str(v))
        if 1 < len(folders) <= 200:
            chosen = right.selectbox(t("Folder"), ["", *folders], key=folder_key, on_change=_go_to_page, args=(1,),
                                     format_func=lambda v: v or t("every folder"))
            if chosen:
                keep &= (frame["folder"].astype(str) == chosen).to_numpy()
    items = np.flatnonzero(keep).tolist()
    page, pages = _page_of(len(items), GRID_PER_PAGE)
    shown = items[(page - 1) * GRID_PER_PAGE: page * GRID_PER_PAGE]
    if not shown:
        st.info(t("No images to show: you have labeled every image here."), icon=":material/task_alt:")
        return
    # one class for every image shown
    bulk_key = f"lbl_g_bulk_{task.id}"
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    if task.multi_label:
        a.multiselect(t("Label every image shown as"), task.class_names, key=bulk_key)
    else:
        a.selectbox(t("Label every image shown as"), task.class_names, key=bulk_key, index=None,
                    placeholder=t("Choose a class"))
    go_to = page + 1 if page < pages and not only else None  # with "only unlabeled" the next ones move up
    b.button(tn("Apply to {n} image", "Apply to {n} images", len(shown)), key="lbl_g_bulk_go",
             icon=":material/done_all:", width="stretch", disabled=not st.session_state.get(bulk_key),
             on_click=_bulk_shown, args=(ws, task.id, shown, bulk_key, annotator, go_to))
    # the tiles
    rules = [".st-key-lbl_grid img{image-rendering:auto}"]
    colors = task.colors
    with st.container(key="lbl_grid"):
        for start in range(0, len(shown), GRID_COLUMNS):
            cols = st.columns(GRID_COLUMNS)
            for col, item in zip(cols, shown[start:start + GRID_COLUMNS], strict=False):
                own = mine.get(item)
                values = decode_label(task.multi_label, own)
                color = _color(colors.get(values[0])) if values and values[0] in colors else None
                if color:
                    rules.append(f".st-key-lbl_tile_{item}{{border:3px solid {color} !important}}")
                with col.container(key=f"lbl_tile_{item}", border=True):
                    data, name, problem = _image_bytes(ws, task, item, TILE_SIZE)
                    if data is None:
                        st.caption(t("Cannot show this image: {reason}", reason=escape_markdown(problem or "")))
                    else:
                        with st.container(horizontal_alignment="center"):
                            st.image(data, width="content")
                    st.caption(" · ".join(p for p in (t("Row {n}", n=fmt.count(item)), escape_markdown(name)) if p))
                    key = f"lbl_g_{task.id}_{item}"
                    if task.multi_label:
                        st.session_state[key] = [v for v in values if v in task.class_names]
                        st.multiselect(t("Your label"), task.class_names, key=key, label_visibility="collapsed",
                                       placeholder=t("No label yet"), on_change=_tile_label,
                                       args=(ws, task.id, item, key, annotator))
                    else:
                        st.session_state[key] = values[0] if values and values[0] in task.class_names else None
                        st.selectbox(t("Your label"), task.class_names, key=key, index=None, label_visibility="collapsed",
                                     placeholder=t("No label yet"), on_change=_tile_label,
                                     args=(ws, task.id, item, key, annotator))
                    if own is not None and _not_in_schema(task, own):
                        st.caption(t("⚑ Not in the schema: {label}", label=_label_text(task, own)))
    _style(rules)
    _pager(page, pages, len(items), GRID_PER_PAGE, key="lbl_g_pager", noun="images")
    if pages > 1:
        hotkeys.bind({"lbl_g_pager_prev": ["arrowleft"], "lbl_g_pager_next": ["arrowright"]})


# ---------------------------------------------------------------- tabular rows

def _apply_edits(ws: Workspace, task: LabelTask, annotator: str, shown: Sequence[int], stored: Sequence[Any],
                 edited_rows: dict[Any, dict[str, Any]], column: str) -> tuple[int, bool]:
    """Record the table's label edits that differ from the stored labels.

    Args:
        shown: the items of the table's rows, by position.
        stored: their labels as the table showed them (a class name or ``None``; a list for multi-label).
        edited_rows: Streamlit's ``{position: {column: value}}`` of the editor.
        column: the label column's name.

    Returns:
        (labels written, whether a label was cleared: a label stays once given).
    """
    written, cleared = 0, False
    for pos_text, changes in edited_rows.items():
        pos = int(pos_text)
        if column not in changes or not 0 <= pos < len(shown):
            continue
        value = changes[column]
        if isinstance(value, list | tuple):
            value = list(value)
        if value in (None, "", []):
            cleared = cleared or bool(stored[pos])
            continue
        if value == stored[pos]:
            continue
        annotations.record_label(ws, task.id, shown[pos], value, annotator=annotator, source="screen")
        written += 1
    return written, cleared


def _on_edit(ws: Workspace, task: LabelTask, annotator: str, key: str, shown: list[int], stored: list[Any],
             column: str) -> None:
    state = st.session_state.get(key) or {}
    result = _attempt(lambda: _apply_edits(ws, task, annotator, shown, stored, state.get("edited_rows", {}), column))
    if result is None or result[1]:
        _bump(task.id)  # draw the table again from the store
    if result and result[1]:
        _say(t("A label stays once given: choose another class to change it, or use Undo last."), ":material/info:")


def _bump(task_id: str) -> None:
    """Draw the table afresh (its edits are stored; what it shows comes from the store again)."""
    key = f"lbl_t_gen_{task_id}"
    st.session_state[key] = st.session_state.get(key, 0) + 1


def _undo_table(ws: Workspace, task_id: str, annotator: str) -> None:
    undone = _attempt(lambda: annotations.undo_last(ws, task_id, annotator=annotator))
    if st.session_state.get(FAILED) is not None:
        return
    _bump(task_id)
    if undone is None:
        _say(t("Nothing to undo."), ":material/info:")
    elif undone.action == "skip":
        _say(t("Skip of row {item} undone.", item=undone.item), ":material/undo:")
    else:
        _say(t("Label of row {item} undone.", item=undone.item), ":material/undo:")


def _confirm_bulk(ws: Workspace, task_id: str, annotator: str) -> None:
    pending = st.session_state.pop(PENDING, None)
    if not pending or pending["task"] != task_id:
        return
    written = _attempt(lambda: annotations.record_labels(ws, task_id, pending["items"], pending["label"],
                                                         annotator=annotator, source="bulk"))
    if written is not None:
        _bump(task_id)
        st.session_state[f"lbl_t_bulk_{task_id}"] = [] if isinstance(pending["label"], list) else None
        label = pending["label"]
        shown = ", ".join(label) if isinstance(label, list) else label
        _say(tn("{n} row labeled {label}", "{n} rows labeled {label}", written, label=escape_markdown(shown)))


def _ask_bulk(task_id: str, items: list[int], key: str) -> None:
    value = st.session_state.get(key)
    if value:
        st.session_state[PENDING] = {"task": task_id, "items": items, "label": value}


def _cancel_bulk() -> None:
    st.session_state.pop(PENDING, None)


def _value_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return t("(missing)")
    if isinstance(value, float | np.floating):
        return fmt.num(float(value))
    return str(value)


@st.cache_data(show_spinner=False, max_entries=64)
def _few_values(root: str, version_id: str, column: str, _frame: pd.DataFrame) -> list[Any] | None:
    """A column's distinct values (sorted) when there are at most :data:`FEW_VALUES`, else ``None``."""
    del root, version_id
    values = _frame[column].dropna().unique()
    if len(values) > FEW_VALUES:
        return None
    try:
        return sorted(values.tolist())
    except TypeError:
        return sorted(values.tolist(), key=str)


def _filters(ws: Workspace, task: LabelTask, frame: pd.DataFrame, mine: dict[int, str]) -> np.ndarray:
    """The filter row; returns the items that pass, in row order."""
    n = len(frame)
    keep = np.ones(n, dtype=bool)
    reset = {"on_change": _go_to_page, "args": (1,)}
    only_col, class_col, column_col, value_col = st.columns([1.2, 1, 1, 1.4], vertical_alignment="bottom")
    only = only_col.toggle(t("Only rows you have not labeled"), key=f"lbl_t_only_{task.id}", **reset)
    labeled = np.zeros(n, dtype=bool)
    if mine:
        labeled[[i for i in mine if 0 <= i < n]] = True
    if only:
        keep &= ~labeled
    flagged = sorted({v for label in mine.values() for v in _not_in_schema(task, label)})
    class_options = ["", *task.class_names, *[f"\x00{v}" for v in flagged]]
    chosen_class = class_col.selectbox(
        t("Your label"), class_options, key=f"lbl_t_class_{task.id}", disabled=only, **reset,
        format_func=lambda v: t("any") if not v else (t("{label} (not in the schema)", label=v[1:])
                                                      if v.startswith("\x00") else v))
    if chosen_class and not only:
        wanted = chosen_class.lstrip("\x00")
        has = [i for i, label in mine.items() if wanted in decode_label(task.multi_label, label) and 0 <= i < n]
        mask = np.zeros(n, dtype=bool)
        mask[has] = True
        keep &= mask
    column = column_col.selectbox(t("Column"), ["", *map(str, frame.columns)], key=f"lbl_t_col_{task.id}",
                                  format_func=lambda c: c or t("no column filter"), **reset)
    if column and column in frame.columns:
        few = _few_values(str(ws.root), task.version_id, column, frame)
        series = frame[column]
        if few is not None:
            options = {str(i): v for i, v in enumerate(few)}
            picked = value_col.selectbox(t("Value"), ["", *options], key=f"lbl_t_val_{task.id}_{column}",
                                         format_func=lambda k: _value_text(options[k]) if k else t("any"), **reset)
            if picked:
                keep &= (series == options[picked]).to_numpy()
        else:
            text = value_col.text_input(t("Value contains"), key=f"lbl_t_txt_{task.id}_{column}", **reset).strip()
            if text:
                if pd.api.types.is_numeric_dtype(series):
                    try:
                        keep &= (series == float(text)).to_numpy()
                    except ValueError:
                        keep &= series.astype(str).str.contains(text, case=False, regex=False).to_numpy()
                else:
                    keep &= series.astype(str).str.contains(text, case=False, regex=False, na=False).to_numpy()
    return np.flatnonzero(keep)


def _bulk_row(task: LabelTask, annotator: str, ws: Workspace, items: np.ndarray, mine: dict[int, str]) -> None:
    """Give one class to every filtered row, after a confirmation that says how many."""
    key = f"lbl_t_bulk_{task.id}"
    pending = st.session_state.get(PENDING)
    if pending and pending["task"] == task.id:
        label = pending["label"]
        text = ", ".join(label) if isinstance(label, list) else label
        st.warning(tn("Give the label {label} to {n} row? Labels you gave these rows before stay in the history.",
                      "Give the label {label} to {n} rows? Labels you gave these rows before stay in the history.",
                      len(pending["items"]), label=f"**{escape_markdown(text)}**"), icon=":material/help:")
        yes, no, _ = st.columns([1, 1, 3])
        yes.button(t("Label them"), key="lbl_t_bulk_yes", type="primary", icon=":material/done_all:",
                   on_click=_confirm_bulk, args=(ws, task.id, annotator), width="stretch")
        no.button(t("Cancel"), key="lbl_t_bulk_no", on_click=_cancel_bulk, width="stretch")
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    if task.multi_label:
        left.multiselect(t("Label every filtered row as"), task.class_names, key=key)
    else:
        left.selectbox(t("Label every filtered row as"), task.class_names, key=key, index=None,
                       placeholder=t("Choose a class"))
    value = st.session_state.get(key)
    todo = items.tolist()
    if value:
        text = encode_label(task.classes, task.multi_label, value)
        todo = [i for i in todo if mine.get(i) != text]
    right.button(tn("Label {n} row…", "Label {n} rows…", len(todo)), key="lbl_t_bulk_go", icon=":material/done_all:",
                 width="stretch", disabled=not value or not todo, on_click=_ask_bulk, args=(task.id, todo, key))


def tabular_screen(ws: Workspace, task: LabelTask, annotator: str) -> None:
    """Label rows in an editable table: a label column, filters, one class for all filtered rows."""
    _notes()
    with errors.shown():
        _table(ws, task, annotator)


def _table(ws: Workspace, task: LabelTask, annotator: str) -> None:
    frame = tasks.load_items(ws, task)
    labels = annotations.current_labels(ws, task.id)
    n_items = len(frame)
    mine = _mine(labels, annotator)
    _instructions(task, open_=not mine)
    _progress(ws, task, annotator, labels, n_items)
    items = _filters(ws, task, frame, mine)
    _bulk_row(task, annotator, ws, items, mine)
    if not len(items):
        st.info(t("No rows match the filters."), icon=":material/filter_alt_off:")
        return
    page, pages = _page_of(len(items), ROWS_PER_PAGE)
    shown = [int(i) for i in items[(page - 1) * ROWS_PER_PAGE: page * ROWS_PER_PAGE]]
    column = "label"
    while column in frame.columns:
        column = f"_{column}_"
    view = frame.iloc[shown].copy()
    stored = [decode_label(task.multi_label, mine.get(i)) if task.multi_label else mine.get(i) for i in shown]
    view.insert(0, column, stored)
    view.index = pd.Index(shown, name=t("Row"))
    config: dict[str, Any] = {}
    if task.multi_label:
        config[column] = st.column_config.MultiselectColumn(
            t("Your label"), options=task.class_names, color=[_color(c.get("color")) for c in task.classes],
            help=t("Your labels; each change is saved at once"), pinned=True)
    else:
        config[column] = st.column_config.SelectboxColumn(
            t("Your label"), options=task.class_names, required=False, pinned=True,
            help=t("Your label; each change is saved at once"))
    flags = [", ".join(_not_in_schema(task, mine.get(i))) for i in shown]
    if any(flags):
        flag_column = f"{column}_flag"
        view.insert(1, flag_column, [f"⚑ {f}" if f else "" for f in flags])
        config[flag_column] = st.column_config.TextColumn(t("Not in the schema"), disabled=True)
    gen = st.session_state.get(f"lbl_t_gen_{task.id}", 0)
    signature = hashlib.sha1(",".join(map(str, shown)).encode()).hexdigest()[:12]
    key = f"lbl_t_ed_{task.id}_{gen}_{signature}"
    st.data_editor(view, key=key, column_config=config, disabled=["_index", *[c for c in view.columns if c != column]],
                   num_rows="fixed", width="stretch", height=min(38 + 35 * len(view), 640),
                   on_change=_on_edit, args=(ws, task, annotator, key, shown, stored, column))
    _pager(page, pages, len(items), ROWS_PER_PAGE, key="lbl_t_pager", noun="rows")
    st.button(t("Undo last"), key="lbl_t_undo", icon=":material/undo:",
              help=t("Take back your latest label or skip"), on_click=_undo_table, args=(ws, task.id, annotator))
