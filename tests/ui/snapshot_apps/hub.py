"""Snapshot app: the hub step, pre-filled from examples/hub-firewall-spoke.yaml."""

from _wizard import build

app = build("hub", "hub-firewall-spoke.yaml")
