"""One place that builds the azure-mgmt aio clients for a Target.

Each client module is imported only when a step first needs it, so a plan that never touches the
firewall never imports the (large) network SDK's firewall models, and `aksiso` starts fast.
`preload(names)` imports the modules a plan will need in a background thread as the run starts
(the network SDK alone takes most of a second of CPU): without it the first step to use a client
pays the import on the event loop, stalling every other step in flight.

For a plain-HTTP loopback target, each client gets its own bearer policy that allows HTTP: the
only knob that works for every client, including the SDK's automatic provider registration
sub-requests (arm-reference/http_local.md). Policies hold a `next` pointer, so never share one.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable
from typing import Any

from aksiso_tui.azure.target import Target

_CLIENTS: dict[str, tuple[str, str, bool]] = {
    # name: (module, class, takes subscription_id)
    "resource": ("azure.mgmt.resource.resources.aio", "ResourceManagementClient", True),
    "subscription": ("azure.mgmt.resource.subscriptions.aio", "SubscriptionClient", False),
    "features": ("azure.mgmt.resource.features.aio", "FeatureClient", True),
    "network": ("azure.mgmt.network.aio", "NetworkManagementClient", True),
    "containerservice": ("azure.mgmt.containerservice.aio", "ContainerServiceClient", True),
    "containerregistry": (
        "azure.mgmt.containerregistry.aio",
        "ContainerRegistryManagementClient",
        True,
    ),
    "privatedns": ("azure.mgmt.privatedns.aio", "PrivateDnsManagementClient", True),
    "msi": ("azure.mgmt.msi.aio", "ManagedServiceIdentityClient", True),
    "authorization": ("azure.mgmt.authorization.aio", "AuthorizationManagementClient", True),
}


def _http_bearer_policy(credential: Any, scope: str) -> Any:
    from azure.core.pipeline.policies import AsyncBearerTokenCredentialPolicy

    class _AllowHttpBearer(AsyncBearerTokenCredentialPolicy):  # type: ignore[misc]
        async def on_request(self, request: Any) -> None:
            request.context["enforce_https"] = False
            await super().on_request(request)

    return _AllowHttpBearer(credential, scope)


class ClientFactory:
    """Lazily built, cached aio clients for one subscription on one target."""

    def __init__(
        self,
        target: Target,
        credential: Any,
        subscription_id: str,
        *,
        polling_interval: float | None = None,
        retry_backoff_factor: float | None = None,
    ) -> None:
        self.target = target
        self.credential = credential
        self.subscription_id = subscription_id
        self.polling_interval = (
            polling_interval if polling_interval is not None else (0.05 if target.local else 10.0)
        )
        self.retry_backoff_factor = retry_backoff_factor
        self._clients: dict[str, Any] = {}

    def kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {
            "base_url": self.target.arm_endpoint,
            "credential_scopes": [self.target.scope],
            "polling_interval": self.polling_interval,
        }
        if self.target.allow_http:
            kw["authentication_policy"] = _http_bearer_policy(self.credential, self.target.scope)
        if self.retry_backoff_factor is not None:
            kw["retry_backoff_factor"] = self.retry_backoff_factor
        return kw

    def preload(self, names: Iterable[str]) -> threading.Thread | None:
        """Import the modules of the clients `names` (in that order) in a daemon thread.

        A step that needs a module meanwhile waits on Python's import lock for that module only.
        Import errors are left for `get()` to raise where a step can report them."""
        modules = list(dict.fromkeys(_CLIENTS[n][0] for n in names if n in _CLIENTS))
        if not modules:
            return None

        def work() -> None:
            for module in modules:
                try:
                    importlib.import_module(module)
                except Exception:  # get() raises it again, where a step reports it
                    continue

        thread = threading.Thread(target=work, name="aksiso-preload", daemon=True)
        thread.start()
        return thread

    def get(self, name: str, api_version: str | None = None) -> Any:
        """The client `name`; with `api_version`, a separate client pinned to that version
        (the generated operations always send the client's configured api-version)."""
        key = f"{name}@{api_version}" if api_version else name
        if key not in self._clients:
            module_name, class_name, takes_sub = _CLIENTS[name]
            cls = getattr(importlib.import_module(module_name), class_name)
            kw = self.kwargs()
            if api_version:
                kw["api_version"] = api_version
            if takes_sub:
                client = cls(self.credential, self.subscription_id, **kw)
            else:
                client = cls(self.credential, **kw)
            self._clients[key] = client
        return self._clients[key]

    def __getattr__(self, name: str) -> Any:
        if name in _CLIENTS:
            return self.get(name)
        raise AttributeError(name)

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients.clear()

    async def __aenter__(self) -> ClientFactory:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
