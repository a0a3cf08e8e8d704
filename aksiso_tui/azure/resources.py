"""Read and write one ARM resource by type, through the typed azure-mgmt aio client that owns it.

A table maps each ARM resource type aksiso manages to its client, its operations group and how the
SDK wants the id split into arguments. `read()` returns the resource as a wire-format dict (or
None), `write()` creates or updates it and waits for the long-running operation, if any.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

from aksiso_tui.azure.arm_id import ArmId, parse
from aksiso_tui.azure.clients import ClientFactory


@dataclass(frozen=True)
class ResourceKind:
    arm_type: str
    client: str
    group: str
    """The operations group attribute on the client, e.g. `subnets`."""
    put: str = "begin_create_or_update"
    get: str = "get"
    record_type_arg: bool = False
    """Private DNS record sets take the record type ("A") as an argument before the name."""
    scoped: bool = False
    """Extension resources (role assignments) take (scope, name)."""
    no_resource_group: bool = False


KINDS: dict[str, ResourceKind] = {
    k.arm_type.lower(): k
    for k in [
        ResourceKind(
            "Microsoft.Resources/resourceGroups", "resource", "resource_groups", "create_or_update"
        ),
        ResourceKind("Microsoft.Network/virtualNetworks", "network", "virtual_networks"),
        ResourceKind("Microsoft.Network/virtualNetworks/subnets", "network", "subnets"),
        ResourceKind(
            "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
            "network",
            "virtual_network_peerings",
        ),
        ResourceKind("Microsoft.Network/routeTables", "network", "route_tables"),
        ResourceKind("Microsoft.Network/routeTables/routes", "network", "routes"),
        ResourceKind("Microsoft.Network/publicIPAddresses", "network", "public_ip_addresses"),
        ResourceKind("Microsoft.Network/networkInterfaces", "network", "network_interfaces"),
        ResourceKind("Microsoft.Network/privateEndpoints", "network", "private_endpoints"),
        ResourceKind("Microsoft.Network/azureFirewalls", "network", "azure_firewalls"),
        ResourceKind("Microsoft.Network/firewallPolicies", "network", "firewall_policies"),
        ResourceKind(
            "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
            "network",
            "firewall_policy_rule_collection_groups",
        ),
        ResourceKind("Microsoft.Network/privateDnsZones", "privatedns", "private_zones"),
        ResourceKind(
            "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
            "privatedns",
            "virtual_network_links",
        ),
        ResourceKind(
            "Microsoft.Network/privateDnsZones/A",
            "privatedns",
            "record_sets",
            "create_or_update",
            record_type_arg=True,
        ),
        ResourceKind(
            "Microsoft.ContainerRegistry/registries",
            "containerregistry",
            "registries",
            "begin_create",
        ),
        ResourceKind(
            "Microsoft.ContainerRegistry/registries/cacheRules",
            "containerregistry",
            "cache_rules",
            "begin_create",
        ),
        ResourceKind(
            "Microsoft.ManagedIdentity/userAssignedIdentities",
            "msi",
            "user_assigned_identities",
            "create_or_update",
        ),
        ResourceKind(
            "Microsoft.Authorization/roleAssignments",
            "authorization",
            "role_assignments",
            "create",
            scoped=True,
        ),
        ResourceKind(
            "Microsoft.ContainerService/managedClusters", "containerservice", "managed_clusters"
        ),
        ResourceKind(
            "Microsoft.ContainerService/managedClusters/agentPools",
            "containerservice",
            "agent_pools",
        ),
    ]
}


def kind_of(rid: str) -> ResourceKind:
    aid = parse(rid)
    try:
        return KINDS[aid.type.lower()]
    except KeyError:
        raise KeyError(f"aksiso has no handler for resource type {aid.type!r}") from None


def _args(kind: ResourceKind, aid: ArmId) -> list[str]:
    if kind.scoped:
        return [aid.scope or "", aid.names[-1]]
    if kind.arm_type == "Microsoft.Resources/resourceGroups":
        return [aid.resource_group or ""]
    args = [aid.resource_group or "", *aid.names[:-1]]
    if kind.record_type_arg:
        args.append(aid.types[-1])
    args.append(aid.names[-1])
    return args


def to_wire(obj: Any) -> dict[str, Any]:
    """An SDK model (TypeSpec or msrest) as its wire-format JSON dict."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    if hasattr(obj, "serialize"):  # msrest models (msi, authorization)
        return obj.serialize(keep_readonly=True)  # type: ignore[no-any-return]
    if hasattr(obj, "as_dict"):  # TypeSpec models
        return obj.as_dict()  # type: ignore[no-any-return]
    return dict(obj)


def _ops(factory: ClientFactory, kind: ResourceKind, api_version: str | None) -> Any:
    return getattr(factory.get(kind.client, api_version), kind.group)


async def read(
    factory: ClientFactory, rid: str, api_version: str | None = None
) -> dict[str, Any] | None:
    """GET the resource; None when it does not exist."""
    from azure.core.exceptions import ResourceNotFoundError

    kind = kind_of(rid)
    try:
        result = await getattr(_ops(factory, kind, api_version), kind.get)(*_args(kind, parse(rid)))
    except ResourceNotFoundError:
        return None
    return to_wire(result)


async def write(
    factory: ClientFactory, rid: str, body: dict[str, Any], api_version: str | None = None
) -> dict[str, Any]:
    """PUT the resource and wait for its long-running operation; returns the final resource."""
    kind = kind_of(rid)
    call = getattr(_ops(factory, kind, api_version), kind.put)
    result = await call(*_args(kind, parse(rid)), body)
    if hasattr(result, "result") and inspect.iscoroutinefunction(result.result):
        result = await result.result()
    return to_wire(result)


async def delete(factory: ClientFactory, rid: str, api_version: str | None = None) -> bool:
    """DELETE the resource and wait for its long-running operation; False if it was not there."""
    from azure.core.exceptions import ResourceNotFoundError

    kind = kind_of(rid)
    ops = _ops(factory, kind, api_version)
    call = getattr(ops, "begin_delete", None) or ops.delete
    try:
        result = await call(*_args(kind, parse(rid)))
        if hasattr(result, "result") and inspect.iscoroutinefunction(result.result):
            await result.result()
    except ResourceNotFoundError:
        return False
    return True
