"""What AKS creates around a managed cluster: the side effects Azure has, as store entries.

The node resource group `MC_<rg>_<name>_<location>`; the private API server's DNS zone
`privatelink.<region>.azmk8s.io` (in the node resource group, with the A record and a link to
the cluster VNet); the `<name>-agentpool` kubelet identity when none is supplied; the node IPs
in the node subnet (which marks it in use); the delegation of an API-server subnet; and, for
`artifactSource: Cache` without a registry id, the AKS-managed Premium registry with its
`aks-managed-mcr` cache rule (plus private endpoint and DNS when the cluster has a custom VNet).
Everything is written in the response shape of the owning provider, directly (no LRO).
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from typing import Any

from aksiso_tui.emulator.aks_refs import AKS_DELEGATION
from aksiso_tui.emulator.context import Ctx
from aksiso_tui.emulator.providers.network_common import release_subnet, use_subnet
from aksiso_tui.emulator.providers.network_edge import create_nic
from aksiso_tui.netpath.aks_lookup import ACR_PULL, props

Json = dict[str, Any]
EMU = "_emulator"
"""Key of the emulator-internal state inside stored AKS resources (stripped from responses)."""


def short_hash(text: str, size: int = 8) -> str:
    """A stable lowercase hex digest of `text`."""
    return hashlib.sha256(text.lower().encode()).hexdigest()[:size]


def stable_guid(*parts: str) -> str:
    """A GUID derived from `parts` (ids stay stable across re-PUTs)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join(p.lower() for p in parts)))


def rg_id(ctx: Ctx, name: str) -> str:
    return f"/subscriptions/{ctx.subscription_id}/resourceGroups/{name}"


def put_resource(ctx: Ctx, rid: str, rtype: str, properties: Json, **top: Any) -> Json:
    """Store a side-effect resource in response shape (keeps an existing one's extra fields)."""
    name = rid.rstrip("/").rsplit("/", 1)[-1]
    existing = ctx.store.get(rid)
    base = copy.deepcopy(existing) if existing else {}
    merged = {**(base.get("properties") or {}), **properties, "provisioningState": "Succeeded"}
    base.update({"id": rid, "name": name, "type": rtype, **top, "properties": merged})
    ctx.store.put(rid, base)
    return ctx.store.get(rid) or base


def ensure_node_resource_group(ctx: Ctx, name: str, location: str, cluster_id: str) -> str:
    """Create the node resource group (managed by the cluster)."""
    rid = rg_id(ctx, name)
    if ctx.store.get(rid) is None:
        ctx.store.put(
            rid,
            {
                "id": rid,
                "name": name,
                "type": "Microsoft.Resources/resourceGroups",
                "location": location,
                "managedBy": cluster_id,
                "tags": {"aks-managed-cluster-name": cluster_id.rsplit("/", 1)[-1]},
                "properties": {"provisioningState": "Succeeded"},
            },
        )
    return rid


def ensure_identity(ctx: Ctx, rid: str, location: str) -> Json:
    """A user-assigned identity created by AKS (the `<name>-agentpool` kubelet identity)."""
    existing = ctx.store.get(rid)
    if existing is not None:
        return existing
    return put_resource(
        ctx,
        rid,
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        {
            "principalId": stable_guid(rid, "principal"),
            "clientId": stable_guid(rid, "client"),
            "tenantId": ctx.tenant_id,
            "isolationScope": "None",
        },
        location=location,
    )


def ensure_role(ctx: Ctx, scope: str, role_guid: str, principal_id: str) -> None:
    """A role assignment AKS creates itself (deterministic name)."""
    name = stable_guid(scope, role_guid, principal_id)
    rid = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"
    if ctx.store.get(rid) is not None:
        return
    ctx.store.put(
        rid,
        {
            "id": rid,
            "name": name,
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {
                "roleDefinitionId": f"/subscriptions/{ctx.subscription_id}/providers/"
                f"Microsoft.Authorization/roleDefinitions/{role_guid}",
                "principalId": principal_id,
                "principalType": "ServicePrincipal",
                "scope": scope,
            },
        },
    )


def private_dns_zone(ctx: Ctx, zone_id: str) -> Json:
    return put_resource(
        ctx,
        zone_id,
        "Microsoft.Network/privateDnsZones",
        {
            "maxNumberOfRecordSets": 25000,
            "numberOfRecordSets": 1,
            "maxNumberOfVirtualNetworkLinks": 1000,
            "numberOfVirtualNetworkLinks": 0,
            "maxNumberOfVirtualNetworkLinksWithRegistration": 100,
            "numberOfVirtualNetworkLinksWithRegistration": 0,
        },
        location="global",
        etag=short_hash(zone_id),
    )


def a_record(ctx: Ctx, zone_id: str, name: str, ip: str) -> None:
    zone_name = zone_id.rsplit("/", 1)[-1]
    rid = f"{zone_id}/A/{name.lower()}"
    put_resource(
        ctx,
        rid,
        "Microsoft.Network/privateDnsZones/A",
        {
            "fqdn": f"{name.lower()}.{zone_name}.",
            "ttl": 300,
            "aRecords": [{"ipv4Address": ip}],
            "isAutoRegistered": False,
        },
        etag=short_hash(rid),
    )


def vnet_link(ctx: Ctx, zone_id: str, name: str, vnet_id: str) -> None:
    put_resource(
        ctx,
        f"{zone_id}/virtualNetworkLinks/{name}",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        {
            "virtualNetwork": {"id": vnet_id},
            "registrationEnabled": False,
            "virtualNetworkLinkState": "Completed",
        },
        location="global",
    )


def api_server_dns(
    ctx: Ctx, node_rg: str, region: str, label: str, ip: str, vnet_id: str | None
) -> None:
    """The private cluster's zone in the node RG, its A record and the link to the VNet."""
    zone_id = (
        f"{node_rg}/providers/Microsoft.Network/privateDnsZones/privatelink.{region}.azmk8s.io"
    )
    private_dns_zone(ctx, zone_id)
    a_record(ctx, zone_id, label, ip)
    if vnet_id:
        vnet_link(ctx, zone_id, f"{short_hash(vnet_id, 12)}-link", vnet_id)


def nodes_use_subnet(ctx: Ctx, subnet_id: str, node_rg: str, pool: str, count: int) -> None:
    """Give a pool's nodes IPs in its subnet (so the subnet counts as in use)."""
    user = vmss_ipconfig_id(node_rg, pool)
    subnet = ctx.store.get(subnet_id)
    mine = [
        e
        for e in (props(subnet).get("ipConfigurations") or [])
        if str(e.get("id", "")).lower() == user.lower()
    ]
    if mine and len(mine[0].get("_ips") or []) != max(1, count):
        release_subnet(ctx.store, subnet_id, user)
    use_subnet(ctx.store, subnet_id, user, count=max(1, count))


def release_nodes(ctx: Ctx, subnet_id: str | None, node_rg: str, pool: str) -> None:
    release_subnet(ctx.store, subnet_id, vmss_ipconfig_id(node_rg, pool))


def vmss_ipconfig_id(node_rg: str, pool: str) -> str:
    vmss = f"aks-{pool}-{short_hash(node_rg)}-vmss"
    return (
        f"{node_rg}/providers/Microsoft.Compute/virtualMachineScaleSets/{vmss}/"
        f"virtualMachines/0/networkInterfaces/{vmss}/ipConfigurations/ipconfig1"
    )


def delegate_subnet(ctx: Ctx, subnet_id: str) -> None:
    """AKS delegates an undelegated API-server subnet to itself."""

    def change(subnet: Json) -> None:
        p = subnet.setdefault("properties", {})
        p["delegations"] = [
            {
                "name": "aks-delegation",
                "id": f"{subnet['id']}/delegations/aks-delegation",
                "type": "Microsoft.Network/virtualNetworks/subnets/delegations",
                "properties": {
                    "serviceName": AKS_DELEGATION,
                    "actions": ["Microsoft.Network/virtualNetworks/subnets/join/action"],
                    "provisioningState": "Succeeded",
                },
            }
        ]

    ctx.update(subnet_id, change)


def managed_registry(
    ctx: Ctx,
    node_rg: str,
    cluster_id: str,
    location: str,
    kubelet_principal: str | None,
    subnet_id: str | None,
) -> str:
    """The AKS-managed cache registry (artifactSource Cache without containerRegistryId)."""
    name = f"aksmanagedacr{short_hash(cluster_id, 10)}"
    registry_id = f"{node_rg}/providers/Microsoft.ContainerRegistry/registries/{name}"
    if ctx.store.get(registry_id) is None:
        put_resource(
            ctx,
            registry_id,
            "Microsoft.ContainerRegistry/registries",
            {
                "loginServer": f"{name}.azurecr.io",
                "adminUserEnabled": False,
                "publicNetworkAccess": "Disabled",
                "anonymousPullEnabled": False,
                "dataEndpointEnabled": False,
                "networkRuleBypassOptions": "AzureServices",
                "zoneRedundancy": "Enabled",
                "creationDate": ctx.clock.utc_iso(),
            },
            location=location,
            sku={"name": "Premium", "tier": "Premium"},
            tags={"aks-managed-cluster": cluster_id},
        )
        put_resource(
            ctx,
            f"{registry_id}/cacheRules/aks-managed-mcr",
            "Microsoft.ContainerRegistry/registries/cacheRules",
            {
                "sourceRepository": "mcr.microsoft.com/*",
                "targetRepository": "aks-managed-repository/*",
                "creationDate": ctx.clock.utc_iso(),
            },
        )
    if kubelet_principal:
        ensure_role(ctx, registry_id, ACR_PULL, kubelet_principal)
    if subnet_id and ctx.store.get(subnet_id) is not None:
        _managed_registry_endpoint(ctx, node_rg, registry_id, name, location, subnet_id)
    return registry_id


def _managed_registry_endpoint(
    ctx: Ctx, node_rg: str, registry_id: str, name: str, location: str, subnet_id: str
) -> None:
    pe_name = f"{name}-pe"
    pe_id = f"{node_rg}/providers/Microsoft.Network/privateEndpoints/{pe_name}"
    if ctx.store.get(pe_id) is not None:
        return
    nic_name = f"{pe_name}.nic.{stable_guid(pe_id)}"
    members = [("registry", f"{name}.azurecr.io"), (f"registry_data_{location}", None)]
    configs = []
    for member, fqdn in members:
        fqdn = fqdn or f"{name}.{location}.data.azurecr.io"
        configs.append(
            {
                "name": f"privateEndpointIpConfig.{short_hash(member + pe_id)}",
                "properties": {
                    "privateLinkConnectionProperties": {
                        "groupId": "registry",
                        "requiredMemberName": member,
                        "fqdns": [fqdn],
                    }
                },
            }
        )
    nic = create_nic(
        ctx.store,
        node_rg,
        nic_name,
        location=location,
        subnet_id=subnet_id,
        ip_configs=configs,
        extra_properties={"privateEndpoint": {"id": pe_id}},
    )
    ips = [props(c).get("privateIPAddress") for c in props(nic).get("ipConfigurations") or []]
    put_resource(
        ctx,
        pe_id,
        "Microsoft.Network/privateEndpoints",
        {
            "subnet": {"id": subnet_id},
            "networkInterfaces": [{"id": nic["id"]}],
            "privateLinkServiceConnections": [
                {
                    "name": pe_name,
                    "id": f"{pe_id}/privateLinkServiceConnections/{pe_name}",
                    "properties": {
                        "privateLinkServiceId": registry_id,
                        "groupIds": ["registry"],
                        "privateLinkServiceConnectionState": {
                            "status": "Approved",
                            "description": "Auto-Approved",
                            "actionsRequired": "None",
                        },
                    },
                }
            ],
            "customDnsConfigs": [
                {"fqdn": f"{name}.azurecr.io", "ipAddresses": [ips[0]]},
                {"fqdn": f"{name}.{location}.data.azurecr.io", "ipAddresses": [ips[1]]},
            ],
        },
        location=location,
    )
    zone_id = f"{node_rg}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"
    private_dns_zone(ctx, zone_id)
    a_record(ctx, zone_id, name, str(ips[0]))
    a_record(ctx, zone_id, f"{name}.{location}.data", str(ips[1]))
    vnet_id = subnet_id.lower().split("/subnets/")[0]
    vnet = ctx.store.get(vnet_id)
    if vnet is not None:
        vnet_link(ctx, zone_id, f"{name}-link", str(vnet["id"]))
