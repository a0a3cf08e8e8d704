"""Resource provider registration and preview features (Microsoft.Resources providers API and
Microsoft.Features).

``POST .../providers/{ns}/register`` answers ``Registering``; a GET after a short (scaled) delay
says ``Registered``. Features work the same way. Final states are kept in ``store.meta`` (so they
persist); the "still registering until" deadlines live in ``emu.runtime`` (they don't).
"""

from __future__ import annotations

from typing import Any

from aksiso_tui import durations
from aksiso_tui.emulator.context import Ctx
from aksiso_tui.emulator.errors import ArmError, subscription_not_found
from aksiso_tui.emulator.routing import Provider, Route

REGISTRATION_SECONDS = durations.PROVIDER_REGISTER
"""Typical Azure time for a provider or feature registration to complete."""

# Namespace -> registration state of a fresh subscription.
KNOWN_NAMESPACES: dict[str, str] = {
    "Microsoft.ContainerService": "NotRegistered",
    "Microsoft.ContainerRegistry": "NotRegistered",
    "Microsoft.Network": "Registered",
    "Microsoft.ManagedIdentity": "Registered",
    "Microsoft.Authorization": "Registered",
    "Microsoft.Resources": "Registered",
    "Microsoft.Features": "Registered",
}
KNOWN_FEATURES: list[str] = [
    "Microsoft.ContainerService/NetworkIsolatedClusterPreview",
    "Microsoft.ContainerService/EnableAPIServerVnetIntegrationPreview",
    "Microsoft.ContainerService/AKS-PrometheusAddonPreview",
    "Microsoft.Network/AllowBringYourOwnPublicIpAddress",
]


def _check_sub(ctx: Ctx, sub: str) -> None:
    if sub.lower() != ctx.subscription_id:
        raise subscription_not_found(sub)


def _state(ctx: Ctx, kind: str, key: str, default: str) -> str:
    """Current registration state; a due 'Registering' becomes 'Registered'."""
    final = ctx.store.meta.get(kind, {}).get(key.lower(), default)
    due = ctx.emu.runtime.get(kind, {}).get(key.lower())
    if due is not None:
        if ctx.clock.now() < due:
            return "Registering"
        ctx.emu.runtime[kind].pop(key.lower(), None)
    return str(final)


def _register(ctx: Ctx, kind: str, key: str, current: str, target: str) -> str:
    """Start (un)registration; returns the state to answer now."""
    if current == target:
        return current
    meta = dict(ctx.store.meta.get(kind, {}))
    meta[key.lower()] = target
    ctx.store.meta[kind] = meta
    ctx.store.mark_changed()
    if target == "Registered":
        due = ctx.clock.now() + ctx.clock.scaled(REGISTRATION_SECONDS)
        ctx.emu.runtime.setdefault(kind, {})[key.lower()] = due
        return "Registering"
    return "Unregistered"


# -- providers -------------------------------------------------------------------------------
def _namespace(ctx: Ctx, ns: str) -> str:
    for known in KNOWN_NAMESPACES:
        if known.lower() == ns.lower():
            return known
    raise ArmError(404, "InvalidResourceNamespace", f"The resource namespace '{ns}' is invalid.")


def _provider_body(ctx: Ctx, ns: str, state: str | None = None) -> dict[str, Any]:
    types = sorted(
        {
            t.type.split("/", 1)[1]
            for p in ctx.emu.registry.providers
            for t in p.types
            if t.type.split("/", 1)[0].lower() == ns.lower()
        }
    )
    return {
        "id": f"/subscriptions/{ctx.subscription_id}/providers/{ns}",
        "namespace": ns,
        "registrationState": state or _state(ctx, "providers", ns, KNOWN_NAMESPACES[ns]),
        "registrationPolicy": "RegistrationRequired",
        "resourceTypes": [
            {"resourceType": t, "locations": [], "apiVersions": [], "capabilities": "None"}
            for t in types
        ],
    }


def _list_providers(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    return {"value": [_provider_body(ctx, ns) for ns in KNOWN_NAMESPACES]}


def _get_provider(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    return _provider_body(ctx, _namespace(ctx, params["ns"]))


def _register_provider(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    ns = _namespace(ctx, params["ns"])
    current = _state(ctx, "providers", ns, KNOWN_NAMESPACES[ns])
    return _provider_body(ctx, ns, _register(ctx, "providers", ns, current, "Registered"))


def _unregister_provider(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    ns = _namespace(ctx, params["ns"])
    current = _state(ctx, "providers", ns, KNOWN_NAMESPACES[ns])
    return _provider_body(ctx, ns, _register(ctx, "providers", ns, current, "Unregistered"))


# -- features --------------------------------------------------------------------------------
def _feature_key(ctx: Ctx, ns: str, name: str) -> str:
    wanted = f"{ns}/{name}".lower()
    for known in KNOWN_FEATURES:
        if known.lower() == wanted:
            return known
    raise ArmError(404, "FeatureNotFound", f"The feature '{name}' could not be found.")


def _feature_body(ctx: Ctx, key: str, state: str | None = None) -> dict[str, Any]:
    ns, name = key.split("/", 1)
    return {
        "id": f"/subscriptions/{ctx.subscription_id}/providers/Microsoft.Features/providers/"
        f"{ns}/features/{name}",
        "name": key,
        "type": "Microsoft.Features/providers/features",
        "properties": {"state": state or _state(ctx, "features", key, "NotRegistered")},
    }


def _get_feature(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    return _feature_body(ctx, _feature_key(ctx, params["ns"], params["name"]))


def _register_feature(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    key = _feature_key(ctx, params["ns"], params["name"])
    current = _state(ctx, "features", key, "NotRegistered")
    return _feature_body(ctx, key, _register(ctx, "features", key, current, "Registered"))


def _unregister_feature(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    key = _feature_key(ctx, params["ns"], params["name"])
    current = _state(ctx, "features", key, "NotRegistered")
    return _feature_body(ctx, key, _register(ctx, "features", key, current, "Unregistered"))


def _list_features(ctx: Ctx, params: dict[str, str], body: Any) -> dict[str, Any]:
    _check_sub(ctx, params["sub"])
    ns = params.get("ns")
    keys = [k for k in KNOWN_FEATURES if ns is None or k.split("/", 1)[0].lower() == ns.lower()]
    return {"value": [_feature_body(ctx, k) for k in keys]}


_FEATURES = "/subscriptions/{sub}/providers/Microsoft.Features"
PROVIDER = Provider(
    "Microsoft.Features",
    routes=[
        Route("GET", "/subscriptions/{sub}/providers", _list_providers),
        Route("GET", "/subscriptions/{sub}/providers/{ns}", _get_provider),
        Route("POST", "/subscriptions/{sub}/providers/{ns}/register", _register_provider),
        Route("POST", "/subscriptions/{sub}/providers/{ns}/unregister", _unregister_provider),
        Route("GET", _FEATURES + "/features", _list_features),
        Route("GET", _FEATURES + "/providers/{ns}/features", _list_features),
        Route("GET", _FEATURES + "/providers/{ns}/features/{name}", _get_feature),
        Route("POST", _FEATURES + "/providers/{ns}/features/{name}/register", _register_feature),
        Route(
            "POST", _FEATURES + "/providers/{ns}/features/{name}/unregister", _unregister_feature
        ),
    ],
)
