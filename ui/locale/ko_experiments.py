"""Korean for the Experiments page: the new-experiment form, the experiment's views, models and trials."""

KO = {
    # page and form
    "Run AutoML on a dataset version. The search runs in the background; every trial is recorded.":
        "데이터셋 버전으로 AutoML을 실행합니다. 탐색은 백그라운드에서 진행되며 모든 시행이 기록됩니다.",
    "New experiment": "새 실험",
    "Target column": "타깃 열",
    "Task": "작업 유형",
    "Metric": "지표",
    "Time budget (s)": "시간 예산 (초)",
    "Max trials (0 = no limit)": "최대 시행 수 (0 = 제한 없음)",
    "Seed": "시드",
    "Learners": "학습기",
    "Choose learners": "학습기 선택",
    "Choose columns": "열 선택",
    "Evaluation": "검증 방식",
    "CV folds": "교차 검증 폴드 수",
    "Held-out test share": "테스트용으로 떼어 둘 비율",
    "Feature columns (empty: every column but the target; ID and free-text columns are left out automatically)":
        "특성 열 (비워 두면 타깃을 뺀 모든 열; ID와 자유 텍스트 열은 자동으로 제외)",
    "Parallel trials (Ray)": "병렬 시행 수 (Ray)",
    "Run experiment": "실험 실행",
    "Open in a notebook": "노트북으로 열기",
    "A Jupyter notebook that loads this experiment's data and model and repeats its evaluation.":
        "이 실험의 데이터와 모델을 불러와 평가를 다시 실행하는 Jupyter 노트북입니다.",
    "No experiments yet. Choose a dataset version and a target above, then press **Run experiment**.":
        "아직 실험이 없습니다. 위에서 데이터셋 버전과 타깃을 고른 뒤 **실험 실행**을 누르세요.",
    "Experiment": "실험",
    "This project has no data yet. Upload a dataset first.":
        "이 프로젝트에는 아직 데이터가 없습니다. 먼저 데이터셋을 올리세요.",
    "Go to Datasets": "데이터셋으로 이동",
    "auto: detected from the target's values": "자동: 타깃 값으로 판별합니다",
    "What the search optimises on the validation folds. ROC AUC for several classes says how the per-class "
    "scores are averaged.":
        "탐색이 검증 데이터에서 최적화하는 지표입니다. 클래스가 여럿인 ROC AUC는 클래스별 점수를 어떻게 평균하는지 "
        "함께 표시합니다.",
    "0 = no time limit (then set max trials)": "0 = 시간 제한 없음 (이때는 최대 시행 수를 지정하세요)",
    "What FLAML offers that is installed here": "FLAML이 제공하는 학습기 중 여기에 설치된 것",
    "Never seen by the search; all holdout metrics come from it":
        "탐색에 전혀 쓰이지 않으며, 모든 홀드아웃 데이터 지표는 여기서 계산됩니다",
    "More than 1 runs trials on Ray (RAY_ADDRESS picks a cluster)":
        "1보다 크면 Ray에서 시행을 병렬로 실행합니다 (RAY_ADDRESS로 클러스터 지정)",
    "The hypothesis is judged on {metric}, which does not fit a {task} task, so this search cannot optimise it. "
    "Choose the target or task the hypothesis is about, or another hypothesis.":
        "이 가설은 {metric}(으)로 판정하는데, 이 지표는 {task} 작업에 맞지 않아 이 탐색에서 최적화할 수 없습니다. "
        "가설이 다루는 타깃이나 작업 유형을 고르거나 다른 가설을 고르세요.",
    "Metric set from the hypothesis: {metric} ({criterion}).": "가설에 맞춰 지표를 정했습니다: {metric} ({criterion}).",
    "Experiment '{name}' queued": "실험 '{name}'을(를) 대기열에 넣었습니다",
    "auto ({task})": "자동 ({task})",
    "auto ({metric})": "자동 ({metric})",
    "auto: k-fold cross-validation for small data, a validation split for large data":
        "자동: 데이터가 작으면 k-겹 교차 검증, 크면 검증 분할",
    "a validation split": "검증 분할",
    "k-fold cross-validation": "k-겹 교차 검증",
    # tasks and metrics
    "binary classification": "이진 분류",
    "multiclass classification": "다중 클래스 분류",
    "regression": "회귀",
    "auto": "자동",
    "ROC AUC": "ROC AUC (ROC 곡선 아래 면적)",
    "ROC AUC (one-vs-rest, macro average)": "ROC AUC (일대다, 매크로 평균)",
    "ROC AUC (one-vs-one, macro average)": "ROC AUC (일대일, 매크로 평균)",
    "ROC AUC (one-vs-rest, weighted by class share)": "ROC AUC (일대다, 클래스 비율 가중 평균)",
    "ROC AUC (one-vs-one, weighted by class share)": "ROC AUC (일대일, 클래스 비율 가중 평균)",
    "ROC AUC (weighted by class share)": "ROC AUC (클래스 비율 가중 평균)",
    "accuracy": "정확도",
    "balanced accuracy": "균형 정확도",
    "log loss": "로그 손실",
    "F1 (second class as positive)": "F1 (두 번째 클래스를 양성으로)",
    "F1 (positive class: {label})": "F1 (양성 클래스: {label})",
    "F1 (macro average)": "F1 (매크로 평균)",
    "F1 (micro average)": "F1 (마이크로 평균)",
    "average precision": "평균 정밀도",
    "R²": "R² (결정계수)",
    "RMSE": "RMSE (평균 제곱근 오차)",
    "MAE": "MAE (평균 절대 오차)",
    "MSE": "MSE (평균 제곱 오차)",
    "MAPE": "MAPE (평균 절대 백분율 오차)",
    # views
    "Overview": "개요",
    "Trials": "시행",
    "Data & environment": "데이터와 환경",
    "{icon} **{status}** · {task}, optimising **{metric}**": "{icon} **{status}** · {task}, **{metric}** 최적화",
    "Best validation {metric}": "최고 검증 {metric}",
    "Elapsed": "경과 시간",
    "not started": "시작 전",
    "Time left (approx.)": "남은 시간 (대략)",
    "Budget": "예산",
    "{n} trials": "시행 {n}회",
    "Cancel experiment": "실험 취소",
    "Stop this search? Finished trials are kept.": "이 탐색을 멈출까요? 끝난 시행은 남습니다.",
    "Yes, stop it": "예, 멈춥니다",
    "You can leave this page or close the browser: the search goes on in the background.":
        "이 페이지를 떠나거나 브라우저를 닫아도 됩니다: 탐색은 백그라운드에서 계속됩니다.",
    # best model and why
    "Best model": "최고 모델",
    "refit from trial {trial}": "시행 {trial}에서 다시 학습",
    "This is the experiment's current model: the one its views and commands use. The other models are listed below.":
        "이 모델이 실험의 현재 모델입니다: 화면과 명령이 쓰는 모델입니다. 다른 모델은 아래에 있습니다.",
    "Scored on the held-out split ({n} rows) the search never saw.":
        "탐색이 한 번도 보지 않은 홀드아웃 데이터({n}행)로 채점했습니다.",
    "Refit from the best trial the search finished before it was {status}.":
        "탐색이 {status} 상태가 되기 전에 끝낸 시행 중 가장 좋은 시행을 다시 학습했습니다.",
    "See every trial": "모든 시행 보기",
    "Why this model": "이 모델을 고른 이유",
    "It refits the trial the search chose; this model was stored before the reason was recorded.":
        "탐색이 고른 시행을 다시 학습한 모델입니다. 선택 이유를 기록하기 전에 저장된 모델입니다.",
    "trial {trial} ({learner}, {metric} {value})": "시행 {trial} ({learner}, {metric} {value})",
    "Chosen by the **one-standard-error rule**. The best validation score came from {best}. The default configuration "
    "of {chosen} is within one standard error ({se}) of it, so the simpler default was kept: on small data the "
    "best-scoring tuned configuration is partly chosen by validation noise.":
        "**1-표준오차 규칙**으로 골랐습니다. 검증 점수가 가장 좋은 것은 {best}입니다. {chosen}의 기본 설정이 그와 "
        "1 표준오차({se}) 이내에 있어 더 단순한 기본 설정을 택했습니다: 데이터가 작으면 점수가 가장 높은 튜닝 설정은 "
        "검증의 우연한 변동 덕을 일부 본 것이기 때문입니다.",
    "**You chose the best validation trial**: {chosen}.": "**검증 점수가 가장 좋은 시행을 직접 골랐습니다**: {chosen}.",
    "The search's own rule chose {trial} (the one-standard-error rule); that model is kept below.":
        "탐색의 규칙(1-표준오차 규칙)은 {trial}을(를) 골랐으며, 그 모델은 아래에 남아 있습니다.",
    "The best validation score: {chosen}.": "검증 점수가 가장 좋은 시행입니다: {chosen}.",
    "Refit the best validation trial": "최고 검증 시행으로 다시 학습",
    "Trains trial {trial} ({learner}) on all training rows in the background. The new model becomes the current "
    "one and records that you chose it; this one stays available.":
        "시행 {trial}({learner})을(를) 모든 학습 행으로 백그라운드에서 학습합니다. 새 모델이 현재 모델이 되고 "
        "직접 골랐다는 사실이 기록됩니다. 지금 모델도 그대로 남습니다.",
    "Model {id} already refits trial {trial}: make it current below.":
        "모델 {id}이(가) 이미 시행 {trial}을(를) 학습했습니다: 아래에서 현재 모델로 지정하세요.",
    "The last refit failed: {error}": "지난 재학습이 실패했습니다: {error}",
    "Queued: {title}": "대기열에 넣음: {title}",
    "trial {trial}": "시행 {trial}",
    "the one-standard-error rule's choice": "1-표준오차 규칙의 선택",
    "the best validation trial": "최고 검증 시행",
    "the best validation trial, chosen by you": "직접 고른 최고 검증 시행",
    "Other models of this experiment": "이 실험의 다른 모델",
    "Make current": "현재 모델로 지정",
    "Make this the experiment's current model (the one its views and commands use).":
        "이 모델을 실험의 현재 모델(화면과 명령이 쓰는 모델)로 지정합니다.",
    "Model {id} is now the current model": "모델 {id}이(가) 이제 현재 모델입니다",
    "The search stopped before its best model was refit. Finished trials are kept.":
        "최고 모델을 다시 학습하기 전에 탐색이 멈췄습니다. 끝난 시행은 남아 있습니다.",
    "Refit the best trial so far": "지금까지의 최고 시행으로 다시 학습",
    # trials
    "No trial has finished yet; the first appears within seconds.": "아직 끝난 시행이 없습니다. 첫 시행은 몇 초 안에 나타납니다.",
    "validation {metric}": "검증 {metric}",
    "current model": "현재 모델",
    "best validation": "최고 검증",
    "trial": "시행",
    "learner": "학습기",
    "train s": "학습 초",
    "at s": "시점 초",
    "status": "상태",
    "ok": "정상",
    "note": "비고",
    "hyperparameters": "하이퍼파라미터",
    "{n} trials, best validation score first.": "시행 {n}회, 검증 점수가 좋은 순서입니다.",
    # one model
    "The model appears here when the search finishes.": "탐색이 끝나면 모델이 여기에 나타납니다.",
    "This experiment has no model. See the overview for what to do.":
        "이 실험에는 모델이 없습니다. 개요에서 할 수 있는 일을 확인하세요.",
    "current": "현재",
    "made {when}": "{when}에 만듦",
    "The experiment's current model.": "실험의 현재 모델입니다.",
    "Held-out scores": "홀드아웃 데이터 점수",
    "Hyperparameters": "하이퍼파라미터",
    "Reproduce this model": "이 모델 재현",
    "Refits the recorded configuration on the recorded data version with the recorded seed and checks the "
    "held-out predictions are identical. The time-budgeted search itself need not repeat trial for trial; the "
    "model it chose does. It runs in the background.":
        "기록된 설정을 기록된 데이터 버전과 시드로 다시 학습하고 홀드아웃 데이터 예측이 똑같은지 확인합니다. 시간 예산이 "
        "있는 탐색 자체는 시행마다 똑같이 반복되지 않을 수 있지만, 탐색이 고른 모델은 똑같이 재현됩니다. "
        "백그라운드에서 실행됩니다.",
    "Reproduce model": "모델 재현",
    "Reproduce again": "다시 재현",
    "Identical predictions on {n} held-out rows ({when}; the refit took {seconds}).":
        "홀드아웃 데이터 {n}행의 예측이 똑같습니다 ({when}; 재학습에 {seconds} 걸림).",
    "Predictions differ on {n} held-out rows: the largest difference is {diff} ({when}).":
        "홀드아웃 데이터 {n}행의 예측이 다릅니다: 가장 큰 차이는 {diff}입니다 ({when}).",
    "Could not reproduce the model: {error}": "모델을 재현하지 못했습니다: {error}",
    "The last check was {status} ({when}).": "마지막 확인은 {status} 상태입니다 ({when}).",
    # data and environment
    "Data version": "데이터 버전",
    "Training part": "학습용 부분",
    "Held-out part": "홀드아웃 부분",
    "{what}: {id} (no longer in the workspace)": "{what}: {id} (작업 공간에 더 이상 없음)",
    "{rows} rows × {cols} columns": "{rows}행 × {cols}열",
    "Content hash (sha256) of the data version: {sha}": "데이터 버전의 내용 해시 (sha256): {sha}",
    "Search settings": "탐색 설정",
    "Target": "타깃",
    "detected": "자동 판별",
    "default": "기본값",
    "Time budget": "시간 예산",
    "none": "없음",
    "Max trials": "최대 시행 수",
    "no limit": "제한 없음",
    "{k}-fold cross-validation": "{k}-겹 교차 검증",
    "a validation split of {share} of the training rows": "학습 행의 {share}를 쓰는 검증 분할",
    "Threads per trial": "시행당 스레드 수",
    "Parallel trials": "병렬 시행 수",
    "Classes": "클래스",
    "Features": "특성",
    "Data note": "데이터 참고",
    "yes": "예",
    "no": "아니요",
    "Created {when}": "{when}에 만듦",
    "Environment": "환경",
    "Python": "파이썬",
    "Platform": "플랫폼",
    "CPU cores": "CPU 코어 수",
    "MLCycle version": "MLCycle 버전",
    "Git commit": "Git 커밋",
    "with uncommitted changes": "커밋하지 않은 변경 있음",
    "Not installed": "설치되지 않음",
    # a held-out split too small to judge a model on, said before the run
    "The held-out split would have {n} rows (under {min}), too few to judge a model on. The model will be "
    "evaluated by repeated cross-validation instead of the single held-out split.":
        "홀드아웃 데이터가 {n}개 행(기준 {min}개 미만)뿐이라 모델을 평가하기에 너무 적습니다. 한 번의 홀드아웃 "
        "분할 대신 반복 교차 검증으로 모델을 평가합니다.",
    "The held-out split would have fewer than {min} rows of some classes ({classes}), too few to judge a model "
    "on. The model will be evaluated by repeated cross-validation instead of the single held-out split.":
        "홀드아웃 데이터에서 일부 클래스의 행이 {min}개 미만({classes})이라 모델을 평가하기에 너무 적습니다. "
        "한 번의 홀드아웃 분할 대신 반복 교차 검증으로 모델을 평가합니다.",
}

# Job titles and progress messages core writes in English (same form as ``ko_progress.PROGRESS``).
PROGRESS: list[tuple[str, str, str]] = [
    (r"Preparing the demo: a short search on (?P<name>.+)", "데모 준비: {name} 데이터로 짧은 탐색",
     "Preparing the demo: a short search on breast_cancer"),
    (r"Checking that (?P<l>\S+) \(trial (?P<t>\d+)\) predicts more than one class",
     "{l}(시행 {t}) 모델이 둘 이상의 클래스를 예측하는지 확인하는 중",
     "Checking that lgbm (trial 12) predicts more than one class"),
    (r"Trial (?P<t>\d+) predicts a single class; checking (?P<l>\S+) \(trial (?P<u>\d+)\)",
     "시행 {t}의 모델은 한 클래스만 예측합니다. 다음 후보 {l}(시행 {u}) 확인 중",
     "Trial 12 predicts a single class; checking rf (trial 7)"),
]

# What core says about the cores a search may use (same form as ``ko_errors``).
ERRORS: list[tuple[str, str, str]] = [
    (r"MLCYCLE_WORKER_CORES='(?P<v>.*)' is not a number of cores: it must be a whole number of at least 1\.",
     "MLCYCLE_WORKER_CORES='{v}'은(는) 코어 수가 아닙니다. 1 이상의 정수여야 합니다.",
     "MLCYCLE_WORKER_CORES='many' is not a number of cores: it must be a whole number of at least 1."),
]
HINTS: list[tuple[str, str, str]] = [
    (r"Set it to e\.g\. 2, or unset it to use the cores the worker may run on\.",
     "예를 들어 2로 설정하세요. 변수를 지우면 작업자가 실행될 수 있는 코어 수를 따릅니다.",
     "Set it to e.g. 2, or unset it to use the cores the worker may run on."),
]
