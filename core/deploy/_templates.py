"""The fixed texts of a bundle: its Dockerfile, .dockerignore and README (``string.Template``, ``$name``).

The Dockerfile is the same for every model but for the default base image. It builds in two
stages from ``BASE_IMAGE`` (any image with the training Python and its ``venv`` module:
``python:3.11-slim``, or a bare Debian bookworm with ``python3`` and ``python3-venv``, where
``python`` does not exist): the first makes ``/opt/venv`` from the pinned requirements (from
``wheels/`` with no index when the bundle has wheels, else from PyPI), the second copies that
venv and the bundle's files, runs as an unprivileged user and checks ``/ping``. Nothing is
installed with apt and no compiler is used. ``COPY requirements.txt wheel[s] ./`` copies the
wheels when the folder exists and nothing else when it does not (the glob matches nothing).

The last image of each stage carries the labels ``org.mlcycle.export`` and ``org.mlcycle.model``
(labels come last, so the slow venv step stays cached across exports). Docker's classic builder
keeps the first stage as an untagged image: ``docker images --filter
label=org.mlcycle.export=<id>`` finds it, and removing it removes its untagged parents.
"""

from __future__ import annotations

from string import Template

# Written as is (hadolint-clean; ``tests/unit/test_deploy_bundle.py`` lints every bundle's copy).
DOCKERFILE = Template("""\
# The serving image of MLCycle model $model_id. README.md has the commands.
# BASE_IMAGE: any image with Python $python (the version the model was trained with) and its venv
# module, e.g. python:$python-slim or a Debian with python3 and python3-venv.
ARG BASE_IMAGE=$base_image

# Stage 1: a virtualenv with the pinned requirements; from wheels/ with no network when the bundle has them.
# LightGBM needs the OpenMP runtime (libgomp.so.1), which slim images lack: the copy inside a wheel
# (scikit-learn's) goes on the library path, so no system package is needed.
FROM $${BASE_IMAGE} AS build
WORKDIR /build
COPY requirements.txt wheel[s] ./
RUN set -eu; \\
    python_bin="$$(command -v python3 || command -v python)"; \\
    "$$python_bin" -m venv /opt/venv; \\
    if [ -n "$$(find . -maxdepth 1 -name '*.whl' -print -quit)" ]; then \\
        /opt/venv/bin/python -m pip install --no-cache-dir --disable-pip-version-check \\
            --no-index --find-links . -r requirements.txt; \\
    else \\
        /opt/venv/bin/python -m pip install --no-cache-dir --disable-pip-version-check -r requirements.txt; \\
    fi; \\
    gomp="$$(find /opt/venv -path '*.libs/libgomp-*.so*' -print -quit)"; \\
    mkdir -p /opt/venv/openmp; \\
    if [ -n "$$gomp" ]; then ln -s "$$gomp" /opt/venv/openmp/libgomp.so.1; fi
LABEL org.mlcycle.export="$export_id" org.mlcycle.model="$model_id" org.mlcycle.stage="build"

# Stage 2: the server, run by an unprivileged user; no compiler, no package cache, no wheels.
FROM $${BASE_IMAGE}
ENV PATH="/opt/venv/bin:$${PATH}" \\
    LD_LIBRARY_PATH=/opt/venv/openmp \\
    PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1 \\
    HOST=0.0.0.0 \\
    PORT=$port
RUN groupadd --system --gid 10001 mlcycle \\
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin mlcycle \\
    && mkdir -p /var/log/mlcycle \\
    && chown 10001:10001 /var/log/mlcycle
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY core ./core
COPY server ./server
COPY model.mlcycle metadata.json schema.json sample_request.json ./
LABEL org.mlcycle.export="$export_id" org.mlcycle.model="$model_id"
USER 10001:10001
EXPOSE $port
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \\
    CMD ["/opt/venv/bin/python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '$port') + '/ping', timeout=4)"]
CMD ["/opt/venv/bin/python", "-m", "server"]
""")

DOCKERIGNORE = """\
# Not needed in the image (the Dockerfile copies what it needs by name).
**/__pycache__
**/*.pyc
*.zip
.venv
"""

README = Template("""\
# $title

MLCycle model `$model_id` ($learner, $task_text) packaged to be served: a small FastAPI +
uvicorn server that speaks MLflow's scoring protocol, so MLflow clients work with it.
Exported $exported_at (export `$export_id`) from $origin.

The model was trained with Python $python and is served with exactly the package versions it
was trained with (`requirements.txt`). It loads with the model-format code of the app that
made it (`core/modeling/`, copied as it is), so it predicts exactly as the app does.

## Run it with Docker

From this folder:

```bash
docker build -t $tag .
docker run --rm -p 127.0.0.1:$port:$port $tag
```

Then, in another terminal in this folder:

```bash
curl -s http://127.0.0.1:$port/ping
curl -s -X POST http://127.0.0.1:$port/invocations -H 'Content-Type: application/json' --data @sample_request.json
```

The answer is `$answer`.
$classes_line
- **Another base image** (your registry's mirror, or any image with Python $python and its
  `venv` module; a Debian with `python3` and `python3-venv` works too):
  `docker build --build-arg BASE_IMAGE=python:$python-slim-bookworm -t $tag .`
- **Without network** (air-gapped): $offline_text
- **Another port**: `docker run --rm -e PORT=9000 -p 127.0.0.1:9000:9000 $tag`.
- **Log every request** (rows and predictions, as JSON Lines, for monitoring): set
  `MLCYCLE_LOG_DIR` to a folder the server may write. In the image, `/var/log/mlcycle` is
  that folder; keep it in a volume:
  `docker run --rm -p 127.0.0.1:$port:$port -e MLCYCLE_LOG_DIR=/var/log/mlcycle -v mlcycle-logs:/var/log/mlcycle $tag`
  (to write into a folder of this machine instead:
  `-v "$$PWD/logs:/var/log/mlcycle" --user "$$(id -u):$$(id -g)"`).
  A log that cannot be written never fails a request.

The image runs as an unprivileged user (uid 10001), listens on `HOST`/`PORT` (default
`0.0.0.0:$port`; the `-p 127.0.0.1:...` above keeps it reachable from this machine only) and
reports its health to Docker by asking `/ping`.

## Run it without Docker

With Python $python, from this folder:

```bash
python3 -m venv .venv
. .venv/bin/activate
pip install -r requirements.txt
HOST=127.0.0.1 PORT=$port python -m server
```
$offline_pip$openmp_note
## Endpoints

| Request | Answer |
|---|---|
| `POST /invocations` | predictions for rows (formats below) |
| `GET /ping` | 200 when the model is loaded |
| `GET /health` | `{"status": "ok", "model_id": ...}` |
| `GET /version` | server, model format, Python and package versions |
| `GET /schema` | the input columns and their types as JSON Schema (`schema.json`) |
| `GET /metadata` | model id, data hash, metrics and lineage (`metadata.json`) |
| `GET /metrics` | Prometheus text: requests by endpoint and status, errors, latency histogram, rows predicted |

`POST /invocations` takes `application/json` with one of these keys (MLflow's protocol):

```json
$formats
```

or `text/csv` with a header row
(`curl -s -X POST http://127.0.0.1:$port/invocations -H 'Content-Type: text/csv' --data-binary @rows.csv`).
A missing column or a value of the wrong type is answered with 422 and a message naming the
column; a malformed body with 400; another content type with 415; a body over
`MLCYCLE_MAX_BODY_BYTES` (default 20 MiB) with 413. A category the model never saw is treated
as the model was trained to treat one (as "other").

## Input columns

$columns_table

## Files

$files_table
""")
