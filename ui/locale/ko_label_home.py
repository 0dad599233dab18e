"""Korean for the Label and Features steps where other pages mention them: Home's lifecycle, the activity
feed, lineage, the versions table."""

KO = {
    "Label": "라벨링",
    "Label tasks": "라벨링 작업",
    "label task": "라벨링 작업",
    "labels": "라벨링 대상",
    "Feature sets": "특성 세트",
    "feature set": "특성 세트",
    "selected from": "선택 원본",
    "uses features": "사용 특성",
    "labeled in": "라벨링 작업",
    "Label rows, texts or images with several annotators, then publish the labels as a new version.":
        "여러 작업자가 행·텍스트·이미지에 라벨을 붙이고, 라벨을 새 버전으로 게시합니다.",
    "{n} label task": "라벨링 작업 {n}개",
    "{n} label tasks": "라벨링 작업 {n}개",
    "{n} item labeled": "항목 {n}개 라벨링됨",
    "{n} items labeled": "항목 {n}개 라벨링됨",
    "{n} publication": "게시 {n}회",
    "{n} publications": "게시 {n}회",
    "Label task {name} created": "라벨링 작업 {name} 생성",
    "Label task {name} changed": "라벨링 작업 {name} 변경",
    "Label task {name} archived": "라벨링 작업 {name} 보관",
    "Label task {name} restored": "라벨링 작업 {name} 복원",
    "ZIP of images": "이미지 ZIP",
    "Rank the columns by several methods, check the leakage and ID warnings, and save a feature set.":
        "여러 방법으로 열의 중요도를 매기고, 누수·ID 경고를 확인한 뒤 특성 세트을 저장합니다.",
    "{n} feature ranking": "특성 순위 {n}개",
    "{n} feature rankings": "특성 순위 {n}개",
    "{n} feature set saved": "저장된 특성 세트 {n}개",
    "{n} feature sets saved": "저장된 특성 세트 {n}개",
    "Feature set {name} saved": "특성 세트 {name} 저장",
    "Feature set {name} archived": "특성 세트 {name} 보관",
    "Feature set {name} restored": "특성 세트 {name} 복원",
    "labels of {task}": "{task} 라벨",
    "Labels of the task {task} as the column {column}": "라벨링 작업 {task}의 라벨을 열 {column}(으)로",
    "Labels of {name} published as a new dataset version": "{name}의 라벨을 새 데이터셋 버전으로 게시",
}
