"""Typical Azure durations, in seconds: the one table behind the plan's estimates and the
emulator's latency model (AZURE_FACTS.md "Typical durations").

Pure data, no imports: `plan/estimates.py` names these for `Step.estimate_s` (the review screen's
time, the export's header, the engine's ETA and its longest-chain-first order), and the emulator
(`emulator/lro.py`, provider registration, run command) waits these times `--time-scale`, so a
run on the emulator takes what the plan said it would, scaled. The emulator may import this module
(it is pure core); it imports nothing of `plan/`.

AZURE_FACTS.md's aggregates hold: Premium ACR + private endpoint + private DNS zone = 4 min; hub
VNet + firewall + policy + public IP about 11 min (ten for the firewall, "seen at 25+"); an AKS
cluster 7 min. Writes ARM answers synchronously (resource group, identity, role assignment, A
record) keep a few seconds here for the estimate; the emulator answers them at once.
"""

from __future__ import annotations

PROVIDER_REGISTER = 60.0
RESOURCE_GROUP = 3.0
VNET = 8.0
SUBNET = 5.0
PEERING = 10.0
IDENTITY = 3.0
ROLE_ASSIGNMENT = 3.0
ROUTE_TABLE = 5.0
ROUTE = 5.0
PUBLIC_IP = 5.0
NETWORK_INTERFACE = 5.0
REGISTRY = 90.0
CACHE_RULE = 20.0
PRIVATE_ENDPOINT = 90.0
DNS_ZONE = 60.0
DNS_LINK = 30.0
DNS_RECORD = 2.0
FIREWALL_POLICY = 60.0
RULE_COLLECTION_GROUP = 60.0
FIREWALL = 600.0
"""Seen at 25+ minutes; ten is typical."""
CLUSTER_CREATE = 420.0
AGENT_POOL = 240.0
CLUSTER_READ = 2.0
CLUSTER_UPDATE = 180.0
REIMAGE_PER_POOL = 300.0
"""Node-image upgrade: up to ten minutes per node in the worst case; five per pool is typical."""
VERIFY_SHOW = 2.0
RUN_COMMAND = 15.0
"""One `az aks command invoke` (AKS starts a pod that runs kubectl)."""

BY_TYPE: dict[str, float] = {
    "microsoft.resources/resourcegroups": RESOURCE_GROUP,
    "microsoft.network/virtualnetworks": VNET,
    "microsoft.network/virtualnetworks/subnets": SUBNET,
    "microsoft.network/virtualnetworks/virtualnetworkpeerings": PEERING,
    "microsoft.network/routetables": ROUTE_TABLE,
    "microsoft.network/routetables/routes": ROUTE,
    "microsoft.network/publicipaddresses": PUBLIC_IP,
    "microsoft.network/networkinterfaces": NETWORK_INTERFACE,
    "microsoft.network/privateendpoints": PRIVATE_ENDPOINT,
    "microsoft.network/firewallpolicies": FIREWALL_POLICY,
    "microsoft.network/firewallpolicies/rulecollectiongroups": RULE_COLLECTION_GROUP,
    "microsoft.network/azurefirewalls": FIREWALL,
    "microsoft.network/privatednszones": DNS_ZONE,
    "microsoft.network/privatednszones/virtualnetworklinks": DNS_LINK,
    "microsoft.network/privatednszones/a": DNS_RECORD,
    "microsoft.containerregistry/registries": REGISTRY,
    "microsoft.containerregistry/registries/cacherules": CACHE_RULE,
    "microsoft.containerservice/managedclusters": CLUSTER_CREATE,
    "microsoft.containerservice/managedclusters/agentpools": AGENT_POOL,
    "microsoft.managedidentity/userassignedidentities": IDENTITY,
    "microsoft.authorization/roleassignments": ROLE_ASSIGNMENT,
}
"""Typical time of a create/update, by lower-cased ARM type."""
