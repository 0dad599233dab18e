"""The Explain step: why a model predicts what it does, in the raw columns a user knows.

- :mod:`core.explain.explainers`: SHAP values per raw input column with the explainer that
  fits the model (tree, linear, or a bounded permutation explainer), and the structure-based
  importance a model has (tree gain, linear coefficients). Pure: a model and rows in.
- :mod:`core.explain.service`: explanations of a model on a dataset version, stored as
  artifacts keyed by (model, version, rows, settings) and reused; the ``explain`` job for
  large ones; row pickers and what-if.
- :mod:`core.explain.charts`: plotly figures (importance bars, beeswarm, dependence,
  waterfall, two models side by side).
- :mod:`core.explain.card`: the model card, filled from lineage, as Markdown and HTML.

Import the modules directly (``from core.explain import service``).
"""
