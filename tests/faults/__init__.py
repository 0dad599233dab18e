"""The fault suite: what MLCycle promises when users, scripts and machines misbehave.

One file per area (data, jobs and workspace, experiments, Ray and the UI). Each test
reproduces one case of the reliability review (issue #9) as it was written, names its item
number in its docstring, and failed before the fix.
"""
