"""Every user-facing string of the UI has Korean text, and the catalog is well-formed."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").rglob("*.py")), *sorted((ROOT / "app_pages").glob("*.py"))]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _calls() -> list[tuple[str, int, str, list[ast.expr]]]:
    """Every call of ``t(...)``/``tn(...)`` (or ``i18n.t``) in the UI: (file, line, name, args)."""
    found = []
    for path in SOURCES:
        if "locale" in path.parts or path.name == "i18n.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                name = node.func.id if isinstance(node.func, ast.Name) else (
                    node.func.attr if isinstance(node.func, ast.Attribute) else None)
                if name in ("t", "tn") and node.args:
                    found.append((str(path.relative_to(ROOT)), node.lineno, name, node.args))
    return found


def _literal_keys() -> list[tuple[str, str]]:
    keys = []
    for where, line, name, args in _calls():
        texts = args[:2] if name == "tn" else args[:1]
        for arg in texts:
            assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), (
                f"{where}:{line}: {name}() needs a string literal (no f-string or variable), so its "
                "Korean text can be checked; put values in {placeholders}")
            if name == "t" or arg is texts[-1]:  # tn's singular is English only; Korean has one form
                keys.append((f"{where}:{line}", arg.value))
    return keys


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_the_ui_translates_many_strings():
    # the scan itself works: the pages call t() hundreds of times
    assert len(_literal_keys()) > 100


def test_every_translated_string_has_korean_text():
    from ui.i18n import catalog

    ko = catalog()
    missing = sorted({f"{where}: {key!r}" for where, key in _literal_keys() if key not in ko})
    assert not missing, "no Korean text for:\n" + "\n".join(missing)


def test_menu_titles_and_sections_have_korean_text():
    import app_pages  # noqa: F401  (the package exists)
    from tests.pages.conftest import page_paths
    from ui.i18n import catalog

    tree = ast.parse((ROOT / "app.py").read_text())
    pages = next(ast.literal_eval(n.value) for n in tree.body
                 if isinstance(n, ast.AnnAssign) and getattr(n.target, "id", None) == "PAGES")
    wanted = [s for s in pages if s] + [p["title"] for ps in pages.values() for p in ps]
    assert page_paths()
    assert not [w for w in wanted if w not in catalog()]


def test_korean_text_keeps_the_placeholders_and_is_korean():
    from ui import locale  # noqa: F401
    from ui.i18n import catalog

    bad = [(en, ko) for en, ko in catalog().items() if _fields(en) != _fields(ko)]
    assert not bad, f"placeholders differ: {bad[:5]}"
    not_korean = [en for en, ko in catalog().items() if not HANGUL.search(ko) and _fields(en) != {ko.strip("{}")}]
    assert not not_korean, f"Korean text without Hangul: {not_korean[:5]}"


def test_catalog_files_do_not_disagree():
    import importlib
    import pkgutil

    from ui import locale

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for info in pkgutil.iter_modules(locale.__path__):
        if info.name.startswith("ko_"):
            for en, ko in getattr(importlib.import_module(f"ui.locale.{info.name}"), "KO", {}).items():
                if en in seen and seen[en][1] != ko:
                    clashes.append((en, seen[en][0], info.name))
                seen[en] = (info.name, ko)
    assert not clashes, clashes


@pytest.mark.parametrize("lang,expected", [("en", "3 min ago"), ("ko", "3분 전")])
def test_times_read_in_the_language(monkeypatch, lang, expected):
    from datetime import UTC, datetime, timedelta

    from ui import fmt, i18n

    monkeypatch.setattr(i18n, "lang", lambda: lang)
    three = (datetime.now(UTC) - timedelta(minutes=3, seconds=5)).isoformat()
    assert fmt.ago(three) == expected
    assert fmt.date("2026-12-02T14:03:00+00:00") == ("2 Dec 2026" if lang == "en" else "2026년 12월 2일")


def test_numbers_and_sizes_read_well():
    from ui import fmt

    assert fmt.num(0.5848398019817648) == "0.5848"
    assert fmt.num(12345.0) == "12,345"
    assert fmt.count(1234567) == "1,234,567"
    assert fmt.size(900) == "900 B"
    assert fmt.size(3 * 1024 + 100) == "3.1 KiB"
    assert fmt.size(5 * 2**20) == "5.0 MiB"


@pytest.mark.parametrize("kind", ["ERRORS", "HINTS", "PROGRESS", "WARNINGS"])
def test_each_korean_message_pattern_matches_its_example_and_keeps_the_data(monkeypatch, kind):
    from ui import i18n
    from ui.locale import ko_errors, ko_progress

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    entries = getattr(ko_errors, kind, []) + getattr(ko_progress, kind, [])
    assert len(entries) > (5 if kind == "WARNINGS" else 15)
    for pattern, korean, example in entries:
        match = re.fullmatch(pattern, example, re.DOTALL)
        assert match, f"{pattern!r} does not match its example {example!r}"
        assert _fields(korean) <= set(match.groupdict()), f"{korean!r} names a group {pattern!r} lacks"
        shown = i18n.message(example, kind=kind)
        assert HANGUL.search(shown), shown
        for value in match.groupdict().values():
            if value and not re.search(r"[.:]", value):  # the data is carried over as written
                assert value in shown or "reason" in match.groupdict(), (value, shown)


def test_a_message_without_a_pattern_stays_in_english_and_english_is_untouched(monkeypatch):
    from ui import i18n

    monkeypatch.setattr(i18n, "lang", lambda: "ko")
    assert i18n.message("Something nobody translated.") == "Something nobody translated."
    assert i18n.message("'매출.csv' is empty (0 bytes).") == "'매출.csv' 파일이 비어 있습니다 (0바이트)."
    monkeypatch.setattr(i18n, "lang", lambda: "en")
    assert i18n.message("'매출.csv' is empty (0 bytes).") == "'매출.csv' is empty (0 bytes)."
