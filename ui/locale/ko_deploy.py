"""Korean for the Deploy page (app_pages/deploy.py, ui/deploy_view.py)."""

KO = {
    "Deploy": "배포",
    "Package a model so the environment that made it and the one that serves it are the same: a container bundle, "
    "verified to predict exactly as the app does.":
        "모델을 만든 환경과 서비스하는 환경이 같도록 모델을 패키징합니다: 앱과 똑같이 예측하는지 검증한 컨테이너 번들입니다.",
    "{project} has no models yet. Run an experiment: its best model can be exported here.":
        "{project}에 아직 모델이 없습니다. 실험을 실행하면 가장 좋은 모델을 여기서 내보낼 수 있습니다.",
    # export
    "A bundle holds a Dockerfile, the requirements pinned to the versions the model was trained with, the model, "
    "its server (MLflow's scoring protocol), the input schema, a sample request, the model card and a README.":
        "번들에는 Dockerfile, 모델을 학습한 버전으로 고정한 requirements, 모델, 서버(MLflow 스코어링 프로토콜), "
        "입력 스키마, 예시 요청, 모델 카드, README가 들어 있습니다.",
    "Include the wheels, so the image builds with no network (downloads them now)":
        "휠 파일 포함 (네트워크 없이 이미지를 빌드할 수 있도록 지금 내려받습니다)",
    "Export": "내보내기",
    "Writing the bundle…": "번들을 쓰는 중…",
    "Could not export the model.": "모델을 내보내지 못했습니다.",
    "Exported the model to {path}.": "모델을 {path}(으)로 내보냈습니다.",
    "This model has not been exported yet.": "이 모델은 아직 내보낸 적이 없습니다.",
    "Bundle": "번들",
    "{n} file": "파일 {n}개",
    "{n} files": "파일 {n}개",
    "Download the bundle (zip, {size})": "번들 내려받기 (zip, {size})",
    "The zip is {size}: take it from {path}.": "zip 파일이 {size}입니다. {path}에서 가져가세요.",
    "{n} earlier export": "이전 내보내기 {n}개",
    "{n} earlier exports": "이전 내보내기 {n}개",
    # verify
    "Verify": "검증",
    "Verify again": "다시 검증",
    "The bundle's server": "번들의 서버",
    "The image": "이미지",
    "{where}: identical predictions on {rows} held-out rows (largest probability difference {diff}).":
        "{where}: 평가용 행 {rows}개에서 예측이 동일합니다 (가장 큰 확률 차이 {diff}).",
    "{where}: the predictions differ from the app's on {rows} held-out rows.":
        "{where}: 평가용 행 {rows}개에서 예측이 앱과 다릅니다.",
    "single-row p50": "한 행 p50",
    "single-row p99": "한 행 p99",
    "rows per second": "초당 행 수",
    "Starts the bundle's server from its folder on 127.0.0.1, sends the model's held-out rows and checks each "
    "prediction against the app's: labels exactly, probabilities to 1e-9.":
        "번들 폴더에서 서버를 127.0.0.1로 띄우고 모델의 평가용 행을 보내, 각 예측을 앱의 예측과 비교합니다: "
        "레이블은 정확히, 확률은 1e-9까지.",
    # image
    "Image": "이미지",
    "Build image": "이미지 빌드",
    "Build again": "다시 빌드",
    "Built as {tag}.": "{tag}(으)로 빌드했습니다.",
    "Runs docker build on this machine's engine, then runs the image on 127.0.0.1 and verifies it like the bundle.":
        "이 컴퓨터의 Docker 엔진으로 docker build를 실행한 뒤, 이미지를 127.0.0.1에서 띄워 번들과 같은 방법으로 "
        "검증합니다.",
    "No Docker engine answers here ({why}). Build and run it where Docker is:":
        "여기서는 Docker 엔진이 응답하지 않습니다 ({why}). Docker가 있는 곳에서 빌드하고 실행하세요:",
    # the activity feed and Home's lifecycle step
    "Model {name} of {parent} exported as a bundle": "{parent}의 모델 {name}을(를) 번들로 내보냄",
    "Bundle of model {name} of {parent} verified against the app": "{parent}의 모델 {name} 번들을 앱과 대조해 검증함",
    "Image of model {name} of {parent} built and verified": "{parent}의 모델 {name} 이미지를 빌드하고 검증함",
    "Export a model as a container bundle and verify it predicts exactly as the app does.":
        "모델을 컨테이너 번들로 내보내고 앱과 똑같이 예측하는지 검증합니다.",
    "{n} bundle exported": "내보낸 번들 {n}개",
    "{n} bundles exported": "내보낸 번들 {n}개",
    "{n} verified": "검증 {n}개",
}
