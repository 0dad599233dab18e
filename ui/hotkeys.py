"""Keyboard shortcuts for buttons: a key press clicks the button with that Streamlit ``key``.

The approach of the streamlit-shortcuts package, written here so that:

- a key typed into a text box, a text area, a select box, a number box or a table being edited
  never triggers a shortcut (nor while an input method composes Hangul);
- the shortcut map is replaced by every run that draws it, and it only works while the frame that
  set it is on the page: a shortcut of another page, tab or item never fires;
- it works offline: a small script in a hidden, same-origin frame (:func:`st.iframe` with inline
  HTML, the successor of ``components.html``); nothing is fetched.

The button is found by the ``st-key-<key>`` class Streamlit gives a keyed element's container. A
disabled button is not clicked; with a dialog open, only its own buttons are. Holding a key down
does not repeat it. Keys on a non-Latin keyboard layout (a Korean input source, AZERTY digits)
are matched by their physical position.

Usage::

    st.button("positive", key="lbl_cls_0", on_click=...)
    hotkeys.bind({"lbl_cls_0": "1", "lbl_undo": ["z", "ctrl+z"], "lbl_back": ["b", "arrowleft"]})
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

import streamlit as st

HOST_KEY = "hotkeys_host"
_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_MODIFIERS = ("ctrl", "alt", "shift", "meta")
# how a shortcut's key reads on a button or in a hint
_NAMES = {"arrowleft": "←", "arrowright": "→", "arrowup": "↑", "arrowdown": "↓", "enter": "Enter",
          "escape": "Esc", "backspace": "⌫", "delete": "Del", "space": "Space", "tab": "Tab"}

_SCRIPT = """<!doctype html><html><body><script>
(function () {
  var win = window.parent, doc = win.document;
  var EDITABLE = '[role="textbox"],[role="combobox"],[role="listbox"],[role="spinbutton"],[role="slider"],'
    + '[role="grid"],[contenteditable=""],[contenteditable="true"],[data-testid="stDataFrame"],'
    + '[data-testid="stDataFrameResizable"],[data-testid="stDataFrameGlideDataEditor"]';
  var NOT_TEXT = {checkbox: 1, radio: 1, button: 1, submit: 1, reset: 1, image: 1, file: 1, color: 1};
  function editable(t) {
    if (!t || !t.tagName) return false;
    if (t.isContentEditable) return true;
    var tag = t.tagName.toLowerCase();
    if (tag === 'textarea' || tag === 'select') return true;
    if (tag === 'input') return !NOT_TEXT[(t.type || 'text').toLowerCase()];
    return !!(t.closest && t.closest(EDITABLE));
  }
  function keyOf(e) {
    var k = (e.key || '').toLowerCase();
    if (/^[a-z0-9]$/.test(k) || /^[a-z]{2,}$/.test(k) && k !== 'process' && k !== 'unidentified') return k;
    var m = /^(?:Key([A-Z])|Digit([0-9])|Numpad([0-9]))$/.exec(e.code || '');  /* Hangul layout, AZERTY */
    return m ? (m[1] || m[2] || m[3]).toLowerCase() : k;
  }
  function matches(spec, e, key) {
    var parts = spec.toLowerCase().split('+'), main = parts[parts.length - 1];
    if (e.ctrlKey !== parts.includes('ctrl') || e.altKey !== parts.includes('alt')
        || e.metaKey !== parts.includes('meta')) return false;
    if (parts.includes('shift') ? !e.shiftKey : (main.length > 1 && e.shiftKey)) return false;
    return key === main;
  }
  function onKey(e) {
    var reg = win.__mlcycleHotkeys;
    if (!reg || !reg.frame || !reg.frame.isConnected) return;  /* the frame that set the map is gone */
    if (e.defaultPrevented || e.isComposing || e.keyCode === 229) return;
    var t = e.target;
    if (editable(t) || editable(doc.activeElement)) return;
    var key = keyOf(e);
    var names = Object.keys(reg.map);
    for (var i = 0; i < names.length; i++) {
      var specs = reg.map[names[i]];
      for (var j = 0; j < specs.length; j++) {
        if (!matches(specs[j], e, key)) continue;
        if (key.indexOf('arrow') === 0 && t && t.closest
            && t.closest('[role="tab"],[role="radio"],[role="option"],[role="menuitem"]')) return;
        e.preventDefault();
        e.stopPropagation();
        if (e.repeat) return;
        var el = doc.querySelector('.st-key-' + names[i] + ' button');
        if (!el || el.disabled || el.getAttribute('aria-disabled') === 'true') return;
        var dialog = doc.querySelector('[role="dialog"]');
        if (dialog && !dialog.contains(el)) return;
        el.click();
        return;
      }
    }
  }
  win.__mlcycleHotkeys = {map: __MAP__, frame: window.frameElement};
  /* the listener is this frame's: a listener of a frame that was reloaded or removed no longer runs */
  if (win.__mlcycleHotkeysListener) win.removeEventListener('keydown', win.__mlcycleHotkeysListener, true);
  win.__mlcycleHotkeysListener = onKey;
  win.addEventListener('keydown', onKey, true);
})();
</script></body></html>"""

_HIDE = (f"<style>.st-key-{HOST_KEY}{{position:fixed;left:-10px;top:0;width:1px;height:1px;overflow:hidden;"
         "opacity:0;pointer-events:none}</style>")


def normalize(shortcuts: Mapping[str, str | Sequence[str]]) -> dict[str, list[str]]:
    """``{button key: shortcut or shortcuts}`` as ``{key: [shortcut, ...]}``, checked.

    A shortcut is a key (``"1"``, ``"q"``, ``"enter"``, ``"arrowleft"``) with optional modifiers
    (``"ctrl+z"``, ``"shift+enter"``).

    Raises:
        ValueError: a button key with characters Streamlit would change in its class name, or an
            empty shortcut (a programming error, not the user's).
    """
    out: dict[str, list[str]] = {}
    for key, value in shortcuts.items():
        if not _KEY.match(key):
            raise ValueError(f"button key {key!r}: use letters, digits, '_' and '-' only")
        specs = [value] if isinstance(value, str) else list(value)
        cleaned = []
        for spec in specs:
            parts = [p.strip().lower() for p in str(spec).split("+")]
            if not parts[-1] or any(not p for p in parts) or any(p not in _MODIFIERS for p in parts[:-1]):
                raise ValueError(f"shortcut {spec!r} of {key!r} is not a key")
            cleaned.append("+".join(parts))
        if cleaned:
            out[key] = cleaned
    return out


def script(shortcuts: Mapping[str, str | Sequence[str]]) -> str:
    """The frame's HTML that installs ``shortcuts`` (see :func:`bind`)."""
    payload = json.dumps(normalize(shortcuts), sort_keys=True).replace("<", "\\u003c")
    return _SCRIPT.replace("__MAP__", payload)


def bind(shortcuts: Mapping[str, str | Sequence[str]]) -> None:
    """Make keys click buttons, for as long as this run's page shows.

    Call it once per run, after (or before) drawing the buttons. The map replaces any earlier one;
    when a later run does not call it, no shortcut works (its frame is gone).

    Args:
        shortcuts: ``{button key: "1"}`` or ``{button key: ["b", "arrowleft"]}``; modifiers
            ``ctrl``, ``alt``, ``shift``, ``meta`` join a key with ``+``.
    """
    html = script(shortcuts)
    st.html(_HIDE)
    with st.container(key=HOST_KEY):
        st.iframe(html, height=1, tab_index=-1)


def key_text(shortcut: str) -> str:
    """How a shortcut reads: ``1``, ``Q``, ``Ctrl+Z``, ``←``, ``Enter``."""
    parts = shortcut.lower().split("+")
    shown = [p.capitalize() for p in parts[:-1]]
    main = parts[-1]
    shown.append(_NAMES.get(main, main.upper() if len(main) == 1 else main.capitalize()))
    return "+".join(shown)


def keys_text(shortcuts: str | Sequence[str]) -> str:
    """Several shortcuts of one button: ``Z / Ctrl+Z``."""
    specs = [shortcuts] if isinstance(shortcuts, str) else list(shortcuts)
    return " / ".join(key_text(s) for s in specs)
