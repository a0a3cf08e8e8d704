"""Snapshot app: the wizard on the demo seed, driven to the screen by `_existing.DRIVERS`."""

from _existing import build

app = build()
