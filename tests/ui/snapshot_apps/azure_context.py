"""Snapshot app: the azure step, pre-filled from examples/hub-firewall-spoke.yaml."""

from _wizard import build

app = build("azure", "hub-firewall-spoke.yaml")
