"""Microsoft.ContainerRegistry: registries, cache rules, private endpoint connections.

* Registry names are 5–50 alphanumerics and **global**: a second registry with the same name in
  any resource group is refused with 409 ``AlreadyInUse``; ``checkNameAvailability`` answers
  ``AlreadyExists``/``Invalid`` like the official example. The name index lives in
  ``store.meta`` so the check is O(1).
* PUT and PATCH (merge) are LROs (201/200 + ``Azure-AsyncOperation`` under
  ``{id}/operationStatuses``); the response carries the full property set of the official
  example, ``loginServer`` is ``<name lower-cased>.azurecr.io``.
* Private endpoints need the Premium SKU (group id ``registry``; members ``registry`` ->
  ``<acr>.azurecr.io`` and ``registry_data_<region>`` -> ``<acr>.<region>.data.azurecr.io``);
  each endpoint adds a ``privateEndpointConnections`` entry (GET/list under the registry).
* Cache rules: artifact cache is available in the Basic, Standard and Premium tiers (ACR docs,
  "Artifact cache overview"), so the emulator accepts them on every SKU; the Premium requirement
  of network-isolated clusters comes from the private endpoint. The source must be a supported
  upstream (``mcr.microsoft.com/*``...); the target repository is kept verbatim and must be
  unique within the registry.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aksiso_tui.emulator import ids
from aksiso_tui.emulator.errors import ArmError, bad_request
from aksiso_tui.emulator.lro import Clock
from aksiso_tui.emulator.names import CACHE_RULE, REGISTRY
from aksiso_tui.emulator.providers.network_endpoints import (
    PRIVATE_LINK_TARGETS,
    PrivateLinkTarget,
)
from aksiso_tui.emulator.routing import Provider, ResourceType, Route, tracked_resource
from aksiso_tui.emulator.store import Store

if TYPE_CHECKING:
    from aksiso_tui.emulator.context import Ctx

Resource = dict[str, Any]
REGISTRIES = "Microsoft.ContainerRegistry/registries"
CACHE_RULES = "Microsoft.ContainerRegistry/registries/cacheRules"
PE_CONNECTIONS = "Microsoft.ContainerRegistry/registries/privateEndpointConnections"
SKUS = {"basic": "Basic", "standard": "Standard", "premium": "Premium"}
NAME_INDEX = "registry.names"
UPSTREAMS = (
    "mcr.microsoft.com",
    "docker.io",
    "registry-1.docker.io",
    "ghcr.io",
    "quay.io",
    "registry.k8s.io",
    "nvcr.io",
    "public.ecr.aws",
    "gcr.io",
)
ALREADY_IN_USE = (
    "The registry DNS name {name}.azurecr.io is already in use. You can check if the name is "
    "already claimed using following API: "
    "https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability"
)


def _name_owner(store: Store, name: str) -> str | None:
    owner = store.meta.get(NAME_INDEX, {}).get(name.lower())
    return owner if owner and store.get(owner) is not None else None


def _policies(old: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "quarantinePolicy": {"status": "disabled"},
        "trustPolicy": {"type": "Notary", "status": "disabled"},
        "retentionPolicy": {"days": 7, "status": "disabled"},
        "exportPolicy": {"status": "enabled"},
        "azureADAuthenticationAsArmPolicy": {"status": "enabled"},
        "softDeletePolicy": {"retentionDays": 7, "status": "disabled"},
    }
    out = copy.deepcopy(old) or defaults
    for key, value in (given or {}).items():
        out[key] = {**out.get(key, {}), **value} if isinstance(value, dict) else value
    return out


def _put_registry(ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None) -> Resource:
    name = ids.split_id(rid).name
    problem = REGISTRY.problem(name)
    if problem is not None:
        raise ArmError(400, problem.code, problem.message)
    owner = _name_owner(ctx.store, name)
    if owner is not None and owner.lower() != rid.lower():
        raise ArmError(409, "AlreadyInUse", ALREADY_IN_USE.format(name=name.lower()))
    res = tracked_resource(rid, body, existing)
    if not res.get("location"):
        raise bad_request("The 'location' property is required.", code="LocationRequired")
    sku_name = SKUS.get(str((res.get("sku") or {}).get("name", "")).lower())
    if sku_name is None:
        raise bad_request(
            f"The SKU '{(res.get('sku') or {}).get('name')}' is invalid. Allowed values: "
            "Basic, Standard, Premium.",
            code="InvalidSku",
        )
    res["sku"] = {"name": sku_name, "tier": sku_name}
    props = res["properties"]
    old = (existing or {}).get("properties") or {}
    region = str(res["location"])
    if props.get("dataEndpointEnabled") and sku_name != "Premium":
        raise bad_request(
            "Dedicated data endpoints are only supported for registries in the Premium SKU.",
            code="DataEndpointNotSupported",
        )
    defaults: dict[str, Any] = {
        "adminUserEnabled": False,
        "networkRuleSet": {"defaultAction": "Allow", "ipRules": []},
        "encryption": {"status": "disabled"},
        "dataEndpointEnabled": False,
        "publicNetworkAccess": "Enabled",
        "networkRuleBypassOptions": "AzureServices",
        "networkRuleBypassAllowedForTasks": False,
        "zoneRedundancy": "Disabled",
        "anonymousPullEnabled": False,
        "roleAssignmentMode": "LegacyRegistryPermissions",
    }
    for key, value in defaults.items():
        if props.get(key) is None:
            props[key] = old.get(key, value)
    props["policies"] = _policies(old.get("policies") or {}, props.get("policies") or {})
    props["loginServer"] = f"{name.lower()}.azurecr.io"
    props["creationDate"] = old.get("creationDate") or Clock.utc_iso()
    props["status"] = None
    props["dataEndpointHostNames"] = (
        [f"{name.lower()}.{region}.data.azurecr.io"] if props["dataEndpointEnabled"] else []
    )
    props.pop("privateEndpointConnections", None)
    ctx.store.meta.setdefault(NAME_INDEX, {})[name.lower()] = rid
    return res


def _view_registry(ctx: Ctx, res: Resource) -> Resource:
    out = dict(res)
    props = dict(res.get("properties") or {})
    props["privateEndpointConnections"] = [
        r for r in ctx.store.children(res["id"]) if r.get("type") == PE_CONNECTIONS
    ]
    out["properties"] = props
    return out


def _on_delete_registry(ctx: Ctx, res: Resource) -> None:
    index = ctx.store.meta.get(NAME_INDEX, {})
    if str(index.get(res["name"].lower(), "")).lower() == res["id"].lower():
        del index[res["name"].lower()]


def check_name_availability(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    """POST .../Microsoft.ContainerRegistry/checkNameAvailability."""
    name = str((body or {}).get("name") or "")
    rtype = str((body or {}).get("type") or REGISTRIES)
    if rtype.lower() != REGISTRIES.lower():
        return {"nameAvailable": False, "reason": "Invalid", "message": f"Invalid type {rtype}."}
    problem = REGISTRY.problem(name)
    if problem is not None:
        return {"nameAvailable": False, "reason": "Invalid", "message": problem.message}
    if _name_owner(ctx.store, name) is not None:
        return {
            "nameAvailable": False,
            "reason": "AlreadyExists",
            "message": f"The registry {name} is already in use.",
        }
    return {"nameAvailable": True}


# -- cache rules --------------------------------------------------------------------------
def _put_cache_rule(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None
) -> Resource:
    name = ids.split_id(rid).name
    problem = CACHE_RULE.problem(name)
    if problem is not None:
        raise ArmError(400, problem.code, problem.message)
    props = copy.deepcopy(body.get("properties") or {})
    props.pop("provisioningState", None)
    source = str(props.get("sourceRepository") or "")
    target = str(props.get("targetRepository") or "")
    host = source.split("/", 1)[0].lower()
    if not source or (host not in UPSTREAMS and not host.endswith(".azurecr.io")):
        raise bad_request(
            f"The source repository '{source}' is not supported. Supported upstream registries: "
            + ", ".join(UPSTREAMS)
            + ".",
            code="InvalidCacheRuleSourceRepository",
        )
    if "*" in source[:-2] or (source.endswith("*") and not source.endswith("/*")):
        raise bad_request(
            f"The source repository '{source}' is invalid: a wildcard is only allowed as the "
            "last path segment ('/*').",
            code="InvalidCacheRuleSourceRepository",
        )
    if not target:
        raise bad_request("targetRepository is required.", code="InvalidCacheRuleTargetRepository")
    for other in ctx.store.children(ids.parent_id(rid)):
        if other.get("type") != CACHE_RULES or other["id"].lower() == rid.lower():
            continue
        if str(other["properties"].get("targetRepository", "")).lower() == target.lower():
            raise bad_request(
                f"The target repository '{target}' is already used by cache rule "
                f"'{other['name']}'.",
                code="CacheRuleTargetRepositoryAlreadyExists",
            )
    cred = props.get("credentialSetResourceId")
    if cred is None:
        props.pop("credentialSetResourceId", None)
    props["creationDate"] = ((existing or {}).get("properties") or {}).get(
        "creationDate"
    ) or Clock.utc_iso()
    return {"properties": props}


# -- private endpoint connections ---------------------------------------------------------
def _members(store: Store, registry: Resource, group_id: str) -> list[tuple[str, str]]:
    if (registry.get("sku") or {}).get("name") != "Premium":
        raise bad_request(
            f"Private endpoints are only supported for registries in the Premium SKU; registry "
            f"{registry['id']} is {(registry.get('sku') or {}).get('name')}.",
            code="PrivateEndpointNotSupportedForSku",
        )
    name = str(registry["name"]).lower()
    region = str(registry.get("location", "")).replace(" ", "").lower()
    return [
        ("registry", f"{name}.azurecr.io"),
        (f"registry_data_{region}", f"{name}.{region}.data.azurecr.io"),
    ]


def _on_connect(store: Store, registry_id: str, endpoint_id: str, connection: str) -> None:
    registry = store.get(registry_id)
    if registry is None:
        return
    conn_name = f"{ids.split_id(endpoint_id).name}.{connection}"
    cid = f"{registry['id']}/privateEndpointConnections/{conn_name}"
    store.put(
        cid,
        {
            "id": cid,
            "name": conn_name,
            "type": PE_CONNECTIONS,
            "properties": {
                "privateEndpoint": {"id": endpoint_id},
                "groupIds": ["registry"],
                "privateLinkServiceConnectionState": {
                    "status": "Approved",
                    "description": "Auto-Approved",
                    "actionsRequired": "None",
                },
                "provisioningState": "Succeeded",
            },
        },
    )


def _on_disconnect(store: Store, registry_id: str, endpoint_id: str) -> None:
    for res in store.children(registry_id):
        if res.get("type") != PE_CONNECTIONS:
            continue
        pe = (res["properties"].get("privateEndpoint") or {}).get("id", "")
        if str(pe).lower() == endpoint_id.lower():
            store.delete(res["id"])


def _put_pe_connection(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: Resource | None
) -> Resource:
    if existing is None:
        raise ArmError(
            404,
            "PrivateEndpointConnectionNotFound",
            f"Private endpoint connection {rid} was not found. Connections are created by "
            "creating a private endpoint.",
        )
    props = copy.deepcopy(existing.get("properties") or {})
    state = (body.get("properties") or {}).get("privateLinkServiceConnectionState")
    if isinstance(state, dict):
        props["privateLinkServiceConnectionState"] = {
            **props.get("privateLinkServiceConnectionState", {}),
            **state,
        }
    return {"properties": props}


PRIVATE_LINK_TARGETS[REGISTRIES.lower()] = PrivateLinkTarget(
    group_ids=("registry",), members=_members, on_connect=_on_connect, on_disconnect=_on_disconnect
)

PROVIDER = Provider(
    "Microsoft.ContainerRegistry",
    types=[
        ResourceType(
            REGISTRIES,
            validate_put=_put_registry,
            view=_view_registry,
            on_delete=_on_delete_registry,
            op_urls="resource",
        ),
        ResourceType(
            CACHE_RULES,
            validate_put=_put_cache_rule,
            op_urls="resource",
            delete_style="async-operation",
        ),
        ResourceType(
            PE_CONNECTIONS, validate_put=_put_pe_connection, op_urls="resource", put_style="sync"
        ),
    ],
    routes=[
        Route(
            "POST",
            "/subscriptions/{sub}/providers/Microsoft.ContainerRegistry/checkNameAvailability",
            check_name_availability,
        )
    ],
)
