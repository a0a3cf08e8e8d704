"""Snapshot app: the network step, pre-filled from examples/hub-firewall-spoke.yaml."""

from _wizard import build

app = build("network", "hub-firewall-spoke.yaml")
