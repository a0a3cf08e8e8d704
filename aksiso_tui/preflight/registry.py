"""The bring-your-own registry path as Findings: what pre-flight and the audit say about it.

The path itself (endpoint reachable from the nodes, both A records answering the endpoint's IPs
from the nodes' VNet, zone link, AcrPull) is judged by `aksiso_tui.netpath.registry_path`, the
same code that decides in the emulator whether an image pulls; this module adds what a reviewer
also wants to know (exact cache rule name and target, public access, anonymous pull, hub zone
link) and the fix for each piece.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.findings import Finding, Severity
from aksiso_tui.netpath.aks_lookup import Lookup, last_segment, props, same_id, vnets_connected
from aksiso_tui.netpath.cluster import node_vnet
from aksiso_tui.netpath.firewall import FIREWALLS, firewall_vnet
from aksiso_tui.netpath.registry_path import (
    ACR_ZONE,
    CACHE_RULES,
    DNS_LINKS,
    DNS_ZONES,
    cache_path_problems,
)

Json = dict[str, Any]
CACHE_RULE_NAME = "aks-managed-mcr"
CACHE_SOURCE = "mcr.microsoft.com/*"
CACHE_TARGET = "aks-managed-repository/*"

_FIXES: dict[str, str] = {
    "registry": "Create the registry (Premium) or point bootstrapProfile.containerRegistryId at "
    "an existing one.",
    "sku": "az acr update --name {registry} --sku Premium",
    "cache_rule": f"az acr cache create -r {{registry}} -n {CACHE_RULE_NAME} "
    f'--source-repo "{CACHE_SOURCE}" --target-repo "{CACHE_TARGET}"',
    "cache_rule_target": f"Recreate the rule {CACHE_RULE_NAME} with target {CACHE_TARGET}.",
    "managed_vnet": "Use a custom VNet (BYO registry) or let AKS manage the registry "
    "(artifactSource Cache without a registry id).",
    "private_endpoint": "az network private-endpoint create --group-id registry "
    "--private-connection-resource-id <registry id> in a subnet of the cluster VNet (or a VNet "
    "peered with it), and approve the connection.",
    "dns_link": "az network private-dns link vnet create --zone-name privatelink.azurecr.io "
    "--virtual-network <cluster VNet> --registration-enabled false",
    "dns_record": "az network private-dns record-set a add-record --zone-name "
    "privatelink.azurecr.io --record-set-name {record} --ipv4-address <the endpoint's IP for it>",
    "dns_record_ip": "Point the record at the private endpoint's IP (if another cluster's "
    "registry owns this record, give each registry its own zone link setup).",
    "acr_pull": "az role assignment create --role AcrPull --scope <registry id> "
    "--assignee-object-id <kubelet object id> --assignee-principal-type ServicePrincipal",
}
_CREATED_BY_PLAN = {
    "registry",
    "cache_rule",
    "private_endpoint",
    "dns_link",
    "dns_record",
    "acr_pull",
}
"""Pieces a migrate plan with `registry.mode: byo` creates itself (a warning in pre-flight)."""


def path_findings(
    lookup: Lookup, cluster: Json, registry_id: str, *, plan_creates: bool = False
) -> list[Finding]:
    """Every missing or wrong piece of the registry path, plus the registry's own settings.

    With `plan_creates` (pre-flight of a migrate plan that builds the path) pieces the plan
    creates are warnings ("will be created"); anything the plan cannot fix stays an error.
    """
    name = last_segment(registry_id)
    findings: list[Finding] = []
    for problem in cache_path_problems(cluster, lookup, registry_id):
        fix = _FIXES.get(problem.code, "").format(registry=name, record=problem.record)
        if plan_creates and problem.code in _CREATED_BY_PLAN:
            findings.append(
                Finding(
                    Severity.WARNING,
                    registry_id,
                    f"Registry path: {problem.message}; the plan creates it.",
                    fix,
                )
            )
        else:
            findings.append(
                Finding(Severity.ERROR, registry_id, f"Registry path: {problem.message}.", fix)
            )
    registry = lookup.get(registry_id)
    if registry is not None:
        findings += _registry_settings(lookup, cluster, registry)
    return findings


def _registry_settings(lookup: Lookup, cluster: Json, registry: Json) -> list[Finding]:
    rid = str(registry.get("id"))
    name = str(registry.get("name") or last_segment(rid))
    p = props(registry)
    findings: list[Finding] = []
    if str(p.get("publicNetworkAccess") or "Enabled").lower() == "enabled":
        findings.append(
            Finding(
                Severity.ERROR,
                rid,
                f"Registry {name} accepts connections from the internet (public network access "
                "is enabled); an isolated cluster's registry is reached only through its private "
                "endpoint.",
                f"az acr update --name {name} --public-network-enabled false",
            )
        )
    if p.get("anonymousPullEnabled"):
        findings.append(
            Finding(
                Severity.WARNING,
                rid,
                f"Anonymous pull is enabled on {name}: anyone who can reach the registry can "
                "pull without credentials. Network isolated clusters no longer need it.",
                f"az acr update --name {name} --anonymous-pull-enabled false",
            )
        )
    policy = (p.get("policies") or {}).get("azureADAuthenticationAsArmPolicy") or {}
    if str(policy.get("status", "")).lower() == "disabled":
        findings.append(
            Finding(
                Severity.ERROR,
                rid,
                f"Registry {name} has authentication-as-ARM disabled, which network isolated "
                "clusters do not support.",
                f"az acr config authentication-as-arm update -r {name} --status enabled",
            )
        )
    findings += _cache_rule_name(lookup, registry, name)
    findings += _hub_zone_link(lookup, cluster)
    return findings


def _cache_rule_name(lookup: Lookup, registry: Json, name: str) -> list[Finding]:
    rid = str(registry.get("id"))
    rules = lookup.list_by_type(CACHE_RULES, scope=rid)
    mcr = [r for r in rules if str(props(r).get("sourceRepository", "")) == CACHE_SOURCE]
    if not mcr:
        return []  # reported by the path check
    exact = [
        r for r in mcr if str(r.get("name") or last_segment(str(r.get("id")))) == CACHE_RULE_NAME
    ]
    if not exact:
        other = str(mcr[0].get("name") or last_segment(str(mcr[0].get("id"))))
        return [
            Finding(
                Severity.ERROR,
                str(mcr[0].get("id") or rid),
                f"The {CACHE_SOURCE} cache rule of {name} is named '{other}'; AKS looks for a "
                f"rule named exactly '{CACHE_RULE_NAME}'.",
                f"Delete '{other}' and create '{CACHE_RULE_NAME}' "
                f"(source {CACHE_SOURCE}, target {CACHE_TARGET}).",
            )
        ]
    target = str(props(exact[0]).get("targetRepository", ""))
    if target != CACHE_TARGET:
        return [
            Finding(
                Severity.WARNING,
                str(exact[0].get("id") or rid),
                f"Cache rule {CACHE_RULE_NAME} targets '{target}'; since AKS release 2025-03-16 "
                f"the target is '{CACHE_TARGET}'.",
                f"Recreate {CACHE_RULE_NAME} with target {CACHE_TARGET}.",
            )
        ]
    return []


def _hub_zone_link(lookup: Lookup, cluster: Json) -> list[Finding]:
    """With a hub firewall in the path, the registry zone should be linked to the hub too."""
    vnet = node_vnet(cluster)
    if vnet is None:
        return []
    findings: list[Finding] = []
    for firewall in lookup.list_by_type(FIREWALLS):
        hub = firewall_vnet(firewall)
        if not hub or same_id(hub, vnet) or not vnets_connected(lookup, vnet, hub):
            continue
        linked = any(
            same_id((props(link).get("virtualNetwork") or {}).get("id"), hub)
            for zone in lookup.list_by_type(DNS_ZONES)
            if str(zone.get("name", "")).lower() == ACR_ZONE
            for link in lookup.list_by_type(DNS_LINKS, scope=str(zone.get("id")))
        )
        if not linked:
            findings.append(
                Finding(
                    Severity.WARNING,
                    hub,
                    f"{ACR_ZONE} is not linked to the hub VNet {last_segment(hub)}; "
                    "lookups that go through the hub (a firewall DNS proxy) get public answers.",
                    "Link the zone to the hub VNet as well.",
                )
            )
    return findings
