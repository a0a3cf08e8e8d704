"""Snapshot app: the execution panel (failed), replayed on a fixed clock."""

from _run import ReplayApp

app = ReplayApp("failed")
