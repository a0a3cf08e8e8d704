"""Snapshot app: the outbound step, pre-filled from examples/seed001-block-preview.yaml."""

from _wizard import build

app = build("outbound", "seed001-block-preview.yaml")
