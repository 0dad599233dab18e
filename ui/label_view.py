"""The Label page's views: the task picker and the form that creates a task, the annotator's name,
and the tabs around the labeling screens: review (agreement and disagreements), publish,
import/export and settings, with the active-learning box.

A label task (``?task=``) labels the rows of one dataset version (:mod:`core.labeling.tasks`).
Who labels is ``?annotator=`` (asked once, then carried by every link; the session remembers it
too). The tabs (``?tab=``): ``label`` (the screens of :mod:`ui.label_screens`, one per kind of
task), ``review``, ``publish``, ``transfer`` and ``settings``.
"""

from __future__ import annotations

import html
import importlib
import importlib.util
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.data import datasets
from core.data.entities import DatasetVersion
from core.define.entities import Project
from core.errors import MLCycleError, NotFound
from core.labeling import active, agreement, annotations, images, publish, schema, tasks
from core.labeling.entities import LabelTask
from core.workspace import Workspace
from ui import errors, fmt, i18n, layout, pickers, state, url
from ui.fmt import escape_markdown, id_suffix
from ui.i18n import t, tk, tn
from ui.jobs import percent, progress_panel

PAGE = "app_pages/label.py"
ANNOTATOR = "lbl_annotator"  # the name this browser session labels as (the URL's ``annotator`` wins)
EDITING_NAME = "lbl_annotator_editing"  # the name box is open again after "Change"
FORM_GEN = "lbl_form_gen"  # bumped after a task is created: the form starts afresh
ZIP_GEN = "lbl_zip_gen"
ZIP_DONE = "lbl_zip_done"  # what the last image upload stored, shown once
PUBLISHED = "lbl_published"  # the publication just made, shown once
NEW_FROM, NEW_FROM_ID = "lbl_new_from", "lbl_new_from_id"  # the new-task panel's open tab (its widget; its id)

KINDS = {"tabular": "Rows of a table", "text": "Text", "image": "Images"}
KIND_HELP = {
    "tabular": "Each row is one item; annotators see its values and label it in a grid.",
    "text": "Each item is the text of one column, shown one at a time in large type.",
    "image": "Each item is an image whose file path is in one column, labeled in a grid or one at a time.",
}
VIEWS = {"label": "Label", "review": "Review", "publish": "Publish", "transfer": "Import / export",
         "settings": "Settings"}
METHODS = {"review": "decided by a reviewer", "majority": "majority vote", "single": "one annotator",
           "tie": "tied votes", "pending": "waiting for more labels"}
UNRESOLVED = {"leave": "Leave them out", "keep": "Keep them, with an empty label"}
FORMATS = {"csv": "CSV", "json": "JSON", "label-studio": "Label Studio JSON"}  # names, the same in Korean
FORMAT_MIME = {"csv": "text/csv", "json": "application/json", "label-studio": "application/json"}
# Landis & Koch (1977): how a kappa value reads
BANDS = ((0.0, "less agreement than chance"), (0.2, "slight agreement"), (0.4, "fair agreement"),
         (0.6, "moderate agreement"), (0.8, "substantial agreement"), (1.01, "almost perfect agreement"))
REVIEW_PAGE = 10  # disagreements shown at once
TABLE_ROWS = 500  # per-item agreement rows shown
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


# ---------------------------------------------------------------- small helpers

def _plain(text: str, limit: int = 300) -> str:
    """User text shortened for a line on screen (whitespace folded)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on ``colour``."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def chips(classes: Sequence[Mapping[str, Any]], *, hotkeys: bool = True) -> str:
    """The classes as coloured chips (HTML, user text escaped): ``[1 positive] [2 negative]``."""
    parts = []
    for c in classes:
        colour = str(c.get("color") or "")
        colour = colour if _HEX.match(colour) else "#777777"
        key = str(c.get("hotkey") or "") if hotkeys else ""
        key = "" if key == str(c.get("name", "")).lower() else html.escape(key)  # class "3" on key 3: once
        key_part = (f'<span style="opacity:.75;font-family:monospace;margin-right:.4em">{key}</span>'
                    if key else "")
        parts.append(f'<span style="display:inline-block;background:{colour};color:{_ink(colour)};'
                     f'border-radius:1em;padding:.1em .75em;margin:0 .35em .35em 0;font-size:.9em">'
                     f'{key_part}{html.escape(str(c.get("name", "")))}</span>')
    return "".join(parts)


def show_chips(classes: Sequence[Mapping[str, Any]], *, hotkeys: bool = True, container: Any = None) -> None:
    (container or st).html(f"<div>{chips(classes, hotkeys=hotkeys)}</div>")  # HTML only: no Markdown in class names


def label_text(task: LabelTask, stored: Any) -> str:
    """A stored label as read: a class name, or several joined by commas (multi-label)."""
    if stored is None or (isinstance(stored, float) and stored != stored):
        return ""
    return ", ".join(schema.decode_label(task.multi_label, str(stored)))


def version_name(version: DatasetVersion) -> str:
    return f"{version.dataset_name} v{version.number}"


def _version(ws: Workspace, version_id: str) -> DatasetVersion | None:
    try:
        return datasets.get_version(ws, version_id)
    except NotFound:
        return None


def kappa_reading(kappa: float) -> str:
    """What a kappa value means on Landis & Koch's scale ("substantial agreement")."""
    if kappa < 0:
        return tk(BANDS[0][1])
    return next(tk(words) for upper, words in BANDS[1:] if kappa <= upper)


# ---------------------------------------------------------------- the annotator

def current_annotator() -> str | None:
    """The name labels are given under: the URL's ``annotator``, else the one this session gave.

    A name in the URL that cannot be an annotator's (blank, too long) is shown as an error and
    not used.
    """
    wanted = url.get("annotator")
    if wanted:
        try:
            name = annotations.check_annotator(wanted)
        except MLCycleError as exc:
            errors.render(exc)
            return st.session_state.get(ANNOTATOR)
        st.session_state[ANNOTATOR] = name
        return name
    return st.session_state.get(ANNOTATOR)


def annotator_box(container: Any = None) -> str | None:
    """Ask for the annotator's name once; afterwards "Labeling as NAME" with a change button.

    The name goes into the URL (``?annotator=``), which every link carries, and into the session.

    Returns:
        The name, or ``None`` while none was given.
    """
    name = current_annotator()
    with container or st.container():
        if name and not st.session_state.get(EDITING_NAME):
            said, change = st.columns([3, 2], vertical_alignment="center")
            said.markdown(t("Labeling as {name}", name=f"**{escape_markdown(name)}**"))
            if change.button(t("Change"), key="lbl_who_change", icon=":material/edit:",
                             help=t("Label under another name")):
                st.session_state[EDITING_NAME] = True
                st.rerun()
            return name
        with st.form("lbl_who", border=False, enter_to_submit=True):
            typed = st.text_input(t("Your name as annotator"), value=name or "", max_chars=annotations.MAX_ANNOTATOR,
                                  placeholder=t("e.g. Minji, or your initials"), key="lbl_who_name",
                                  help=t("Every label you give is recorded under this name, so the agreement "
                                         "between annotators can be measured. The page's address keeps it."))
            pressed = st.form_submit_button(t("Start labeling") if not name else t("Use this name"), type="primary",
                                            icon=":material/person:")
        if pressed:
            with errors.shown(stop=False):
                checked = annotations.check_annotator(typed)
                st.session_state[ANNOTATOR] = checked
                st.session_state.pop(EDITING_NAME, None)
                url.put(annotator=checked)
                st.rerun()
    return name


# ---------------------------------------------------------------- choosing a task

def task_picker(ws: Workspace, project: Project, container: Any = None) -> LabelTask | None:
    """The project's label tasks in a box (``?task=``), each with its dataset version by name.

    A link to another project's task switches to that project; a link to an archived task shows it
    (with a way to restore it); an unknown id is said.

    Returns:
        The chosen task, or ``None`` when the project has none.
    """
    everything = tasks.list_tasks(ws, project_id=project.id, include_archived=True)
    wanted = url.get("task")
    linked = next((tk_ for tk_ in everything if tk_.id == wanted), None)
    if wanted and linked is None:
        _foreign_task(ws, wanted)
    shown = [x for x in everything if not x.archived_at or x is linked]
    if not shown:
        return None
    versions = {v: _version(ws, v) for v in {x.version_id for x in shown}}
    labels = {}
    for x in shown:
        version = versions.get(x.version_id)
        where = version_name(version) if version else t("a removed version")
        archived = f" · {t('archived')}" if x.archived_at else ""
        labels[x.id] = f"{x.name} · {where}{archived}"
    chosen = url.select(t("Label task"), labels, param="task", default=shown[0].id, container=container,
                        clear=("item", "page"))
    return next(x for x in shown if x.id == chosen)


def _foreign_task(ws: Workspace, wanted: str) -> None:
    """A link named a task that is not this project's: open it in its own project, or say it is unknown."""
    try:
        task = tasks.get_task(ws, wanted)
    except NotFound:
        st.warning(t("The link named label task {id}, which is not in this workspace. Choose a task below instead.",
                     id=f"`{escape_markdown(wanted)}`"))
        return
    if task.project_id and task.project_id != state.active_project_id():
        from core.define import projects

        try:
            other = projects.get_project(ws, task.project_id)
        except NotFound:
            return
        if not other.archived_at:
            tab = url.get("tab")
            state.set_active_project(other.id)
            url.put(task=task.id, tab=tab)
            state.flash(t("Switched to project {project}, which holds the label task {task}.",
                          project=escape_markdown(other.name), task=escape_markdown(task.name)),
                        ":material/swap_horiz:")
            st.rerun()
    st.warning(t("The label task {task} belongs to no project you can open here.",
                 task=f"**{escape_markdown(task.name)}**"))


def task_heading(ws: Workspace, task: LabelTask) -> None:
    """The task's name and id, what it labels (a link to the version), its classes and overlap."""
    st.markdown(f"#### {escape_markdown(task.name)} {id_suffix(task.id)}")
    version = _version(ws, task.version_id)
    n = version.n_rows if version else 0
    kind = tk(KINDS.get(task.kind, task.kind))
    column = (t("column {column}", column=f"`{escape_markdown(task.item_column)}`") if task.item_column
              else t("whole rows"))
    facts = [kind, column, tn("{n} item", "{n} items", n), tn("{n} annotator per item", "{n} annotators per item",
                                                              task.overlap)]
    if task.multi_label:
        facts.append(t("several classes per item"))
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(" · ".join(facts))
    if version is not None:
        with right:
            url.link("app_pages/datasets.py", t("Labels {version}", version=escape_markdown(version_name(version))),
                     icon=":material/database:", dataset=version.dataset_id, version=version.id)
    show_chips(task.classes)


def archived_banner(ws: Workspace, task: LabelTask) -> None:
    """A task the URL names is archived: say so, offer to restore it."""
    st.warning(t("This label task is archived: its labels are kept, and it can be restored."),
               icon=":material/inventory_2:")
    if st.button(t("Restore the task"), key=f"lbl_restore_{task.id}", icon=":material/unarchive:"):
        with errors.shown():
            tasks.restore_task(ws, task.id)
            state.flash(t("Restored {task}", task=escape_markdown(task.name)), ":material/unarchive:")
            st.rerun()


# ---------------------------------------------------------------- creating a task

def intro(project: Any) -> None:
    """What labeling is for and how it works here (the page with no task yet)."""
    st.markdown(t("**{project}** has no label tasks yet.", project=escape_markdown(project.name)))
    st.markdown(t("Supervised learning needs labels. A **label task** asks annotators to put each row of a dataset "
                  "version in one of a few classes: whole rows of a table, a text column (reviews, tickets), or "
                  "images. Several annotators can label the same items to measure how well they agree; a "
                  "quick model can suggest labels once enough exist; and the labels are published as a new "
                  "version of the dataset, ready for an experiment."))
    st.caption(t("Every label is saved as it is given. Start by creating a task below: pick the version to label "
                 "and name its classes."))


def guess_kind(version: DatasetVersion) -> str:
    """The kind of task a version suggests: an image-path column -> image, a text column -> text, else tabular."""
    semantics = [c.semantic for c in version.schema]
    if "image_path" in semantics:
        return "image"
    if "text" in semantics:
        return "text"
    return "tabular"


def item_columns(version: DatasetVersion, kind: str) -> list[str]:
    """The columns that can hold a task's items: text columns for text, image-path columns (then text) for images."""
    if kind == "tabular":
        return []
    wanted = ("text",) if kind == "text" else ("image_path", "text")
    return [c.name for sem in wanted for c in version.schema if c.semantic == sem]


def create_panel(ws: Workspace, project: Project, *, expanded: bool, annotator: str | None) -> None:
    """The new-task panel: from a dataset version of the project, or from a zip of images."""
    notice = st.container()
    zip_result(notice)
    with st.expander(t("New label task"), expanded=expanded, icon=":material/add_circle:"):
        labels = {"version": t("From a dataset version"), "zip": t("Upload images (zip)")}
        # the open tab by id (the label changes with the language); an upload opens the form on its version
        st.session_state[NEW_FROM] = labels.get(st.session_state.get(NEW_FROM_ID, "version"), labels["version"])

        def opened() -> None:
            st.session_state[NEW_FROM_ID] = next((k for k, v in labels.items() if v == st.session_state[NEW_FROM]),
                                                 "version")

        from_version, from_zip = st.tabs(list(labels.values()), key=NEW_FROM, on_change=opened)
        with from_version:
            create_form(ws, project, annotator=annotator)
        with from_zip:
            zip_form(ws, project, notice, annotator=annotator)


def _class_spec(text: str, existing: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]]:
    """The classes typed as ``a, b, c``, keeping the colour and hotkey of those that already exist."""
    known = {str(c["name"]).casefold(): c for c in existing}
    spec = []
    for part in text.split(","):
        name = " ".join(part.split())
        if not name:
            continue
        old = known.get(name.casefold())
        spec.append({"name": name, "color": old["color"], "hotkey": old["hotkey"]} if old else {"name": name})
    return spec


def classes_preview(text: str, existing: Sequence[Mapping[str, Any]] = ()) -> list[dict[str, Any]] | None:
    """Parse the typed classes and show them as chips with their hotkeys (or what is wrong with them)."""
    if not text.strip():
        st.caption(t("Type the classes, separated by commas."))
        return None
    try:
        parsed = schema.parse_classes(_class_spec(text, existing))
    except MLCycleError as exc:
        errors.render(exc)
        return None
    show_chips(parsed)
    st.caption(t("Colours and keys are given in order: number keys first, then q w e r t y u i o p."))
    return parsed


def instructions_box(value: str, key: str) -> str:
    """Markdown instructions with their preview beside them."""
    write, preview = st.columns(2)
    text = write.text_area(t("Instructions for annotators (Markdown)"), value=value, key=key, height=150,
                           placeholder=t("What each class means, with an example or two; how to handle unclear "
                                         "items."))
    with preview:
        st.caption(t("Preview"))
        with st.container(border=True, height=150):
            if text.strip():
                st.markdown(text)
            else:
                st.caption(t("The instructions appear here as annotators will see them."))
    return text


def create_form(ws: Workspace, project: Project, *, annotator: str | None) -> None:
    """Choose a version, name the task and its classes, and create it (then it opens)."""
    version = pickers.version_picker(ws, project, key="lbl_version", label=t("Dataset version to label"))
    if version is None:
        st.info(t("This project has no datasets yet. Add one on the Datasets page, or upload a zip of images in "
                  "the next tab."))
        url.link("app_pages/datasets.py", t("Go to Datasets"), icon=":material/database:")
        return
    gen = st.session_state.get(FORM_GEN, 0)
    key = f"lbl_new_{gen}_{version.id}"  # a new version starts the form afresh (its kind is guessed again)
    name = st.text_input(t("Task name"), key=f"{key}_name", max_chars=tasks.MAX_NAME,
                         placeholder=t("e.g. sentiment"),
                         help=t("The published label column gets this name."))
    guessed = guess_kind(version)
    kind_col, item_col = st.columns(2)
    kind = kind_col.radio(t("What is labeled"), list(KINDS), index=list(KINDS).index(guessed), horizontal=True,
                          format_func=lambda k: tk(KINDS[k]), key=f"{key}_kind",
                          help=t("Guessed from the version's columns: an image-path column suggests images, a "
                                 "text column text."))
    kind_col.caption(tk(KIND_HELP[kind]))
    item_column: str | None = None
    image_root: str | None = None
    if kind != "tabular":
        choices = item_columns(version, kind)
        if not choices:
            shown = escape_markdown(version_name(version))
            item_col.warning(t("{version} has no text column to label.", version=shown) if kind == "text" else
                             t("{version} has no image-path column to label.", version=shown))
            if kind == "image":
                choices = [c.name for c in version.schema]
        if choices:
            item_column = item_col.selectbox(t("Item column"), choices, key=f"{key}_item",
                                             help=t("The column that holds each item's text or image path."))
        if kind == "image" and not (version.source or {}).get("image_root"):
            image_root = item_col.text_input(
                t("Folder the image paths are relative to"), key=f"{key}_root",
                placeholder=t("leave empty when the paths are absolute")) or None
    else:
        item_col.caption(t("Annotators see each row's values; the whole row is the item."))
    class_text = st.text_input(t("Classes"), key=f"{key}_classes", placeholder=t("e.g. positive, negative, neutral"),
                               help=t("Separated by commas; at most 20."))
    classes_preview(class_text)
    multi_col, overlap_col = st.columns(2)
    multi = multi_col.checkbox(t("An item can have several classes (multi-label)"), key=f"{key}_multi")
    overlap = overlap_col.number_input(t("Annotators per item (overlap)"), min_value=1, max_value=5, value=1, step=1,
                                       key=f"{key}_overlap",
                                       help=t("1 for one pass; 2 or 3 to measure how well annotators agree."))
    instructions = instructions_box("", f"{key}_instructions")
    if not st.button(t("Create label task"), type="primary", key=f"{key}_create", icon=":material/add_task:"):
        return
    with errors.shown(stop=False):
        made = tasks.create_task(ws, version.id, name=name, classes=class_text, kind=kind, item_column=item_column,
                                 overlap=int(overlap), instructions=instructions, multi_label=multi,
                                 image_root=image_root, project_id=project.id, created_by=annotator or "app")
        st.session_state[FORM_GEN] = gen + 1
        url.put(task=made.id, tab=None, item=None)
        state.flash(t("Created the label task {task}", task=escape_markdown(made.name)), ":material/add_task:")
        st.rerun()


def zip_form(ws: Workspace, project: Project, notice: Any, *, annotator: str | None) -> None:
    """Upload a zip of images: it becomes a dataset version (one row per image) to create a task on."""
    st.caption(t("A zip of PNG, JPEG, GIF, BMP, WebP or TIFF files. The images are unpacked into the workspace and "
                 "listed as a new dataset version, with one row per image (its path, folder and size); a folder "
                 "inside the zip can be a class you already know."))
    gen = st.session_state.get(ZIP_GEN, 0)
    upload = st.file_uploader(t("Images (zip)"), type=["zip"], key=f"lbl_zip_{gen}")
    name = st.text_input(t("Dataset name"), key=f"lbl_zip_name_{gen}", placeholder=t("defaults to the file name"))
    if not st.button(t("Add the images"), key=f"lbl_zip_add_{gen}", icon=":material/upload:"):
        return
    if upload is None:
        notice.error(t("Choose a zip file to upload first."))
        return
    file_name = escape_markdown(upload.name)
    with notice, errors.shown(stop=False), errors.status(t("Unpacking {file}…", file=file_name), expanded=True,
                                                         failed=t("Could not add the images of {file}", file=file_name)):
        bar = st.progress(0.0)

        def show(p: Any) -> None:
            bar.progress(min(max(p.fraction or 0.0, 0.0), 1.0), text=escape_markdown(i18n.progress(p.message)))

        result = images.add_image_zip(ws, upload, name=name.strip() or Path(upload.name).stem, project_id=project.id,
                                      created_by=annotator or "app", original_name=upload.name, on_progress=show)
        v = result.version
        st.session_state[ZIP_DONE] = {"name": v.dataset_name, "number": v.number, "rows": v.n_rows,
                                      # a reused version's first warning says it was reused: the message says so
                                      "reused": result.reused,
                                      "warnings": list(result.warnings[1:] if result.reused else result.warnings)}
        st.session_state[ZIP_GEN] = gen + 1
        st.session_state[NEW_FROM_ID] = "version"
        url.put(dataset=v.dataset_id, version=v.id, task=None)
        st.rerun()


def zip_result(notice: Any) -> None:
    """Say, once, what the last image upload stored; the form below has it chosen."""
    done = st.session_state.pop(ZIP_DONE, None)
    if not done:
        return
    what = escape_markdown(f"{done['name']} v{done['number']}")
    said = (t("{version}: {n} images, already stored; reused. It is chosen below: name the task and its classes to "
              "start labeling.", version=what, n=fmt.count(done["rows"])) if done["reused"] else
            t("{version}: {n} images. It is chosen below: name the task and its classes to start labeling.",
              version=what, n=fmt.count(done["rows"])))
    notice.success(said, icon=":material/check_circle:")
    for warning in done["warnings"]:
        notice.warning(escape_markdown(i18n.message(warning, kind="WARNINGS"), keep_code=True))


def archived_tasks(ws: Workspace, project: Project) -> None:
    """The project's archived tasks, each with a restore button."""
    gone = [x for x in tasks.list_tasks(ws, project_id=project.id, include_archived=True) if x.archived_at]
    if not gone:
        return
    with st.expander(tn("{n} archived label task", "{n} archived label tasks", len(gone)),
                     icon=":material/inventory_2:"):
        for x in gone:
            left, right = st.columns([4, 1], vertical_alignment="center")
            left.markdown(f"{escape_markdown(x.name)} {id_suffix(x.id)} · "
                          + t("archived {when}", when=fmt.ago(x.archived_at)))
            if right.button(t("Restore"), key=f"lbl_restore_{x.id}", icon=":material/unarchive:"):
                with errors.shown():
                    tasks.restore_task(ws, x.id)
                    url.put(task=x.id)
                    state.flash(t("Restored {task}", task=escape_markdown(x.name)), ":material/unarchive:")
                    st.rerun()


# ---------------------------------------------------------------- the Label tab

def label_tab(ws: Workspace, task: LabelTask, annotator: str | None) -> None:
    """The active-learning box and the screen for the task's kind (which shows the instructions); before the
    annotator has given a name, the instructions to read meanwhile."""
    active_box(ws, task)
    if not annotator:
        st.info(t("Type your name above to start labeling: every label is recorded under it."))
        if task.instructions.strip():
            with st.expander(t("Instructions"), icon=":material/menu_book:", expanded=True):
                st.markdown(task.instructions)
        return
    if importlib.util.find_spec("ui.label_screens") is None:
        return
    screens = importlib.import_module("ui.label_screens")
    screen = getattr(screens, f"{task.kind}_screen", None)
    if screen is not None:
        screen(ws, task, annotator)


def active_box(ws: Workspace, task: LabelTask) -> None:
    """Active learning: train a quick model on the labels so far to suggest the rest, as a job."""
    job = active.find_suggest_job(ws, task.id)
    run = active.latest_run(ws, task.id)
    with st.expander(t("Active learning: suggested labels"), expanded=job is not None, icon=":material/auto_awesome:",
                     key=f"lbl_active_{task.id}"):  # keyed: it stays open when the job ends
        st.caption(t("A quick model learns from the labels given so far and suggests a label for every item left; "
                     "the screens show the suggestion to confirm or correct, and the least certain items come "
                     "first."))
        if job is not None:
            progress_panel(job.id, key="lbl_suggest_job", show_log=False, rerun_when_done=True)
        else:
            ok, reason = active.can_suggest(ws, task)
            if not ok:
                st.info(escape_markdown(i18n.message(reason), keep_code=True))
            if st.button(t("Suggest labels") if run is None else t("Suggest labels again"), key="lbl_suggest_go",
                         icon=":material/auto_awesome:", disabled=not ok):
                with errors.shown():
                    active.enqueue_suggestions(ws, task.id)
                    st.rerun()
        if run is None:
            return
        accuracy = (run.metrics or {}).get("cv_accuracy")
        baseline = (run.metrics or {}).get("baseline_accuracy")
        st.markdown(t("Latest model ({when}): learned from {n} labels; cross-validated accuracy {accuracy} "
                      "(always guessing the most common class: {baseline}); {m} suggestions.",
                      when=fmt.ago(run.created_at), n=fmt.count(run.n_labeled),
                      accuracy=percent(accuracy) if accuracy is not None else "—",
                      baseline=percent(baseline) if baseline is not None else "—", m=fmt.count(run.n_suggested)))
        rate = active.accept_rate(ws, task.id)
        if rate is not None:
            st.caption(t("Annotators kept the suggested label {rate} of the times they saw one.", rate=percent(rate)))
        for note in run.notes or []:
            st.caption(escape_markdown(i18n.message(note, kind="NOTES")))


# ---------------------------------------------------------------- the Review tab

def review_tab(ws: Workspace, task: LabelTask, annotator: str | None) -> None:
    """Agreement between the annotators, the confusion between two of them, and the disagreements to decide."""
    found = agreement.agreement(ws, task.id)
    st.caption(t("An item's label is the majority vote of its annotators by default; a reviewer's decision below "
                 "overrides it."))
    if len(found.annotators) < 2 or not found.n_shared:
        if task.overlap < 2:
            st.info(t("Agreement needs items that two or more annotators labeled. This task asks for one annotator "
                      "per item: raise the overlap in Settings so items are labeled twice."))
        elif len(found.annotators) < 2:
            st.info(t("Agreement appears once a second annotator labels items of this task (each item needs {n}).",
                      n=task.overlap))
        else:
            st.info(t("No item has labels from two annotators yet."))
    else:
        agreement_summary(found)
        pairwise_table(found)
        confusion_view(ws, task, found.annotators)
        per_item_table(ws, task, found.per_item)
    disagreements_view(ws, task, annotator)


def agreement_summary(found: agreement.Agreement) -> None:
    """The kappa as a big figure with its reading, the items shared and the mean per-item agreement."""
    kappa, title = (found.cohen_kappa, t("Cohen's kappa")) if found.cohen_kappa is not None else (
        found.fleiss_kappa, t("Fleiss' kappa"))
    first, second, third = st.columns(3)
    if kappa is not None:
        first.metric(title, fmt.num(kappa, 3), help=t("Agreement beyond chance: 1 is perfect, 0 what chance gives. "
                                                      "Cohen's kappa for two annotators, Fleiss' for more."))
    second.metric(t("Items labeled by two or more"), fmt.count(found.n_shared))
    if found.mean_item_agreement is not None:
        third.metric(t("Mean agreement per item"), percent(found.mean_item_agreement),
                     help=t("The share of an item's labels that went to its most common label, averaged."))
    if kappa is not None:
        st.markdown(t("{kappa} = {value}: {reading} (Landis & Koch), between {names}.", kappa=title,
                      value=fmt.num(kappa, 3), reading=f"**{kappa_reading(kappa)}**",
                      names=escape_markdown(", ".join(found.annotators))))


def _pair_kappa(found: agreement.Agreement, a: str, b: str) -> float | None:
    return found.pairwise.get(f"{a}|{b}", found.pairwise.get(f"{b}|{a}"))


def pairwise_table(found: agreement.Agreement) -> None:
    """Cohen's kappa of every pair of annotators (with three or more)."""
    if len(found.annotators) < 3 or not found.pairwise:
        return
    rows = []
    names = found.annotators
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            kappa = _pair_kappa(found, a, b)
            if kappa is not None:
                rows.append({t("Annotator"): a, t("Other annotator"): b, t("Cohen's kappa"): round(kappa, 3),
                             t("Reading"): kappa_reading(kappa)})
    st.markdown(f"##### {t('Pairs of annotators')}")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def confusion_view(ws: Workspace, task: LabelTask, names: list[str]) -> None:
    """How one annotator's labels map onto another's, as a heatmap of counts."""
    st.markdown(f"##### {t('Confusion between two annotators')}")
    left, right = st.columns(2)
    a = left.selectbox(t("Annotator"), names, index=0, key=f"lbl_cm_a_{task.id}")
    others = [n for n in names if n != a]
    b = right.selectbox(t("Compared with"), others, index=0, key=f"lbl_cm_b_{task.id}")
    with errors.shown(stop=False):
        table = agreement.confusion(ws, task.id, a, b)
        if table.empty:
            st.caption(t("{a} and {b} have labeled no item in common.", a=escape_markdown(a), b=escape_markdown(b)))
            return
        rows = [label_text(task, x) for x in table.index]
        cols = [label_text(task, x) for x in table.columns]
        figure = go.Figure(go.Heatmap(z=table.to_numpy(), x=cols, y=rows, colorscale="Blues", showscale=False,
                                      text=table.to_numpy(), texttemplate="%{text}",
                                      hovertemplate=f"{html.escape(a)}: %{{y}}<br>{html.escape(b)}: %{{x}}<br>"
                                      + t("{n} items", n="%{z}") + "<extra></extra>"))
        figure.update_layout(height=120 + 40 * len(rows), margin={"l": 10, "r": 10, "t": 10, "b": 10},
                             xaxis_title=t("{name}'s label", name=b), yaxis_title=t("{name}'s label", name=a),
                             yaxis={"autorange": "reversed"}, xaxis={"side": "top"})
        st.plotly_chart(figure, key="lbl_confusion", config={"displaylogo": False})
        same = int(sum(table.iat[i, i] for i in range(min(table.shape))))
        total = int(table.to_numpy().sum())
        st.caption(t("They gave the same label to {same} of the {total} items both labeled.", same=fmt.count(same),
                     total=fmt.count(total)))


def _votes_text(task: LabelTask, votes: Mapping[str, int]) -> str:
    return ", ".join(f"{label_text(task, label)} × {n}" for label, n in votes.items())


def per_item_table(ws: Workspace, task: LabelTask, per_item: pd.DataFrame) -> None:
    """Every item two or more annotators labeled: its votes, its agreement and how it is resolved."""
    if per_item is None or per_item.empty:
        return
    with st.expander(tn("Agreement on {n} item", "Agreement on each of {n} items", len(per_item)),
                     icon=":material/table_rows:"):
        shown = per_item.sort_values(["agreement"], kind="stable").head(TABLE_ROWS)
        table = pd.DataFrame({
            t("Row"): shown.index.astype(int),
            t("Item"): [_item_preview(ws, task, int(i)) for i in shown.index],
            t("Votes"): [_votes_text(task, v) for v in shown["votes"]],
            t("Agreement"): shown["agreement"].astype(float),
            t("Label"): [label_text(task, x) for x in shown["label"]],
            t("How"): [tk(METHODS.get(m, m)) for m in shown["method"]],
        })
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            t("Agreement"): st.column_config.ProgressColumn(t("Agreement"), min_value=0.0, max_value=1.0,
                                                            format="percent")})
        if len(per_item) > TABLE_ROWS:
            st.caption(t("The {n} items with the least agreement are shown.", n=fmt.count(TABLE_ROWS)))


def _item_preview(ws: Workspace, task: LabelTask, item: int) -> str:
    if task.kind == "tabular" or not task.item_column:
        return t("Row {n}", n=item)
    try:
        return _plain(tasks.item_text(ws, task, item), 120)
    except MLCycleError:
        return ""


def disagreements_view(ws: Workspace, task: LabelTask, annotator: str | None) -> None:
    """The items whose annotators disagree (ties first), each with everyone's label and a decision box."""
    items = agreement.disagreements(ws, task.id)
    st.markdown(f"##### {t('Disagreements to review')}")
    if not items:
        st.success(t("No open disagreements: every item's annotators agree, or a reviewer decided."),
                   icon=":material/check_circle:")
        return
    resolved = agreement.resolve(ws, task.id)
    current = annotations.current_labels(ws, task.id)
    ties = int((resolved.loc[items, "method"] == "tie").sum())
    st.markdown(tn("{n} item has split votes", "{n} items have split votes", len(items)) + " · "
                + tn("{n} tie needs a decision", "{n} ties need a decision", ties))
    if not annotator:
        st.info(t("Type your name above to decide: decisions are recorded under the reviewer's name."))
    for item in items[:REVIEW_PAGE]:
        _disagreement(ws, task, item, resolved.loc[item], current[current["item"] == item], annotator)
    if len(items) > REVIEW_PAGE:
        st.caption(t("Showing the first {shown} of {n}: decide these and the next ones appear.",
                     shown=REVIEW_PAGE, n=fmt.count(len(items))))


def _disagreement(ws: Workspace, task: LabelTask, item: int, row: pd.Series, labels: pd.DataFrame,
                  annotator: str | None) -> None:
    with st.container(border=True):
        what, votes, decide = st.columns([3, 2, 2])
        with what:
            st.markdown(f"**{t('Row {n}', n=item)}**")
            _show_item(ws, task, item)
        with votes:
            for r in labels.itertuples():
                st.markdown(f"{escape_markdown(str(r.annotator))}: **{escape_markdown(label_text(task, r.label))}**")
            if row["method"] == "tie":
                st.caption(t("Tied votes: no label until someone decides."))
            elif row["method"] == "pending":
                st.caption(t("Still waiting for more labels."))
            else:
                st.caption(t("Majority vote: {label}", label=escape_markdown(label_text(task, row["label"]))))
        with decide:
            _decision(ws, task, item, row, annotator)
            url.link(PAGE, t("Open on the labeling screen"), icon=":material/open_in_new:", tab="label",
                     item=str(item), key=f"lbl_open_{item}")


def _show_item(ws: Workspace, task: LabelTask, item: int) -> None:
    """An item in a review card: its text, its thumbnail or its row's values."""
    with errors.shown(stop=False):
        if task.kind == "image":
            path = tasks.image_path(ws, task, item)
            st.image(images.thumbnail(ws, path, size=160))
            st.caption(escape_markdown(path.name))
        elif task.item_column:
            st.markdown(escape_markdown(_plain(tasks.item_text(ws, task, item), 600)))
        else:
            frame = tasks.load_items(ws, task)
            st.dataframe(frame.iloc[[item]], hide_index=True)


def _decision(ws: Workspace, task: LabelTask, item: int, row: pd.Series, annotator: str | None) -> None:
    names = task.class_names
    current = schema.decode_label(task.multi_label, row["label"]) if row["label"] is not None else []
    key = f"lbl_decide_{task.id}_{item}"
    if task.multi_label:
        chosen: Any = st.multiselect(t("Decision"), names, default=[c for c in current if c in names], key=key)
    else:
        default = current[0] if current else None  # a tie suggests nothing: the reviewer chooses
        chosen = st.selectbox(t("Decision"), names, index=names.index(default) if default in names else None,
                              key=key, placeholder=t("Choose the label"))
    if st.button(t("Decide"), key=f"{key}_go", type="primary", disabled=not annotator,
                 help=None if annotator else t("Type your name above first")):
        with errors.shown(stop=False):
            agreement.review_item(ws, task.id, item, chosen or None, reviewer=annotator or "")
            state.flash(t("Row {n}: decided {label}", n=item,
                          label=escape_markdown(", ".join(chosen) if isinstance(chosen, list) else str(chosen))))
            st.rerun()


# ---------------------------------------------------------------- the Publish tab

def status_view(ws: Workspace, task: LabelTask) -> dict[str, Any]:
    """Where the task stands: counts, a progress bar, labels per class, and labels of removed classes."""
    s = agreement.status(ws, task.id)
    figures = [(t("Items"), s["items"]), (t("Labeled"), s["labeled"]), (t("Resolved"), s["resolved"]),
               (t("Unresolved"), s["unresolved"]), (t("Skipped"), s["skipped"])]
    for column, (label, value) in zip(st.columns(len(figures)), figures, strict=True):
        column.metric(label, fmt.count(value))
    share = s["resolved"] / s["items"] if s["items"] else 0.0
    st.progress(min(share, 1.0), text=t("{share} of the items have a resolved label", share=percent(share)))
    if s.get("ties"):
        st.caption(tn("{n} item has tied votes: decide it on the Review tab.",
                      "{n} items have tied votes: decide them on the Review tab.", s["ties"]))
    per_class = s.get("per_class") or {}
    if any(per_class.values()):
        names = list(per_class)
        colours = task.colors
        figure = go.Figure(go.Bar(x=[per_class[n] for n in names], y=names, orientation="h",
                                  marker_color=[colours.get(n, "#777777") for n in names],
                                  text=[fmt.count(per_class[n]) for n in names], textposition="outside", textangle=0,
                                  cliponaxis=False,
                                  hovertemplate="%{y}: %{x}<extra></extra>"))
        figure.update_layout(height=80 + 32 * len(names), margin={"l": 10, "r": 10, "t": 30, "b": 10},
                             title=t("Resolved items per class"), yaxis={"autorange": "reversed"},
                             xaxis_title=t("items"))
        st.plotly_chart(figure, key="lbl_per_class", config={"displaylogo": False})
    flagged = s.get("not_in_schema") or {}
    if flagged:
        listed = ", ".join(f"{escape_markdown(name)} ({fmt.count(n)})" for name, n in flagged.items())
        st.warning(t("Labels of classes no longer in the schema are kept and flagged: {classes}. Publishing keeps "
                     "them as the annotators gave them.", classes=listed), icon=":material/flag:")
    return s


def publish_tab(ws: Workspace, task: LabelTask, annotator: str | None) -> None:
    """Publish the resolved labels as a new version of the dataset; earlier publications with links."""
    s = status_view(ws, task)
    st.markdown(f"##### {t('Publish labels')}")
    st.markdown(t("Publishing adds the column {column} to a new version of the dataset, with each item's resolved "
                  "label; the new version is linked to this one and to the task in lineage. Labeling can go on and "
                  "be published again.", column=f"`{escape_markdown(_label_column(ws, task))}`"))
    choice = st.radio(t("Items without a resolved label ({n})", n=fmt.count(s["unresolved"])), list(UNRESOLVED),
                      format_func=lambda k: tk(UNRESOLVED[k]), horizontal=True, key=f"lbl_unresolved_{task.id}")
    if st.button(t("Publish labels"), type="primary", key=f"lbl_publish_{task.id}", icon=":material/publish:"):
        with errors.shown(stop=False), st.spinner(t("Publishing…")):
            made = publish.publish_labels(ws, task.id, include_unresolved=choice == "keep",
                                          created_by=annotator or "app")
            st.session_state[PUBLISHED] = made.id
    publications(ws, task)


def _label_column(ws: Workspace, task: LabelTask) -> str:
    """The column a publication adds: the task's name, or that name with " (label)" when the data has it."""
    version = _version(ws, task.version_id)
    return publish.label_column_for(task, version.columns if version else [])


def _publication_line(ws: Workspace, pub: Any, *, fresh: bool) -> None:
    version = _version(ws, pub.version_id)
    counts = pub.counts or {}
    if version is None:
        return
    facts = [tn("{n} row", "{n} rows", counts.get("rows", version.n_rows)),
             t("{n} labeled", n=fmt.count(counts.get("resolved", 0)))]
    if counts.get("left_out"):
        facts.append(t("{n} left out", n=fmt.count(counts["left_out"])))
    elif pub.include_unresolved and counts.get("unresolved"):
        facts.append(t("{n} kept unlabeled", n=fmt.count(counts["unresolved"])))
    if counts.get("not_in_schema"):
        facts.append(t("{n} of classes no longer in the schema", n=fmt.count(counts["not_in_schema"])))
    text = f"{escape_markdown(version_name(version))} {id_suffix(version.id)}"
    if fresh:
        st.success(t("Published the labels as {version}: {facts}.", version=text, facts=" · ".join(facts)),
                   icon=":material/check_circle:")
        if counts.get("reused"):
            st.caption(t("The same labels were published before: that version is reused."))
        url.link("app_pages/datasets.py", t("Open {version} on the Datasets page", version=escape_markdown(
            version_name(version))), icon=":material/database:", dataset=version.dataset_id, version=version.id,
            tab="lineage")
        return
    left, right = st.columns([2, 3], vertical_alignment="center")
    with left:
        url.link("app_pages/datasets.py", text, icon=":material/database:", dataset=version.dataset_id,
                 version=version.id)
    right.caption(" · ".join([fmt.ago(pub.created_at), t("column {column}", column=f"`{escape_markdown(pub.label_column)}`"),
                              *facts]))


def publications(ws: Workspace, task: LabelTask) -> None:
    """The publication just made (with a link to it), then the earlier ones."""
    made = publish.list_publications(ws, task.id)
    fresh = st.session_state.pop(PUBLISHED, None)
    for pub in made:
        if pub.id == fresh:
            _publication_line(ws, pub, fresh=True)
    earlier = [p for p in made if p.id != fresh]
    if earlier:
        heading = (tn("{n} earlier publication", "{n} earlier publications", len(earlier)) if fresh
                   else tn("Published {n} time", "Published {n} times", len(earlier)))
        st.markdown(f"##### {heading}")
        for pub in earlier:
            _publication_line(ws, pub, fresh=False)
    elif not made:
        st.caption(t("Not published yet."))


# ---------------------------------------------------------------- the Import / export tab

def transfer_tab(ws: Workspace, task: LabelTask) -> None:
    """Download the labels (CSV, JSON, Label Studio JSON), or import a file of labels."""
    from core.labeling import transfer

    st.markdown(f"##### {t('Export')}")
    st.caption(t("Every current label of every annotator, with the item's row number and content, the resolved "
                 "label and how it was reached. Label Studio JSON opens in Label Studio as tasks with their "
                 "annotations."))
    form = st.radio(t("Format"), list(FORMATS), format_func=FORMATS.get, horizontal=True,
                    key="lbl_export_format")
    st.download_button(t("Download the labels ({format})", format=FORMATS[form]),
                       data=lambda: transfer.export_bytes(ws, task.id, form),
                       file_name=transfer.export_file_name(task, form), mime=FORMAT_MIME[form],
                       icon=":material/download:", key=f"lbl_export_{form}", on_click="ignore")
    st.divider()
    st.markdown(f"##### {t('Import')}")
    st.caption(t("A Label Studio JSON export (tasks with choices), or a CSV or JSON file exported here. Items are "
                 "matched by the item column's value or by row number; each label keeps its annotator."))
    gen = st.session_state.get(f"lbl_import_gen_{task.id}", 0)
    upload = st.file_uploader(t("Labels file"), type=["json", "csv"], key=f"lbl_import_{task.id}_{gen}")
    who = st.text_input(t("Give every label to this annotator (optional)"), key=f"lbl_import_who_{task.id}_{gen}",
                        max_chars=annotations.MAX_ANNOTATOR,
                        placeholder=t("leave empty to keep the annotators the file names"))
    if not st.button(t("Import labels"), key=f"lbl_import_go_{task.id}_{gen}", icon=":material/upload_file:"):
        return
    if upload is None:
        st.error(t("Choose a file to import first."))
        return
    with errors.shown(stop=False), st.spinner(t("Importing {file}…", file=escape_markdown(upload.name))):
        result = transfer.import_labels(ws, task.id, upload, annotator=who.strip() or None, name=upload.name)
        st.session_state[f"lbl_import_gen_{task.id}"] = gen + 1
        _import_result(result)


def _import_result(result: Any) -> None:
    names = list(getattr(result, "annotators", []) or [])
    st.success(tn("Imported {n} label.", "Imported {n} labels.", result.imported) + " "
               + t("{matched} items matched, {unmatched} not matched.", matched=fmt.count(result.matched),
                   unmatched=fmt.count(result.unmatched)), icon=":material/check_circle:")
    if names:
        st.caption(t("Annotators: {names}", names=escape_markdown(", ".join(map(str, names)))))
    for note in getattr(result, "notes", []) or []:
        st.caption(escape_markdown(i18n.message(str(note), kind="NOTES"), keep_code=True))


# ---------------------------------------------------------------- the Settings tab

def _removed_label_counts(ws: Workspace, task: LabelTask, removed: list[str]) -> int:
    current = annotations.current_labels(ws, task.id)
    wanted = set(removed)
    return int(sum(1 for x in current["label"] if wanted & set(schema.decode_label(task.multi_label, x))))


def settings_tab(ws: Workspace, task: LabelTask) -> None:
    """Edit the name, classes, instructions and overlap; archive the task."""
    key = f"lbl_set_{task.id}_{task.updated_at or task.created_at}"  # a save starts the fields afresh
    name = st.text_input(t("Task name"), value=task.name, key=f"{key}_name", max_chars=tasks.MAX_NAME,
                         help=t("The published label column gets this name."))
    class_text = st.text_input(t("Classes"), value=", ".join(task.class_names), key=f"{key}_classes",
                               help=t("Separated by commas. A class kept keeps its colour and key."))
    parsed = classes_preview(class_text, task.classes)
    kept = {c["name"].casefold() for c in parsed or []}
    removed = [n for n in task.class_names if n.casefold() not in kept] if parsed is not None else []
    if removed:
        n = _removed_label_counts(ws, task, removed)
        st.warning(t("Removing {classes}: the {n} labels given for them are kept and flagged as not in the schema, "
                     "never dropped.", classes=escape_markdown(", ".join(removed)), n=fmt.count(n)),
                   icon=":material/flag:")
    multi_col, overlap_col = st.columns(2)
    multi = multi_col.checkbox(t("An item can have several classes (multi-label)"), value=task.multi_label,
                               key=f"{key}_multi")
    overlap = overlap_col.number_input(t("Annotators per item (overlap)"), min_value=1, max_value=5,
                                       value=min(max(task.overlap, 1), 5), step=1, key=f"{key}_overlap",
                                       help=t("1 for one pass; 2 or 3 to measure how well annotators agree."))
    instructions = instructions_box(task.instructions, f"{key}_instructions")
    if st.button(t("Save the settings"), type="primary", key=f"{key}_save", icon=":material/save:"):
        with errors.shown(stop=False):
            tasks.update_task(ws, task.id, name=name, classes=_class_spec(class_text, task.classes),
                              instructions=instructions, overlap=int(overlap), multi_label=multi)
            state.flash(t("Saved the settings of {task}", task=escape_markdown(name.strip() or task.name)))
            st.rerun()
    st.divider()

    def archive() -> None:
        tasks.archive_task(ws, task.id)
        url.put(task=None, tab=None, item=None)

    layout.confirm(t("Archive this task"), key=f"lbl_archive_{task.id}", icon=":material/inventory_2:",
                   question=t("Archive {task}? Its labels are kept, and it can be restored from the list of archived "
                              "tasks.", task=escape_markdown(task.name)),
                   yes=t("Yes, archive"), no=t("Keep it"), action=archive, scope="app")
