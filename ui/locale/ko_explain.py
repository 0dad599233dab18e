"""Korean for the Explain page (app_pages/explain.py, ui/explain_view.py)."""

KO = {
    "Explain": "설명",
    "See which columns drive a model overall and for any single row, try a what-if, and write the model card.":
        "모델 전체와 각 행의 예측을 어떤 열이 이끄는지 보고, 가정 분석(what-if)을 해 보고, 모델 카드를 작성합니다.",
    "{project} has no models yet. Run an experiment: its best model can be explained here.":
        "{project}에 아직 모델이 없습니다. 실험을 실행하면 가장 좋은 모델을 여기서 설명할 수 있습니다.",
    "Global": "전체",
    "One row": "한 행",
    "What-if": "가정 분석",
    "Model card": "모델 카드",
    # choosing
    "Rows from": "설명할 행의 출처",
    "Rows to explain": "설명할 행 수",
    "100 rows": "100행",
    "200 rows": "200행",
    "1,000 rows": "1,000행",
    "2,000 rows": "2,000행",
    "5,000 rows": "5,000행",
    "10,000 rows": "10,000행",
    "every row": "모든 행",
    "Held-out rows of the experiment": "실험의 평가용(홀드아웃) 행",
    "Training rows of the experiment": "실험의 학습 행",
    "Its experiment": "이 모델의 실험",
    "Its figures on Compare": "비교 페이지의 이 모델 수치",
    "SHAP values of a multiclass model are per class: the push towards that class.":
        "다중 클래스 모델의 SHAP 값은 클래스마다 따로 있습니다: 그 클래스 쪽으로 미는 정도입니다.",
    # the explanation
    "This model is being explained in the background; the views appear when it is done.":
        "이 모델을 백그라운드에서 설명하는 중입니다. 끝나면 화면이 나타납니다.",
    "Explaining {n} rows takes a while, so it runs as a job: you can leave this page and come back.":
        "{n}행을 설명하는 데는 시간이 걸려 작업으로 실행합니다. 이 페이지를 떠났다가 돌아와도 됩니다.",
    "Explain {n} row": "{n}행 설명하기",
    "Explain {n} rows": "{n}행 설명하기",
    "Explaining {n} rows…": "{n}행을 설명하는 중…",
    "Explained **{n}** rows with {explainer}; SHAP values are in **{units}** and add up, from the base value {base}, "
    "to the model's output for each row.":
        "**{n}**행을 {explainer}(으)로 설명했습니다. SHAP 값의 단위는 **{units}**이며, 기준값 {base}에서 시작해 "
        "더하면 각 행에 대한 모델 출력이 됩니다.",
    "Positive values push towards {cls}.": "양수 값은 {cls} 쪽으로 밉니다.",
    "Stored {when}; asking for the same model, rows and settings reuses it.":
        "{when} 저장됨. 같은 모델·행·설정으로 다시 요청하면 저장된 결과를 재사용합니다.",
    "TreeExplainer (exact for trees)": "TreeExplainer (트리 모델에 정확)",
    "LinearExplainer (exact for linear models)": "LinearExplainer (선형 모델에 정확)",
    "PermutationExplainer (sampled background)": "PermutationExplainer (표본 배경 데이터)",
    "log-odds": "로그 오즈",
    "probability": "확률",
    "decision value": "결정 함수 값",
    "value": "값",
    # global
    "This kind of model ({learner}) has no importance of its own (such as tree gain or coefficients); the SHAP "
    "values are the way to read it.":
        "이 종류의 모델({learner})에는 트리 이득이나 계수 같은 자체 중요도가 없습니다. SHAP 값으로 해석하세요.",
    "Dependence of": "의존도를 볼 열",
    "Colour by": "색상 기준",
    "strongest interaction (found for you)": "상호작용이 가장 강한 열 (자동)",
    "no colour": "색상 없음",
    # local
    "Choose a row by": "행 고르는 방법",
    "Row number": "행 번호",
    "A column's value": "열 값으로 찾기",
    "Largest errors": "오차가 가장 큰 행",
    "Most confident": "가장 확신하는 행",
    "Row": "행",
    "Row {n}": "{n}번 행",
    "Value contains": "값에 포함된 글자",
    "Type part of a value, then press Enter": "값의 일부를 입력하고 Enter를 누르세요",
    "No explained row has {text} in {column}.": "설명한 행 중 {column}에 {text}이(가) 있는 행이 없습니다.",
    "Row {n} · {column} = {value}": "{n}번 행 · {column} = {value}",
    "Row {n} · actual {actual}, predicted {predicted} (error {score})":
        "{n}번 행 · 실제 {actual}, 예측 {predicted} (오차 {score})",
    "Row {n} · predicted {predicted} (confidence {score})": "{n}번 행 · 예측 {predicted} (확신도 {score})",
    "Rows found": "찾은 행",
    "Choose one of {n} rows": "{n}개 행 중 하나를 고르세요",
    "Row {row} is not among the explained rows; showing row {shown}.":
        "{row}번 행은 설명한 행에 없습니다. {shown}번 행을 보여 줍니다.",
    "predicted {label} (P = {p})": "예측 {label} (P = {p})",
    "predicted {value}": "예측값 {value}",
    "actual {value}": "실제 {value}",
    "(missing)": "(결측)",
    "missing": "결측",
    "SHAP value": "SHAP 값",
    # what-if
    "Change the values of row {n} and press **Predict**: the model predicts the edited row and explains it at once.":
        "{n}번 행의 값을 바꾸고 **예측**을 누르세요. 모델이 바뀐 행을 예측하고 바로 설명합니다.",
    "Columns in order of importance.": "중요도 순으로 나열한 열입니다.",
    "Predict": "예측",
    "Original: {prediction}": "원래: {prediction}",
    "**Changed:** {changes}": "**바꾼 값:** {changes}",
    "nothing changed": "바꾼 값 없음",
    "Original": "원래",
    "Original row {n}": "원래 {n}번 행",
    "Edited row": "바꾼 행",
    # compare
    "This project has one model; train another to compare what drives each.":
        "이 프로젝트에는 모델이 하나뿐입니다. 다른 모델을 학습하면 무엇이 각 모델을 이끄는지 비교할 수 있습니다.",
    "Compare with": "비교할 모델",
    "Explaining both models on the same rows…": "두 모델을 같은 행으로 설명하는 중…",
    "Both models explained on the same {n} rows; bars are mean |SHAP| in each model's own units ({a}; {b}), so "
    "compare the order more than the sizes.":
        "두 모델 모두 같은 {n}행으로 설명했습니다. 막대는 각 모델 고유 단위의 평균 |SHAP|({a}; {b})이므로 "
        "크기보다 순서를 비교하세요.",
    # model card
    "What only you can say about this model. Everything else on the card comes from the recorded lineage.":
        "이 모델에 대해 사람만 쓸 수 있는 내용입니다. 카드의 나머지는 모두 기록된 계보에서 채워집니다.",
    "Intended use": "사용 목적",
    "Out-of-scope uses": "사용 범위 밖의 용도",
    "Factors (groups, conditions the model may behave differently in)": "요인 (모델이 다르게 동작할 수 있는 집단과 조건)",
    "Ethical considerations": "윤리적 고려 사항",
    "Caveats and limitations": "주의 사항과 한계",
    "Recommendations": "권장 사항",
    "Owners and contact": "담당자와 연락처",
    "Save the card's fields": "카드 내용 저장",
    "Saved the model card's fields.": "모델 카드 내용을 저장했습니다.",
    "Download the model card (Markdown)": "모델 카드 내려받기 (Markdown)",
    "Download the model card (HTML)": "모델 카드 내려받기 (HTML)",
}
KO |= {
    # the activity feed
    "Model {name} of {parent} explained": "{parent}의 모델 {name} 설명됨",
    "Model card of {name} of {parent} edited": "{parent}의 모델 {name}의 모델 카드 수정됨",
    # Home's lifecycle step
    "See what drives the model overall and for single rows, and write its model card.":
        "모델 전체와 각 행의 예측을 무엇이 이끄는지 보고, 모델 카드를 작성합니다.",
    "{n} model explained": "설명한 모델 {n}개",
    "{n} models explained": "설명한 모델 {n}개",
    "{n} model card written": "작성한 모델 카드 {n}개",
    "{n} model cards written": "작성한 모델 카드 {n}개",
}
