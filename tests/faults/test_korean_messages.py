"""Fault suite (issue #10): bad input gets its message in Korean when the UI is in Korean, with the
user's data (file names) as written; a message with no Korean text is still shown, in English."""

from __future__ import annotations

import pytest

from core.data import datasets
from core.errors import MLCycleError


def _error_of(ws, path) -> MLCycleError:
    with pytest.raises(MLCycleError) as caught:
        datasets.add_dataset(ws, path)
    return caught.value


def _shown_in(lang: str, exc: MLCycleError):
    from streamlit.testing.v1 import AppTest

    def script(message: str, hint: str) -> None:
        import streamlit as st

        from core.errors import InvalidInput
        from ui import errors, i18n

        i18n.set_lang(st.session_state["lang"])
        errors.render(InvalidInput(message, hint=hint))

    at = AppTest.from_function(script, args=(exc.message, exc.hint), default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at.error[0].value


@pytest.mark.parametrize("content,korean", [
    (b"", "파일이 비어 있습니다"),
    (b'a,b\n1,"x\n2,y\n', "따옴표"),
    (b"a,b\n1,2\x00\n", "NUL 바이트"),
])
def test_a_bad_upload_is_explained_in_korean_with_its_file_name(ws, tmp_path, content, korean):
    path = tmp_path / "매출 자료.csv"
    path.write_bytes(content)
    exc = _error_of(ws, path)
    shown = _shown_in("ko", exc)
    assert korean in shown and "매출 자료.csv" in shown
    assert "해결 방법" in shown  # the hint, in Korean too
    assert "What to do" in _shown_in("en", exc)


def test_a_message_without_korean_text_is_shown_in_english(ws):
    exc = MLCycleError("Something only English knows.", hint="Try again.")
    shown = _shown_in("ko", exc)
    assert "Something only English knows." in shown and "Try again." in shown
