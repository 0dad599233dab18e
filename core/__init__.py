"""MLCycle core: the library under the app. Never imports streamlit."""

from core.errors import Conflict, Corrupted, ExternalToolFailed, InvalidInput, MLCycleError, NotFound
from core.workspace import Workspace

__version__ = "0.1.0"

__all__ = [
    "Conflict",
    "Corrupted",
    "ExternalToolFailed",
    "InvalidInput",
    "MLCycleError",
    "NotFound",
    "Workspace",
    "__version__",
]
