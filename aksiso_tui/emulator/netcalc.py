"""Address-space arithmetic the emulated Microsoft.Network provider needs, with Azure's rules.

Pure stdlib (``ipaddress``): the network providers call these functions and turn a
:class:`NetcalcError` into an ARM error body with the same ``code`` and ``message``.

Azure rules encoded here (VNet FAQ, "How small and how large can virtual networks and subnets be?"):

* A prefix must be CIDR with the host bits clear (``10.0.1.0/24``); ``10.0.1.5/24`` is refused with
  ``InvalidCIDRNotation`` and the message names the prefix Azure expected.
* The smallest IPv4 subnet is ``/29`` and the largest ``/2``; IPv6 subnets are exactly ``/64``.
* Azure reserves five addresses in every IPv4 subnet: the network address, ``.1`` (default
  gateway), ``.2`` and ``.3`` (Azure DNS), and the broadcast address. The first address handed
  to a NIC, private endpoint or firewall is therefore ``x.x.x.4``, and allocation is sequential.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Addresses Azure keeps at the start of every subnet (network, gateway, 2x DNS).
RESERVED_AT_START = 4
#: Addresses Azure keeps at the end of every IPv4 subnet (broadcast).
RESERVED_AT_END = 1
SMALLEST_IPV4_SUBNET = 29
LARGEST_IPV4_SUBNET = 2
IPV6_SUBNET = 64
#: ``AzureFirewallSubnet`` must be at least this large.
FIREWALL_SUBNET_MAX_PREFIXLEN = 26
#: Where the emulator hands out "public" IPs from (a Microsoft-owned range, like real Azure).
PUBLIC_IP_POOL = ipaddress.IPv4Network("20.240.0.0/12")


@dataclass
class NetcalcError(Exception):
    """A rule violation, carrying the ARM error code and message the provider should answer."""

    code: str
    message: str

    def __str__(self) -> str:
        return f"({self.code}) {self.message}"


def parse_prefix(text: object, *, resource_id: str = "") -> IPNetwork:
    """Parse one CIDR prefix the way NRP does; raise :class:`NetcalcError` on a bad one."""
    where = f" of resource {resource_id}" if resource_id else ""
    if not isinstance(text, str) or "/" not in text:
        raise NetcalcError(
            "InvalidAddressPrefixFormat",
            f"Address prefix {text}{where} is not formatted correctly. "
            "It should follow CIDR notation, for example 10.0.0.0/24.",
        )
    try:
        return ipaddress.ip_network(text.strip(), strict=True)
    except ValueError:
        pass
    try:
        loose = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as exc:
        raise NetcalcError(
            "InvalidAddressPrefixFormat",
            f"Address prefix {text}{where} is not formatted correctly. "
            "It should follow CIDR notation, for example 10.0.0.0/24.",
        ) from exc
    in_resource = f" in resource {resource_id}" if resource_id else ""
    raise NetcalcError(
        "InvalidCIDRNotation",
        f"The address prefix {text}{in_resource} has an invalid CIDR notation. For the given "
        f"prefix length, the address prefix should be {loose}.",
    )


def parse_prefixes(texts: Iterable[object], *, resource_id: str = "") -> list[IPNetwork]:
    """Parse several prefixes (a VNet address space or a subnet's ``addressPrefixes``)."""
    return [parse_prefix(t, resource_id=resource_id) for t in texts]


def subnet_prefixes(properties: Mapping[str, object]) -> list[str]:
    """A subnet body's prefixes: ``addressPrefixes`` if present, else ``addressPrefix``."""
    many = properties.get("addressPrefixes")
    if isinstance(many, list) and many:
        return [str(p) for p in many]
    one = properties.get("addressPrefix")
    return [str(one)] if one else []


def check_subnet_size(net: IPNetwork, *, subnet_name: str, vnet_name: str) -> None:
    """Refuse subnets smaller than /29 or larger than /2 (IPv6: exactly /64)."""
    if net.version == 4:
        ok = LARGEST_IPV4_SUBNET <= net.prefixlen <= SMALLEST_IPV4_SUBNET
    else:
        ok = net.prefixlen == IPV6_SUBNET
    if not ok:
        raise invalid_subnet(subnet_name, vnet_name)


def invalid_subnet(subnet_name: str, vnet_name: str) -> NetcalcError:
    """The generic "subnet is not valid" error NRP answers for impossible subnets."""
    return NetcalcError(
        "NetcfgInvalidSubnet",
        f"Subnet '{subnet_name}' is not valid in virtual network '{vnet_name}'.",
    )


def within(inner: IPNetwork, spaces: Iterable[IPNetwork]) -> bool:
    """True if ``inner`` lies entirely inside one of ``spaces`` (same IP version)."""
    return any(inner.version == s.version and inner.subnet_of(s) for s in spaces)  # type: ignore[arg-type]


def overlaps(a: IPNetwork, b: IPNetwork) -> bool:
    """True if two prefixes share at least one address."""
    return a.version == b.version and a.overlaps(b)  # type: ignore[arg-type]


def check_subnet_fits(
    subnet_name: str,
    prefixes: Sequence[IPNetwork],
    *,
    vnet_name: str,
    address_space: Sequence[IPNetwork],
    siblings: Mapping[str, Sequence[IPNetwork]],
) -> None:
    """Validate a subnet against its VNet: size, inside the address space, no overlap.

    ``siblings`` maps the other subnets' names (the subnet itself excluded) to their prefixes.
    """
    for net in prefixes:
        check_subnet_size(net, subnet_name=subnet_name, vnet_name=vnet_name)
        if not within(net, address_space):
            raise NetcalcError(
                "NetcfgSubnetRangeOutsideVnet",
                f"Subnet '{subnet_name}' is not valid because its IP address range is outside "
                f"the IP address range of virtual network '{vnet_name}'.",
            )
    for i, net in enumerate(prefixes):
        if any(overlaps(net, other) for other in prefixes[i + 1 :]):
            raise invalid_subnet(subnet_name, vnet_name)
    for other_name, other_prefixes in siblings.items():
        if any(overlaps(a, b) for a in prefixes for b in other_prefixes):
            raise NetcalcError(
                "NetcfgSubnetRangesOverlap",
                f"Subnet '{subnet_name}' is not valid because its IP address range overlaps "
                f"with that of an existing subnet '{other_name}' in virtual network "
                f"'{vnet_name}'.",
            )


def check_address_space(vnet_name: str, address_space: Sequence[IPNetwork]) -> None:
    """A VNet's own prefixes must not overlap each other."""
    for i, net in enumerate(address_space):
        for other in address_space[i + 1 :]:
            if overlaps(net, other):
                raise NetcalcError(
                    "NetcfgInvalidVirtualNetworkSite",
                    f"Address space {net} of virtual network '{vnet_name}' overlaps with "
                    f"address space {other} of the same virtual network.",
                )


def first_overlap(
    a: Sequence[IPNetwork], b: Sequence[IPNetwork]
) -> tuple[IPNetwork, IPNetwork] | None:
    """The first pair of overlapping prefixes between two address spaces, or None."""
    for x in a:
        for y in b:
            if overlaps(x, y):
                return x, y
    return None


def usable_range(net: IPNetwork) -> tuple[IPAddress, IPAddress]:
    """First and last address Azure will hand out in a subnet (``.4`` .. broadcast - 1)."""
    first = net.network_address + RESERVED_AT_START
    last = net.broadcast_address - (RESERVED_AT_END if net.version == 4 else 0)
    return first, last


def usable_count(net: IPNetwork) -> int:
    """How many addresses of the subnet Azure lets resources use."""
    first, last = usable_range(net)
    return max(0, int(last) - int(first) + 1)


def first_usable(net: IPNetwork) -> str:
    """The first address Azure allocates in a subnet, e.g. the Azure Firewall's private IP."""
    return str(usable_range(net)[0])


def allocate(
    prefixes: Sequence[IPNetwork],
    used: Iterable[str],
    *,
    count: int = 1,
    subnet_name: str = "",
) -> list[str]:
    """Allocate ``count`` dynamic private IPs, lowest free first, as Azure does.

    ``used`` holds the addresses already taken in the subnet. Raises ``SubnetIsFull``.
    """
    taken = set(used)
    out: list[str] = []
    for net in prefixes:
        first, last = usable_range(net)
        addr = int(first)
        while addr <= int(last) and len(out) < count:
            text = str(ipaddress.ip_address(addr))
            if text not in taken:
                out.append(text)
                taken.add(text)
            addr += 1
        if len(out) == count:
            return out
    shown = ", ".join(str(p) for p in prefixes)
    raise NetcalcError(
        "SubnetIsFull",
        f"Subnet {subnet_name} with address prefix {shown} does not have enough capacity "
        f"for {count} IP addresses.",
    )


def check_static_ip(
    address: str,
    prefixes: Sequence[IPNetwork],
    used: Iterable[str],
    *,
    subnet_id: str = "",
) -> str:
    """Validate a requested static private IP: inside the subnet, not reserved, not taken."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError as exc:
        raise NetcalcError(
            "PrivateIPAddressInvalid",
            f"Private static IP address {address} is not a valid IP address.",
        ) from exc
    net = next((n for n in prefixes if n.version == ip.version and ip in n), None)
    if net is None:
        raise NetcalcError(
            "PrivateIPAddressNotInSubnet",
            f"Private static IP address {address} does not belong to the range of subnet "
            f"prefix {', '.join(str(p) for p in prefixes)} of subnet {subnet_id}.",
        )
    first, last = usable_range(net)
    if not (int(first) <= int(ip) <= int(last)):  # same IP version: ip is inside `net`
        raise NetcalcError(
            "PrivateIPAddressIsReserved",
            f"Private static IP address {address} falls within the reserved address range "
            f"of subnet {subnet_id}.",
        )
    if address in set(used):
        raise NetcalcError(
            "PrivateIPAddressInUse",
            f"Private static IP address {address} is already in use in subnet {subnet_id}.",
        )
    return str(ip)


def public_ip(index: int, pool: ipaddress.IPv4Network = PUBLIC_IP_POOL) -> str:
    """The ``index``-th fake public IP (0-based), skipping network-ish ``.0``/``.255`` addresses."""
    usable_per_block = 254
    block, offset = divmod(index, usable_per_block)
    base = int(pool.network_address) + block * 256 + 1 + offset
    if base > int(pool.broadcast_address):
        raise NetcalcError("PublicIPAddressPoolExhausted", "The emulator ran out of public IPs.")
    return str(ipaddress.IPv4Address(base))
