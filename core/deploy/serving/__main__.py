"""``python -m server`` (in a bundle) or ``python -m core.deploy.serving``: serve the bundle's model.

Listens on ``HOST`` (default ``0.0.0.0``) and ``PORT`` (default ``8080``) with uvicorn, one
worker, no access log (``/metrics`` counts the requests). ``LOG_LEVEL`` sets uvicorn's log level
(default ``info``). A model that cannot be loaded, or a bad setting, is one line on stderr and
exit status 2.
"""

from __future__ import annotations

import os
import sys

from core.errors import MLCycleError

from . import create_app, locate_bundle


def main() -> int:
    """Start the server; return the exit status."""
    host = os.environ.get("HOST", "0.0.0.0") or "0.0.0.0"  # noqa: S104 - a container listens on every interface
    raw_port = os.environ.get("PORT", "8080") or "8080"
    try:
        port = int(raw_port)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        print(f"error: PORT must be a port number (1-65535), not '{raw_port}'.", file=sys.stderr)
        return 2
    try:
        app = create_app()
    except MLCycleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    import uvicorn

    bundle = app.state.bundle
    print(f"Serving {bundle.learner} model of '{bundle.target}' ({bundle.task}) from {locate_bundle()} "
          f"on http://{host}:{port} (POST /invocations)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=host, port=port, workers=1, access_log=False, server_header=False,
                log_level=os.environ.get("LOG_LEVEL", "info").lower())
    return 0


if __name__ == "__main__":
    sys.exit(main())
