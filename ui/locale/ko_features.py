"""Korean for the Features page (app_pages/features.py, ui/features_view.py), its charts
(core/features/charts.py ``tr`` templates), and what core/features writes in English: the warnings'
reasons (kind ``WARNINGS``), a report's notes (``NOTES``), errors and hints (``ERRORS``, ``HINTS``)
and the ``features`` job's title and progress (``PROGRESS``).

Patterns have the form of ``ko_errors``: ``(regex over the whole English text, Korean template, an
English example)``; named groups carry the data (column names, numbers) unchanged.
"""

KO = {
    # the page
    "See which columns carry signal about the target, which are noise, and which are too good to be true; then "
    "save a feature set for the experiments.":
        "어떤 열이 타깃에 대한 신호를 담고 있는지, 어떤 열이 잡음인지, 어떤 열이 너무 좋아서 의심스러운지 보고, "
        "실험에 쓸 특성 세트를 저장하세요.",
    "The column the features should predict.": "특성으로 예측할 열입니다.",
    # computing the report
    "The features of {version} are being ranked in the background; the report appears here when it is done.":
        "{version}의 특성 순위를 백그라운드에서 매기고 있습니다. 끝나면 여기에 보고서가 나타납니다.",
    "{rows} rows × {cols} columns is a lot to analyse while you wait, so it runs as a job: you can leave this page "
    "and come back.":
        "{rows}행 × {cols}열은 기다리며 분석하기에는 많아서 작업으로 실행합니다. 이 페이지를 떠났다가 돌아와도 됩니다.",
    "Rank the features in the background": "백그라운드에서 특성 순위 매기기",
    "Ranking the features of {version}…": "{version}의 특성 순위를 매기는 중…",
    "Could not rank the features of {version}": "{version}의 특성 순위를 매기지 못했습니다",
    "Ranked in {time} (kept for next time)": "{time} 만에 순위를 매겼습니다 (다음을 위해 저장됨)",
    # summary
    "a sample of {n} of its {total} rows": "전체 {total}행 중 표본 {n}행",
    "its {n} rows": "{n}행 전체",
    "Ranked **{n}** columns of {version} for the target {target} ({task}) on {rows}, with {methods}.":
        "{version}의 열 **{n}**개를 타깃 {target}({task})에 대해 순위를 매겼습니다. 사용한 행: {rows}. "
        "방법: {methods}.",
    "Stored {when}; asking for the same version, target and settings reuses it.":
        "{when} 저장됨. 같은 버전, 타깃, 설정으로 다시 요청하면 이 보고서를 씁니다.",
    # warnings
    "**{n} columns need a look before modelling:**": "**모델링 전에 살펴볼 열 {n}개:**",
    "{n} more columns with a warning": "경고가 있는 열 {n}개 더 보기",
    "No column looks suspicious: no likely leakage, identifiers, constant or mostly missing columns.":
        "의심스러운 열이 없습니다. 누출 의심, 식별자, 상수, 대부분 결측인 열이 없습니다.",
    "A column that predicts the target almost perfectly on its own is usually recorded after the outcome (or "
    "derived from it): a model trained on it looks great and fails in use. Leave it out unless you are sure it is "
    "known at prediction time.":
        "혼자서 타깃을 거의 완벽하게 예측하는 열은 대개 결과가 나온 뒤에 기록되었거나 결과에서 파생된 열입니다. "
        "이런 열로 학습한 모델은 성능이 좋아 보여도 실제로 쓰면 실패합니다. 예측 시점에 알 수 있는 값이 확실하지 "
        "않으면 빼세요.",
    "likely target leakage": "타깃 누출 의심",
    "looks like an identifier": "식별자로 보임",
    "almost constant": "거의 상수",
    "mostly missing": "대부분 결측",
    "named after the target": "타깃 이름을 딴 열",
    "warning: {kinds}": "경고: {kinds}",
    # ranking
    "Which columns carry signal": "신호를 담은 열",
    "{method} #{rank}": "{method} {rank}위",
    "The quick model loses nothing when these {n} columns are shuffled: {columns}.":
        "다음 열 {n}개는 값을 섞어도 빠른 모델의 점수가 떨어지지 않습니다: {columns}.",
    "and {n} more": "외 {n}개",
    "The consensus rank averages each method's rank; #1 is the strongest under that method. Scores of different "
    "methods are on different scales: compare ranks across methods.":
        "종합 순위는 각 방법의 순위를 평균한 것이며, 1위가 그 방법에서 가장 강한 열입니다. 방법마다 점수의 척도가 "
        "다르니 방법끼리는 순위를 비교하세요.",
    "Rank": "순위",
    "Warnings": "경고",
    # methods
    "Mutual information": "상호 정보량",
    "Univariate association": "단변량 연관성",
    "LightGBM gain": "LightGBM 이득",
    "Permutation importance": "순열 중요도",
    "mutual information": "상호 정보량",
    "gain": "이득",
    "permutation": "순열",
    "How much knowing the column tells about the target, from any kind of relation, not only straight lines "
    "(0 = nothing). Categories count as discrete values.":
        "열을 알면 타깃에 대해 얼마나 알 수 있는지를 직선 관계뿐 아니라 모든 형태의 관계로 잽니다(0 = 전혀 없음). "
        "범주는 이산값으로 셉니다.",
    "The strength of a one-to-one relation with the target, from 0 to 1: |Spearman ρ| for two numeric columns, the "
    "correlation ratio η for a numeric and a categorical one, Cramér's V for two categorical ones.":
        "타깃과의 일대일 관계의 세기(0~1)입니다. 수치형 둘은 |스피어만 ρ|, 수치형과 범주형은 상관비 η, 범주형 둘은 "
        "크라메르 V로 잽니다.",
    "How much a quick LightGBM model fitted on three quarters of the rows gains from splits on the column (one-hot "
    "parts summed back to the column).":
        "행의 4분의 3으로 학습한 빠른 LightGBM 모델이 이 열로 분할해 얻은 이득입니다(원-핫 인코딩된 부분은 원래 "
        "열로 합산).",
    "How much that model's score drops on the held-out rows when the column's values are shuffled; the whiskers "
    "show the spread over the repeats. Zero or less: the model does not need the column.":
        "열의 값을 섞었을 때 그 모델의 점수가 홀드아웃 행에서 얼마나 떨어지는지입니다. 수염은 반복 간 편차를 "
        "보여 줍니다. 0 이하면 모델에 필요 없는 열입니다.",
    "All methods": "모든 방법",
    "Where the methods agree, a row reads evenly. A column one method ranks far higher than the others is worth a "
    "look: the model-based methods see interactions, the others only the column alone.":
        "방법들이 일치하면 한 행의 색이 고르게 보입니다. 한 방법만 유독 높게 평가한 열은 살펴볼 만합니다. 모델 기반 "
        "방법은 상호작용을 보고, 나머지는 열 하나만 봅니다.",
    # relation
    "A column and the target": "열과 타깃의 관계",
    "Columns in the order of the ranking.": "순위 순서로 나열한 열입니다.",
    # feature sets
    "Save a feature set": "특성 세트 저장",
    "A feature set is a named choice of columns. The experiment form offers it for every version of this dataset "
    "that has its columns.":
        "특성 세트는 이름을 붙인 열 선택입니다. 실험 양식은 그 열을 모두 가진 이 데이터셋의 모든 버전에서 이 세트를 "
        "제안합니다.",
    "Drop warned columns": "경고 열 제외",
    "Every column except the target and the columns with a warning.": "타깃과 경고가 있는 열을 뺀 모든 열입니다.",
    "How many": "개수",
    "Top {k} columns": "상위 {k}개 열",
    "The columns with the best consensus rank, leaving out the warned ones.":
        "경고가 있는 열을 빼고 종합 순위가 가장 높은 열입니다.",
    "Columns of the set": "세트의 열",
    "Name of the set": "세트 이름",
    "e.g. no leaks": "예: 누출 제외",
    "{n} columns chosen": "열 {n}개 선택됨",
    "Save the feature set": "특성 세트 저장하기",
    "Saved the feature set {name} ({n} columns).": "특성 세트 {name}을(를) 저장했습니다 (열 {n}개).",
    "Saved feature sets of this dataset": "이 데이터셋의 저장된 특성 세트",
    "target {target}": "타깃 {target}",
    "warned columns dropped": "경고 열 제외",
    "top columns": "상위 열",
    "chosen by hand": "직접 선택",
    "saved {when}": "{when} 저장",
    ":orange[Not usable with this version: it lacks {columns}.]": ":orange[이 버전에는 쓸 수 없습니다: {columns} 열이 없습니다.]",
    "Run an experiment with a feature set": "특성 세트로 실험 실행",
    # charts (core/features/charts.py)
    "{method}: which columns carry signal about {target}": "{method}: {target}에 대한 신호를 담은 열",
    "No column has a score from this method.": "이 방법으로 점수를 받은 열이 없습니다.",
    "1 column without a score": "점수 없는 열 1개",
    "{n} columns without a score": "점수 없는 열 {n}개",
    "red: a column with a warning": "빨간색: 경고가 있는 열",
    "score {value}": "점수 {value}",
    "score": "점수",
    "whiskers: ± one standard deviation over {n} shuffles": "수염: 섞기 {n}회의 ± 1 표준편차",
    "whiskers: ± one standard deviation over the shuffles": "수염: 섞기 반복의 ± 1 표준편차",
    "mutual information with the target (nats)": "타깃과의 상호 정보량 (nat)",
    "association with the target (0 = none, 1 = perfect)": "타깃과의 연관성 (0 = 없음, 1 = 완벽)",
    "total split gain in a quick LightGBM model": "빠른 LightGBM 모델의 분할 이득 합계",
    "score lost when the column is shuffled": "열을 섞었을 때 잃는 점수",
    "|Spearman ρ|": "|스피어만 ρ|",
    "Rank of each column under each method (1 = strongest)": "방법별 각 열의 순위 (1 = 가장 강함)",
    "Consensus": "종합",
    "No ranking to compare yet.": "아직 비교할 순위가 없습니다.",
    "top {n} of {total} columns by consensus": "종합 순위 기준 열 {total}개 중 상위 {n}개",
    "empty: the method gave the column no score": "빈칸: 그 방법이 점수를 매기지 않은 열",
    "rank": "순위",
    "rank {rank} of {total}": "{total}개 중 {rank}위",
    "{column} and {target}": "{column} — {target} 관계",
    "Choose a column other than the target.": "타깃이 아닌 열을 고르세요.",
    "No row has a target value.": "타깃 값이 있는 행이 없습니다.",
    "No row has a value in this column.": "이 열에 값이 있는 행이 없습니다.",
    "{n} rows with no {column} left out": "{column} 값이 없는 {n}행 제외",
    "one box per class: the middle half of the rows, the median line and the mean dashed":
        "클래스마다 상자 하나: 가운데 절반의 행, 중앙값 선, 점선은 평균",
    "each bar is a value of {column}; its colours, the share of each class":
        "막대 하나가 {column}의 값 하나이며, 색은 각 클래스의 비율입니다",
    "other ({n} values)": "기타 (값 {n}개)",
    "the {n} most frequent values": "가장 흔한 값 {n}개",
    "share of rows": "행 비율",
    "{share} of {total} rows ({count})": "{total}행 중 {share} ({count})",
    "one point per row": "점 하나가 행 하나",
    "trend (moving average of {n} rows)": "추세 ({n}행 이동 평균)",
    "one box per value of {column}, highest median first": "{column}의 값마다 상자 하나, 중앙값이 높은 순",
}

_V = r"'(?P<ds>.+?)' v(?P<k>\d+) \((?P<v>\S+)\)"          # a version as core.features.service names it
_VX = "'churn' v1 (dsv_5f0c1a9e2b7d)"
_PCT = r"(?P<pct>[\d.]+%)"

_LEAK_CHECK_EN = " Check that its value is known before the outcome: if it is not, it leaks the answer."
_LEAK_CHECK = r" Check that its value is known before the outcome: if it is not, it leaks the answer\."
_LEAK_CHECK_KO = "이 값이 결과보다 먼저 알려지는지 확인하세요. 그렇지 않다면 정답이 새어 들어간 것입니다."

# a warning's reason (core.features.importance): one sentence with the figure
WARNINGS: list[tuple[str, str, str]] = [
    (r"Alone predicts the target with ROC AUC (?P<x>[\d.]+) on held-out rows\." + _LEAK_CHECK,
     "이 열 하나만으로 홀드아웃 행의 타깃을 예측합니다(ROC AUC {x}). " + _LEAK_CHECK_KO,
     "Alone predicts the target with ROC AUC 0.996 on held-out rows." + _LEAK_CHECK_EN),
    (r"Alone predicts the target with R² (?P<x>-?[\d.]+) on held-out rows\." + _LEAK_CHECK,
     "이 열 하나만으로 홀드아웃 행의 타깃을 예측합니다(R² {x}). " + _LEAK_CHECK_KO,
     "Alone predicts the target with R² 0.981 on held-out rows." + _LEAK_CHECK_EN),
    (_PCT + r" of its values are missing\.", "값의 {pct}가 결측입니다.", "62.5% of its values are missing."),
    (r"Has only 1 distinct value\.", "고유한 값이 1개뿐입니다.", "Has only 1 distinct value."),
    (r"Its most common value fills " + _PCT + r" of the rows that have a value\.",
     "값이 있는 행의 {pct}가 가장 흔한 값 하나입니다.",
     "Its most common value fills 99.6% of the rows that have a value."),
    (r"Its values are whole numbers that change by (?P<step>-?[\d.e+]+) from each row to the next, like a row "
     r"number\.",
     "값이 행마다 {step}씩 바뀌는 정수라 행 번호처럼 보입니다.",
     "Its values are whole numbers that change by 1 from each row to the next, like a row number."),
    (_PCT + r" of its values are distinct, like an ID\.", "값의 {pct}가 서로 달라 ID처럼 보입니다.",
     "100.0% of its values are distinct, like an ID."),
    (r"Its name reads like an ID and " + _PCT + r" of its values are distinct\.",
     "이름이 ID처럼 보이고 값의 {pct}가 서로 다릅니다.", "Its name reads like an ID and 64.0% of its values are distinct."),
    (r"Its name contains the target's name \('(?P<stem>.+)'\), so it may be derived from the target\.",
     "이름에 타깃 이름('{stem}')이 들어 있어 타깃에서 파생된 열일 수 있습니다.",
     "Its name contains the target's name ('churn'), so it may be derived from the target."),
]

# why the model-based methods leave a column out (core.modeling.columns.NOT_FEATURES and the preprocessor)
_WHY = {
    "an ID column \\(semantic type 'id'\\)": "ID 열(의미 유형 'id')",
    "free text \\(semantic type 'text'\\)": "자유 텍스트(의미 유형 'text')",
    "image file paths \\(semantic type 'image_path'\\)": "이미지 파일 경로(의미 유형 'image_path')",
    "constant \\(one value only\\)": "상수(값이 하나뿐)",
}
_PERMUTATION = {"the drop in ROC AUC": "ROC AUC가 떨어진 정도", "the rise in log loss": "로그 손실이 늘어난 정도",
                "the drop in R²": "R²가 떨어진 정도"}
_SKIPPED = r"LightGBM gain and permutation importance were skipped: "

# a report's notes: how it was computed
NOTES: list[tuple[str, str, str]] = [
    (r"Left out (?P<n>[\d,]+) rows? without a target value\.", "타깃 값이 없는 {n}행을 뺐습니다.",
     "Left out 12 rows without a target value."),
    (r"Used a random sample of (?P<n>[\d,]+) of the (?P<total>[\d,]+) rows with a target value \(seed (?P<s>-?\d+)\)\.",
     "타깃 값이 있는 {total}행 중 무작위 표본 {n}행을 썼습니다(시드 {s}).",
     "Used a random sample of 50,000 of the 120,000 rows with a target value (seed 0)."),
    (r"Mutual information read a random (?P<n>[\d,]+) of the (?P<total>[\d,]+) rows used\.",
     "상호 정보량은 사용한 {total}행 중 무작위 {n}행으로 계산했습니다.",
     "Mutual information read a random 20,000 of the 50,000 rows used."),
    *[(r"The model-based methods leave out '(?P<c>.+)': " + why + r"\.",
       "모델 기반 방법은 '{c}' 열을 뺐습니다: " + korean + ".",
       "The model-based methods leave out 'customer_id': " + why.replace("\\", "") + ".")
      for why, korean in _WHY.items()],
    (_SKIPPED + r"the training part has one class only\.",
     "LightGBM 이득과 순열 중요도는 건너뛰었습니다: 학습 부분에 클래스가 하나뿐입니다.",
     _SKIPPED.replace("\\", "") + "the training part has one class only."),
    (_SKIPPED + r"(?P<reason>.+)", "LightGBM 이득과 순열 중요도는 건너뛰었습니다: {reason}",
     _SKIPPED.replace("\\", "") + "Choose at least one column besides the target."),
    (r"Permutation importance was skipped: the held-out rows have one class only\.",
     "순열 중요도는 건너뛰었습니다: 홀드아웃 행에 클래스가 하나뿐입니다.",
     "Permutation importance was skipped: the held-out rows have one class only."),
    (r"Permutation importance was skipped: too few held-out rows\.",
     "순열 중요도는 건너뛰었습니다: 홀드아웃 행이 너무 적습니다.",
     "Permutation importance was skipped: too few held-out rows."),
    *[(r"Permutation importance is " + what.replace("²", "²") + r" on (?P<n>[\d,]+) held-out rows when a column's "
       r"values are shuffled \((?P<r>\d+) repeats?\)\.",
       "순열 중요도는 열의 값을 섞었을 때 홀드아웃 {n}행에서 " + korean + "입니다(반복 {r}회).",
       f"Permutation importance is {what} on 500 held-out rows when a column's values are shuffled (5 repeats).")
      for what, korean in _PERMUTATION.items()],
]

_T = r"'(?P<t>.+)'"
ERRORS: list[tuple[str, str, str]] = [
    # importance.analyze_frame
    (r"The target " + _T + r" has no values\.", "타깃 '{t}'에 값이 없습니다.", "The target 'churned' has no values."),
    (r"The target " + _T + r" has (?P<n>[\d,]+) distinct values, so the task cannot be binary\.",
     "타깃 '{t}'의 고유값이 {n}개라 이진 분류 작업이 될 수 없습니다.",
     "The target 'plan' has 3 distinct values, so the task cannot be binary."),
    (r"The target " + _T + r" is not numeric, so the task cannot be regression\.",
     "타깃 '{t}'이(가) 숫자가 아니라 회귀 작업이 될 수 없습니다.",
     "The target 'plan' is not numeric, so the task cannot be regression."),
    (r"Column names must be unique; (?P<c>.+) appear more than once\.",
     "열 이름은 서로 달라야 합니다. {c}이(가) 두 번 이상 나옵니다.", "Column names must be unique; 'a' appear more than once."),
    (r"There is no column " + _T + r" to use as the target\.", "타깃으로 쓸 '{t}' 열이 없습니다.",
     "There is no column 'churned' to use as the target."),
    (r"There are no feature columns: the table holds only the target " + _T + r"\.",
     "특성 열이 없습니다: 표에 타깃 '{t}'만 있습니다.",
     "There are no feature columns: the table holds only the target 'churned'."),
    (r"Only (?P<n>[\d,]+) rows? (?:has|have) a value in the target " + _T + r"; at least (?P<m>\d+) are needed\.",
     "타깃 '{t}'에 값이 있는 행이 {n}개뿐입니다. 최소 {m}개가 필요합니다.",
     "Only 12 rows have a value in the target 'churned'; at least 20 are needed."),
    (r"The target " + _T + r" has a single value \((?P<x>.+)\), so there is nothing to predict\.",
     "타깃 '{t}'의 값이 하나({x})뿐이라 예측할 것이 없습니다.",
     "The target 'churned' has a single value ('no'), so there is nothing to predict."),
    (r"The target " + _T + r" has (?P<n>[\d,]+) classes; the feature analysis handles at most (?P<m>\d+)\.",
     "타깃 '{t}'의 클래스가 {n}개입니다. 특성 분석은 최대 {m}개까지 다룹니다.",
     "The target 'zip' has 412 classes; the feature analysis handles at most 100."),
    (r"Unknown methods? (?P<x>'.+')\.", "알 수 없는 방법: {x}.", "Unknown method 'shap'."),
    (r"Choose at least one method\.", "방법을 하나 이상 고르세요.", "Choose at least one method."),
    (r"The rows to sample must be (?:a whole number of )?at least (?P<m>\d+), not (?P<x>.+)\.",
     "표본 행 수는 {m} 이상의 정수여야 합니다({x}는 안 됩니다).", "The rows to sample must be at least 20, not 5."),
    (r"The permutation repeats must be (?:at least 1|a whole number from 1 to 100), not (?P<x>.+)\.",
     "순열 반복 횟수는 1~100의 정수여야 합니다({x}는 안 됩니다).", "The permutation repeats must be at least 1, not 0."),
    (r"The held-out share must be (?:a number )?from 0\.05 to 0\.5, not (?P<x>.+)\.",
     "홀드아웃 비율은 0.05~0.5여야 합니다({x}는 안 됩니다).", "The held-out share must be from 0.05 to 0.5, not 0.9."),
    # service: settings, target, task
    (r"Unknown feature-analysis settings? (?P<x>.+)\.", "알 수 없는 특성 분석 설정: {x}.",
     "Unknown feature-analysis setting 'depth'."),
    (r"The feature-analysis settings must be a mapping, not (?P<x>\w+)\.",
     "특성 분석 설정은 매핑(딕셔너리)이어야 합니다({x}는 안 됩니다).",
     "The feature-analysis settings must be a mapping, not list."),
    (r"Choose the target column: the one the features should predict\.",
     "타깃 열, 즉 특성으로 예측할 열을 고르세요.", "Choose the target column: the one the features should predict."),
    (r"Version (?P<k>\d+) of dataset '(?P<ds>.+)' has no column " + _T + r" to use as the target\.",
     "데이터셋 '{ds}'의 버전 {k}에 타깃으로 쓸 '{t}' 열이 없습니다.",
     "Version 1 of dataset 'churn' has no column 'churn_flag' to use as the target."),
    (_V + r" has only the column " + _T + r": there are no features to rank\.",
     "'{ds}' v{k}({v})에는 '{t}' 열만 있어 순위를 매길 특성이 없습니다.",
     f"{_VX} has only the column 'churned': there are no features to rank."),
    (r"The target " + _T + r" has no values in " + _V + r": every row is missing\.",
     "타깃 '{t}'에 '{ds}' v{k}({v})의 값이 없습니다: 모든 행이 결측입니다.",
     f"The target 'churned' has no values in {_VX}: every row is missing."),
    (r"The target " + _T + r" has a single value \((?P<x>.+)\) in " + _V + r": there is nothing to predict\.",
     "타깃 '{t}'의 값이 '{ds}' v{k}({v})에서 하나({x})뿐이라 예측할 것이 없습니다.",
     f"The target 'churned' has a single value ('no') in {_VX}: there is nothing to predict."),
    (r"Only (?P<n>[\d,]+) rows of " + _V + r" have a value for " + _T + r"; ranking features needs at least "
     r"(?P<m>\d+)\.",
     "'{ds}' v{k}({v})에서 '{t}' 값이 있는 행이 {n}개뿐입니다. 특성 순위를 매기려면 최소 {m}개가 필요합니다.",
     f"Only 12 rows of {_VX} have a value for 'churned'; ranking features needs at least 20."),
    (r"The target " + _T + r" has (?P<n>[\d,]+) distinct values; a binary task needs two\.",
     "타깃 '{t}'의 고유값이 {n}개입니다. 이진 분류 작업에는 두 개가 필요합니다.",
     "The target 'plan' has 3 distinct values; a binary task needs two."),
    (r"The target " + _T + r" is not numeric, so it cannot be a regression target\.",
     "타깃 '{t}'이(가) 숫자가 아니라 회귀 타깃이 될 수 없습니다.",
     "The target 'plan' is not numeric, so it cannot be a regression target."),
    (_V + r" has (?P<n>[\d,]+) rows; ranking features needs at least (?P<m>\d+)\.",
     "'{ds}' v{k}({v})의 행은 {n}개입니다. 특성 순위를 매기려면 최소 {m}개가 필요합니다.",
     f"{_VX} has 12 rows; ranking features needs at least 20."),
    (r"There is no feature report with id '(?P<x>.+)'\.", "ID가 '{x}'인 특성 보고서가 없습니다.",
     "There is no feature report with id 'fea_5f0c1a9e2b7d'."),
    (r"Ranking the features of " + _V + r" for " + _T + r" failed: (?P<why>.+)",
     "'{ds}' v{k}({v})의 '{t}'에 대한 특성 순위 매기기에 실패했습니다: {why}",
     f"Ranking the features of {_VX} for 'churned' failed: ValueError: Input contains NaN."),
    (r"This feature-ranking job names no dataset version or target\.",
     "이 특성 순위 작업에 데이터셋 버전이나 타깃이 지정되지 않았습니다.",
     "This feature-ranking job names no dataset version or target."),
    # service: feature sets
    (r"Keep at least one column \(asked for (?P<x>.+)\)\.", "열을 하나 이상 남기세요(요청: {x}).",
     "Keep at least one column (asked for 0)."),
    (r"A feature set needs a name\.", "특성 세트에는 이름이 필요합니다.", "A feature set needs a name."),
    (r"The feature set's name is (?P<n>\d+) characters long; the limit is (?P<m>\d+)\.",
     "특성 세트 이름이 {n}자입니다. 최대 {m}자까지 쓸 수 있습니다.",
     "The feature set's name is 95 characters long; the limit is 80."),
    (r"A feature set needs at least one column\.", "특성 세트에는 열이 하나 이상 필요합니다.",
     "A feature set needs at least one column."),
    (_V + r" has no columns? (?P<c>.+)\.", "'{ds}' v{k}({v})에 {c} 열이 없습니다.",
     f"{_VX} has no columns 'age', 'plan'."),
    (r"The feature set includes the target " + _T + r": a model cannot use the column it predicts as a feature\.",
     "특성 세트에 타깃 '{t}'이(가) 들어 있습니다. 모델은 예측하려는 열을 특성으로 쓸 수 없습니다.",
     "The feature set includes the target 'churned': a model cannot use the column it predicts as a feature."),
    (r"Saying how the set was chosen takes (?P<n>\d+) characters; the limit is (?P<m>\d+)\.",
     "세트를 고른 방법 설명이 {n}자입니다. 최대 {m}자까지 쓸 수 있습니다.",
     "Saying how the set was chosen takes 250 characters; the limit is 200."),
    (r"The feature report (?P<r>\S+) is of another dataset version \((?P<o>\S+)\), not " + _V + r"\.",
     "특성 보고서 {r}은(는) 다른 데이터셋 버전({o})의 보고서이며 '{ds}' v{k}({v})의 것이 아닙니다.",
     f"The feature report fea_5f0c1a9e2b7d is of another dataset version (dsv_0a1b2c3d4e5f), not {_VX}."),
    (r"The feature report (?P<r>\S+) ranks the columns for '(?P<a>.+)', not '(?P<b>.+)'\.",
     "특성 보고서 {r}은(는) '{b}'이(가) 아니라 '{a}'에 대해 열 순위를 매긴 것입니다.",
     "The feature report fea_5f0c1a9e2b7d ranks the columns for 'churned', not 'plan'."),
    (r"Dataset '(?P<ds>.+)' already has a feature set named '(?P<n>.+)'\.",
     "데이터셋 '{ds}'에 이미 '{n}'(이)라는 특성 세트가 있습니다.",
     "Dataset 'churn' already has a feature set named 'no leaks'."),
    (r"There is no feature set '(?P<x>.+)'\.", "'{x}' 특성 세트가 없습니다.", "There is no feature set 'top 5'."),
    (r"(?P<n>\d+) feature sets of different datasets are named '(?P<x>.+)'\.",
     "서로 다른 데이터셋의 특성 세트 {n}개가 '{x}'(이)라는 이름입니다.",
     "2 feature sets of different datasets are named 'top 5'."),
    (r"Another active feature set of this dataset is named '(?P<n>.+)'\.",
     "이 데이터셋의 다른 활성 특성 세트 이름이 '{n}'입니다.",
     "Another active feature set of this dataset is named 'no leaks'."),
]

HINTS: list[tuple[str, str, str]] = [
    (r"Choose a column that has values\.", "값이 있는 열을 고르세요.", "Choose a column that has values."),
    (r"Use auto, classification, binary, multiclass or regression\.",
     "auto, classification, binary, multiclass, regression 중 하나를 쓰세요.",
     "Use auto, classification, binary, multiclass or regression."),
    (r"Use auto \(detected from the target\), (?:classification, )?binary, multiclass or regression\.",
     "auto(타깃으로 판별), classification, binary, multiclass, regression 중 하나를 쓰세요.",
     "Use auto (detected from the target), classification, binary, multiclass or regression."),
    (r"Give them as a dict, e\.g\. (?P<x>\{.*\}), or leave them out\.",
     "딕셔너리로 주거나(예: {x}) 빼세요.", 'Give them as a dict, e.g. {"seed": 0, "n_repeats": 5}, or leave them out.'),
    (r"Use multiclass, or auto\.", "multiclass나 auto를 쓰세요.", "Use multiclass, or auto."),
    (r"Use auto or classification, or choose a numeric target\.",
     "auto나 classification을 쓰거나 숫자 타깃을 고르세요.", "Use auto or classification, or choose a numeric target."),
    (r"Rename the columns so each name is used once\.", "이름이 한 번씩만 쓰이도록 열 이름을 바꾸세요.",
     "Rename the columns so each name is used once."),
    (r"Choose one of the columns: (?P<c>.+)\.", "다음 열 중 하나를 고르세요: {c}.",
     "Choose one of the columns: 'age', 'plan'."),
    (r"The table has no columns\.", "표에 열이 없습니다.", "The table has no columns."),
    (r"Add the columns that describe each row, or choose another table\.",
     "각 행을 설명하는 열을 추가하거나 다른 표를 고르세요.",
     "Add the columns that describe each row, or choose another table."),
    (r"Choose a target with more values, or add rows\.", "값이 더 많은 타깃을 고르거나 행을 추가하세요.",
     "Choose a target with more values, or add rows."),
    (r"Choose a column whose values vary\.", "값이 여러 가지인 열을 고르세요.", "Choose a column whose values vary."),
    (r"Choose a target with fewer classes, or the regression task if it is a number\.",
     "클래스가 더 적은 타깃을 고르거나, 숫자라면 회귀 작업을 고르세요.",
     "Choose a target with fewer classes, or the regression task if it is a number."),
    (r"The methods are: (?P<x>.+)\.", "방법: {x}.", "The methods are: mutual_info, association."),
    (r"The settings are: (?P<x>.+)\.", "설정: {x}.", "The settings are: methods, seed."),
    (r"The default is (?P<x>[\d,.]+)\.", "기본값은 {x}입니다.", "The default is 50,000."),
    (r"The default is 0\.25 \(a quarter of the rows scores the permutation importance\)\.",
     "기본값은 0.25입니다(행의 4분의 1로 순열 중요도를 매깁니다).",
     "The default is 0.25 (a quarter of the rows scores the permutation importance)."),
    (r"E\.g\. 0\.", "예: 0.", "E.g. 0."),
    (r"Columns of " + _V + r": (?P<c>.+)\.", "'{ds}' v{k}({v})의 열: {c}.", f"Columns of {_VX}: 'age', 'plan'."),
    (r"Its columns are: (?P<c>.+)\.", "열 목록: {c}.", "Its columns are: 'age', 'plan'."),
    (r"Pick a version with feature columns besides the target\.", "타깃 외에 특성 열이 있는 버전을 고르세요.",
     "Pick a version with feature columns besides the target."),
    (r"Choose a target column with values\.", "값이 있는 타깃 열을 고르세요.", "Choose a target column with values."),
    (r"Choose a target column whose values differ\.", "값이 여러 가지인 타깃 열을 고르세요.",
     "Choose a target column whose values differ."),
    (r"Use a version with more labelled rows\.", "레이블이 있는 행이 더 많은 버전을 쓰세요.",
     "Use a version with more labelled rows."),
    (r"Choose multiclass \(or regression for a number\), or auto to detect it\.",
     "multiclass(숫자라면 regression)를 고르거나 auto로 판별하세요.",
     "Choose multiclass (or regression for a number), or auto to detect it."),
    (r"Choose binary or multiclass, or auto to detect it\.", "binary나 multiclass를 고르거나 auto로 판별하세요.",
     "Choose binary or multiclass, or auto to detect it."),
    (r"Use a version with more rows\.", "행이 더 많은 버전을 쓰세요.", "Use a version with more rows."),
    (r"Rank the features again \(the Features page, or `mlcycle features VERSION --target COL`\)\.",
     "특성 순위를 다시 매기세요(특성 페이지 또는 `mlcycle features VERSION --target COL`).",
     "Rank the features again (the Features page, or `mlcycle features VERSION --target COL`)."),
    (r"Check the target and the column types on the Data page; choose the task by hand if the detected one is "
     r"wrong\.",
     "데이터 페이지에서 타깃과 열 유형을 확인하세요. 판별된 작업 유형이 틀렸다면 직접 고르세요.",
     "Check the target and the column types on the Data page; choose the task by hand if the detected one is wrong."),
    (r"Check the column types on the Data page, or run the analysis without the model-based methods\.",
     "데이터 페이지에서 열 유형을 확인하거나 모델 기반 방법 없이 분석하세요.",
     "Check the column types on the Data page, or run the analysis without the model-based methods."),
    (r"Rank the features again from the Features page\.", "특성 페이지에서 특성 순위를 다시 매기세요.",
     "Rank the features again from the Features page."),
    (r"Give how many of the best-ranked columns to keep, e\.g\. 10\.",
     "순위가 가장 높은 열을 몇 개 남길지 지정하세요(예: 10).",
     "Give how many of the best-ranked columns to keep, e.g. 10."),
    (r"Name it after what it keeps, such as 'no leaks' or 'top 10'\.",
     "무엇을 남기는지 알 수 있게 이름을 지으세요(예: 'no leaks', 'top 10').",
     "Name it after what it keeps, such as 'no leaks' or 'top 10'."),
    (r"Use a short name: the experiment form lists it\.", "짧은 이름을 쓰세요. 실험 양식에 이 이름이 나열됩니다.",
     "Use a short name: the experiment form lists it."),
    (r"Pick the columns to keep, or drop the warned ones / keep the top k of a report\.",
     "남길 열을 고르거나, 보고서에서 경고 열을 빼거나 상위 k개를 남기세요.",
     "Pick the columns to keep, or drop the warned ones / keep the top k of a report."),
    (r"Leave " + _T + r" out of the columns\.", "열에서 '{t}'을(를) 빼세요.", "Leave 'churned' out of the columns."),
    (r"Say it in a few words\.", "몇 단어로 줄여 쓰세요.", "Say it in a few words."),
    (r"Save the set from a report of this version\.", "이 버전의 보고서에서 세트를 저장하세요.",
     "Save the set from a report of this version."),
    (r"Give --target (?P<a>.+), or rank for '(?P<b>.+)' first\.",
     "--target {a}를 지정하거나, 먼저 '{b}'에 대해 순위를 매기세요.", "Give --target churned, or rank for 'plan' first."),
    (r"Choose another name, or archive the other set first \(`mlcycle features list` shows it\)\.",
     "다른 이름을 고르거나 먼저 다른 세트를 보관하세요(`mlcycle features list`에 나옵니다).",
     "Choose another name, or archive the other set first (`mlcycle features list` shows it)."),
    (r"List the sets with `mlcycle features list`\.", "`mlcycle features list`로 세트 목록을 보세요.",
     "List the sets with `mlcycle features list`."),
    (r"Give the set's id \(`mlcycle features list` shows it\)\.",
     "세트의 ID를 지정하세요(`mlcycle features list`에 나옵니다).",
     "Give the set's id (`mlcycle features list` shows it)."),
    (r"Archive that set first\.", "먼저 그 세트를 보관하세요.", "Archive that set first."),
]

# the features job's title and progress (core.features.service and core.features.importance PROGRESS_MESSAGES)
_STEPS = {"Reading the dataset version": "데이터셋 버전 읽는 중", "Checking the columns": "열 점검 중",
          "Computing mutual information": "상호 정보량 계산 중",
          "Measuring univariate association": "단변량 연관성 측정 중",
          "Checking for leakage on held-out rows": "홀드아웃 행에서 누출 점검 중",
          "Fitting a quick LightGBM model": "빠른 LightGBM 모델 학습 중",
          "Computing permutation importance": "순열 중요도 계산 중", "Storing the report": "보고서 저장 중",
          "Feature analysis done": "특성 분석 완료", "Reused the stored report": "저장된 보고서를 다시 씀"}
PROGRESS: list[tuple[str, str, str]] = [
    (r"Rank features for " + _T + r" on (?P<ds>.+) v(?P<k>\d+)", "{ds} v{k}에서 '{t}'의 특성 순위 매기기",
     "Rank features for 'churned' on churn v1"),
    *[(step, korean, step) for step, korean in _STEPS.items()],
]
