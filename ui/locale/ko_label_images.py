"""Korean for what core says about image zips and thumbnails (core/labeling/images.py): why a zip is
refused, the hints, which files were left out, and the progress of unpacking.

Same form as ``ko_errors``: ``(regex over the whole English text, Korean template, an English example)``;
named groups carry the data (file and entry names, sizes, counts) unchanged. A list of left-out files
ends with "and N more" when it is long; that tail has its own pattern, listed first.
"""

KO: dict[str, str] = {}

_F = r"'(?P<f>.+?)'"
_MORE = r"(?P<names>.+) and (?P<more>[\d,]+) more"

ERRORS: list[tuple[str, str, str]] = [
    (_F + r" holds an unsafe entry '(?P<e>.+)' \(a path outside the zip's folder\); nothing was unpacked\.",
     "'{f}'에 안전하지 않은 항목 '{e}'이(가) 있습니다 (zip 폴더 밖을 가리키는 경로). 아무것도 풀지 않았습니다.",
     "'shots.zip' holds an unsafe entry '../x.png' (a path outside the zip's folder); nothing was unpacked."),
    (_F + r" holds a link \(symlink\) '(?P<e>.+)'; links are not unpacked, so nothing was\.",
     "'{f}'에 링크(심볼릭 링크) '{e}'이(가) 있습니다. 링크는 풀지 않으므로 아무것도 풀지 않았습니다.",
     "'shots.zip' holds a link (symlink) 'cat.png'; links are not unpacked, so nothing was."),
    (_F + r" is password-protected \('(?P<e>.+)' is encrypted\); nothing was unpacked\.",
     "'{f}'은(는) 암호로 보호되어 있습니다 ('{e}'이(가) 암호화됨). 아무것도 풀지 않았습니다.",
     "'shots.zip' is password-protected ('a.png' is encrypted); nothing was unpacked."),
    (_F + r" unpacks to more than (?P<limit>.+?) for the image '(?P<e>.+)'; nothing was kept\.",
     "'{f}'의 이미지 '{e}'이(가) 풀면 {limit}를 넘습니다. 아무것도 남기지 않았습니다.",
     "'shots.zip' unpacks to more than 64.0 MiB for the image 'big.png'; nothing was kept."),
    (_F + r" unpacks to more than (?P<limit>.+?) in all; nothing was kept\.",
     "'{f}'을(를) 풀면 모두 {limit}를 넘습니다. 아무것도 남기지 않았습니다.",
     "'shots.zip' unpacks to more than 4.0 GiB in all; nothing was kept."),
    (_F + r" is not a readable zip file\.", "'{f}'은(는) 읽을 수 있는 zip 파일이 아닙니다.",
     "'shots.zip' is not a readable zip file."),
    (_F + r" holds (?P<n>[\d,]+) entries, over the limit of (?P<m>[\d,]+)\.",
     "'{f}'에 항목이 {n}개 있어 한도 {m}개를 넘습니다.",
     "'shots.zip' holds 250,000 entries, over the limit of 200,000."),
    (_F + r" is empty: it holds no files\.", "'{f}'이(가) 비어 있습니다: 파일이 하나도 없습니다.",
     "'shots.zip' is empty: it holds no files."),
    (_F + r" holds no images \(it holds (?P<n>[\d,]+) other file\(s\): " + _MORE + r"\)\.",
     "'{f}'에 이미지가 없습니다 (다른 파일 {n}개: {names} 외 {more}개).",
     "'shots.zip' holds no images (it holds 7 other file(s): 'a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt' and 2 more)."),
    (_F + r" holds no images \(it holds (?P<n>[\d,]+) other file\(s\): (?P<names>.+)\)\.",
     "'{f}'에 이미지가 없습니다 (다른 파일 {n}개: {names}).",
     "'shots.zip' holds no images (it holds 1 other file(s): 'notes.txt')."),
    (_F + r" holds no images\.", "'{f}'에 이미지가 없습니다.", "'shots.zip' holds no images."),
    (_F + r" holds no readable images: " + _MORE + r" could not be read\.",
     "'{f}'에 읽을 수 있는 이미지가 없습니다: {names} 외 {more}개를 읽지 못했습니다.",
     "'shots.zip' holds no readable images: 'a.png', 'b.png', 'c.png', 'd.png', 'e.png' and 4 more could not be read."),
    (_F + r" holds no readable images: (?P<names>.+) could not be read\.",
     "'{f}'에 읽을 수 있는 이미지가 없습니다: {names}을(를) 읽지 못했습니다.",
     "'shots.zip' holds no readable images: 'broken.png' could not be read."),
    (r"(?P<p>.+) is a folder, not a zip file\.", "{p}은(는) zip 파일이 아니라 폴더입니다.",
     "/data/shots is a folder, not a zip file."),
    (r"A thumbnail size of (?P<n>-?[\d,]+) pixels is out of range\.", "썸네일 크기 {n}픽셀은 허용 범위를 벗어납니다.",
     "A thumbnail size of 4 pixels is out of range."),
    (r"There is no image at (?P<p>.+)\.", "{p}에 이미지가 없습니다.", "There is no image at /ws/labeling/images/a.png."),
    (_F + r" could not be read as an image\.", "'{f}'을(를) 이미지로 읽을 수 없습니다.",
     "'cat.png' could not be read as an image."),
]

HINTS: list[tuple[str, str, str]] = [
    (r"Zip a plain folder of images again \(e\.g\. `zip -r images\.zip images/`\) and upload that zip\.",
     "이미지만 든 폴더를 다시 압축해서 (예: `zip -r images.zip images/`) 그 zip을 올리세요.",
     "Zip a plain folder of images again (e.g. `zip -r images.zip images/`) and upload that zip."),
    (r"Replace the link by the image itself, zip the folder again and upload that zip\.",
     "링크 대신 이미지 파일 자체를 넣고 폴더를 다시 압축해서 그 zip을 올리세요.",
     "Replace the link by the image itself, zip the folder again and upload that zip."),
    (r"Zip the images again without a password and upload that zip\.",
     "암호 없이 이미지를 다시 압축해서 그 zip을 올리세요.",
     "Zip the images again without a password and upload that zip."),
    (r"Split the images over several zips, or raise the limit with \$(?P<env>\w+) \(in bytes\)\.",
     "이미지를 여러 zip으로 나누거나, ${env}로 한도를 높이세요 (바이트 단위).",
     "Split the images over several zips, or raise the limit with $MLCYCLE_MAX_IMAGE_ZIP_BYTES (in bytes)."),
    (r"Check that the upload is a \.zip archive \(not renamed from another format\) and that it was copied "
     r"completely\.",
     "올린 파일이 (다른 형식의 이름만 바꾼 것이 아닌) .zip 압축 파일인지, 끝까지 복사되었는지 확인하세요.",
     "Check that the upload is a .zip archive (not renamed from another format) and that it was copied completely."),
    (r"Split the images over several zips\.", "이미지를 여러 zip으로 나누세요.", "Split the images over several zips."),
    (r"Zip a folder that holds the images \(PNG, JPEG, GIF, BMP, TIFF or WebP\)\.",
     "이미지(PNG, JPEG, GIF, BMP, TIFF, WebP)가 든 폴더를 압축하세요.",
     "Zip a folder that holds the images (PNG, JPEG, GIF, BMP, TIFF or WebP)."),
    (r"Check that the images open on your computer, then zip them again\.",
     "이미지가 컴퓨터에서 열리는지 확인한 뒤 다시 압축하세요.",
     "Check that the images open on your computer, then zip them again."),
    (r"Zip the folder and give the zip's path\.", "폴더를 압축한 뒤 그 zip 파일의 경로를 주세요.",
     "Zip the folder and give the zip's path."),
    (r"Use 16 to 2048 pixels\.", "16~2048픽셀로 지정하세요.", "Use 16 to 2048 pixels."),
    (r"The workspace's labeling/images folder may have been moved or cleaned; add the zip again\.",
     "작업 공간의 labeling/images 폴더가 옮겨졌거나 정리되었을 수 있습니다. zip을 다시 추가하세요.",
     "The workspace's labeling/images folder may have been moved or cleaned; add the zip again."),
    (r"Check that the file opens on your computer; replace it if it is damaged\.",
     "파일이 컴퓨터에서 열리는지 확인하고, 손상되었으면 바꾸세요.",
     "Check that the file opens on your computer; replace it if it is damaged."),
]

WARNINGS: list[tuple[str, str, str]] = [
    (r"Left out (?P<n>[\d,]+) file\(s\) of " + _F + r" that are not images: " + _MORE + r"\.",
     "'{f}'에서 이미지가 아닌 파일 {n}개를 뺐습니다: {names} 외 {more}개.",
     "Left out 8 file(s) of 'shots.zip' that are not images: 'a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt' and 3 more."),
    (r"Left out (?P<n>[\d,]+) file\(s\) of " + _F + r" that are not images: (?P<names>.+)\.",
     "'{f}'에서 이미지가 아닌 파일 {n}개를 뺐습니다: {names}.",
     "Left out 1 file(s) of 'shots.zip' that are not images: 'notes.txt'."),
    (r"Left out (?P<n>[\d,]+) repeated entr\(ies\) of " + _F + r" \(the first of each is kept\): " + _MORE + r"\.",
     "'{f}'에서 중복된 항목 {n}개를 뺐습니다 (각각 처음 것을 남김): {names} 외 {more}개.",
     "Left out 9 repeated entr(ies) of 'shots.zip' (the first of each is kept): 'a.png', 'b.png', 'c.png', "
     "'d.png', 'e.png' and 4 more."),
    (r"Left out (?P<n>[\d,]+) repeated entr\(ies\) of " + _F + r" \(the first of each is kept\): (?P<names>.+)\.",
     "'{f}'에서 중복된 항목 {n}개를 뺐습니다 (각각 처음 것을 남김): {names}.",
     "Left out 1 repeated entr(ies) of 'shots.zip' (the first of each is kept): 'a.png'."),
    (r"Left out (?P<n>[\d,]+) image\(s\) of " + _F + r" that could not be read: " + _MORE + r"\.",
     "'{f}'에서 읽을 수 없는 이미지 {n}개를 뺐습니다: {names} 외 {more}개.",
     "Left out 6 image(s) of 'shots.zip' that could not be read: 'a.png', 'b.png', 'c.png', 'd.png', 'e.png' "
     "and 1 more."),
    (r"Left out (?P<n>[\d,]+) image\(s\) of " + _F + r" that could not be read: (?P<names>.+)\.",
     "'{f}'에서 읽을 수 없는 이미지 {n}개를 뺐습니다: {names}.",
     "Left out 1 image(s) of 'shots.zip' that could not be read: 'broken.png'."),
]

PROGRESS: list[tuple[str, str, str]] = [
    (r"Unpacking images \((?P<a>[\d,]+) of (?P<b>[\d,]+)\)", "이미지 푸는 중 ({b}개 중 {a}개)",
     "Unpacking images (50 of 300)"),
    (r"Saving the list of images", "이미지 목록 저장 중", "Saving the list of images"),
]
