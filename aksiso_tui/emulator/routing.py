"""How the emulator finds the code that answers a request: providers, resource types, routes.

Adding a provider: one file under ``providers/``, then its module name in
``providers/__init__.py``::

    from aksiso_tui.emulator.routing import Provider, ResourceType, tracked_resource
    from aksiso_tui.emulator.errors import bad_request

    def _put_vnet(ctx, rid, body, existing):          # validate, return the resource to store
        props = body.get("properties") or {}
        if not props.get("addressSpace"):
            raise bad_request("addressSpace is required", code="InvalidRequestFormat")
        return tracked_resource(rid, body, existing)  # id/name/type/location/tags/sku/identity

    def _view_vnet(ctx, res):                          # GET shape: embed child resources
        out = dict(res, properties=dict(res["properties"]))
        subnets = ctx.store.list_by_type(SUBNETS, res["id"])
        out["properties"]["subnets"] = [ctx.view(s) for s in subnets]
        return out

    PROVIDER = Provider("Microsoft.Network", types=[
        ResourceType("Microsoft.Network/virtualNetworks", validate_put=_put_vnet, view=_view_vnet),
        ResourceType("Microsoft.Network/virtualNetworks/subnets", validate_put=_put_subnet),
    ])

The framework (``handlers.py``) does the rest for every declared type: path parsing
(case-insensitive), parent checks (``ResourceGroupNotFound``/``ParentResourceNotFound``), canonical
ids, ``provisioningState`` and the LRO protocol named by ``put_style``/``delete_style``, 200 vs 201,
GET/HEAD/PATCH/list with ``nextLink`` paging, cascade deletes. Hooks receive a :class:`Ctx` (store,
clock, operations, faults, request) and raise :class:`~aksiso_tui.emulator.errors.ArmError` to fail.

* ``put_style``: ``"async-operation"`` (201/200 + ``Azure-AsyncOperation``; network, AKS, ACR),
  ``"private-dns"`` (202 + ``Azure-AsyncOperation`` + ``Location``), ``"sync"`` (plain 200/201:
  groups, identities, role assignments, DNS record sets).
* ``delete_style``: ``"async-operation"`` (202 + both headers), ``"location"`` (202 + ``Location``,
  resource groups), ``"sync"`` (200; 204 when absent). ``delete_missing``: 204 or 404.
* ``op_urls``: where operation status lives: ``"location"``
  (``/subscriptions/{sub}/providers/{ns}/locations/{loc}/operations/{id}``), ``"resource"``
  (``{id}/operationStatuses/{id}``, ACR), ``"private-dns"`` (``privateDnsOperationStatuses``).
* ``actions``: POST ``{id}/{action}`` handlers ``(ctx, rid, body) -> Reply | dict``; start an LRO
  with ``ctx.start_operation`` and answer with ``ctx.lro_reply``.
* ``routes``: anything that is not a resource (``/subscriptions``, ``.../checkNameAvailability``,
  ``.../commandResults/{id}``): ``Route("GET", "/subscriptions/{sub}/locations", handler)``,
  handler ``(ctx, params, body) -> Reply | dict``. Routes are tried before resource types.
* ``get``/``list`` replace the store for computed resources (built-in role definitions).

Rules of thumb: ``validate_put`` gets a private copy of ``existing`` (None on create) and must
not store the resource itself (the framework does, then sets id/name/type/provisioningState);
a PATCH arrives as the existing resource merge-patched with the body. Put side effects that
need the write to have succeeded in ``on_provisioned``. A write Azure accepts but whose operation
later fails (nodes that cannot bootstrap) calls ``ctx.fail_operation(ArmError(...))`` in
``validate_put``: the client gets the normal LRO answer, then a ``Failed`` status with that error,
and the resource ends ``provisioningState: Failed``. ``ctx.store.get`` returns live dicts:
change resources with ``ctx.update(rid, fn)`` or ``store.put``. ``ctx.ops.in_progress(rid)``
tells whether a write is still running (``AnotherOperationInProgress`` / ``OperationNotAllowed``).
Tracked resources validate their region with ``providers.resources.validate_location``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from aksiso_tui.emulator.context import Ctx, Reply

PutStyle = Literal["async-operation", "private-dns", "sync"]
DeleteStyle = Literal["async-operation", "location", "sync"]
OpUrls = Literal["location", "resource", "private-dns"]

Resource = dict[str, Any]
PutHook = Callable[["Ctx", str, dict[str, Any], Resource | None], Resource]
ViewHook = Callable[["Ctx", Resource], Resource]
ResourceHook = Callable[["Ctx", Resource], None]
ActionHook = Callable[["Ctx", str, Any], "Reply | dict[str, Any]"]
GetHook = Callable[["Ctx", str], Resource | None]
ListHook = Callable[["Ctx", str], list[Resource]]
RouteHook = Callable[["Ctx", dict[str, str], Any], "Reply | dict[str, Any]"]


@dataclass
class ResourceType:
    """One ARM resource type served by a provider, and how its writes behave."""

    type: str
    """Full ARM type in Azure's casing, e.g. ``Microsoft.Network/virtualNetworks/subnets``."""
    validate_put: PutHook | None = None
    """``(ctx, rid, body, existing) -> resource``: validate a PUT (or a PATCH merged onto the
    existing resource) and return what to store. None makes the type read-only."""
    view: ViewHook | None = None
    """``(ctx, resource) -> dict``: the response shape (embed children here). Default: as stored."""
    check_delete: ResourceHook | None = None
    """Raise ArmError to refuse an explicit DELETE (e.g. a subnet still in use)."""
    on_delete: ResourceHook | None = None
    """Side effects when the resource is removed, also in a cascade (e.g. a PE removes its NIC)."""
    on_provisioned: ResourceHook | None = None
    """Side effects once a create/update succeeds (e.g. AKS creates its node resource group)."""
    actions: dict[str, ActionHook] = field(default_factory=dict)
    put_style: PutStyle = "async-operation"
    delete_style: DeleteStyle = "async-operation"
    delete_missing: Literal[204, 404] = 204
    op_urls: OpUrls = "location"
    duration: float | None = None
    """Typical Azure seconds for a write; None: ``lro.TYPICAL_SECONDS`` by type."""
    tracks_provisioning: bool = True
    """Set ``properties.provisioningState`` (role assignments have none)."""
    get: GetHook | None = None
    list: ListHook | None = None


@dataclass
class Route:
    """A non-resource endpoint. ``template`` uses ``{param}`` placeholders (one path segment
    each) and matches case-insensitively; the handler gets the params by name."""

    method: str
    template: str
    handler: RouteHook
    pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template.rstrip("/")))
        self.pattern = re.compile(f"^{regex}/?$", re.IGNORECASE)


@dataclass
class Provider:
    """A resource provider namespace: its resource types and extra routes."""

    namespace: str
    types: list[ResourceType] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)


class Registry:
    """All providers, indexed by lower-cased type and namespace."""

    def __init__(self, providers: Iterable[Provider] = ()) -> None:
        self.providers: list[Provider] = []
        self._types: dict[str, ResourceType] = {}
        self._namespaces: set[str] = set()
        self._routes: list[Route] = []
        for provider in providers:
            self.add(provider)

    def add(self, provider: Provider) -> None:
        self.providers.append(provider)
        self._namespaces.add(provider.namespace.lower())
        for rtype in provider.types:
            key = rtype.type.lower()
            if key in self._types:
                raise ValueError(f"resource type {rtype.type} is registered twice")
            self._types[key] = rtype
            self._namespaces.add(rtype.type.split("/", 1)[0].lower())
        self._routes.extend(provider.routes)

    def resource_type(self, full_type: str) -> ResourceType | None:
        return self._types.get(full_type.lower())

    def knows_namespace(self, namespace: str) -> bool:
        return namespace.lower() in self._namespaces

    def match_route(
        self, method: str, path: str
    ) -> tuple[Route, dict[str, str]] | Literal[False] | None:
        """The route for (method, path); False if the path matches only other methods."""
        path_matched = False
        for route in self._routes:
            m = route.pattern.match(path)
            if m is None:
                continue
            if route.method == method:
                return route, m.groupdict()
            path_matched = True
        return False if path_matched else None


TOP_LEVEL_KEYS = (
    "location",
    "tags",
    "sku",
    "identity",
    "kind",
    "zones",
    "plan",
    "extendedLocation",
    "managedBy",
)


def tracked_resource(
    rid: str, body: dict[str, Any], existing: Resource | None, *, rtype: str | None = None
) -> Resource:
    """A resource dict from a PUT body: ARM's common top-level fields plus a copy of
    ``properties``. Id, name and type are (re)set by the framework after validate_put."""
    res: Resource = {}
    if existing is not None:
        for key in ("location",):
            if key in existing:
                res[key] = existing[key]
    for key in TOP_LEVEL_KEYS:
        if key in body and body[key] is not None:
            res[key] = copy.deepcopy(body[key])
    if isinstance(res.get("location"), str):
        res["location"] = res["location"].replace(" ", "").lower()
    res["properties"] = copy.deepcopy(body.get("properties") or {})
    if rtype:
        res["type"] = rtype
    return res


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (ARM PATCH semantics); returns a new object."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out
