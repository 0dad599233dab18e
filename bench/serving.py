"""Benchmark: our bundle's model server against an HTTP floor and ``mlflow models serve``, in one run.

One real model, the same for every side: LightGBM (100 trees of 31 leaves) trained on the churn
sample (``data/samples/churn.csv``: 2,000 rows, an ID column, a date, categoricals, booleans,
gaps) in a temporary workspace, stored through the model format as a search stores its model.
Four ways to get a prediction, all on 127.0.0.1, measured in the same run:

  in-process: ``ModelBundle.predict_proba`` on raw rows, no HTTP (the model's own cost);
  floor:      a FastAPI app whose ``POST /invocations`` reads the body and returns a constant JSON
              (``python bench/serving.py --serve-floor``: uvicorn with our server's settings, one
              worker, access log off): what HTTP alone costs with this stack;
  ours:       the bundle's server, ``python -m server`` from a bundle directory written by
              ``core.deploy.bundle.export_bundle`` (until that module exists, a directory laid out
              by hand per the bundle contract around ``core/deploy/serving/``);
  MLflow:     ``mlflow models serve --env-manager local -w 1`` of an MLflow pyfunc model (models
              from code) that loads the same ``model.mlcycle`` with the bundle's ``core.modeling``
              (``code_paths``) and returns the label and the class probabilities, as ours does; no
              signature, so MLflow skips its schema enforcement (its fastest path).

Every server answers the same requests (``dataframe_split`` of held-out rows, all columns but the
target, as a client sends them), and first their answers are checked against ``predict_proba``
in-process (labels exactly, probabilities to 1e-9). Then, in ``--rounds`` interleaved rounds (the
order rotates each round), each server gets:

  single row:  ``--requests`` one-row requests, one after the other, on one keep-alive connection
               (``http.client``): p50 and p99 latency;
  batch:       ``--batches`` requests of ``--batch-rows`` rows each: rows per second;
  concurrent:  ``--threads`` clients, each with its own keep-alive connection, sending one-row
               requests at once: rows per second over all of them.

Prints the medians over the rounds, the ratios (ours / floor for latency, ours / MLflow for
throughput: the median of the per-round ratios) and the targets: our single-row p50 <= 1.5x the
floor's; our throughput >= 3x MLflow's (batch and concurrent). OK, or OVER / UNDER; nothing is asserted
about time and the exit status is 0 (a server that answers wrongly stops the bench with status 1).
The client runs on the same cores as the servers: on a busy machine the absolute figures swing,
the per-round ratios much less. Servers run as subprocesses in their own process group and are
stopped when the bench ends, whatever happens.

MLflow is a bench-only requirement: ``mlflow-skinny`` (requirements-bench.txt, which ``make bench``
installs into the venv) has ``mlflow models serve`` and its uvicorn scoring server, so no separate
environment is needed (the full ``mlflow`` package would downgrade the app's pyarrow). Without it
the bench says so and measures the other three.

``--profile SECONDS`` then samples our server with py-spy (bench-only too) under single-row and
batch load and prints where its time goes; ``--variant DIR`` also serves the same bundle with another
server package in place of its ``server/`` (a fifth row, to compare a change in the same run);
``--keep`` keeps the bundle, the MLflow model, the servers' logs and the profiles.

    .venv/bin/pip install -r requirements-bench.txt
    .venv/bin/python bench/serving.py
    .venv/bin/python bench/serving.py --rounds 3 --requests 200 --threads 4
    .venv/bin/python bench/serving.py --rounds 3 --profile 10
"""

import argparse
import contextlib
import http.client
import io
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

from _common import REPO_ROOT, print_table  # puts the repository on sys.path

LATENCY_TARGET = 1.5  # our single-row p50 / the floor's
THROUGHPUT_TARGET = 3.0  # our rows/s / MLflow's
CONFIG = {"n_estimators": 100, "num_leaves": 31, "learning_rate": 0.1, "min_child_samples": 20}
SAMPLE = REPO_ROOT / "data" / "samples" / "churn.csv"
INSTALL = ".venv/bin/pip install -r requirements-bench.txt"
FLOOR_BODY = b'{"predictions": [0], "probabilities": [[0.5, 0.5]], "classes": [0, 1]}'
HEADERS = {"Content-Type": "application/json"}


# ---------------------------------------------------------------- the floor (run as its own process)

def floor_app():
    """A FastAPI app that does nothing: ``/invocations`` reads the body and returns a constant JSON."""
    from fastapi import FastAPI, Request, Response

    app = FastAPI()

    @app.get("/ping")
    async def ping() -> Response:
        return Response(status_code=200)

    @app.post("/invocations")
    async def invocations(request: Request) -> Response:
        await request.body()
        return Response(FLOOR_BODY, media_type="application/json")

    return app


def serve_floor() -> None:
    """uvicorn as our server runs it (core/deploy/serving/__main__.py): one worker, access log and Server header off."""
    import uvicorn

    uvicorn.run(floor_app(), host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ["PORT"]),
                workers=1, access_log=False, server_header=False, log_level="info")


# ---------------------------------------------------------------- the model and its three servers' files

def train_model(tmp: Path):
    """A LightGBM model of the churn sample stored in a temporary workspace: (ws, model, bundle, raw rows, target)."""
    import pandas as pd

    from core.experiments import service
    from core.workspace import Workspace
    from tests.tiny_models import add_model, make_experiment

    os.environ["MLCYCLE_HOME"] = str(tmp / "ws")
    ws = Workspace(tmp / "ws")
    frame = pd.read_csv(SAMPLE)
    target = "churned"
    exp = make_experiment(ws, tmp, frame=frame, name=SAMPLE.name, target=target)
    model = add_model(ws, exp, "lgbm", CONFIG)
    bundle = service.load_model(ws, model.id)  # from the stored bytes, as the app loads it
    from core.data import datasets

    held_out = datasets.load_frame(ws, exp.test_version_id).drop(columns=[target])
    return ws, model, bundle, frame.drop(columns=[target]), held_out


def export_dir(ws, model, bundle, out: Path) -> tuple[Path | None, str]:
    """The bundle directory of ``model`` and how it was made; ``None`` when the server package is not there yet."""
    serving = REPO_ROOT / "core" / "deploy" / "serving"
    if not (serving / "__main__.py").exists():
        return None, "core/deploy/serving/ is not there yet"
    try:
        from core.deploy.bundle import export_bundle
    except ImportError:
        pass
    else:
        return Path(export_bundle(ws, model.id, out).path), "core.deploy.bundle.export_bundle"
    ignore = shutil.ignore_patterns("__pycache__")
    (out / "core").mkdir(parents=True)
    (out / "core" / "__init__.py").write_text('"""The model format of an MLCycle model bundle."""\n')
    shutil.copy2(REPO_ROOT / "core" / "errors.py", out / "core" / "errors.py")
    shutil.copytree(REPO_ROOT / "core" / "modeling", out / "core" / "modeling", ignore=ignore)
    shutil.copytree(serving, out / "server", ignore=ignore)
    (out / "model.mlcycle").write_bytes(bundle.to_bytes())
    (out / "metadata.json").write_text(json.dumps({
        "model_id": model.id, "learner": bundle.learner, "task": bundle.task, "target": bundle.target,
        "classes": bundle.classes, "versions": bundle.versions, "metrics": {}, "lineage": []}, indent=1))
    (out / "schema.json").write_text(json.dumps(_json_schema(bundle), indent=1))
    return out, "laid out by hand (core.deploy.bundle is not there yet)"


def _json_schema(bundle) -> dict:
    types = {"numeric": "number", "boolean": "boolean"}
    props = {}
    for col in bundle.input_schema:
        prop: dict = {"type": [types.get(col["kind"], "string"), "null"]}
        if col["kind"] == "categorical" and col["categories"]:
            prop["enum"] = [*col["categories"], None]
        if col["kind"] == "datetime":
            prop["format"] = "date-time"
        props[col["name"]] = prop
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": props,
            "required": list(bundle.input_columns), "x-mlcycle-input-columns": list(bundle.input_columns)}


PYFUNC_CODE = '''"""MLflow pyfunc (models from code): the MLCycle model, loaded with the bundle's core.modeling."""
from pathlib import Path

import mlflow.pyfunc
import numpy as np
import pandas as pd
from mlflow.models import set_model


class MLCycleModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from core.modeling import ModelBundle

        self.bundle = ModelBundle.from_bytes(Path(context.artifacts["model"]).read_bytes())

    def predict(self, context, model_input, params=None):
        proba = self.bundle.predict_proba(model_input)
        out = pd.DataFrame(proba, columns=[f"proba_{c}" for c in self.bundle.classes])
        out.insert(0, "prediction", [self.bundle.classes[i] for i in np.argmax(proba, axis=1)])
        return out


set_model(MLCycleModel())
'''


def mlflow_model(bundle_dir: Path, out: Path) -> Path:
    """An MLflow pyfunc model of the bundle's ``model.mlcycle`` (its ``core`` package as code_paths)."""
    import logging

    import mlflow.pyfunc

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    code = out.parent / "mlcycle_pyfunc.py"
    code.write_text(PYFUNC_CODE)
    with contextlib.redirect_stderr(io.StringIO()):  # its progress bars, and a warning it shows whatever the filters
        mlflow.pyfunc.save_model(str(out), python_model=str(code), code_paths=[str(bundle_dir / "core")],
                                 artifacts={"model": str(bundle_dir / "model.mlcycle")},
                                 pip_requirements=["lightgbm", "pandas"])
    return out


# ---------------------------------------------------------------- servers as subprocesses

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server subprocess in its own process group; ``start`` waits for ``GET /ping``; ``stop`` ends the group."""

    def __init__(self, name: str, cmd: list[str], *, cwd: Path, env: dict[str, str], log: Path, port: int) -> None:
        self.name, self.cmd, self.cwd, self.env, self.log, self.port = name, cmd, cwd, env, log, port
        self.proc: subprocess.Popen | None = None
        self.ready_s = float("nan")

    def start(self, timeout: float = 180.0) -> "Server":
        started = time.perf_counter()
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with status {self.proc.returncode} before it answered:\n"
                                 f"{self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/ping")
                if conn.getresponse().status == 200:
                    conn.close()
                    self.ready_s = time.perf_counter() - started
                    return self
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"{self.name} did not answer /ping within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue


def server_env(port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLCYCLE_", "PYTHONPATH"))}
    env.update({"HOST": "127.0.0.1", "PORT": str(port), "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true",
                "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", **extra})
    return env


# ---------------------------------------------------------------- the client

def body_of(rows) -> bytes:
    """``dataframe_split`` JSON of raw rows (gaps as null, as a client's JSON encoder writes them)."""
    split = json.loads(rows.to_json(orient="split", index=False, date_format="iso"))
    return json.dumps({"dataframe_split": {"columns": split["columns"], "data": split["data"]}}).encode()


def connect(port: int) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def post(conn: http.client.HTTPConnection, body: bytes) -> bytes:
    conn.request("POST", "/invocations", body=body, headers=HEADERS)
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise SystemExit(f"POST /invocations answered {resp.status}: {data[:300]!r}")
    return data


def single(port: int, bodies: list[bytes], n: int) -> list[float]:
    """Seconds per one-row request, ``n`` requests one after the other on one keep-alive connection."""
    conn = connect(port)
    try:
        out = []
        for i in range(n):
            started = time.perf_counter()
            post(conn, bodies[i % len(bodies)])
            out.append(time.perf_counter() - started)
        return out
    finally:
        conn.close()


def batch(port: int, body: bytes, n: int) -> list[float]:
    """Seconds per batch request, ``n`` of them on one keep-alive connection."""
    return single(port, [body], n)


def concurrent(port: int, bodies: list[bytes], threads: int, per_thread: int) -> float:
    """Rows per second: ``threads`` clients with their own connection each send ``per_thread`` one-row requests."""
    conns = [connect(port) for _ in range(threads)]
    gate = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def work(k: int) -> None:
        gate.wait()
        try:
            for i in range(per_thread):
                post(conns[k], bodies[(k * per_thread + i) % len(bodies)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    gate.wait()
    started = time.perf_counter()
    for w in workers:
        w.join()
    took = time.perf_counter() - started
    for c in conns:
        c.close()
    if errors:
        raise SystemExit(f"a concurrent client failed: {errors[0]}")
    return threads * per_thread / took


# ---------------------------------------------------------------- answers checked first

def parse_answer(name: str, data: bytes) -> tuple[list, list[list[float]]]:
    """(labels, probabilities) from our answer or MLflow's (a list of {prediction, proba_<class>})."""
    doc = json.loads(data)
    preds = doc["predictions"]
    if name == "MLflow":
        keys = [k for k in preds[0] if k.startswith("proba_")]
        return [p["prediction"] for p in preds], [[p[k] for k in keys] for p in preds]
    return preds, doc["probabilities"]


def check(name: str, port: int, bundle, rows) -> str:
    """The server's labels equal predict's and its probabilities predict_proba's (to 1e-9), else stop."""
    import numpy as np

    conn = connect(port)
    try:
        labels, proba = parse_answer(name, post(conn, body_of(rows)))
    finally:
        conn.close()
    want = bundle.predict_proba(rows)
    want_labels = bundle.predict(rows).tolist()
    diff = float(np.max(np.abs(np.asarray(proba, dtype=float) - want)))
    if labels != want_labels or diff > 1e-9:
        wrong = sum(a != b for a, b in zip(labels, want_labels, strict=True))
        raise SystemExit(f"{name} answers differently from ModelBundle in-process: {wrong} of {len(rows)} labels "
                         f"differ, largest probability difference {diff:.3g}.")
    return f"{name}: {len(rows)} rows, labels equal, largest probability difference {diff:.1g}"


# ---------------------------------------------------------------- the run

def in_process(bundle, one_rows: list, batch_rows, n: int, n_batches: int) -> dict:
    """The model alone: predict_proba on one row (p50/p99) and on a batch (rows/s)."""
    times = []
    for i in range(n):
        started = time.perf_counter()
        bundle.predict_proba(one_rows[i % len(one_rows)])
        times.append(time.perf_counter() - started)
    batches = []
    for _ in range(n_batches):
        started = time.perf_counter()
        bundle.predict_proba(batch_rows)
        batches.append(time.perf_counter() - started)
    return {"p50": _pct(times, 50), "p99": _pct(times, 99), "batch": len(batch_rows) / statistics.median(batches)}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))] * 1000


def measure(port: int, bodies: list[bytes], batch_body: bytes, batch_rows: int, args) -> dict:
    lat = single(port, bodies, args.requests)
    per_batch = statistics.median(batch(port, batch_body, args.batches))
    return {"p50": _pct(lat, 50), "p99": _pct(lat, 99), "batch": batch_rows / per_batch,
            "concurrent": concurrent(port, bodies, args.threads, max(1, args.requests // args.threads))}


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = [f"Python {sys.version.split()[0]}"]
    for pkg in ("fastapi", "uvicorn", "lightgbm", "pandas", "mlflow-skinny"):
        try:
            out.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            pass
    return ", ".join(out)


def main(argv: list[str] | None = None) -> int:
    """Train the model, write its bundle and MLflow model, start the servers, check, time, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (medians are shown)")
    parser.add_argument("--requests", type=int, default=400, help="single-row requests per server per round")
    parser.add_argument("--batch-rows", type=int, default=1000, help="rows in a batch request")
    parser.add_argument("--batches", type=int, default=10, help="batch requests per server per round")
    parser.add_argument("--threads", type=int, default=4, help="concurrent single-row clients")
    parser.add_argument("--warmup", type=int, default=50, help="requests of each kind before the first round")
    parser.add_argument("--variant", type=Path, metavar="DIR",
                        help="also serve the bundle with this server package in place of its server/ (an A/B row)")
    parser.add_argument("--profile", type=float, default=0, metavar="SECONDS",
                        help="then profile our server (and the variant) with py-spy for SECONDS under single-row, "
                             "then batch load")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (bundle, logs) and print it")
    parser.add_argument("--serve-floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_floor:
        serve_floor()
        return 0
    warnings.simplefilter("ignore")
    try:
        import mlflow  # noqa: F401
    except ImportError:
        mlflow_ok = False
        print(f"MLflow is not installed, so `mlflow models serve` is not measured. Install it (bench only) with:\n"
              f"  {INSTALL}")
    else:
        mlflow_ok = True
    tmp = Path(tempfile.mkdtemp(prefix="mlcycle-bench-serving-"))
    servers: dict[str, Server] = {}
    try:
        started = time.perf_counter()
        ws, model, bundle, raw, held_out = train_model(tmp)
        print(f"LightGBM: {bundle.native_model.num_trees()} trees on {SAMPLE.name} ({len(raw):,} rows x "
              f"{len(raw.columns)} columns sent, {len(bundle.input_columns)} used, {len(bundle.feature_names)} "
              f"model features), trained and stored in {time.perf_counter() - started:.1f} s; {versions()}; "
              f"{os.cpu_count()} CPUs shared with the client")
        bundle_dir, how = export_dir(ws, model, bundle, tmp / "bundle")
        print(f"bundle: {how}")
        one_rows = [held_out.iloc[[i]] for i in range(len(held_out))]
        bodies = [body_of(r) for r in one_rows]
        batch_rows = raw.sample(args.batch_rows, replace=args.batch_rows > len(raw), random_state=0)
        batch_body = body_of(batch_rows)

        specs: dict[str, tuple[list[str], Path, dict]] = {}
        port = free_port()
        specs["floor"] = ([sys.executable, str(Path(__file__).resolve()), "--serve-floor"], tmp, server_env(port))
        if bundle_dir is not None:
            port = free_port()
            specs["ours"] = ([sys.executable, "-m", "server"], bundle_dir, server_env(port))
            if args.variant:
                variant_dir = tmp / "bundle-variant"
                shutil.copytree(bundle_dir, variant_dir, ignore=shutil.ignore_patterns("server"))
                shutil.copytree(args.variant, variant_dir / "server", ignore=shutil.ignore_patterns("__pycache__"))
                port = free_port()
                specs["variant"] = ([sys.executable, "-m", "server"], variant_dir, server_env(port))
        if mlflow_ok:
            if bundle_dir is None:  # MLflow's model needs the bundle's core package: lay it out anyway
                bundle_dir = tmp / "model-only"
                (bundle_dir / "core").mkdir(parents=True)
                (bundle_dir / "core" / "__init__.py").write_text('"""The model format."""\n')
                shutil.copy2(REPO_ROOT / "core" / "errors.py", bundle_dir / "core" / "errors.py")
                shutil.copytree(REPO_ROOT / "core" / "modeling", bundle_dir / "core" / "modeling",
                                ignore=shutil.ignore_patterns("__pycache__"))
                (bundle_dir / "model.mlcycle").write_bytes(bundle.to_bytes())
            ml_path = mlflow_model(bundle_dir, tmp / "mlflow-model")
            port = free_port()
            specs["MLflow"] = ([sys.executable, "-m", "mlflow", "models", "serve", "-m", str(ml_path), "--env-manager",
                                "local", "-h", "127.0.0.1", "-p", str(port), "-w", "1"], tmp, server_env(port))
        for name, (cmd, cwd, env) in specs.items():
            servers[name] = Server(name, cmd, cwd=cwd, env=env, log=tmp / f"{name}.log", port=int(env["PORT"]))
            servers[name].start()
        print("ready in: " + ", ".join(f"{n} {s.ready_s:.1f} s" for n, s in servers.items()))

        for name in ("ours", "variant", "MLflow"):
            if name in servers:
                print("checked " + check(name, servers[name].port, bundle, held_out))
        # warm-up: every kind of request, every server, and the in-process path
        in_process(bundle, one_rows, batch_rows, args.warmup, 2)
        for s in servers.values():
            single(s.port, bodies, args.warmup)
            batch(s.port, batch_body, 2)
            concurrent(s.port, bodies, args.threads, max(1, args.warmup // args.threads))

        names = ["in-process", *servers]
        results: dict[str, list[dict]] = {n: [] for n in names}
        for r in range(args.rounds):
            order = names[r % len(names):] + names[:r % len(names)]
            for name in order:
                if name == "in-process":
                    results[name].append(in_process(bundle, one_rows, batch_rows, args.requests, args.batches))
                else:
                    results[name].append(measure(servers[name].port, bodies, batch_body, len(batch_rows), args))
            print(f"  round {r + 1} of {args.rounds} done", flush=True)
        report(results, servers, args)
        for name in ("ours", "variant") if args.profile else ():
            if name in servers:
                profile(servers[name], bodies, batch_body, args.profile, tmp)
        if args.keep:
            print(f"kept {tmp}")
    finally:
        for s in servers.values():
            s.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def profile(server: Server, bodies: list[bytes], batch_body: bytes, seconds: float, tmp: Path, top: int = 18) -> None:
    """Sample a server with py-spy while a client sends one-row requests, then batches; print where time goes."""
    spy = shutil.which("py-spy", path=server.env["PATH"])
    if spy is None:
        print("\nprofile: py-spy is not installed (bench only: .venv/bin/pip install -r requirements-bench.txt)")
        return
    for kind, load in (("single-row", bodies), ("batch", [batch_body])):
        out = tmp / f"{server.name}-{kind}.pyspy.txt"
        rec = subprocess.Popen([spy, "record", "--pid", str(server.proc.pid), "--duration", str(max(1, round(seconds))),
                                "--rate", "500", "--nonblocking", "--format", "raw", "--output", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        conn, i = connect(server.port), 0
        try:
            while rec.poll() is None:
                post(conn, load[i % len(load)])
                i += 1
        finally:
            conn.close()
        if rec.returncode != 0 or not out.exists():
            print(f"\nprofile: py-spy failed: {rec.stderr.read().decode(errors='replace')[-500:]}")
            return
        print(f"\nprofile of {server.name} under {kind} load ({i:,} requests; py-spy, active samples only; self = the running "
              f"frame, inclusive = anywhere in the stack):")
        by_self, ours = hot_spots(out, top)
        print_table(by_self, ["self", "inclusive", "function (file)"])
        print("the bundle's own code (server/, core/), by inclusive share:")
        print_table(ours, ["self", "inclusive", "function (file)"])


def hot_spots(raw: Path, top: int) -> tuple[list[dict], list[dict]]:
    """From py-spy's collapsed stacks: the functions with the largest share of samples as the running frame, and
    the bundle's own functions (``server/``, ``core/``) with the largest share anywhere in the stack."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = [_frame(f) for f in stack.split(";") if " (" in f]
        for f in set(frames):
            inclusive[f] = inclusive.get(f, 0) + n
        if frames:
            own[frames[-1]] = own.get(frames[-1], 0) + n

    def row(f: str) -> dict:
        return {"self": f"{100 * own.get(f, 0) / max(total, 1):5.1f}%",
                "inclusive": f"{100 * inclusive[f] / max(total, 1):5.1f}%", "function (file)": f}

    by_self = sorted(own, key=lambda f: -own[f])[:top]
    mine = sorted((f for f in inclusive if f.split(" (", 1)[1].startswith(("server/", "core/"))),
                  key=lambda f: -inclusive[f])[:top]
    return [row(f) for f in by_self], [row(f) for f in mine]


def _frame(frame: str) -> str:
    """``func (/path/site-packages/pkg/mod.py:12)`` -> ``func (pkg/mod.py)``."""
    func, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/lib/python3.11/", str(REPO_ROOT) + "/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{func} ({where.rsplit('/bundle/', 1)[-1]})"


def report(results: dict[str, list[dict]], servers: dict[str, Server], args) -> None:
    """Print the medians, the per-round ratios against the floor and MLflow, and the targets."""

    def med(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name]) if name in results else float("nan")

    def paired(name: str, base: str, key: str) -> float | None:
        if name not in results or base not in results:
            return None
        return statistics.median(a[key] / b[key] for a, b in zip(results[name], results[base], strict=True))

    labels = {"in-process": "in-process predict_proba", "floor": "FastAPI floor (does nothing)",
              "ours": "ours (python -m server)", "variant": f"variant ({args.variant})",
              "MLflow": "mlflow models serve"}
    rows = []
    for name in results:
        row = {"": labels[name], "ready s": f"{servers[name].ready_s:.1f}" if name in servers else "",
               "p50 ms": f"{med(name, 'p50'):.2f}", "p99 ms": f"{med(name, 'p99'):.2f}",
               f"batch {args.batch_rows:,} rows/s": f"{med(name, 'batch'):,.0f}",
               f"{args.threads} clients rows/s": f"{med(name, 'concurrent'):,.0f}" if name in servers else ""}
        vs_floor = paired(name, "floor", "p50")
        row["p50 / floor"] = f"{vs_floor:.2f}x" if vs_floor is not None and name != "floor" else ""
        for key, col in (("batch", "batch / MLflow"), ("concurrent", "clients / MLflow")):
            ratio = paired(name, "MLflow", key) if name in ("ours", "variant") else None
            row[col] = f"{ratio:.2f}x" if ratio is not None else ""
        rows.append(row)
    print()
    print_table(rows, list(rows[0]))
    print(f"(median of {args.rounds} interleaved rounds; {args.requests} single-row requests on one keep-alive "
          f"connection per round; ratios: the median of the per-round ratios)")
    if "ours" not in results:
        print("targets not judged: our server is not there yet")
        return
    p50 = paired("ours", "floor", "p50")
    print(f"target: our single-row p50 <= {LATENCY_TARGET}x the HTTP floor: {p50:.2f}x "
          f"{'OK' if p50 <= LATENCY_TARGET else 'OVER'}")
    if "MLflow" not in results:
        print("target: our throughput >= 3x MLflow's: not judged (MLflow is not installed)")
        return
    for key, what in (("batch", f"batch of {args.batch_rows:,} rows"), ("concurrent", f"{args.threads} clients")):
        ratio = paired("ours", "MLflow", key)
        print(f"target: our throughput >= {THROUGHPUT_TARGET:.0f}x MLflow's, {what}: {ratio:.2f}x "
              f"{'OK' if ratio >= THROUGHPUT_TARGET else 'UNDER'}")


if __name__ == "__main__":
    raise SystemExit(main())
