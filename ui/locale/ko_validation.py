"""Korean for what core says about gates, the registry and processing benchmarks (core/evaluation:
gates.py, registry.py, benchmark.py): errors and their hints, job titles and progress messages.

Same form as ``ko_errors`` and ``ko_progress``: ``(regex over the whole English text, Korean template,
an English example)``; named groups carry the data (rule text, field and model names) unchanged, and a
group named ``reason`` is itself translated with the ``ERRORS`` patterns. A gate rule's clauses are the
user's own text and stay as written.
"""

KO: dict[str, str] = {}

_EXAMPLE = "roc_auc >= 0.9 and p99_ms <= 10"
_GRAMMAR = ('expr := term ("or" term)*;  term := factor ("and" factor)*;  '
            'factor := "not" factor | "(" expr ")" | NAME OP NUMBER;  OP := >= <= > < == !=')

ERRORS: list[tuple[str, str, str]] = [
    # -- gate rules (core/evaluation/gates.py) --
    (r"Expected (?P<reason>.+) at column (?P<col>\d+), found the end of the rule\.",
     "{col}열에서 규칙이 끝났습니다. 그 자리에는 {reason}이(가) 와야 합니다.",
     "Expected a number such as 0.9, 1e-3 or 10 at column 11, found the end of the rule."),
    (r"Expected (?P<reason>.+) at column (?P<col>\d+), found '(?P<tok>.*)'\.",
     "{col}열의 '{tok}' 자리에는 {reason}이(가) 와야 합니다.",
     "Expected 'and', 'or' or the end of the rule at column 15, found ')'."),
    # what was expected (the reason of the two above)
    (r"a comparison such as roc_auc >= 0\.9", "roc_auc >= 0.9 같은 비교식", "a comparison such as roc_auc >= 0.9"),
    (r"'and', 'or' or the end of the rule", "'and', 'or' 또는 규칙의 끝", "'and', 'or' or the end of the rule"),
    (r"'\)'", "닫는 괄호 ')'", "')'"),
    (r"a field name, 'not' or '\('", "필드 이름, 'not' 또는 '('", "a field name, 'not' or '('"),
    (r"a comparison \(>=, <=, >, <, == or !=\)", "비교 연산자(>=, <=, >, <, == 또는 !=)",
     "a comparison (>=, <=, >, <, == or !=)"),
    (r"a number such as 0\.9, 1e-3 or 10", "0.9, 1e-3, 10 같은 숫자", "a number such as 0.9, 1e-3 or 10"),
    (r"Unknown field '(?P<f>.+)' at column (?P<col>\d+): did you mean one of (?P<opts>.+)\?",
     "{col}열의 '{f}'은(는) 알 수 없는 필드입니다. 다음 중 하나인가요: {opts}",
     "Unknown field 'p99ms' at column 20: did you mean one of 'p99_ms', 'p95_ms'?"),
    (r"Unknown field '(?P<f>.+)' at column (?P<col>\d+): did you mean (?P<opt>'.+')\?",
     "{col}열의 '{f}'은(는) 알 수 없는 필드입니다. {opt}을(를) 뜻했나요?",
     "Unknown field 'p99' at column 1: did you mean 'p99_ms'?"),
    (r"Unknown field '(?P<f>.+)' at column (?P<col>\d+)\.", "{col}열의 '{f}'은(는) 알 수 없는 필드입니다.",
     "Unknown field '__import__' at column 1."),
    (r"'=' at column (?P<col>\d+) is not a comparison\.", "{col}열의 '='은(는) 비교 연산자가 아닙니다.",
     "'=' at column 9 is not a comparison."),
    (r"'(?P<ch>.+)' at column (?P<col>\d+) is not allowed\.", "{col}열의 '{ch}'은(는) 쓸 수 없습니다.",
     "'&' at column 16 is not allowed."),
    (r"Unexpected character '(?P<ch>.+)' at column (?P<col>\d+)\.", "{col}열에 예상하지 못한 문자 '{ch}'이(가) 있습니다.",
     "Unexpected character ';' at column 15."),
    (r"'(?P<tok>.+)' at column (?P<col>\d+) is not a number\.", "{col}열의 '{tok}'은(는) 숫자가 아닙니다.",
     "'0.9x' at column 12 is not a number."),
    # first lines of gate hints (translated as the reason of the hint patterns below)
    (r"Write numbers like 0\.9, 1e-3 or 10\.", "숫자는 0.9, 1e-3, 10처럼 씁니다.", "Write numbers like 0.9, 1e-3 or 10."),
    (r"Compare with ==, !=, >=, <=, > or <\.", "==, !=, >=, <=, >, < 중 하나로 비교합니다.",
     "Compare with ==, !=, >=, <=, > or <."),
    (r"Write '(?P<w>and|or|not)'\.", "'{w}'라고 씁니다.", "Write 'and'."),
    (r"A rule holds field names, comparisons, numbers, and/or/not and parentheses only\.",
     "규칙에는 필드 이름, 비교 연산자, 숫자, and/or/not, 괄호만 쓸 수 있습니다.",
     "A rule holds field names, comparisons, numbers, and/or/not and parentheses only."),
    (r"This '\)' closes no '\('\.", "이 ')'에 짝이 되는 '('가 없습니다.", "This ')' closes no '('."),
    (r"The '\(' at column (?P<col>\d+) is not closed\.", "{col}열의 '('가 닫히지 않았습니다.",
     "The '(' at column 1 is not closed."),
    (r"Put the field before the number \(roc_auc >= 0\.9\)\. Fields: (?P<f>.+), and <metric>_low / <metric>_high "
     r"for the interval bounds\.",
     "필드를 숫자 앞에 씁니다(roc_auc >= 0.9). 필드: {f}, 그리고 구간 경계 <metric>_low / <metric>_high.",
     "Put the field before the number (roc_auc >= 0.9). Fields: accuracy, p99_ms, and <metric>_low / "
     "<metric>_high for the interval bounds."),
    (r"Fields: (?P<f>.+), and <metric>_low / <metric>_high for the interval bounds\.",
     "필드: {f}, 그리고 구간 경계 <metric>_low / <metric>_high.",
     "Fields: accuracy, p99_ms, and <metric>_low / <metric>_high for the interval bounds."),
    # -- the registry (core/evaluation/registry.py) --
    (r"There is no stage '(?P<s>.*)': did you mean '(?P<c>\w+)'\?", "'{s}' 단계는 없습니다. '{c}'을(를) 뜻했나요?",
     "There is no stage 'prod': did you mean 'production'?"),
    (r"There is no stage '(?P<s>.*)'\.", "'{s}' 단계는 없습니다.", "There is no stage 'staging'."),
    (r"Model (?P<m>.+) belongs to no project, and production is per project\.",
     "모델 {m}은(는) 어느 프로젝트에도 속하지 않습니다. 운영(production)은 프로젝트마다 하나입니다.",
     "Model lgbm (mdl_5f0c1a9e2b7d) belongs to no project, and production is per project."),
    (r"Model (?P<m>.+?) fails the project's gate: (?P<c>.+)\.",
     "모델 {m}이(가) 프로젝트 게이트를 통과하지 못합니다: {c}",
     "Model lgbm (mdl_5f0c1a9e2b7d) fails the project's gate: p99_ms <= 10 (is 14.2)."),
    (r"Model (?P<m>.+?) cannot be judged by the project's gate yet: (?P<c>.+)\.",
     "모델 {m}은(는) 아직 프로젝트 게이트로 판정할 수 없습니다: {c}",
     "Model lgbm (mdl_5f0c1a9e2b7d) cannot be judged by the project's gate yet: p99_ms <= 10 (no benchmark yet: "
     "benchmark the model)."),
    # -- benchmarks (core/evaluation/benchmark.py) --
    (r"Benchmarking model (?P<m>.+?) did not finish within (?P<t>\S+) s; it was stopped\.",
     "모델 {m}의 벤치마크가 {t}초 안에 끝나지 않아 중단했습니다.",
     "Benchmarking model lgbm (mdl_5f0c1a9e2b7d) did not finish within 900 s; it was stopped."),
    (r"Benchmarking model (?P<m>.+?) failed: the measuring process was killed by (?P<sig>\w+) \(out of memory\?\)\.?",
     "모델 {m}의 벤치마크가 실패했습니다: 측정 프로세스가 {sig}로 종료되었습니다(메모리 부족?).",
     "Benchmarking model lgbm (mdl_5f0c1a9e2b7d) failed: the measuring process was killed by SIGKILL (out of "
     "memory?)."),
    (r"Benchmarking model (?P<m>.+?) failed: the measuring process was killed by (?P<sig>\w+)\.",
     "모델 {m}의 벤치마크가 실패했습니다: 측정 프로세스가 {sig}로 종료되었습니다.",
     "Benchmarking model lgbm (mdl_5f0c1a9e2b7d) failed: the measuring process was killed by SIGABRT."),
    (r"Benchmarking model (?P<m>.+?) failed: the measuring process crashed \(exit code (?P<code>-?\d+)\)"
     r"(?:: (?P<detail>.+)|\.)",
     "모델 {m}의 벤치마크가 실패했습니다: 측정 프로세스가 비정상 종료했습니다(종료 코드 {code}). {detail}",
     "Benchmarking model lgbm (mdl_5f0c1a9e2b7d) failed: the measuring process crashed (exit code 3): Fatal."),
    (r"Benchmarking model (?P<m>.+?) failed: the measuring process ended without printing its figures(?:: "
     r"(?P<detail>.+)|\.)",
     "모델 {m}의 벤치마크가 실패했습니다: 측정 프로세스가 수치를 출력하지 않고 끝났습니다. {detail}",
     "Benchmarking model lgbm (mdl_5f0c1a9e2b7d) failed: the measuring process ended without printing its figures."),
    (r"Model (?P<m>.+?) could not be benchmarked: (?P<reason>.+)", "모델 {m}을(를) 벤치마크할 수 없습니다: {reason}",
     "Model lgbm (mdl_5f0c1a9e2b7d) could not be benchmarked: There are no sample rows to predict on."),
    (r"(?P<k>\d+) of (?P<n>\d+) models could not be benchmarked: (?P<rest>.+)",
     "모델 {n}개 중 {k}개를 벤치마크할 수 없습니다: {rest}",
     "1 of 2 models could not be benchmarked: Model lgbm (mdl_5f0c1a9e2b7d) could not be benchmarked: broken."),
    (r"Model (?P<m>.+?) cannot be benchmarked: its held-out data has no rows\.",
     "모델 {m}을(를) 벤치마크할 수 없습니다: 홀드아웃 데이터에 행이 없습니다.",
     "Model lgbm (mdl_5f0c1a9e2b7d) cannot be benchmarked: its held-out data has no rows."),
    (r"Model (?P<m>.+?) cannot be benchmarked: the data of experiment '(?P<e>.+)' is missing, so there are no "
     r"rows to predict on\.",
     "모델 {m}을(를) 벤치마크할 수 없습니다: 실험 '{e}'의 데이터가 없어 예측할 행이 없습니다.",
     "Model lgbm (mdl_5f0c1a9e2b7d) cannot be benchmarked: the data of experiment 'churn' is missing, so there "
     "are no rows to predict on."),
    (r"There are no sample rows to predict on\.", "예측할 샘플 행이 없습니다.", "There are no sample rows to predict on."),
    (r"Choose at least one model to benchmark\.", "벤치마크할 모델을 하나 이상 고르세요.",
     "Choose at least one model to benchmark."),
    (r"A benchmark needs at least one call, not (?P<n>.+)\.", "벤치마크에는 호출이 한 번 이상 필요합니다({n}번이 아니라).",
     "A benchmark needs at least one call, not 0."),
    (r"This benchmark job names no model\.", "이 벤치마크 작업에는 모델이 지정되지 않았습니다.",
     "This benchmark job names no model."),
]

HINTS: list[tuple[str, str, str]] = [
    # a gate rule's hint: what to do (optional), the rule with a caret under the bad token, an example, the grammar
    (r"(?P<reason>[^\n]+)\n(?P<rule>  [^\n]*)\n(?P<caret> *\^)\nA rule reads like: (?P<ex>[^\n]+)\nGrammar: (?P<g>.+)",
     "{reason}\n{rule}\n{caret}\n규칙 예: {ex}\n문법: {g}",
     f"Write numbers like 0.9, 1e-3 or 10.\n  roc_auc >= 0.9x\n             ^\nA rule reads like: {_EXAMPLE}\n"
     f"Grammar: {_GRAMMAR}"),
    (r"(?P<rule>  [^\n]*)\n(?P<caret> *\^)\nA rule reads like: (?P<ex>[^\n]+)\nGrammar: (?P<g>.+)",
     "{rule}\n{caret}\n규칙 예: {ex}\n문법: {g}",
     f"  roc_auc >=\n            ^\nA rule reads like: {_EXAMPLE}\nGrammar: {_GRAMMAR}"),
    (r"A model's stage is one of: (?P<s>.+)\.", "모델 단계는 다음 중 하나입니다: {s}.",
     "A model's stage is one of: none, candidate, production, archived."),
    (r"Promote it to candidate, or train it in an experiment of a project\.",
     "후보(candidate)로 올리거나, 프로젝트의 실험에서 학습하세요.",
     "Promote it to candidate, or train it in an experiment of a project."),
    (r"Improve the model or change the gate \(`mlcycle gates`\), or promote it anyway with --force \(the override "
     r"is recorded in its history\)\.",
     "모델을 개선하거나 게이트를 바꾸세요(`mlcycle gates`). 그래도 올리려면 --force를 쓰세요(예외 처리는 이력에 "
     "기록됩니다).",
     "Improve the model or change the gate (`mlcycle gates`), or promote it anyway with --force (the override is "
     "recorded in its history)."),
    (r"The model may be too slow for 10,000-row batches on this machine\. Try again when the machine is less busy, "
     r"or with fewer calls \(`--calls`\)\.",
     "이 컴퓨터에서는 10,000행 배치가 너무 느린 모델일 수 있습니다. 컴퓨터가 덜 바쁠 때 다시 하거나 호출 수를 "
     "줄이세요(`--calls`).",
     "The model may be too slow for 10,000-row batches on this machine. Try again when the machine is less busy, "
     "or with fewer calls (`--calls`)."),
    (r"The model's library failed while loading or predicting in a fresh process\. Check that the model loads "
     r"\(`mlcycle models show MODEL`\), then benchmark it again\.",
     "새 프로세스에서 모델을 불러오거나 예측하는 중에 모델 라이브러리가 실패했습니다. 모델이 열리는지 확인한 뒤"
     "(`mlcycle models show MODEL`) 다시 벤치마크하세요.",
     "The model's library failed while loading or predicting in a fresh process. Check that the model loads "
     "(`mlcycle models show MODEL`), then benchmark it again."),
    (r"The figures of the other models are stored; the job's log has each model's reason\.",
     "다른 모델의 수치는 저장되었습니다. 모델별 이유는 작업 로그에 있습니다.",
     "The figures of the other models are stored; the job's log has each model's reason."),
    (r"Benchmark a model whose experiment held out some rows\.", "홀드아웃 행이 있는 실험의 모델을 벤치마크하세요.",
     "Benchmark a model whose experiment held out some rows."),
    (r"Pass model ids, e\.g\. (?P<id>\S+)\.", "모델 ID를 넘기세요(예: {id}).", "Pass model ids, e.g. mdl_5f0c1a9e2b7d."),
    (r"Use --calls 1000 \(the default\)\.", "--calls 1000(기본값)을 쓰세요.", "Use --calls 1000 (the default)."),
    (r"Queue it again with model ids\.", "모델 ID를 넣어 다시 대기열에 넣으세요.", "Queue it again with model ids."),
]

PROGRESS: list[tuple[str, str, str]] = [
    (r"Benchmark: (?P<n>\d+) models", "벤치마크: 모델 {n}개", "Benchmark: 3 models"),
    (r"Benchmark: (?P<m>.+)", "벤치마크: {m}", "Benchmark: lgbm (mdl_5f0c1a9e2b7d)"),
    (r"Benchmarking model (?P<i>\d+) of (?P<n>\d+): Measuring (?P<m>.+?): (?P<c>[\d,]+) single-row calls on "
     r"(?P<r>\d+) sample rows, then batches of 100 and 10,000",
     "모델 {n}개 중 {i}번째 벤치마크: {m} 측정 중 — 단일 행 호출 {c}번(샘플 {r}행), 이어서 100행·10,000행 배치",
     "Benchmarking model 1 of 2: Measuring lgbm (mdl_5f0c1a9e2b7d): 1,000 single-row calls on 40 sample rows, "
     "then batches of 100 and 10,000"),
    (r"Benchmarking model (?P<i>\d+) of (?P<n>\d+): (?P<m>\S+)", "모델 {n}개 중 {i}번째 벤치마크: {m}",
     "Benchmarking model 1 of 2: mdl_5f0c1a9e2b7d"),
    (r"Benchmarked (?P<k>\d+) of (?P<n>\d+) models", "모델 {n}개 중 {k}개 벤치마크 완료", "Benchmarked 2 of 2 models"),
]
