"""Korean for the labeling screens (ui/label_screens.py): texts, images and table rows one label at a time."""

KO = {
    # progress and pace
    "{done} of {n} items complete, each with {overlap} annotators' labels ({started} started)":
        "항목 {n}개 중 {done}개 완료, 항목마다 라벨러 {overlap}명의 라벨 ({started}개 진행 중)",
    "{done} of {n} items labeled": "항목 {n}개 중 {done}개 라벨링됨",
    "You have labeled {n} item": "내가 라벨링한 항목 {n}개",
    "You have labeled {n} items": "내가 라벨링한 항목 {n}개",
    "{rate} items/hour": "시간당 {rate}개",
    "Instructions": "안내",
    # one item at a time
    "Row {n}": "{n}번 행",
    "you labeled it {label}": "내 라벨: {label}",
    "you skipped it": "건너뛴 항목",
    "(this item is empty)": "(빈 항목)",
    "The link named item {item}, which this task does not have; showing the next item instead.":
        "링크의 항목 {item}은(는) 이 작업에 없습니다. 대신 다음 항목을 보여 드립니다.",
    "Not in the schema: this item has a label of a class the task no longer has: {labels}. "
    "It is kept; a class given now becomes the newer label.":
        "스키마에 없음: 이 항목에는 작업에서 빠진 클래스의 라벨이 있습니다: {labels}. 이 라벨은 보존되며, "
        "지금 고르는 클래스가 새 라벨이 됩니다.",
    "Suggested: {label} ({confidence})": "제안: {label} ({confidence})",
    "Accept": "수락",
    "Save": "저장",
    "Skip": "건너뛰기",
    "Put this item aside: it comes back after all the others ({keys})":
        "이 항목을 미뤄 둡니다. 다른 항목을 모두 마친 뒤 다시 나옵니다 ({keys})",
    "Undo last": "마지막 작업 취소",
    "Take back your latest label or skip ({keys})": "가장 최근의 라벨이나 건너뛰기를 되돌립니다 ({keys})",
    "Take back your latest label or skip": "가장 최근의 라벨이나 건너뛰기를 되돌립니다",
    "Back": "이전 항목",
    "The item you did before this one ({keys})": "이 항목 바로 전에 작업한 항목 ({keys})",
    "Next": "다음",
    "The item you did after this one, then the next new item ({keys})":
        "이 항목 다음에 작업한 항목, 그다음은 새 항목 ({keys})",
    "Key {key}": "단축키 {key}",
    "Keys: a class's key labels the item; {skip} skips; {undo} undoes; {back} goes back.":
        "단축키: 클래스 키로 라벨링, {skip} 건너뛰기, {undo} 취소, {back} 이전 항목.",
    "Keys: a class's key labels the item, {enter} takes the suggestion; {skip} skips; {undo} undoes; "
    "{back} goes back.":
        "단축키: 클래스 키로 라벨링, {enter} 제안 수락, {skip} 건너뛰기, {undo} 취소, {back} 이전 항목.",
    "Keys: a class's key turns it on or off, {enter} saves; {skip} skips; {undo} undoes; {back} goes back.":
        "단축키: 클래스 키로 선택/해제, {enter} 저장, {skip} 건너뛰기, {undo} 취소, {back} 이전 항목.",
    "Nothing to undo.": "되돌릴 작업이 없습니다.",
    "Skip of row {item} undone.": "{item}번 행의 건너뛰기를 취소했습니다.",
    "Label of row {item} undone.": "{item}번 행의 라벨을 취소했습니다.",
    "All done: every item has its labels. Review the agreement, or publish the labels as a new dataset version.":
        "모두 끝났습니다: 모든 항목에 라벨이 있습니다. 일치도를 검토하거나 라벨을 새 데이터셋 버전으로 게시하세요.",
    "Nothing is left for you to label: the other items wait for other annotators ({n} still need labels).":
        "내가 라벨링할 항목이 더 없습니다. 나머지 항목은 다른 라벨러를 기다립니다 (라벨이 더 필요한 항목 {n}개).",
    "Review": "검토",
    "Publish": "게시",
    # images
    "One at a time": "한 장씩",
    "Grid": "격자",
    "View": "보기",
    "This image cannot be shown: {reason}": "이 이미지를 표시할 수 없습니다: {reason}",
    "Cannot show this image: {reason}": "이미지를 표시할 수 없음: {reason}",
    "Only images you have not labeled": "라벨링하지 않은 이미지만",
    "Folder": "폴더",
    "every folder": "모든 폴더",
    "No images to show: you have labeled every image here.": "표시할 이미지가 없습니다: 여기 있는 이미지를 모두 라벨링했습니다.",
    "Label every image shown as": "표시된 이미지 모두에 줄 클래스",
    "Choose a class": "클래스 선택",
    "Apply to {n} image": "이미지 {n}개에 적용",
    "Apply to {n} images": "이미지 {n}개에 적용",
    "{n} image labeled {label}": "이미지 {n}개를 {label}(으)로 라벨링했습니다",
    "{n} images labeled {label}": "이미지 {n}개를 {label}(으)로 라벨링했습니다",
    "No label yet": "아직 라벨 없음",
    "Your label": "내 라벨",
    "⚑ Not in the schema: {label}": "⚑ 스키마에 없음: {label}",
    "A label stays once given: choose another class to change it, or undo it in the one-at-a-time view.":
        "준 라벨은 지워지지 않습니다. 바꾸려면 다른 클래스를 고르거나, '한 장씩' 보기에서 취소하세요.",
    "Page": "페이지",
    "Previous": "이전",
    "Page {page} of {pages}: rows {first}–{last} of {n}": "{pages}쪽 중 {page}쪽: 전체 {n}행 중 {first}–{last}행",
    "Page {page} of {pages}: images {first}–{last} of {n}":
        "{pages}쪽 중 {page}쪽: 전체 {n}개 중 {first}–{last}번째 이미지",
    # table rows
    "Only rows you have not labeled": "라벨링하지 않은 행만",
    "any": "전체",
    "{label} (not in the schema)": "{label} (스키마에 없음)",
    "no column filter": "열 필터 없음",
    "Value": "값",
    "Value contains": "값에 포함된 글자",
    "Label every filtered row as": "필터된 행 모두에 줄 클래스",
    "Label {n} row…": "{n}행 라벨링…",
    "Label {n} rows…": "{n}행 라벨링…",
    "Give the label {label} to {n} row? Labels you gave these rows before stay in the history.":
        "{n}행에 {label} 라벨을 줄까요? 이 행들에 전에 준 라벨은 기록에 남습니다.",
    "Give the label {label} to {n} rows? Labels you gave these rows before stay in the history.":
        "{n}행에 {label} 라벨을 줄까요? 이 행들에 전에 준 라벨은 기록에 남습니다.",
    "Label them": "라벨링하기",
    "Cancel": "취소",
    "{n} row labeled {label}": "{n}행을 {label}(으)로 라벨링했습니다",
    "{n} rows labeled {label}": "{n}행을 {label}(으)로 라벨링했습니다",
    "No rows match the filters.": "필터에 맞는 행이 없습니다.",
    "Row": "행",
    "Your label; each change is saved at once": "내 라벨. 바꾸는 즉시 저장됩니다",
    "Your labels; each change is saved at once": "내 라벨. 바꾸는 즉시 저장됩니다",
    "Not in the schema": "스키마에 없음",
    "A label stays once given: choose another class to change it, or use Undo last.":
        "준 라벨은 지워지지 않습니다. 바꾸려면 다른 클래스를 고르거나 '마지막 작업 취소'를 쓰세요.",
}
