"""Step 2, Data: ingest, immutable versions by content hash, lineage, sharing and profiling.

Modules: ``readers`` (CSV/TSV/Excel/Parquet/JSON, encodings incl. cp949) and ``ingest``
(streaming into the canonical Arrow form of ``canonical``); ``semantic`` (column meaning);
``datasets`` (add, derive, split, share: the writes), ``reads`` (lookups and loading),
``views`` (preview, diff, export, lineage graph), ``ops`` (derive operations and the
stratified split); ``profiling`` and ``stats`` (EDA); ``charts`` (its plotly figures);
``entities``. May import ``core.modeling`` (a leaf: the column-kind rules of ``core.modeling.columns``),
``core.store``, ``core.jobs`` and ``core.define``.
"""
