"""Does this cluster have a working network path to X? The emulator's honest answer.

Pure functions over a cluster resource and a read-only `Lookup` of the store. The run-command
simulator asks them whether nodes can bootstrap and whether an image pulls; the answers follow
the resources the user really created:

* **Egress** (`egress_verdict`): outbound `block` blocks everything (even nodes with public IPs:
  AKS enforces it on the managed VNet itself). Otherwise a node public IP gives egress. On a
  custom node subnet a `0.0.0.0/0` route wins: next hop `VirtualAppliance` must be the private
  IP of an Azure Firewall whose VNet is the node VNet or peered with it both ways with forwarded
  traffic allowed, and whose rules allow the FQDN (`firewall.firewall_decision`); next hop
  `None` drops. Without such a route, `loadBalancer` and the NAT gateway types have egress,
  `userDefinedRouting` has none, and `none` has none unless the subnet explicitly keeps
  `defaultOutboundAccess: true` (Azure's legacy implicit egress; an unset value counts as a
  private subnet, the default for new VNets since 2025).
* **Cache path** (`registry_path.cache_path_missing`): the private path to the BYO registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksiso_tui.netpath.aks_lookup import (
    Json,
    Lookup,
    last_segment,
    props,
    subnet_networks,
    vnet_of_subnet,
    vnets_connected,
)
from aksiso_tui.netpath.cluster import artifact_source, outbound_type, pool_profile, region_of
from aksiso_tui.netpath.firewall import firewall_decision, firewall_vnet, firewall_with_ip
from aksiso_tui.netpath.registry_path import cache_path_missing, private_registry_missing

REGISTRIES = "Microsoft.ContainerRegistry/registries"

DOCKER_HUB_FQDNS = ("registry-1.docker.io", "auth.docker.io")


@dataclass(frozen=True)
class PullResult:
    """Whether an image pulls, and why (or why not) in one sentence."""

    ok: bool
    reason: str


def image_registry(image: str) -> str:
    """The registry host of an image reference (`nginx` -> `docker.io`)."""
    first, sep, _ = image.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first.lower()
    return "docker.io"


def registry_fqdns(host: str, region: str) -> list[str]:
    """The FQDNs a pull from `host` must reach."""
    if host in ("docker.io", "index.docker.io", "registry-1.docker.io"):
        return list(DOCKER_HUB_FQDNS)
    if host == "mcr.microsoft.com":
        return ["mcr.microsoft.com", f"{region or 'eastus'}.data.mcr.microsoft.com"]
    return [host]


# --- egress -------------------------------------------------------------------------------


def egress_allows(cluster: Json, fqdn: str, lookup: Lookup, pool: str | None = None) -> bool:
    """True when traffic from the nodes to `fqdn`:443 reaches the internet."""
    return egress_verdict(cluster, fqdn, lookup, pool)[0]


def egress_verdict(
    cluster: Json, fqdn: str, lookup: Lookup, pool: str | None = None
) -> tuple[bool, str]:
    """(allowed, why) for traffic from the nodes to `fqdn` on 443."""
    outbound = outbound_type(cluster).lower()
    if outbound == "block":
        return False, "outbound type 'block' blocks all egress"
    profile = pool_profile(cluster, pool)
    if profile.get("enableNodePublicIP"):
        return True, "the nodes have public IPs"
    sid = profile.get("vnetSubnetID")
    subnet = lookup.get(str(sid)) if sid else None
    if subnet is not None:
        route = default_route(lookup, subnet)
        if route is not None:
            hop = str(props(route).get("nextHopType", "")).lower()
            if hop == "virtualappliance":
                ip = str(props(route).get("nextHopIpAddress", ""))
                return _through_firewall(lookup, subnet, ip, fqdn)
            if hop == "none":
                return False, "the route 0.0.0.0/0 drops the traffic (next hop None)"
            if hop == "virtualnetworkgateway":
                return False, "the route 0.0.0.0/0 sends the traffic to a VPN gateway"
        if (props(subnet).get("natGateway") or {}).get("id"):
            return True, "the node subnet has a NAT gateway"
    if outbound in ("loadbalancer", "managednatgateway", "userassignednatgateway"):
        return True, f"outbound type '{outbound_type(cluster)}' provides egress"
    if outbound == "none" and subnet is not None and props(subnet).get("defaultOutboundAccess"):
        return True, "the node subnet has default outbound access enabled"
    return False, f"outbound type '{outbound_type(cluster)}' and no route to a firewall"


def default_route(lookup: Lookup, subnet: Json) -> Json | None:
    table_id = (props(subnet).get("routeTable") or {}).get("id")
    if not table_id:
        return None
    table = lookup.get(str(table_id))
    routes = list(props(table).get("routes") or [])
    routes += lookup.list_by_type("Microsoft.Network/routeTables/routes", scope=str(table_id))
    for route in routes:
        if str(props(route).get("addressPrefix", "")).strip() in ("0.0.0.0/0", "Internet"):
            return route
    return None


def _through_firewall(lookup: Lookup, subnet: Json, ip: str, fqdn: str) -> tuple[bool, str]:
    firewall = firewall_with_ip(lookup, ip)
    if firewall is None:
        return False, f"the next hop {ip} of route 0.0.0.0/0 is not an Azure Firewall"
    name = firewall.get("name") or last_segment(str(firewall.get("id", "")))
    fw_vnet = firewall_vnet(firewall)
    here = vnet_of_subnet(str(subnet.get("id", "")))
    if fw_vnet and not vnets_connected(lookup, here, fw_vnet, forwarded=True):
        return False, (
            f"firewall '{name}' is not reachable: its VNet is not peered with the node VNet "
            "both ways with forwarded traffic allowed"
        )
    configs = props(firewall).get("ipConfigurations") or []
    if configs and not any((props(c).get("publicIPAddress") or {}).get("id") for c in configs):
        return False, f"firewall '{name}' has no public IP"
    action = firewall_decision(lookup, firewall, fqdn, subnet_networks(subnet))
    if action == "allow":
        return True, f"firewall '{name}' allows {fqdn}"
    return False, f"firewall '{name}' denies {fqdn}"


# --- what the nodes can do --------------------------------------------------------------------


def bootstrap_fqdns(cluster: Json) -> list[str]:
    """What a node must reach to bootstrap with artifact source Direct."""
    region = region_of(cluster)
    return [
        "mcr.microsoft.com",
        f"{region or 'eastus'}.data.mcr.microsoft.com",
        "packages.aks.azure.com",
        "management.azure.com",
        "login.microsoftonline.com",
    ]


def can_bootstrap(
    cluster: Json, lookup: Lookup, source: str | None = None, pool: str | None = None
) -> tuple[bool, list[str]]:
    """(ok, problems) for a node of `pool` bootstrapping with `source` (default: the cluster's)."""
    source = source or artifact_source(cluster)
    if source.lower() == "cache":
        missing = cache_path_missing(cluster, lookup)
        return not missing, missing
    blocked = [f for f in bootstrap_fqdns(cluster) if not egress_allows(cluster, f, lookup, pool)]
    if blocked:
        why = egress_verdict(cluster, blocked[0], lookup, pool)[1]
        return False, [f"no egress to {', '.join(blocked)} ({why})"]
    return True, []


def pull_image(
    cluster: Json, image: str, lookup: Lookup, source: str | None = None, pool: str | None = None
) -> PullResult:
    """Whether a node of `pool` (bootstrapped with `source`) can pull `image`."""
    source = source or artifact_source(cluster)
    host = image_registry(image)
    region = region_of(cluster)
    cache_problems: list[str] = []
    if host == "mcr.microsoft.com" and source.lower() == "cache":
        cache_problems = cache_path_missing(cluster, lookup)
        if not cache_problems:
            return PullResult(True, "pulled from the cache registry over its private endpoint")
    if host.endswith(".azurecr.io"):
        result = _pull_from_acr(cluster, host, lookup, pool)
        if result is not None:
            return result
    fqdns = registry_fqdns(host, region)
    for fqdn in fqdns:
        allowed, why = egress_verdict(cluster, fqdn, lookup, pool)
        if not allowed:
            reason = cache_problems[0] if cache_problems else why
            return PullResult(False, f"cannot reach {fqdn}: {reason}")
    return PullResult(True, f"pulled from {host} over egress")


def _pull_from_acr(cluster: Json, host: str, lookup: Lookup, pool: str | None) -> PullResult | None:
    for registry in lookup.list_by_type(REGISTRIES):
        login = str(props(registry).get("loginServer") or f"{registry.get('name')}.azurecr.io")
        if login.lower() != host:
            continue
        missing = private_registry_missing(lookup, cluster, registry)
        if not missing:
            return PullResult(True, f"pulled from {host} over its private endpoint")
        public = str(props(registry).get("publicNetworkAccess") or "Enabled").lower()
        data = f"{registry.get('name')}.{region_of(registry)}.data.azurecr.io".lower()
        if public == "enabled" and all(
            egress_allows(cluster, f, lookup, pool) for f in (host, data)
        ):
            return PullResult(True, f"pulled from {host} over egress")
        return PullResult(False, f"cannot pull from {host}: {missing[0]}")
    return None


__all__ = [
    "PullResult",
    "can_bootstrap",
    "egress_allows",
    "egress_verdict",
    "image_registry",
    "pull_image",
]
