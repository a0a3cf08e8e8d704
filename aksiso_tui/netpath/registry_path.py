"""The private registry path: can the nodes pull from a registry over its private endpoint?

The BYO registry is Premium, has a cache rule for `mcr.microsoft.com/*`, has an approved private
endpoint in a VNet reachable from the nodes, `privatelink.azurecr.io` is linked to the VNet that
resolves the nodes' DNS (the node VNet, or the hub when its DNS servers point at a firewall DNS
proxy) with both A records pointing at the endpoint's IPs, and the kubelet identity holds AcrPull
(or anonymous pull is on). An AKS-managed registry (Cache without a registry id) is complete by
construction.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    vnet_of_subnet,
    vnets_connected,
)
from aksiso_tui.netpath.cluster import node_vnet, region_of
from aksiso_tui.netpath.firewall import firewall_vnet, firewall_with_ip

PRIVATE_ENDPOINTS = "Microsoft.Network/privateEndpoints"
DNS_ZONES = "Microsoft.Network/privateDnsZones"
DNS_LINKS = "Microsoft.Network/privateDnsZones/virtualNetworkLinks"
A_RECORDS = "Microsoft.Network/privateDnsZones/A"
CACHE_RULES = "Microsoft.ContainerRegistry/registries/cacheRules"
ACR_ZONE = "privatelink.azurecr.io"

CACHE_TARGETS = ("aks-managed-repository/*", "*")
PULL_ROLES = frozenset({ACR_PULL, ACR_PUSH, CONTRIBUTOR, OWNER})


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
