"""Korean for the Explore page and for every chart of core.data.charts (their ``tr`` templates:
profile charts, lineage, search progress and learner mix)."""

KO = {
    # ------------------------------------------------------------ Explore page
    "Understand a dataset version before modelling: what each column holds, what is missing, what relates.":
        "모델링 전에 데이터셋 버전을 파악하세요: 각 열에 무엇이 있는지, 무엇이 비어 있는지, 무엇이 서로 연관되는지.",
    "This project has no data yet. Upload a dataset first.":
        "이 프로젝트에는 아직 데이터가 없습니다. 먼저 데이터셋을 올리세요.",
    "Go to Datasets": "데이터셋으로 이동",
    "Target column (optional: adds class balance and association with each column)":
        "타깃 열 (선택: 클래스 분포와 각 열과의 연관성을 보여 줍니다)",
    "— none —": "— 없음 —",
    "Open in a notebook": "노트북으로 열기",
    "A Jupyter notebook that loads this version and starts exploring it.":
        "이 버전을 불러와 탐색을 시작하는 Jupyter 노트북을 내려받습니다.",
    "{rows} rows × {cols} columns: the profile runs as a background job and is kept for next time.":
        "{rows}행 × {cols}열: 프로파일은 백그라운드 작업으로 계산하고 다음을 위해 저장합니다.",
    "Profile in the background": "백그라운드에서 프로파일링",
    "Profiling {name}…": "{name} 프로파일링 중…",
    "Could not profile {name}": "{name}을(를) 프로파일링하지 못했습니다",
    "Profiled in {time} (kept for next time)": "{time} 만에 프로파일링했습니다 (다음을 위해 저장됨)",
    "Rows": "행 수",
    "Columns": "열 수",
    "Missing cells": "결측 셀",
    "Duplicate rows": "중복 행",
    "Memory": "메모리",
    "The table's size in memory, as pandas holds it.": "pandas로 읽었을 때 표가 차지하는 메모리 크기입니다.",
    "Correlations and target association use a sample of {n} rows.":
        "상관관계와 타깃 연관성은 표본 {n}행으로 계산했습니다.",
    "{n} more warnings": "경고 {n}개 더 보기",
    "What each column holds": "열별 내용",
    "Column": "열",
    "Type": "유형",
    "Stored as": "저장 형식",
    "Missing": "결측",
    "Distinct": "고유값 수",
    "Top value": "최빈값",
    "Min": "최솟값",
    "Mean": "평균",
    "Max": "최댓값",
    "Measured by": "측정 방법",
    # semantic types
    "numeric": "수치형",
    "categorical": "범주형",
    "boolean": "불리언",
    "date and time": "날짜·시간",
    "text": "텍스트",
    "identifier": "식별자",
    "image path": "이미지 경로",
    # how association is measured (short names)
    "|Pearson r|": "|피어슨 r|",
    "correlation ratio η": "상관비 η",
    "Cramér's V": "크라메르 V",
    "association": "연관성",
    "Association": "연관성",
    # distribution
    "Distribution of": "분포를 볼 열",
    "'{column}' is skewed: most rows sit at one end. A log scale shows the rest.":
        "'{column}'은(는) 한쪽으로 치우쳐 있어 대부분의 행이 한쪽 끝에 몰려 있습니다. 로그 척도로 보면 나머지가 드러납니다.",
    "Log scale for the row counts": "행 수를 로그 척도로",
    "Log scale for the values": "값을 로그 척도로",
    "No missing values": "결측값 없음",
    "Every column has a value in every row.": "모든 열이 모든 행에 값을 가지고 있습니다.",
    "Association with the target": "타깃과의 연관성",
    "How strongly each column goes with the target, from 0 (not at all) to 1 (fully), measured by the kinds "
    "of the two columns: |Pearson r| for two numeric columns, the correlation ratio η for a numeric and a "
    "categorical one, Cramér's V for two categorical ones.":
        "각 열이 타깃과 얼마나 강하게 연관되는지를 0(전혀 없음)부터 1(완전)까지 나타냅니다. 두 열의 유형에 따라 "
        "측정합니다: 수치형 두 열은 |피어슨 r|, 수치형과 범주형은 상관비 η, 범주형 두 열은 크라메르 V.",
    "Not measured (text, identifiers, constant or empty columns): {columns}.":
        "측정하지 않은 열 (텍스트, 식별자, 상수 또는 빈 열): {columns}.",
    "Correlations": "상관관계",
    "Correlations need at least two numeric, or two categorical, columns that vary.":
        "상관관계를 보려면 값이 변하는 수치형 열이나 범주형 열이 두 개 이상 필요합니다.",
    "Missing values": "결측값",
    # profile warnings
    "Column '{column}' is empty in every row; drop it.": "'{column}' 열은 모든 행이 비어 있습니다. 삭제하세요.",
    "Column '{column}' holds one value ({value}); it cannot help a model, so consider dropping it.":
        "'{column}' 열에는 값이 하나({value})뿐이라 모델에 도움이 되지 않습니다. 삭제를 고려하세요.",
    "Column '{column}' is missing in {pct} of rows; impute it or drop it.":
        "'{column}' 열은 행의 {pct}에서 값이 비어 있습니다. 값을 채우거나 삭제하세요.",
    "Column '{column}' looks like an identifier (a different value in every row); leave it out of the features.":
        "'{column}' 열은 식별자로 보입니다(행마다 값이 다름). 특성에서 빼세요.",
    "Column '{column}' has {n} categories; group the rare ones or treat it as text.":
        "'{column}' 열에는 범주가 {n}개 있습니다. 드문 범주를 묶거나 텍스트로 다루세요.",
    "{n} rows repeat an earlier row exactly (e.g. row {row}); drop them unless the repeats are real.":
        "{n}개 행이 앞선 행과 완전히 같습니다(예: {row}행). 실제로 반복된 데이터가 아니면 삭제하세요.",
    "Column '{column}' predicts the target '{target}' almost perfectly ({measure} {score}); check it is known "
    "before the outcome, or drop it.":
        "'{column}' 열이 타깃 '{target}'을(를) 거의 완벽하게 예측합니다({measure} {score}). 결과가 나오기 전에 "
        "알 수 있는 값인지 확인하거나 삭제하세요.",
    "The target '{target}' is missing in {n} rows; they cannot be used for training.":
        "타깃 '{target}'이(가) {n}개 행에서 비어 있어, 그 행은 학습에 쓸 수 없습니다.",
    "The rarest class of '{target}' has only {pct} of the rows; prefer F1 or ROC AUC to accuracy and split "
    "stratified.":
        "'{target}'의 가장 드문 클래스는 전체 행의 {pct}뿐입니다. 정확도 대신 F1이나 ROC AUC를 쓰고 층화 분할하세요.",
    # ------------------------------------------------------------ charts (core.data.charts, through tr)
    "Distribution of {column}": "{column} 분포",
    "'{column}' has no numeric values to show.": "'{column}'에 보여 줄 숫자 값이 없습니다.",
    "'{column}' has no dates to show.": "'{column}'에 보여 줄 날짜가 없습니다.",
    "'{column}' has no values to show.": "'{column}'에 보여 줄 값이 없습니다.",
    "{column} (log scale)": "{column} (로그 척도)",
    "Rows (log scale)": "행 수 (로그 척도)",
    "median {value}": "중앙값 {value}",
    "{low} to {high}": "{low}부터 {high}까지",
    "{count} rows": "{count}행",
    "{count} rows ({share})": "{count}행 ({share})",
    "Timeline of {column}": "{column} 시간 추이",
    "{column} (UTC)": "{column} (UTC 기준)",
    "Top values of {column}": "{column} 상위 값",
    "Top values of {column} ({shown} of {total})": "{column} 상위 값 ({total}개 중 {shown}개)",
    "Missing values by column": "열별 결측값",
    "Missing values by column ({n} of {total} columns have gaps)": "열별 결측값 (열 {total}개 중 {n}개에 결측)",
    "The table has no columns.": "표에 열이 없습니다.",
    "Missing (% of rows)": "결측 (행 대비 %)",
    "{share} missing ({count} rows)": "{share} 결측 ({count}행)",
    "Pearson correlation (numeric columns)": "피어슨 상관계수 (수치형 열)",
    "Cramér's V (categorical columns)": "크라메르 V (범주형 열)",
    "Needs at least two numeric columns that vary.": "값이 변하는 수치형 열이 두 개 이상 필요합니다.",
    "Needs at least two categorical or boolean columns that vary.":
        "값이 변하는 범주형 또는 불리언 열이 두 개 이상 필요합니다.",
    "{n} sampled rows": "표본 {n}행",
    "first {n} columns": "처음 {n}개 열",
    "Target balance": "타깃 분포",
    "Choose a target column to see its balance.": "타깃 열을 고르면 클래스 분포를 보여 줍니다.",
    "Target distribution: {column}": "타깃 분포: {column}",
    "The target has no numeric values.": "타깃에 숫자 값이 없습니다.",
    "Target balance: {column}": "타깃 분포: {column}",
    "Target balance: {column} (largest class {ratio}× the smallest)":
        "타깃 분포: {column} (가장 큰 클래스가 가장 작은 클래스의 {ratio}배)",
    "Class": "클래스",
    "Choose a target column to see how each column goes with it.":
        "타깃 열을 고르면 각 열이 타깃과 얼마나 연관되는지 보여 줍니다.",
    "Association with {target}": "{target}과(와)의 연관성",
    "No column could be measured against the target.": "타깃과의 연관성을 잴 수 있는 열이 없습니다.",
    "Association (0 = none, 1 = perfect)": "연관성 (0 = 없음, 1 = 완전)",
    "|Pearson r| (numeric with numeric)": "|피어슨 r| (수치형과 수치형)",
    "correlation ratio η (numeric with categorical)": "상관비 η (수치형과 범주형)",
    "Cramér's V (categorical with categorical)": "크라메르 V (범주형과 범주형)",
    # lineage
    "Lineage": "계보",
    "No lineage recorded yet.": "아직 기록된 계보가 없습니다.",
    "Kind": "종류",
    "dataset version": "데이터셋 버전",
    "dataset": "데이터셋",
    "experiment": "실험",
    "model": "모델",
    "hypothesis": "가설",
    "run": "시행",
    "object": "객체",
    "derived from": "파생",
    "split of": "분할",
    "trained on": "학습 데이터",
    "evaluated on": "평가 데이터",
    "uses": "사용",
    "tests": "검증",
    "produced by": "생성",
    "from run": "시행에서",
    # experiments: search progress and learner mix
    "Search progress": "탐색 진행",
    "No finished trial yet; the first appears within seconds.": "아직 끝난 시행이 없습니다. 첫 시행은 몇 초 안에 나타납니다.",
    "trial {n}": "시행 {n}",
    "best so far": "지금까지 최고",
    "budget": "시간 예산",
    "Validation {metric} of each trial over time": "시간에 따른 시행별 검증 {metric}",
    "wall time since start (s)": "시작 후 경과 시간 (초)",
    "validation {metric}": "검증 {metric}",
    "learner": "학습기",
    "Learner mix": "학습기 구성",
    "No trials yet.": "아직 시행이 없습니다.",
    "{count} trials": "시행 {count}회",
    "Trials per learner": "학습기별 시행 수",
    "trials (count)": "시행 수",
}
