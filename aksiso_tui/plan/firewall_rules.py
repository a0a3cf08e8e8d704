"""The hub firewall's rules: what AKS needs to reach, plus the operator's chosen FQDNs.

Network rules (AZURE_FACTS, "Hub firewall"): NTP UDP 123, DNS UDP 53, `AzureCloud.<region>` on
UDP 1194 and TCP 9000. Application rules: the FQDN tag `AzureKubernetesService` and the FQDNs AKS
documents. The operator's `hub.allow_fqdns` go in a rule collection group of their own, so the
required rules never change when the extra ones do. Writes below one firewall policy are
serialized by ARM, so the second group waits for the first.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import Ctx
from aksiso_tui.plan.model import Area, Step

AKS_FQDNS = (
    "mcr.microsoft.com",
    "*.data.mcr.microsoft.com",
    "management.azure.com",
    "login.microsoftonline.com",
    "packages.microsoft.com",
    "acs-mirror.azureedge.net",
    "packages.aks.azure.com",
)
"""FQDNs AKS nodes need when egress goes through a firewall (AZURE_FACTS, "Hub firewall")."""
DOCKER_HUB = ("auth.docker.io", "registry-1.docker.io")
DOCKER_HUB_CDN = "production.cloudflare.docker.com"
RCG_AKS = "aks-required"
RCG_ALLOWED = "allowed-fqdns"

_POLICY = "--resource-group ${HUB_RESOURCE_GROUP} --policy-name ${FIREWALL_POLICY_NAME}"


def allows_docker_hub(ctx: Ctx) -> bool:
    hub = ctx.spec.hub
    fqdns = {f.lower() for f in hub.allow_fqdns} if hub and ctx.hub else set()
    return all(f in fqdns for f in DOCKER_HUB)


def _network_rule(name: str, protocol: str, destination: str, port: int, src: str) -> dict:
    return {
        "ruleType": "NetworkRule",
        "name": name,
        "ipProtocols": [protocol],
        "sourceAddresses": [src],
        "destinationAddresses": [destination],
        "destinationPorts": [str(port)],
    }


def _app_rule(name: str, src: str, *, tags: tuple[str, ...] = (), fqdns: tuple[str, ...] = ()):
    rule: dict[str, Any] = {
        "ruleType": "ApplicationRule",
        "name": name,
        "sourceAddresses": [src],
        "protocols": [{"protocolType": "Http", "port": 80}, {"protocolType": "Https", "port": 443}],
    }
    if tags:
        rule["fqdnTags"] = list(tags)
    if fqdns:
        rule["targetFqdns"] = list(fqdns)
    return rule


def _collection(name: str, priority: int, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
        "name": name,
        "priority": priority,
        "action": {"type": "Allow"},
        "rules": rules,
    }


def _quote(value: str) -> str:
    return f"'{value}'" if "*" in value else value


def _az_rule(rcg: str, collection: str, rule: dict[str, Any], first: bool, priority: int) -> str:
    src = " ".join(rule["sourceAddresses"])
    if first:
        head = (
            f"az network firewall policy rule-collection-group collection add-filter-collection"
            f" {_POLICY} --rcg-name {rcg} --name {collection} --collection-priority {priority}"
            f" --action Allow --rule-type {rule['ruleType']} --rule-name {rule['name']}"
        )
    else:
        head = (
            f"az network firewall policy rule-collection-group collection rule add {_POLICY}"
            f" --rcg-name {rcg} --collection-name {collection} --rule-type {rule['ruleType']}"
            f" --name {rule['name']}"
        )
    if rule["ruleType"] == "NetworkRule":
        dest = " ".join(_quote(d) for d in rule["destinationAddresses"])
        ports = " ".join(rule["destinationPorts"])
        return (
            f"{head} --ip-protocols {' '.join(rule['ipProtocols'])} --source-addresses {src}"
            f" --destination-addresses {dest} --destination-ports {ports}"
        )
    protocols = " ".join(f"{p['protocolType']}={p['port']}" for p in rule["protocols"])
    tail = f"{head} --source-addresses {src} --protocols {protocols}"
    if rule.get("fqdnTags"):
        tail += " --fqdn-tags " + " ".join(rule["fqdnTags"])
    if rule.get("targetFqdns"):
        tail += " --target-fqdns " + " ".join(_quote(f) for f in rule["targetFqdns"])
    return tail


def _rcg_step(
    ctx: Ctx,
    step_id: str,
    title: str,
    rcg: str,
    priority: int,
    collections: list[dict[str, Any]],
    depends_on: tuple[str, ...],
    note: str,
) -> None:
    az = [
        f"az network firewall policy rule-collection-group create {_POLICY}"
        f" --name {rcg} --priority {priority}"
    ]
    for coll in collections:
        for i, rule in enumerate(coll["rules"]):
            az.append(_az_rule(rcg, coll["name"], rule, i == 0, coll["priority"]))
    ctx.add(
        Step(
            id=step_id,
            title=title,
            kind=kinds.RULE_COLLECTION_GROUP,
            resource_id=ctx.ids.rule_collection_group(ctx.hub_rg, ctx.firewall_policy_name, rcg),
            area=Area.HUB,
            depends_on=depends_on,
            body={"properties": {"priority": priority, "ruleCollections": collections}},
            az=tuple(az),
            estimate_s=estimates.RULE_COLLECTION_GROUP,
            note=note,
        )
    )


def add_rules(ctx: Ctx) -> None:
    hub = ctx.spec.hub
    net = ctx.spec.network
    assert hub is not None and net is not None
    src = net.aks_subnet.prefix
    cloud = f"AzureCloud.{ctx.spec.location}"
    network_rules = [
        _network_rule("ntp", "UDP", "*", 123, src),
        _network_rule("dns", "UDP", "*", 53, src),
        _network_rule("azure-cloud-udp-1194", "UDP", cloud, 1194, src),
        _network_rule("azure-cloud-tcp-9000", "TCP", cloud, 9000, src),
    ]
    app_rules = [
        _app_rule("aks-fqdn-tag", src, tags=("AzureKubernetesService",)),
        _app_rule("aks-fqdns", src, fqdns=AKS_FQDNS),
    ]
    _rcg_step(
        ctx,
        "hub.rules.aks",
        "Allow the egress AKS requires (NTP, DNS, AzureCloud, AKS FQDNs)",
        RCG_AKS,
        200,
        [
            _collection("aks-network", 200, network_rules),
            _collection("aks-application", 300, app_rules),
        ],
        ("hub.firewall",),
        "Rule groups of one policy are written one at a time, after the firewall, so they never "
        "race the firewall's creation on the same policy.",
    )
    if hub.allow_fqdns:
        fqdns = tuple(hub.allow_fqdns)
        _rcg_step(
            ctx,
            "hub.rules.allowed",
            "Allow the extra FQDNs: " + ", ".join(fqdns),
            RCG_ALLOWED,
            300,
            [_collection(RCG_ALLOWED, 400, [_app_rule(RCG_ALLOWED, src, fqdns=fqdns)])],
            ("hub.rules.aks",),
            "Deliberate egress chosen by the operator; everything else stays blocked.",
        )
        lowered = {f.lower() for f in fqdns}
        if all(f in lowered for f in DOCKER_HUB) and DOCKER_HUB_CDN not in lowered:
            ctx.warnings.append(
                f"hub.allow_fqdns allows Docker Hub but not {DOCKER_HUB_CDN}, where Docker Hub "
                "serves image layers: pulls will still fail."
            )
