"""Private DNS zones, virtual network links and record sets (Microsoft.Network/privateDnsZones).

* Zones and links are LROs in the private DNS style (202 + ``Azure-AsyncOperation`` +
  ``Location`` under ``privateDnsOperationStatuses``/``Results``); ``location`` is ``global``. A
  new zone gets its SOA record set (``@``), so ``numberOfRecordSets`` starts at 1, as in Azure.
  A zone that still has virtual network links cannot be deleted (delete the links first);
  its record sets go with it.
* Links: the virtual network must exist; one link per (zone, VNet) — a second link of the same
  VNet is refused with 409 ``Conflict``. ``virtualNetworkLinkState`` is ``Completed``.
* Record sets (``A``, ``AAAA``, ``CNAME``, ``MX``, ``PTR``, ``SOA``, ``SRV``, ``TXT``) are not
  LROs; names are lower-cased in responses (``recordA`` -> ``recorda``), ``fqdn`` is
  ``<name>.<zone>.``; ``GET {zone}/ALL`` lists every type. ``{zone}/{type}`` lists one type.

:func:`create_zone` and :func:`set_a_record` create zones/records as side effects (the AKS
provider creates ``privatelink.<region>.azmk8s.io`` in the node resource group).
"""

from __future__ import annotations

import copy
import uuid
from typing import TYPE_CHECKING, Any

from aksiso_tui.emulator import ids
from aksiso_tui.emulator.errors import ArmError, bad_request
from aksiso_tui.emulator.names import name_problem, record_set_problem
from aksiso_tui.emulator.providers.network_common import VNET, ref
from aksiso_tui.emulator.routing import Provider, ResourceType, tracked_resource
from aksiso_tui.emulator.store import Store

if TYPE_CHECKING:
    from aksiso_tui.emulator.context import Ctx

Resource = dict[str, Any]
ZONES = "Microsoft.Network/privateDnsZones"
LINKS = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
RECORD_TYPES = ("A", "AAAA", "CNAME", "MX", "PTR", "SOA", "SRV", "TXT")
RECORD_KEYS = {
    "A": "aRecords",
    "AAAA": "aaaaRecords",
    "CNAME": "cnameRecord",
    "MX": "mxRecords",
    "PTR": "ptrRecords",
    "SOA": "soaRecord",
    "SRV": "srvRecords",
    "TXT": "txtRecords",
}


def _etag() -> str:
    return str(uuid.uuid4())


def record_type(rtype: str) -> str:
    return f"{ZONES}/{rtype}"


def _is_record(res: Resource) -> bool:
    rtype = str(res.get("type", ""))
    return rtype.startswith(ZONES + "/") and rtype.rsplit("/", 1)[1] in RECORD_TYPES


def _record_sets(store: Store, zone_id: str) -> list[Resource]:
    return [r for r in store.children(zone_id) if _is_record(r)]


def _links(store: Store, zone_id: str) -> list[Resource]:
    return [r for r in store.children(zone_id) if r.get("type") == LINKS]


# -- zones --------------------------------------------------------------------------------
def _zone_props(existing: Resource | None) -> dict[str, Any]:
    old = (existing or {}).get("properties") or {}
    return {
        "maxNumberOfRecordSets": 25000,
        "maxNumberOfVirtualNetworkLinks": 1000,
        "maxNumberOfVirtualNetworkLinksWithRegistration": 100,
        "internalId": old.get("internalId") or uuid.uuid4().hex,
    }


def _soa(zone_id: str, zone_name: str) -> Resource:
    rid = f"{zone_id}/SOA/@"
    return {
        "id": rid,
        "name": "@",
        "type": record_type("SOA"),
        "etag": _etag(),
        "properties": {
            "ttl": 3600,
            "soaRecord": {
                "email": "azureprivatedns-host.microsoft.com",
                "expireTime": 2419200,
                "host": "azureprivatedns.net",
                "minimumTtl": 10,
                "refreshTime": 3600,
                "retryTime": 300,
                "serialNumber": 1,
            },
            "isAutoRegistered": False,
        },
    }


def _put_zone(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    problem = name_problem(ZONES, ids.split_id(rid).name)
    if problem is not None:
        raise ArmError(400, problem.code, problem.message)
    location = str(body.get("location") or "global").lower()
    if location != "global":
        raise bad_request(
            f"The location '{body.get('location')}' is invalid for private DNS zones; use "
            "'global'.",
            code="InvalidLocation",
        )
    res = tracked_resource(rid, body, existing)
    res["location"] = "global"
    res["properties"] = _zone_props(existing)
    res["etag"] = _etag()
    if existing is None:
        ctx.store.put(f"{rid}/SOA/@", _soa(rid, ids.split_id(rid).name))
    return res


def _view_zone(ctx: Ctx, res: Resource) -> Resource:
    out = dict(res)
    props = dict(res.get("properties") or {})
    links = _links(ctx.store, res["id"])
    props["numberOfRecordSets"] = len(_record_sets(ctx.store, res["id"]))
    props["numberOfVirtualNetworkLinks"] = len(links)
    props["numberOfVirtualNetworkLinksWithRegistration"] = sum(
        1 for link in links if (link.get("properties") or {}).get("registrationEnabled")
    )
    out["properties"] = props
    return out


def _check_delete_zone(ctx: Ctx, res: Resource) -> None:
    links = _links(ctx.store, res["id"])
    if links:
        raise ArmError(
            409,
            "Conflict",
            f"The private DNS zone {res['name']} cannot be deleted because it has "
            f"{len(links)} virtual network link(s) (e.g. {links[0]['name']}). Delete the virtual "
            "network links first.",
        )


def create_zone(
    store: Store, rg_id: str, name: str, *, tags: dict[str, str] | None = None
) -> Resource:
    """Create (or return) the private DNS zone ``name`` in ``rg_id`` as a side effect, with its
    SOA record, provisioned immediately."""
    rid = f"{rg_id}/providers/Microsoft.Network/privateDnsZones/{name}"
    existing = store.get(rid)
    if existing is not None:
        return existing
    zone = {
        "id": rid,
        "name": name,
        "type": ZONES,
        "location": "global",
        "etag": _etag(),
        "tags": dict(tags or {}),
        "properties": {**_zone_props(None), "provisioningState": "Succeeded"},
    }
    store.put(rid, zone)
    store.put(f"{rid}/SOA/@", _soa(rid, name))
    return store.get(rid) or zone


def link_zone(
    store: Store, zone_id: str, link_name: str, vnet_id: str, *, registration: bool = False
) -> Resource:
    """Link a zone to a VNet as a side effect (no LRO); returns the link."""
    rid = f"{zone_id}/virtualNetworkLinks/{link_name}"
    link = {
        "id": rid,
        "name": link_name,
        "type": LINKS,
        "location": "global",
        "etag": _etag(),
        "properties": {
            "virtualNetwork": {"id": vnet_id},
            "registrationEnabled": registration,
            "resolutionPolicy": "Default",
            "virtualNetworkLinkState": "Completed",
            "provisioningState": "Succeeded",
        },
    }
    store.put(rid, link)
    return store.get(rid) or link


def set_a_record(store: Store, zone_id: str, name: str, ips: list[str], ttl: int = 10) -> Resource:
    """Create or replace the A record set ``name`` in ``zone_id`` (side effect, no LRO)."""
    rid = f"{zone_id}/A/{name.lower()}"
    record = {
        "id": rid,
        "name": name.lower(),
        "type": record_type("A"),
        "etag": _etag(),
        "properties": {
            "ttl": ttl,
            "aRecords": [{"ipv4Address": ip} for ip in ips],
            "isAutoRegistered": False,
        },
    }
    store.put(rid, record)
    return store.get(rid) or record


# -- links --------------------------------------------------------------------------------
def _put_link(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    problem = name_problem(LINKS, ids.split_id(rid).name)
    if problem is not None:
        raise ArmError(400, problem.code, problem.message)
    res = tracked_resource(rid, body, existing)
    res["location"] = "global"
    props = res["properties"]
    vnet_id = ref(props.get("virtualNetwork"))
    vnet = ctx.store.get(vnet_id) if vnet_id else None
    if vnet is None or vnet.get("type") != VNET:
        raise bad_request(
            f"Virtual network resource not found for '{vnet_id}'.",
            code="InvalidVirtualNetworkReference",
        )
    if existing is not None:
        old_vnet = ref((existing.get("properties") or {}).get("virtualNetwork"))
        if old_vnet and old_vnet.lower() != vnet["id"].lower():
            raise bad_request(
                "The virtual network of a virtual network link cannot be changed.",
                code="BadRequest",
            )
    for link in _links(ctx.store, ids.parent_id(rid)):
        other = ref((link.get("properties") or {}).get("virtualNetwork"))
        if link["id"].lower() != rid.lower() and other and other.lower() == vnet["id"].lower():
            raise ArmError(
                409,
                "Conflict",
                f"A virtual network cannot be linked to the same private DNS zone twice: "
                f"virtual network {vnet['id']} is already linked by '{link['name']}'.",
            )
    props["virtualNetwork"] = {"id": vnet["id"]}
    props["registrationEnabled"] = bool(props.get("registrationEnabled", False))
    props.setdefault("resolutionPolicy", "Default")
    props["virtualNetworkLinkState"] = "Completed"
    res["etag"] = _etag()
    return res


# -- record sets --------------------------------------------------------------------------
def _put_record(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    parsed = ids.split_id(rid)
    rtype = parsed.types[-1].upper()
    problem = record_set_problem(parsed.name)
    if problem is not None:
        raise ArmError(400, problem.code, problem.message)
    props = copy.deepcopy(body.get("properties") or {})
    for key in ("fqdn", "isAutoRegistered", "provisioningState"):
        props.pop(key, None)
    if "ttl" in props and not isinstance(props["ttl"], int):
        raise bad_request("The TTL must be an integer.", code="BadRequest")
    props.setdefault("ttl", 3600)
    key = RECORD_KEYS.get(rtype, "")
    if key.endswith("Records"):
        props.setdefault(key, [])  # Azure answers an empty set with [] (az add-record appends)
    for address in props.get("aRecords") or []:
        if rtype == "A" and not _is_ipv4(str(address.get("ipv4Address", ""))):
            raise bad_request(
                f"The IPv4 address '{address.get('ipv4Address')}' is invalid.", code="BadRequest"
            )
    props["isAutoRegistered"] = False
    return {"etag": _etag(), "properties": props}


def _is_ipv4(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def _view_record(ctx: Ctx, res: Resource) -> Resource:
    out = copy.deepcopy(res)
    name = str(res["name"]).lower()
    head, _, _ = res["id"].rpartition("/")
    out["id"] = f"{head}/{name}"
    out["name"] = name
    zone = ids.split_id(res["id"]).names[0].lower()
    props = out.setdefault("properties", {})
    props["fqdn"] = f"{zone}." if name == "@" else f"{name}.{zone}."
    props.pop("provisioningState", None)
    return out


def _list_all(ctx: Ctx, scope: str) -> list[Resource]:
    return _record_sets(ctx.store, scope)


def _record_type_def(rtype: str) -> ResourceType:
    return ResourceType(
        record_type(rtype),
        validate_put=_put_record,
        view=_view_record,
        put_style="sync",
        delete_style="sync",
        tracks_provisioning=False,
    )


PROVIDER = Provider(
    "Microsoft.Network",
    types=[
        ResourceType(
            ZONES,
            validate_put=_put_zone,
            view=_view_zone,
            check_delete=_check_delete_zone,
            put_style="private-dns",
            delete_style="async-operation",
            op_urls="private-dns",
        ),
        ResourceType(
            LINKS,
            validate_put=_put_link,
            put_style="private-dns",
            delete_style="async-operation",
            op_urls="private-dns",
        ),
        *[_record_type_def(t) for t in RECORD_TYPES],
        ResourceType(f"{ZONES}/ALL", list=_list_all),
    ],
)
