"""The SQLite metadata store: connections (``db``) and the schema (``migrations``)."""

from core.store.db import init_db, open_db, write_db

__all__ = ["init_db", "open_db", "write_db"]
