"""Korean for the Compare page (leaderboard, trials, gates, registry) and hypothesis verdicts."""

KO = {
    # menu, page, Home's lifecycle card
    "Compare": "비교",
    "Choose the model to ship on accuracy and on speed: held-out metrics with their intervals, processing "
    "benchmarks, gates, and the registry.":
        "정확도와 속도로 배포할 모델을 고르세요: 구간이 있는 홀드아웃 지표, 처리 성능 벤치마크, 게이트, 레지스트리.",
    "Compare the models on accuracy and speed, check the gates and promote one.":
        "정확도와 속도로 모델을 비교하고, 게이트를 확인한 뒤 하나를 승격하세요.",
    "{project} has no models yet. Run an experiment: its best model appears here, ready to compare.":
        "{project}에는 아직 모델이 없습니다. 실험을 실행하면 최적 모델이 여기에 나타나 비교할 수 있습니다.",
    "Go to Experiments": "실험으로 이동",
    "Leaderboard": "리더보드",
    "Trials": "시행",
    "Gates": "게이트",
    "Registry": "레지스트리",
    "a production model": "운영 모델 있음",
    "no production model": "운영 모델 없음",
    "{n} hypotheses judged": "판정된 가설 {n}개",
    # evaluations of old models
    "{n} models have no stored evaluation yet (they were made before intervals and stored predictions). "
    "Evaluate them to see their intervals and curves.":
        "모델 {n}개에 저장된 평가가 아직 없습니다(구간과 예측 저장 이전에 만들어졌습니다). "
        "평가하면 구간과 곡선을 볼 수 있습니다.",
    "Evaluate now": "지금 평가",
    # filters and the leaderboard
    "Learner": "학습기",
    "All": "전체",
    "Sort by": "정렬",
    "Held-out metric, best first": "홀드아웃 지표, 좋은 순",
    "Latency p99, fastest first": "지연 시간 p99, 빠른 순",
    "Train time, shortest first": "학습 시간, 짧은 순",
    "Size, smallest first": "크기, 작은 순",
    "Newest first": "최신 순",
    "Models {first}–{last} of {total}. Choose rows to compare them below.":
        "모델 {total}개 중 {first}–{last}. 행을 선택하면 아래에서 비교합니다.",
    "No model matches these filters.": "이 필터에 맞는 모델이 없습니다.",
    "pass": "통과",
    "unknown: {what}": "알 수 없음: {what}",
    "not evaluated": "평가 안 됨",
    "held-out rows": "홀드아웃 행",
    "repeated CV": "반복 교차 검증",
    "Held-out": "홀드아웃",
    "95% interval": "95% 구간",
    "Measured on": "측정 기준",
    "Validation": "검증",
    "rows/s (batch)": "행/초 (배치)",
    "Train s": "학습 초",
    "Size": "크기",
    "Stage": "단계",
    "No stage": "단계 없음",
    "Candidate": "후보",
    "Production": "운영",
    "Archived": "보관됨",
    "Models compared": "비교할 모델",
    "Choose models (or rows in the table)": "모델 선택 (또는 표에서 행 선택)",
    "Choose models in the table to see their curves side by side.": "표에서 모델을 고르면 곡선을 나란히 볼 수 있습니다.",
    "Previous": "이전",
    "Next": "다음",
    "Page {n} of {pages}": "{pages}쪽 중 {n}쪽",
    # benchmark
    "Benchmark the chosen models": "선택한 모델 벤치마크",
    "Benchmark models without figures": "수치가 없는 모델 벤치마크",
    "Every model has processing figures already.": "모든 모델에 이미 처리 성능 수치가 있습니다.",
    "Load time, single-row latency p50/p95/p99 over 1,000 calls, throughput at batch sizes 1, 100 and 10,000, size "
    "and peak memory, each model in a fresh process through the same raw-row path a server uses.":
        "로드 시간, 1,000회 호출의 단일 행 지연 시간 p50/p95/p99, 배치 크기 1·100·10,000의 처리량, 크기와 최대 "
        "메모리를 모델마다 새 프로세스에서, 서버와 같은 원시 행 예측 경로로 측정합니다.",
    # charts
    "Accuracy against latency": "정확도 대 지연 시간",
    "No model has both a held-out metric and processing figures yet: benchmark some to see the front.":
        "홀드아웃 지표와 처리 성능 수치를 모두 가진 모델이 아직 없습니다. 벤치마크하면 파레토 전선을 볼 수 있습니다.",
    "The models are scored on different metrics; filter by experiment to compare like with like.":
        "모델마다 지표가 다릅니다. 같은 기준으로 비교하려면 실험으로 필터하세요.",
    "On the front (no other model is both more accurate and faster): {models}":
        "파레토 전선 위(더 정확하면서 더 빠른 모델이 없음): {models}",
    "No stored predictions for: {models}. Evaluate them (the button above) to draw their curves.":
        "저장된 예측이 없습니다: {models}. 위 버튼으로 평가하면 곡선을 그릴 수 있습니다.",
    "The chosen models solve different tasks; choose models of one kind to overlay their curves.":
        "선택한 모델들의 작업이 서로 다릅니다. 곡선을 겹쳐 보려면 같은 종류의 모델을 고르세요.",
    "The chosen models, overlaid": "선택한 모델 겹쳐 보기",
    "Class shown in the curves (one against the rest)": "곡선에 표시할 클래스 (일대다)",
    "Normalise the confusion matrices by true class": "혼동 행렬을 실제 클래스별로 정규화",
    "Per class": "클래스별",
    "Precision": "정밀도",
    "Recall": "재현율",
    # trials
    "Trials {first}–{last} of {total}, best validation score first within each experiment's metric.":
        "시행 {total}개 중 {first}–{last}, 실험별 지표의 검증 점수가 좋은 순.",
    "No trials match these filters.": "이 필터에 맞는 시행이 없습니다.",
    "Trial": "시행",
    "The experiments optimise different metrics; the charts show those on {metric}. Filter by experiment to see "
    "another.":
        "실험마다 최적화하는 지표가 다릅니다. 차트는 {metric} 실험만 보여 줍니다. 다른 지표는 실험으로 필터하세요.",
    "Hyperparameters of one learner's trials": "한 학습기 시행의 하이퍼파라미터",
    # gates
    "A gate is a rule every model must pass before it can go to production, such as "
    "`roc_auc >= 0.9 and p99_ms <= 10`. Clauses join with **and**, **or**, **not** and "
    "parentheses; each compares a figure with a number.":
        "게이트는 모델이 운영으로 가기 전에 통과해야 하는 규칙입니다. 예: `roc_auc >= 0.9 and p99_ms <= 10`. "
        "조건은 **and**, **or**, **not**과 괄호로 잇고, 각 조건은 수치 하나를 숫자와 비교합니다.",
    "Gate rule": "게이트 규칙",
    "Save rule": "규칙 저장",
    "Gate saved: {rule}": "게이트 저장됨: {rule}",
    "Gate cleared": "게이트를 지웠습니다",
    "**{passed}** of {n} models pass `{rule}`.": "모델 {n}개 중 **{passed}**개가 `{rule}`을(를) 통과합니다.",
    "Result": "결과",
    "What a rule can name": "규칙에 쓸 수 있는 이름",
    "Meaning": "의미",
    # registry
    "In production: {model}": "운영 중: {model}",
    "No model is in production in this project yet.": "이 프로젝트에는 아직 운영 중인 모델이 없습니다.",
    "Change a model stage": "모델 단계 변경",
    "Why (kept in the history)": "이유 (이력에 남습니다)",
    "Passes the gates; fastest of the accurate ones": "게이트 통과, 정확한 모델 중 가장 빠름",
    "Promote to production even though it fails the gate (the note must say why)":
        "게이트를 통과하지 못해도 운영으로 승격 (메모에 이유를 적어야 합니다)",
    "Apply": "적용",
    "{model} is now {stage}": "{model}: 이제 {stage}",
    "History": "이력",
    "No stage changes yet.": "아직 단계 변경이 없습니다.",
    "Who": "누가",
    # verdicts (Problem, Home, Compare)
    "{metric} = {value} ({interval}) {method}; success needs {metric} {direction} {threshold}":
        "{metric} = {value} ({interval}) {method}; 성공 기준은 {metric} {direction} {threshold}",
    "95% interval {low}–{high}": "95% 구간 {low}–{high}",
    "no interval": "구간 없음",
    "on the held-out rows, 95% bootstrap interval": "홀드아웃 행 기준, 95% 부트스트랩 구간",
    "by repeated cross-validation (the held-out split was too small), 95% interval":
        "반복 교차 검증 기준(홀드아웃이 너무 작음), 95% 구간",
    "set by hand {when}": "직접 지정 {when}",
    "from the evidence, {when}": "증거로 판정 {when}",
    "No verdict yet: it is reached when an experiment that tests this hypothesis finishes.":
        "아직 판정이 없습니다. 이 가설을 검증하는 실험이 끝나면 판정됩니다.",
    "Note: {note}": "메모: {note}",
    "See the model on Compare {id}": "비교 화면에서 모델 보기 {id}",
    "See the evidence": "증거 보기",
    "No verdict yet": "판정 없음",
    "Verdict": "판정",
    "Setting supported, rejected or inconclusive by hand overrides the verdict from the evidence, and needs a note "
    "saying why.":
        "지지·기각·불확실을 직접 지정하면 증거에 따른 판정을 덮어쓰며, 이유를 적은 메모가 필요합니다.",
    "Preparing the demo: {n} short example searches are training models, so that Compare, Explain and Deploy have "
    "something to show. This takes about a minute.":
        "데모 준비 중: 짧은 예제 탐색 {n}개가 모델을 학습하고 있어, 비교·설명·배포 화면에 보여 줄 것이 생깁니다. "
        "1분 정도 걸립니다.",
    # what a gate rule can name (core.evaluation.gates.GATE_FIELDS)
    "share of held-out rows classified correctly": "홀드아웃 행 중 올바르게 분류한 비율",
    "mean recall over classes": "클래스별 재현율의 평균",
    "F1 averaged over classes (unweighted)": "클래스별 F1의 단순 평균",
    "F1 of the positive class (binary)": "양성 클래스의 F1 (이진)",
    "area under the ROC curve (one-vs-rest, macro for several classes)":
        "ROC 곡선 아래 면적 (다중 클래스는 일대다, 매크로 평균)",
    "log loss of the predicted probabilities (lower is better)": "예측 확률의 로그 손실 (낮을수록 좋음)",
    "coefficient of determination (regression)": "결정 계수 (회귀)",
    "root mean squared error (regression; lower is better)": "평균 제곱근 오차 (회귀, 낮을수록 좋음)",
    "mean absolute error (regression; lower is better)": "평균 절대 오차 (회귀, 낮을수록 좋음)",
    "lower bound of the 95% interval of {metric}": "{metric} 95% 구간의 하한",
    "upper bound of the 95% interval of {metric}": "{metric} 95% 구간의 상한",
    "the experiment's metric on the search's validation data (the model's trial)":
        "탐색 검증 데이터에서의 실험 지표 (모델의 시행)",
    "training time of the model's trial, in seconds": "모델 시행의 학습 시간 (초)",
    "serialized model size, in MiB": "직렬화된 모델 크기 (MiB)",
    "time to import and load the model, in ms": "모델을 불러오는 시간 (ms)",
    "median single-row latency, in ms": "단일 행 지연 시간의 중앙값 (ms)",
    "95th percentile single-row latency, in ms": "단일 행 지연 시간의 95번째 백분위수 (ms)",
    "99th percentile single-row latency, in ms": "단일 행 지연 시간의 99번째 백분위수 (ms)",
    "throughput in rows/s at the largest batch measured (10,000 rows)": "측정한 가장 큰 배치(10,000행)의 초당 처리 행 수",
    "throughput in rows/s one row at a time": "한 행씩 처리할 때의 초당 처리 행 수",
    "throughput in rows/s in batches of 100": "100행 배치의 초당 처리 행 수",
    "throughput in rows/s in batches of 10,000": "10,000행 배치의 초당 처리 행 수",
    "peak memory while predicting, in MiB": "예측 중 최대 메모리 (MiB)",
    # a gate result's explanations
    "(is {value})": "(값 {value})",
    "no benchmark yet: benchmark the model": "벤치마크 없음: 모델을 벤치마크하세요",
    "not recorded for this model's trial": "이 모델의 시행에 기록되지 않음",
    "size unknown": "크기 알 수 없음",
    "not measured: evaluate the model, or the metric does not apply to its task":
        "측정되지 않음: 모델을 평가하세요. 또는 이 작업에 맞지 않는 지표입니다",
    # the experiment page: why a model was chosen over single-class trials, the cores recorded
    "Chosen because the trials ranked above it predicted **a single class for every row** on the validation folds "
    "({skipped}). {chosen} is the next-best trial that predicts several classes and beats the majority-class "
    "baseline there ({value} against {baseline}).":
        "더 높은 순위의 시행들이 검증 폴드에서 **모든 행을 한 클래스로** 예측했기 때문에 선택되었습니다({skipped}). "
        "{chosen}은(는) 여러 클래스를 예측하면서 그 폴드에서 다수 클래스 기준선보다 나은 다음 순위 시행입니다"
        "({value}, 기준선 {baseline}).",
    "This model predicts a single class for every row on the validation folds, and none of the next-best trials "
    "checked does better than the majority-class baseline there. More rows, or other learners, may help.":
        "이 모델은 검증 폴드에서 모든 행을 한 클래스로 예측하며, 확인한 다음 순위 시행 중 다수 클래스 기준선보다 "
        "나은 것이 없습니다. 행을 늘리거나 다른 학습기를 써 보세요.",
    "Cores the worker could use": "워커가 쓸 수 있는 코어",
    # the activity feed
    "Model {name} of {parent} benchmarked": "{parent}의 모델 {name} 벤치마크됨",
    "Model {name} of {parent} changed stage": "{parent}의 모델 {name} 단계 변경됨",
    "Model {name} of {parent} archived": "{parent}의 모델 {name} 보관됨",
    "Hypothesis judged from the evidence: {name}": "증거로 가설 판정: {name}",
    "Verdict set by hand: {name}": "판정 직접 지정: {name}",
    "Gate of {name} changed": "{name}의 게이트 변경됨",
}
