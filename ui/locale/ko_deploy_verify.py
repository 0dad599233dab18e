"""Korean for what core says while verifying a bundle and building its image (core/deploy/verify.py,
core/deploy/engine.py): errors and their hints, why the Docker engine cannot be used, what a failed
verification found, and the ``deploy_verify`` / ``deploy_build`` jobs' titles, progress and summaries.

Same form as ``ko_errors`` and ``ko_progress``: ``(regex over the whole English text, Korean template, an
English example)``; named groups carry the data (ids, paths, tags, numbers, the server's own output)
unchanged, and a group named ``reason`` is itself translated with the ``ERRORS`` patterns. Docker's own
build log lines stay as Docker wrote them.
"""

_M = "mdl_5f0c1a9e2b7d"
_B = "bdl_5f0c1a9e2b7d"
_TAG = "mlcycle/churn:mdl_5f0c1a9e2b7d"
_CMDS = ("cd /srv/exports/mdl_5f0c1a9e2b7d-bdl_5f0c1a9e2b7d\n"
         "docker build -t mlcycle/churn:mdl_5f0c1a9e2b7d .\n"
         "docker run --rm -p 8080:8080 mlcycle/churn:mdl_5f0c1a9e2b7d")
_ROWS = r"(?P<a>[\d,]+)-(?P<b>[\d,]+)"

KO: dict[str, str] = {}

ERRORS: list[tuple[str, str, str]] = [
    # the held-out rows (verify.held_out_rows)
    (r"Model (?P<m>\S+) cannot be verified: the data of experiment '(?P<e>.+)' is missing, so there are no rows to "
     r"compare predictions on\.",
     "모델 {m}을(를) 검증할 수 없습니다: 실험 '{e}'의 데이터가 없어 예측을 비교할 행이 없습니다.",
     f"Model {_M} cannot be verified: the data of experiment 'churned on churn v1' is missing, so there are no "
     "rows to compare predictions on."),
    (r"Model (?P<m>\S+) cannot be verified: its experiment's data lacks the input column\(s\) (?P<cols>.+)\.",
     "모델 {m}을(를) 검증할 수 없습니다: 실험 데이터에 입력 열 {cols}이(가) 없습니다.",
     f"Model {_M} cannot be verified: its experiment's data lacks the input column(s) 'x2', 'plan'."),
    (r"Model (?P<m>\S+) cannot be verified: its held-out data has no rows\.",
     "모델 {m}을(를) 검증할 수 없습니다: 평가용 데이터에 행이 없습니다.",
     f"Model {_M} cannot be verified: its held-out data has no rows."),
    (r"There are no rows to verify the server with\.", "서버를 검증할 행이 없습니다.",
     "There are no rows to verify the server with."),
    (r"'(?P<url>.+)' is not an http:// address of a server\.", "'{url}'은(는) 서버의 http:// 주소가 아닙니다.",
     "'ftp://example' is not an http:// address of a server."),
    # the bundle's server in a process (verify.verify_bundle)
    (r"'(?P<dir>.+)' is not a bundle: it has no server/__main__\.py\.",
     "'{dir}'은(는) 번들이 아닙니다: server/__main__.py가 없습니다.",
     "'/tmp/old' is not a bundle: it has no server/__main__.py."),
    (r"The bundle of export (?P<x>\S+) is gone from '(?P<dir>.+)'\.",
     "내보내기 {x}의 번들이 '{dir}'에 더 이상 없습니다.",
     f"The bundle of export {_B} is gone from '/srv/exports/{_M}-{_B}'."),
    (r"The Python '(?P<py>.+)' could not be started: (?P<why>.+)\.",
     "Python '{py}'을(를) 실행하지 못했습니다: {why}.",
     "The Python '/opt/py/bin/python' could not be started: [Errno 2] No such file or directory."),
    (r"The bundle's server stopped before it answered /ping: it exited with code (?P<code>-?\d+):(?P<out>.*)",
     "번들의 서버가 /ping에 응답하기 전에 종료 코드 {code}(으)로 끝났습니다:{out}",
     "The bundle's server stopped before it answered /ping: it exited with code 1:\n"
     "ModuleNotFoundError: No module named 'lightgbm'"),
    (r"The bundle's server did not answer /ping at (?P<url>\S+) within (?P<t>[\d.]+) s \((?P<last>[^\n]*)\)\.(?P<out>.*)",
     "번들의 서버가 {t}초 안에 {url}의 /ping에 응답하지 않았습니다 ({last}).{out}",
     "The bundle's server did not answer /ping at http://127.0.0.1:41234 within 60 s (ConnectionRefusedError: "
     "[Errno 111] Connection refused).\nServer output:\nloading the model"),
    # the image (engine)
    (r"The container of (?P<tag>\S+) stopped before it answered /ping: (?P<reason>.*)",
     "{tag} 컨테이너가 /ping에 응답하기 전에 멈췄습니다: {reason}",
     f"The container of {_TAG} stopped before it answered /ping: the container exited with code 1:\n"
     "ModuleNotFoundError: No module named 'lightgbm'"),
    (r"The container of (?P<tag>\S+) did not answer /ping at (?P<url>\S+) within (?P<t>[\d.]+) s "
     r"\((?P<last>[^\n]*)\)\.(?P<out>.*)",
     "{tag} 컨테이너가 {t}초 안에 {url}의 /ping에 응답하지 않았습니다 ({last}).{out}",
     f"The container of {_TAG} did not answer /ping at http://127.0.0.1:41234 within 60 s (/ping answered 503)."),
    (r"the container exited with code (?P<code>-?\d+):(?P<out>.*)", "컨테이너가 종료 코드 {code}(으)로 끝났습니다:{out}",
     "the container exited with code 1:\nModuleNotFoundError: No module named 'lightgbm'"),
    (r"the container is gone \((?P<why>.*)\)", "컨테이너가 사라졌습니다 ({why})", "the container is gone (404 Not Found)"),
    (r"No Docker engine is reachable: (?P<reason>.+)\.", "Docker 엔진에 연결할 수 없습니다: {reason}.",
     "No Docker engine is reachable: nothing listens at unix:///var/run/docker.sock (is the Docker engine "
     "running?)."),
    (r"nothing listens at (?P<host>\S+) \(is the Docker engine running\?\)",
     "{host}에서 응답하는 것이 없습니다 (Docker 엔진이 실행 중인가요?)",
     "nothing listens at unix:///var/run/docker.sock (is the Docker engine running?)"),
    (r"permission denied on (?P<host>\S+) \(this user may not use the Docker engine\)",
     "{host}에 대한 권한이 없습니다 (이 사용자는 Docker 엔진을 쓸 수 없습니다)",
     "permission denied on unix:///var/run/docker.sock (this user may not use the Docker engine)"),
    (r"the engine at (?P<host>\S+) refused the connection \(is it running\?\)",
     "{host}의 엔진이 연결을 거부했습니다 (실행 중인가요?)",
     "the engine at tcp://10.0.0.5:2375 refused the connection (is it running?)"),
    (r"The bundle of export (?P<x>\S+) has no Dockerfile at '(?P<dir>.+)'\.",
     "내보내기 {x}의 번들('{dir}')에 Dockerfile이 없습니다.",
     f"The bundle of export {_B} has no Dockerfile at '/srv/exports/{_M}-{_B}'."),
    (r"Building image (?P<tag>\S+) failed: (?P<why>.*)", "이미지 {tag} 빌드에 실패했습니다: {why}",
     f"Building image {_TAG} failed: The command '/bin/sh -c pip install' returned a non-zero code: 1"),
    (r"No image was built for export (?P<x>\S+)\.", "내보내기 {x}(으)로 빌드한 이미지가 없습니다.",
     f"No image was built for export {_B}."),
    (r"The image (?P<tag>\S+) of export (?P<x>\S+) is not on this engine\.",
     "내보내기 {x}의 이미지 {tag}이(가) 이 엔진에 없습니다.", f"The image {_TAG} of export {_B} is not on this engine."),
    (r"The image (?P<tag>\S+) could not be started: (?P<why>.*)", "이미지 {tag}을(를) 실행하지 못했습니다: {why}",
     f"The image {_TAG} could not be started: port is already allocated"),
    (r"Image (?P<tag>\S+) could not be removed: (?P<why>.*)", "이미지 {tag}을(를) 지우지 못했습니다: {why}",
     f"Image {_TAG} could not be removed: conflict: unable to remove repository reference"),
    # jobs
    (r"A verification of export (?P<x>\S+) is already under way: job '(?P<title>.+)' \((?P<job>\S+), (?P<status>\w+)\)\.",
     "내보내기 {x}의 검증이 이미 진행 중입니다: 작업 '{title}' ({job}, {status}).",
     f"A verification of export {_B} is already under way: job 'Verify the bundle of lgbm model {_M}' "
     "(job_5f0c1a9e2b7d, queued)."),
    (r"A build of export (?P<x>\S+) is already under way: job '(?P<title>.+)' \((?P<job>\S+), (?P<status>\w+)\)\.",
     "내보내기 {x}의 빌드가 이미 진행 중입니다: 작업 '{title}' ({job}, {status}).",
     f"A build of export {_B} is already under way: job 'Build image {_TAG}' (job_5f0c1a9e2b7d, running)."),
    (r"This verify job names no export\.", "이 검증 작업에는 내보내기가 지정되어 있지 않습니다.",
     "This verify job names no export."),
    (r"This build job names no export\.", "이 빌드 작업에는 내보내기가 지정되어 있지 않습니다.",
     "This build job names no export."),
    # what a failed verification found (result["error"])
    (r"The server refused rows " + _ROWS + r": HTTP (?P<code>\d+): (?P<msg>.*)",
     "서버가 {a}-{b}행을 거부했습니다: HTTP {code}: {msg}",
     "The server refused rows 1-500: HTTP 422: Column 'plan' must hold text"),
    (r"The server stopped answering at rows " + _ROWS + r": (?P<why>.*)",
     "서버가 {a}-{b}행에서 응답을 멈췄습니다: {why}",
     "The server stopped answering at rows 501-1,000: RemoteDisconnected: Remote end closed connection"),
    (r"The server stopped answering while its speed was measured: (?P<why>.*)",
     "속도를 재는 동안 서버가 응답을 멈췄습니다: {why}",
     "The server stopped answering while its speed was measured: HTTP 500: internal error"),
    (r"The server's answer for rows " + _ROWS + r" is not JSON: (?P<body>.*)",
     "{a}-{b}행에 대한 서버의 응답이 JSON이 아닙니다: {body}",
     "The server's answer for rows 1-500 is not JSON: b'<html>'"),
    (r"The answer for rows (?P<a>-?[\d,]+)-(?P<b>-?[\d,]+) has no list of 'predictions': (?P<body>.*)",
     "{a}-{b}행에 대한 응답에 'predictions' 목록이 없습니다: {body}",
     "The answer for rows 0-499 has no list of 'predictions': {'error': 'x'}"),
    (r"The server answered (?P<k>\d+) predictions for (?P<n>\d+) rows \(rows (?P<a>\d+)-(?P<b>\d+)\)\.",
     "서버가 {n}개 행에 예측 {k}개를 돌려주었습니다 ({a}-{b}행).",
     "The server answered 39 predictions for 40 rows (rows 0-39)."),
    (r"The server answered no 'probabilities' for a classifier\.", "분류 모델인데 서버가 'probabilities'를 돌려주지 않았습니다.",
     "The server answered no 'probabilities' for a classifier."),
    (r"The server's probabilities for rows (?P<a>\d+)-(?P<b>\d+) have shape (?P<got>.+), the model's (?P<want>.+)\.",
     "{a}-{b}행에 대한 서버의 확률 모양이 {got}입니다. 모델은 {want}입니다.",
     "The server's probabilities for rows 0-39 have shape (40,), the model's (40, 2)."),
]

HINTS: list[tuple[str, str, str]] = [
    (r"The experiment's data changed since the model was trained; export a newer model\.",
     "모델을 학습한 뒤 실험 데이터가 바뀌었습니다. 더 새로운 모델을 내보내세요.",
     "The experiment's data changed since the model was trained; export a newer model."),
    (r"Verify a model whose experiment held out some rows\.", "평가용 행을 떼어 둔 실험의 모델을 검증하세요.",
     "Verify a model whose experiment held out some rows."),
    (r"Restore the workspace's artifacts folder\.", "작업 공간의 artifacts 폴더를 복원하세요.",
     "Restore the workspace's artifacts folder."),
    (r"Pass some held-out rows\.", "평가용 행을 넘기세요.", "Pass some held-out rows."),
    (r"Use e\.g\. (?P<url>\S+)\.", "예: {url}", "Use e.g. http://127.0.0.1:8080."),
    (r"Export the model again \(Deploy page, or `mlcycle export MODEL --out DIR`\)\.",
     "모델을 다시 내보내세요 (배포 페이지 또는 `mlcycle export MODEL --out DIR`).",
     "Export the model again (Deploy page, or `mlcycle export MODEL --out DIR`)."),
    (r"Export the model again\.", "모델을 다시 내보내세요.", "Export the model again."),
    (r"Pass the path of a Python 3\.11 with the bundle's requirements\.",
     "번들의 requirements가 설치된 Python 3.11의 경로를 넘기세요.",
     "Pass the path of a Python 3.11 with the bundle's requirements."),
    (r"Its error output above says why; fix it and export the model again\.",
     "위의 오류 출력에 이유가 있습니다. 고친 뒤 모델을 다시 내보내세요.",
     "Its error output above says why; fix it and export the model again."),
    (r"The machine may be busy, or the server hangs while loading the model; start it by hand "
     r"\(`python -m server` in the bundle\) to see\.",
     "컴퓨터가 바쁘거나 서버가 모델을 불러오다 멈췄을 수 있습니다. 번들 폴더에서 직접 실행해 보세요 "
     "(`python -m server`).",
     "The machine may be busy, or the server hangs while loading the model; start it by hand "
     "(`python -m server` in the bundle) to see."),
    (r"Follow that job \(`mlcycle jobs show (?P<job>\S+)`\) instead of starting another\.",
     "새로 시작하지 말고 그 작업을 지켜보세요 (`mlcycle jobs show {job}`).",
     "Follow that job (`mlcycle jobs show job_5f0c1a9e2b7d`) instead of starting another."),
    (r"Queue it again from the Deploy page\.", "배포 페이지에서 다시 대기열에 넣으세요.",
     "Queue it again from the Deploy page."),
    (r"Start Docker and try again, or build and run the image by hand:\n(?P<cmds>.+)",
     "Docker를 시작하고 다시 시도하거나, 직접 이미지를 빌드하고 실행하세요:\n{cmds}",
     "Start Docker and try again, or build and run the image by hand:\n" + _CMDS),
    (r"Build it by hand to see more:\n(?P<cmds>.+)", "자세히 보려면 직접 빌드해 보세요:\n{cmds}",
     "Build it by hand to see more:\n" + _CMDS),
    (r"Run it by hand to see more:\n(?P<cmds>.+)", "자세히 보려면 직접 실행해 보세요:\n{cmds}",
     "Run it by hand to see more:\n" + _CMDS),
    (r"The build log above says which step failed\.", "어느 단계에서 실패했는지는 위의 빌드 로그에 있습니다.",
     "The build log above says which step failed."),
    (r"The base image (?P<base>\S+) is not on this engine and cannot be pulled; load it \(`docker pull` / "
     r"`docker load`\) or pass another base image\.",
     "베이스 이미지 {base}이(가) 이 엔진에 없고 내려받을 수도 없습니다. `docker pull`이나 `docker load`로 "
     "넣어 두거나 다른 베이스 이미지를 지정하세요.",
     "The base image python:3.11-slim is not on this engine and cannot be pulled; load it (`docker pull` / "
     "`docker load`) or pass another base image."),
    (r"Build it first \(Build image\)\.", "먼저 빌드하세요 (이미지 빌드).", "Build it first (Build image)."),
    (r"Build it again \(Build image\)\.", "다시 빌드하세요 (이미지 빌드).", "Build it again (Build image)."),
]

PROGRESS: list[tuple[str, str, str]] = [
    # job titles
    (r"Verify the bundle of (?P<l>\S+) model (?P<m>\S+)", "{l} 모델 {m}의 번들 검증",
     f"Verify the bundle of lgbm model {_M}"),
    (r"Build image (?P<tag>\S+)", "이미지 {tag} 빌드", f"Build image {_TAG}"),
    # verify
    (r"Loading model (?P<m>\S+) and its held-out rows", "모델 {m}과(와) 평가용 행을 불러오는 중",
     f"Loading model {_M} and its held-out rows"),
    (r"Starting the bundle's server", "번들의 서버를 시작하는 중", "Starting the bundle's server"),
    (r"Comparing predictions: rows " + _ROWS + r" of (?P<n>[\d,]+)", "예측 비교 중: {n}개 행 중 {a}-{b}행",
     "Comparing predictions: rows 501-1,000 of 2,000"),
    (r"Timing single-row requests: (?P<i>\d+) of (?P<n>\d+)", "한 행 요청 시간 재는 중: {n}번 중 {i}번",
     "Timing single-row requests: 50 of 200"),
    (r"Timing a request of (?P<n>[\d,]+) rows", "{n}행 요청 시간 재는 중", "Timing a request of 1,000 rows"),
    (r"Compared (?P<n>[\d,]+) rows", "{n}개 행 비교함", "Compared 2,000 rows"),
    (r"Verified: the server predicts exactly as the app on (?P<n>[\d,]+) rows \(largest difference (?P<d>\S+)\); "
     r"p50 (?P<p50>\S+) ms, p99 (?P<p99>\S+) ms, (?P<r>[\d,]+) rows/s",
     "검증됨: 서버가 {n}개 행에서 앱과 똑같이 예측합니다 (가장 큰 차이 {d}); p50 {p50} ms, p99 {p99} ms, 초당 {r}행",
     "Verified: the server predicts exactly as the app on 2,000 rows (largest difference 0.0e+00); p50 1.23 ms, "
     "p99 2.50 ms, 45,679 rows/s"),
    (r"Verified: the server predicts exactly as the app on (?P<n>[\d,]+) rows \(largest difference (?P<d>\S+)\)",
     "검증됨: 서버가 {n}개 행에서 앱과 똑같이 예측합니다 (가장 큰 차이 {d})",
     "Verified: the server predicts exactly as the app on 2,000 rows (largest difference 0.0e+00)"),
    (r"Verified: the image predicts exactly as the app on (?P<n>[\d,]+) rows \(largest difference (?P<d>\S+)\); "
     r"p50 (?P<p50>\S+) ms, p99 (?P<p99>\S+) ms, (?P<r>[\d,]+) rows/s",
     "검증됨: 이미지가 {n}개 행에서 앱과 똑같이 예측합니다 (가장 큰 차이 {d}); p50 {p50} ms, p99 {p99} ms, 초당 {r}행",
     "Verified: the image predicts exactly as the app on 2,000 rows (largest difference 0.0e+00); p50 1.23 ms, "
     "p99 2.50 ms, 45,679 rows/s"),
    (r"Verified: the image predicts exactly as the app on (?P<n>[\d,]+) rows \(largest difference (?P<d>\S+)\)",
     "검증됨: 이미지가 {n}개 행에서 앱과 똑같이 예측합니다 (가장 큰 차이 {d})",
     "Verified: the image predicts exactly as the app on 2,000 rows (largest difference 0.0e+00)"),
    (r"Not verified: (?P<k>[\d,]+) of (?P<n>[\d,]+) rows differ", "검증 실패: {n}개 행 중 {k}개가 다릅니다",
     "Not verified: 3 of 2,000 rows differ"),
    (r"Not verified: (?P<reason>.+)", "검증 실패: {reason}",
     "Not verified: The server refused rows 1-500: HTTP 422: Column 'plan' must hold text"),
    # build
    (r"Building the image", "이미지를 빌드하는 중", "Building the image"),
    (r"Building image (?P<tag>\S+) on (?P<base>\S+)", "{base} 위에 이미지 {tag}을(를) 빌드하는 중",
     f"Building image {_TAG} on mlcycle-test/bookworm-python:3.11"),
    (r"Building image (?P<tag>\S+)", "이미지 {tag}을(를) 빌드하는 중", f"Building image {_TAG}"),
    (r"Built image (?P<tag>\S+)", "이미지 {tag} 빌드함", f"Built image {_TAG}"),
    (r"Built (?P<tag>\S+); starting a container to verify it", "{tag}을(를) 빌드함; 검증할 컨테이너를 시작합니다",
     f"Built {_TAG}; starting a container to verify it"),
    (r"Starting a container of (?P<tag>\S+) on (?P<addr>\S+)", "{addr}에서 {tag} 컨테이너를 시작하는 중",
     f"Starting a container of {_TAG} on 127.0.0.1:41234"),
]
