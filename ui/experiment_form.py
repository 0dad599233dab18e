"""The Experiments page's form for a new AutoML search: data, target, task, hypothesis, metric,
budget, learners, evaluation and feature columns (or a saved feature set), then Run.

``?retrain=<experiment id>`` (the Monitor page's "Retrain", with ``?version=`` the retrain data and
``?target=``) opens it prefilled with that experiment's spec; the new experiment records it
(``retrained_from``). Nothing here imports FLAML: the search runs in the worker.
"""

from __future__ import annotations

import streamlit as st

from core import experiments
from core.experiments import spec
from core.workspace import Workspace
from ui import errors, fmt, pickers, state, url
from ui.experiment_view import metric_label, task_label
from ui.fmt import escape_markdown
from ui.i18n import t, tk, tn

TARGET_NAMES = {"target", "label", "y", "class", "churned", "diagnosis", "species"}
COLLAPSE_FORM = "exp_new_collapse"  # set after a run is queued: the form closes on the next run
SET_KEY, NO_SET = "exp_feature_set", ""  # the "Feature set" select box; NO_SET: choose the columns by hand
EDITED_KEY = "exp_feature_set_edited"  # the set whose columns the user then edited (so it is not recorded)
EVALUATION = {"auto": "auto", "holdout": "a validation split", "cv": "k-fold cross-validation"}


@st.cache_data(show_spinner=False, max_entries=256)
def _detected_task(root: str, version_id: str, target: str, _ws: Workspace) -> str:
    """The task a target's values suggest (a version never changes, so this is cached per version and target)."""
    return experiments.detect_task_of(_ws, version_id, target)


def _metric_from_hypothesis(hypothesis, task: str) -> None:
    """When the hypothesis (or the task) changes, preset the metric to the hypothesis's; say when it cannot be."""
    if hypothesis is None:
        st.session_state.pop("exp_metric_from", None)
        return
    wanted = spec.metric_for_task(hypothesis.metric, task)
    if st.session_state.get("exp_metric_from") != (hypothesis.id, task):
        st.session_state["exp_metric_from"] = (hypothesis.id, task)
        if wanted:
            st.session_state["exp_metric"] = wanted
    if wanted is None:
        st.warning(t("The hypothesis is judged on {metric}, which does not fit a {task} task, so this search cannot "
                     "optimise it. Choose the target or task the hypothesis is about, or another hypothesis.",
                     metric=f"**{escape_markdown(hypothesis.metric)}**", task=task_label(task)),
                   icon=":material/warning:")
    elif st.session_state.get("exp_metric") == wanted:
        st.caption(t("Metric set from the hypothesis: {metric} ({criterion}).", metric=metric_label(wanted, task),
                     criterion=escape_markdown(hypothesis.criterion)))


@st.cache_data(show_spinner=False, max_entries=256)
def _holdout_check(root: str, version_id: str, target: str, test_size: float, seed: int, task: str,
                   _ws: Workspace) -> dict | None:
    """Whether the held-out split the run would make is too small (cached per version and choice)."""
    from core.errors import MLCycleError

    try:
        return experiments.holdout_check(_ws, version_id, target, test_size=test_size, seed=seed, task=task).as_dict()
    except MLCycleError:  # Run explains a bad choice
        return None


def _small_holdout_warning(check: dict | None) -> None:
    """Say before the run that the held-out split is too small to judge a model on, and what happens instead."""
    if not check or not check.get("too_small"):
        return
    if check["n_rows"] < spec.SMALL_HOLDOUT_ROWS:
        text = t("The held-out split would have {n} rows (under {min}), too few to judge a model on. The model "
                 "will be evaluated by repeated cross-validation instead of the single held-out split.",
                 n=fmt.count(check["n_rows"]), min=fmt.count(spec.SMALL_HOLDOUT_ROWS))
    else:
        shown = ", ".join(f"{escape_markdown(name)} {fmt.count(n)}" for name, n in check["small_classes"].items())
        text = t("The held-out split would have fewer than {min} rows of some classes ({classes}), too few to "
                 "judge a model on. The model will be evaluated by repeated cross-validation instead of the "
                 "single held-out split.", min=fmt.count(spec.SMALL_HOLDOUT_CLASS_ROWS), classes=shown)
    st.warning(text, icon=":material/warning:")


def _feature_set_select(ws: Workspace, version, target: str, candidates: list[str]):
    """The "Feature set" select box: the saved sets of the version's dataset that fit it (none: not shown).

    Picking a set fills the feature columns (:func:`_fill_from_set`); the experiment then records it.

    Returns:
        ``(the chosen set or None, {set id: its columns})``.
    """
    from core.features import service as feature_sets

    sets = {s.id: s for s in feature_sets.sets_for_version(ws, version.id) if target not in s.columns}
    set_columns = {i: [c for c in s.columns if c in candidates] for i, s in sets.items()}
    if st.session_state.get(SET_KEY, NO_SET) not in (NO_SET, *sets):  # another version or target
        st.session_state[SET_KEY] = NO_SET
    if not sets:
        return None, set_columns
    choice = st.selectbox(
        t("Feature set"), [NO_SET, *sets], key=SET_KEY, on_change=_fill_from_set, args=(set_columns,),
        format_func=lambda i: t("None: choose columns") if i == NO_SET else tn(
            "{name} ({n} column)", "{name} ({n} columns)", len(sets[i].columns), name=sets[i].name),
        help=t("A feature set saved on the Features page fills the feature columns below, and the experiment "
               "records it."))
    return sets.get(choice), set_columns


def _fill_from_set(set_columns: dict[str, list[str]]) -> None:
    """A set was picked: its columns become the feature columns (None keeps them, as a hand choice)."""
    st.session_state.pop(EDITED_KEY, None)
    chosen = st.session_state.get(SET_KEY)
    if chosen in set_columns:
        st.session_state["exp_features"] = list(set_columns[chosen])


def _columns_edited(set_columns: dict[str, list[str]]) -> None:
    """The feature columns were edited: unless they are still the picked set's, the set is no longer recorded."""
    chosen = st.session_state.get(SET_KEY)
    if chosen in set_columns and set(st.session_state.get("exp_features") or []) != set(set_columns[chosen]):
        st.session_state[EDITED_KEY] = chosen
        st.session_state[SET_KEY] = NO_SET


def _feature_set_caption(feature_set) -> None:
    """Say which set the experiment records, or that editing its columns made them a hand choice."""
    if feature_set is not None:
        st.caption(t("The experiment records feature set {name}. Editing the columns makes them your own choice, "
                     "and the set is then not recorded.", name=f"**{escape_markdown(feature_set.name)}**"))
    elif st.session_state.get(EDITED_KEY):
        st.caption(t("You edited the feature set's columns: they are now your own choice, and no feature set is "
                     "recorded."))


PREFILLED = "exp_prefilled_from"  # the experiment whose spec last filled the form (?retrain=)


def retrained_experiment(ws: Workspace):
    """The experiment the URL's ``retrain`` names, whose spec the form is to start from.

    Args:
        ws: the workspace.

    Returns:
        That experiment; ``None`` when the URL names none, or one not in the workspace (then a
        warning says so).
    """
    wanted = url.get("retrain")
    if not wanted:
        return None
    from core.errors import NotFound

    try:
        return experiments.get_experiment(ws, wanted)
    except NotFound:
        st.warning(t("The link asked to retrain experiment {id}, which is not in this workspace.",
                     id=f"`{escape_markdown(wanted)}`"))
        return None


def prefill_from(old) -> None:
    """Fill the form's boxes from ``old``'s spec, once per experiment (the user's later edits stay).

    Args:
        old: the experiment being retrained, or ``None`` (then nothing changes).

    Returns:
        Nothing; the form's session values are set and the form opens.
    """
    if old is None or st.session_state.get(PREFILLED) == old.id:
        return
    search = dict((old.spec or {}).get("search") or {})
    task = search.get("task") if search.get("task") in ("auto", "binary", "multiclass", "regression") else "auto"
    values = {"exp_target": url.get("target") or search.get("target") or old.target, "exp_task": task,
              "exp_metric": search.get("metric") or "auto", "exp_budget": int(search.get("time_budget") or 0),
              "exp_max_trials": int(search.get("max_trials") or 0), "exp_seed": int(search.get("seed") or 0),
              "exp_eval": search.get("eval_method") if search.get("eval_method") in EVALUATION else "auto",
              "exp_folds": int(search.get("n_splits") or 5), "exp_features": list(search.get("feature_columns") or []),
              "exp_concurrent": max(1, int(search.get("n_concurrent_trials") or 1)),
              "exp_test_size": min(0.5, max(0.05, round(float((old.spec or {}).get("test_size", 0.2)) * 20) / 20))}
    effective = old.task if old.task in spec.METRICS else "binary"
    learners = [name for name in search.get("learners") or [] if name in spec.available_learners(effective)]
    if learners:
        values["exp_learners"] = learners
    for key in (SET_KEY, EDITED_KEY):
        st.session_state.pop(key, None)
    st.session_state.update(values)
    st.session_state[PREFILLED] = old.id
    st.session_state["exp_new"] = True  # the form opens


def new_experiment_form(ws: Workspace, project, retrain=None) -> None:
    """Data, target, task, hypothesis, metric, budget, learners and evaluation, then Run.

    Args:
        ws: the workspace.
        project: the active project (the new experiment belongs to it).
        retrain: the experiment this one retrains (``?retrain=``): the form says so and the new
            experiment records it.

    Returns:
        Nothing; Run queues the experiment, names it in the URL and closes the form.
    """
    if retrain is not None:
        st.info(t("Prefilled from experiment {name}: the same settings on the new data. The new experiment "
                  "records that it retrains it.", name=f"**{escape_markdown(retrain.name)}** "
                                                        f"{fmt.id_suffix(retrain.id)}"),
                icon=":material/autorenew:")
    version = pickers.version_picker(ws, project, key="exp_version")
    if version is None:
        st.info(t("This project has no data yet. Upload a dataset first."))
        url.link("app_pages/datasets.py", t("Go to Datasets"), icon=":material/database:")
        return
    columns = [c.name for c in version.schema]
    guess = next((c for c in reversed(columns) if c.lower() in TARGET_NAMES), columns[-1])
    if st.session_state.get("exp_target") not in columns:
        st.session_state["exp_target"] = guess
    above = st.container()  # the hypothesis, drawn above the row once the task is known
    c1, c2, c3 = st.columns(3)
    target = c1.selectbox(t("Target column"), columns, key="exp_target")
    with errors.shown():
        detected = _detected_task(str(ws.root), version.id, target, ws)
    task = c2.selectbox(t("Task"), ["auto", "binary", "multiclass", "regression"], key="exp_task",
                        format_func=lambda k: t("auto ({task})", task=task_label(detected)) if k == "auto"
                        else task_label(k),
                        help=t("auto: detected from the target's values"))
    effective = detected if task == "auto" else task
    metrics = ["auto", *spec.METRICS[effective]]
    if st.session_state.get("exp_metric") not in metrics:
        st.session_state.pop("exp_metric", None)
    with above:
        hypothesis = pickers.hypothesis_picker(ws, project, key="exp_hypothesis")
        _metric_from_hypothesis(hypothesis, effective)
    default = spec.default_metric(effective)
    metric = c3.selectbox(t("Metric"), metrics, key="exp_metric",
                          format_func=lambda m: t("auto ({metric})", metric=metric_label(default, effective))
                          if m == "auto" else metric_label(m, effective),
                          help=t("What the search optimises on the validation folds. ROC AUC for several classes "
                                 "says how the per-class scores are averaged."))
    c4, c5, c6 = st.columns(3)
    budget = c4.number_input(t("Time budget (s)"), min_value=0, value=60, step=10, key="exp_budget",
                             help=t("0 = no time limit (then set max trials)"))
    max_trials = c5.number_input(t("Max trials (0 = no limit)"), min_value=0, value=0, key="exp_max_trials")
    seed = c6.number_input(t("Seed"), min_value=0, value=0, key="exp_seed")
    available = spec.available_learners(effective)
    learners = st.multiselect(t("Learners"), available, default=spec.default_learners(effective),
                              key="exp_learners", help=t("What FLAML offers that is installed here"),
                              placeholder=t("Choose learners"))
    c7, c8, c9 = st.columns(3)
    eval_method = c7.selectbox(t("Evaluation"), list(EVALUATION), key="exp_eval",
                               format_func=lambda k: tk(EVALUATION[k]),
                               help=t("auto: k-fold cross-validation for small data, a validation split for "
                                      "large data"))
    folds = c8.number_input(t("CV folds"), min_value=2, max_value=20, value=5, key="exp_folds")
    test_size = c9.slider(t("Held-out test share"), 0.05, 0.5, 0.2, 0.05, key="exp_test_size",
                          help=t("Never seen by the search; all holdout metrics come from it"))
    _small_holdout_warning(_holdout_check(str(ws.root), version.id, target, float(test_size), int(seed), effective,
                                          ws))
    candidates = [c for c in columns if c != target]
    chosen = st.session_state.get("exp_features") or []
    if any(c not in candidates for c in chosen):  # prefilled (or kept) columns this version or target lacks
        st.session_state["exp_features"] = [c for c in chosen if c in candidates]
    feature_set, set_columns = _feature_set_select(ws, version, target, candidates)
    features = st.multiselect(t("Feature columns (empty: every column but the target; ID and free-text "
                                "columns are left out automatically)"), candidates, key="exp_features",
                              placeholder=t("Choose columns"), on_change=_columns_edited, args=(set_columns,))
    _feature_set_caption(feature_set)
    c10, _ = st.columns(2)
    concurrent = c10.number_input(t("Parallel trials (Ray)"), min_value=1, max_value=64, value=1,
                                  key="exp_concurrent",
                                  help=t("More than 1 runs trials on Ray (RAY_ADDRESS picks a cluster)"))
    if st.button(t("Run experiment"), type="primary", key="exp_run", icon=":material/play_arrow:"):
        from core.experiments.spec import SearchConfig

        with errors.shown():
            exp = experiments.create_experiment(
                ws, version.id,
                SearchConfig(target=target, task=task, metric=metric, time_budget=float(budget) or None,
                             max_trials=int(max_trials) or None, learners=tuple(learners) or None,
                             eval_method=eval_method, n_splits=int(folds), seed=int(seed),
                             n_concurrent_trials=int(concurrent), feature_columns=tuple(features) or None,
                             feature_set=feature_set.id if feature_set else None,
                             retrained_from=retrain.id if retrain is not None else None),
                project_id=project.id, hypothesis_id=hypothesis.id if hypothesis else None, test_size=test_size,
            )
            url.put(experiment=exp.id, model=None, tab=None, retrain=None, target=None)
            st.session_state.pop(PREFILLED, None)
            st.session_state[COLLAPSE_FORM] = True
            st.session_state.pop(EDITED_KEY, None)
            state.flash(t("Experiment '{name}' queued", name=escape_markdown(exp.name)), "⏳")
            st.rerun()
