"""Virtual networks, subnets and VNet peerings, validated the way the Network RP does.

* A VNet's address space must parse and not overlap itself; its GET embeds ``subnets[]`` and
  ``virtualNetworkPeerings[]`` (stored as separate child resources). A VNet PUT that carries a
  ``subnets`` list makes the VNet's subnets exactly that list (omitted ones are deleted, or the PUT
  fails with ``InUseSubnetCannotBeDeleted``); a body without the key leaves subnets alone.
* Subnets must fit in the address space (``NetcfgSubnetRangeOutsideVnet``), not overlap a sibling
  (``NetcfgSubnetRangesOverlap``), be /29../2 (``NetcfgInvalidSubnet``), have valid CIDR
  (``InvalidCIDRNotation``); a referenced route table/NSG must exist; delegations are filled in.
  A subnet in use (``ipConfigurations``) cannot be deleted or re-addressed.
* ARM serialises writes on one VNet: while an operation on the VNet or one of its subnets or
  peerings is in progress, another write fails with 409 ``AnotherOperationInProgress`` (only
  observable with ``time_scale > 0``; at 0 operations finish by the first poll).
* Peerings: the remote VNet must exist and not overlap (``VnetAddressSpacesOverlap``);
  ``peeringState`` is ``Initiated`` until the reverse peering exists, then ``Connected`` on both
  sides; deleting one side leaves the other ``Disconnected``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aksiso_tui.emulator import ids, netcalc
from aksiso_tui.emulator.errors import ArmError, bad_request
from aksiso_tui.emulator.providers.network_common import (
    NSG,
    PEERING,
    ROUTE_TABLE,
    SUBNET,
    VNET,
    arm_error,
    check_name,
    invalid_reference,
    new_etag,
    new_guid,
    public_view_of_ip_configurations,
    ref,
    require,
    subnet_networks,
)
from aksiso_tui.emulator.routing import ResourceType, tracked_resource

if TYPE_CHECKING:
    from aksiso_tui.emulator.context import Ctx

Resource = dict[str, Any]

#: Actions Azure fills into a delegation, by service.
DELEGATION_ACTIONS: dict[str, list[str]] = {
    "microsoft.containerservice/managedclusters": [
        "Microsoft.Network/virtualNetworks/subnets/join/action"
    ],
}


def children_of(ctx: Ctx, parent_id: str, rtype: str) -> list[Resource]:
    """Direct children of ``parent_id`` of type ``rtype`` (O(descendants), not a store scan)."""
    low = rtype.lower()
    return [r for r in ctx.store.children(parent_id) if str(r.get("type", "")).lower() == low]


def check_vnet_idle(ctx: Ctx, vnet_id: str) -> None:
    """409 ``AnotherOperationInProgress`` if the VNet or any subnet/peering is mid-operation."""
    candidates = [vnet_id] + [
        r["id"] for r in ctx.store.children(vnet_id) if r.get("type") in (SUBNET, PEERING)
    ]
    for rid in candidates:
        op = ctx.ops.in_progress(rid)
        if op is not None:
            status_url, _ = ctx.operation_urls(op, "Microsoft.Network", "location")
            raise ArmError(
                409,
                "AnotherOperationInProgress",
                "Another operation on this or dependent resource is in progress. To retrieve "
                f"status of the operation use uri: {status_url}",
            )


# -- virtual networks ------------------------------------------------------------------------
def _address_space(rid: str, props: dict[str, Any]) -> list[netcalc.IPNetwork]:
    prefixes = (props.get("addressSpace") or {}).get("addressPrefixes") or []
    if not prefixes:
        raise bad_request(
            f"Virtual network {rid} must have an address space (addressSpace.addressPrefixes).",
            code="InvalidRequestFormat",
        )
    try:
        space = netcalc.parse_prefixes(prefixes, resource_id=rid)
        netcalc.check_address_space(ids.split_id(rid).name, space)
    except netcalc.NetcalcError as exc:
        raise arm_error(exc) from exc
    return space


def _put_vnet(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    check_name(VNET, rid)
    if existing is not None:
        check_vnet_idle(ctx, rid)
    res = tracked_resource(rid, body, existing)
    props = res["properties"]
    space = _address_space(rid, props)
    inline = props.pop("subnets", None)
    props.pop("virtualNetworkPeerings", None)
    current = children_of(ctx, rid, SUBNET) if existing is not None else []
    vnet_name = ids.split_id(rid).name
    for sub in current:
        nets = subnet_networks(sub)
        if not all(netcalc.within(n, space) for n in nets):
            raise ArmError(
                400,
                "NetcfgSubnetRangeOutsideVnet",
                f"Subnet '{sub['name']}' is not valid because its IP address range is outside "
                f"the IP address range of virtual network '{vnet_name}'.",
            )
    if isinstance(inline, list):
        _apply_inline_subnets(ctx, rid, space, inline, current)
    props.setdefault("enableDdosProtection", False)
    props.setdefault("privateEndpointVNetPolicies", "Disabled")
    props["resourceGuid"] = (existing or {}).get("properties", {}).get("resourceGuid") or new_guid()
    res["etag"] = new_etag()
    return res


def _apply_inline_subnets(
    ctx: Ctx,
    vnet_id: str,
    space: list[netcalc.IPNetwork],
    inline: list[dict[str, Any]],
    current: list[Resource],
) -> None:
    wanted: dict[str, dict[str, Any]] = {}
    for item in inline:
        name = str(item.get("name") or "")
        if not name:
            raise bad_request("Every subnet in the request must have a name.")
        wanted[name.lower()] = item
    for sub in current:
        if sub["name"].lower() not in wanted:
            _refuse_if_in_use(sub)
    built: list[Resource] = []
    prefixes: dict[str, list[netcalc.IPNetwork]] = {}
    for key, item in wanted.items():
        sid = f"{vnet_id}/subnets/{item['name']}"
        old = ctx.store.get(sid)
        sub = _build_subnet(ctx, sid, item, old, space=space, siblings=prefixes)
        prefixes[key] = subnet_networks(sub)
        built.append(sub)
    for sub in current:
        if sub["name"].lower() not in wanted:
            ctx.delete_tree(sub["id"])
    for sub in built:
        sub.setdefault("properties", {})["provisioningState"] = "Succeeded"
        sub["type"] = SUBNET
        ctx.store.put(sub["id"], sub)


def _view_vnet(ctx: Ctx, res: Resource) -> Resource:
    out = dict(res)
    props = dict(res.get("properties") or {})
    props["subnets"] = [ctx.view(s) for s in children_of(ctx, res["id"], SUBNET)]
    props["virtualNetworkPeerings"] = [ctx.view(p) for p in children_of(ctx, res["id"], PEERING)]
    out["properties"] = props
    return out


def _check_delete_vnet(ctx: Ctx, res: Resource) -> None:
    check_vnet_idle(ctx, res["id"])
    for sub in children_of(ctx, res["id"], SUBNET):
        _refuse_if_in_use(sub)


# -- subnets ---------------------------------------------------------------------------------
def _refuse_if_in_use(sub: Resource) -> None:
    users = (sub.get("properties") or {}).get("ipConfigurations") or []
    if users:
        raise ArmError(
            400,
            "InUseSubnetCannotBeDeleted",
            f"Subnet {sub['name']} is in use by {users[0]['id']} and cannot be deleted. In order "
            "to delete the subnet, delete all the resources within the subnet. See "
            "aka.ms/deletesubnet.",
        )


def _build_subnet(
    ctx: Ctx,
    rid: str,
    body: dict[str, Any],
    existing: Resource | None,
    *,
    space: list[netcalc.IPNetwork],
    siblings: dict[str, list[netcalc.IPNetwork]],
) -> Resource:
    check_name(SUBNET, rid)
    parsed = ids.split_id(rid)
    props = copy.deepcopy(body.get("properties") or {})
    texts = netcalc.subnet_prefixes(props)
    if not texts:
        raise bad_request(
            f"Subnet '{parsed.name}' must have either addressPrefix or addressPrefixes.",
            code="InvalidRequestFormat",
        )
    try:
        nets = netcalc.parse_prefixes(texts, resource_id=rid)
        netcalc.check_subnet_fits(
            parsed.name, nets, vnet_name=parsed.names[0], address_space=space, siblings=siblings
        )
    except netcalc.NetcalcError as exc:
        raise arm_error(exc) from exc
    old_props = (existing or {}).get("properties") or {}
    users = old_props.get("ipConfigurations") or []
    if users and sorted(texts) != sorted(netcalc.subnet_prefixes(old_props)):
        raise ArmError(
            400,
            "InUseSubnetCannotBeUpdated",
            f"Subnet {parsed.name} is in use by {users[0]['id']} and its address prefix cannot "
            "be changed. Remove the resources using the subnet first.",
        )
    for key, rtype in (("routeTable", ROUTE_TABLE), ("networkSecurityGroup", NSG)):
        target = ref(props.get(key))
        if props.get(key) is not None and target is None:
            raise invalid_reference(str(props.get(key)), rid)
        if target is not None:
            props[key] = {"id": require(ctx.store, target, rid, rtype)["id"]}
    props["delegations"] = _delegations(rid, props.get("delegations") or [])
    if props["delegations"]:
        props.setdefault("purpose", "")
    props.setdefault("privateEndpointNetworkPolicies", "Disabled")
    props.setdefault("privateLinkServiceNetworkPolicies", "Enabled")
    props.pop("provisioningState", None)
    props["ipConfigurations"] = copy.deepcopy(users)
    return {
        "id": rid,
        "name": parsed.name,
        "type": SUBNET,
        "etag": new_etag(),
        "properties": props,
    }


def _delegations(subnet_id: str, items: list[Any]) -> list[dict[str, Any]]:
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise bad_request("Each delegation must be an object.", code="InvalidRequestFormat")
        props = dict(item.get("properties") or {})
        service = str(props.get("serviceName") or "")
        if not service:
            raise bad_request(
                f"Delegation {i} of subnet {subnet_id} must name a serviceName.",
                code="InvalidRequestFormat",
            )
        name = str(item.get("name") or str(i))
        known = DELEGATION_ACTIONS.get(service.lower())
        props["actions"] = list(known if known is not None else props.get("actions") or [])
        props["provisioningState"] = "Succeeded"
        out.append(
            {
                "name": name,
                "id": f"{subnet_id}/delegations/{name}",
                "type": "Microsoft.Network/virtualNetworks/subnets/delegations",
                "etag": new_etag(),
                "properties": props,
            }
        )
    return out


def _put_subnet(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    vnet_id = ids.parent_id(rid)
    check_vnet_idle(ctx, vnet_id)
    vnet = ctx.store.get(vnet_id) or {}
    space = netcalc.parse_prefixes(
        (vnet.get("properties") or {}).get("addressSpace", {}).get("addressPrefixes") or []
    )
    siblings = {
        s["name"]: subnet_networks(s)
        for s in children_of(ctx, vnet_id, SUBNET)
        if s["id"].lower() != rid.lower()
    }
    return _build_subnet(ctx, rid, body, existing, space=space, siblings=siblings)


def _view_subnet(ctx: Ctx, res: Resource) -> Resource:
    out = dict(res)
    props = dict(res.get("properties") or {})
    users = props.get("ipConfigurations") or []
    if users:
        props["ipConfigurations"] = public_view_of_ip_configurations(users)
    else:
        props.pop("ipConfigurations", None)
    out["properties"] = props
    return out


def _check_delete_subnet(ctx: Ctx, res: Resource) -> None:
    check_vnet_idle(ctx, ids.parent_id(res["id"]))
    _refuse_if_in_use(res)


# -- peerings --------------------------------------------------------------------------------
def _reverse_peering(ctx: Ctx, local_vnet: str, remote_vnet: str) -> Resource | None:
    for peer in children_of(ctx, remote_vnet, PEERING):
        target = ref((peer.get("properties") or {}).get("remoteVirtualNetwork"))
        if target and target.lower() == local_vnet.lower():
            return peer
    return None


def _put_peering(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    check_name(PEERING, rid)
    local_id = ids.parent_id(rid)
    check_vnet_idle(ctx, local_id)
    props = copy.deepcopy(body.get("properties") or {})
    remote_id = ref(props.get("remoteVirtualNetwork"))
    remote = ctx.store.get(remote_id) if remote_id else None
    if remote is None or remote.get("type") != VNET:
        raise invalid_reference(str(remote_id), rid)
    local = ctx.store.get(local_id) or {}
    local_space = (local.get("properties") or {}).get("addressSpace", {}).get("addressPrefixes")
    remote_space = (remote.get("properties") or {}).get("addressSpace", {}).get("addressPrefixes")
    hit = netcalc.first_overlap(
        netcalc.parse_prefixes(local_space or []), netcalc.parse_prefixes(remote_space or [])
    )
    if hit is not None:
        raise ArmError(
            400,
            "VnetAddressSpacesOverlap",
            f"Cannot create or update peering {rid}. Virtual networks {local['id']} and "
            f"{remote['id']} cannot be peered because their address spaces overlap. "
            f"Overlapping address prefixes: {hit[0]}, {hit[1]}",
        )
    for key, default in (
        ("allowVirtualNetworkAccess", True),
        ("allowForwardedTraffic", False),
        ("allowGatewayTransit", False),
        ("useRemoteGateways", False),
    ):
        props.setdefault(key, default)
    props["remoteVirtualNetwork"] = {"id": remote["id"]}
    props["remoteAddressSpace"] = {"addressPrefixes": list(remote_space or [])}
    props["remoteVirtualNetworkAddressSpace"] = {"addressPrefixes": list(remote_space or [])}
    props["peeringSyncLevel"] = "FullyInSync"
    reverse = _reverse_peering(ctx, local_id, remote["id"])
    if reverse is None:
        props["peeringState"] = "Initiated"
    else:
        props["peeringState"] = "Connected"
        ctx.update(reverse["id"], lambda r: r["properties"].update(peeringState="Connected"))
    props.pop("provisioningState", None)
    return {"etag": new_etag(), "properties": props}


def _on_delete_peering(ctx: Ctx, res: Resource) -> None:
    remote_id = ref((res.get("properties") or {}).get("remoteVirtualNetwork"))
    if not remote_id or ctx.store.get(remote_id) is None:
        return
    reverse = _reverse_peering(ctx, ids.parent_id(res["id"]), remote_id)
    if reverse is not None:
        ctx.update(reverse["id"], lambda r: r["properties"].update(peeringState="Disconnected"))


def _check_delete_peering(ctx: Ctx, res: Resource) -> None:
    check_vnet_idle(ctx, ids.parent_id(res["id"]))


TYPES = [
    ResourceType(VNET, validate_put=_put_vnet, view=_view_vnet, check_delete=_check_delete_vnet),
    ResourceType(
        SUBNET, validate_put=_put_subnet, view=_view_subnet, check_delete=_check_delete_subnet
    ),
    ResourceType(
        PEERING,
        validate_put=_put_peering,
        check_delete=_check_delete_peering,
        on_delete=_on_delete_peering,
    ),
]
