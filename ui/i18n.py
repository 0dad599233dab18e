"""Two languages, English and Korean (한국어): the one helper every user-facing string goes through.

The English text is the key: ``t("Upload a file")`` shows it as written in English and looks it up
in the Korean catalog (``ui/locale/ko_*.py``, one dict ``KO`` per area, merged here) in Korean.
Values are named placeholders filled after translation, so word order can change:
``t("{n} rows", n=fmt.count(n))``. Values are user data (names, column names) or numbers
already formatted for the language: they are never translated.

Rules the tests hold the code to:
- the first argument of :func:`t` and :func:`tn` is a string literal (no f-strings), so the
  catalog can be checked without running the pages (:func:`tk` takes a key from a literal table);
- every literal has Korean text (``tests/unit/test_i18n.py``);
- a page run in Korean looks up no key the catalog lacks (:func:`missing` is empty after it).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache

import streamlit as st

LANGS = {"en": "English", "ko": "한국어"}
DEFAULT = "en"
LANG_KEY = "ui_lang"  # the session's language; the URL's ``lang`` parameter sets it

_missing: set[str] = set()


@cache
def catalog() -> dict[str, str]:
    """The Korean catalog: every ``KO`` dict of ``ui/locale/ko_*.py`` merged (English text -> Korean)."""
    from ui import locale

    merged: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(locale.__path__), key=lambda m: m.name):
        if info.name.startswith("ko_"):
            merged.update(getattr(importlib.import_module(f"ui.locale.{info.name}"), "KO", {}))
    return merged


def lang() -> str:
    """The language of this session: ``en`` or ``ko``."""
    try:
        chosen = st.session_state.get(LANG_KEY, DEFAULT)
    except Exception:  # outside a Streamlit script run (a unit test of a formatter)
        return DEFAULT
    return chosen if chosen in LANGS else DEFAULT


def set_lang(code: str) -> None:
    """Make ``code`` (``en`` or ``ko``) this session's language; anything else is ignored."""
    if code in LANGS:
        st.session_state[LANG_KEY] = code


def t(text: str, /, **values: object) -> str:
    """Return ``text`` in the session's language, with ``{placeholders}`` filled from ``values``.

    A key the Korean catalog lacks shows in English and is recorded (see :func:`missing`).
    """
    if lang() == "ko":
        translated = catalog().get(text)
        if translated is None:
            _missing.add(text)
        else:
            text = translated
    return text.format(**values) if values else text


def tk(key: str, /) -> str:
    """:func:`t` for a key held in a variable: an English label from a literal table (page titles,
    status names, fixed options). The pages tests run every page in Korean, which catches a
    table entry with no Korean text (:func:`missing`)."""
    return t(key)


def tn(one: str, many: str, n: float, /, **values: object) -> str:
    """Return the singular or plural English form for ``n``; Korean has one form (``many``'s).

    ``n`` is available to the template as ``{n}``, formatted for the language.
    """
    from ui.fmt import count

    values.setdefault("n", count(n))
    if lang() == "ko":
        return t(many, **values)
    return (one if n == 1 else many).format(**values)


def options(labels: dict[str, str]) -> dict[str, str]:
    """Translate the labels of a ``{value: English label}`` map (for select boxes over fixed choices)."""
    return {value: tk(label) for value, label in labels.items()}


@cache
def _patterns(kind: str) -> list[tuple[re.Pattern[str], str]]:
    """The Korean message patterns (``ERRORS`` or ``HINTS`` of ``ui/locale/ko_*.py``), compiled."""
    from ui import locale

    found: list[tuple[re.Pattern[str], str]] = []
    for info in sorted(pkgutil.iter_modules(locale.__path__), key=lambda m: m.name):
        if info.name.startswith("ko_"):
            module = importlib.import_module(f"ui.locale.{info.name}")
            found += [(re.compile(pattern, re.DOTALL), korean) for pattern, korean, _ in getattr(module, kind, [])]
    return found


def message(text: str, *, kind: str = "ERRORS") -> str:
    """A message core wrote in English (an error or, with ``kind="HINTS"``, its hint), in the session's language.

    Core's messages carry user data (file and column names, numbers), so Korean is found by pattern
    (``ui/locale/ko_errors.py``); the data is carried over unchanged. A message with no pattern
    stays in English.
    """
    if lang() != "ko" or not text:
        return text
    for pattern, korean in _patterns(kind):
        match = pattern.fullmatch(text)
        if match:
            values = {name: (message(value) if name == "reason" else value)
                      for name, value in match.groupdict(default="").items()}
            return korean.format(**values)
    return text


def progress(text: str) -> str:
    """A job title or progress message core wrote in English, in the session's language (``ko_progress``)."""
    return message(text, kind="PROGRESS")


def missing() -> set[str]:
    """Keys looked up in Korean that the catalog lacks, since the process started (tests read it)."""
    return set(_missing)


def reset_missing() -> None:
    """Forget the recorded missing keys (tests call it before running a page)."""
    _missing.clear()
