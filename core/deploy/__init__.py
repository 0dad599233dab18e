"""The Deploy step: a model packaged as a container bundle whose server speaks MLflow's scoring
protocol, verified to predict exactly as the app does, and built by a real Docker engine.

- :mod:`core.deploy.bundle`: write the bundle (Dockerfile, pinned requirements, the model-format
  package, the server, the model, schema, sample request, model card, README; optional wheels)
  and record it in ``exports``.
- :mod:`core.deploy.serving`: the server that goes into the bundle (FastAPI + uvicorn); it
  imports nothing of ``core`` but :mod:`core.modeling` (and :mod:`core.errors`).
- :mod:`core.deploy.verify`: start a bundle's server and check its predictions against the app's.
- :mod:`core.deploy.engine`: build and run the bundle's image with a Docker engine.

Import the modules directly (``from core.deploy import bundle``).
"""
