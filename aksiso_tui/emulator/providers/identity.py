"""Microsoft.ManagedIdentity/userAssignedIdentities: plain (non-LRO) PUT 201/200 and DELETE.

Each identity gets a ``principalId`` (its service principal's object id, what role assignments
name) and a ``clientId`` once, at creation; updates keep them.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from aksiso_tui.emulator import errors, ids
from aksiso_tui.emulator.context import Ctx
from aksiso_tui.emulator.providers.resources import validate_location
from aksiso_tui.emulator.routing import Provider, ResourceType, tracked_resource

IDENTITIES = "Microsoft.ManagedIdentity/userAssignedIdentities"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$")


def _put_identity(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    name = ids.split_id(rid).name
    if not _NAME.match(name):
        raise errors.invalid_name(
            name,
            f"Resource name '{name}' is invalid. The name can contain only letters, numbers, "
            "underscores and hyphens, must start with a letter or number, and must be between "
            "3 and 128 characters long.",
        )
    location = validate_location(body, IDENTITIES)
    if existing is not None and existing.get("location") != location:
        raise errors.bad_request(
            f"The location of identity '{name}' cannot be changed from "
            f"'{existing.get('location')}' to '{location}'.",
            code="InvalidResourceLocation",
        )
    res = tracked_resource(rid, body, existing)
    old = (existing or {}).get("properties") or {}
    res["properties"] = {
        "tenantId": ctx.tenant_id,
        "principalId": old.get("principalId") or str(uuid.uuid4()),
        "clientId": old.get("clientId") or str(uuid.uuid4()),
        "isolationScope": (body.get("properties") or {}).get("isolationScope")
        or old.get("isolationScope")
        or "None",
    }
    return res


PROVIDER = Provider(
    "Microsoft.ManagedIdentity",
    types=[
        ResourceType(
            IDENTITIES,
            validate_put=_put_identity,
            put_style="sync",
            delete_style="sync",
            tracks_provisioning=False,
        ),
    ],
)
