"""The store every step writes to: SQLite metadata and immutable artifacts.

Holds ``db`` (connections, WAL, ``BEGIN IMMEDIATE`` writes), ``migrations`` (numbered,
add-only), ``artifacts`` (files addressed by their sha256), ``activity`` (the feed of what
happened), ``lineage`` (links between objects) and ``entities`` (the entity base class,
events and links). Imports nothing of ``core`` but ``errors``, ``ids`` and ``workspace``.
"""

from core.store.db import init_db, open_db, write_db

__all__ = ["init_db", "open_db", "write_db"]
