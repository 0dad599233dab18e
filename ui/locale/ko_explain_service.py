"""Korean for what core says about stored explanations (core/explain/service.py, `mlcycle explain`): errors and
their hints, the ``explain`` job's title and progress, and (kind ``NOTES``) an explanation's notes and what-if notes.

Same form as ``ko_errors`` and ``ko_progress``: ``(regex over the whole English text, Korean template, an English
example)``; named groups carry the data (ids, column and dataset names, numbers) unchanged, and a group named
``reason`` is itself translated with the ``ERRORS`` patterns.
"""

_M = "mdl_5f0c1a9e2b7d"
_V = "dsv_5f0c1a9e2b7d"
_X = "xpl_5f0c1a9e2b7d"
_MODEL = r"(?P<l>\S+) model (?P<m>\S+)"
_MODEL_OF = _MODEL + r" of experiment '(?P<e>.+)'"
_VERSION = r"'(?P<ds>.+)' v(?P<k>\d+) \((?P<v>\S+)\)"

ERRORS: list[tuple[str, str, str]] = [
    (r"The number of rows to explain must be a whole number, not (?P<x>.+)\.",
     "설명할 행 수는 정수여야 합니다({x}는 정수가 아닙니다).",
     "The number of rows to explain must be a whole number, not 2.5."),
    (r"Explain at least one row \(asked for (?P<n>-?\d+)\)\.", "적어도 한 행은 설명해야 합니다(요청: {n}).",
     "Explain at least one row (asked for 0)."),
    (r"The seed must be a whole number, not (?P<x>.+)\.", "시드는 정수여야 합니다({x}는 정수가 아닙니다).",
     "The seed must be a whole number, not 'a'."),
    (r"Version (?P<k>\d+) of dataset '(?P<ds>.+)' \((?P<v>\S+)\) lacks the columns? (?P<cols>.+) that "
     + _MODEL_OF + r" needs\.",
     "데이터셋 '{ds}'의 버전 {k}({v})에 실험 '{e}'의 {l} 모델 {m}에 필요한 열 {cols}이(가) 없습니다.",
     f"Version 2 of dataset 'churn' ({_V}) lacks the columns 'x2', 'plan' that lgbm model {_M} of experiment "
     "'churned on churn v1' needs."),
    (r"Version (?P<k>\d+) of dataset '(?P<ds>.+)' \((?P<v>\S+)\) has no rows to explain\.",
     "데이터셋 '{ds}'의 버전 {k}({v})에 설명할 행이 없습니다.",
     f"Version 3 of dataset 'churn' ({_V}) has no rows to explain."),
    (r"There is no stored explanation with id '(?P<x>.+)'\.", "ID가 '{x}'인 저장된 설명이 없습니다.",
     f"There is no stored explanation with id '{_X}'."),
    (r"The stored explanation (?P<x>\S+) of model (?P<m>\S+) \(file (?P<f>\w+)\) is missing from (?P<root>.+)\.",
     "모델 {m}의 저장된 설명 {x}(파일 {f})이(가) {root}에 없습니다.",
     f"The stored explanation {_X} of model {_M} (file 3c1f0a9e2b7d) is missing from /data/ws/artifacts."),
    (r"The stored explanation (?P<x>\S+) of model (?P<m>\S+) \(file (?P<f>\w+)\) is damaged: (?P<reason>.+)",
     "모델 {m}의 저장된 설명 {x}(파일 {f})이(가) 손상되었습니다: {reason}",
     f"The stored explanation {_X} of model {_M} (file 3c1f0a9e2b7d) is damaged: Artifact 3c1f0a9e2b7d at "
     "/data/ws/artifacts/3c/1f is corrupted (its content hash is now 9a8b7c6d5e4f)."),
    (r"The stored explanation (?P<x>\S+) of model (?P<m>\S+) \(file (?P<f>\w+)\) cannot be read: (?P<why>.+)",
     "모델 {m}의 저장된 설명 {x}(파일 {f})을(를) 읽을 수 없습니다: {why}",
     f"The stored explanation {_X} of model {_M} (file 3c1f0a9e2b7d) cannot be read: File is not a zip file."),
    (r"The stored explanation (?P<x>\S+) of model (?P<m>\S+) \(file (?P<f>\w+)\) holds values of shape (?P<a>.+), "
     r"not (?P<b>.+)\.",
     "모델 {m}의 저장된 설명 {x}(파일 {f})에 든 값의 형태가 {b}가 아니라 {a}입니다.",
     f"The stored explanation {_X} of model {_M} (file 3c1f0a9e2b7d) holds values of shape (2, 2, 1), "
     "not (40, 3, 1)."),
    (r"The stored explanation (?P<x>\S+) points at rows its version (?P<v>\S+) does not have \((?P<n>[\d,]+) rows\)\.",
     "저장된 설명 {x}이(가) 버전 {v}에 없는 행을 가리킵니다(버전의 행 {n}개).",
     f"The stored explanation {_X} points at rows its version {_V} does not have (40 rows)."),
    (r"The explainer returned (?P<a>\d+) rows for the (?P<b>\d+) asked for\.",
     "설명기가 요청한 {b}개 행 대신 {a}개 행을 돌려주었습니다.", "The explainer returned 39 rows for the 40 asked for."),
    (r"This explanation of " + _MODEL + r" is already being computed by job '(?P<t>.+)' \((?P<j>\S+), "
     r"(?P<st>\w+)\)\.",
     "{l} 모델 {m}의 이 설명은 이미 작업 '{t}'({j}, {st})에서 계산 중입니다.",
     f"This explanation of lgbm model {_M} is already being computed by job 'Explain lgbm model {_M} on 5,000 rows "
     "of churn v1' (job_5f0c1a9e2b7d, running)."),
    (_MODEL + r" is already explained on (?P<n>[\d,]+) rows of " + _VERSION + r" \(explanation (?P<x>\S+)\)\.",
     "{l} 모델 {m}은(는) 이미 '{ds}' v{k}({v})의 행 {n}개로 설명되어 있습니다(설명 {x}).",
     f"lgbm model {_M} is already explained on 5,000 rows of 'churn' v1 ({_V}) (explanation {_X})."),
    (r"This explain job names no model\.", "이 설명 작업에 모델이 지정되지 않았습니다.", "This explain job names no model."),
    (r"Unknown choice of rows '(?P<x>.+)'\.", "알 수 없는 행 선택 방식 '{x}'입니다.", "Unknown choice of rows 'best'."),
    (r"Show at least one row \(asked for (?P<x>.+)\)\.", "적어도 한 행은 보여야 합니다(요청: {x}).",
     "Show at least one row (asked for 0)."),
    (r"Most confident applies to classifiers: a regression model gives no probability to rank its predictions by\.",
     "'가장 확신하는 예측'은 분류 모델에만 있습니다: 회귀 모델에는 예측의 순위를 매길 확률이 없습니다.",
     "Most confident applies to classifiers: a regression model gives no probability to rank its predictions by."),
    (r"These rows are not rows of " + _VERSION + r", so their target values cannot be read there\.",
     "이 행들은 '{ds}' v{k}({v})의 행이 아니어서 그 버전에서 타깃 값을 읽을 수 없습니다.",
     f"These rows are not rows of 'churn' v2 ({_V}), so their target values cannot be read there."),
    (r"The explained rows have no target values: " + _VERSION + r" has no column '(?P<c>.+)', so their errors "
     r"cannot be computed\.",
     "설명한 행에 타깃 값이 없습니다: '{ds}' v{k}({v})에 '{c}' 열이 없어 오차를 계산할 수 없습니다.",
     f"The explained rows have no target values: 'new' v1 ({_V}) has no column 'churned', so their errors cannot "
     "be computed."),
    (r"None of the (?P<n>[\d,]+) explained rows has a target value the model knows, so their errors cannot be "
     r"computed\.",
     "설명한 행 {n}개 중 모델이 아는 타깃 값을 가진 행이 없어 오차를 계산할 수 없습니다.",
     "None of the 40 explained rows has a target value the model knows, so their errors cannot be computed."),
    (r"There is no column '(?P<c>.+)' in the explained rows\.", "설명한 행에 '{c}' 열이 없습니다.",
     "There is no column 'age' in the explained rows."),
    (r"Column '(?P<c>.+)' needs a number; '(?P<x>.*)' is not one\.", "'{c}' 열에는 숫자가 필요합니다. '{x}'은(는) 숫자가 아닙니다.",
     "Column 'x1' needs a number; 'lots' is not one."),
    (r"Column '(?P<c>.+)' needs true or false; '(?P<x>.*)' is neither\.",
     "'{c}' 열에는 참 또는 거짓이 필요합니다. '{x}'은(는) 둘 다 아닙니다.", "Column 'member' needs true or false; 'maybe' is neither."),
    (r"Column '(?P<c>.+)' needs a date; '(?P<x>.*)' is not one\.", "'{c}' 열에는 날짜가 필요합니다. '{x}'은(는) 날짜가 아닙니다.",
     "Column 'signup' needs a date; 'soon' is not one."),
    (r"The row lacks the columns? (?P<cols>.+) the model reads\.", "행에 모델이 읽는 열 {cols}이(가) 없습니다.",
     "The row lacks the column 'plan' the model reads."),
    (r"The model does not read a column '(?P<c>.+)', so changing it changes nothing\.",
     "모델은 '{c}' 열을 읽지 않으므로 바꿔도 달라지는 것이 없습니다.",
     "The model does not read a column 'age', so changing it changes nothing."),
    (r"Compare two different models: both are the same one\.", "서로 다른 두 모델을 비교하세요: 두 모델이 같습니다.",
     "Compare two different models: both are the same one."),
]

HINTS: list[tuple[str, str, str]] = [
    (r"Give a positive number of rows \(the default is (?P<n>[\d,]+)\)\.", "양수의 행 수를 지정하세요(기본값 {n}).",
     "Give a positive number of rows (the default is 1,000)."),
    (r"E\.g\. 0\.", "예: 0.", "E.g. 0."),
    (r"Pick a version that has the columns? (?P<cols>.+), e\.g\. the experiment's held-out rows \(the default\)\.",
     "열 {cols}이(가) 있는 버전을 고르세요. 예: 실험의 홀드아웃 행(기본값).",
     "Pick a version that has the columns 'x2', 'plan', e.g. the experiment's held-out rows (the default)."),
    (r"Pick a version with rows\.", "행이 있는 버전을 고르세요.", "Pick a version with rows."),
    (r"Explain the model again \(the Explain page, or `mlcycle explain (?P<m>\S+)`\): it is computed anew\.",
     "모델을 다시 설명하세요(설명 페이지, 또는 `mlcycle explain {m}`): 새로 계산됩니다.",
     f"Explain the model again (the Explain page, or `mlcycle explain {_M}`): it is computed anew."),
    (r"Follow that job \(`mlcycle jobs show (?P<j>\S+)`\) instead of starting another\.",
     "새 작업을 시작하지 말고 그 작업을 지켜보세요(`mlcycle jobs show {j}`).",
     "Follow that job (`mlcycle jobs show job_5f0c1a9e2b7d`) instead of starting another."),
    (r"Open it on the Explain page, or print it with `(?P<cmd>mlcycle explain .+)`\.",
     "설명 페이지에서 열거나 `{cmd}`로 출력하세요.",
     f"Open it on the Explain page, or print it with `mlcycle explain {_M} --version {_V} --rows 5000`."),
    (r"Queue it again from the Explain page\.", "설명 페이지에서 다시 대기열에 넣으세요.",
     "Queue it again from the Explain page."),
    (r"Use 'errors' \(largest errors\) or 'confident' \(most confident predictions\)\.",
     "'errors'(오차가 가장 큰 행) 또는 'confident'(가장 확신하는 예측)를 쓰세요.",
     "Use 'errors' (largest errors) or 'confident' (most confident predictions)."),
    (r"Give a positive number\.", "양수를 지정하세요.", "Give a positive number."),
    (r"Pick rows by largest errors, by index or by search\.", "오차가 가장 큰 행, 행 번호, 또는 검색으로 행을 고르세요.",
     "Pick rows by largest errors, by index or by search."),
    (r"Pass the version the explanation was made on \(version_id\)\.", "설명을 만든 버전을 지정하세요(version_id).",
     "Pass the version the explanation was made on (version_id)."),
    (r"Pick rows by index or search instead, or explain a version with '(?P<c>.+)' \(the experiment's held-out rows "
     r"have it\)\.",
     "대신 행 번호나 검색으로 행을 고르거나, '{c}' 열이 있는 버전을 설명하세요(실험의 홀드아웃 행에는 있습니다).",
     "Pick rows by index or search instead, or explain a version with 'churned' (the experiment's held-out rows "
     "have it)."),
    (r"Pick rows by index or by search instead\.", "대신 행 번호나 검색으로 행을 고르세요.",
     "Pick rows by index or by search instead."),
    (r"Search one of: (?P<cols>.+)\.", "다음 중 하나를 검색하세요: {cols}.", "Search one of: x1, x2, plan."),
    (r"Type a number such as 3\.5 for '(?P<c>.+)', or leave it empty for a missing value\.",
     "'{c}'에 3.5 같은 숫자를 입력하거나, 결측값이면 비워 두세요.",
     "Type a number such as 3.5 for 'x1', or leave it empty for a missing value."),
    (r"Type true or false \(or yes/no, 1/0\) for '(?P<c>.+)'\.", "'{c}'에 true 또는 false(또는 yes/no, 1/0)를 입력하세요.",
     "Type true or false (or yes/no, 1/0) for 'member'."),
    (r"Type a date such as 2024-03-01 for '(?P<c>.+)'\.", "'{c}'에 2024-03-01 같은 날짜를 입력하세요.",
     "Type a date such as 2024-03-01 for 'signup'."),
    (r"The model reads: (?P<cols>.+)\.", "모델이 읽는 열: {cols}.", "The model reads: x1, x2, plan."),
    (r"Change one of: (?P<cols>.+)\.", "다음 중 하나를 바꾸세요: {cols}.", "Change one of: x1, x2, plan."),
    (r"Pick another model to compare with\.", "비교할 다른 모델을 고르세요.", "Pick another model to compare with."),
]

PROGRESS: list[tuple[str, str, str]] = [
    # the job's title (enqueue_explanation)
    (r"Explain " + _MODEL + r" on (?P<n>[\d,]+) rows of (?P<ds>.+) v(?P<k>\d+)",
     "{l} 모델 {m} 설명: {ds} v{k}의 행 {n}개", f"Explain lgbm model {_M} on 5,000 rows of churn v1"),
    # progress (explain_model, run_explain_job)
    (r"Explaining " + _MODEL + r": reading (?P<n>[\d,]+) rows of " + _VERSION,
     "{l} 모델 {m} 설명 중: '{ds}' v{k}({v})의 행 {n}개를 읽는 중",
     f"Explaining lgbm model {_M}: reading 5,000 rows of 'churn' v1 ({_V})"),
    (r"Explaining " + _MODEL + r": sampling (?P<n>[\d,]+) training rows as the background",
     "{l} 모델 {m} 설명 중: 학습 행 {n}개를 배경 데이터로 추출하는 중",
     f"Explaining lrl2 model {_M}: sampling 200 training rows as the background"),
    (r"Explaining " + _MODEL + r": Explained (?P<a>[\d,]+) of (?P<b>[\d,]+) rows",
     "{l} 모델 {m} 설명 중: 행 {b}개 중 {a}개 설명함", f"Explaining lgbm model {_M}: Explained 5,000 of 10,000 rows"),
    (r"Explaining " + _MODEL + r": Explained (?P<n>[\d,]+) rows", "{l} 모델 {m} 설명 중: 행 {n}개 설명함",
     f"Explaining lgbm model {_M}: Explained 10,000 rows"),
    (r"Explaining " + _MODEL + r": storing the explanation", "{l} 모델 {m} 설명 중: 설명을 저장하는 중",
     f"Explaining lgbm model {_M}: storing the explanation"),
    (r"Explained (?P<n>[\d,]+) rows of " + _VERSION + r" with the (?P<x>\w+) explainer",
     "'{ds}' v{k}({v})의 행 {n}개를 {x} 설명기로 설명함",
     f"Explained 5,000 rows of 'churn' v1 ({_V}) with the tree explainer"),
    (r"Explained (?P<n>[\d,]+) rows with the (?P<x>\w+) explainer", "행 {n}개를 {x} 설명기로 설명함",
     "Explained 5,000 rows with the tree explainer"),
]

NOTES: list[tuple[str, str, str]] = [
    # a stored explanation's notes (StoredExplanation.notes, Explanation.notes)
    (r"All (?P<n>[\d,]+) rows of " + _VERSION + r"\.", "'{ds}' v{k}({v})의 행 {n}개 전체.",
     f"All 40 rows of 'churn' v2 ({_V})."),
    (r"A random sample \(seed (?P<s>-?\d+)\) of (?P<n>[\d,]+) of the (?P<t>[\d,]+) rows of " + _VERSION
     + r", kept in row order\.",
     "'{ds}' v{k}({v})의 행 {t}개 중 무작위로 뽑은 {n}개(시드 {s}), 원래 행 순서대로.",
     f"A random sample (seed 0) of 1,000 of the 12,000 rows of 'churn' v1 ({_V}), kept in row order."),
    # notes core.explain.explainers writes (kept in the stored explanation)
    (r"Background: (?P<n>[\d,]+) training rows; the base value is the model's average output over them\.",
     "배경 데이터: 학습 행 {n}개. 기준값은 이 행들에 대한 모델 출력의 평균입니다.",
     "Background: 200 training rows; the base value is the model's average output over them."),
    (r"Background: (?P<n>[\d,]+) of the explained rows \(no training rows were given\); the base value is the "
     r"model's average output over them\.",
     "배경 데이터: 설명한 행 중 {n}개(학습 행이 주어지지 않음). 기준값은 이 행들에 대한 모델 출력의 평균입니다.",
     "Background: 40 of the explained rows (no training rows were given); the base value is the model's average "
     "output over them."),
    (r"Permutation explainer: one forward-and-back permutation per row over (?P<m>[\d,]+) background rows sampled "
     r"from (?P<n>[\d,]+) training rows \(exactly additive; each column's share is an estimate\)\.",
     "순열 설명기: 학습 행 {n}개에서 뽑은 배경 행 {m}개로 행마다 앞뒤 순열을 한 번 계산했습니다(합은 정확하고, "
     "열별 몫은 추정치입니다).",
     "Permutation explainer: one forward-and-back permutation per row over 50 background rows sampled from 200 "
     "training rows (exactly additive; each column's share is an estimate)."),
    (r"Permutation explainer: one forward-and-back permutation per row over (?P<m>[\d,]+) background rows sampled "
     r"from (?P<n>[\d,]+) of the explained rows \(no training rows were given\) \(exactly additive; each column's "
     r"share is an estimate\)\.",
     "순열 설명기: 설명한 행 {n}개(학습 행이 주어지지 않음)에서 뽑은 배경 행 {m}개로 행마다 앞뒤 순열을 한 번 "
     "계산했습니다(합은 정확하고, 열별 몫은 추정치입니다).",
     "Permutation explainer: one forward-and-back permutation per row over 40 background rows sampled from 40 of "
     "the explained rows (no training rows were given) (exactly additive; each column's share is an estimate)."),
    # what_if's notes
    (r"'(?P<x>.*)' is not a value of '(?P<c>.+)' the model saw in training: it is treated as other\.",
     "'{x}'은(는) 모델이 학습 때 본 '{c}' 값이 아니어서 '기타'로 처리합니다.",
     "'platinum' is not a value of 'plan' the model saw in training: it is treated as other."),
]
