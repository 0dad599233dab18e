"""The model format: a trained model that predicts from raw rows, stored without pickle.

Holds :class:`ModelBundle` (preprocessing + native estimator + metadata) and the
:class:`~core.modeling.preprocessing.Preprocessor`. This package imports nothing of
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
