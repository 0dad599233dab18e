"""State in the URL: what a page shows is named by query parameters, so a reload keeps it, a link
can be shared, and the browser's Back button steps back through the user's choices.

Every page uses these names, and only these, for what it shows:

=============  ==================================================================
``project``    the active project (a link to another project's object switches to it)
``dataset``    a dataset of the project
``version``    a dataset version
``experiment`` an experiment
``model``      a model
``task``       a labeling task
``tab``        the open view of a page with tabs (a stable id, not the shown label)
``lang``       ``en`` or ``ko``
``hypothesis`` a hypothesis (a filter on Compare)
``learner``    a learner (a filter on Compare)
``models``     several models, comma-separated (the ones compared)
``sort``       a list's sort key, ``-`` first for descending (``-value``)
``page``       a list's page number, from 1
``rows``       how many rows of a version to explain (Explain)
``row``        one row of a version, by its number in the version (Explain's local view)
``class``      the class an explanation is shown for (Explain, multiclass)
``column``     one column of a version (Explain's dependence plot)
=============  ==================================================================

How it works:
- a parameter in the URL wins; a page falls back to its default (say, the newest version)
  when the URL has none, and does not write that default back (writing would add a history
  entry on every visit, so Back would land on the same page again);
- a choice the user makes writes its parameter (:func:`select`, :func:`tabs`), which adds one
  history entry: Back undoes it;
- links between pages (:func:`link`, the sidebar's menu) carry the context: ``project``,
  ``lang`` and the objects chosen so far, so the next page opens on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

PARAMS = ("project", "dataset", "version", "experiment", "model", "task", "tab", "lang",
          "hypothesis", "learner", "models", "sort", "page", "rows", "row", "class", "column", "annotator", "item", "target",
          "batch", "retrain")
# what a link to another page carries along (``tab`` belongs to one page)
CONTEXT = ("project", "dataset", "version", "experiment", "model", "task", "lang", "annotator")
# what belongs to one project: dropped when the project changes
PROJECT_SCOPED = ("dataset", "version", "experiment", "model", "task", "tab", "hypothesis", "learner", "models",
                  "sort", "page", "rows", "row", "class", "column", "item", "target", "batch", "retrain")


def get(name: str) -> str | None:
    """The URL's value for ``name`` (``None`` when absent or empty)."""
    value = st.query_params.get(name)
    return value or None


def user_changed() -> bool:
    """Whether a widget's change in this run is the user's choice (for ``on_change`` callbacks that write the URL).

    On Back or Forward the browser sends the widget values it last drew, which can be older than the
    address it returns to (when the steps come faster than the reruns); those are not choices, and the
    URL wins, as Streamlit does for its own query-bound widgets.
    """
    ctx = get_script_run_ctx()
    return not (ctx is not None and getattr(ctx, "is_history_navigation", False))


def put(**values: str | None) -> None:
    """Set URL parameters in one step (``None`` removes one); one history entry when anything changed."""
    current = st.query_params.to_dict()
    updated = dict(current)
    for name, value in values.items():
        if value is None:
            updated.pop(name, None)
        else:
            updated[name] = str(value)
    if updated != current:
        st.query_params.from_dict(updated)


def context(**override: str | None) -> dict[str, str]:
    """The parameters a link to another page carries: the current context, with ``override`` applied.

    A link to another project's object passes that ``project``; the current project's objects are
    then left behind.
    """
    from ui import i18n, state

    carried = {name: get(name) for name in CONTEXT}
    project = state.active_project_id()
    if project:
        carried["project"] = project
    carried["lang"] = i18n.lang()
    if override.get("project") and override["project"] != carried.get("project"):
        for name in PROJECT_SCOPED:
            carried.pop(name, None)
    carried.update(override)
    return {name: value for name, value in carried.items() if value}


CURRENT_PAGE = "url_current_page"
_LINKS_DRAWN = "url_links_drawn"  # same-page links drawn in this run: each button's key


def set_current_page(page: str) -> None:
    """Remember which page runs (``app_pages/x.py``): :func:`link` treats a link to it differently."""
    st.session_state[CURRENT_PAGE] = page
    st.session_state[_LINKS_DRAWN] = 0


def _follow(params: dict[str, str]) -> None:
    """Show what a same-page link names: its parameters replace the URL's (one history entry)."""
    from ui import state

    if params.get("project") and params["project"] != state.active_project_id():
        state.set_active_project(params["project"])
    put(**{name: params.get(name) for name in PARAMS})


def link(page: str, label: str, *, icon: str | None = None, help: str | None = None,
         container: object = None, key: str | None = None, **params: str | None) -> None:
    """A link to ``page`` carrying the context (see :func:`context`) plus ``params``.

    To another page it is ``st.page_link``. To the page being shown it is a link-styled button
    that writes the parameters: Streamlit's page link to the same page changes what is shown
    but leaves the address bar on the old parameters, so a reload would show something else.
    """
    target = container or st
    wanted = context(**params)
    if page != st.session_state.get(CURRENT_PAGE):
        target.page_link(page, label=label, icon=icon, help=help, query_params=wanted)
        return
    if wanted == {name: value for name in PARAMS if (value := get(name))}:
        target.page_link(page, label=label, icon=icon, help=help, query_params=wanted)  # shown as the current one
        return
    n = st.session_state[_LINKS_DRAWN] = st.session_state.get(_LINKS_DRAWN, 0) + 1
    target.button(label, icon=icon, help=help, type="tertiary", on_click=_follow, args=(wanted,),
                  key=key or f"url_link_{n}")


def select(label: str, options: Mapping[str, str], *, param: str, default: str | None = None,
           container: object = None, on_choose: Callable[[str], None] | None = None,
           clear: tuple[str, ...] = (), **widget: object) -> str | None:
    """A select box over ``{id: shown label}`` whose choice is the URL parameter ``param``.

    The URL's value is shown when it is one of the options; else ``default`` (or the first
    option). Choosing writes the parameter (and removes those in ``clear``, which depend on it),
    adding one history entry.

    Args:
        label: the box's label (already translated).
        options: ids in display order, with their labels.
        param: the URL parameter (one of :data:`PARAMS`).
        default: the id shown when the URL names none of the options.
        container: where to draw it (``st.sidebar``, a column); the page by default.
        on_choose: called with the new id after it is written (say, to remember it).
        clear: parameters to drop when the choice changes.
        widget: more ``st.selectbox`` arguments (``help``, ``label_visibility``).

    Returns:
        The chosen id, or ``None`` when there are no options.
    """
    ids = list(options)
    if not ids:
        return None
    chosen = get(param)
    if chosen not in options:
        chosen = default if default in options else ids[0]
    key = f"url_{param}"
    st.session_state[key] = chosen

    def changed() -> None:
        if not user_changed():
            return
        value = st.session_state[key]
        put(**{param: value}, **dict.fromkeys(clear))
        if on_choose:
            on_choose(value)

    target = container or st
    return target.selectbox(label, ids, format_func=lambda i: options.get(i, i), key=key,
                            on_change=changed, **widget)


def tabs(views: Mapping[str, str], *, default: str | None = None) -> dict[str, object]:
    """``st.tabs`` whose open view is the URL's ``tab`` parameter (by stable id, in any language).

    Args:
        views: ``{id: shown label}`` in order.
        default: the id open when the URL names none (the first view otherwise).

    Returns:
        ``{id: tab container}``; each has ``.open``: only the open one need run.
    """
    ids = list(views)
    chosen = get("tab")
    if chosen not in views:
        chosen = default if default in views else ids[0]
    by_label = {label: view for view, label in views.items()}
    key = "url_tab"
    st.session_state[key] = views[chosen]

    def changed() -> None:
        if user_changed():
            put(tab=by_label.get(st.session_state[key]))

    containers = st.tabs(list(views.values()), key=key, on_change=changed)
    return dict(zip(ids, containers, strict=True))
