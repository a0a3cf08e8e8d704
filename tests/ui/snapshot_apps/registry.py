"""Snapshot app: the registry step, pre-filled from examples/seed000-byo-private-link.yaml."""

from _wizard import build

app = build("registry", "seed000-byo-private-link.yaml")
