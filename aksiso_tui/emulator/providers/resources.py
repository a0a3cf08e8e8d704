"""Microsoft.Resources: the subscription, its locations, resource groups and generic lists.

Resource groups are ordinary resource types for the framework (sync PUT, DELETE answered 202 +
``Location`` and polled until 200); deleting one removes everything inside it, nested and
extension resources included. Provider registration and preview features live in
``features.py``.
"""

from __future__ import annotations

import re
from typing import Any

from aksiso_tui.emulator import errors, ids
from aksiso_tui.emulator.context import Ctx
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.routing import Provider, ResourceType, Route

RESOURCE_GROUPS = ids.RESOURCE_GROUP_TYPE
_RG_NAME = re.compile(r"^[-\w._()]{1,90}$")

# name, display name, geography group, physical location, latitude, longitude, paired region
_LOCATIONS: list[tuple[str, str, str, str, str, str, str]] = [
    ("eastus", "East US", "US", "Virginia", "37.3719", "-79.8164", "westus"),
    ("eastus2", "East US 2", "US", "Virginia", "36.6681", "-78.3889", "centralus"),
    ("westus2", "West US 2", "US", "Washington", "47.233", "-119.852", "westcentralus"),
    ("centralus", "Central US", "US", "Iowa", "41.5908", "-93.6208", "eastus2"),
    ("northeurope", "North Europe", "Europe", "Ireland", "53.3478", "-6.2597", "westeurope"),
    ("westeurope", "West Europe", "Europe", "Netherlands", "52.3667", "4.9", "northeurope"),
    ("uksouth", "UK South", "UK", "London", "50.941", "-0.799", "ukwest"),
    ("swedencentral", "Sweden Central", "Europe", "Gävle", "60.67488", "17.14127", "swedensouth"),
    ("germanywestcentral", "Germany West Central", "Europe", "Frankfurt", "50.110924",
     "8.682127", "germanynorth"),
]  # fmt: skip
LOCATION_NAMES = frozenset(loc[0] for loc in _LOCATIONS)


def validate_location(body: dict[str, Any], rtype: str) -> str:
    """The body's location, normalised (``East US`` -> ``eastus``); 400 if missing or unknown.
    Tracked resources of every provider should call this from ``validate_put``."""
    location = str(body.get("location") or "").replace(" ", "").lower()
    if not location:
        raise ArmError(
            400, "LocationRequired", "The location property is required for this definition."
        )
    if location not in LOCATION_NAMES and location != "global":
        raise ArmError(
            400,
            "LocationNotAvailableForResourceType",
            f"The provided location '{location}' is not available for resource type "
            f"'{rtype}'. List of available regions for the resource type is "
            f"'{','.join(sorted(LOCATION_NAMES))}'.",
        )
    return location


def _sub_id(ctx: Ctx) -> str:
    return f"/subscriptions/{ctx.subscription_id}"


def _check_sub(ctx: Ctx, sub: str) -> None:
    if sub.lower() != ctx.subscription_id:
        raise errors.subscription_not_found(sub)


def subscription_body(ctx: Ctx) -> dict[str, Any]:
    return {
        "id": _sub_id(ctx),
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
        "subscriptionId": ctx.subscription_id,
        "tenantId": ctx.tenant_id,
        "displayName": "aksiso emulator",
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
    }


def _list_subscriptions(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    return {"value": [subscription_body(ctx)]}


def _get_subscription(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    return subscription_body(ctx)


def _location_body(ctx: Ctx, loc: tuple[str, str, str, str, str, str, str]) -> dict[str, Any]:
    name, display, geo, physical, lat, lon, paired = loc
    return {
        "id": f"{_sub_id(ctx)}/locations/{name}",
        "name": name,
        "type": "Region",
        "displayName": display,
        "regionalDisplayName": f"({geo}) {display}",
        "metadata": {
            "regionType": "Physical",
            "regionCategory": "Recommended",
            "geographyGroup": geo,
            "physicalLocation": physical,
            "latitude": lat,
            "longitude": lon,
            "pairedRegion": [{"name": paired, "id": f"{_sub_id(ctx)}/locations/{paired}"}],
        },
    }


def _list_locations(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    return {"value": [_location_body(ctx, loc) for loc in _LOCATIONS]}


# -- resource groups -------------------------------------------------------------------------
def _put_resource_group(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    name = ids.split_id(rid).name
    if not _RG_NAME.match(name) or name.endswith("."):
        raise ArmError(
            400,
            "InvalidResourceGroup",
            f"The provided resource group name '{name}' has these invalid characters or "
            "length: it must be 1-90 alphanumerics, underscores, parentheses, hyphens or "
            "periods, and cannot end with a period.",
        )
    location = str(body.get("location") or "").replace(" ", "").lower()
    if location and location not in LOCATION_NAMES:
        raise ArmError(
            400,
            "LocationNotAvailableForResourceGroup",
            f"The provided location '{location}' is not available for resource group. "
            f"List of available regions is '{','.join(sorted(LOCATION_NAMES))}'.",
        )
    location = validate_location(body, RESOURCE_GROUPS)
    if existing is not None and existing.get("location") != location:
        raise ArmError(
            409,
            "InvalidResourceGroupLocation",
            f"Invalid resource group location '{location}'. The Resource group already exists "
            f"in location '{existing.get('location')}'.",
        )
    res: dict[str, Any] = {"location": location, "properties": {}}
    if body.get("tags") is not None:
        res["tags"] = dict(body["tags"])
    managed_by = body.get("managedBy") or (existing or {}).get("managedBy")
    if managed_by:
        res["managedBy"] = managed_by
    return res


def _generic_view(res: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: res[k] for k in ("id", "name", "type", "location", "tags", "sku", "kind") if k in res
    }
    return out


def _list_group_resources(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    rg_id = f"{_sub_id(ctx)}/resourceGroups/{params['rg']}"
    if ctx.store.get(rg_id) is None:
        raise errors.resource_group_not_found(params["rg"])
    top = [r for r in ctx.store.children(rg_id) if ids.parent_id(r["id"]).lower() == rg_id.lower()]
    page = ctx.page(top)
    page["value"] = [_generic_view(r) for r in page["value"]]
    return page


def _list_subscription_resources(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    top = [
        r
        for rg in ctx.store.list_by_type(RESOURCE_GROUPS)
        for r in ctx.store.children(rg["id"])
        if ids.parent_id(r["id"]).lower() == rg["id"].lower()
    ]
    page = ctx.page(top)
    page["value"] = [_generic_view(r) for r in page["value"]]
    return page


PROVIDER = Provider(
    "Microsoft.Resources",
    types=[
        ResourceType(
            RESOURCE_GROUPS,
            validate_put=_put_resource_group,
            put_style="sync",
            delete_style="location",
            delete_missing=404,
        ),
    ],
    routes=[
        Route("GET", "/subscriptions", _list_subscriptions),
        Route("GET", "/subscriptions/{sub}", _get_subscription),
        Route("GET", "/subscriptions/{sub}/locations", _list_locations),
        Route("GET", "/subscriptions/{sub}/resources", _list_subscription_resources),
        Route("GET", "/subscriptions/{sub}/resourceGroups/{rg}/resources", _list_group_resources),
    ],
)
