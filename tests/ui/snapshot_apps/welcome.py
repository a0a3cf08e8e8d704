"""Snapshot app: the welcome step."""

from _wizard import build

app = build("welcome", None)
