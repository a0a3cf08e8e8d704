"""Snapshot app: the api_server step, pre-filled from examples/seed001-vnet-integration.yaml."""

from _wizard import build

app = build("api_server", "seed001-vnet-integration.yaml")
