"""Korean for saved feature sets in the experiment step: the form's "Feature set" select, the experiment's
settings, and what core says when a set does not fit an experiment (same form as ``ko_errors``)."""

KO = {
    # the new-experiment form
    "Feature set": "특성 세트",
    "None: choose columns": "없음: 열 직접 선택",
    "{name} ({n} columns)": "{name} ({n}개 열)",
    "A feature set saved on the Features page fills the feature columns below, and the experiment records it.":
        "특성 페이지에서 저장한 특성 세트를 고르면 아래 특성 열이 채워지고, 실험에 그 세트가 기록됩니다.",
    "The experiment records feature set {name}. Editing the columns makes them your own choice, and the set is "
    "then not recorded.":
        "실험에 특성 세트 {name}이(가) 기록됩니다. 열을 고치면 직접 고른 열이 되어 세트는 기록되지 않습니다.",
    "You edited the feature set's columns: they are now your own choice, and no feature set is recorded.":
        "특성 세트의 열을 고쳤습니다. 이제 직접 고른 열이므로 특성 세트는 기록되지 않습니다.",
    # the experiment's settings
    "Feature set {name}: {n} columns": "특성 세트 {name}: {n}개 열",
}

_SET = r"Feature set '(?P<s>.+)'"
ERRORS: list[tuple[str, str, str]] = [
    (_SET + r" is archived\.", "특성 세트 '{s}'은(는) 보관 처리되었습니다.", "Feature set 'top 5' is archived."),
    (_SET + r" has columns that (?P<v>.+) lacks: (?P<c>.+)\.",
     "특성 세트 '{s}'에 {v}에 없는 열이 있습니다: {c}.",
     "Feature set 'top 5' has columns that churn v2 · dsv_5f0c1a9e2b7d lacks: 'age', 'plan'."),
    (_SET + r" includes the target '(?P<t>.+)'\.", "특성 세트 '{s}'에 타깃 '{t}'이(가) 들어 있습니다.",
     "Feature set 'top 5' includes the target 'churned'."),
    (r"The feature columns do not match feature set '(?P<s>.+)': only in the set: (?P<a>.+); only in the columns "
     r"given: (?P<b>.+)\.",
     "특성 열이 특성 세트 '{s}'와 다릅니다. 세트에만 있는 열: {a}; 지정한 열에만 있는 열: {b}.",
     "The feature columns do not match feature set 'top 5': only in the set: 'age'; only in the columns given: "
     "—."),
]
HINTS: list[tuple[str, str, str]] = [
    (r"Choose another feature set, or choose the columns yourself\.",
     "다른 특성 세트를 고르거나 열을 직접 고르세요.", "Choose another feature set, or choose the columns yourself."),
    (r"Give the feature set alone \(its columns are used\), or the columns alone\.",
     "특성 세트만 지정하거나(그 세트의 열을 씁니다) 열만 지정하세요.",
     "Give the feature set alone (its columns are used), or the columns alone."),
]
