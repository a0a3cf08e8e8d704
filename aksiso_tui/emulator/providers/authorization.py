"""Microsoft.Authorization: built-in role definitions and role assignments at any scope.

Role assignments are extension resources (``{scope}/providers/Microsoft.Authorization/
roleAssignments/{guid}``), stored below their scope so deleting the scope removes them. A PUT
checks what ARM checks: a GUID name, a known role, a principal that exists in the directory
(``PrincipalNotFound`` otherwise, and for the first N PUTs per principal with
``--faults principal_not_found=N``), and no duplicate (``RoleAssignmentExists``).
"""

from __future__ import annotations

import re
from typing import Any

from aksiso_tui.emulator import errors, ids
from aksiso_tui.emulator.context import Ctx
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.lro import Clock
from aksiso_tui.emulator.routing import Provider, ResourceType

ROLE_DEFINITIONS = "Microsoft.Authorization/roleDefinitions"
ROLE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_ROLE_NAME_FILTER = re.compile(r"roleName\s+eq\s+'([^']*)'", re.IGNORECASE)
_PRINCIPAL_FILTER = re.compile(r"(?:principalId\s+eq|assignedTo\()\s*'([^']*)'", re.IGNORECASE)

# GUID -> (role name, description, actions); identical in every tenant.
BUILT_IN_ROLES: dict[str, tuple[str, str, list[str]]] = {
    "7f951dda-4ed3-4680-a7ca-43fe172d538d": ("AcrPull", "acr pull", []),
    "8311e382-0749-4cb8-b61a-304f252e45ec": ("AcrPush", "acr push", []),
    "4d97b98b-1d4f-4787-a291-c67834d212e7": (
        "Network Contributor",
        "Lets you manage networks, but not access to them.",
        ["Microsoft.Network/*"],
    ),
    "b24988ac-6180-42a0-ab88-20f7382dd24c": (
        "Contributor",
        "Grants full access to manage all resources, but does not allow you to assign roles.",
        ["*"],
    ),
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": ("Reader", "View all resources.", ["*/read"]),
    "f1a07417-d97a-45cb-824c-7a7467783830": (
        "Managed Identity Operator",
        "Read and Assign User Assigned Identity",
        ["Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action"],
    ),
    "b12aa53e-6015-4669-85d0-8515ebb3ae7f": (
        "Private DNS Zone Contributor",
        "Lets you manage private DNS zone resources, but not access to them.",
        ["Microsoft.Network/privateDnsZones/*"],
    ),
}
ROLE_IDS_BY_NAME = {name.lower(): guid for guid, (name, _, _) in BUILT_IN_ROLES.items()}

# Resource types whose system-assigned ``identity.principalId`` is a directory principal.
SYSTEM_IDENTITY_TYPES = [
    "Microsoft.ContainerService/managedClusters",
    "Microsoft.ContainerRegistry/registries",
]


def role_definition_id(ctx: Ctx, guid: str) -> str:
    return f"/subscriptions/{ctx.subscription_id}/providers/{ROLE_DEFINITIONS}/{guid}"


def _role_definition(ctx: Ctx, guid: str) -> dict[str, Any]:
    name, description, actions = BUILT_IN_ROLES[guid]
    return {
        "id": role_definition_id(ctx, guid),
        "name": guid,
        "type": ROLE_DEFINITIONS,
        "properties": {
            "roleName": name,
            "type": "BuiltInRole",
            "description": description,
            "assignableScopes": ["/"],
            "permissions": [
                {"actions": actions, "notActions": [], "dataActions": [], "notDataActions": []}
            ],
            "createdOn": "2018-02-22T00:00:00.0000000Z",
            "updatedOn": "2024-01-01T00:00:00.0000000Z",
            "createdBy": None,
            "updatedBy": None,
        },
    }


def _get_role_definition(ctx: Ctx, rid: str) -> dict[str, Any] | None:
    guid = ids.split_id(rid).name.lower()
    return _role_definition(ctx, guid) if guid in BUILT_IN_ROLES else None


def _list_role_definitions(ctx: Ctx, scope: str) -> list[dict[str, Any]]:
    match = _ROLE_NAME_FILTER.search(ctx.query.get("$filter", ""))
    wanted = match.group(1).lower() if match else None
    return [
        _role_definition(ctx, guid)
        for guid, (name, _, _) in BUILT_IN_ROLES.items()
        if wanted is None or name.lower() == wanted
    ]


# -- principals ------------------------------------------------------------------------------
def register_principal(ctx: Ctx, principal_id: str, principal_type: str = "User") -> None:
    """Add a non-resource principal (a user, a service principal) to the directory."""
    principals = dict(ctx.store.meta.get("principals", {}))
    principals[principal_id.lower()] = principal_type
    ctx.store.meta["principals"] = principals
    ctx.store.mark_changed()


def principal_type_of(ctx: Ctx, principal_id: str) -> str | None:
    """'ServicePrincipal'/'User'/... if the principal exists in the emulated directory."""
    pid = principal_id.lower()
    for identity in ctx.store.list_by_type("Microsoft.ManagedIdentity/userAssignedIdentities"):
        if str((identity.get("properties") or {}).get("principalId", "")).lower() == pid:
            return "ServicePrincipal"
    for rtype in SYSTEM_IDENTITY_TYPES:
        for res in ctx.store.list_by_type(rtype):
            if str((res.get("identity") or {}).get("principalId", "")).lower() == pid:
                return "ServicePrincipal"
    found = ctx.store.meta.get("principals", {}).get(pid)
    return str(found) if found else None


def principal_not_found(ctx: Ctx, principal_id: str) -> ArmError:
    return ArmError(
        400,
        "PrincipalNotFound",
        f"Principal {principal_id.replace('-', '')} does not exist in the directory "
        f"{ctx.tenant_id}. Check that you have the correct principal ID. If you are creating "
        "this principal and then immediately assigning a role, this error might be related to "
        "a replication delay. In this case, set the role assignment principalType property to "
        "a value, such as ServicePrincipal, User, or Group.  See "
        "https://aka.ms/docs-principaltype",
    )


# -- role assignments ------------------------------------------------------------------------
def _scope_of(rid: str) -> str:
    return ids.split_id(rid).scope or "/"


def _put_role_assignment(
    ctx: Ctx, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    name = ids.split_id(rid).name
    if not _GUID.match(name):
        raise ArmError(
            400,
            "InvalidRoleAssignmentId",
            f"The role assignment ID '{name}' is not valid. The role assignment ID must be a GUID.",
        )
    props = body.get("properties") or {}
    role_guid = str(props.get("roleDefinitionId") or "").rstrip("/").rsplit("/", 1)[-1].lower()
    if role_guid not in BUILT_IN_ROLES:
        raise ArmError(
            400,
            "RoleDefinitionDoesNotExist",
            f"The specified role definition with ID '{role_guid}' does not exist.",
        )
    principal_id = str(props.get("principalId") or "")
    known_type = principal_type_of(ctx, principal_id) if principal_id else None
    if known_type is None or ctx.faults.principal_not_found(principal_id):
        raise principal_not_found(ctx, principal_id)
    scope_rid = _scope_of(rid)
    scope = ctx.store.canonical_id(scope_rid) or scope_rid
    role_id = role_definition_id(ctx, role_guid)
    if existing is not None:
        old = existing["properties"]
        if (old["principalId"].lower(), old["roleDefinitionId"].lower()) != (
            principal_id.lower(),
            role_id.lower(),
        ):
            raise errors.conflict(
                "RoleAssignmentUpdateNotPermitted",
                "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.",
            )
    else:
        for other in ctx.store.list_by_type(ROLE_ASSIGNMENTS, scope):
            o = other["properties"]
            if (
                o["scope"].lower() == scope.lower()
                and o["principalId"].lower() == principal_id.lower()
                and o["roleDefinitionId"].lower() == role_id.lower()
            ):
                raise errors.conflict("RoleAssignmentExists", "The role assignment already exists.")
    now = Clock.utc_iso()
    return {
        "properties": {
            "roleDefinitionId": role_id,
            "principalId": principal_id,
            "principalType": props.get("principalType") or known_type,
            "scope": scope,
            "condition": props.get("condition"),
            "conditionVersion": props.get("conditionVersion"),
            "description": props.get("description"),
            "createdOn": (existing or {}).get("properties", {}).get("createdOn", now),
            "updatedOn": now,
            "createdBy": None,
            "updatedBy": None,
            "delegatedManagedIdentityResourceId": None,
        }
    }


def _list_role_assignments(ctx: Ctx, scope: str) -> list[dict[str, Any]]:
    """ARM semantics: at, above and below the scope; ``atScope()`` drops those below;
    ``principalId eq '...'`` / ``assignedTo('...')`` keep one principal's."""
    flt = ctx.query.get("$filter", "")
    at_scope = "atscope()" in flt.lower()
    match = _PRINCIPAL_FILTER.search(flt)
    principal = match.group(1).lower() if match else None
    here = (scope or "/").lower().rstrip("/")
    out = []
    for ra in ctx.store.list_by_type(ROLE_ASSIGNMENTS):
        props = ra["properties"]
        ra_scope = props["scope"].lower().rstrip("/")
        above = here == ra_scope or here.startswith(ra_scope + "/") or ra_scope == ""
        below = ra_scope.startswith(here + "/")
        if not (above or (below and not at_scope)):
            continue
        if principal is not None and props["principalId"].lower() != principal:
            continue
        out.append(ra)
    return out


PROVIDER = Provider(
    "Microsoft.Authorization",
    types=[
        ResourceType(ROLE_DEFINITIONS, get=_get_role_definition, list=_list_role_definitions),
        ResourceType(
            ROLE_ASSIGNMENTS,
            validate_put=_put_role_assignment,
            list=_list_role_assignments,
            put_style="sync",
            delete_style="sync",
            tracks_provisioning=False,
        ),
    ],
)
