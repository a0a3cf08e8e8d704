"""Snapshot app: the execution panel (mid-run), replayed on a fixed clock."""

from _run import ReplayApp

app = ReplayApp("mid-run")
