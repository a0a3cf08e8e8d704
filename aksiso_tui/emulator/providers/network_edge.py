"""Route tables and routes, public IPs, NSGs, network interfaces and private endpoints.

* Routes: ``nextHopType`` must be one of Azure's; ``VirtualAppliance`` requires
  ``nextHopIpAddress`` (and only it may carry one). A route table's GET embeds ``routes[]`` and
  the ``subnets[]`` that reference it.
* Public IPs get a fake address from a Microsoft-owned range (20.240.0.0/12); Standard SKU
  requires ``Static`` allocation.
* Network interfaces are read-only here (GET/list): Azure creates them as side effects of
  private endpoints; :func:`create_nic` is the side-effect entry point for other providers.
* Private endpoints: the subnet must exist; the target (``privateLinkServiceId``) must exist and
  be a type registered in :data:`PRIVATE_LINK_TARGETS` with a valid group id; one group id per
  connection (``OnlyOneGroupIdPermitted``). Since network policies for private endpoints went GA
  (2023), Azure accepts endpoints in subnets whose ``privateEndpointNetworkPolicies`` is
  ``Enabled`` (NSGs/UDRs then apply to them), so the emulator does not refuse them either.
  Side effects: a NIC ``{pe}.nic.{guid}`` in the endpoint's resource group with one IP per
  required member (``privateLinkConnectionProperties``), ``customDnsConfigs``, an auto-approved
  connection, and the target's own connection record (via the target's ``on_connect``).
  Deleting the endpoint deletes its NIC and the target's record.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aksiso_tui.emulator import ids
from aksiso_tui.emulator.errors import ArmError, bad_request
from aksiso_tui.emulator.providers.network_common import (
    NIC,
    NSG,
    PRIVATE_ENDPOINT,
    PUBLIC_IP,
    ROUTE,
    ROUTE_TABLE,
    SUBNET,
    check_name,
    invalid_reference,
    new_etag,
    new_guid,
    next_public_ip,
    ref,
    release_subnet,
    require,
    use_subnet,
)
from aksiso_tui.emulator.routing import ResourceType, tracked_resource
from aksiso_tui.emulator.store import Store

if TYPE_CHECKING:
    from aksiso_tui.emulator.context import Ctx

Resource = dict[str, Any]
NEXT_HOP_TYPES = {
    "virtualnetworkgateway": "VirtualNetworkGateway",
    "vnetlocal": "VnetLocal",
    "internet": "Internet",
    "virtualappliance": "VirtualAppliance",
    "none": "None",
}


# -- private link targets ----------------------------------------------------------------------
@dataclass(frozen=True)
class PrivateLinkTarget:
    """How a resource type answers private endpoints.

    ``members(store, target, group_id)`` returns ``[(requiredMemberName, fqdn), ...]`` (one NIC
    IP each); ``on_connect(store, target_id, endpoint_id, connection_name)`` and
    ``on_disconnect(store, target_id, endpoint_id)`` keep the target's own connection list.
    """

    group_ids: tuple[str, ...]
    members: Callable[[Store, Resource, str], list[tuple[str, str]]]
    on_connect: Callable[[Store, str, str, str], None] | None = None
    on_disconnect: Callable[[Store, str, str], None] | None = None


#: Registered by target providers (e.g. ``providers/registry.py``), by lower-cased type.
PRIVATE_LINK_TARGETS: dict[str, PrivateLinkTarget] = {}


# -- route tables and routes -------------------------------------------------------------------
def _put_route_table(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None
) -> Resource:
    check_name(ROUTE_TABLE, rid)
    res = tracked_resource(rid, body, existing)
    props = res["properties"]
    inline = props.pop("routes", None)
    props.pop("subnets", None)
    props.setdefault("disableBgpRoutePropagation", False)
    props["resourceGuid"] = (existing or {}).get("properties", {}).get("resourceGuid") or new_guid()
    if isinstance(inline, list):
        for item in inline:
            name = str(item.get("name") or "")
            route_id = f"{rid}/routes/{name}"
            route = {"id": route_id, "name": name, "type": ROUTE, **_build_route(route_id, item)}
            route["properties"]["provisioningState"] = "Succeeded"
            ctx.store.put(route_id, route)
    res["etag"] = new_etag()
    return res


def _view_route_table(ctx: Ctx, res: Resource) -> Resource:
    out = dict(res)
    props = dict(res.get("properties") or {})
    props["routes"] = [
        r for r in ctx.store.children(res["id"]) if str(r.get("type", "")).lower() == ROUTE.lower()
    ]
    out["properties"] = props
    return out


def _build_route(rid: str, body: dict[str, Any]) -> Resource:
    check_name(ROUTE, rid)
    props = copy.deepcopy(body.get("properties") or {})
    props.pop("provisioningState", None)
    hop = NEXT_HOP_TYPES.get(str(props.get("nextHopType") or "").lower())
    if hop is None:
        raise bad_request(
            f"Route {rid} has an invalid nextHopType '{props.get('nextHopType')}'. Allowed: "
            + ", ".join(NEXT_HOP_TYPES.values())
            + ".",
            code="InvalidRouteNextHopType",
        )
    props["nextHopType"] = hop
    if not props.get("addressPrefix"):
        raise bad_request(f"Route {rid} must have an addressPrefix.", code="InvalidRequestFormat")
    has_ip = bool(props.get("nextHopIpAddress"))
    if hop == "VirtualAppliance" and not has_ip:
        raise bad_request(
            f"Route {rid} has next hop type VirtualAppliance and therefore must have a "
            "nextHopIpAddress.",
            code="VirtualApplianceNextHopIpAddressMissing",
        )
    if hop != "VirtualAppliance" and has_ip:
        raise bad_request(
            f"Route {rid} has next hop type {hop} and therefore cannot have a nextHopIpAddress. "
            "Only VirtualAppliance next hops have an IP address.",
            code="NextHopIpAddressNotAllowed",
        )
    return {"etag": new_etag(), "properties": props}


def _put_route(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    return _build_route(rid, body)


# -- public IPs, NSGs -------------------------------------------------------------------------
def _put_public_ip(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    check_name(PUBLIC_IP, rid)
    res = tracked_resource(rid, body, existing)
    sku = res.setdefault("sku", {"name": "Standard", "tier": "Regional"})
    sku.setdefault("tier", "Regional")
    props = res["properties"]
    method = props.setdefault(
        "publicIPAllocationMethod", "Static" if sku.get("name") == "Standard" else "Dynamic"
    )
    if sku.get("name") == "Standard" and method != "Static":
        raise bad_request(
            f"Standard sku publicIp {rid} must have AllocationMethod set to Static.",
            code="StandardSkuPublicIPAddressesMustBeStatic",
        )
    props.setdefault("publicIPAddressVersion", "IPv4")
    props.setdefault("idleTimeoutInMinutes", 4)
    old = (existing or {}).get("properties") or {}
    props["ipAddress"] = old.get("ipAddress") or next_public_ip(ctx.store)
    if old.get("ipConfiguration"):
        props["ipConfiguration"] = old["ipConfiguration"]
    props["resourceGuid"] = old.get("resourceGuid") or new_guid()
    res["etag"] = new_etag()
    return res


def _put_nsg(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    check_name(NSG, rid)
    res = tracked_resource(rid, body, existing)
    res["properties"].setdefault("securityRules", [])
    res["properties"]["resourceGuid"] = new_guid()
    res["etag"] = new_etag()
    return res


# -- network interfaces ---------------------------------------------------------------------
def create_nic(
    store: Store,
    rg_id: str,
    name: str,
    *,
    location: str,
    subnet_id: str,
    ip_configs: list[dict[str, Any]],
    extra_properties: dict[str, Any] | None = None,
) -> Resource:
    """Create a NIC in ``rg_id`` as a side effect (no LRO): one dynamic private IP from
    ``subnet_id`` per entry of ``ip_configs`` (each ``{"name", "properties": {...}}``, extra
    properties such as ``privateLinkConnectionProperties`` are kept). Returns the stored NIC."""
    nic_id = f"{rg_id}/providers/Microsoft.Network/networkInterfaces/{name}"
    subnet = store.get(subnet_id)
    if subnet is None:
        raise invalid_reference(subnet_id, nic_id)
    configs = []
    for i, cfg in enumerate(ip_configs):
        cfg_name = str(cfg.get("name") or f"ipconfig{i + 1}")
        cfg_id = f"{nic_id}/ipConfigurations/{cfg_name}"
        cfg_props = copy.deepcopy(cfg.get("properties") or {})
        static = None
        if cfg_props.get("privateIPAllocationMethod") == "Static":
            static = cfg_props.get("privateIPAddress")
        ips = use_subnet(
            store,
            subnet["id"],
            cfg_id,
            count=0 if static else 1,
            static_ips=[static] if static else None,
        )
        cfg_props.update(
            {
                "provisioningState": "Succeeded",
                "privateIPAddress": ips[0],
                "privateIPAllocationMethod": "Static" if static else "Dynamic",
                "privateIPAddressVersion": "IPv4",
                "subnet": {"id": subnet["id"]},
                "primary": i == 0,
            }
        )
        configs.append(
            {
                "id": cfg_id,
                "name": cfg_name,
                "type": "Microsoft.Network/networkInterfaces/ipConfigurations",
                "etag": new_etag(),
                "properties": cfg_props,
            }
        )
    props: dict[str, Any] = {
        "provisioningState": "Succeeded",
        "resourceGuid": new_guid(),
        "ipConfigurations": configs,
        "dnsSettings": {"dnsServers": [], "appliedDnsServers": []},
        "enableAcceleratedNetworking": False,
        "enableIPForwarding": False,
        "nicType": "Standard",
        **(extra_properties or {}),
    }
    nic = {
        "id": nic_id,
        "name": name,
        "type": NIC,
        "location": location,
        "etag": new_etag(),
        "properties": props,
    }
    store.put(nic_id, nic)
    return store.get(nic_id) or nic


def delete_nic(store: Store, nic_id: str) -> None:
    """Remove a side-effect NIC and give its IPs back to the subnet."""
    nic = store.get(nic_id)
    if nic is None:
        return
    _release_nic_ips(store, nic)
    store.delete(nic_id)


def _release_nic_ips(store: Store, nic: Resource) -> None:
    for cfg in (nic.get("properties") or {}).get("ipConfigurations") or []:
        release_subnet(store, ref((cfg.get("properties") or {}).get("subnet")), cfg["id"])


def _on_delete_nic(ctx: Ctx, res: Resource) -> None:
    _release_nic_ips(ctx.store, res)


# -- private endpoints ------------------------------------------------------------------------
def _connections(props: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for conn in props.get(key) or []:
            out.append((key, conn))
    return out


def _put_private_endpoint(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None
) -> Resource:
    check_name(PRIVATE_ENDPOINT, rid)
    res = tracked_resource(rid, body, existing)
    props = res["properties"]
    subnet_id = ref(props.get("subnet"))
    subnet = require(ctx.store, subnet_id, rid, SUBNET)
    conns = _connections(props)
    if not conns:
        raise bad_request(
            f"Private endpoint {rid} must have at least one private link service connection.",
            code="PrivateEndpointMissingConnection",
        )
    old = (existing or {}).get("properties") or {}
    if existing is not None and old.get("networkInterfaces"):
        old_subnet = ref(old.get("subnet"))
        if old_subnet and old_subnet.lower() != subnet["id"].lower():
            raise bad_request(
                f"The subnet of private endpoint {rid} cannot be changed.",
                code="CannotChangeSubnetOfPrivateEndpoint",
            )
        for key in ("networkInterfaces", "customDnsConfigs"):
            props[key] = copy.deepcopy(old.get(key) or [])
        props["subnet"] = {"id": subnet["id"]}
        _fill_connections(ctx, rid, props, validate_only=True)
        return res
    plan = _fill_connections(ctx, rid, props, validate_only=False)
    nic_name = (
        props.get("customNetworkInterfaceName") or f"{ids.split_id(rid).name}.nic.{new_guid()}"
    )
    rg_id = ids.resource_group_id(rid) or ""
    location = res.get("location") or ctx.location_of(rg_id)
    static = {
        str((c.get("properties") or {}).get("memberName", "")).lower(): c["properties"]
        for c in props.get("ipConfigurations") or []
        if (c.get("properties") or {}).get("privateIPAddress")
    }
    ip_configs = []
    for group_id, member, fqdn in plan:
        cfg_props: dict[str, Any] = {
            "privateLinkConnectionProperties": {
                "groupId": group_id,
                "requiredMemberName": member,
                "fqdns": [fqdn],
            }
        }
        if member.lower() in static:
            cfg_props["privateIPAllocationMethod"] = "Static"
            cfg_props["privateIPAddress"] = static[member.lower()]["privateIPAddress"]
        ip_configs.append(
            {"name": f"privateEndpointIpConfig.{new_guid()}", "properties": cfg_props}
        )
    nic = create_nic(
        ctx.store,
        rg_id,
        str(nic_name),
        location=str(location),
        subnet_id=subnet["id"],
        ip_configs=ip_configs,
        extra_properties={"privateEndpoint": {"id": rid}},
    )
    props["subnet"] = {"id": subnet["id"]}
    props["networkInterfaces"] = [{"id": nic["id"]}]
    props["customDnsConfigs"] = [
        {
            "fqdn": cfg["properties"]["privateLinkConnectionProperties"]["fqdns"][0],
            "ipAddresses": [cfg["properties"]["privateIPAddress"]],
        }
        for cfg in nic["properties"]["ipConfigurations"]
    ]
    props.setdefault("ipConfigurations", [])
    props.setdefault("applicationSecurityGroups", [])
    props.setdefault("manualPrivateLinkServiceConnections", [])
    for _, conn in _connections(props):
        cp = conn["properties"]
        target = PRIVATE_LINK_TARGETS[ids.split_id(cp["privateLinkServiceId"]).full_type.lower()]
        if target.on_connect is not None:
            target.on_connect(ctx.store, cp["privateLinkServiceId"], rid, conn["name"])
    res["etag"] = new_etag()
    return res


def _fill_connections(
    ctx: Ctx, rid: str, props: dict[str, Any], *, validate_only: bool
) -> list[tuple[str, str, str]]:
    """Validate every connection, fill ids/states; return (groupId, member, fqdn) per NIC IP."""
    plan: list[tuple[str, str, str]] = []
    for key, conn in _connections(props):
        cp = conn.setdefault("properties", {})
        name = str(conn.get("name") or f"{ids.split_id(rid).name}")
        conn["name"] = name
        conn["id"] = f"{rid}/{key}/{name}"
        conn["type"] = "Microsoft.Network/privateEndpoints/privateLinkServiceConnections"
        conn["etag"] = new_etag()
        target_id = cp.get("privateLinkServiceId")
        target = ctx.store.get(target_id) if isinstance(target_id, str) else None
        if target is None:
            raise invalid_reference(str(target_id), rid)
        cp["privateLinkServiceId"] = target["id"]
        spec = PRIVATE_LINK_TARGETS.get(str(target.get("type", "")).lower())
        groups = [str(g) for g in cp.get("groupIds") or []]
        if spec is None:
            raise bad_request(
                f"Call to {target.get('type')} failed. Error message: The resource type does "
                "not support private endpoints in the aksiso emulator.",
                code="PrivateEndpointBadRequest",
            )
        if len(groups) != 1:
            raise bad_request(
                f"Private link service connection {conn['id']} has the following group Ids: "
                f"{', '.join(groups) or '(none)'}. Only one group Id is permitted when "
                f"connecting to a first-party resource ({target['id']}).",
                code="OnlyOneGroupIdPermitted",
            )
        if groups[0].lower() not in {g.lower() for g in spec.group_ids}:
            raise bad_request(
                f"Call to {target.get('type')} failed. Error message: Invalid group id "
                f"'{groups[0]}'. Valid group ids: {', '.join(spec.group_ids)}.",
                code="PrivateEndpointBadRequest",
            )
        manual = key.startswith("manual")
        cp["privateLinkServiceConnectionState"] = cp.get("privateLinkServiceConnectionState") or {
            "status": "Pending" if manual else "Approved",
            "description": cp.get("requestMessage") or ("" if manual else "Auto-Approved"),
            "actionsRequired": "None",
        }
        cp["provisioningState"] = "Succeeded"
        if not validate_only:
            plan += [(groups[0], m, f) for m, f in spec.members(ctx.store, target, groups[0])]
    return plan


def _on_delete_private_endpoint(ctx: Ctx, res: Resource) -> None:
    props = res.get("properties") or {}
    for nic_ref in props.get("networkInterfaces") or []:
        nic_id = ref(nic_ref)
        if nic_id:
            delete_nic(ctx.store, nic_id)
    for _, conn in _connections(props):
        target_id = (conn.get("properties") or {}).get("privateLinkServiceId")
        if not target_id:
            continue
        spec = PRIVATE_LINK_TARGETS.get(ids.split_id(target_id).full_type.lower())
        if spec is not None and spec.on_disconnect is not None:
            spec.on_disconnect(ctx.store, target_id, res["id"])


def _check_delete_nic(ctx: Ctx, res: Resource) -> None:
    owner = ref((res.get("properties") or {}).get("privateEndpoint"))
    if owner and ctx.store.get(owner) is not None:
        raise ArmError(
            400,
            "CannotDeleteNicOfPrivateEndpoint",
            f"Network interface {res['id']} is used by private endpoint {owner} and cannot be "
            "deleted. Delete the private endpoint instead.",
        )


TYPES = [
    ResourceType(ROUTE_TABLE, validate_put=_put_route_table, view=_view_route_table),
    ResourceType(ROUTE, validate_put=_put_route),
    ResourceType(PUBLIC_IP, validate_put=_put_public_ip),
    ResourceType(NSG, validate_put=_put_nsg),
    ResourceType(NIC, check_delete=_check_delete_nic, on_delete=_on_delete_nic),
    ResourceType(
        PRIVATE_ENDPOINT,
        validate_put=_put_private_endpoint,
        on_delete=_on_delete_private_endpoint,
    ),
]
