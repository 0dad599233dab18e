"""The Features step: which columns carry signal for a target, which are noise, which are too good to be true.

- :mod:`core.features.importance`: pure computation on a DataFrame: mutual information,
  univariate association, a quick LightGBM fit's gain and permutation importance on held-out
  rows, each column's rank under every method and a consensus rank, and the warnings (likely
  leakage, ID-like, constant, near-constant, mostly missing, named after the target).
- :mod:`core.features.service`: reports of a dataset version for a target, cached per (version,
  target, settings) and computed as a ``features`` job for large versions; named feature sets
  that the experiment form offers.
- :mod:`core.features.charts`: plotly figures (ranked bars per method, rank comparison, a
  feature's relation to the target).

May import ``core.modeling``, ``core.store``, ``core.jobs``, ``core.define``, ``core.data`` and
``core.labeling``; never a later step. Import the modules directly (``from core.features import service``).
"""
