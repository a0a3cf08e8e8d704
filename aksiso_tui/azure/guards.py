"""Existing resources that must not be overwritten: stop the step with a fix instead.

An ensure PUTs whatever differs, which is right for our own resources and wrong for someone
else's. These checks run before any write, on the resource the GET returned:

- an A record in `privatelink.azurecr.io` (or any zone) pointing at other IPs: typically another
  cluster's registry sharing the zone (AZURE_FACTS "Errors people hit"); overwriting it breaks
  that cluster's pulls;
- a subnet with a different address prefix: resizing an in-use subnet fails in Azure, and
  resizing an empty one may be someone else's plan;
- a VNet whose address space lacks the plan's prefixes (the plan's subnets would not fit);
- a registry whose SKU is not Premium (private endpoints and the cache need Premium; a downgrade
  of someone's registry is never ours to do);
- a role assignment name already used for another principal or role (immutable in Azure).
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.engine import StepError
from aksiso_tui.plan import kinds
from aksiso_tui.plan.model import Step

Json = dict[str, Any]


def _props(res: Json | None) -> Json:
    return (res or {}).get("properties") or {}


def _name(rid: str) -> str:
    return rid.rstrip("/").rsplit("/", 1)[-1]


def _ips(record: Json) -> set[str]:
    return {
        str(a.get("ipv4Address"))
        for a in (_props(record).get("aRecords") or [])
        if isinstance(a, dict) and a.get("ipv4Address")
    }


def _prefixes(subnet: Json) -> set[str]:
    p = _props(subnet)
    found = set(p.get("addressPrefixes") or [])
    if p.get("addressPrefix"):
        found.add(p["addressPrefix"])
    return found


def check(step: Step, rid: str, desired: Json, actual: Json) -> None:
    """Raise StepError when `actual` conflicts with `desired` in a way we must not overwrite."""
    kind = step.kind.lower()
    if kind == kinds.DNS_A_RECORD.lower():
        have, want = _ips(actual), _ips(desired)
        if have and want and have != want:
            zone = rid.split("/privateDnsZones/", 1)[-1].split("/", 1)[0]
            raise StepError(
                "DnsRecordConflict",
                f"the A record {_name(rid)} in {zone} already points at {', '.join(sorted(have))}, "
                f"not at this registry's private endpoint ({', '.join(sorted(want))}). Another "
                "cluster or registry endpoint uses this record; overwriting it would break it.",
                "Use a private DNS zone of your own for this cluster (another resource group), "
                "or remove the stale record if nothing uses it any more, then resume the run.",
            )
    elif kind == kinds.SUBNET.lower():
        have, want = _prefixes(actual), _prefixes(desired)
        if have and want and have != want:
            raise StepError(
                "SubnetPrefixConflict",
                f"subnet {_name(rid)} exists with prefix {', '.join(sorted(have))}, "
                f"not {', '.join(sorted(want))}; aksiso does not resize existing subnets.",
                "Set the subnet's prefix in the config to the existing one, or choose another "
                "subnet name.",
            )
    elif kind == kinds.VNET.lower():
        have = set((_props(actual).get("addressSpace") or {}).get("addressPrefixes") or [])
        want = set((_props(desired).get("addressSpace") or {}).get("addressPrefixes") or [])
        if have and want and not want <= have:
            raise StepError(
                "VnetAddressSpaceConflict",
                f"virtual network {_name(rid)} exists with address space "
                f"{', '.join(sorted(have))}, not {', '.join(sorted(want))}.",
                "Use the existing address space in the config (network.vnet.address_space), "
                "or choose another VNet name.",
            )
    elif kind == kinds.REGISTRY.lower():
        sku = str((actual.get("sku") or {}).get("name") or "")
        if sku and sku.lower() != "premium":
            raise StepError(
                "RegistrySkuConflict",
                f"registry {_name(rid)} exists with SKU {sku}; network isolated clusters need "
                "Premium (private endpoint, artifact cache).",
                "Upgrade it yourself (az acr update --sku Premium) or choose another "
                "registry.name.",
            )
    elif kind == kinds.ROLE_ASSIGNMENT.lower():
        have_p, want_p = _props(actual), _props(desired)
        same_principal = (
            str(have_p.get("principalId", "")).lower() == str(want_p.get("principalId", "")).lower()
        )
        same_role = (
            str(have_p.get("roleDefinitionId", "")).rsplit("/", 1)[-1].lower()
            == str(want_p.get("roleDefinitionId", "")).rsplit("/", 1)[-1].lower()
        )
        if not (same_principal and same_role):
            raise StepError(
                "RoleAssignmentConflict",
                f"role assignment {_name(rid)} exists for another principal or role; role "
                "assignments cannot be changed.",
                "Delete that role assignment (it was made for an identity that was since "
                "recreated), then resume the run.",
            )
