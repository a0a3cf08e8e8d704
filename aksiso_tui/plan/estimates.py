"""Typical durations on Azure, in seconds, for `Step.estimate_s`.

The values live in :mod:`aksiso_tui.durations`, the one table the emulator's latency model reads
too, so the plan's estimated critical path is what a run on the emulator takes (scaled).
"""

from __future__ import annotations

from aksiso_tui.durations import (
    CACHE_RULE,
    CLUSTER_CREATE,
    CLUSTER_READ,
    CLUSTER_UPDATE,
    DNS_LINK,
    DNS_RECORD,
    DNS_ZONE,
    FIREWALL,
    FIREWALL_POLICY,
    IDENTITY,
    PEERING,
    PRIVATE_ENDPOINT,
    PROVIDER_REGISTER,
    PUBLIC_IP,
    REGISTRY,
    REIMAGE_PER_POOL,
    RESOURCE_GROUP,
    ROLE_ASSIGNMENT,
    ROUTE,
    ROUTE_TABLE,
    RULE_COLLECTION_GROUP,
    RUN_COMMAND,
    SUBNET,
    VERIFY_SHOW,
    VNET,
)

__all__ = [
    "CACHE_RULE",
    "CLUSTER_CREATE",
    "CLUSTER_READ",
    "CLUSTER_UPDATE",
    "DNS_LINK",
    "DNS_RECORD",
    "DNS_ZONE",
    "FIREWALL",
    "FIREWALL_POLICY",
    "IDENTITY",
    "PEERING",
    "PRIVATE_ENDPOINT",
    "PROVIDER_REGISTER",
    "PUBLIC_IP",
    "REGISTRY",
    "REIMAGE_PER_POOL",
    "RESOURCE_GROUP",
    "ROLE_ASSIGNMENT",
    "ROUTE",
    "ROUTE_TABLE",
    "RULE_COLLECTION_GROUP",
    "RUN_COMMAND",
    "SUBNET",
    "VERIFY_SHOW",
    "VNET",
    "run_commands",
]


def run_commands(count: int) -> float:
    """A verification that runs `count` kubectl commands through AKS run command."""
    return RUN_COMMAND * max(count, 1)
