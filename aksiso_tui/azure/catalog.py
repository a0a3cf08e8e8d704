"""The wizard's `ArmCatalog` over Azure Resource Manager (or any ARM, such as the emulator).

Lists subscriptions, resource groups, locations, Kubernetes versions and VNets, and checks
whether a registry name is free, through the azure-mgmt aio clients built by `ClientFactory`.
The SDK is imported inside the methods (through the factory), so constructing an `AzureCatalog`
costs nothing and the wizard's first screen appears before any Azure module is loaded.

Any failure is raised as `CatalogUnavailable` with a one-line reason; the wizard shows it and
lets the operator type the value.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.target import LoginRequired, Target, async_credential, check_login
from aksiso_tui.ui.catalog import (
    CatalogUnavailable,
    CredentialStatus,
    Location,
    SubnetInfo,
    Subscription,
    VnetInfo,
    sort_versions,
)

T = TypeVar("T")

_NO_SUBSCRIPTION = "no-subscription"


class AzureCatalog:
    """Live answers from ARM for one target (a cloud or an `--arm-endpoint`)."""

    def __init__(self, target: Target, credential: Any = None) -> None:
        self.target = target
        self.label = "emulator" if target.local else target.cloud
        self._credential = credential
        self._factories: dict[str, ClientFactory] = {}

    @property
    def credential(self) -> Any:
        if self._credential is None:
            self._credential = async_credential(self.target)
        return self._credential

    def _clients(self, subscription: str) -> ClientFactory:
        key = subscription or _NO_SUBSCRIPTION
        if key not in self._factories:
            self._factories[key] = ClientFactory(self.target, self.credential, subscription)
        return self._factories[key]

    async def _call(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            return await call()
        except LoginRequired as exc:
            raise CatalogUnavailable("not signed in: run `az login`") from exc
        except CatalogUnavailable:
            raise
        except Exception as exc:
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            first_line = str(message).splitlines()[0] if message else type(exc).__name__
            raise CatalogUnavailable(f"could not list {what}: {first_line}") from exc

    async def credential_status(self) -> CredentialStatus:
        if self.target.local:
            return CredentialStatus(True, f"local emulator at {self.target.arm_endpoint}")
        try:
            await check_login(self.target, self.credential)
        except LoginRequired:
            return CredentialStatus(False, "not signed in: run `az login`, or type the values")
        except Exception as exc:
            return CredentialStatus(False, f"sign-in failed: {type(exc).__name__}")
        return CredentialStatus(True, f"signed in ({self.target.cloud})")

    async def list_subscriptions(self) -> list[Subscription]:
        async def call() -> list[Subscription]:
            client = self._clients("").get("subscription")
            return [
                Subscription(s.subscription_id, s.display_name or "", s.tenant_id or "")
                async for s in client.subscriptions.list()
            ]

        return await self._call("subscriptions", call)

    async def list_resource_groups(self, subscription: str) -> list[str]:
        async def call() -> list[str]:
            client = self._clients(subscription).get("resource")
            return sorted([g.name async for g in client.resource_groups.list()])

        return await self._call("resource groups", call)

    async def list_locations(self, subscription: str) -> list[Location]:
        async def call() -> list[Location]:
            client = self._clients(subscription).get("subscription")
            found = [
                Location(loc.name, loc.display_name or loc.name)
                async for loc in client.subscriptions.list_locations(subscription)
                if getattr(getattr(loc, "metadata", None), "region_type", "Physical")
                in (None, "Physical")
            ]
            return sorted(found, key=lambda loc: loc.display_name)

        return await self._call("locations", call)

    async def list_kubernetes_versions(self, subscription: str, location: str) -> list[str]:
        async def call() -> list[str]:
            client = self._clients(subscription).get("containerservice")
            result = await client.managed_clusters.list_kubernetes_versions(location)
            versions: list[str] = []
            # Newer SDK models are mappings, so the field `values` is exposed as `values_property`.
            minors = getattr(result, "values_property", None)
            if minors is None and not callable(getattr(result, "values", None)):
                minors = result.values
            for minor in minors or []:
                patches = list((minor.patch_versions or {}).keys())
                versions.extend(patches or [minor.version])
            return sort_versions(versions)

        return await self._call("Kubernetes versions", call)

    async def list_vnets(
        self, subscription: str, resource_group: str | None = None
    ) -> list[VnetInfo]:
        async def call() -> list[VnetInfo]:
            client = self._clients(subscription).get("network")
            pages = (
                client.virtual_networks.list(resource_group)
                if resource_group
                else client.virtual_networks.list_all()
            )
            vnets = []
            async for vnet in pages:
                group = (vnet.id or "").split("/")[4] if vnet.id else resource_group or ""
                subnets = tuple(
                    SubnetInfo(
                        s.name or "",
                        s.address_prefix or ", ".join(s.address_prefixes or []),
                        ", ".join(d.service_name or "" for d in s.delegations or []),
                    )
                    for s in vnet.subnets or []
                )
                space = (
                    tuple(vnet.address_space.address_prefixes or []) if vnet.address_space else ()
                )
                vnets.append(VnetInfo(vnet.name or "", group, vnet.location or "", space, subnets))
            return vnets

        return await self._call("VNets", call)

    async def check_registry_name(self, subscription: str, name: str) -> tuple[bool, str]:
        async def call() -> tuple[bool, str]:
            client = self._clients(subscription).get("containerregistry")
            status = await client.registries.check_name_availability(
                {"name": name, "type": "Microsoft.ContainerRegistry/registries"}
            )
            return bool(status.name_available), status.message or status.reason or ""

        return await self._call("registry names", call)

    async def close(self) -> None:
        for factory in self._factories.values():
            await factory.close()
        self._factories.clear()
        close = getattr(self._credential, "close", None)
        if close is not None and not self.target.local:
            await close()
