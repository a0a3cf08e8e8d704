"""Helpers shared by the Microsoft.Network providers: references, etags, names, subnet usage.

Subnet usage is the one piece of cross-provider state: every NIC, firewall, private endpoint or
AKS cluster that sits in a subnet is recorded in the subnet's read-only
``properties.ipConfigurations`` (Azure's in-use marker, which blocks deleting the subnet), and
each entry remembers the private IPs it holds so allocation stays sequential from ``.4``. The
subnet view shows only the ``id`` of each entry, as Azure does.

Other providers (AKS) call :func:`use_subnet` / :func:`release_subnet` to take or return
addresses; everything works on the :class:`~aksiso_tui.emulator.store.Store` directly so it is
callable outside a request.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

from aksiso_tui.emulator import ids, netcalc
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.names import InvalidNameError, validate_name
from aksiso_tui.emulator.store import Store

VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
PEERING = "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"
ROUTE_TABLE = "Microsoft.Network/routeTables"
ROUTE = "Microsoft.Network/routeTables/routes"
PUBLIC_IP = "Microsoft.Network/publicIPAddresses"
NIC = "Microsoft.Network/networkInterfaces"
NSG = "Microsoft.Network/networkSecurityGroups"
PRIVATE_ENDPOINT = "Microsoft.Network/privateEndpoints"
FIREWALL = "Microsoft.Network/azureFirewalls"
FIREWALL_POLICY = "Microsoft.Network/firewallPolicies"
RULE_COLLECTION_GROUP = "Microsoft.Network/firewallPolicies/ruleCollectionGroups"
FIREWALL_SUBNET_NAME = "AzureFirewallSubnet"


def new_etag() -> str:
    return f'W/"{uuid.uuid4()}"'


def new_guid() -> str:
    return str(uuid.uuid4())


def ref(obj: Any) -> str | None:
    """The ``id`` of a ``{"id": ...}`` sub-resource reference, if any."""
    if isinstance(obj, dict):
        value = obj.get("id")
        return value if isinstance(value, str) and value else None
    return None


def check_name(rtype: str, rid: str) -> None:
    """Refuse a name Azure would refuse (400 with the rule's code)."""
    try:
        validate_name(rtype, ids.split_id(rid).name)
    except InvalidNameError as exc:
        raise ArmError(400, exc.code, exc.message) from exc


def arm_error(exc: netcalc.NetcalcError) -> ArmError:
    return ArmError(400, exc.code, exc.message)


def invalid_reference(target: str, referrer: str) -> ArmError:
    """NRP's answer when a body references a resource that does not exist."""
    return ArmError(
        400,
        "InvalidResourceReference",
        f"Resource {target} referenced by resource {referrer} was not found. Please make sure "
        "that the referenced resource exists, and that both resources are in the same region.",
    )


def require(store: Store, target: str | None, referrer: str, rtype: str) -> dict[str, Any]:
    """The referenced resource of type ``rtype``; ``InvalidResourceReference`` if missing."""
    res = store.get(target) if target else None
    if res is None or str(res.get("type", "")).lower() != rtype.lower():
        raise invalid_reference(str(target), referrer)
    return res


def subnet_networks(subnet: dict[str, Any]) -> list[netcalc.IPNetwork]:
    return netcalc.parse_prefixes(netcalc.subnet_prefixes(subnet.get("properties") or {}))


def used_ips(subnet: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for entry in (subnet.get("properties") or {}).get("ipConfigurations") or []:
        out.update(entry.get("_ips") or [])
    return out


def _get_subnet(store: Store, subnet_id: str) -> dict[str, Any]:
    subnet = store.get(subnet_id)
    if subnet is None or str(subnet.get("type", "")).lower() != SUBNET.lower():
        raise invalid_reference(subnet_id, subnet_id)
    return subnet


def use_subnet(
    store: Store,
    subnet_id: str,
    user_id: str,
    *,
    count: int = 0,
    static_ips: list[str] | None = None,
) -> list[str]:
    """Record that ``user_id`` (an ip configuration id, or a whole resource id such as an AKS
    cluster's) sits in ``subnet_id``, allocating ``count`` dynamic private IPs (plus the given
    static ones). Idempotent per ``user_id``: a repeat returns the IPs it already holds.
    Raises ``ArmError`` (``SubnetIsFull``, ``PrivateIPAddressInUse``...)."""
    subnet = _get_subnet(store, subnet_id)
    props = subnet.get("properties") or {}
    entries = list(props.get("ipConfigurations") or [])
    for entry in entries:
        if str(entry.get("id", "")).lower() == user_id.lower():
            return list(entry.get("_ips") or [])
    nets = subnet_networks(subnet)
    taken = used_ips(subnet)
    chosen: list[str] = []
    try:
        for address in static_ips or []:
            chosen.append(netcalc.check_static_ip(address, nets, taken, subnet_id=subnet["id"]))
            taken.add(address)
        if count:
            chosen += netcalc.allocate(nets, taken, count=count, subnet_name=subnet["name"])
    except netcalc.NetcalcError as exc:
        raise arm_error(exc) from exc
    new = copy.deepcopy(subnet)
    new["properties"]["ipConfigurations"] = [*entries, {"id": user_id, "_ips": chosen}]
    store.put(subnet["id"], new)
    return chosen


def release_subnet(store: Store, subnet_id: str | None, user_id: str) -> None:
    """Forget ``user_id``'s use of the subnet (and its IPs); a no-op if either is gone."""
    subnet = store.get(subnet_id) if subnet_id else None
    if subnet is None:
        return
    entries = (subnet.get("properties") or {}).get("ipConfigurations") or []
    kept = [e for e in entries if str(e.get("id", "")).lower() != user_id.lower()]
    if len(kept) == len(entries):
        return
    new = copy.deepcopy(subnet)
    new["properties"]["ipConfigurations"] = kept
    store.put(subnet["id"], new)


def subnet_users(store: Store, subnet_id: str) -> list[str]:
    """Ids of everything recorded as using the subnet."""
    subnet = store.get(subnet_id)
    entries = (subnet or {}).get("properties", {}).get("ipConfigurations") or []
    return [str(e.get("id")) for e in entries]


def public_view_of_ip_configurations(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What Azure shows in a subnet's ``ipConfigurations``: only the ids."""
    return [{"id": e["id"]} for e in entries]


def next_public_ip(store: Store) -> str:
    """A fresh fake public address (a counter persisted in ``store.meta``)."""
    index = int(store.meta.get("network.public_ip_counter", 0))
    store.meta["network.public_ip_counter"] = index + 1
    return netcalc.public_ip(index)
