"""Step kinds: the ARM resource type a step ensures or reads, or the name of an action or check.

The engine dispatches on `Step.kind` (one ensure()/read() per kind), so these strings are shared
between the plan builder and the engine and must not drift.
"""

from __future__ import annotations

RESOURCE_GROUP = "Microsoft.Resources/resourceGroups"
VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
PEERING = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
ROUTE_TABLE = "Microsoft.Network/routeTables"
ROUTE = "Microsoft.Network/routeTables/routes"
PUBLIC_IP = "Microsoft.Network/publicIPAddresses"
FIREWALL_POLICY = "Microsoft.Network/firewallPolicies"
RULE_COLLECTION_GROUP = "Microsoft.Network/firewallPolicies/ruleCollectionGroups"
FIREWALL = "Microsoft.Network/azureFirewalls"
PRIVATE_ENDPOINT = "Microsoft.Network/privateEndpoints"
DNS_ZONE = "Microsoft.Network/privateDnsZones"
DNS_LINK = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
DNS_A_RECORD = "Microsoft.Network/privateDnsZones/A"
REGISTRY = "Microsoft.ContainerRegistry/registries"
CACHE_RULE = "Microsoft.ContainerRegistry/registries/cacheRules"
IDENTITY = "Microsoft.ManagedIdentity/userAssignedIdentities"
ROLE_ASSIGNMENT = "Microsoft.Authorization/roleAssignments"
MANAGED_CLUSTER = "Microsoft.ContainerService/managedClusters"

REGISTER_PROVIDER = "action/register-provider"
"""POST `/subscriptions/{sub}/providers/{namespace}/register`, then wait for `Registered`."""
UPDATE_CLUSTER = "action/update-managed-cluster"
"""GET the cluster, merge `Step.body` into it, PUT it back (the SDK has no PATCH for clusters)."""
NODE_IMAGE_UPGRADE = "action/node-image-upgrade"
"""`upgradeNodeImageVersion` on every agent pool, then wait until every pool has finished."""
VERIFY_CLUSTER = "verify/managed-cluster"
"""GET the cluster and compare the fields in `params["expect"]`."""
VERIFY_RUN_COMMAND = "verify/run-command"
"""Run `params["commands"]` through the cluster's run command and check `params["expect"]`."""
