"""Private endpoints, and the registry of resource types that accept them.

The subnet must exist; the target (``privateLinkServiceId``) must exist and be a type registered
in :data:`PRIVATE_LINK_TARGETS` with a valid group id; one group id per connection
(``OnlyOneGroupIdPermitted``). Since network policies for private endpoints went GA (2023), Azure
accepts endpoints in subnets whose ``privateEndpointNetworkPolicies`` is ``Enabled`` (NSGs/UDRs
then apply to them), so the emulator does not refuse them either. A subnet delegated to a service
(e.g. an API server subnet delegated to AKS) takes no private endpoints
(``PrivateEndpointCreationNotAllowedAsSubnetIsDelegated``).

Side effects: a NIC ``{pe}.nic.{guid}`` in the endpoint's resource group with one IP per required
member (``privateLinkConnectionProperties``), ``customDnsConfigs``, an auto-approved connection,
and the target's own connection record (via the target's ``on_connect``). Deleting the endpoint
deletes its NIC and the target's record.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aksiso_tui.emulator import ids
from aksiso_tui.emulator.errors import bad_request
from aksiso_tui.emulator.providers.network_common import (
    PRIVATE_ENDPOINT,
    SUBNET,
    check_name,
    invalid_reference,
    new_etag,
    new_guid,
    ref,
    require,
)
from aksiso_tui.emulator.providers.network_edge import create_nic, delete_nic
from aksiso_tui.emulator.routing import ResourceType, tracked_resource
from aksiso_tui.emulator.store import Store

if TYPE_CHECKING:
    from aksiso_tui.emulator.context import Ctx

Resource = dict[str, Any]


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
    delegations = (subnet.get("properties") or {}).get("delegations") or []
    if delegations:
        service = str((delegations[0].get("properties") or {}).get("serviceName", ""))
        raise bad_request(
            f"Private endpoint {rid} cannot be created in subnet {subnet['id']} because the "
            f"subnet is delegated to {service}. Use a subnet without delegations.",
            code="PrivateEndpointCreationNotAllowedAsSubnetIsDelegated",
        )
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


TYPES = [
    ResourceType(
        PRIVATE_ENDPOINT,
        validate_put=_put_private_endpoint,
        on_delete=_on_delete_private_endpoint,
    ),
]
