"""Reading a managed-cluster body: api-version features, canonical spellings, effective profiles.

Pure helpers shared by the PUT rules (`aks_rules`, `aks_refs`) and the tests.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from aksiso_tui.netpath.aks_lookup import Json, props, same_id

CACHE = "Cache"
DIRECT = "Direct"
OUTBOUND_TYPES = {
    "loadbalancer": "loadBalancer",
    "userdefinedrouting": "userDefinedRouting",
    "managednatgateway": "managedNATGateway",
    "userassignednatgateway": "userAssignedNATGateway",
    "none": "none",
    "block": "block",
}
ISOLATED_OUTBOUND = {"none", "block"}


# --- api-versions -------------------------------------------------------------------------

_API = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(-preview)?$", re.IGNORECASE)


def parse_api_version(api_version: str) -> tuple[date, bool] | None:
    """`2025-01-01` -> (date, False); `2024-07-02-preview` -> (date, True); else None."""
    match = _API.match(api_version.strip())
    if not match:
        return None
    year, month, day, preview = match.groups()
    return date(int(year), int(month), int(day)), bool(preview)


def supports_bootstrap_profile(api_version: str) -> bool:
    """bootstrapProfile exists from 2024-07-02-preview (preview) and 2025-01-01 (stable)."""
    parsed = parse_api_version(api_version)
    if parsed is None:
        return True
    when, preview = parsed
    return when >= (date(2024, 7, 2) if preview else date(2025, 1, 1))


def rejects_unknown_fields(api_version: str) -> bool:
    """AKS api-versions from 2024-01-01 on reject unknown fields; older ones ignore them."""
    parsed = parse_api_version(api_version)
    return parsed is None or parsed[0] >= date(2024, 1, 1)


def supports_block(api_version: str) -> bool:
    """Outbound type `block` needs a preview api-version from 2024-07-02-preview on."""
    parsed = parse_api_version(api_version)
    return parsed is not None and parsed[1] and parsed[0] >= date(2024, 7, 2)


# --- small readers ------------------------------------------------------------------------


def canonical_source(value: Any) -> str | None:
    """`cache` -> `Cache`, `direct` -> `Direct`, None stays None."""
    if value is None:
        return None
    text = str(value)
    for name in (CACHE, DIRECT):
        if text.lower() == name.lower():
            return name
    return text


def canonical_outbound(value: Any) -> str | None:
    """The canonical spelling of an outbound type (unknown values returned unchanged)."""
    if value is None:
        return None
    return OUTBOUND_TYPES.get(str(value).lower(), str(value))


def pools(body: Json | None) -> list[Json]:
    """The agentPoolProfiles of a cluster body."""
    return list(props(body).get("agentPoolProfiles") or [])


def node_subnet_ids(body: Json | None) -> list[str]:
    """The distinct custom node subnets (vnetSubnetID) of a cluster body."""
    seen: list[str] = []
    for pool in pools(body):
        sid = pool.get("vnetSubnetID")
        if sid and not any(same_id(sid, s) for s in seen):
            seen.append(str(sid))
    return seen


def is_service_principal_cluster(body: Json) -> bool:
    """A cluster that authenticates with a service principal instead of a managed identity."""
    identity = body.get("identity") or {}
    identity_type = str(identity.get("type") or "None")
    client_id = (props(body).get("servicePrincipalProfile") or {}).get("clientId")
    return identity_type.lower() == "none" and bool(client_id) and str(client_id).lower() != "msi"


def control_plane_identity_ids(body: Json) -> list[str]:
    """The user-assigned control-plane identity ids of a cluster body."""
    identity = body.get("identity") or {}
    if str(identity.get("type") or "").lower() != "userassigned":
        return []
    return list((identity.get("userAssignedIdentities") or {}).keys())


def effective_bootstrap(desired: Json, existing: Json | None) -> Json:
    """The bootstrapProfile AKS ends up with.

    On an update, a body without `artifactSource` keeps the stored profile: a new
    `containerRegistryId` sent without `artifactSource: Cache` is silently ignored.
    """
    sent = props(desired).get("bootstrapProfile")
    stored = props(existing).get("bootstrapProfile") if existing else None
    base = {"artifactSource": DIRECT, "containerRegistryId": None}
    if stored:
        base = {
            "artifactSource": canonical_source(stored.get("artifactSource")) or DIRECT,
            "containerRegistryId": stored.get("containerRegistryId"),
        }
    if not sent:
        return base
    source = canonical_source(sent.get("artifactSource"))
    if source is None:
        return base if existing else {**base, "containerRegistryId": None}
    return {"artifactSource": source, "containerRegistryId": sent.get("containerRegistryId")}


def effective_network(desired: Json, existing: Json | None) -> Json:
    """networkProfile with stored values kept where the body leaves them out."""
    stored = copy.deepcopy(props(existing).get("networkProfile") or {}) if existing else {}
    for key, value in (props(desired).get("networkProfile") or {}).items():
        if value is not None:
            stored[key] = value
    stored.setdefault("networkPlugin", "azure")
    stored["outboundType"] = canonical_outbound(stored.get("outboundType")) or "loadBalancer"
    return stored
