"""Does this cluster have a working network path to X? The emulator's honest answer.

Pure functions over a cluster resource and a read-only `Lookup` of the store. The run-command
simulator asks them whether nodes can bootstrap and whether an image pulls; the answers follow
the resources the user really created:

* **Egress** (`egress_verdict`): outbound `block` blocks everything (even nodes with public IPs:
  AKS enforces it on the managed VNet itself). Otherwise a node public IP gives egress. On a
  custom node subnet a `0.0.0.0/0` route wins: next hop `VirtualAppliance` must be the private
  IP of an Azure Firewall whose VNet is the node VNet or peered with it both ways with forwarded
  traffic allowed, and whose rules allow the FQDN (network rules first, then application rules,
  by priority; default deny); next hop `None` drops. Without such a route, `loadBalancer` and
  the NAT gateway types have egress, `userDefinedRouting` has none, and `none` has none unless
  the subnet explicitly keeps `defaultOutboundAccess: true` (Azure's legacy implicit egress;
  an unset value counts as a private subnet, the default for new VNets since 2025).
* **Cache path** (`cache_path_missing`): the BYO registry is Premium, has a cache rule for
  `mcr.microsoft.com/*`, has an approved private endpoint in a VNet reachable from the nodes,
  `privatelink.azurecr.io` is linked to the VNet that resolves the nodes' DNS (the node VNet,
  or the hub when its DNS servers point at a firewall DNS proxy) with both A records pointing
  at the endpoint's IPs, and the kubelet identity holds AcrPull (or anonymous pull is on).
  An AKS-managed registry (Cache without a registry id) is complete by construction.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from aksiso_tui.netpath.aks_lookup import (
    ACR_PULL,
    ACR_PUSH,
    CONTRIBUTOR,
    OWNER,
    Json,
    Lookup,
    has_role,
    identity_principal,
    last_segment,
    props,
    same_id,
    subnet_networks,
    vnet_of_subnet,
    vnets_connected,
)

FIREWALLS = "Microsoft.Network/azureFirewalls"
RULE_COLLECTION_GROUPS = "Microsoft.Network/firewallPolicies/ruleCollectionGroups"
PRIVATE_ENDPOINTS = "Microsoft.Network/privateEndpoints"
DNS_ZONES = "Microsoft.Network/privateDnsZones"
DNS_LINKS = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
A_RECORDS = "Microsoft.Network/privateDnsZones/A"
REGISTRIES = "Microsoft.ContainerRegistry/registries"
CACHE_RULES = "Microsoft.ContainerRegistry/registries/cacheRules"
ACR_ZONE = "privatelink.azurecr.io"

DOCKER_HUB_FQDNS = ("registry-1.docker.io", "auth.docker.io")
CACHE_TARGETS = ("aks-managed-repository/*", "*")
PULL_ROLES = frozenset({ACR_PULL, ACR_PUSH, CONTRIBUTOR, OWNER})

# What the firewall FQDN tag `AzureKubernetesService` covers (AKS outbound rules docs).
AKS_TAG_FQDNS = (
    "mcr.microsoft.com",
    "*.data.mcr.microsoft.com",
    "mcr-0001.mcr-msedge.net",
    "management.azure.com",
    "login.microsoftonline.com",
    "packages.microsoft.com",
    "acs-mirror.azureedge.net",
    "packages.aks.azure.com",
    "*.hcp.*.azmk8s.io",
)


@dataclass(frozen=True)
class PullResult:
    """Whether an image pulls, and why (or why not) in one sentence."""

    ok: bool
    reason: str


def region_of(resource: Json | None) -> str:
    """A resource's location as ARM spells region names (`swedencentral`)."""
    return str((resource or {}).get("location") or "").replace(" ", "").lower()


def artifact_source(cluster: Json) -> str:
    """The cluster's bootstrapProfile.artifactSource (`Direct` when unset)."""
    source = (props(cluster).get("bootstrapProfile") or {}).get("artifactSource") or "Direct"
    return "Cache" if str(source).lower() == "cache" else "Direct"


def outbound_type(cluster: Json) -> str:
    """The cluster's outbound type, lower-cased (`loadbalancer` when unset)."""
    return str((props(cluster).get("networkProfile") or {}).get("outboundType") or "loadBalancer")


def _pool(cluster: Json, pool: str | None) -> Json:
    pools = list(props(cluster).get("agentPoolProfiles") or [])
    if pool:
        for entry in pools:
            if str(entry.get("name", "")).lower() == pool.lower():
                return dict(entry)
    return dict(pools[0]) if pools else {}


def node_vnet(cluster: Json, pool: str | None = None) -> str | None:
    """The VNet of the (first, or named) pool's subnet; None for an AKS-managed VNet."""
    sid = _pool(cluster, pool).get("vnetSubnetID")
    return vnet_of_subnet(str(sid)) if sid else None


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


def fqdn_matches(pattern: str, fqdn: str) -> bool:
    """Azure Firewall FQDN matching: exact, `*` or a leading `*.` wildcard."""
    pattern, fqdn = pattern.strip().lower().rstrip("."), fqdn.lower().rstrip(".")
    if pattern == "*":
        return True
    if "*" in pattern:
        return fnmatchcase(fqdn, pattern)
    return pattern == fqdn


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
    profile = _pool(cluster, pool)
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


def firewall_with_ip(lookup: Lookup, ip: str) -> Json | None:
    """The Azure Firewall whose private IP is `ip`."""
    for firewall in lookup.list_by_type(FIREWALLS):
        p = props(firewall)
        for config in p.get("ipConfigurations") or []:
            if props(config).get("privateIPAddress") == ip:
                return firewall
        if (p.get("hubIPAddresses") or {}).get("privateIPAddress") == ip:
            return firewall
    return None


def firewall_vnet(firewall: Json) -> str | None:
    for config in props(firewall).get("ipConfigurations") or []:
        sid = (props(config).get("subnet") or {}).get("id")
        if sid:
            return vnet_of_subnet(str(sid))
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


def firewall_collections(lookup: Lookup, firewall: Json) -> tuple[list[Json], bool]:
    """All filter rule collections (policy first, then classic), ordered by priority."""
    ordered: list[tuple[int, int, Json]] = []
    dns_proxy = bool((props(firewall).get("dnsSettings") or {}).get("enableProxy"))
    policy_id = (props(firewall).get("firewallPolicy") or {}).get("id")
    policies: list[str] = []
    while policy_id and len(policies) < 5:
        policies.insert(0, str(policy_id))
        policy_id = (props(lookup.get(str(policy_id))).get("basePolicy") or {}).get("id")
    for tier, pid in enumerate(policies):
        policy = lookup.get(pid)
        dns_proxy = dns_proxy or bool((props(policy).get("dnsSettings") or {}).get("enableProxy"))
        for group in lookup.list_by_type(RULE_COLLECTION_GROUPS, scope=pid):
            gprio = int(props(group).get("priority") or 0) + tier * 100000
            for coll in props(group).get("ruleCollections") or []:
                ordered.append((gprio, int(coll.get("priority") or 0), coll))
    for key, kind in (
        ("networkRuleCollections", "NetworkRule"),
        ("applicationRuleCollections", ""),
    ):
        for coll in props(firewall).get(key) or []:
            cp = props(coll)
            rules = [
                dict(r, ruleType=r.get("ruleType") or kind or "ApplicationRule")
                for r in cp.get("rules") or []
            ]
            classic = {"action": cp.get("action"), "rules": rules}
            ordered.append((10**7, int(cp.get("priority") or 0), classic))
    ordered.sort(key=lambda item: (item[0], item[1]))
    return [coll for _, _, coll in ordered], dns_proxy


def firewall_decision(lookup: Lookup, firewall: Json, fqdn: str, sources: list[Any]) -> str:
    """`allow` or `deny` for HTTPS to `fqdn` from `sources`; network rules before application."""
    collections, dns_proxy = firewall_collections(lookup, firewall)
    for wanted in ("networkrule", "applicationrule"):
        for coll in collections:
            action = str((coll.get("action") or {}).get("type") or "Allow").lower()
            for rule in coll.get("rules") or []:
                kind = str(rule.get("ruleType") or "").lower()
                if kind != wanted or not _source_matches(rule, sources):
                    continue
                hit = (
                    _network_rule_hits(rule, fqdn, dns_proxy)
                    if wanted == "networkrule"
                    else _application_rule_hits(rule, fqdn)
                )
                if hit:
                    return "allow" if action == "allow" else "deny"
    return "deny"


def _source_matches(rule: Json, sources: list[Any]) -> bool:
    addresses = [str(a) for a in rule.get("sourceAddresses") or []]
    if not addresses:
        return True  # IP groups or no source: not narrowed here
    for address in addresses:
        if address.strip() in ("*", "0.0.0.0/0", "Any"):
            return True
        try:
            allowed = ipaddress.ip_network(address.strip(), strict=False)
        except ValueError:
            continue
        if any(n.version == allowed.version and n.subnet_of(allowed) for n in sources):
            return True
    return False


def _port_443(ports: list[Any]) -> bool:
    for port in ports:
        text = str(port).strip()
        if text == "*" or text == "443":
            return True
        if "-" in text:
            low, _, high = text.partition("-")
            if low.isdigit() and high.isdigit() and int(low) <= 443 <= int(high):
                return True
    return False


def _network_rule_hits(rule: Json, fqdn: str, dns_proxy: bool) -> bool:
    protocols = [str(p).lower() for p in rule.get("ipProtocols") or rule.get("protocols") or []]
    if protocols and not ({"tcp", "any"} & set(protocols)):
        return False
    if not _port_443(list(rule.get("destinationPorts") or [])):
        return False
    addresses = [str(a).strip() for a in rule.get("destinationAddresses") or []]
    if any(a in ("*", "0.0.0.0/0", "Internet") for a in addresses):
        return True
    fqdns = rule.get("destinationFqdns") or []
    return dns_proxy and any(fqdn_matches(str(p), fqdn) for p in fqdns)


def _application_rule_hits(rule: Json, fqdn: str) -> bool:
    protocols = rule.get("protocols") or []
    if protocols and not any(
        str(p.get("protocolType", "")).lower() == "https" or int(p.get("port") or 0) == 443
        for p in protocols
    ):
        return False
    if any(fqdn_matches(str(p), fqdn) for p in rule.get("targetFqdns") or []):
        return True
    tags = [str(t).lower() for t in rule.get("fqdnTags") or []]
    return "azurekubernetesservice" in tags and any(fqdn_matches(p, fqdn) for p in AKS_TAG_FQDNS)


# --- private registry path ------------------------------------------------------------------


def endpoint_ips(lookup: Lookup, endpoint: Json, registry: Json) -> dict[str, str]:
    """requiredMemberName -> private IP for a registry private endpoint."""
    ips: dict[str, str] = {}
    for ref in props(endpoint).get("networkInterfaces") or []:
        nic = lookup.get(str(ref.get("id", ""))) if ref.get("id") else None
        for config in props(nic).get("ipConfigurations") or []:
            cp = props(config)
            member = (cp.get("privateLinkConnectionProperties") or {}).get("requiredMemberName")
            if member and cp.get("privateIPAddress"):
                ips[str(member).lower()] = str(cp["privateIPAddress"])
    if not ips:
        name = str(registry.get("name", "")).lower()
        region = region_of(registry)
        for config in props(endpoint).get("customDnsConfigs") or []:
            fqdn = str(config.get("fqdn", "")).lower()
            addresses = config.get("ipAddresses") or []
            if not addresses:
                continue
            if fqdn == f"{name}.azurecr.io":
                ips["registry"] = str(addresses[0])
            elif fqdn == f"{name}.{region}.data.azurecr.io":
                ips[f"registry_data_{region}"] = str(addresses[0])
    return ips


def _connection_approved(endpoint: Json, registry_id: str) -> bool | None:
    """True/False for a connection to the registry (approved or not); None when none exists."""
    p = props(endpoint)
    found: bool | None = None
    for key in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
        for conn in p.get(key) or []:
            cp = props(conn)
            if not same_id(cp.get("privateLinkServiceId"), registry_id):
                continue
            groups = [str(g).lower() for g in cp.get("groupIds") or ["registry"]]
            if "registry" not in groups:
                continue
            status = (cp.get("privateLinkServiceConnectionState") or {}).get("status")
            approved = status is None if key.startswith("private") else False
            approved = approved or str(status or "").lower() == "approved"
            found = bool(found) or approved
    return found


def registry_endpoint(lookup: Lookup, registry: Json, vnet: str) -> tuple[Json | None, str]:
    """The approved private endpoint of `registry` reachable from `vnet`, or (None, why)."""
    registry_id = str(registry.get("id", ""))
    seen_elsewhere = False
    pending = False
    for endpoint in lookup.list_by_type(PRIVATE_ENDPOINTS):
        approved = _connection_approved(endpoint, registry_id)
        if approved is None:
            continue
        if not approved:
            pending = True
            continue
        sid = (props(endpoint).get("subnet") or {}).get("id")
        if sid and vnets_connected(lookup, vnet, vnet_of_subnet(str(sid))):
            return endpoint, ""
        seen_elsewhere = True
    if seen_elsewhere:
        return None, "the registry's private endpoint is in a VNet the nodes cannot reach"
    if pending:
        return None, "the registry's private endpoint connection is not approved"
    return None, "the registry has no private endpoint (group 'registry')"


def resolving_vnet(lookup: Lookup, vnet: str) -> str:
    """The VNet whose private DNS links answer the nodes' queries."""
    servers = (props(lookup.get(vnet)).get("dhcpOptions") or {}).get("dnsServers") or []
    for server in servers:
        firewall = firewall_with_ip(lookup, str(server))
        fw_vnet = firewall_vnet(firewall) if firewall else None
        if fw_vnet and vnets_connected(lookup, vnet, fw_vnet):
            return fw_vnet
    return vnet


def resolve_private(lookup: Lookup, vnet: str, zone_name: str, record: str) -> list[str] | None:
    """The A-record IPs of `record` in `zone_name` as seen from `vnet`.

    None when no zone of that name is linked to the resolving VNet (public DNS answers).
    """
    where = resolving_vnet(lookup, vnet)
    for zone in lookup.list_by_type(DNS_ZONES):
        if str(zone.get("name", "")).lower() != zone_name:
            continue
        zone_id = str(zone.get("id", ""))
        links = lookup.list_by_type(DNS_LINKS, scope=zone_id)
        if not any(same_id((props(x).get("virtualNetwork") or {}).get("id"), where) for x in links):
            continue
        for record_set in lookup.list_by_type(A_RECORDS, scope=zone_id):
            if last_segment(str(record_set.get("id", ""))).lower() == record.lower():
                rp = props(record_set)
                return [str(a.get("ipv4Address")) for a in rp.get("aRecords") or []]
        return []
    return None


def kubelet_principal(lookup: Lookup, cluster: Json) -> str | None:
    """The principal (object) id of the cluster's kubelet identity."""
    kubelet = (props(cluster).get("identityProfile") or {}).get("kubeletidentity") or {}
    principal = identity_principal(lookup, kubelet.get("resourceId"))
    return principal or (str(kubelet["objectId"]) if kubelet.get("objectId") else None)


@dataclass(frozen=True)
class PathProblem:
    """One missing or wrong piece of the private registry path.

    `code` names the piece (`registry`, `sku`, `cache_rule`, `cache_rule_target`, `managed_vnet`,
    `private_endpoint`, `dns_link`, `dns_record`, `dns_record_ip`, `acr_pull`) so callers can
    attach advice; `message` is the sentence the emulator and the audit show.
    """

    code: str
    message: str
    record: str = ""
    """For DNS problems: the record set name (`<registry>` or `<registry>.<region>.data`)."""


def private_registry_problems(lookup: Lookup, cluster: Json, registry: Json) -> list[PathProblem]:
    """What stops the nodes from pulling from `registry` over its private endpoint."""
    name = str(registry.get("name", "")).lower()
    vnet = node_vnet(cluster)
    if vnet is None:
        return [
            PathProblem(
                "managed_vnet",
                f"the cluster uses an AKS-managed VNet: registry '{name}' has no private path",
            )
        ]
    problems: list[PathProblem] = []
    endpoint, why = registry_endpoint(lookup, registry, vnet)
    if endpoint is None:
        problems.append(PathProblem("private_endpoint", why))
    region = region_of(registry)
    ips = endpoint_ips(lookup, endpoint, registry) if endpoint else {}
    for record, member in (
        (name, "registry"),
        (f"{name}.{region}.data", f"registry_data_{region}"),
    ):
        answer = resolve_private(lookup, vnet, ACR_ZONE, record)
        if answer is None:
            problems.append(
                PathProblem(
                    "dns_link", f"private DNS zone {ACR_ZONE} is not linked to the cluster VNet"
                )
            )
            break
        if not answer:
            problems.append(
                PathProblem("dns_record", f"A record '{record}' is missing in {ACR_ZONE}", record)
            )
            continue
        expected = ips.get(member)
        if expected and expected not in answer:
            problems.append(
                PathProblem(
                    "dns_record_ip",
                    f"A record '{record}' points to {', '.join(answer)} but the private "
                    f"endpoint's '{member}' IP is {expected}",
                    record,
                )
            )
    if not props(registry).get("anonymousPullEnabled"):
        principal = kubelet_principal(lookup, cluster)
        if not has_role(lookup, principal, PULL_ROLES, str(registry.get("id", ""))):
            problems.append(
                PathProblem("acr_pull", f"the kubelet identity has no AcrPull on registry '{name}'")
            )
    return problems


def private_registry_missing(lookup: Lookup, cluster: Json, registry: Json) -> list[str]:
    """The messages of `private_registry_problems`."""
    return [p.message for p in private_registry_problems(lookup, cluster, registry)]


def cache_path_problems(
    cluster: Json, lookup: Lookup, registry_id: str | None = None
) -> list[PathProblem]:
    """What is missing for nodes to pull MCR content through the cache registry ([] = complete)."""
    registry_id = registry_id or (props(cluster).get("bootstrapProfile") or {}).get(
        "containerRegistryId"
    )
    if not registry_id:
        return []  # AKS-managed registry: AKS builds and reconciles the whole path
    registry = lookup.get(str(registry_id))
    if registry is None:
        return [
            PathProblem("registry", f"registry '{last_segment(str(registry_id))}' does not exist")
        ]
    problems: list[PathProblem] = []
    if str((registry.get("sku") or {}).get("name", "")).lower() != "premium":
        problems.append(PathProblem("sku", f"registry '{registry.get('name')}' is not Premium"))
    rules = lookup.list_by_type(CACHE_RULES, scope=str(registry.get("id")))
    mcr = [r for r in rules if str(props(r).get("sourceRepository", "")) == "mcr.microsoft.com/*"]
    if not mcr:
        problems.append(
            PathProblem("cache_rule", "no cache rule with source 'mcr.microsoft.com/*'")
        )
    elif not any(str(props(r).get("targetRepository", "")) in CACHE_TARGETS for r in mcr):
        problems.append(
            PathProblem(
                "cache_rule_target",
                "the mcr.microsoft.com/* cache rule targets neither 'aks-managed-repository/*' "
                "nor '*'",
            )
        )
    return problems + private_registry_problems(lookup, cluster, registry)


def cache_path_missing(cluster: Json, lookup: Lookup, registry_id: str | None = None) -> list[str]:
    """What is missing for nodes to pull MCR content through the cache registry ([] = complete)."""
    return [p.message for p in cache_path_problems(cluster, lookup, registry_id)]


# --- what a firewall lets out ---------------------------------------------------------------


def firewall_allowed_destinations(lookup: Lookup, firewall: Json, sources: list[Any]) -> list[str]:
    """What the firewall's allow rules open for `sources`, one readable entry per destination.

    Application rules list their FQDNs (`registry-1.docker.io`) and FQDN tags
    (`FQDN tag AzureKubernetesService`); network rules list `address:ports/protocols`. Deny
    collections are not subtracted: this is what the rules say is allowed, for a reviewer.
    """
    collections, dns_proxy = firewall_collections(lookup, firewall)
    found: list[str] = []
    for coll in collections:
        if str((coll.get("action") or {}).get("type") or "Allow").lower() != "allow":
            continue
        for rule in coll.get("rules") or []:
            if not _source_matches(rule, sources):
                continue
            kind = str(rule.get("ruleType") or "").lower()
            if kind == "applicationrule":
                found.extend(str(f).strip() for f in rule.get("targetFqdns") or [])
                found.extend(f"FQDN tag {t}" for t in rule.get("fqdnTags") or [])
                continue
            ports = ",".join(str(p) for p in rule.get("destinationPorts") or []) or "*"
            protocols = rule.get("ipProtocols") or rule.get("protocols") or []
            proto = ",".join(str(p) for p in protocols) or "Any"
            targets = [str(a) for a in rule.get("destinationAddresses") or []]
            if dns_proxy:
                targets += [str(f) for f in rule.get("destinationFqdns") or []]
            targets += [f"service tag {t}" for t in rule.get("destinationServiceTags") or []]
            found.extend(f"{t}:{ports}/{proto}" for t in targets)
    unique: list[str] = []
    for entry in found:
        if entry and entry not in unique:
            unique.append(entry)
    return unique


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
    "PathProblem",
    "PullResult",
    "cache_path_missing",
    "cache_path_problems",
    "can_bootstrap",
    "egress_allows",
    "egress_verdict",
    "firewall_allowed_destinations",
    "image_registry",
    "pull_image",
]
