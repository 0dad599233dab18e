"""Korean for the charts of core.explain.charts (their ``tr`` templates: SHAP importance, beeswarm,
dependence, waterfall, two models side by side, tree gain and linear coefficients). Units and
``missing`` are shared with ko_explain (same Korean)."""

KO = {
    # units of SHAP values (core.explain.charts.UNIT_LABELS)
    "log-odds": "로그 오즈",
    "probability": "확률",
    "decision value": "결정 함수 값",
    "the target's units": "타깃 단위",
    # shared pieces
    "missing": "결측",
    "missing value": "결측값",
    "No rows explained yet.": "아직 설명한 행이 없습니다.",
    "a random sample of {n} of {total} rows (seed 0)": "{total}행 중 무작위 표본 {n}행 (시드 0)",
    "top {n} of {total} columns": "열 {total}개 중 상위 {n}개",
    "other {n} columns": "나머지 열 {n}개",
    "class {output}": "클래스 {output}",
    "row {row}": "{row}번 행",
    "SHAP value {value}": "SHAP 값 {value}",
    # importance
    "Feature importance (mean |SHAP value|)": "특성 중요도 (평균 |SHAP 값|)",
    "No importance to show: explain some rows first.": "보여 줄 중요도가 없습니다. 먼저 행을 설명하세요.",
    "mean |SHAP value|": "평균 |SHAP 값|",
    "mean |SHAP value| ({units})": "평균 |SHAP 값| ({units})",
    "mean |SHAP value| {value}": "평균 |SHAP 값| {value}",
    # beeswarm
    "SHAP values": "SHAP 값",
    "SHAP values for class {output}": "클래스 {output}에 대한 SHAP 값",
    "SHAP values for {output}": "{output}에 대한 SHAP 값",
    "Choose a class: a beeswarm shows the SHAP values of one class.":
        "클래스를 고르세요. 비스웜 그림은 한 클래스의 SHAP 값을 보여 줍니다.",
    "SHAP value ({units})": "SHAP 값 ({units})",
    "feature value": "특성 값",
    "low": "낮음",
    "high": "높음",
    "each point is a row; colour: the column's value, low to high within the column":
        "점 하나가 한 행입니다. 색: 그 열 안에서 값이 낮은지 높은지",
    # dependence
    "How {column} moves the prediction": "{column}이(가) 예측을 움직이는 방식",
    "SHAP value of {column} ({units})": "{column}의 SHAP 값 ({units})",
    "colour: {column}, the column that seems to interact most": "색: {column} (상호작용이 가장 강해 보이는 열)",
    "colour: {column}": "색: {column}",
    "no other column seems to interact with it": "상호작용하는 것으로 보이는 다른 열이 없습니다",
    "rows where {column} is missing, not shown: {n}": "{column}이(가) 결측이라 표시하지 않은 행: {n}개",
    # waterfall
    "Why this prediction": "이 예측의 이유",
    "Why row {row} gets its prediction": "{row}번 행이 이렇게 예측된 이유",
    "base value E[f(x)]": "기준값 E[f(x)]",
    "this row's output f(x)": "이 행의 출력 f(x)",
    "base value {value}": "기준값 {value}",
    "output {value}": "출력 {value}",
    "contribution {value}": "기여 {value}",
    "red raises the output, blue lowers it": "빨간색은 출력을 높이고 파란색은 낮춥니다",
    "model output ({units})": "모델 출력 ({units})",
    # two models
    "Feature importance of two models": "두 모델의 특성 중요도",
    "No importance to compare: explain both models first.": "비교할 중요도가 없습니다. 먼저 두 모델을 설명하세요.",
    "the models' values are in different units ({a}, {b}): compare the order, not the lengths":
        "두 모델의 값은 단위가 다릅니다 ({a}, {b}). 막대 길이가 아니라 순서를 비교하세요",
    # structure
    "Importance from the model's structure": "모델 구조에서 얻은 중요도",
    "This model's structure gives no importance (it has no trees or coefficients).":
        "이 모델의 구조에서는 중요도를 얻을 수 없습니다 (트리나 계수가 없습니다).",
    "Share of the trees' split gain per column": "열별 트리 분할 이득 비중",
    "Share of the impurity decrease per column": "열별 불순도 감소 비중",
    "share of the total": "전체 대비 비중",
    "{share} of the total": "전체의 {share}",
    "No importance to show.": "보여 줄 중요도가 없습니다.",
    "Coefficients of the linear model": "선형 모델의 계수",
    "coefficient (per standard deviation or category)": "계수 (표준편차 1 또는 범주 하나당)",
    "coefficient {value}": "계수 {value}",
    "top {n} of {total} parts": "항목 {total}개 중 상위 {n}개",
    "class": "클래스",
    # the notes core.explain.explainers writes on a Structure (core.explain.charts.STRUCTURE_NOTES)
    "Share of the total split gain of the trees that splits on each column made.":
        "각 열로 나눈 분할이 트리 전체 분할 이득에서 차지하는 비중입니다.",
    "Share of the impurity decrease over the forest's splits (computed on the training rows).":
        "포레스트의 분할에서 생긴 불순도 감소 중 각 열의 비중입니다 (학습 행으로 계산).",
    "Coefficients per standard deviation of a numeric column (the model standardises them), "
    "and per category for one-hot encoded columns; the column total sums their sizes.":
        "수치형 열은 표준편차 1당 계수(모델이 표준화함), 원-핫 인코딩한 열은 범주별 계수입니다. "
        "열 합계는 계수 크기의 합입니다.",
}
