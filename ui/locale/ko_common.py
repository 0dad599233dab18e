"""Korean for what every page shares: the menu, the sidebar, times and statuses, errors, job panels."""

KO = {
    # menu (app.PAGES sections and titles)
    "Define": "정의",
    "Data": "데이터",
    "Model": "모델",
    "Ship": "배포",
    "Watch": "관찰",
    "Home": "홈",
    "Problem & hypotheses": "문제와 가설",
    "Datasets": "데이터셋",
    "Explore": "탐색",
    "Experiments": "실험",
    "Jobs": "작업",
    # sidebar
    "Project": "프로젝트",
    "Active project": "현재 프로젝트",
    "No project yet. Create one to begin.": "아직 프로젝트가 없습니다. 프로젝트를 만들어 시작하세요.",
    "New project": "새 프로젝트",
    "Name": "이름",
    "e.g. Churn 2026": "예: 2026 고객 이탈",
    "One-line description (optional)": "한 줄 설명 (선택)",
    "Create project": "프로젝트 만들기",
    "Project '{name}' created and selected": "프로젝트 '{name}'을(를) 만들고 선택했습니다",
    "The link named project {id}, which is not in this workspace (or is archived). "
    "Showing the current project instead.":
        "링크가 가리키는 프로젝트 {id}은(는) 이 작업 공간에 없거나 보관되었습니다. 대신 현재 프로젝트를 보여 줍니다.",
    "Jobs: none running": "작업: 실행 중인 작업 없음",
    "Jobs: {n} active": "작업: {n}개 진행 중",
    "{n} models in this workspace were saved in the old pickle format and cannot be opened until migrated.":
        "이 작업 공간의 모델 {n}개가 예전 pickle 형식으로 저장되어 있어, 변환하기 전에는 열 수 없습니다.",
    "Migrating rewrites them in the pickle-free format, keeping their ids, and checks that each "
    "predicts its held-out rows exactly as before. Only migrate a workspace you trust: reading an "
    "old model runs code from its file.":
        "변환하면 id는 그대로 둔 채 pickle 없는 형식으로 다시 저장하고, 각 모델이 검증용 행을 이전과 똑같이 "
        "예측하는지 확인합니다. 믿을 수 있는 작업 공간만 변환하세요: 예전 모델을 읽으면 파일 안의 코드가 실행됩니다.",
    "Migrate old models": "예전 모델 변환",
    "Migrating old models…": "예전 모델을 변환하는 중…",
    "Migrated {done} of {total} old models": "예전 모델 {total}개 중 {done}개를 변환했습니다",
    "Migrated {n} old models: same predictions, no pickle": "예전 모델 {n}개를 변환했습니다: 예측은 같고 pickle은 없습니다",
    # page scaffolding and errors
    "Create a project first: use **New project** in the sidebar.":
        "먼저 프로젝트를 만드세요: 사이드바의 **새 프로젝트**를 누르세요.",
    "What to do:": "해결 방법:",
    # times
    "just now": "방금",
    "{n} min ago": "{n}분 전",
    "{n} h ago": "{n}시간 전",
    "{s} s": "{s}초",
    "{m} min {s} s": "{m}분 {s}초",
    "{h} h {m} min": "{h}시간 {m}분",
    # statuses
    "queued": "대기 중",
    "running": "실행 중",
    "done": "완료",
    "failed": "실패",
    "cancelled": "취소됨",
    "interrupted": "중단됨",
    # job panel
    "Cancel job": "작업 취소",
    "Cancel this job? Finished work is kept.": "이 작업을 취소할까요? 끝난 작업 결과는 남습니다.",
    "Yes, cancel": "예, 취소합니다",
    "Keep running": "계속 실행",
}
