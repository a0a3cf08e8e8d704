"""What a provider hook gets: the emulator's state plus the current request (:class:`Ctx`), and
what a handler may answer (:class:`Reply`).

``Emulator`` is the one object holding a server's state (store, clock, operations, faults,
registry); a fresh ``Ctx`` wraps it per request with the request's base URL, api-version and
query, and offers the helpers providers need: ``view``, ``location_of``, ``start_operation``,
``lro_reply``, ``delete_tree``, ``page``, ``fail_operation``.

Failing a write late: a ``validate_put`` (or an action) that accepts the request but knows the
long-running operation will end ``Failed`` (AKS nodes that cannot bootstrap) calls
``ctx.fail_operation(ArmError(...))``. The next operation this request starts is then decided to
fail with that error: the client gets its normal 201/200 + ``Azure-AsyncOperation``, the status
poll answers ``Failed`` with the error, and the resource ends ``provisioningState: Failed``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aksiso_tui.emulator import ids
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.faults import Faults
from aksiso_tui.emulator.lro import (
    Clock,
    Operation,
    Operations,
    retry_after_headers,
    typical_seconds,
)
from aksiso_tui.emulator.routing import Registry, ResourceType
from aksiso_tui.emulator.store import Store

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "11111111-1111-1111-1111-111111111111"
PAGE_SIZE = 100


@dataclass
class Reply:
    """An HTTP answer: status, JSON body (None: empty) and extra headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Emulator:
    """One emulator's state, shared by every request."""

    store: Store
    registry: Registry
    clock: Clock
    faults: Faults
    ops: Operations = field(init=False)
    subscription_id: str = SUBSCRIPTION_ID
    tenant_id: str = TENANT_ID
    page_size: int = PAGE_SIZE
    runtime: dict[str, Any] = field(default_factory=dict)
    """In-memory provider state that is neither persisted nor a resource (cleared on reset)."""

    def __post_init__(self) -> None:
        self.ops = Operations(self.clock)


@dataclass
class Ctx:
    """Per-request context handed to every provider hook."""

    emu: Emulator
    base_url: str
    """``http://127.0.0.1:PORT`` as the client addressed us (for absolute URLs in headers)."""
    path: str
    api_version: str
    query: dict[str, str]
    method: str = "GET"
    deferred_failure: dict[str, Any] | None = field(default=None, repr=False)
    """Set by :meth:`fail_operation`; consumed by the next :meth:`start_operation`."""

    @property
    def store(self) -> Store:
        return self.emu.store

    @property
    def ops(self) -> Operations:
        return self.emu.ops

    @property
    def clock(self) -> Clock:
        return self.emu.clock

    @property
    def faults(self) -> Faults:
        return self.emu.faults

    @property
    def subscription_id(self) -> str:
        return self.emu.subscription_id

    @property
    def tenant_id(self) -> str:
        return self.emu.tenant_id

    def url(self, path: str, api_version: str | None = None) -> str:
        """Absolute URL on this server, with ``?api-version=``."""
        return f"{self.base_url}{path}?api-version={api_version or self.api_version}"

    def resource_type(self, rtype: str) -> ResourceType | None:
        return self.emu.registry.resource_type(rtype)

    def view(self, resource: dict[str, Any]) -> dict[str, Any]:
        """The response shape of a stored resource (its type's ``view`` hook)."""
        rtype = self.resource_type(str(resource.get("type", "")))
        if rtype is not None and rtype.view is not None:
            return rtype.view(self, resource)
        return resource

    def location_of(self, rid: str) -> str:
        """The location of ``rid`` or its nearest located ancestor ('global' if none)."""
        current = rid
        while current:
            res = self.store.get(current)
            if res is not None and res.get("location"):
                return str(res["location"]).replace(" ", "").lower()
            current = ids.parent_id(current)
        return "global"

    def update(self, rid: str, change: Callable[[dict[str, Any]], None]) -> dict[str, Any] | None:
        """Copy the stored resource, apply ``change`` to the copy, store it; returns the copy."""
        res = self.store.get(rid)
        if res is None:
            return None
        new = copy.deepcopy(res)
        change(new)
        self.store.put(rid, new)
        return new

    def set_provisioning_state(self, rid: str, state: str) -> None:
        def change(res: dict[str, Any]) -> None:
            res.setdefault("properties", {})["provisioningState"] = state

        self.update(rid, change)

    def delete_tree(self, rid: str) -> None:
        """Remove ``rid`` and everything below it, children first, running ``on_delete``."""
        root = self.store.get(rid)
        doomed = self.store.children(rid)
        doomed.reverse()
        if root is not None:
            doomed.append(root)
        for res in doomed:
            if self.store.get(res["id"]) is None:
                continue
            rtype = self.resource_type(str(res.get("type", "")))
            if rtype is not None and rtype.on_delete is not None:
                rtype.on_delete(self, res)
            self.store.delete(res["id"])

    # -- long-running operations ----------------------------------------------------------
    def fail_operation(self, error: ArmError | dict[str, Any]) -> None:
        """Make the next operation this request starts end ``Failed`` with ``error`` (an
        :class:`ArmError` or an ARM ``error`` object). Call it from ``validate_put`` to fail the
        write's LRO once it completes, or from an action before ``start_operation``. Only for
        long-running writes: a ``sync`` type has no operation to fail (the framework refuses)."""
        self.deferred_failure = error.error_object() if isinstance(error, ArmError) else error

    def start_operation(
        self,
        rid: str,
        kind: str,
        rtype: str | None = None,
        *,
        azure_seconds: float | None = None,
        on_success: Callable[[], None] | None = None,
        on_failure: Callable[[dict[str, Any]], None] | None = None,
        result: dict[str, Any] | None = None,
        can_fault: bool = True,
    ) -> Operation:
        """Start an LRO on ``rid`` lasting the type's typical duration (or ``azure_seconds``).
        It ends ``Failed`` if :meth:`fail_operation` was called during this request, or (with
        ``can_fault``) when ``--faults lro_fail`` draws a failure."""
        seconds = azure_seconds
        if seconds is None:
            declared = self.resource_type(rtype or "") if rtype else None
            seconds = declared.duration if declared and declared.duration is not None else None
            if seconds is None:
                seconds = typical_seconds(rtype or "")
        error, self.deferred_failure = self.deferred_failure, None
        if error is None and can_fault:
            error = self.faults.lro_failure()
        return self.ops.start(
            rid,
            kind,
            seconds,
            on_success=on_success,
            on_failure=on_failure,
            error=error,
            result=result,
        )

    def operation_urls(self, op: Operation, namespace: str, style: str) -> tuple[str, str]:
        """(Azure-AsyncOperation URL, Location URL) of an operation, per RP convention."""
        sub = f"/subscriptions/{self.subscription_id}"
        if style == "resource":
            base = ids.canonical(op.resource_id)
            return (
                self.url(f"{base}/operationStatuses/{op.id}"),
                self.url(f"{base}/operationResults/{op.id}"),
            )
        if style == "private-dns":
            rg = ids.resource_group_id(op.resource_id) or sub
            prefix = f"{rg}/providers/Microsoft.Network"
            return (
                self.url(f"{prefix}/privateDnsOperationStatuses/{op.id}"),
                self.url(f"{prefix}/privateDnsOperationResults/{op.id}"),
            )
        loc = self.location_of(op.resource_id)
        prefix = f"{sub}/providers/{namespace}/locations/{loc}"
        return (
            self.url(f"{prefix}/operations/{op.id}"),
            self.url(f"{prefix}/operationResults/{op.id}"),
        )

    def lro_reply(
        self,
        op: Operation,
        status: int,
        body: Any = None,
        *,
        namespace: str | None = None,
        style: str = "location",
        async_operation: bool = True,
        location: bool | str = False,
    ) -> Reply:
        """An LRO answer: ``Azure-AsyncOperation`` and/or ``Location`` (True: the operation
        result URL; a string: that URL) plus the poll delay headers."""
        ns = namespace or ids.split_id(op.resource_id).namespace
        status_url, result_url = self.operation_urls(op, ns, style)
        headers: dict[str, str] = {}
        if async_operation:
            headers["Azure-AsyncOperation"] = status_url
        if location:
            headers["Location"] = location if isinstance(location, str) else result_url
        headers.update(retry_after_headers(self.clock, self.ops.remaining(op)))
        return Reply(status, body, headers)

    # -- lists ------------------------------------------------------------------------------
    def page(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        """One page of a list answer (``$skiptoken`` offsets) with an absolute ``nextLink``."""
        try:
            start = max(0, int(self.query.get("$skiptoken", "0")))
        except ValueError:
            start = 0
        end = start + self.emu.page_size
        body: dict[str, Any] = {"value": [self.view(r) for r in items[start:end]]}
        if end < len(items):
            params = {k: v for k, v in self.query.items() if k not in ("$skiptoken", "api-version")}
            params["$skiptoken"] = str(end)
            body["nextLink"] = self.url(self.path) + "&" + urlencode(params)
        return body
