"""Azure Firewalls, firewall policies and rule collection groups.

* A firewall's ip configuration must reference a subnet named exactly ``AzureFirewallSubnet`` of
  at least /26 and an existing public IP; ``firewallPolicy.id`` must exist. Side effect: the
  configuration gets the first usable address of that subnet (``x.x.x.4``) as
  ``privateIPAddress``, and the subnet and public IP record the firewall as their user.
* Policies keep ``dnsSettings`` (``enableProxy`` for FQDNs in network rules) and ``sku``.
* Rule collection groups are stored verbatim (priority 100..65000, rule collections with
  ``NetworkRule``/``ApplicationRule`` rules, ``fqdns``, ``fqdnTags``, ``protocols``, ports): the
  cluster's run-command simulator evaluates exactly what the user configured.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aksiso_tui.emulator import netcalc
from aksiso_tui.emulator.errors import bad_request
from aksiso_tui.emulator.providers.network_common import (
    FIREWALL,
    FIREWALL_POLICY,
    FIREWALL_SUBNET_NAME,
    PUBLIC_IP,
    RULE_COLLECTION_GROUP,
    SUBNET,
    check_name,
    new_etag,
    ref,
    release_subnet,
    require,
    subnet_networks,
    use_subnet,
)
from aksiso_tui.emulator.routing import ResourceType, tracked_resource

if TYPE_CHECKING:
    from aksiso_tui.emulator.context import Ctx

Resource = dict[str, Any]
RULE_TYPES = {
    "networkrule": "NetworkRule",
    "applicationrule": "ApplicationRule",
    "natrule": "NatRule",
}


def _put_firewall(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    check_name(FIREWALL, rid)
    res = tracked_resource(rid, body, existing)
    props = res["properties"]
    props.setdefault("sku", {"name": "AZFW_VNet", "tier": "Standard"})
    props.setdefault("threatIntelMode", "Alert")
    policy_id = ref(props.get("firewallPolicy"))
    if policy_id:
        props["firewallPolicy"] = {"id": require(ctx.store, policy_id, rid, FIREWALL_POLICY)["id"]}
    configs = props.get("ipConfigurations") or []
    if not configs:
        raise bad_request(
            f"Azure Firewall {rid} must have an IP configuration.",
            code="AzureFirewallMissingIpConfiguration",
        )
    old_configs = {
        str(c.get("name", "")).lower(): c
        for c in ((existing or {}).get("properties") or {}).get("ipConfigurations") or []
    }
    for i, cfg in enumerate(configs):
        cfg_name = str(cfg.get("name") or f"ipconfig{i + 1}")
        cfg_id = f"{rid}/azureFirewallIpConfigurations/{cfg_name}"
        cp = cfg.setdefault("properties", {})
        pip_id = ref(cp.get("publicIPAddress"))
        if pip_id is None:
            raise bad_request(
                f"IP configuration {cfg_id} of Azure Firewall {rid} must reference a public IP.",
                code="AzureFirewallIpConfigurationMissingPublicIp",
            )
        pip = require(ctx.store, pip_id, rid, PUBLIC_IP)
        cp["publicIPAddress"] = {"id": pip["id"]}
        subnet_id = ref(cp.get("subnet"))
        if i > 0 and subnet_id is None:
            cfg.update(id=cfg_id, name=cfg_name, etag=new_etag())
            continue
        subnet = require(ctx.store, subnet_id, rid, SUBNET)
        _check_firewall_subnet(rid, subnet)
        old = old_configs.get(cfg_name.lower())
        ips = use_subnet(ctx.store, subnet["id"], cfg_id, count=1)
        cp["subnet"] = {"id": subnet["id"]}
        cp["privateIPAddress"] = ((old or {}).get("properties") or {}).get(
            "privateIPAddress"
        ) or ips[0]
        cp["provisioningState"] = "Succeeded"
        cfg.update(id=cfg_id, name=cfg_name, etag=new_etag())
        _mark_public_ip(ctx, pip["id"], cfg_id)
    props.setdefault("networkRuleCollections", [])
    props.setdefault("applicationRuleCollections", [])
    props.setdefault("natRuleCollections", [])
    res["etag"] = new_etag()
    return res


def _mark_public_ip(ctx: Ctx, pip_id: str, cfg_id: str) -> None:
    ctx.update(pip_id, lambda p: p["properties"].update(ipConfiguration={"id": cfg_id}))


def _check_firewall_subnet(rid: str, subnet: Resource) -> None:
    if subnet["name"] != FIREWALL_SUBNET_NAME:
        raise bad_request(
            f"Subnet {subnet['id']} referenced by Azure Firewall {rid} must be named "
            f"'{FIREWALL_SUBNET_NAME}'.",
            code="AzureFirewallSubnetNameInvalid",
        )
    too_small = [
        n
        for n in subnet_networks(subnet)
        if n.version == 4 and n.prefixlen > netcalc.FIREWALL_SUBNET_MAX_PREFIXLEN
    ]
    if too_small:
        raise bad_request(
            f"Subnet {subnet['id']} with address prefix {too_small[0]} is too small for Azure "
            f"Firewall {rid}: {FIREWALL_SUBNET_NAME} must be at least "
            f"/{netcalc.FIREWALL_SUBNET_MAX_PREFIXLEN}.",
            code="AzureFirewallSubnetMustBeAtLeastSize",
        )


def _on_delete_firewall(ctx: Ctx, res: Resource) -> None:
    for cfg in (res.get("properties") or {}).get("ipConfigurations") or []:
        cp = cfg.get("properties") or {}
        release_subnet(ctx.store, ref(cp.get("subnet")), str(cfg.get("id", "")))
        pip_id = ref(cp.get("publicIPAddress"))
        if pip_id and ctx.store.get(pip_id) is not None:
            ctx.update(pip_id, lambda p: p["properties"].pop("ipConfiguration", None))


def firewall_private_ip(firewall: Resource) -> str | None:
    """The firewall's private IP (the next hop for ``0.0.0.0/0`` routes)."""
    for cfg in (firewall.get("properties") or {}).get("ipConfigurations") or []:
        ip = (cfg.get("properties") or {}).get("privateIPAddress")
        if ip:
            return str(ip)
    return None


# -- policies and rule collection groups ----------------------------------------------------
def _put_policy(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    check_name(FIREWALL_POLICY, rid)
    res = tracked_resource(rid, body, existing)
    props = res["properties"]
    props.pop("ruleCollectionGroups", None)
    props.pop("firewalls", None)
    props.setdefault("sku", {"tier": "Standard"})
    props.setdefault("threatIntelMode", "Alert")
    base = ref(props.get("basePolicy"))
    if base:
        props["basePolicy"] = {"id": require(ctx.store, base, rid, FIREWALL_POLICY)["id"]}
    res["etag"] = new_etag()
    return res


def _view_policy(ctx: Ctx, res: Resource) -> Resource:
    out = dict(res)
    props = dict(res.get("properties") or {})
    props["ruleCollectionGroups"] = [
        {"id": r["id"]}
        for r in ctx.store.children(res["id"])
        if r.get("type") == RULE_COLLECTION_GROUP
    ]
    out["properties"] = props
    return out


def _put_rule_collection_group(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None
) -> Resource:
    check_name(RULE_COLLECTION_GROUP, rid)
    props = copy.deepcopy(body.get("properties") or {})
    props.pop("provisioningState", None)
    _check_priority(rid, props.get("priority"))
    names: set[str] = set()
    for coll in props.get("ruleCollections") or []:
        name = str(coll.get("name") or "")
        if not name or name.lower() in names:
            raise bad_request(
                f"Rule collection names in {rid} must be present and unique ('{name}').",
                code="FirewallPolicyRuleCollectionNameNotUnique",
            )
        names.add(name.lower())
        _check_priority(f"{rid} rule collection {name}", coll.get("priority"))
        for rule in coll.get("rules") or []:
            kind = RULE_TYPES.get(str(rule.get("ruleType") or "").lower())
            if kind is None:
                raise bad_request(
                    f"Rule '{rule.get('name')}' in {rid} has an invalid ruleType "
                    f"'{rule.get('ruleType')}'.",
                    code="FirewallPolicyRuleInvalidRuleType",
                )
            rule["ruleType"] = kind
    return {"etag": new_etag(), "properties": props}


def _check_priority(where: str, value: Any) -> None:
    if not isinstance(value, int) or not 100 <= value <= 65000:
        raise bad_request(
            f"The priority of {where} must be an integer between 100 and 65000 (got {value}).",
            code="FirewallPolicyRuleCollectionGroupInvalidPriority",
        )


TYPES = [
    ResourceType(FIREWALL, validate_put=_put_firewall, on_delete=_on_delete_firewall),
    ResourceType(FIREWALL_POLICY, validate_put=_put_policy, view=_view_policy),
    ResourceType(RULE_COLLECTION_GROUP, validate_put=_put_rule_collection_group),
]
