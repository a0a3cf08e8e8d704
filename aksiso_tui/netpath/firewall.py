"""What an Azure Firewall lets out: its rule collections in the order it evaluates them.

Network rules first, then application rules, by priority (policy, base policies, then classic
collections); default deny. A network rule matches an FQDN only when the firewall proxies DNS.
"""

from __future__ import annotations

import ipaddress
from fnmatch import fnmatchcase
from typing import Any

from aksiso_tui.netpath.aks_lookup import Json, Lookup, props, vnet_of_subnet

FIREWALLS = "Microsoft.Network/azureFirewalls"
RULE_COLLECTION_GROUPS = "Microsoft.Network/firewallPolicies/ruleCollectionGroups"

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


def fqdn_matches(pattern: str, fqdn: str) -> bool:
    """Azure Firewall FQDN matching: exact, `*` or a leading `*.` wildcard."""
    pattern, fqdn = pattern.strip().lower().rstrip("."), fqdn.lower().rstrip(".")
    if pattern == "*":
        return True
    if "*" in pattern:
        return fnmatchcase(fqdn, pattern)
    return pattern == fqdn


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
