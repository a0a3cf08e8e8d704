"""ARM resource ids of everything a plan touches, and deterministic role-assignment names.

Ids are built from the spec alone, so the plan can name every resource before anything exists.
Role assignments get a uuid5 name from (scope, role, assignee identity): re-running a plan finds
the same assignment instead of creating a duplicate (which ARM refuses with `RoleAssignmentExists`).
"""

from __future__ import annotations

import uuid

ROLE_ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
ROLE_NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
ROLE_MANAGED_IDENTITY_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830"

ROLE_NAMES = {
    ROLE_ACR_PULL: "AcrPull",
    ROLE_NETWORK_CONTRIBUTOR: "Network Contributor",
    ROLE_MANAGED_IDENTITY_OPERATOR: "Managed Identity Operator",
}

_ROLE_ASSIGNMENT_NAMESPACE = uuid.UUID("6f1c5d0e-3b7a-5c8e-9a41-2d6b0f7e4c13")
"""Fixed namespace of aksiso's uuid5 role-assignment names; changing it re-creates assignments."""


def role_assignment_name(scope: str, role_guid: str, assignee: str) -> str:
    """A stable GUID for one (scope, role, assignee identity) triple. ARM ids are case-insensitive,
    so they are lower-cased first."""
    key = f"{scope.lower()}|{role_guid.lower()}|{assignee.lower()}"
    return str(uuid.uuid5(_ROLE_ASSIGNMENT_NAMESPACE, key))


class Ids:
    """ARM ids in one subscription."""

    def __init__(self, subscription: str) -> None:
        self.sub = f"/subscriptions/{subscription}"

    def provider(self, namespace: str) -> str:
        return f"{self.sub}/providers/{namespace}"

    def role_definition(self, role_guid: str) -> str:
        return f"{self.sub}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"

    def group(self, rg: str) -> str:
        return f"{self.sub}/resourceGroups/{rg}"

    def resource(self, rg: str, rtype: str, name: str) -> str:
        """`rtype` is `Namespace/type`, e.g. `Microsoft.Network/virtualNetworks`."""
        return f"{self.group(rg)}/providers/{rtype}/{name}"

    def vnet(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.Network/virtualNetworks", name)

    def subnet(self, rg: str, vnet: str, name: str) -> str:
        return f"{self.vnet(rg, vnet)}/subnets/{name}"

    def peering(self, rg: str, vnet: str, name: str) -> str:
        return f"{self.vnet(rg, vnet)}/virtualNetworkPeerings/{name}"

    def route_table(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.Network/routeTables", name)

    def route(self, rg: str, table: str, name: str) -> str:
        return f"{self.route_table(rg, table)}/routes/{name}"

    def public_ip(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.Network/publicIPAddresses", name)

    def firewall_policy(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.Network/firewallPolicies", name)

    def rule_collection_group(self, rg: str, policy: str, name: str) -> str:
        return f"{self.firewall_policy(rg, policy)}/ruleCollectionGroups/{name}"

    def firewall(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.Network/azureFirewalls", name)

    def private_endpoint(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.Network/privateEndpoints", name)

    def dns_zone(self, rg: str, zone: str) -> str:
        return self.resource(rg, "Microsoft.Network/privateDnsZones", zone)

    def dns_link(self, rg: str, zone: str, name: str) -> str:
        return f"{self.dns_zone(rg, zone)}/virtualNetworkLinks/{name}"

    def dns_a_record(self, rg: str, zone: str, name: str) -> str:
        return f"{self.dns_zone(rg, zone)}/A/{name}"

    def registry(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.ContainerRegistry/registries", name)

    def cache_rule(self, rg: str, registry: str, name: str) -> str:
        return f"{self.registry(rg, registry)}/cacheRules/{name}"

    def identity(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.ManagedIdentity/userAssignedIdentities", name)

    def cluster(self, rg: str, name: str) -> str:
        return self.resource(rg, "Microsoft.ContainerService/managedClusters", name)

    @staticmethod
    def role_assignment(scope: str, name: str) -> str:
        return f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"
