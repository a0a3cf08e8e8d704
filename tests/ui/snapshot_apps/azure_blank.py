"""Snapshot app: the azure step."""

from _wizard import build

app = build("azure", None)
