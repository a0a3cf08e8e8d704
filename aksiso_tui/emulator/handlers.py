"""The generic ARM request flow every declared resource type gets for free.

``dispatch`` answers one request: finish due operations, serve operation-status polls, then a
provider's explicit routes, then resource paths (GET/HEAD/PUT/PATCH/DELETE on ids, GET on
collections, POST actions). Providers only validate and shape resources (see ``routing``).
"""

from __future__ import annotations

import copy
from typing import Any

from aksiso_tui.emulator import errors, ids
from aksiso_tui.emulator.context import Ctx, Reply
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.lro import Operation, retry_after_headers
from aksiso_tui.emulator.routing import ResourceType, merge_patch

_STATUS_SEGMENTS = {"operations", "operationstatuses", "privatednsoperationstatuses"}
_RESULT_SEGMENTS = {"operationresults", "privatednsoperationresults"}
_RESOURCE_METHODS = {"GET", "HEAD", "PUT", "PATCH", "DELETE"}


def as_reply(result: Reply | dict[str, Any] | None) -> Reply:
    if isinstance(result, Reply):
        return result
    return Reply(200, result)


def dispatch(ctx: Ctx, body: Any) -> Reply:
    """Answer one ARM request (``body`` is the parsed JSON or None); raises ArmError."""
    ctx.ops.settle()
    method, path = ctx.method, ctx.path
    reply = _operation_endpoint(ctx)
    if reply is not None:
        return reply
    matched = ctx.emu.registry.match_route(method, path)
    if matched is False:
        raise errors.method_not_allowed(method, path)
    if matched:
        route, params = matched
        return as_reply(route.handler(ctx, params, body))
    parsed = ids.parse_path(path)
    if parsed is None:
        raise ArmError(404, "NotFound", f"The path '{path}' is not an ARM endpoint.")
    if len(parsed.types) == len(parsed.names):
        return _resource(ctx, parsed, body)
    return _collection_or_action(ctx, parsed, body)


# -- operation status ------------------------------------------------------------------------
def _operation_endpoint(ctx: Ctx) -> Reply | None:
    parts = ctx.path.rstrip("/").rsplit("/", 2)
    if len(parts) != 3 or ctx.method != "GET":
        return None
    kind = parts[1].lower()
    if kind not in _STATUS_SEGMENTS and kind not in _RESULT_SEGMENTS:
        return None
    op = ctx.ops.get(parts[2])
    if op is None:
        return None
    retry = retry_after_headers(ctx.clock, ctx.ops.remaining(op))
    if kind in _STATUS_SEGMENTS:
        return Reply(200, op.status_body(), retry if op.status == "InProgress" else {})
    if op.status == "InProgress":
        return Reply(202, None, {"Location": ctx.url(ctx.path), **retry})
    if op.status == "Failed":
        return Reply(400, {"error": op.error})
    return Reply(200, op.result)


# -- scope and parent checks -----------------------------------------------------------------
def check_scope(ctx: Ctx, parsed: ids.ResourceId, *, parent_required: bool = True) -> None:
    """Subscription, resource group, parent resource and extension scope must exist."""
    if parsed.subscription is not None and parsed.subscription.lower() != ctx.subscription_id:
        raise errors.subscription_not_found(parsed.subscription)
    if parsed.resource_group and not parsed.is_resource_group:
        rg_id = ids.resource_group_id(parsed.id)
        if rg_id is None or ctx.store.get(rg_id) is None:
            raise errors.resource_group_not_found(parsed.resource_group)
    if not parent_required:
        return
    if len(parsed.names) > 1 or (len(parsed.names) == 1 and len(parsed.types) == 2):
        parent = (
            parsed.parent if len(parsed.types) == len(parsed.names) else parsed.collection_owner.id
        )
        if not _exists(ctx, parent):
            raise errors.parent_not_found(parent)
    elif parsed.scope:
        scope = ids.parse_path(parsed.scope)
        is_resource = (
            scope is not None
            and bool(scope.names)
            and not (scope.is_resource_group or scope.is_subscription)
        )
        if is_resource and not _exists(ctx, parsed.scope):
            raise errors.not_found(parsed.scope)


def _exists(ctx: Ctx, rid: str) -> bool:
    if ctx.store.get(rid) is not None:
        return True
    try:
        rtype = ctx.resource_type(ids.split_id(rid).full_type)
    except ValueError:
        return False
    return bool(rtype and rtype.get and rtype.get(ctx, rid) is not None)


def _lookup_type(ctx: Ctx, parsed: ids.ResourceId) -> ResourceType:
    rtype = ctx.resource_type(parsed.full_type)
    if rtype is None:
        if ctx.emu.registry.knows_namespace(parsed.namespace):
            raise errors.invalid_resource_type(
                parsed.namespace, "/".join(parsed.types), ctx.api_version
            )
        raise errors.no_registered_provider(
            parsed.namespace, "/".join(parsed.types), ctx.api_version
        )
    return rtype


def canonical_rid(ctx: Ctx, parsed: ids.ResourceId, rtype: ResourceType) -> str:
    """Id casing: as stored if the resource exists; else the parent's stored casing plus the
    registered type casing plus the name as the client sent it."""
    stored = ctx.store.canonical_id(parsed.id)
    if stored is not None:
        return stored
    type_segments = rtype.type.split("/")[1:]
    namespace = rtype.type.split("/", 1)[0]
    if parsed.is_resource_group:
        return f"/subscriptions/{ctx.subscription_id}/resourceGroups/{parsed.name}"
    if len(parsed.names) > 1:
        parent = ctx.store.canonical_id(parsed.parent) or parsed.parent
        return f"{parent}/{type_segments[-1]}/{parsed.name}"
    scope = ctx.store.canonical_id(parsed.scope) or parsed.scope
    if parsed.subscription is not None:
        scope = f"/subscriptions/{ctx.subscription_id}" + scope[15 + len(parsed.subscription) :]
    return f"{scope}/providers/{namespace}/{type_segments[0]}/{parsed.name}"


# -- resources -------------------------------------------------------------------------------
def _resource(ctx: Ctx, parsed: ids.ResourceId, body: Any) -> Reply:
    method = ctx.method
    if method not in _RESOURCE_METHODS:
        raise errors.method_not_allowed(method, ctx.path)
    rtype = _lookup_type(ctx, parsed)
    if method == "DELETE":
        return _delete(ctx, parsed, rtype)
    check_scope(ctx, parsed)
    rid = canonical_rid(ctx, parsed, rtype)
    if method in ("GET", "HEAD"):
        res = rtype.get(ctx, rid) if rtype.get else ctx.store.get(rid)
        if method == "HEAD":
            return Reply(204 if res is not None else 404)
        if res is None:
            raise errors.not_found(rid)
        return Reply(200, ctx.view(res))
    if rtype.validate_put is None:
        raise errors.method_not_allowed(method, ctx.path)
    if not isinstance(body, dict):
        raise errors.invalid_request_content("The request content was invalid or missing.")
    return _write(ctx, rid, parsed, rtype, body, patch=method == "PATCH")


def _write(
    ctx: Ctx,
    rid: str,
    parsed: ids.ResourceId,
    rtype: ResourceType,
    body: dict[str, Any],
    *,
    patch: bool,
) -> Reply:
    existing = ctx.store.get(rid)
    if patch:
        if existing is None:
            raise errors.not_found(rid)
        tags = body.get("tags")
        body = merge_patch(existing, body)
        if isinstance(tags, dict):
            body["tags"] = dict(tags)  # ARM replaces the whole tag set on PATCH
    assert rtype.validate_put is not None
    res = rtype.validate_put(ctx, rid, body, copy.deepcopy(existing) if existing else None)
    rest = {k: v for k, v in res.items() if k not in ("id", "name", "type")}
    res = {"id": rid, "name": ids.split_id(rid).name, "type": rtype.type, **rest}
    sync = rtype.put_style == "sync"
    if sync and ctx.deferred_failure is not None:
        raise RuntimeError(f"{rtype.type}: fail_operation() needs a long-running write")
    if rtype.tracks_provisioning:
        state = "Succeeded" if sync else ("Updating" if existing else "Creating")
        res.setdefault("properties", {})["provisioningState"] = state
    ctx.store.put(rid, res)
    status = 200 if existing or patch else 201
    if sync:
        stored = ctx.store.get(rid)
        if rtype.on_provisioned is not None and stored is not None:
            rtype.on_provisioned(ctx, stored)
        return Reply(status, ctx.view(ctx.store.get(rid) or res))
    op = ctx.start_operation(
        rid,
        "update" if existing else "create",
        rtype.type,
        on_success=lambda: _provisioned(ctx, rid, rtype),
        on_failure=lambda _err: _failed(ctx, rid, rtype),
    )
    if rtype.put_style == "private-dns":
        return ctx.lro_reply(op, 202, None, style="private-dns", location=True)
    stored = ctx.store.get(rid) or res
    return ctx.lro_reply(op, status, ctx.view(stored), style=rtype.op_urls)


def _provisioned(ctx: Ctx, rid: str, rtype: ResourceType) -> None:
    if ctx.ops.in_progress(rid) is not None:
        return  # a later write or delete on the same resource owns its state now
    _mark(ctx, rid, rtype, "Succeeded")
    stored = ctx.store.get(rid)
    if stored is not None and rtype.on_provisioned is not None:
        rtype.on_provisioned(ctx, stored)


def _failed(ctx: Ctx, rid: str, rtype: ResourceType) -> None:
    if ctx.ops.in_progress(rid) is None:
        _mark(ctx, rid, rtype, "Failed")


def _mark(ctx: Ctx, rid: str, rtype: ResourceType, state: str) -> None:
    if rtype.tracks_provisioning and ctx.store.get(rid) is not None:
        ctx.set_provisioning_state(rid, state)


def _delete(ctx: Ctx, parsed: ids.ResourceId, rtype: ResourceType) -> Reply:
    check_scope(ctx, parsed, parent_required=False)
    rid = canonical_rid(ctx, parsed, rtype)
    existing = ctx.store.get(rid)
    if existing is None:
        if rtype.delete_missing == 404:
            raise errors.not_found(rid)
        return Reply(204)
    if rtype.check_delete is not None:
        rtype.check_delete(ctx, existing)
    if rtype.delete_style == "sync":
        body = ctx.view(existing)
        ctx.delete_tree(rid)
        return Reply(200, body)
    in_flight = ctx.ops.in_progress(rid)
    if in_flight is not None and in_flight.kind == "delete":
        return _delete_reply(ctx, in_flight, rtype)
    _mark(ctx, rid, rtype, "Deleting")
    op = ctx.start_operation(
        rid,
        "delete",
        rtype.type,
        on_success=lambda: ctx.delete_tree(rid),
        on_failure=lambda _err: _failed(ctx, rid, rtype),
    )
    return _delete_reply(ctx, op, rtype)


def _delete_reply(ctx: Ctx, op: Operation, rtype: ResourceType) -> Reply:
    if rtype.delete_style == "location":
        return ctx.lro_reply(op, 202, None, async_operation=False, location=True)
    return ctx.lro_reply(op, 202, None, style=rtype.op_urls, location=True)


# -- collections and actions -----------------------------------------------------------------
def _collection_or_action(ctx: Ctx, parsed: ids.ResourceId, body: Any) -> Reply:
    if ctx.method == "POST" and parsed.names:
        parent = parsed.collection_owner
        ptype = ctx.resource_type(parent.full_type)
        action = parsed.types[-1].lower()
        handler = None
        if ptype is not None:
            handler = next((h for n, h in ptype.actions.items() if n.lower() == action), None)
        if ptype is not None and handler is not None:
            check_scope(ctx, parent)
            rid = canonical_rid(ctx, parent, ptype)
            if not _exists(ctx, rid):
                raise errors.not_found(rid)
            return as_reply(handler(ctx, rid, body))
    if ctx.method != "GET":
        raise errors.method_not_allowed(ctx.method, ctx.path)
    rtype = _lookup_type(ctx, parsed)
    check_scope(ctx, parsed)
    scope = parsed.collection_owner.id if parsed.names else parsed.scope
    if rtype.list is not None:
        items = rtype.list(ctx, scope)
    else:
        items = ctx.store.list_by_type(rtype.type, scope or None)
    return Reply(200, ctx.page(items))
