"""Read, through the azure-mgmt aio clients, what decides where one cluster's traffic goes.

The result is a `Snapshot` (wire-format resources by id) that the pure pre-flight and audit checks
and the shared network-path logic (`aksiso_tui.netpath`) read. Only GETs and lists are sent;
independent reads run concurrently with `asyncio.gather`. Waves:

1. the cluster; then its agent pools, extensions, the region's Kubernetes versions, the node
   VNets, the subscription's firewalls, private endpoints and `privatelink.azurecr.io` zones;
2. route tables of node subnets, peered (hub) VNets, firewall policies and rule collection groups,
   the registry (the cluster's bootstrap registry and, for pre-flight, the one a spec names) with
   its cache rules and role assignments, private endpoint NICs, zone links and A records.

A read that fails for a reason other than "not found" (missing permission, a provider the
endpoint does not serve) is recorded in `snapshot.notes` instead of failing the whole audit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from aksiso_tui.audit.snapshot import Snapshot
from aksiso_tui.azure.arm_id import parse
from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.resources import to_wire
from aksiso_tui.netpath.aks_lookup import props, same_id, vnet_of_subnet

ACR_ZONE = "privatelink.azurecr.io"
EXTENSIONS_API_VERSION = "2023-05-01"

Json = dict[str, Any]


class ClusterNotFound(LookupError):
    """The cluster does not exist (or is not visible to the credential)."""


async def _all(pager: Any) -> list[Json]:
    return [to_wire(item) async for item in pager]


async def _quiet(snap: Snapshot, what: str, call: Awaitable[Any]) -> Any:
    """Await `call`; None when the resource does not exist; a note when the read failed."""
    from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

    try:
        return await call
    except ResourceNotFoundError:
        return None
    except HttpResponseError as exc:
        code = exc.error.code if exc.error is not None and exc.error.code else exc.status_code
        snap.notes.append(f"could not read {what} ({code})")
        return None


async def gather_cluster(
    factory: ClientFactory, cluster_id: str, *, registry_id: str | None = None
) -> Snapshot:
    """A snapshot around `cluster_id`; `registry_id` adds a registry to check (pre-flight)."""
    from azure.core.exceptions import ResourceNotFoundError

    aid = parse(cluster_id)
    aks = factory.get("containerservice")
    try:
        cluster = to_wire(await aks.managed_clusters.get(aid.resource_group, aid.name))
    except ResourceNotFoundError:
        raise ClusterNotFound(cluster_id) from None
    snap = Snapshot(cluster_id=str(cluster.get("id") or cluster_id))
    snap.add(cluster)
    net = factory.get("network")
    pools, extensions, versions, firewalls, endpoints, zones = await asyncio.gather(
        _quiet(snap, "agent pools", _all(aks.agent_pools.list(aid.resource_group, aid.name))),
        _extensions(factory, snap),
        _quiet(
            snap,
            "Kubernetes versions",
            aks.managed_clusters.list_kubernetes_versions(str(cluster.get("location") or "")),
        ),
        _quiet(snap, "Azure Firewalls", _all(net.azure_firewalls.list_all())),
        _quiet(snap, "private endpoints", _all(net.private_endpoints.list_by_subscription())),
        _quiet(snap, "private DNS zones", _all(factory.get("privatedns").private_zones.list())),
    )
    for pool in pools or []:
        snap.add(pool)
    snap.extensions = list(extensions or [])
    snap.kubernetes_versions = _patches(to_wire(versions)) if versions else []
    node_vnets = _node_vnets(snap.cluster)
    await asyncio.gather(*(_vnet(factory, snap, v) for v in node_vnets))
    remote = {
        str((props(p).get("remoteVirtualNetwork") or {}).get("id"))
        for p in snap.list_by_type("Microsoft.Network/virtualNetworks/virtualNetworkPeerings")
        if (props(p).get("remoteVirtualNetwork") or {}).get("id")
    }
    remote = {r for r in remote if snap.get(r) is None}
    registries = {
        str(r)
        for r in (
            (props(cluster).get("bootstrapProfile") or {}).get("containerRegistryId"),
            registry_id,
        )
        if r
    }
    await asyncio.gather(
        *(_route_table(factory, snap, t) for t in _route_tables(snap)),
        *(_vnet(factory, snap, v) for v in remote),
        *(_registry(factory, snap, r) for r in registries),
        *(_zone(factory, snap, z) for z in zones or [] if str(z.get("name")).lower() == ACR_ZONE),
    )
    await asyncio.gather(
        *(_firewall(factory, snap, f) for f in firewalls or [] if _relevant(snap, f)),
        *(
            _endpoint(factory, snap, e)
            for e in endpoints or []
            if any(_connects(e, r) for r in registries)
        ),
    )
    return snap


def _node_vnets(cluster: Json) -> list[str]:
    vnets: list[str] = []
    for pool in props(cluster).get("agentPoolProfiles") or []:
        sid = pool.get("vnetSubnetID")
        if sid and not any(same_id(vnet_of_subnet(str(sid)), v) for v in vnets):
            vnets.append(vnet_of_subnet(str(sid)))
    return vnets


def _patches(versions: Json) -> list[str]:
    found: list[str] = []
    for entry in versions.get("values") or []:
        found.extend(str(p) for p in (entry.get("patchVersions") or {}))
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".") if x.isdigit()))


async def _extensions(factory: ClientFactory, snap: Snapshot) -> list[Json]:
    """Cluster extensions: no typed client is installed for Microsoft.KubernetesConfiguration,
    so the request goes through the container service client's pipeline (same auth, retries)."""
    from azure.core.rest import HttpRequest

    client = factory.get("containerservice")
    url = (
        f"{factory.target.arm_endpoint}{snap.cluster_id}/providers/"
        f"Microsoft.KubernetesConfiguration/extensions?api-version={EXTENSIONS_API_VERSION}"
    )
    found: list[Json] = []
    for _ in range(20):  # nextLink pages
        response = await client.send_request(HttpRequest("GET", url))
        if response.status_code == 404:
            return found
        if response.status_code >= 400:
            snap.notes.append(f"could not read cluster extensions (HTTP {response.status_code})")
            return found
        body = response.json()
        found.extend(body.get("value") or [])
        url = body.get("nextLink")
        if not url:
            break
    return found


async def _vnet(factory: ClientFactory, snap: Snapshot, vnet_id: str) -> None:
    aid = parse(vnet_id)
    net = factory.get("network")
    vnet = await _quiet(
        snap, f"VNet {aid.name}", net.virtual_networks.get(aid.resource_group, aid.name)
    )
    stored = snap.add(to_wire(vnet) if vnet is not None else None)
    for child in props(stored).get("subnets") or []:
        snap.add(child)
    for child in props(stored).get("virtualNetworkPeerings") or []:
        snap.add(child)


def _route_tables(snap: Snapshot) -> set[str]:
    tables: set[str] = set()
    for pool in props(snap.cluster).get("agentPoolProfiles") or []:
        subnet = snap.get(str(pool.get("vnetSubnetID") or "")) if pool.get("vnetSubnetID") else None
        table = (props(subnet).get("routeTable") or {}).get("id")
        if table:
            tables.add(str(table))
    return tables


async def _route_table(factory: ClientFactory, snap: Snapshot, table_id: str) -> None:
    aid = parse(table_id)
    table = await _quiet(
        snap,
        f"route table {aid.name}",
        factory.get("network").route_tables.get(aid.resource_group, aid.name),
    )
    snap.add(to_wire(table) if table is not None else None)


def _relevant(snap: Snapshot, firewall: Json) -> bool:
    """A firewall in a gathered VNet (node or peered) or the next hop of a gathered route."""
    hops = {
        str(props(route).get("nextHopIpAddress"))
        for table in snap.list_by_type("Microsoft.Network/routeTables")
        for route in props(table).get("routes") or []
    }
    for config in props(firewall).get("ipConfigurations") or []:
        cp = props(config)
        sid = (cp.get("subnet") or {}).get("id")
        if sid and snap.get(vnet_of_subnet(str(sid))) is not None:
            return True
        if cp.get("privateIPAddress") in hops:
            return True
    return False


async def _firewall(factory: ClientFactory, snap: Snapshot, firewall: Json) -> None:
    snap.add(firewall)
    net = factory.get("network")
    policy_id = (props(firewall).get("firewallPolicy") or {}).get("id")
    seen: set[str] = set()
    while policy_id and str(policy_id).lower() not in seen and len(seen) < 5:
        seen.add(str(policy_id).lower())
        aid = parse(str(policy_id))
        policy, groups = await asyncio.gather(
            _quiet(
                snap,
                f"firewall policy {aid.name}",
                net.firewall_policies.get(aid.resource_group, aid.name),
            ),
            _quiet(
                snap,
                f"rule collection groups of {aid.name}",
                _all(net.firewall_policy_rule_collection_groups.list(aid.resource_group, aid.name)),
            ),
        )
        stored = snap.add(to_wire(policy) if policy is not None else None)
        for group in groups or []:
            snap.add(group)
        policy_id = (props(stored).get("basePolicy") or {}).get("id")


async def _registry(factory: ClientFactory, snap: Snapshot, registry_id: str) -> None:
    aid = parse(registry_id)
    acr = factory.get("containerregistry")
    registry, rules, roles = await asyncio.gather(
        _quiet(snap, f"registry {aid.name}", acr.registries.get(aid.resource_group, aid.name)),
        _quiet(
            snap,
            f"cache rules of {aid.name}",
            _all(acr.cache_rules.list(aid.resource_group, aid.name)),
        ),
        _quiet(
            snap,
            f"role assignments on {aid.name}",
            _all(factory.get("authorization").role_assignments.list_for_scope(registry_id)),
        ),
    )
    if registry is None:
        return
    snap.add(to_wire(registry))
    for item in [*(rules or []), *(roles or [])]:
        snap.add(item)


def _connects(endpoint: Json, registry_id: str) -> bool:
    p = props(endpoint)
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for conn in p.get(key) or []:
            if same_id(props(conn).get("privateLinkServiceId"), registry_id):
                return True
    return False


async def _endpoint(factory: ClientFactory, snap: Snapshot, endpoint: Json) -> None:
    snap.add(endpoint)
    net = factory.get("network")
    refs = [str(n["id"]) for n in props(endpoint).get("networkInterfaces") or [] if n.get("id")]

    async def nic(nic_id: str) -> None:
        aid = parse(nic_id)
        found = await _quiet(
            snap, f"NIC {aid.name}", net.network_interfaces.get(aid.resource_group, aid.name)
        )
        snap.add(to_wire(found) if found is not None else None)

    await asyncio.gather(*(nic(r) for r in refs))


async def _zone(factory: ClientFactory, snap: Snapshot, zone: Json) -> None:
    snap.add(zone)
    aid = parse(str(zone["id"]))
    dns = factory.get("privatedns")
    links, records = await asyncio.gather(
        _quiet(
            snap,
            f"links of {aid.name} in {aid.resource_group}",
            _all(dns.virtual_network_links.list(aid.resource_group, aid.name)),
        ),
        _quiet(
            snap,
            f"A records of {aid.name} in {aid.resource_group}",
            _all(dns.record_sets.list_by_type(aid.resource_group, aid.name, "A")),
        ),
    )
    for item in [*(links or []), *(records or [])]:
        snap.add(item)
