"""Korean for what core says about evaluations and hypothesis verdicts (core/evaluation: metrics.py,
scoring.py, pipeline.py, verdicts.py): errors and their hints, job titles and progress messages, and
(kind ``NOTES``) an evaluation's notes and the verdict lines a hypothesis's history records.

Same form as ``ko_errors`` and ``ko_progress``: ``(regex over the whole English text, Korean template,
an English example)``; named groups carry the data (model ids, metric names, numbers) unchanged, and a
group named ``reason`` is itself translated with the ``ERRORS`` patterns. ``KO`` holds the fixed texts
(how each metric is averaged, :data:`core.evaluation.metrics.AVERAGING`) for ``tk``.
"""

KO: dict[str, str] = {
    # core.evaluation.metrics.averaging_for: how a metric is averaged over the classes
    "share of all rows predicted right (no averaging)": "전체 행 중 맞게 예측한 비율(평균 없음)",
    "mean recall over the classes present (unweighted)": "나타난 클래스별 재현율의 평균(가중치 없음)",
    "macro: unweighted mean of the per-class F1": "매크로: 클래스별 F1의 단순 평균",
    "binary: the second class is the positive one": "이진: 두 번째 클래스가 양성",
    "one-vs-rest, macro: unweighted mean over classes": "일대다(one-vs-rest), 매크로: 클래스별 단순 평균",
    "mean over rows of minus the log of the probability given to the true class":
        "행마다 실제 클래스에 준 확률의 음의 로그를 평균",
}

_M = "mdl_5f0c1a9e2b7d"
_EVALUATE = "Evaluate it: the Compare page's 'Evaluate now', or `mlcycle models evaluate {m}`."

ERRORS: list[tuple[str, str, str]] = [
    # -- scoring --
    (r"Experiment '(?P<e>.+)' of model (?P<m>\S+) has no recorded held-out split\.",
     "모델 {m}의 실험 '{e}'에 기록된 홀드아웃 분할이 없습니다.",
     f"Experiment 'churn' of model {_M} has no recorded held-out split."),
    (r"The held-out rows of '(?P<e>.+)' have no column '(?P<c>.+)'\.", "'{e}'의 홀드아웃 행에 '{c}' 열이 없습니다.",
     "The held-out rows of 'churn' have no column 'churned'."),
    (r"No held-out row of '(?P<e>.+)' has a value in '(?P<c>.+)'\.", "'{e}'의 홀드아웃 행 중 '{c}' 값이 있는 행이 없습니다.",
     "No held-out row of 'churn' has a value in 'churned'."),
    (r"No held-out row of '(?P<e>.+)' has a class the model knows\.",
     "'{e}'의 홀드아웃 행 중 모델이 아는 클래스를 가진 행이 없습니다.",
     "No held-out row of 'churn' has a class the model knows."),
    (r"The model cannot be cross-validated: a class has a single row\.",
     "모델을 교차 검증할 수 없습니다: 행이 하나뿐인 클래스가 있습니다.",
     "The model cannot be cross-validated: a class has a single row."),
    (r"The model cannot be cross-validated: there are only (?P<n>\d+) rows\.",
     "모델을 교차 검증할 수 없습니다: 행이 {n}개뿐입니다.",
     "The model cannot be cross-validated: there are only 3 rows."),
    (r"Model (?P<m>\S+) has no evaluation yet, so it has no stored predictions\.",
     "모델 {m}은(는) 아직 평가되지 않아 저장된 예측이 없습니다.",
     f"Model {_M} has no evaluation yet, so it has no stored predictions."),
    (r"The evaluation of model (?P<m>\S+) has no stored predictions\.", "모델 {m}의 평가에 저장된 예측이 없습니다.",
     f"The evaluation of model {_M} has no stored predictions."),
    (r"The stored predictions of model (?P<m>\S+) \(file (?P<f>\w+)\) are missing from (?P<p>.+)\.",
     "모델 {m}의 저장된 예측(파일 {f})이 {p}에 없습니다.",
     f"The stored predictions of model {_M} (file 1cebd2a42a03) are missing from /home/me/.mlcycle/artifacts."),
    (r"Every model already has an evaluation; there is nothing to evaluate\.",
     "모든 모델에 이미 평가가 있어 평가할 것이 없습니다.",
     "Every model already has an evaluation; there is nothing to evaluate."),
    (r"No model could be evaluated: (?P<reason>.+)", "평가할 수 있는 모델이 없었습니다: {reason}",
     f"No model could be evaluated: Model {_M} has no evaluation yet, so it has no stored predictions."),
    # -- verdicts --
    (r"A verdict set by hand needs a note saying why\.", "판정을 직접 정하려면 이유를 적은 메모가 필요합니다.",
     "A verdict set by hand needs a note saying why."),
    (r"'(?P<o>.*)' is not a verdict\.", "'{o}'은(는) 판정이 아닙니다.", "'proven' is not a verdict."),
    (r"'(?P<d>.*)' is not a direction\.", "'{d}'은(는) 방향이 아닙니다.", "'~' is not a direction."),
    (r"An interval's lower end \((?P<lo>.+)\) is above its upper end \((?P<hi>.+)\)\.",
     "구간의 하한({lo})이 상한({hi})보다 큽니다.", "An interval's lower end (0.9) is above its upper end (0.8)."),
    # the interval inside a verdict line (the ``reason`` group of the NOTES patterns below)
    (r"95% CI (?P<lo>\S+)–(?P<hi>[^,\s]+), repeated cross-validation", "95% 구간 {lo}–{hi}, 반복 교차 검증",
     "95% CI 0.951–0.982, repeated cross-validation"),
    (r"95% CI (?P<lo>\S+)–(?P<hi>\S+)", "95% 구간 {lo}–{hi}", "95% CI 0.962–0.995"),
    (r"no interval, repeated cross-validation", "구간 없음, 반복 교차 검증", "no interval, repeated cross-validation"),
    (r"no interval", "구간 없음", "no interval"),
    # -- metrics (bad arrays; a programming error more than a user's, but said plainly) --
    (r"There are no rows to score\.", "점수를 낼 행이 없습니다.", "There are no rows to score."),
    (r"There are no repeats to score\.", "점수를 낼 반복이 없습니다.", "There are no repeats to score."),
]

HINTS: list[tuple[str, str, str]] = [
    (r"Evaluate it: the Compare page's 'Evaluate now', or `mlcycle models evaluate (?P<m>\S+)`\.",
     "평가하세요: 비교 페이지의 '지금 평가', 또는 `mlcycle models evaluate {m}`.", _EVALUATE.format(m=_M)),
    (r"Evaluate the model again to store them: the Compare page's 'Evaluate now', or "
     r"`mlcycle models evaluate (?P<m>\S+)`\.",
     "모델을 다시 평가해 예측을 저장하세요: 비교 페이지의 '지금 평가', 또는 `mlcycle models evaluate {m}`.",
     f"Evaluate the model again to store them: the Compare page's 'Evaluate now', or "
     f"`mlcycle models evaluate {_M}`."),
    (r"Evaluate a model of an experiment made with MLCycle's split\.", "MLCycle의 분할로 만든 실험의 모델을 평가하세요.",
     "Evaluate a model of an experiment made with MLCycle's split."),
    (r"The held-out split has no labelled rows; nothing can be scored\.",
     "홀드아웃 분할에 레이블이 있는 행이 없어 점수를 낼 수 없습니다.",
     "The held-out split has no labelled rows; nothing can be scored."),
    (r"Add rows \(every class needs at least two\) and run a new experiment\.",
     "행을 추가하고(클래스마다 최소 두 행) 새 실험을 실행하세요.",
     "Add rows (every class needs at least two) and run a new experiment."),
    (r"Name a model to evaluate it again\.", "다시 평가하려면 모델을 지정하세요.", "Name a model to evaluate it again."),
    (r"See the job's log for each model's reason\.", "모델별 이유는 작업 로그를 보세요.",
     "See the job's log for each model's reason."),
    (r"Write what the decision rests on, e\.g\. '(?P<ex>.+)'\.", "무엇을 근거로 정했는지 적으세요. 예: '{ex}'.",
     "Write what the decision rests on, e.g. 'a domain review of the errors agreed'."),
    (r"Leave out rows whose class the model never saw\.", "모델이 본 적 없는 클래스의 행은 빼세요.",
     "Leave out rows whose class the model never saw."),
    (r"Score a model on rows that have a target value\.", "타깃 값이 있는 행으로 모델 점수를 내세요.",
     "Score a model on rows that have a target value."),
]

PROGRESS: list[tuple[str, str, str]] = [
    # job titles (scoring.enqueue_evaluation)
    (r"Evaluate model (?P<m>\S+)", "모델 평가: {m}", f"Evaluate model {_M}"),
    (r"Evaluate (?P<n>\d+) models", "모델 {n}개 평가", "Evaluate 3 models"),
    # progress (scoring.evaluate_model, pipeline)
    (r"Evaluating model (?P<m>\S+): loading the model and the held-out rows",
     "모델 {m} 평가 중: 모델과 홀드아웃 행을 불러오는 중", f"Evaluating model {_M}: loading the model and the held-out rows"),
    (r"Evaluating model (?P<m>\S+): predicting (?P<n>\d+) held-out rows", "모델 {m} 평가 중: 홀드아웃 {n}개 행 예측 중",
     f"Evaluating model {_M}: predicting 60 held-out rows"),
    (r"Evaluating model (?P<m>\S+): 1,000 bootstrap resamples of (?:the )?(?P<n>\d+) rows",
     "모델 {m} 평가 중: {n}개 행의 부트스트랩 재표본 1,000개", f"Evaluating model {_M}: 1,000 bootstrap resamples of 60 rows"),
    (r"Evaluating model (?P<m>\S+): cross-validation fold (?P<i>\d+) of (?P<t>\d+) \((?P<r>\d+) repeats of "
     r"(?P<k>\d+) folds, (?P<n>\d+) rows\)",
     "모델 {m} 평가 중: 교차 검증 폴드 {t}개 중 {i}번째({k}폴드 {r}회 반복, {n}개 행)",
     f"Evaluating model {_M}: cross-validation fold 7 of 50 (10 repeats of 5 folds, 32 rows)"),
    (r"Evaluating model (?P<m>\S+): storing the metrics and predictions", "모델 {m} 평가 중: 지표와 예측을 저장하는 중",
     f"Evaluating model {_M}: storing the metrics and predictions"),
    (r"Evaluated model (?P<m>\S+): (?P<metric>\S+) (?P<v>\S+) \(95% interval (?P<lo>\S+)–(?P<hi>\S+)\) on the "
     r"held-out rows",
     "모델 {m} 평가 완료: {metric} {v} (95% 구간 {lo}–{hi}), 홀드아웃 행 기준",
     f"Evaluated model {_M}: roc_auc 0.9433 (95% interval 0.8796–0.9877) on the held-out rows"),
    (r"Evaluated model (?P<m>\S+): (?P<metric>\S+) (?P<v>\S+) \(95% interval (?P<lo>\S+)–(?P<hi>\S+)\) by repeated "
     r"cross-validation",
     "모델 {m} 평가 완료: {metric} {v} (95% 구간 {lo}–{hi}), 반복 교차 검증",
     f"Evaluated model {_M}: roc_auc 0.9545 (95% interval 0.8873–1) by repeated cross-validation"),
    (r"Evaluated model (?P<m>\S+): (?P<metric>\S+) (?P<v>\S+) (?:on the held-out rows|by repeated cross-validation)",
     "모델 {m} 평가 완료: {metric} {v}", f"Evaluated model {_M}: r2 0.91 on the held-out rows"),
    (r"Evaluated model (?P<m>\S+): (?P<metric>\S+) not computed \((?P<how>\w+)\)",
     "모델 {m} 평가 완료: {metric}은(는) 계산하지 않음({how})", f"Evaluated model {_M}: roc_auc_ovo not computed (holdout)"),
    (r"Evaluating model (?P<m>\S+) \((?P<i>\d+) of (?P<n>\d+)\)", "모델 {m} 평가 중({n}개 중 {i}번째)",
     f"Evaluating model {_M} (2 of 3)"),
    (r"Evaluating model (?P<m>\S+)", "모델 {m} 평가 중", f"Evaluating model {_M}"),
    (r"Evaluated (?P<k>\d+) of (?P<n>\d+) models", "모델 {n}개 중 {k}개 평가 완료", "Evaluated 2 of 3 models"),
]

NOTES: list[tuple[str, str, str]] = [
    # an evaluation's notes (Evaluation.notes)
    (r"The held-out split has (?P<n>\d+) rows \(under (?P<min>\d+)\)\.", "홀드아웃 분할의 행이 {n}개입니다({min}개 미만).",
     "The held-out split has 6 rows (under 30)."),
    (r"The held-out split has fewer than (?P<min>\d+) rows of some classes \((?P<c>.+)\)\.",
     "홀드아웃 분할에서 일부 클래스의 행이 {min}개 미만입니다({c}).",
     "The held-out split has fewer than 10 rows of some classes ('yes' 4)."),
    (r"So the model's learner and settings were cross-validated instead: (?P<r>\d+) repeats of (?P<k>\d+)-fold "
     r"(?:stratified )?cross-validation on all (?P<n>\d+) rows \(training and held-out\), refit on each fold with the "
     r"same seed\. Each value is the mean over the (?P<t>\d+) folds; its 95% interval resamples the \d+ rows \(1,000 "
     r"times\) and scores every repeat's out-of-fold predictions of them, so it shows how few rows there are\.",
     "그래서 모델의 학습기와 설정을 대신 교차 검증했습니다: 학습용과 홀드아웃을 합친 {n}개 행 전체로 {k}폴드 교차 검증을 "
     "{r}회 반복했고, 폴드마다 같은 시드로 다시 학습했습니다. 각 값은 폴드 {t}개의 평균이며, 95% 구간은 {n}개 행을 "
     "1,000번 재표본해 반복마다의 폴드 밖 예측으로 점수를 낸 것이라 행이 얼마나 적은지 드러냅니다.",
     "So the model's learner and settings were cross-validated instead: 10 repeats of 5-fold stratified "
     "cross-validation on all 32 rows (training and held-out), refit on each fold with the same seed. Each value is "
     "the mean over the 50 folds; its 95% interval resamples the 32 rows (1,000 times) and scores every repeat's "
     "out-of-fold predictions of them, so it shows how few rows there are."),
    (r"(?P<n>\d+) held-out rows have a class the model never saw; they are left out\.",
     "홀드아웃 행 {n}개는 모델이 본 적 없는 클래스라서 제외했습니다.",
     "2 held-out rows have a class the model never saw; they are left out."),
    (r"(?P<n>\d+) rows have a class the model never saw; they are left out\.",
     "{n}개 행은 모델이 본 적 없는 클래스라서 제외했습니다.", "2 rows have a class the model never saw; they are left out."),
    (r"The experiment's metric (?P<metric>\S+) is not computed here; see the other metrics\.",
     "실험 지표 {metric}은(는) 여기서 계산하지 않습니다. 다른 지표를 보세요.",
     "The experiment's metric roc_auc_ovo is not computed here; see the other metrics."),
    # the verdict lines of a hypothesis's history (verdicts.verdict_text) and their notes
    (r"supported: (?P<metric>\S+) (?P<v>\S+) \((?P<reason>[^)]+)\) (?P<d>[<>]=) (?P<t>\S+), model (?P<m>\S+)",
     "지지됨: {metric} {v} ({reason}) {d} {t}, 모델 {m}",
     f"supported: roc_auc 0.981 (95% CI 0.962–0.995) >= 0.97, model {_M}"),
    (r"rejected: (?P<metric>\S+) (?P<v>\S+) \((?P<reason>[^)]+)\), not (?P<d>[<>]=) (?P<t>\S+), model (?P<m>\S+)",
     "기각됨: {metric} {v} ({reason}), {d} {t} 미충족, 모델 {m}",
     f"rejected: roc_auc 0.700 (95% CI 0.650–0.750), not >= 0.8, model {_M}"),
    (r"inconclusive: (?P<metric>\S+) (?P<v>\S+) \((?P<reason>[^)]+)\) straddles (?P<t>\S+), model (?P<m>\S+)",
     "결론 없음: {metric} {v} ({reason}), 구간이 {t}에 걸침, 모델 {m}",
     f"inconclusive: roc_auc 0.968 (95% CI 0.951–0.982, repeated cross-validation) straddles 0.97, model {_M}"),
    (r"supported \(set by hand\)", "지지됨(직접 정함)", "supported (set by hand)"),
    (r"rejected \(set by hand\)", "기각됨(직접 정함)", "rejected (set by hand)"),
    (r"inconclusive \(set by hand\)", "결론 없음(직접 정함)", "inconclusive (set by hand)"),
    (r"experiment '(?P<e>.+)' \((?P<id>\S+)\); recorded only: the verdict set by hand stands",
     "실험 '{e}' ({id}); 기록만 함: 직접 정한 판정이 유지됩니다",
     "experiment 'churn' (exp_2c6516eca19a); recorded only: the verdict set by hand stands"),
    (r"experiment '(?P<e>.+)' \((?P<id>\S+)\)", "실험 '{e}' ({id})", "experiment 'churn' (exp_2c6516eca19a)"),
    (r"from the evidence", "근거에 따름", "from the evidence"),
]
