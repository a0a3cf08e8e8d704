"""Read-only helpers over ARM resources, shared by the AKS rules, netsim and the audit.

`Lookup` is the slice of the store these pure modules need (`get`, `list_by_type`), so they can
be unit-tested over plain dicts. Everything here compares resource ids case-insensitively, as
ARM does.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Protocol

ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments"
IDENTITIES = "Microsoft.ManagedIdentity/userAssignedIdentities"
SUBNETS = "Microsoft.Network/virtualNetworks/subnets"
PEERINGS = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"

# Built-in role definition GUIDs (identical in every tenant).
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
ACR_PUSH = "8311e382-0749-4cb8-b61a-304f252e45ec"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
MANAGED_IDENTITY_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830"

Json = dict[str, Any]


class Lookup(Protocol):
    """The read side of the emulator's store."""

    def get(self, rid: str) -> Json | None: ...

    def list_by_type(self, rtype: str, scope: str | None = None) -> list[Json]: ...


def same_id(a: str | None, b: str | None) -> bool:
    """Case-insensitive resource id equality (trailing slashes ignored)."""
    if not a or not b:
        return False
    return a.rstrip("/").lower() == b.rstrip("/").lower()


def scope_covers(scope: str, target: str) -> bool:
    """True when a role assignment at `scope` applies to `target` (same id or a parent)."""
    s = scope.rstrip("/").lower()
    t = target.rstrip("/").lower()
    return s == "" or t == s or t.startswith(s + "/")


def props(resource: Json | None) -> Json:
    """`resource["properties"]`, or an empty dict."""
    if not resource:
        return {}
    value = resource.get("properties")
    return value if isinstance(value, dict) else {}


def parent_id(rid: str, segment: str) -> str:
    """The id up to (excluding) `/{segment}/...`, e.g. the VNet of a subnet id."""
    lowered = rid.lower()
    marker = f"/{segment.lower()}/"
    index = lowered.find(marker)
    return rid[:index] if index >= 0 else rid


def vnet_of_subnet(subnet_id: str) -> str:
    """The VNet id of a subnet id."""
    return parent_id(subnet_id, "subnets")


def last_segment(rid: str) -> str:
    """The resource name at the end of an id."""
    return rid.rstrip("/").rsplit("/", 1)[-1]


def role_guid(role_definition_id: str) -> str:
    """The GUID at the end of a role definition id (sub- or tenant-scoped)."""
    return last_segment(role_definition_id).lower()


def assignment_scope(assignment: Json) -> str:
    """The scope of a role assignment: `properties.scope`, else derived from its id."""
    scope = props(assignment).get("scope")
    if isinstance(scope, str) and scope:
        return scope
    rid = str(assignment.get("id", ""))
    index = rid.lower().find("/providers/microsoft.authorization/roleassignments/")
    return rid[:index] if index >= 0 else ""


def has_role(
    lookup: Lookup, principal_id: str | None, roles: set[str] | frozenset[str], target: str
) -> bool:
    """True when `principal_id` holds one of `roles` (GUIDs) at `target` or a parent scope."""
    if not principal_id:
        return False
    wanted = {r.lower() for r in roles}
    for assignment in lookup.list_by_type(ROLE_ASSIGNMENTS):
        p = props(assignment)
        if str(p.get("principalId", "")).lower() != principal_id.lower():
            continue
        if role_guid(str(p.get("roleDefinitionId", ""))) not in wanted:
            continue
        if scope_covers(assignment_scope(assignment), target):
            return True
    return False


def identity_principal(lookup: Lookup, identity_id: str | None) -> str | None:
    """The principalId of a user-assigned identity, or None when it does not exist."""
    if not identity_id:
        return None
    identity = lookup.get(identity_id)
    if identity is None:
        return None
    value = props(identity).get("principalId")
    return str(value) if value else None


def subnet_networks(subnet: Json) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The address prefixes of a subnet as networks (invalid entries skipped)."""
    p = props(subnet)
    prefixes: list[str] = []
    if p.get("addressPrefix"):
        prefixes.append(str(p["addressPrefix"]))
    prefixes.extend(str(x) for x in p.get("addressPrefixes") or [])
    networks = []
    for prefix in prefixes:
        try:
            networks.append(ipaddress.ip_network(prefix, strict=False))
        except ValueError:
            continue
    return networks


def delegation_services(subnet: Json) -> list[str]:
    """The service names a subnet is delegated to."""
    services = []
    for delegation in props(subnet).get("delegations") or []:
        name = props(delegation).get("serviceName") or delegation.get("serviceName")
        if name:
            services.append(str(name))
    return services


def peering_to(lookup: Lookup, from_vnet: str, to_vnet: str) -> Json | None:
    """The peering on `from_vnet` whose remote is `to_vnet`, if any."""
    for peering in lookup.list_by_type(PEERINGS, scope=from_vnet):
        if not same_id(vnet_of_peering(peering), from_vnet):
            continue
        remote = (props(peering).get("remoteVirtualNetwork") or {}).get("id")
        if same_id(remote, to_vnet):
            return peering
    return None


def vnet_of_peering(peering: Json) -> str:
    """The VNet a peering belongs to."""
    return parent_id(str(peering.get("id", "")), "virtualNetworkPeerings")


def vnets_connected(lookup: Lookup, a: str, b: str, *, forwarded: bool = False) -> bool:
    """True when VNets `a` and `b` are the same, or peered both ways with access allowed.

    With `forwarded`, both peerings must also allow forwarded traffic (traffic leaving the
    spoke through an appliance in the hub).
    """
    if same_id(a, b):
        return True
    there = peering_to(lookup, a, b)
    back = peering_to(lookup, b, a)
    if there is None or back is None:
        return False
    for peering in (there, back):
        p = props(peering)
        if p.get("allowVirtualNetworkAccess") is False:
            return False
        if forwarded and not p.get("allowForwardedTraffic"):
            return False
    return True
