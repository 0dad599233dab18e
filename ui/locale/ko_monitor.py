"""Korean for the Monitor page (app_pages/monitor.py, ui/monitor_view.py), its charts (core/monitor/charts.py
``tr`` templates), the Experiments form's retrain prefill, and what core/monitor writes in English: alert
reasons (kind ``ALERTS``), report, batch and feature notes (``NOTES``), errors and hints (``ERRORS``,
``HINTS``) and the ``drift`` job's title and progress (``PROGRESS``).

Patterns have the form of ``ko_errors``: ``(regex over the whole English text, Korean template, an
English example)``; named groups carry the data (column names, numbers) unchanged.
"""

from __future__ import annotations

import re

KO = {
    "The loop": "재학습 루프",
    "The loop back from this model": "이 모델에서 다시 돌아가는 루프",
    "Arrows run from what was used to what was made: the model, its batches and their drift reports, the batch data sent to labeling and published, the retraining data, and the experiments trained on it ({batches} batches, {tasks} label tasks, {experiments} experiments).":
        "화살표는 사용된 것에서 만들어진 것으로 이어집니다: 모델, 배치와 드리프트 보고서, 라벨링으로 보내 게시한 배치 데이터, 재학습 데이터, 그 데이터로 학습한 실험(배치 {batches}개, 라벨링 작업 {tasks}개, 실험 {experiments}개).",
    # the page
    "Monitor": "모니터링",
    "Check new data against what a model was trained on: see which features drifted and how much it matters, then "
    "label the batch and retrain.":
        "새 데이터를 모델의 학습 데이터와 비교하세요. 어떤 특성이 드리프트했고 얼마나 중요한지 보고, 배치에 레이블을 "
        "붙여 재학습하세요.",
    "{project} has no models yet. Run an experiment: its models can be monitored here.":
        "{project}에 아직 모델이 없습니다. 실험을 실행하면 그 모델을 여기서 모니터링할 수 있습니다.",
    "No batch yet. Add a file of new rows (or a served model's prediction log) above: it is compared with the "
    "model's training data.":
        "아직 배치가 없습니다. 위에서 새 행이 담긴 파일(또는 서빙 중인 모델의 예측 로그)을 추가하면 모델의 학습 "
        "데이터와 비교합니다.",
    # thresholds
    "A batch alerts when at least {share} of the features drift, or when {metric} gets worse by more than {drop} "
    "compared with the held-out rows.":
        "특성의 {share} 이상이 드리프트하거나 {metric}이(가) 홀드아웃 행보다 {drop} 넘게 나빠지면 배치에 경보가 "
        "울립니다.",
    "Alert thresholds": "경보 기준",
    "Share of features that must drift": "드리프트해야 하는 특성 비율",
    "Half (50%) is Evidently's default: a batch alerts when half of its features drift.":
        "Evidently의 기본값은 절반(50%)입니다. 특성의 절반이 드리프트하면 배치에 경보가 울립니다.",
    "Largest allowed drop of {metric}": "{metric}의 최대 허용 하락폭",
    "In the metric's own units, compared with the held-out rows (for a loss, a rise). Only batches with the target "
    "column are scored.":
        "지표 자체의 단위로, 홀드아웃 행과 비교합니다(손실 지표라면 상승폭). 타깃 열이 있는 배치만 채점합니다.",
    "Stored reports keep the thresholds they were computed with; check a batch again to apply new ones.":
        "저장된 보고서는 계산할 때의 기준을 그대로 유지합니다. 새 기준을 적용하려면 배치를 다시 점검하세요.",
    "Save the thresholds": "기준 저장",
    "Saved the alert thresholds.": "경보 기준을 저장했습니다.",
    # adding a batch
    "Add a batch": "배치 추가",
    "A data file": "데이터 파일",
    "A prediction log": "예측 로그",
    "Batch name": "배치 이름",
    "Rows with the model's input columns, in any format the Data step reads. With the target column too, the "
    "model's metrics on the batch are compared with the held-out rows'.":
        "모델의 입력 열이 있는 행입니다. 데이터 단계에서 읽는 어떤 형식이든 됩니다. 타깃 열도 있으면 배치에서의 모델 "
        "지표를 홀드아웃 행의 지표와 비교합니다.",
    "Add the batch": "배치 추가",
    "Adding {file}…": "{file} 추가 중…",
    "Added the batch {name} ({n} rows).": "배치 {name}을(를) 추가했습니다({n}행).",
    "A served model writes each request's rows and predictions as JSON Lines when its server runs with "
    "MLCYCLE_LOG_DIR set (files requests-YYYY-MM-DD.jsonl). A cut-short last line is skipped.":
        "서버를 MLCYCLE_LOG_DIR을 설정해 실행하면 서빙 중인 모델이 요청마다 행과 예측을 JSON Lines로 기록합니다"
        "(requests-YYYY-MM-DD.jsonl 파일). 중간에 끊긴 마지막 줄은 건너뜁니다.",
    "Prediction log files": "예측 로그 파일",
    "Or a log file or folder on this machine": "또는 이 컴퓨터의 로그 파일이나 폴더",
    "e.g. /srv/mlcycle/logs": "예: /srv/mlcycle/logs",
    "The folder the server's MLCYCLE_LOG_DIR points at, or one .jsonl file.":
        "서버의 MLCYCLE_LOG_DIR이 가리키는 폴더, 또는 .jsonl 파일 하나입니다.",
    "Import the log": "로그 가져오기",
    "Choose log files or give a folder first.": "먼저 로그 파일을 고르거나 폴더를 입력하세요.",
    "Importing the prediction log…": "예측 로그 가져오는 중…",
    # choosing a batch
    "Batch": "배치",
    "Newest first; each is compared with the model's training rows.":
        "최신 순입니다. 각 배치를 모델의 학습 행과 비교합니다.",
    "alert": "경보",
    "uploaded file": "업로드한 파일",
    "prediction log": "예측 로그",
    "with the target column": "타깃 열 있음",
    "without the target column": "타깃 열 없음",
    # the report
    "Checking {batch} for drift…": "{batch}의 드리프트 점검 중…",
    "Could not check {batch} for drift": "{batch}의 드리프트를 점검하지 못했습니다",
    "Checked in {time}": "{time} 만에 점검했습니다",
    "The batch {batch} is being checked in the background; the report appears here when it is done.":
        "배치 {batch}을(를) 백그라운드에서 점검하고 있습니다. 끝나면 여기에 보고서가 나타납니다.",
    "{rows} rows is a lot to check while you wait, so it runs as a job: you can leave this page and come back.":
        "{rows}행은 기다리며 점검하기에는 많아서 작업으로 실행합니다. 이 페이지를 떠났다가 돌아와도 됩니다.",
    "Check for drift in the background": "백그라운드에서 드리프트 점검",
    "Checked {when} against {n} training rows, with the thresholds then: {share} of the features, a metric drop of "
    "{drop}.":
        "{when} 학습 행 {n}개와 비교해 점검했습니다. 당시 기준: 특성의 {share}, 지표 하락폭 {drop}.",
    "Check again": "다시 점검",
    "**This batch alerts.**": "**이 배치에 경보가 울렸습니다.**",
    "No feature could be tested: the batch has none of the model's input columns with values.":
        "검정할 수 있는 특성이 없습니다. 배치에 값이 있는 모델 입력 열이 하나도 없습니다.",
    "No alert: {n} of {total} features drifted ({share}), under the alert threshold of {threshold}.":
        "경보 없음: 특성 {total}개 중 {n}개가 드리프트했습니다({share}). 경보 기준 {threshold}보다 낮습니다.",
    "Features drifted": "드리프트한 특성",
    "{n} of {total}": "{total}개 중 {n}개",
    "{share} of the tested features": "검정한 특성의 {share}",
    "Prediction drift": "예측 드리프트",
    "drifted": "드리프트",
    "stable": "안정",
    "The model could not predict this batch (see the notes).": "모델이 이 배치를 예측하지 못했습니다(참고 사항 참조).",
    "the logged predictions": "로그에 기록된 예측",
    "the model's predictions on the batch": "배치에 대한 모델의 예측",
    "{where} against its predictions on the held-out rows: {test}, {statistic}; PSI {psi}.":
        "{where}과(와) 홀드아웃 행에 대한 예측 비교: {test}, {statistic}, PSI {psi}.",
    "Rows in the batch": "배치의 행",
    "The training data had {n} rows.": "학습 데이터는 {n}행이었습니다.",
    "On the held-out rows: {value}.": "홀드아웃 행에서: {value}.",
    "The batch has no {target} values, so the model cannot be scored on it.":
        "배치에 {target} 값이 없어 모델을 채점할 수 없습니다.",
    "**Missing columns** (not tested; drift is computed on the rest): {columns}":
        "**빠진 열** (검정하지 않음, 나머지 열로 드리프트를 계산): {columns}",
    "**Extra columns** (the model does not use them; ignored): {columns}":
        "**추가 열** (모델이 쓰지 않아 무시함): {columns}",
    "**Wrong types** in {column}: {reason}": "{column}의 **잘못된 유형**: {reason}",
    "**Missing values changed** (training → batch): {items}": "**결측값 변화** (학습 → 배치): {items}",
    "**New categories** in {column}: {values} ({share} of the batch's values)":
        "{column}의 **새 범주**: {values} (배치 값의 {share})",
    "**The model on this batch** ({n} rows with {target}) and on its held-out rows ({m} rows):":
        "**이 배치에서의 모델 성능** ({target} 값이 있는 {n}행)과 홀드아웃 행({m}행)에서의 성능:",
    "Held-out rows": "홀드아웃 행",
    "This batch": "이 배치",
    # features
    "Which features drifted": "드리프트한 특성",
    "PSI {psi}": "PSI 지수 {psi}",
    "mean {before} → {after}": "평균 {before} → {after}",
    "p = {p} (drift below {threshold})": "p = {p} ({threshold} 미만이면 드리프트)",
    "{value} (drift from {threshold})": "{value} ({threshold} 이상이면 드리프트)",
    "not tested": "검정 안 함",
    "no test": "검정 없음",
    "No feature drifted.": "드리프트한 특성이 없습니다.",
    "{n} more drifted features are in the table below.": "드리프트한 특성 {n}개가 더 아래 표에 있습니다.",
    "Stable ({n}): {columns}.": "안정({n}개): {columns}.",
    "Each feature gets the test Evidently picks by default: for up to 1,000 training rows Kolmogorov-Smirnov "
    "(numbers), chi-squared (categories) or a Z-test (two values), drifting when p < 0.05; above that the normed "
    "Wasserstein distance (numbers) or the Jensen-Shannon distance (categories), drifting from 0.1. PSI (population "
    "stability index) is given for every feature; from 0.1 it marks a shift, from 0.25 a large one.":
        "각 특성에는 Evidently가 기본으로 고르는 검정을 씁니다. 학습 행이 1,000개 이하이면 콜모고로프-스미르노프"
        "(숫자), 카이제곱(범주), Z-검정(값 두 개)을 쓰고 p < 0.05이면 드리프트입니다. 그보다 많으면 정규화 "
        "바서슈타인 거리(숫자)나 젠슨-섀넌 거리(범주)를 쓰고 0.1 이상이면 드리프트입니다. PSI(모집단 안정성 "
        "지수)는 모든 특성에 대해 구하며, 0.1 이상은 변화, 0.25 이상은 큰 변화를 뜻합니다.",
    "All {n} features as a table": "특성 {n}개 전체를 표로 보기",
    "Drifted": "드리프트",
    "Test": "검정",
    "Statistic": "통계량",
    "PSI": "PSI 지수",
    "Missing (training → batch)": "결측 (학습 → 배치)",
    "New categories": "새 범주",
    "Notes": "참고",
    "binary": "이진",
    # charts on the page
    "Drift by feature": "특성별 드리프트",
    "Distributions": "분포",
    "Drift and importance": "드리프트와 중요도",
    "A drift score puts every test on one scale: 1 is the test's threshold, more is more drift (for a p-value, how "
    "many times smaller than the threshold on a log scale). Bars are red from the threshold.":
        "드리프트 점수는 모든 검정을 한 척도로 나타냅니다. 1이 검정의 기준이고 클수록 드리프트가 큽니다(p-값은 "
        "기준보다 몇 배 작은지를 로그 척도로). 기준 이상인 막대는 빨간색입니다.",
    "the model's predictions": "모델의 예측",
    "No feature was tested.": "검정한 특성이 없습니다.",
    "Features in the order of the list above: the most drifted first.":
        "위 목록과 같은 순서입니다. 가장 많이 드리프트한 특성이 먼저 나옵니다.",
    "The training rows or the batch lack {column}.": "학습 행이나 배치에 {column} 열이 없습니다.",
    "This model has no explanation yet. Explain it on the Explain page: then this chart shows which drifted features "
    "the model relies on, the drift that matters most.":
        "이 모델에는 아직 설명이 없습니다. 설명 페이지에서 모델을 설명하면 이 차트가 모델이 의존하는 드리프트한 "
        "특성, 즉 가장 중요한 드리프트를 보여 줍니다.",
    "Explain this model": "이 모델 설명하기",
    "The model relies on these drifted features more than on the average one: {columns}. Its predictions are likely "
    "to change.":
        "모델이 다음 드리프트한 특성에 평균보다 많이 의존합니다: {columns}. 예측이 달라질 가능성이 큽니다.",
    "Importance is the mean |SHAP| of each column in the model's explanation of {n} rows, stored {when}.":
        "중요도는 {when} 저장된, {n}행에 대한 모델 설명에서 각 열의 평균 |SHAP|입니다.",
    "{n} batches checked so far.": "지금까지 배치 {n}개를 점검했습니다.",
    # the loop
    "Close the loop": "순환 완성하기",
    "Label the batch's rows (the most unusual first), then retrain on the training rows plus the labeled ones with "
    "the same settings.":
        "배치의 행에 레이블을 붙인 뒤(가장 특이한 행부터), 학습 행과 레이블이 붙은 행으로 같은 설정으로 재학습하세요.",
    "**1. Label the batch**": "**1. 배치에 레이블 붙이기**",
    "**2. Retrain**": "**2. 재학습**",
    "Sent to labeling as the task {task}.": "레이블링으로 보냈습니다. 작업: {task}",
    "Label its rows": "행에 레이블 붙이기",
    "Labels published {when}: {n} labeled rows.": "{when} 레이블 게시: 레이블이 붙은 행 {n}개.",
    "No labels published yet: label the rows, then publish them on the Label page.":
        "아직 게시한 레이블이 없습니다. 레이블 페이지에서 행에 레이블을 붙인 뒤 게시하세요.",
    "This model predicts a number: a label task chooses among classes. Add the batch again with the true {target} "
    "values to retrain on it.":
        "이 모델은 숫자를 예측합니다. 레이블 작업은 클래스 중에서 고르는 작업입니다. 실제 {target} 값을 넣어 배치를 "
        "다시 추가하면 그 배치로 재학습할 수 있습니다.",
    "Send to labeling": "레이블링으로 보내기",
    "Makes a label task of the batch's rows, the most unusual first (on the drifted features), with the model's "
    "classes.":
        "배치의 행으로 레이블 작업을 만듭니다. 드리프트한 특성 기준으로 가장 특이한 행이 먼저 오고, 클래스는 모델의 "
        "클래스를 씁니다.",
    "Made the label task {task}.": "레이블 작업 {task}을(를) 만들었습니다.",
    "This batch has the true {target} values already: it can be used to retrain directly.":
        "이 배치에는 이미 실제 {target} 값이 있어 바로 재학습에 쓸 수 있습니다.",
    "Make the training data": "학습 데이터 만들기",
    "The model's training rows plus the batch's labeled rows, as a new version of the training data.":
        "모델의 학습 행에 배치의 레이블이 붙은 행을 더해 학습 데이터의 새 버전으로 만듭니다.",
    "Made {version} for retraining.": "재학습용으로 {version}을(를) 만들었습니다.",
    "Available once the batch's labels are published (or for a batch with the target).":
        "배치의 레이블을 게시하면(또는 타깃이 있는 배치라면) 쓸 수 있습니다.",
    "Training data for retraining: {version} ({n} rows: {train} training rows + {labeled} labeled rows).":
        "재학습용 학습 데이터: {version} ({n}행: 학습 행 {train}개 + 레이블이 붙은 행 {labeled}개).",
    "Run the experiment again on it": "이 데이터로 실험 다시 실행",
    # the Experiments form, prefilled for a retrain
    "Prefilled from experiment {name}: the same settings on the new data. The new experiment records that it "
    "retrains it.":
        "실험 {name}의 설정으로 미리 채웠습니다. 같은 설정을 새 데이터에 씁니다. 새 실험에는 이 실험을 재학습한 "
        "것으로 기록됩니다.",
    "The link asked to retrain experiment {id}, which is not in this workspace.":
        "링크가 재학습하라고 한 실험 {id}이(가) 이 작업 공간에 없습니다.",
    # charts (core/monitor/charts.py)
    "{column}: training data and batch": "{column}: 학습 데이터와 배치",
    "missing: {ref} of training rows, {cur} of batch rows": "결측: 학습 행의 {ref}, 배치 행의 {cur}",
    "Neither sample has a numeric value in this column.": "두 표본 모두 이 열에 숫자 값이 없습니다.",
    "Neither sample has a value in this column.": "두 표본 모두 이 열에 값이 없습니다.",
    "training data": "학습 데이터",
    "batch": "배치",
    "{share} of rows ({count})": "행의 {share}({count}개)",
    "{share} of rows": "행의 {share}",
    "mean": "평균",
    "each bar: the share of the sample's rows with a value in that range":
        "각 막대: 그 범위의 값을 가진 행이 표본에서 차지하는 비율",
    "values beyond the range are counted in the end bars": "범위 밖의 값은 양 끝 막대에 셉니다",
    "each bar: the share of the sample's rows with that value": "각 막대: 그 값을 가진 행이 표본에서 차지하는 비율",
    "red: a value the training data never had": "빨간색: 학습 데이터에 없던 값",
    "the {n} most frequent values of {total}": "값 {total}개 중 가장 흔한 {n}개",
    "The model's predictions: held-out rows and batch": "모델의 예측: 홀드아웃 행과 배치",
    "The report has no predictions to show.": "보고서에 보여 줄 예측이 없습니다.",
    "batch: the predictions the server logged": "배치: 서버가 기록한 예측",
    "held-out rows": "홀드아웃 행",
    "prediction": "예측",
    "The report has no feature to show.": "보고서에 보여 줄 특성이 없습니다.",
    "drift score {score}": "드리프트 점수 {score}",
    "PSI threshold {value}": "PSI 기준 {value}",
    "threshold": "기준",
    "red: drifted": "빨간색: 드리프트",
    "{n} of {total} features drifted": "특성 {total}개 중 {n}개 드리프트",
    "the {n} most drifted features shown": "가장 많이 드리프트한 특성 {n}개 표시",
    "drift score (1 = the test’s threshold)": "드리프트 점수 (1 = 검정의 기준)",
    "no statistic": "통계량 없음",
    "No explanation of this model yet: explain it on the Explain page to see which drift matters.":
        "이 모델에는 아직 설명이 없습니다. 설명 페이지에서 설명하면 어떤 드리프트가 중요한지 볼 수 있습니다.",
    "No feature of the report is in the model's explanation.": "보고서의 어떤 특성도 모델 설명에 없습니다.",
    "{share} of the model's importance": "모델 중요도의 {share}",
    "dashed: the drift threshold and the average importance ({share})": "점선: 드리프트 기준과 평균 중요도({share})",
    "share of the model's importance (mean |SHAP|)": "모델 중요도에서 차지하는 비율 (평균 |SHAP|)",
    "important and drifted": "중요하고 드리프트함",
    "drifted, less important": "드리프트했지만 덜 중요함",
    "important, stable": "중요하지만 안정",
    "stable, less important": "안정이고 덜 중요함",
    "Drift and the model's metric over the batches": "배치별 드리프트와 모델 지표",
    "No batch has a report yet.": "아직 보고서가 있는 배치가 없습니다.",
    "share of features drifted": "드리프트한 특성 비율",
    "{share} of features drifted": "특성의 {share} 드리프트",
    "red bars: batches that alert": "빨간 막대: 경보가 울린 배치",
    "dotted: the alert threshold ({share} of features)": "점선: 경보 기준(특성의 {share})",
    "{metric} on the batch": "배치에서의 {metric}",
    "{metric} on the held-out rows": "홀드아웃 행에서의 {metric}",
    "{metric}: the alert threshold": "{metric}: 경보 기준",
    "no batch has the target, so there is no metric to draw": "타깃이 있는 배치가 없어 그릴 지표가 없습니다",
    "Kolmogorov-Smirnov": "콜모고로프-스미르노프",
    "chi-squared": "카이제곱",
    "Z-test of two proportions": "두 비율의 Z-검정",
    "Wasserstein distance (normed)": "바서슈타인 거리(정규화)",
    "Jensen-Shannon distance": "젠슨-섀넌 거리",
}

# ---------------------------------------------------------------- core/monitor's sentences

_LIST = r"(?P<columns>.+?)"
_MORE = r" and (?P<more>\d+) more"
_MODEL = "mdl_5f0c1a9e2b7d"

ALERTS: list[tuple[str, str, str]] = [
    (r"(?P<n>\d+) of (?P<total>\d+) features drifted \((?P<share>\d+%)\), at or above the alert threshold of "
     r"(?P<threshold>\d+%): " + _LIST + _MORE + r"\.",
     "특성 {total}개 중 {n}개가 드리프트했습니다({share}). 경보 기준 {threshold} 이상입니다: {columns} 외 {more}개.",
     "9 of 10 features drifted (90%), at or above the alert threshold of 50%: a, b, c, d, e, f, g, h and 1 more."),
    (r"(?P<n>\d+) of (?P<total>\d+) features drifted \((?P<share>\d+%)\), at or above the alert threshold of "
     r"(?P<threshold>\d+%): " + _LIST + r"\.",
     "특성 {total}개 중 {n}개가 드리프트했습니다({share}). 경보 기준 {threshold} 이상입니다: {columns}.",
     "2 of 3 features drifted (67%), at or above the alert threshold of 50%: x1, plan."),
    (r"(?P<metric>\S+) went from (?P<holdout>\S+) on the held-out rows to (?P<batch>\S+) on this batch: "
     r"(?P<change>\S+) worse, more than the allowed (?P<threshold>\S+)\.",
     "{metric}이(가) 홀드아웃 행의 {holdout}에서 이 배치의 {batch}(으)로 {change}만큼 나빠졌습니다. 허용치 "
     "{threshold}보다 큽니다.",
     "roc_auc went from 0.8612 on the held-out rows to 0.7012 on this batch: 0.16 worse, more than the allowed 0.05."),
]

# one or two sentences of core.monitor.drift about values it could not read as the training data's type
_SIDES = {"reference": "학습 데이터", "current": "현재 데이터"}
_WHATS = {"numbers": "숫자", "dates": "날짜"}


def _bad(i: int, where: str, what: str) -> tuple[str, str, str]:
    pattern = (rf"(?P<n{i}>[\d,]+) of (?P<t{i}>[\d,]+) values in the {where} data are not {what} "
               rf"\(e\.g\. '(?P<x{i}>.*?)'\); they count as missing\.")
    korean = f"{_SIDES[where]}의 값 {{t{i}}}개 중 {{n{i}}}개가 {_WHATS[what]}가 아닙니다(예: '{{x{i}}}'). 결측으로 셉니다."
    example = f"3 of 600 values in the {where} data are not {what} (e.g. 'n/a'); they count as missing."
    return pattern, korean, example


def _bad_both(what: str) -> tuple[str, str, str]:
    """Both sides' sentences, as core.monitor.drift joins them (the reference's first)."""
    ref, cur = _bad(1, "reference", what), _bad(2, "current", what)
    return ref[0] + " " + cur[0], ref[1] + " " + cur[1], ref[2] + " " + cur[2]


_BAD = [*(_bad_both(x) for x in _WHATS), *(_bad(1, w, x) for w in _SIDES for x in _WHATS)]

NOTES: list[tuple[str, str, str]] = [
    # report notes (core.monitor.service.MESSAGES)
    (r"The batch lacks these input columns of the model: " + _LIST + _MORE + r"\. Drift is computed on the other "
     r"columns\.",
     "배치에 모델의 다음 입력 열이 없습니다: {columns} 외 {more}개. 나머지 열로 드리프트를 계산합니다.",
     "The batch lacks these input columns of the model: a, b, c, d, e, f, g, h and 2 more. Drift is computed on the "
     "other columns."),
    (r"The batch lacks these input columns of the model: " + _LIST + r"\. Drift is computed on the other columns\.",
     "배치에 모델의 다음 입력 열이 없습니다: {columns}. 나머지 열로 드리프트를 계산합니다.",
     "The batch lacks these input columns of the model: tenure. Drift is computed on the other columns."),
    (r"The model does not use these columns of the batch, so they were ignored: " + _LIST + _MORE + r"\.",
     "모델이 쓰지 않는 배치의 열이라 무시했습니다: {columns} 외 {more}개.",
     "The model does not use these columns of the batch, so they were ignored: a, b, c, d, e, f, g, h and 4 more."),
    (r"The model does not use these columns of the batch, so they were ignored: " + _LIST + r"\.",
     "모델이 쓰지 않는 배치의 열이라 무시했습니다: {columns}.",
     "The model does not use these columns of the batch, so they were ignored: region, note."),
    # (the same notes as core.monitor.service wrote them before: older reports keep them)
    (r"The batch lacks (?P<n>\d+) of the model's input columns: " + _LIST + _MORE + r"\. Drift is computed on the "
     r"other columns\.",
     "배치에 모델 입력 열 {n}개가 없습니다: {columns} 외 {more}개. 나머지 열로 드리프트를 계산합니다.",
     "The batch lacks 10 of the model's input columns: a, b, c, d, e, f, g, h and 2 more. Drift is computed on the "
     "other columns."),
    (r"The batch lacks (?P<n>\d+) of the model's input columns: " + _LIST + r"\. Drift is computed on the other "
     r"columns\.",
     "배치에 모델 입력 열 {n}개가 없습니다: {columns}. 나머지 열로 드리프트를 계산합니다.",
     "The batch lacks 1 of the model's input columns: tenure. Drift is computed on the other columns."),
    (r"(?P<n>\d+) columns? the model does not use (?:were|was) ignored: " + _LIST + _MORE + r"\.",
     "모델이 쓰지 않는 열 {n}개를 무시했습니다: {columns} 외 {more}개.",
     "12 columns the model does not use were ignored: a, b, c, d, e, f, g, h and 4 more."),
    (r"(?P<n>\d+) columns? the model does not use (?:were|was) ignored: " + _LIST + r"\.",
     "모델이 쓰지 않는 열 {n}개를 무시했습니다: {columns}.",
     "2 columns the model does not use were ignored: region, note."),
    (r"(?P<n>[\d,]+) rows? of the batch (?:have|has) a value of '(?P<target>.+)' the model never saw; (?:they are|it "
     r"is) left out of the metrics\.",
     "배치의 {n}행은 '{target}' 값이 모델이 본 적 없는 값이라 지표에서 뺐습니다.",
     "3 rows of the batch have a value of 'churned' the model never saw; they are left out of the metrics."),
    (r"(?P<n>[\d,]+) requests? of other models \((?P<models>.+)\) (?:were|was) left out\.",
     "다른 모델의 요청 {n}개({models})를 뺐습니다.",
     f"4 requests of other models ({_MODEL}) were left out."),
    (r"Imported (?P<requests>[\d,]+) requests? \((?P<rows>[\d,]+) rows?\) from (?P<n>\d+) files in (?P<folder>.+)\.",
     "{folder}의 파일 {n}개에서 요청 {requests}개({rows}행)를 가져왔습니다.",
     "Imported 40 requests (55 rows) from 2 files in logs."),
    (r"Imported (?P<requests>[\d,]+) requests? \((?P<rows>[\d,]+) rows?\) from (?P<file>.+)\.",
     "{file}에서 요청 {requests}개({rows}행)를 가져왔습니다.",
     "Imported 40 requests (55 rows) from requests-2026-12-01.jsonl."),
    *[(r"Column '(?P<column>.+?)': " + p, "'{column}' 열: " + k, "Column 'age': " + x) for p, k, x in _BAD],
    *_BAD,
    (r"The model needs every input column to predict, so prediction drift and the metrics are not computed\.",
     "모델이 예측하려면 모든 입력 열이 필요하므로 예측 드리프트와 지표를 계산하지 않습니다.",
     "The model needs every input column to predict, so prediction drift and the metrics are not computed."),
    (r"The model could not predict the batch \((?P<reason>.+)\), so prediction drift and the metrics are not "
     r"computed\.",
     "모델이 배치를 예측하지 못해({reason}) 예측 드리프트와 지표를 계산하지 않습니다.",
     "The model could not predict the batch (Column 'age' has text), so prediction drift and the metrics are not "
     "computed."),
    (r"Prediction drift compares the predictions the server logged with the model's predictions on the held-out "
     r"rows\.",
     "예측 드리프트는 서버가 기록한 예측을 홀드아웃 행에 대한 모델의 예측과 비교합니다.",
     "Prediction drift compares the predictions the server logged with the model's predictions on the held-out rows."),
    (r"Rows of the batch whose '(?P<target>.+)' the model never saw are left out of the metrics: (?P<n>[\d,]+)\.",
     "'{target}' 값이 모델이 본 적 없는 값인 배치 행은 지표에서 뺐습니다: {n}행.",
     "Rows of the batch whose 'churned' the model never saw are left out of the metrics: 3."),
    (r"No row of the batch has a value of '(?P<target>.+)' the model knows, so no metrics are computed\.",
     "배치의 어떤 행에도 모델이 아는 '{target}' 값이 없어 지표를 계산하지 않습니다.",
     "No row of the batch has a value of 'churned' the model knows, so no metrics are computed."),
    (r"(?P<metric>\S+) cannot be computed on this batch; (?P<other>\S+) is compared instead\.",
     "이 배치에서는 {metric}을(를) 계산할 수 없어 {other}을(를) 대신 비교합니다.",
     "roc_auc cannot be computed on this batch; accuracy is compared instead."),
    (r"The batch has a '(?P<target>.+)' column but no values in it, so no metrics are computed\.",
     "배치에 '{target}' 열은 있지만 값이 없어 지표를 계산하지 않습니다.",
     "The batch has a 'churned' column but no values in it, so no metrics are computed."),
    # batch notes (prediction logs)
    (r"The last line of (?P<file>.+) \(line (?P<line>\d+)\) is cut short or not valid JSON; it was skipped \(the "
     r"server may have been writing it\)\.",
     "{file}의 마지막 줄({line}번째 줄)이 중간에 끊겼거나 올바른 JSON이 아니라 건너뛰었습니다(서버가 쓰는 중이었을 "
     "수 있습니다).",
     "The last line of requests-2026-12-01.jsonl (line 41) is cut short or not valid JSON; it was skipped (the server "
     "may have been writing it)."),
    (r"Requests of other models were left out: (?P<n>[\d,]+) \((?P<models>.+)\)\.",
     "다른 모델의 요청을 뺐습니다: {n}개({models}).",
     f"Requests of other models were left out: 4 ({_MODEL})."),
    (r"Requests imported from (?P<n>\d+) files in (?P<folder>.+): (?P<requests>[\d,]+); rows: (?P<rows>[\d,]+)\.",
     "{folder}의 파일 {n}개에서 가져온 요청: {requests}개, 행: {rows}개.",
     "Requests imported from 2 files in logs: 40; rows: 55."),
    (r"Requests imported from (?P<file>.+): (?P<requests>[\d,]+); rows: (?P<rows>[\d,]+)\.",
     "{file}에서 가져온 요청: {requests}개, 행: {rows}개.",
     "Requests imported from requests-2026-12-01.jsonl: 40; rows: 55."),
    (r"This batch was added before as '(?P<name>.+)'; that batch is used\.",
     "이 배치는 전에 '{name}'(으)로 추가되었습니다. 그 배치를 씁니다.",
     "This batch was added before as 'april'; that batch is used."),
    # feature notes (core.monitor.drift)
    (r"The reference's standard deviation is below 0\.001 \(it holds about one value\), so the Wasserstein distance "
     r"is divided by 0\.001 instead\.",
     "학습 데이터의 표준편차가 0.001보다 작아(거의 한 값만 있음) 바서슈타인 거리를 0.001로 나눴습니다.",
     "The reference's standard deviation is below 0.001 (it holds about one value), so the Wasserstein distance is "
     "divided by 0.001 instead."),
    (r"All values are missing on both sides; there is nothing to compare\.",
     "양쪽 모두 모든 값이 결측이라 비교할 것이 없습니다.",
     "All values are missing on both sides; there is nothing to compare."),
    (r"All values are missing in the current data, so no test could run\.",
     "현재 데이터의 모든 값이 결측이라 검정할 수 없었습니다.",
     "All values are missing in the current data, so no test could run."),
    (r"All values are missing in the reference data, so no test could run\.",
     "학습 데이터의 모든 값이 결측이라 검정할 수 없었습니다.",
     "All values are missing in the reference data, so no test could run."),
    (r"Only (?P<n>[\d,]+) current values: at this size a distance of (?P<x>\S+) can arise by chance\.",
     "현재 값이 {n}개뿐입니다. 이 크기에서는 거리 {x}이(가) 우연히 나올 수 있습니다.",
     "Only 12 current values: at this size a distance of 0.1 can arise by chance."),
]

ERRORS: list[tuple[str, str, str]] = [
    (r"Experiment '(?P<e>.+)' of model (?P<m>\S+) has no recorded training and held-out split, so there is nothing "
     r"to compare a batch with\.",
     "모델 {m}의 실험 '{e}'에 기록된 학습/홀드아웃 분할이 없어 배치와 비교할 대상이 없습니다.",
     f"Experiment 'churned on churn' of model {_MODEL} has no recorded training and held-out split, so there is "
     "nothing to compare a batch with."),
    (r"The drift share must be a number above 0 and at most 1, not '(?P<x>.*)'\.",
     "드리프트 비율은 0보다 크고 1 이하인 숫자여야 합니다('{x}'은(는) 안 됩니다).",
     "The drift share must be a number above 0 and at most 1, not '1.5'."),
    (r"The drift share must be above 0 and at most 1, not (?P<x>.*)\.",
     "드리프트 비율은 0보다 크고 1 이하여야 합니다({x}은(는) 안 됩니다).",
     "The drift share must be above 0 and at most 1, not 2."),
    (r"The metric drop must be a number of 0 or more, not '(?P<x>.*)'\.",
     "지표 하락폭은 0 이상인 숫자여야 합니다('{x}'은(는) 안 됩니다).",
     "The metric drop must be a number of 0 or more, not '-1'."),
    (r"There is no monitored batch '(?P<x>.+)'\.", "모니터링 중인 배치 '{x}'이(가) 없습니다.",
     "There is no monitored batch 'mbt_5f0c1a9e2b7d'."),
    (r"The batch '(?P<b>.+)' has no rows\.", "배치 '{b}'에 행이 없습니다.", "The batch 'april' has no rows."),
    (r"The batch '(?P<b>.+)' has none of the model's input columns \((?P<inputs>.+)\); its columns are "
     r"(?P<columns>.+)\.",
     "배치 '{b}'에 모델의 입력 열({inputs})이 하나도 없습니다. 배치의 열: {columns}.",
     "The batch 'april' has none of the model's input columns (x1, x2, plan); its columns are a, b."),
    (r"The batch '(?P<b>.+)' has none of the model's input columns \((?P<inputs>.+)\)\.",
     "배치 '{b}'에 모델의 입력 열({inputs})이 하나도 없습니다.",
     "The batch 'april' has none of the model's input columns (x1, x2, plan)."),
    (r"The folder '(?P<p>.+)' has no prediction log \(requests-YYYY-MM-DD\.jsonl files\)\.",
     "폴더 '{p}'에 예측 로그(requests-YYYY-MM-DD.jsonl 파일)가 없습니다.",
     "The folder '/srv/logs' has no prediction log (requests-YYYY-MM-DD.jsonl files)."),
    (r"The prediction log '(?P<p>.+)' does not exist\.", "예측 로그 '{p}'이(가) 없습니다.",
     "The prediction log '/srv/logs/requests.jsonl' does not exist."),
    (r"The prediction log '(?P<p>.+)' is not UTF-8 text\.", "예측 로그 '{p}'이(가) UTF-8 텍스트가 아닙니다.",
     "The prediction log 'requests-2026-12-01.jsonl' is not UTF-8 text."),
    (r"Line (?P<n>\d+) of (?P<f>.+) is not a request record: (?P<why>.+)\.",
     "{f}의 {n}번째 줄이 요청 기록이 아닙니다: {why}.",
     "Line 3 of requests-2026-12-01.jsonl is not a request record: not valid JSON (Expecting value at character 1)."),
    (r"The prediction log \((?P<where>.+)\) has no request of model (?P<m>\S+); it has requests of (?P<o>.+)\.",
     "예측 로그({where})에 모델 {m}의 요청이 없습니다. 다음 모델의 요청이 있습니다: {o}.",
     f"The prediction log (requests-2026-12-01.jsonl) has no request of model {_MODEL}; it has requests of "
     "mdl_0a1b2c3d4e5f."),
    (r"The prediction log \((?P<where>.+)\) has no request of model (?P<m>\S+)\.",
     "예측 로그({where})에 모델 {m}의 요청이 없습니다.",
     f"The prediction log (requests-2026-12-01.jsonl) has no request of model {_MODEL}."),
    (r"There is no drift report '(?P<x>.+)'\.", "드리프트 보고서 '{x}'이(가) 없습니다.",
     "There is no drift report 'drf_5f0c1a9e2b7d'."),
    (r"This drift job names no batch\.", "이 드리프트 작업에 배치가 지정되지 않았습니다.",
     "This drift job names no batch."),
    (r"Model (?P<m>\S+) predicts a number \('(?P<t>.+)', regression\); a label task chooses among classes\.",
     "모델 {m}은(는) 숫자('{t}', 회귀)를 예측합니다. 레이블 작업은 클래스 중에서 고르는 작업입니다.",
     f"Model {_MODEL} predicts a number ('price', regression); a label task chooses among classes."),
    (r"There is no label publication '(?P<x>.+)'\.", "레이블 게시 '{x}'이(가) 없습니다.",
     "There is no label publication 'lbp_5f0c1a9e2b7d'."),
    (r"The version (?P<v>\S+) carries no published labels\.", "버전 {v}에는 게시된 레이블이 없습니다.",
     "The version dsv_5f0c1a9e2b7d carries no published labels."),
    (r"Batch '(?P<b>.+)' has no labels to retrain with: its label task '(?P<t>.+)' has no published labels yet\.",
     "배치 '{b}'에는 재학습에 쓸 레이블이 없습니다. 레이블 작업 '{t}'에 아직 게시된 레이블이 없습니다.",
     "Batch 'april' has no labels to retrain with: its label task 'churned' has no published labels yet."),
    (r"Batch '(?P<b>.+)' has no labels to retrain with: it was not sent to labeling\.",
     "배치 '{b}'에는 재학습에 쓸 레이블이 없습니다. 레이블링에 보내지 않았습니다.",
     "Batch 'april' has no labels to retrain with: it was not sent to labeling."),
    (r"The labels of (?P<x>\S+) are not of a monitored batch\.", "{x}의 레이블은 모니터링 중인 배치의 것이 아닙니다.",
     "The labels of lbp_5f0c1a9e2b7d are not of a monitored batch."),
    (r"(?P<v>.+) has no label column '(?P<c>.+)'\.", "{v}에 레이블 열 '{c}'이(가) 없습니다.",
     "churn batches v3 · 60 rows has no label column 'churned'."),
    (r"(?P<v>.+) has no labeled row\.", "{v}에 레이블이 붙은 행이 없습니다.", "churn batches v3 · 60 rows has no labeled row."),
    # core.monitor.drift
    (r"Unknown column kind '(?P<k>.*)' for column '(?P<c>.*)'\.", "'{c}' 열의 유형 '{k}'을(를) 알 수 없습니다.",
     "Unknown column kind 'text' for column 'note'."),
    (r"The reference data has no rows\.", "학습 데이터에 행이 없습니다.", "The reference data has no rows."),
    (r"The current data has no rows\.", "현재 데이터에 행이 없습니다.", "The current data has no rows."),
    (r"Unknown prediction kind '(?P<k>.*)'\.", "예측 유형 '{k}'을(를) 알 수 없습니다.",
     "Unknown prediction kind 'ranking'."),
    (r"A histogram needs at least one bin, not (?P<x>.+)\.", "히스토그램에는 구간이 하나 이상 필요합니다({x}개는 안 됩니다).",
     "A histogram needs at least one bin, not 0."),
    (r"Choose at least one column to check for drift\.", "드리프트를 점검할 열을 하나 이상 고르세요.",
     "Choose at least one column to check for drift."),
    (r"The reference data lacks the columns (?P<c>.+)\.", "학습 데이터에 다음 열이 없습니다: {c}.",
     "The reference data lacks the columns 'age', 'plan'."),
    (r"None of the columns to check are in the current data \(it lacks (?P<c>.+)\)\.",
     "점검할 열이 현재 데이터에 하나도 없습니다(없는 열: {c}).",
     "None of the columns to check are in the current data (it lacks 'age', 'plan')."),
    *_BAD,
]

HINTS: list[tuple[str, str, str]] = [
    (r"Monitor a model of an experiment made with MLCycle's split\.",
     "MLCycle의 분할로 만든 실험의 모델을 모니터링하세요.",
     "Monitor a model of an experiment made with MLCycle's split."),
    (r"It is the share of features that must drift for a batch to alert: 0\.5 means half of them\.",
     "배치에 경보가 울리려면 드리프트해야 하는 특성의 비율입니다. 0.5는 절반을 뜻합니다.",
     "It is the share of features that must drift for a batch to alert: 0.5 means half of them."),
    (r"It is how much worse than on the held-out rows the model's metric may get before a batch alerts, in the "
     r"metric's own units \(0\.05 for a ROC AUC of 0\.90 -> 0\.85\)\.",
     "배치에 경보가 울리기 전까지 모델 지표가 홀드아웃 행보다 나빠져도 되는 정도이며, 지표 자체의 단위입니다"
     "(ROC AUC 0.90 -> 0.85라면 0.05).",
     "It is how much worse than on the held-out rows the model's metric may get before a batch alerts, in the "
     "metric's own units (0.05 for a ROC AUC of 0.90 -> 0.85)."),
    (r"List a model's batches with `mlcycle monitor MODEL`\.", "`mlcycle monitor MODEL`로 모델의 배치 목록을 보세요.",
     "List a model's batches with `mlcycle monitor MODEL`."),
    (r"Add a file with data rows\.", "데이터 행이 있는 파일을 추가하세요.", "Add a file with data rows."),
    (r"Upload rows with the columns the model was trained on\.", "모델을 학습한 열이 있는 행을 업로드하세요.",
     "Upload rows with the columns the model was trained on."),
    (r"Give the folder MLCYCLE_LOG_DIR pointed the server at, or one \.jsonl file\.",
     "서버의 MLCYCLE_LOG_DIR이 가리킨 폴더나 .jsonl 파일 하나를 지정하세요.",
     "Give the folder MLCYCLE_LOG_DIR pointed the server at, or one .jsonl file."),
    (r"Give a requests-YYYY-MM-DD\.jsonl file or the folder that holds them\.",
     "requests-YYYY-MM-DD.jsonl 파일이나 그 파일들이 있는 폴더를 지정하세요.",
     "Give a requests-YYYY-MM-DD.jsonl file or the folder that holds them."),
    (r"Give the JSON Lines file the server wrote\.", "서버가 쓴 JSON Lines 파일을 지정하세요.",
     "Give the JSON Lines file the server wrote."),
    (r"The log is JSON Lines, one request per line as the server writes it; fix or remove that line and import "
     r"again\.",
     "로그는 서버가 쓰는 대로 한 줄에 요청 하나인 JSON Lines입니다. 그 줄을 고치거나 지우고 다시 가져오세요.",
     "The log is JSON Lines, one request per line as the server writes it; fix or remove that line and import again."),
    (r"Import the log of the server that serves this model \(its bundle's model id\)\.",
     "이 모델을 서빙하는 서버(번들의 모델 ID)의 로그를 가져오세요.",
     "Import the log of the server that serves this model (its bundle's model id)."),
    (r"Check a batch again with `mlcycle monitor MODEL --check BATCH`\.",
     "`mlcycle monitor MODEL --check BATCH`로 배치를 다시 점검하세요.",
     "Check a batch again with `mlcycle monitor MODEL --check BATCH`."),
    (r"Add a batch with data rows\.", "데이터 행이 있는 배치를 추가하세요.", "Add a batch with data rows."),
    (r"Add a batch with the columns the model was trained on\.", "모델을 학습한 열이 있는 배치를 추가하세요.",
     "Add a batch with the columns the model was trained on."),
    (r"Check the batch again from the Monitor page\.", "모니터링 페이지에서 배치를 다시 점검하세요.",
     "Check the batch again from the Monitor page."),
    (r"Add the true '(?P<t>.+)' values to the batch's file and add it again; a batch with the target can be used to "
     r"retrain directly\.",
     "배치 파일에 실제 '{t}' 값을 넣어 다시 추가하세요. 타깃이 있는 배치는 바로 재학습에 쓸 수 있습니다.",
     "Add the true 'price' values to the batch's file and add it again; a batch with the target can be used to "
     "retrain directly."),
    (r"Give the batch's id instead\.", "대신 배치의 ID를 지정하세요.", "Give the batch's id instead."),
    (r"Give the batch's id, or the version its labels were published as\.",
     "배치의 ID나 레이블이 게시된 버전을 지정하세요.",
     "Give the batch's id, or the version its labels were published as."),
    (r"Send it to labeling, label the rows and publish the labels \(the Label page, or `mlcycle labels publish "
     r"TASK`\), then retrain\.",
     "레이블링으로 보내 행에 레이블을 붙이고 레이블을 게시한 뒤(레이블 페이지 또는 `mlcycle labels publish TASK`) "
     "재학습하세요.",
     "Send it to labeling, label the rows and publish the labels (the Label page, or `mlcycle labels publish TASK`), "
     "then retrain."),
    (r"Give the id of the batch that was sent to labeling\.", "레이블링에 보낸 배치의 ID를 지정하세요.",
     "Give the id of the batch that was sent to labeling."),
    (r"Publish the labels again\.", "레이블을 다시 게시하세요.", "Publish the labels again."),
    (r"Label some rows and publish again\.", "행 몇 개에 레이블을 붙이고 다시 게시하세요.",
     "Label some rows and publish again."),
    (r"Use 'numeric' or 'categorical'\.", "'numeric'이나 'categorical'을 쓰세요.", "Use 'numeric' or 'categorical'."),
    (r"Monitor against training data with at least one row\.", "행이 하나 이상 있는 학습 데이터와 비교하세요.",
     "Monitor against training data with at least one row."),
    (r"Add a batch with at least one row\.", "행이 하나 이상 있는 배치를 추가하세요.",
     "Add a batch with at least one row."),
    (r"Use 'classification' or 'regression'\.", "'classification'이나 'regression'을 쓰세요.",
     "Use 'classification' or 'regression'."),
    (r"Use 20 bins\.", "구간 20개를 쓰세요.", "Use 20 bins."),
    (r"Pass the model's input columns\.", "모델의 입력 열을 넘기세요.", "Pass the model's input columns."),
    (r"Use 0\.5 to flag a batch when half of its features drift\.",
     "특성의 절반이 드리프트할 때 배치를 표시하려면 0.5를 쓰세요.",
     "Use 0.5 to flag a batch when half of its features drift."),
    (r"Check only columns the model was trained on\.", "모델을 학습한 열만 점검하세요.",
     "Check only columns the model was trained on."),
    (r"The batch needs the model's input columns, named as in the training data\.",
     "배치에는 학습 데이터와 같은 이름의 모델 입력 열이 있어야 합니다.",
     "The batch needs the model's input columns, named as in the training data."),
]

# the drift job's title and progress (core.monitor.service.PROGRESS_MESSAGES, core.monitor.drift)
_STEPS = {"Reading the batch and the training rows": "배치와 학습 행 읽는 중",
          "Computing the model's reference": "모델의 기준 통계 계산 중",
          "Testing each feature for drift": "특성마다 드리프트 검정 중",
          "Predicting the batch and the held-out rows": "배치와 홀드아웃 행 예측 중",
          "Scoring the model on the batch": "배치에서 모델 채점 중",
          "Storing the report": "보고서 저장 중",
          "Drift report done": "드리프트 보고서 완료"}
PROGRESS: list[tuple[str, str, str]] = [
    (r"Drift report of batch '(?P<b>.+)' \((?P<n>[\d,]+) rows\)", "배치 '{b}'의 드리프트 보고서({n}행)",
     "Drift report of batch 'april' (250,000 rows)"),
    (r"Checked column '(?P<c>.+)' \((?P<i>\d+) of (?P<n>\d+)\)", "'{c}' 열 점검함({n}개 중 {i}번째)",
     "Checked column 'age' (3 of 8)"),
    *[(re.escape(step), korean, step) for step, korean in _STEPS.items()],
]
