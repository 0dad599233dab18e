"""Korean for the Data step: the Datasets page (upload, table, versions, views, archive) and the shared pickers."""

KO = {
    # page
    "Every upload and every change is an immutable version, identified by its content, with its lineage.":
        "업로드와 변경은 모두 내용으로 식별되는 불변 버전이 되며, 계보가 함께 기록됩니다.",
    "Datasets of this project": "이 프로젝트의 데이터셋",
    "Add data": "데이터 추가",
    "Upload a file": "파일 업로드",
    "Attach a shared dataset": "공유 데이터셋 연결",
    "No datasets in this project yet. Upload a CSV, TSV, Excel, Parquet or JSON file above "
    "(try `data/samples/iris_ko_cp949.csv`).":
        "이 프로젝트에는 아직 데이터셋이 없습니다. 위에서 CSV, TSV, Excel, Parquet 또는 JSON 파일을 올리세요 "
        "(예: `data/samples/iris_ko_cp949.csv`).",
    # upload
    "Data file": "데이터 파일",
    "CSV/TSV/TXT (delimiter and decimal comma detected), Excel, Parquet, JSON or JSON Lines":
        "CSV/TSV/TXT(구분자와 소수점 쉼표 자동 감지), Excel, Parquet, JSON 또는 JSON Lines",
    "Dataset name": "데이터셋 이름",
    "defaults to the file name": "비워 두면 파일 이름",
    "Sheet": "시트",
    "The workbook's sheets; another sheet than the first becomes its own dataset unless you name one":
        "통합 문서의 시트입니다. 첫 시트가 아닌 시트는 이름을 따로 주지 않으면 별도의 데이터셋이 됩니다",
    "Encoding": "인코딩",
    "detect": "자동 감지",
    "Detection recognises UTF-8, UTF-16, cp949/euc-kr and latin-1":
        "UTF-8, UTF-16, cp949/euc-kr, latin-1을 자동으로 알아봅니다",
    "Description": "설명",
    "License": "라이선스",
    "e.g. CC BY 4.0, internal": "예: CC BY 4.0, 사내용",
    "Source (URL or note)": "출처 (URL 또는 메모)",
    "Add dataset": "데이터셋 추가",
    "Choose a file to upload first.": "먼저 올릴 파일을 고르세요.",
    "Ingesting {file}…": "{file} 읽는 중…",
    "Could not ingest {file}": "{file}을(를) 읽지 못했습니다",
    "{n} rows": "{n}행",
    "{n} columns": "{n}열",
    "{version}: {size} stored": "{version}: {size} 저장됨",
    "{version}: {size}, already stored; reused": "{version}: {size}, 이미 저장된 내용이라 재사용했습니다",
    "Detected: {what}": "감지 결과: {what}",
    "encoding {name}": "인코딩 {name}",
    "delimiter: {name}": "구분자: {name}",
    "decimal mark: {name}": "소수점: {name}",
    "sheet '{name}' ({n} of {total})": "시트 '{name}' ({total}개 중 {n}번째)",
    "comma (,)": "쉼표 (,)",
    "semicolon (;)": "세미콜론 (;)",
    "tab": "탭",
    "pipe (|)": "세로 막대 (|)",
    "point (.)": "마침표 (.)",
    # attach
    "Datasets belong to the workspace: those of other projects appear here to attach.":
        "데이터셋은 작업 공간에 속합니다. 다른 프로젝트의 데이터셋이 여기에 나타나며 연결할 수 있습니다.",
    "Dataset": "데이터셋",
    "Attach to this project": "이 프로젝트에 연결",
    "Attached {name}": "{name}을(를) 연결했습니다",
    # datasets table
    "Versions": "버전",
    "Versions you made (train/test splits not counted)": "직접 만든 버전 수 (학습/테스트 분할 제외)",
    "Rows": "행 수",
    "Columns": "열 수",
    "Updated": "최근 변경",
    "ID": "식별 ID",
    # one dataset
    "{n} versions": "버전 {n}개",
    "{n} train/test parts": "학습/테스트 분할 {n}개",
    "license: {license}": "라이선스: {license}",
    "added {when}": "{when} 추가",
    "Show train/test splits": "학습/테스트 분할 보기",
    "Each experiment holds out a test part and trains on the rest; they are listed under the version they came "
    "from":
        "실험마다 테스트용 행을 떼어 두고 나머지로 학습합니다. 분할된 버전은 원래 버전 아래에 표시됩니다",
    "Version": "버전",
    "How it was made": "만든 방법",
    "uploaded from {file}": "{file}에서 업로드",
    "Drop columns: {columns}": "열 삭제: {columns}",
    "Rename columns: {changes}": "열 이름 바꾸기: {changes}",
    "Change types: {changes}": "형식 바꾸기: {changes}",
    "Keep rows where {where}": "남긴 행: {where}",
    "and": "그리고",
    "or": "또는",
    "Stored size": "저장 크기",
    "Created": "생성",
    "Used by experiments": "사용하는 실험",
    " and {n} more": " 외 {n}개",
    "archived": "보관됨",
    "Every version of this dataset is archived: restore one below.":
        "이 데이터셋의 모든 버전이 보관되었습니다. 아래에서 하나를 복원하세요.",
    "train part of v{n}": "v{n}의 학습 분할",
    "test part of v{n}": "v{n}의 테스트 분할",
    "train part of a split": "분할의 학습 부분",
    "test part of a split": "분할의 테스트 부분",
    # archive and restore
    "**{name}** is archived: it is hidden from lists and pickers; its versions and their lineage are kept.":
        "**{name}**은(는) 보관되었습니다. 목록과 선택 상자에서 숨겨지며, 버전과 계보는 그대로 남아 있습니다.",
    "Restore {name}": "{name} 복원",
    "v{n} is archived: it is hidden from lists and pickers.": "v{n}은(는) 보관되어 목록과 선택 상자에서 숨겨져 있습니다.",
    "Restore v{n}": "v{n} 복원",
    "Restored {name}": "{name}을(를) 복원했습니다",
    "Restored {name} v{n}": "{name} v{n}을(를) 복원했습니다",
    "Used by experiment {names}, so v{n} is kept (it cannot be archived).":
        "실험 {names}에서 사용 중이라 v{n}은(는) 보관할 수 없습니다.",
    "Archive v{n}": "v{n} 보관",
    "Archive v{n} of {name}? It leaves lists and pickers; its data, lineage and id stay, and it can be "
    "restored from **Archived** below.":
        "{name}의 v{n}을(를) 보관할까요? 목록과 선택 상자에서 사라지지만 데이터, 계보, id는 남으며 "
        "아래 **보관됨**에서 복원할 수 있습니다.",
    "Archive dataset": "데이터셋 보관",
    "Archive {name} with all its versions? It leaves lists and pickers; nothing is deleted, and it can be "
    "restored from **Archived** below.":
        "{name}을(를) 모든 버전과 함께 보관할까요? 목록과 선택 상자에서 사라지지만 아무것도 지워지지 않으며 "
        "아래 **보관됨**에서 복원할 수 있습니다.",
    " Experiments that used it ({names}) keep their data.": " 이 데이터를 쓴 실험({names})은 데이터를 그대로 유지합니다.",
    "Archive": "보관",
    "Cancel": "취소",
    "Archived {name}": "{name}을(를) 보관했습니다",
    "Archived {name} v{n}": "{name} v{n}을(를) 보관했습니다",
    "Archived ({n})": "보관됨 ({n})",
    "archived {when}": "{when} 보관",
    "Restore": "복원",
    # views
    "Schema": "스키마",
    "Preview": "미리보기",
    "Derive": "파생",
    "Compare": "비교",
    "Lineage": "계보",
    "Download": "다운로드",
    # schema
    "Column": "열",
    "Stored as": "저장 형식",
    "Meaning (semantic type)": "의미 유형",
    "Findings": "발견 사항",
    "numeric": "수치형",
    "categorical": "범주형",
    "boolean": "불리언",
    "date/time": "날짜/시간",
    "text": "텍스트",
    "identifier": "식별자",
    "image path": "이미지 경로",
    "numbers and text mixed": "숫자와 텍스트 혼재",
    "all missing": "모두 결측",
    "constant": "상수",
    "Save semantic types": "의미 유형 저장",
    "Semantic types saved": "의미 유형을 저장했습니다",
    # preview
    "First {shown} of {total} rows.": "전체 {total}행 중 처음 {shown}행.",
    "All {n} rows.": "전체 {n}행.",
    "Source: {source}": "출처: {source}",
    "Made from v{n}: {how}": "v{n}에서 만듦: {how}",
    # derive
    "Operation": "작업",
    "Drop columns": "열 삭제",
    "Rename columns": "열 이름 바꾸기",
    "Filter rows": "행 필터",
    "Change types": "형식 바꾸기",
    "Remove duplicate rows": "중복 행 제거",
    "Train/test split": "학습/테스트 분할",
    "Columns to drop": "삭제할 열",
    "Choose columns": "열 선택",
    "All columns": "모든 열",
    "New name": "새 이름",
    "Keep rows where": "남길 행 조건",
    "is empty": "비어 있음",
    "is not empty": "비어 있지 않음",
    "contains": "포함",
    "is one of": "다음 중 하나",
    "Value": "값",
    "for 'is one of': comma-separated values": "'다음 중 하나'는 쉼표로 구분한 값",
    "New type": "새 형식",
    "whole number (int)": "정수 (int)",
    "decimal number (float)": "실수 (float)",
    "text (string)": "텍스트 (string)",
    "true/false (bool)": "참/거짓 (bool)",
    "date and time (datetime)": "날짜와 시간 (datetime)",
    "category": "범주",
    "Compare on these columns (empty: all)": "비교할 열 (비우면 전체)",
    "Stratify on (target)": "층화 기준 (타깃)",
    "— none —": "— 없음 —",
    "Test share": "테스트 비율",
    "Seed": "시드",
    "Note (optional)": "메모 (선택)",
    "Create new version": "새 버전 만들기",
    "Split into v{train} (train) and v{test} (test)": "v{train}(학습)과 v{test}(테스트)로 나눴습니다",
    "Created {name} v{n}": "{name} v{n}을(를) 만들었습니다",
    # compare
    "Derive a version first; then compare any two here.": "먼저 버전을 파생하세요. 그러면 여기서 두 버전을 비교할 수 있습니다.",
    "Compare v{n} with": "v{n}과(와) 비교할 버전",
    "Key column (matches rows to find changed values)": "키 열 (행을 짝지어 바뀐 값을 찾음)",
    "— none: match whole rows —": "— 없음: 행 전체로 짝짓기 —",
    "From {old} to {new}": "{old}에서 {new}(으)로",
    "{old} and {new} hold the same table.": "{old}과(와) {new}은(는) 같은 표입니다.",
    "Rows added": "추가된 행",
    "Rows removed": "삭제된 행",
    "Rows changed": "바뀐 행",
    "Needs a key column to tell a changed row from one removed and one added":
        "바뀐 행을 삭제+추가와 구별하려면 키 열이 필요합니다",
    "Rows matched by {key}.": "{key} 기준으로 행을 짝지었습니다.",
    "The tables are too big to match whole rows; choose a key column to compare rows.":
        "표가 커서 행 전체로 짝지을 수 없습니다. 행을 비교하려면 키 열을 고르세요.",
    "Rows matched by their values in the columns both versions have; choose a key column to see changed values.":
        "두 버전에 공통인 열의 값으로 행을 짝지었습니다. 바뀐 값을 보려면 키 열을 고르세요.",
    "added": "추가",
    "removed": "삭제",
    "storage type": "저장 형식",
    "meaning": "의미",
    "Change": "변경",
    "Column changes": "열 변경",
    "From": "이전",
    "To": "이후",
    "The same columns, with the same types.": "열과 형식이 같습니다.",
    "Rows added (first {n})": "추가된 행 (처음 {n}개)",
    "Rows removed (first {n})": "삭제된 행 (처음 {n}개)",
    "Changed values (first {n})": "바뀐 값 (처음 {n}개)",
    # lineage
    "Models": "모델",
    "Hypotheses": "가설",
    # download
    "CSV (UTF-8 with BOM, Excel-safe)": "CSV (UTF-8 BOM, Excel에서 안전)",
    "Open in a notebook (.ipynb)": "노트북으로 열기 (.ipynb)",
    "A Jupyter notebook that loads this version by its id and checks its content hash":
        "이 버전을 id로 불러오고 내용 해시를 확인하는 Jupyter 노트북",
    "The CSV neutralises cells a spreadsheet would run as a formula; the Parquet file is the exact stored copy.":
        "CSV는 스프레드시트가 수식으로 실행할 셀을 무력화합니다. Parquet 파일은 저장된 사본 그대로입니다.",
    # pickers (Explore and Experiments use them too)
    "Dataset version": "데이터셋 버전",
    "Hypothesis it tests": "검증하는 가설",
    "The link named dataset version {id}, which is not in this workspace. Choose a version below instead.":
        "링크가 가리키는 데이터셋 버전 {id}은(는) 이 작업 공간에 없습니다. 아래에서 버전을 고르세요.",
    "The link named {version}, whose dataset no project uses. Attach it to this project under "
    "**Add data → Attach a shared dataset** to see it here.":
        "링크가 가리키는 {version}의 데이터셋은 어느 프로젝트에도 연결되어 있지 않습니다. "
        "**데이터 추가 → 공유 데이터셋 연결**에서 이 프로젝트에 연결하면 여기에서 볼 수 있습니다.",
    "Switched to project {project}, which holds {version}.": "{version}이(가) 있는 프로젝트 {project}(으)로 전환했습니다.",
}
