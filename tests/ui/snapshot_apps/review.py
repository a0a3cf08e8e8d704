"""Snapshot app: the review step, pre-filled from examples/hub-firewall-spoke.yaml."""

from _wizard import build

app = build("review", "hub-firewall-spoke.yaml")
