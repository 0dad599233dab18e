"""The Monitor step: watch a served model's data against what it was trained on, and close the loop.

- :mod:`core.monitor.drift`: pure statistics on arrays and frames (no store): per feature the
  test Evidently picks by default (Kolmogorov-Smirnov, chi-squared, a Z-test of two proportions,
  normed Wasserstein, Jensen-Shannon) with its threshold, PSI for every feature, missing-value
  and new-category changes, dataset and prediction drift, and shared histograms for the charts.
- :mod:`core.monitor.service`: a model's reference, batches (uploads and imported prediction
  logs), stored drift reports and alerts, per-model thresholds, the ``drift`` job, and the loop
  back to labeling and retraining.
- :mod:`core.monitor.charts`: plotly figures (reference vs current distributions, drift score by
  feature, drift vs SHAP importance, metric and drift share over successive batches).

The last lifecycle step: it may import every earlier core package; only :mod:`core.cli` imports
it. Import the modules directly (``from core.monitor import drift``).
"""
