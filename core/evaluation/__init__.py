"""The Compare step: evaluation with intervals, processing benchmarks, gates, a registry, the
leaderboard, hypothesis verdicts and the comparison charts. Import the modules directly
(``from core.evaluation import gates``); this package imports nothing at start-up.
"""
