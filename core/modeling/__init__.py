"""The model format: a trained model that predicts from raw rows, stored without pickle.

Holds :class:`ModelBundle` (``bundle``: preprocessing + native estimator + metadata), the
estimators in their own libraries' formats (``native``), the
:class:`~core.modeling.preprocessing.Preprocessor`, and ``columns``: the one set of rules
for what a column holds, which the Data step uses too. This package imports nothing of
``core`` but :mod:`core.errors`, and loading a model needs only numpy, pandas,
scikit-learn, lightgbm and xgboost, so the Deploy step ships it as it is.
"""

from core.modeling.bundle import FORMAT, TASKS, ModelBundle
from core.modeling.preprocessing import (
           MISSING,
           OTHER,
           ColumnSpec,
           Preprocessor,
           as_text,
           encode_target,
           sorted_labels,
)

__all__ = ["FORMAT", "MISSING", "OTHER", "TASKS", "ColumnSpec", "ModelBundle", "Preprocessor", "as_text",
           "encode_target", "sorted_labels"]
