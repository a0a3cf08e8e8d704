"""Snapshot app: the execution panel (summary), replayed on a fixed clock."""

from _run import ReplayApp

app = ReplayApp("summary")
