"""The profile of a dataset version on screen: the column table, warnings, distribution, missing values, association.

The Explore page draws these; they read a :class:`core.data.profiling.Profile` and draw with Streamlit.
"""

from __future__ import annotations

import streamlit as st

from core.data import charts
from core.data.profiling import ColumnProfile, Profile, ProfileWarning
from ui import fmt, state
from ui.i18n import t, tk, tn

TYPES = {"numeric": "numeric", "categorical": "categorical", "boolean": "boolean", "datetime": "date and time",
         "text": "text", "id": "identifier", "image_path": "image path"}
MEASURES = {"pearson": "|Pearson r|", "correlation_ratio": "correlation ratio η", "cramers_v": "Cramér's V"}
SHOWN_WARNINGS = 4  # more go into an expander
NONE = "—"  # a cell that does not apply to the column


def share(part: float, whole: float) -> str:
    """A percentage that never reads 0% for something present: ``<0.1%``, ``3.2%``, ``45%``."""
    pct = 100 * part / whole if whole else 0.0
    if pct == 0:
        return "0%"
    return "<0.1%" if pct < 0.1 else f"{pct:.1f}%" if pct < 10 else f"{pct:.0f}%"


def warning_text(w: ProfileWarning, profile: Profile) -> str:
    """A profile warning in the session's language, rebuilt from the profile (core's message otherwise)."""
    name = fmt.escape_markdown(w.column or "")
    col = next((c for c in profile.columns if c.name == w.column), None)
    target = fmt.escape_markdown(profile.target or "")
    if w.kind == "all_missing":
        return t("Column '{column}' is empty in every row; drop it.", column=name)
    if w.kind == "constant" and col and col.top_values:
        return t("Column '{column}' holds one value ({value}); it cannot help a model, so consider dropping it.",
                 column=name, value=fmt.escape_markdown(repr(col.top_values[0].value)))
    if w.kind == "high_missing" and col:
        return t("Column '{column}' is missing in {pct} of rows; impute it or drop it.",
                 column=name, pct=f"{col.missing_pct:.0f}%")
    if w.kind == "id_like":
        return t("Column '{column}' looks like an identifier (a different value in every row); "
                 "leave it out of the features.", column=name)
    if w.kind == "high_cardinality" and col:
        return t("Column '{column}' has {n} categories; group the rare ones or treat it as text.",
                 column=name, n=fmt.count(col.n_distinct))
    if w.kind == "duplicates" and profile.duplicate_examples:
        return tn("{n} row repeats an earlier row exactly (e.g. row {row}); drop it unless the repeat is real.",
                  "{n} rows repeat an earlier row exactly (e.g. row {row}); drop them unless the repeats are real.",
                  profile.n_duplicate_rows, row=profile.duplicate_examples[0])
    if w.kind == "leakage" and col and col.target_association is not None:
        return t("Column '{column}' predicts the target '{target}' almost perfectly ({measure} {score}); "
                 "check it is known before the outcome, or drop it.", column=name, target=target,
                 measure=tk(MEASURES.get(col.association_method, "association")),
                 score=f"{col.target_association:.3f}")
    if w.kind == "target_missing" and col:
        return t("The target '{target}' is missing in {n} rows; they cannot be used for training.",
                 target=target, n=fmt.count(col.n_missing))
    if w.kind == "imbalanced" and profile.target_balance and profile.target_balance.classes:
        counts = [c.count for c in profile.target_balance.classes]
        return t("The rarest class of '{target}' has only {pct} of the rows; prefer F1 or ROC AUC to accuracy "
                 "and split stratified.", target=target, pct=f"{100 * min(counts) / sum(counts):.1f}%")
    return fmt.escape_markdown(w.message, keep_code=True)


def column_rows(profile: Profile) -> list[dict]:
    """One row per column for the table: numbers formatted for reading (fmt.count, fmt.num)."""
    rows = []
    for c in profile.columns:
        num = c.numeric
        row = {"column": c.name, "type": tk(TYPES.get(c.semantic, c.semantic)), "dtype": c.dtype,
               "missing": c.missing_pct / 100, "distinct": fmt.count(c.n_distinct),
               "top": c.top_values[0].value if c.top_values and c.semantic != "numeric" else NONE,
               "min": fmt.num(num.min) if num else NONE, "mean": fmt.num(num.mean) if num else NONE,
               "max": fmt.num(num.max) if num else NONE}
        if profile.target is not None:
            row["association"] = c.target_association
            row["measure"] = tk(MEASURES[c.association_method]) if c.association_method in MEASURES else NONE
        rows.append(row)
    return rows


def columns_table(profile: Profile) -> None:
    config = {
        "column": st.column_config.TextColumn(t("Column")), "type": st.column_config.TextColumn(t("Type")),
        "dtype": st.column_config.TextColumn(t("Stored as")),
        "missing": st.column_config.ProgressColumn(t("Missing"), format="percent", min_value=0, max_value=1),
        "distinct": st.column_config.TextColumn(t("Distinct")), "top": st.column_config.TextColumn(t("Top value")),
        "min": st.column_config.TextColumn(t("Min")), "mean": st.column_config.TextColumn(t("Mean")),
        "max": st.column_config.TextColumn(t("Max")),
        "association": st.column_config.ProgressColumn(t("Association"), format="%.2f",
                                                       min_value=0, max_value=1),
        "measure": st.column_config.TextColumn(t("Measured by")),
    }
    st.dataframe(column_rows(profile), hide_index=True, width="stretch", key="eda_columns", column_config=config)


@st.fragment
def distribution(profile: Profile) -> None:
    """The chosen column's distribution; choosing another column or scale redraws only this chart."""
    names = [c.name for c in profile.columns]
    if st.session_state.get("eda_column") not in names:  # start on the first column worth a chart
        kinds = [c.semantic for c in profile.columns]
        first = next((i for kind in ("numeric", "categorical", "boolean", "datetime") for i, k in enumerate(kinds)
                      if k == kind), 0)
        st.session_state["eda_column"] = names[first] if names else None
    chosen = st.selectbox(t("Distribution of"), names, key="eda_column")
    col: ColumnProfile = profile.column(chosen)
    scales = charts.log_scales(col)
    log_x = log_y = False
    if scales:
        st.caption(t("'{column}' is skewed: most rows sit at one end. A log scale shows the rest.",
                     column=fmt.escape_markdown(col.name)))
        a, b = st.columns(2)
        log_y = a.toggle(t("Log scale for the row counts"), key="eda_log_y")
        if "x" in scales:
            log_x = b.toggle(t("Log scale for the values"), key="eda_log_x")
    st.plotly_chart(charts.column_distribution(col, log_x=log_x, log_y=log_y, tr=tk), key="eda_chart_dist")


def missing_values(profile: Profile) -> None:
    if any(c.n_missing for c in profile.columns):
        st.plotly_chart(charts.missing_overview(profile, tr=tk), key="eda_chart_missing")
    else:
        st.markdown(f":material/check_circle: **{t('No missing values')}**")
        st.caption(t("Every column has a value in every row."))


def association(profile: Profile) -> None:
    st.subheader(t("Association with the target"), anchor=False)
    st.plotly_chart(charts.target_association(profile, tr=tk), key="eda_chart_association")
    st.caption(t("How strongly each column goes with the target, from 0 (not at all) to 1 (fully), measured by "
                 "the kinds of the two columns: |Pearson r| for two numeric columns, the correlation ratio η for "
                 "a numeric and a categorical one, Cramér's V for two categorical ones."))
    skipped = [fmt.escape_markdown(c.name) for c in profile.columns
               if c.target_association is None and c.name != profile.target]
    if skipped:
        st.caption(t("Not measured (text, identifiers, constant or empty columns): {columns}.",
                     columns=", ".join(skipped)))


def pending_profile_job(version_id: str, target: str | None) -> str | None:
    """The id of a profile job for this version and target still queued or running (so a reload finds it)."""
    from core import jobs

    for status in ("running", "queued"):
        for job in jobs.list_jobs(state.workspace(), status=status, kind="profile"):
            if job.payload == {"version_id": version_id, "target": target}:
                return job.id
    return None
