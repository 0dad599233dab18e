"""Step 1, Define: projects, their problem statements, and hypotheses with a measurable
success criterion and a verdict.

Modules: ``projects``, ``hypotheses``, ``entities``. May import ``core.store`` and
``core.jobs``; never a later step (a hypothesis's datasets are linked by the Data step).
"""
