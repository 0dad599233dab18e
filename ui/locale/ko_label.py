"""Korean for the Label page (app_pages/label.py, ui/label_view.py): tasks, the annotator's name, review,
publishing, import/export and settings. The labeling screens have their own catalog (ko_label_screens)."""

KO = {
    # the page
    "Label rows, texts and images with several annotators, see how well they agree, and publish the labels as a "
    "new dataset version.":
        "표 행, 텍스트, 이미지를 여러 라벨러가 라벨링하고, 서로 얼마나 일치하는지 확인한 뒤, 라벨을 새 데이터셋 버전으로 "
        "게시합니다.",
    "Label": "라벨링",
    "Label task": "라벨링 작업",
    "Review": "검토",
    "Publish": "게시",
    "Import / export": "가져오기 / 내보내기",
    "Settings": "설정",
    # the annotator
    "Labeling as {name}": "{name}(으)로 라벨링 중",
    "Label under another name": "다른 이름으로 라벨링",
    "Your name as annotator": "라벨러 이름",
    "e.g. Minji, or your initials": "예: 민지 또는 이니셜",
    "Every label you give is recorded under this name, so the agreement between annotators can be measured. "
    "The page's address keeps it.":
        "입력한 모든 라벨이 이 이름으로 기록되어 라벨러 간 일치도를 잴 수 있습니다. 페이지 주소에 저장됩니다.",
    "Start labeling": "라벨링 시작",
    "Use this name": "이 이름 사용",
    # choosing a task
    "a removed version": "삭제된 버전",
    "The link named label task {id}, which is not in this workspace. Choose a task below instead.":
        "링크가 가리키는 라벨링 작업 {id}이(가) 이 워크스페이스에 없습니다. 아래에서 작업을 고르세요.",
    "Switched to project {project}, which holds the label task {task}.":
        "라벨링 작업 {task}이(가) 있는 프로젝트 {project}(으)로 전환했습니다.",
    "The label task {task} belongs to no project you can open here.":
        "라벨링 작업 {task}은(는) 여기서 열 수 있는 프로젝트에 속해 있지 않습니다.",
    "column {column}": "{column} 열",
    "whole rows": "행 전체",
    "{n} item": "항목 {n}개",
    "{n} items": "항목 {n}개",
    "{n} annotator per item": "항목당 라벨러 {n}명",
    "{n} annotators per item": "항목당 라벨러 {n}명",
    "several classes per item": "항목당 여러 클래스",
    "Labels {version}": "{version} 라벨링",
    "This label task is archived: its labels are kept, and it can be restored.":
        "보관된 라벨링 작업입니다. 라벨은 그대로 남아 있으며 복원할 수 있습니다.",
    "Restore the task": "작업 복원",
    "Restored {task}": "{task}을(를) 복원했습니다",
    "{n} archived label task": "보관된 라벨링 작업 {n}개",
    "{n} archived label tasks": "보관된 라벨링 작업 {n}개",
    # creating a task
    "Supervised learning needs labels. A **label task** asks annotators to put each row of a dataset version in "
    "one of a few classes: whole rows of a table, a text column (reviews, tickets), or images. Several annotators "
    "can label the same items to measure how well they agree; a quick model can suggest labels once enough exist; "
    "and the labels are published as a new version of the dataset, ready for an experiment.":
        "지도 학습에는 라벨이 필요합니다. **라벨링 작업**은 데이터셋 버전의 각 행을 몇 가지 클래스 중 하나로 분류하도록 "
        "라벨러에게 요청합니다. 대상은 표의 행 전체, 텍스트 열(리뷰, 문의 등), 이미지입니다. 여러 라벨러가 같은 항목을 "
        "라벨링하면 서로 얼마나 일치하는지 잴 수 있고, 라벨이 충분히 쌓이면 간단한 모델이 라벨을 제안하며, 완성된 라벨은 "
        "데이터셋의 새 버전으로 게시되어 바로 실험에 쓸 수 있습니다.",
    "Every label is saved as it is given. Start by creating a task below: pick the version to label and name its "
    "classes.":
        "라벨은 입력하는 즉시 저장됩니다. 아래에서 작업을 만들어 시작하세요: 라벨링할 버전을 고르고 클래스를 정합니다.",
    "New label task": "새 라벨링 작업",
    "From a dataset version": "데이터셋 버전에서",
    "Upload images (zip)": "이미지 업로드 (zip)",
    "Dataset version to label": "라벨링할 데이터셋 버전",
    "This project has no datasets yet. Add one on the Datasets page, or upload a zip of images in the next tab.":
        "이 프로젝트에는 아직 데이터셋이 없습니다. 데이터셋 페이지에서 추가하거나 다음 탭에서 이미지 zip을 업로드하세요.",
    "Task name": "작업 이름",
    "e.g. sentiment": "예: sentiment",
    "The published label column gets this name.": "게시되는 라벨 열이 이 이름을 갖습니다.",
    "What is labeled": "라벨링 대상",
    "Guessed from the version's columns: an image-path column suggests images, a text column text.":
        "버전의 열을 보고 추정했습니다: 이미지 경로 열이 있으면 이미지, 텍스트 열이 있으면 텍스트입니다.",
    "Rows of a table": "표의 행",
    "Text": "텍스트",
    "Images": "이미지",
    "Each row is one item; annotators see its values and label it in a grid.":
        "각 행이 하나의 항목입니다. 라벨러는 행의 값을 보고 표에서 라벨링합니다.",
    "Each item is the text of one column, shown one at a time in large type.":
        "각 항목은 한 열의 텍스트이며, 큰 글씨로 하나씩 보여 줍니다.",
    "Each item is an image whose file path is in one column, labeled in a grid or one at a time.":
        "각 항목은 한 열에 파일 경로가 있는 이미지이며, 격자로 여러 개씩 또는 하나씩 라벨링합니다.",
    "{version} has no text column to label.": "{version}에는 라벨링할 텍스트 열이 없습니다.",
    "{version} has no image-path column to label.": "{version}에는 라벨링할 이미지 경로 열이 없습니다.",
    "Item column": "항목 열",
    "The column that holds each item's text or image path.": "각 항목의 텍스트나 이미지 경로가 들어 있는 열입니다.",
    "Folder the image paths are relative to": "이미지 경로의 기준 폴더",
    "leave empty when the paths are absolute": "절대 경로이면 비워 두세요",
    "Annotators see each row's values; the whole row is the item.":
        "라벨러는 각 행의 값을 봅니다. 행 전체가 하나의 항목입니다.",
    "e.g. positive, negative, neutral": "예: 긍정, 부정, 중립",
    "Separated by commas; at most 20.": "쉼표로 구분하며 최대 20개입니다.",
    "Type the classes, separated by commas.": "클래스를 쉼표로 구분해 입력하세요.",
    "Colours and keys are given in order: number keys first, then q w e r t y u i o p.":
        "색과 단축키는 순서대로 정해집니다: 숫자 키 먼저, 그다음 q w e r t y u i o p.",
    "An item can have several classes (multi-label)": "한 항목에 여러 클래스 허용 (다중 라벨)",
    "Annotators per item (overlap)": "항목당 라벨러 수 (중복)",
    "1 for one pass; 2 or 3 to measure how well annotators agree.":
        "한 번만 라벨링하려면 1, 라벨러 간 일치도를 재려면 2나 3으로 두세요.",
    "Instructions for annotators (Markdown)": "라벨러를 위한 안내 (Markdown)",
    "What each class means, with an example or two; how to handle unclear items.":
        "각 클래스의 뜻과 예시 한두 개, 애매한 항목을 어떻게 처리할지 적어 주세요.",
    "The instructions appear here as annotators will see them.": "라벨러에게 보일 안내가 여기에 표시됩니다.",
    "Create label task": "라벨링 작업 만들기",
    "Created the label task {task}": "라벨링 작업 {task}을(를) 만들었습니다",
    "A zip of PNG, JPEG, GIF, BMP, WebP or TIFF files. The images are unpacked into the workspace and listed as a "
    "new dataset version, with one row per image (its path, folder and size); a folder inside the zip can be a "
    "class you already know.":
        "PNG, JPEG, GIF, BMP, WebP, TIFF 파일을 담은 zip입니다. 이미지는 워크스페이스에 풀리고, 이미지마다 한 행(경로, "
        "폴더, 크기)인 새 데이터셋 버전으로 기록됩니다. zip 안의 폴더로 이미 아는 클래스를 나눠 둘 수도 있습니다.",
    "Images (zip)": "이미지 (zip)",
    "Add the images": "이미지 추가",
    "Choose a zip file to upload first.": "먼저 업로드할 zip 파일을 고르세요.",
    "Unpacking {file}…": "{file} 푸는 중…",
    "Could not add the images of {file}": "{file}의 이미지를 추가하지 못했습니다",
    "{version}: {n} images, already stored; reused. It is chosen below: name the task and its classes to start "
    "labeling.":
        "{version}: 이미지 {n}개, 이미 저장되어 있어 다시 사용합니다. 아래에서 선택되어 있습니다. 작업 이름과 클래스를 "
        "정하면 라벨링을 시작할 수 있습니다.",
    "{version}: {n} images. It is chosen below: name the task and its classes to start labeling.":
        "{version}: 이미지 {n}개. 아래에서 선택되어 있습니다. 작업 이름과 클래스를 정하면 라벨링을 시작할 수 있습니다.",
    # the Label tab
    "Instructions": "안내",
    "Type your name above to start labeling: every label is recorded under it.":
        "라벨링을 시작하려면 위에 이름을 입력하세요. 모든 라벨이 그 이름으로 기록됩니다.",
    "Active learning: suggested labels": "능동 학습: 라벨 제안",
    "A quick model learns from the labels given so far and suggests a label for every item left; the screens show "
    "the suggestion to confirm or correct, and the least certain items come first.":
        "간단한 모델이 지금까지의 라벨로 학습해 남은 모든 항목에 라벨을 제안합니다. 라벨링 화면에 제안이 표시되어 "
        "확인하거나 고칠 수 있고, 모델이 가장 확신하지 못하는 항목부터 나옵니다.",
    "Suggest labels": "라벨 제안 받기",
    "Suggest labels again": "라벨 다시 제안 받기",
    "Latest model ({when}): learned from {n} labels; cross-validated accuracy {accuracy} (always guessing the most "
    "common class: {baseline}); {m} suggestions.":
        "최근 모델({when}): 라벨 {n}개로 학습, 교차 검증 정확도 {accuracy} (가장 흔한 클래스만 고를 때: {baseline}), "
        "제안 {m}개.",
    "Annotators kept the suggested label {rate} of the times they saw one.":
        "라벨러가 제안을 본 경우 중 {rate}에서 제안된 라벨을 그대로 골랐습니다.",
    # the Review tab
    "An item's label is the majority vote of its annotators by default; a reviewer's decision below overrides it.":
        "기본적으로 항목의 라벨은 라벨러들의 다수결로 정해집니다. 아래에서 검토자가 결정하면 그 결정이 우선합니다.",
    "Agreement needs items that two or more annotators labeled. This task asks for one annotator per item: raise "
    "the overlap in Settings so items are labeled twice.":
        "일치도를 재려면 두 명 이상이 라벨링한 항목이 필요합니다. 이 작업은 항목당 라벨러가 한 명입니다. 설정에서 "
        "중복 수를 올려 항목이 두 번 라벨링되게 하세요.",
    "Agreement appears once a second annotator labels items of this task (each item needs {n}).":
        "두 번째 라벨러가 이 작업의 항목을 라벨링하면 일치도가 나타납니다 (항목당 {n}명 필요).",
    "No item has labels from two annotators yet.": "아직 두 라벨러가 함께 라벨링한 항목이 없습니다.",
    "Cohen's kappa": "코헨 카파",
    "Fleiss' kappa": "플라이스 카파",
    "Agreement beyond chance: 1 is perfect, 0 what chance gives. Cohen's kappa for two annotators, Fleiss' for "
    "more.":
        "우연을 넘어선 일치도입니다: 1은 완전 일치, 0은 우연 수준입니다. 라벨러가 두 명이면 코헨 카파, 그보다 많으면 "
        "플라이스 카파입니다.",
    "Items labeled by two or more": "2명 이상이 라벨링한 항목",
    "Mean agreement per item": "항목별 평균 일치율",
    "The share of an item's labels that went to its most common label, averaged.":
        "항목의 라벨 중 가장 많이 나온 라벨의 비율을 평균한 값입니다.",
    "{kappa} = {value}: {reading} (Landis & Koch), between {names}.":
        "{kappa} = {value}: {reading} (Landis & Koch 기준), 라벨러: {names}.",
    "less agreement than chance": "우연보다 낮은 일치",
    "slight agreement": "약간의 일치",
    "fair agreement": "어느 정도의 일치",
    "moderate agreement": "중간 정도의 일치",
    "substantial agreement": "상당한 일치",
    "almost perfect agreement": "거의 완벽한 일치",
    "Pairs of annotators": "라벨러 쌍별 일치도",
    "Annotator": "라벨러",
    "Other annotator": "상대 라벨러",
    "Reading": "해석",
    "Confusion between two annotators": "두 라벨러 간 혼동 행렬",
    "Compared with": "비교 대상",
    "{a} and {b} have labeled no item in common.": "{a}와(과) {b}이(가) 함께 라벨링한 항목이 없습니다.",
    "{name}'s label": "{name}의 라벨",
    "They gave the same label to {same} of the {total} items both labeled.":
        "두 사람이 모두 라벨링한 항목 {total}개 중 {same}개에 같은 라벨을 붙였습니다.",
    "Agreement on {n} item": "항목 {n}개의 일치도",
    "Agreement on each of {n} items": "항목 {n}개의 일치도",
    "Item": "항목",
    "Votes": "투표",
    "Agreement": "일치율",
    "How": "결정 방식",
    "The {n} items with the least agreement are shown.": "일치율이 가장 낮은 항목 {n}개를 보여 줍니다.",
    "decided by a reviewer": "검토자 결정",
    "majority vote": "다수결",
    "one annotator": "라벨러 한 명",
    "tied votes": "동률",
    "waiting for more labels": "라벨 더 필요",
    "Disagreements to review": "검토할 불일치 항목",
    "No open disagreements: every item's annotators agree, or a reviewer decided.":
        "남은 불일치가 없습니다. 모든 항목에서 라벨러가 일치했거나 검토자가 결정했습니다.",
    "{n} item has split votes": "의견이 갈린 항목 {n}개",
    "{n} items have split votes": "의견이 갈린 항목 {n}개",
    "{n} tie needs a decision": "결정이 필요한 동률 {n}개",
    "{n} ties need a decision": "결정이 필요한 동률 {n}개",
    "Type your name above to decide: decisions are recorded under the reviewer's name.":
        "결정하려면 위에 이름을 입력하세요. 결정은 검토자 이름으로 기록됩니다.",
    "Showing the first {shown} of {n}: decide these and the next ones appear.":
        "{n}개 중 처음 {shown}개를 보여 줍니다. 이 항목들을 결정하면 다음 항목이 나타납니다.",
    "Tied votes: no label until someone decides.": "동률: 누군가 결정할 때까지 라벨이 없습니다.",
    "Still waiting for more labels.": "라벨이 더 필요합니다.",
    "Majority vote: {label}": "다수결: {label}",
    "Decision": "결정",
    "Choose the label": "라벨을 고르세요",
    "Decide": "결정",
    "Type your name above first": "먼저 위에 이름을 입력하세요",
    "Row {n}: decided {label}": "{n}번 행: {label}(으)로 결정했습니다",
    "Open on the labeling screen": "라벨링 화면에서 열기",
    # the Publish tab
    "Items": "항목",
    "Labeled": "라벨링됨",
    "Resolved": "확정",
    "Unresolved": "미확정",
    "Skipped": "건너뜀",
    "{share} of the items have a resolved label": "항목의 {share}에 확정된 라벨이 있습니다",
    "{n} item has tied votes: decide it on the Review tab.": "동률인 항목이 {n}개 있습니다. 검토 탭에서 결정하세요.",
    "{n} items have tied votes: decide them on the Review tab.": "동률인 항목이 {n}개 있습니다. 검토 탭에서 결정하세요.",
    "Resolved items per class": "클래스별 확정 항목",
    "items": "항목",
    "Labels of classes no longer in the schema are kept and flagged: {classes}. Publishing keeps them as the "
    "annotators gave them.":
        "스키마에서 빠진 클래스의 라벨은 삭제되지 않고 표시만 됩니다: {classes}. 게시할 때도 라벨러가 준 그대로 "
        "유지됩니다.",
    "Publish labels": "라벨 게시",
    "Publishing adds the column {column} to a new version of the dataset, with each item's resolved label; the new "
    "version is linked to this one and to the task in lineage. Labeling can go on and be published again.":
        "게시하면 각 항목의 확정 라벨을 담은 {column} 열이 데이터셋의 새 버전에 추가되고, 새 버전은 계보에서 이 버전과 "
        "이 작업에 연결됩니다. 게시한 뒤에도 라벨링을 계속하고 다시 게시할 수 있습니다.",
    "Items without a resolved label ({n})": "확정 라벨이 없는 항목 ({n}개)",
    "Leave them out": "제외",
    "Keep them, with an empty label": "빈 라벨로 포함",
    "Publishing…": "게시하는 중…",
    "{n} row": "{n}행",
    "{n} labeled": "라벨 {n}개",
    "{n} left out": "{n}개 제외",
    "{n} kept unlabeled": "{n}개 라벨 없이 포함",
    "{n} of classes no longer in the schema": "스키마에서 빠진 클래스 {n}개",
    "Published the labels as {version}: {facts}.": "라벨을 {version}(으)로 게시했습니다: {facts}.",
    "The same labels were published before: that version is reused.":
        "같은 라벨이 이미 게시된 적이 있어 그 버전을 다시 사용합니다.",
    "Open {version} on the Datasets page": "데이터셋 페이지에서 {version} 열기",
    "{n} earlier publication": "이전 게시 {n}건",
    "{n} earlier publications": "이전 게시 {n}건",
    "Published {n} time": "게시 {n}회",
    "Published {n} times": "게시 {n}회",
    "Not published yet.": "아직 게시하지 않았습니다.",
    # the Import / export tab
    "Every current label of every annotator, with the item's row number and content, the resolved label and how "
    "it was reached. Label Studio JSON opens in Label Studio as tasks with their annotations.":
        "모든 라벨러의 현재 라벨을 항목의 행 번호와 내용, 확정 라벨과 그 결정 방식과 함께 담습니다. Label Studio JSON은 "
        "Label Studio에서 주석이 달린 작업으로 열립니다.",
    "Format": "형식",
    "Download the labels ({format})": "라벨 내려받기 ({format})",
    "Import": "가져오기",
    "A Label Studio JSON export (tasks with choices), or a CSV or JSON file exported here. Items are matched by the "
    "item column's value or by row number; each label keeps its annotator.":
        "Label Studio JSON 내보내기 파일(choices 주석이 있는 작업) 또는 여기서 내보낸 CSV/JSON 파일입니다. 항목은 항목 "
        "열의 값이나 행 번호로 맞추며, 각 라벨은 라벨러 이름을 그대로 유지합니다.",
    "Labels file": "라벨 파일",
    "Give every label to this annotator (optional)": "모든 라벨을 이 라벨러 이름으로 기록 (선택)",
    "leave empty to keep the annotators the file names": "비워 두면 파일에 적힌 라벨러를 그대로 씁니다",
    "Import labels": "라벨 가져오기",
    "Choose a file to import first.": "먼저 가져올 파일을 고르세요.",
    "Importing {file}…": "{file} 가져오는 중…",
    "Imported {n} label.": "라벨 {n}개를 가져왔습니다.",
    "Imported {n} labels.": "라벨 {n}개를 가져왔습니다.",
    "{matched} items matched, {unmatched} not matched.": "항목 {matched}개 일치, {unmatched}개 불일치.",
    "Annotators: {names}": "라벨러: {names}",
    # the Settings tab
    "Separated by commas. A class kept keeps its colour and key.": "쉼표로 구분합니다. 남겨 둔 클래스는 색과 단축키가 유지됩니다.",
    "Removing {classes}: the {n} labels given for them are kept and flagged as not in the schema, never dropped.":
        "{classes} 제거: 이미 준 라벨 {n}개는 삭제되지 않고 '스키마에 없음'으로 표시되어 남습니다.",
    "Save the settings": "설정 저장",
    "Saved the settings of {task}": "{task}의 설정을 저장했습니다",
    "Archive this task": "이 작업 보관",
    "Archive {task}? Its labels are kept, and it can be restored from the list of archived tasks.":
        "{task}을(를) 보관할까요? 라벨은 그대로 남고, 보관된 작업 목록에서 복원할 수 있습니다.",
    "Yes, archive": "예, 보관합니다",
    "**{project}** has no label tasks yet.": "**{project}**에는 아직 라벨링 작업이 없습니다.",
}
