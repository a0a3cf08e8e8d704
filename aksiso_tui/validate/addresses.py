"""Checks of address ranges: CIDR syntax, containment, overlaps, subnet sizes, the hub, FQDNs.

Subnet capacity rule (kept simple on purpose): Azure keeps 5 addresses of every subnet. The node
subnet must hold every node plus one surge node for upgrades (plus the API server's private
endpoint with Private Link): error otherwise. With Azure CNI Overlay pods take their IPs from the
pod CIDR, so that is enough; if it is smaller than `node_count * 31` (a node plus 30 pods, Azure
CNI without overlay) an info finding says so.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from aksiso_tui import naming
from aksiso_tui.spec import DEFAULT_POD_CIDR, ApiServerMode, Scenario
from aksiso_tui.validate.common import (
    AKS_REQUIRED_FQDNS,
    AKS_RESERVED,
    APISERVER_SUBNET_LARGEST_PREFIX,
    AZURE_REFUSED,
    AZURE_RESERVED_PER_SUBNET,
    DNS_LABEL,
    FIREWALL_SUBNET_LARGEST_PREFIX,
    PODS_PER_NODE_CNI,
    PRIVATE_RANGES,
    SERVICE_CIDR_SMALLEST_PREFIX,
    SMALLEST_SUBNET,
    Net,
    Out,
    attr,
    given,
    same,
)


def check_service_network(spec: Any, out: Out) -> None:
    cluster = attr(spec, "cluster")
    if cluster is None or same(attr(spec, "scenario"), Scenario.DISABLE):
        return
    value = attr(cluster, "service_cidr")
    if value is None:
        return
    operator_set = given(cluster, "service_cidr")
    service = out.cidr("cluster.service_cidr", value, "service CIDR")
    if service is not None:
        if service.prefixlen < SERVICE_CIDR_SMALLEST_PREFIX:
            out.error(
                "cluster.service_cidr",
                f"service CIDR {service} is larger than AKS allows (/12 at most)",
                "use a /16, e.g. 10.0.0.0/16",
            )
        for reserved in AKS_RESERVED:
            if service.overlaps(reserved):
                out.error(
                    "cluster.service_cidr",
                    f"service CIDR {service} overlaps {reserved}, which AKS reserves",
                    "use e.g. 10.0.0.0/16 or 172.16.0.0/16",
                )
        pod = ipaddress.IPv4Network(DEFAULT_POD_CIDR)
        if service.overlaps(pod):
            out.error(
                "cluster.service_cidr",
                f"service CIDR {service} overlaps the pod CIDR {pod}",
                "use a range outside 10.244.0.0/16, e.g. 10.0.0.0/16",
            )
        for where, vnet in _vnets(spec):
            if vnet is not None and service.overlaps(vnet):
                hint = "" if operator_set else " (every default candidate overlaps a VNet)"
                out.error(
                    "cluster.service_cidr",
                    f"service CIDR {service}{hint} overlaps {where} {vnet}; cluster service IPs "
                    "must not collide with any reachable network",
                    "set cluster.service_cidr to a range outside every VNet, e.g. 172.16.0.0/16",
                )

    dns = attr(cluster, "dns_service_ip")
    if dns is None:
        return
    try:
        ip = ipaddress.ip_address(dns) if isinstance(dns, str) else None
    except ValueError:
        ip = None
    if not isinstance(ip, ipaddress.IPv4Address):
        out.error(
            "cluster.dns_service_ip",
            f"DNS service IP {dns!r} is not an IPv4 address",
            "use the .10 address of the service CIDR, e.g. 10.0.0.10",
        )
        return
    if service is None:
        return
    suggestion = str(service.network_address + 10) if service.num_addresses > 11 else ""
    fix = f"use {suggestion}" if suggestion else "use an address inside the service CIDR"
    if ip not in service:
        extra = "" if operator_set else " (the service CIDR was operator_set for you; set both)"
        out.error(
            "cluster.dns_service_ip",
            f"DNS service IP {ip} is outside the service CIDR {service}{extra}",
            fix,
        )
    elif ip in (service.network_address, service.network_address + 1, service.broadcast_address):
        which = {
            service.network_address: "the network address",
            service.network_address + 1: "the first address (the Kubernetes API service's)",
            service.broadcast_address: "the last address",
        }[ip]
        out.error(
            "cluster.dns_service_ip",
            f"DNS service IP {ip} is {which} of {service}; AKS rejects it",
            fix,
        )


def _vnets(spec: Any) -> list[tuple[str, Net | None]]:
    """The parsed VNet address spaces (without reporting; the network checks report)."""
    found: list[tuple[str, Net | None]] = []
    for where, value in (
        ("network.vnet.address_space", attr(spec, "network", "vnet", "address_space")),
        ("hub.vnet.address_space", attr(spec, "hub", "vnet", "address_space")),
    ):
        if value is None:
            continue
        try:
            net = ipaddress.ip_network(value, strict=False) if isinstance(value, str) else None
        except ValueError:
            net = None
        found.append((where, net if isinstance(net, ipaddress.IPv4Network) else None))
    return found


def check_network(spec: Any, out: Out) -> None:
    network = attr(spec, "network")
    if network is None:
        return
    vnet_name = attr(network, "vnet", "name")
    out.name("network.vnet.name", vnet_name, naming.VIRTUAL_NETWORK)
    vnet = _address_space(out, "network.vnet.address_space", attr(network, "vnet", "address_space"))

    subnets: list[tuple[str, str, Any]] = [
        ("network.aks_subnet", "node subnet", attr(network, "aks_subnet")),
        ("network.acr_subnet", "registry subnet", attr(network, "acr_subnet")),
        ("network.apiserver_subnet", "API server subnet", attr(network, "apiserver_subnet")),
    ]
    if subnets[0][2] is None:
        out.error("network.aks_subnet", "network.aks_subnet is missing", "add aks_subnet")
    parsed: list[tuple[str, str, Net]] = []
    names: dict[str, str] = {}
    for where, what, subnet in subnets:
        if subnet is None:
            continue
        name = attr(subnet, "name")
        out.name(f"{where}.name", name, naming.SUBNET)
        if isinstance(name, str):
            reserved = naming.RESERVED_SUBNET_NAMES.get(name.lower())
            short = where.rpartition(".")[2].removesuffix("_subnet")
            if reserved:
                out.error(
                    f"{where}.name",
                    f"subnet name {name!r} is reserved for {reserved}",
                    f"use another name, e.g. snet-{short}",
                )
            if name.lower() in names:
                out.error(
                    f"{where}.name",
                    f"subnet name {name!r} is already used by {names[name.lower()]}; one VNet "
                    "cannot hold two subnets of the same name",
                    "give each subnet its own name",
                )
            names.setdefault(name.lower(), where)
        net = out.cidr(f"{where}.prefix", attr(subnet, "prefix"), f"{what} prefix")
        if net is None:
            continue
        parsed.append((where, what, net))
        if net.prefixlen > SMALLEST_SUBNET:
            out.error(
                f"{where}.prefix",
                f"{what} {net} is smaller than Azure's smallest subnet (/29)",
                "use a /29 or larger",
            )
        if vnet is not None and not net.subnet_of(vnet):
            out.error(
                f"{where}.prefix",
                f"{what} {net} is not inside the VNet's address space {vnet}",
                f"pick a range inside {vnet}",
            )
        if where == "network.apiserver_subnet" and net.prefixlen > APISERVER_SUBNET_LARGEST_PREFIX:
            out.error(
                f"{where}.prefix",
                f"the API server subnet {net} is smaller than /28",
                f"use a /28 or larger, e.g. {net.supernet(new_prefix=28)}",
            )
        if where == "network.aks_subnet":
            check_node_capacity(spec, out, net)

    for i, (where_a, what_a, a) in enumerate(parsed):
        for where_b, what_b, b in parsed[i + 1 :]:
            if a.overlaps(b):
                out.error(
                    f"{where_b}.prefix",
                    f"{what_b} {b} overlaps the {what_a} {a} ({where_a}.prefix)",
                    "give every subnet its own, non-overlapping range",
                )


def _address_space(out: Out, where: str, value: Any) -> Net | None:
    net = out.cidr(where, value, "address space")
    if net is None:
        return None
    for refused, why in AZURE_REFUSED:
        if net.overlaps(refused):
            out.error(
                where,
                f"address space {net} overlaps {refused} ({why}), which Azure does not allow "
                "in a VNet",
                "use a private range, e.g. 10.10.0.0/16 or 192.168.0.0/16",
            )
            return net
    for reserved in AKS_RESERVED:
        if net.overlaps(reserved):
            out.warning(
                where,
                f"address space {net} overlaps {reserved}, which AKS reserves",
                "use another private range, e.g. 10.10.0.0/16",
            )
    pod = ipaddress.IPv4Network(DEFAULT_POD_CIDR)
    if net.overlaps(pod):
        out.error(
            where,
            f"address space {net} overlaps the cluster's pod CIDR {pod} (Azure CNI Overlay); "
            "pod traffic to it would be misrouted",
            "use a range outside 10.244.0.0/16, e.g. 10.10.0.0/16",
        )
    if not any(net.subnet_of(private) for private in PRIVATE_RANGES):
        out.warning(
            where,
            f"address space {net} is not a private (RFC 1918) range; addresses in it become "
            "unreachable on the internet from this VNet",
            "use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 ranges",
        )
    return net


def check_node_capacity(spec: Any, out: Out, net: Net) -> None:
    count = attr(spec, "cluster", "node_count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        return
    usable = max(net.num_addresses - AZURE_RESERVED_PER_SUBNET, 0)
    needed = count + 1
    if same(attr(spec, "api_server"), ApiServerMode.PRIVATE_LINK):
        needed += 1  # the API server's private endpoint lives in the node subnet
    if usable < needed:
        out.error(
            "network.aks_subnet.prefix",
            f"node subnet {net} has {usable} usable addresses; {count} nodes need {needed} "
            "(each node, one surge node for upgrades, the API server's private endpoint)",
            f"use a /{_prefix_for(needed)} or larger",
        )
    elif usable < count * (PODS_PER_NODE_CNI + 1):
        out.info(
            "network.aks_subnet.prefix",
            f"node subnet {net} ({usable} usable addresses) is enough with Azure CNI Overlay, "
            f"but not for {count} nodes with pod IPs from the subnet "
            f"({count} x {PODS_PER_NODE_CNI + 1} = {count * (PODS_PER_NODE_CNI + 1)})",
            "nothing to do for Overlay; use a larger subnet if you plan pod IPs from the subnet",
        )


def _prefix_for(addresses: int) -> int:
    """The longest prefix whose subnet still has `addresses` usable addresses."""
    prefix = SMALLEST_SUBNET
    while prefix > 2 and 2 ** (32 - prefix) - AZURE_RESERVED_PER_SUBNET < addresses:
        prefix -= 1
    return prefix


def check_hub(spec: Any, out: Out) -> None:
    hub = attr(spec, "hub")
    if hub is None:
        return
    network = attr(spec, "network")
    if network is None:
        out.error(
            "hub",
            "a hub firewall needs your own VNet to peer with and route through, but `network` "
            "is not set",
            "add network (vnet, aks_subnet, ...), or remove `hub`",
        )
    hub_rg = attr(hub, "resource_group")
    if hub_rg is not None:
        out.name("hub.resource_group", hub_rg, naming.RESOURCE_GROUP)
    name = attr(hub, "vnet", "name")
    out.name("hub.vnet.name", name, naming.VIRTUAL_NETWORK)
    spoke_name = attr(network, "vnet", "name")
    same_rg = (
        str(hub_rg or attr(spec, "resource_group")).lower()
        == str(attr(spec, "resource_group")).lower()
    )
    if (
        same_rg
        and isinstance(name, str)
        and isinstance(spoke_name, str)
        and name.lower() == spoke_name.lower()
    ):
        out.error(
            "hub.vnet.name",
            f"the hub VNet and the cluster VNet are both called {name!r} in the same "
            "resource group: they would be one VNet",
            "give the hub VNet its own name, e.g. vnet-hub",
        )
    hub_net = _address_space(out, "hub.vnet.address_space", attr(hub, "vnet", "address_space"))
    spoke_net = dict(_vnets(spec)).get("network.vnet.address_space")
    if hub_net is not None and spoke_net is not None and hub_net.overlaps(spoke_net):
        out.error(
            "hub.vnet.address_space",
            f"hub address space {hub_net} overlaps the cluster VNet {spoke_net}; peered VNets "
            "must not overlap",
            "use separate ranges, e.g. 10.0.0.0/22 for the hub and 192.168.0.0/16 for the cluster",
        )

    fw = out.cidr(
        "hub.firewall_subnet_prefix", attr(hub, "firewall_subnet_prefix"), "firewall subnet prefix"
    )
    if fw is not None:
        if fw.prefixlen > FIREWALL_SUBNET_LARGEST_PREFIX:
            out.error(
                "hub.firewall_subnet_prefix",
                f"AzureFirewallSubnet {fw} is smaller than /26",
                f"use a /26, e.g. {fw.supernet(new_prefix=26)}",
            )
        if hub_net is not None and not fw.subnet_of(hub_net):
            out.error(
                "hub.firewall_subnet_prefix",
                f"AzureFirewallSubnet {fw} is not inside the hub address space {hub_net}",
                f"pick a /26 inside {hub_net}",
            )
    fw_name = attr(hub, "firewall_name")
    if fw_name is not None:
        out.name("hub.firewall_name", fw_name, naming.FIREWALL)
    check_fqdns(out, attr(hub, "allow_fqdns"))


def check_fqdns(out: Out, fqdns: Any) -> None:
    if fqdns is None:
        return
    if not isinstance(fqdns, list):
        out.error("hub.allow_fqdns", f"allow_fqdns {fqdns!r} is not a list", "write a YAML list")
        return
    seen: set[str] = set()
    for index, fqdn in enumerate(fqdns):
        where = f"hub.allow_fqdns[{index}]"
        if not isinstance(fqdn, str):
            out.error(where, f"{fqdn!r} is not an FQDN", "write a host name, e.g. auth.docker.io")
            continue
        if fqdn == "*":
            out.warning(
                where,
                "'*' allows egress to every FQDN: the cluster is no longer isolated",
                "list the FQDNs the workloads need, e.g. auth.docker.io",
            )
            continue
        host = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", fqdn).split("/")[0].split(":")[0]
        host = host.strip().rstrip(".")
        if host != fqdn:
            out.error(
                where,
                f"{fqdn!r} is not a bare FQDN (no scheme, path, port, spaces or trailing dot)",
                f"use {host!r}" if host else "write a host name, e.g. auth.docker.io",
            )
            continue
        labels = fqdn.split(".")
        if labels[0] == "*":
            labels = labels[1:]
        if (
            len(fqdn) > 253
            or len(labels) < 2
            or not all(DNS_LABEL.fullmatch(label) for label in labels)
        ):
            out.error(
                where,
                f"{fqdn!r} is not a valid FQDN or wildcard (a leading '*.' is the only wildcard)",
                "use a host name like registry-1.docker.io or a wildcard like *.docker.io",
            )
            continue
        if fqdn.lower() in seen:
            out.warning(where, f"{fqdn!r} is listed twice", "remove the duplicate")
        seen.add(fqdn.lower())
        if fqdn.lower() in AKS_REQUIRED_FQDNS:
            out.info(where, f"{fqdn!r} is already allowed for AKS itself", "you may remove it")
