"""Route tables and routes, public IPs, NSGs and network interfaces.

* Routes: ``nextHopType`` must be one of Azure's; ``VirtualAppliance`` requires
  ``nextHopIpAddress`` (and only it may carry one). A route table's GET embeds ``routes[]`` and
  the ``subnets[]`` that reference it.
* Public IPs get a fake address from a Microsoft-owned range (20.240.0.0/12); Standard SKU
  requires ``Static`` allocation.
* Network interfaces are read-only here (GET/list): Azure creates them as side effects of
  private endpoints; :func:`create_nic` is the side-effect entry point for other providers.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aksiso_tui.emulator.errors import ArmError, bad_request
from aksiso_tui.emulator.providers.network_common import (
    NIC,
    NSG,
    PUBLIC_IP,
    ROUTE,
    ROUTE_TABLE,
    check_name,
    invalid_reference,
    new_etag,
    new_guid,
    next_public_ip,
    ref,
    release_subnet,
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
]
