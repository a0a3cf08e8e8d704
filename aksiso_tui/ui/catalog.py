"""What the wizard may ask Azure: a small async protocol, and an offline implementation of it.

Screens never call Azure (STYLE habit 2). They ask an `ArmCatalog` for the lists they offer —
subscriptions, resource groups, locations, Kubernetes versions, VNets — and whether a registry name
is free. `aksiso_tui.azure.catalog.AzureCatalog` answers from Azure Resource Manager (or the local
emulator); `OfflineCatalog` answers from a fixed dataset, for snapshot tests, for the demo until
the embedded emulator is wired in, and when nothing answers. Every list is optional to the wizard:
when a call fails, the screen says so and the operator types the value.

This module imports neither Textual nor the Azure SDK.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


class CatalogUnavailable(RuntimeError):
    """The catalog cannot answer (offline, not logged in); the message is shown to the operator."""


@dataclass(frozen=True)
class CredentialStatus:
    ok: bool
    """True when a token could be had (or none is needed, as with the emulator)."""
    detail: str
    """One line for the operator: who is signed in, or what to do (`az login`)."""


@dataclass(frozen=True)
class Subscription:
    id: str
    name: str
    tenant_id: str = ""


@dataclass(frozen=True)
class Location:
    name: str
    """Programmatic name, e.g. `swedencentral`."""
    display_name: str
    """e.g. "Sweden Central"."""


@dataclass(frozen=True)
class SubnetInfo:
    name: str
    prefix: str
    delegated_to: str = ""
    """Service the subnet is delegated to (`Microsoft.ContainerService/managedClusters`), if any."""


@dataclass(frozen=True)
class VnetInfo:
    name: str
    resource_group: str
    location: str
    address_space: tuple[str, ...]
    subnets: tuple[SubnetInfo, ...] = ()


@runtime_checkable
class ArmCatalog(Protocol):
    """The live data the wizard offers. Every method may raise `CatalogUnavailable`."""

    label: str
    """Where answers come from, for the header: "Azure", "demo emulator", "offline"."""

    async def credential_status(self) -> CredentialStatus: ...

    async def list_subscriptions(self) -> list[Subscription]: ...

    async def list_resource_groups(self, subscription: str) -> list[str]: ...

    async def list_locations(self, subscription: str) -> list[Location]: ...

    async def list_kubernetes_versions(self, subscription: str, location: str) -> list[str]:
        """Versions AKS offers in `location`, newest first."""
        ...

    async def list_vnets(
        self, subscription: str, resource_group: str | None = None
    ) -> list[VnetInfo]: ...

    async def check_registry_name(self, subscription: str, name: str) -> tuple[bool, str]:
        """(available, reason). Reason is empty when available."""
        ...

    async def close(self) -> None: ...


@dataclass
class CatalogData:
    """A fixed answer to every catalog question."""

    subscriptions: list[Subscription] = field(default_factory=list)
    resource_groups: dict[str, list[str]] = field(default_factory=dict)
    """Resource group names per subscription id."""
    locations: list[Location] = field(default_factory=list)
    kubernetes_versions: list[str] = field(default_factory=list)
    vnets: dict[str, list[VnetInfo]] = field(default_factory=dict)
    """VNets per subscription id."""
    taken_registry_names: set[str] = field(default_factory=set)
    credential: CredentialStatus = CredentialStatus(True, "no sign-in needed")


class OfflineCatalog:
    """An `ArmCatalog` over a `CatalogData`; with no data, every call says it is offline."""

    def __init__(self, data: CatalogData | None = None, label: str = "offline") -> None:
        self.data = data
        self.label = label

    def _need(self) -> CatalogData:
        if self.data is None:
            raise CatalogUnavailable("offline: nothing to list, type the value")
        return self.data

    async def credential_status(self) -> CredentialStatus:
        if self.data is None:
            return CredentialStatus(False, "offline: no Azure connection; values are typed in")
        return self.data.credential

    async def list_subscriptions(self) -> list[Subscription]:
        return list(self._need().subscriptions)

    async def list_resource_groups(self, subscription: str) -> list[str]:
        return sorted(self._need().resource_groups.get(subscription, []))

    async def list_locations(self, subscription: str) -> list[Location]:
        return list(self._need().locations)

    async def list_kubernetes_versions(self, subscription: str, location: str) -> list[str]:
        return sort_versions(self._need().kubernetes_versions)

    async def list_vnets(
        self, subscription: str, resource_group: str | None = None
    ) -> list[VnetInfo]:
        vnets = self._need().vnets.get(subscription, [])
        if resource_group:
            vnets = [v for v in vnets if v.resource_group.lower() == resource_group.lower()]
        return list(vnets)

    async def check_registry_name(self, subscription: str, name: str) -> tuple[bool, str]:
        data = self._need()
        if name.lower() in {n.lower() for n in data.taken_registry_names}:
            return False, f"The registry name {name} is already in use."
        return True, ""

    async def close(self) -> None:
        return None


def sort_versions(versions: Sequence[str]) -> list[str]:
    """Kubernetes versions newest first (numeric, not string, order)."""

    def key(version: str) -> tuple[int, ...]:
        parts = []
        for part in version.split("."):
            digits = "".join(ch for ch in part if ch.isdigit())
            parts.append(int(digits) if digits else 0)
        return tuple(parts)

    return sorted(versions, key=key, reverse=True)


DEMO_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
"""The emulator's one subscription (DESIGN.md)."""


def demo_data() -> CatalogData:
    """What the demo shows: the emulator's subscription with a few groups and VNets."""
    return CatalogData(
        subscriptions=[Subscription(DEMO_SUBSCRIPTION, "aksiso emulator", "local")],
        resource_groups={DEMO_SUBSCRIPTION: ["rg-aks-cluster", "rg-hub", "rg-platform"]},
        locations=[
            Location("swedencentral", "Sweden Central"),
            Location("westeurope", "West Europe"),
            Location("northeurope", "North Europe"),
            Location("germanywestcentral", "Germany West Central"),
            Location("uksouth", "UK South"),
            Location("eastus", "East US"),
            Location("eastus2", "East US 2"),
            Location("westus3", "West US 3"),
            Location("australiaeast", "Australia East"),
            Location("japaneast", "Japan East"),
        ],
        kubernetes_versions=["1.33.2", "1.32.6", "1.31.10", "1.30.14", "1.29.15"],
        vnets={
            DEMO_SUBSCRIPTION: [
                VnetInfo(
                    "vnet-spoke",
                    "rg-aks-cluster",
                    "swedencentral",
                    ("192.168.0.0/16",),
                    (
                        SubnetInfo("snet-aks", "192.168.1.0/24"),
                        SubnetInfo("snet-acr", "192.168.2.0/24"),
                    ),
                ),
                VnetInfo(
                    "vnet-hub",
                    "rg-hub",
                    "swedencentral",
                    ("10.0.0.0/22",),
                    (SubnetInfo("AzureFirewallSubnet", "10.0.0.0/26"),),
                ),
            ]
        },
        taken_registry_names={"contoso", "acrdemo", "myregistry"},
        credential=CredentialStatus(True, "demo: signed in to the local emulator"),
    )


def make_demo_catalog() -> ArmCatalog:
    """The catalog behind `aksiso --demo`.

    Hook for the emulator work: once the embedded emulator runs inside the wizard, return
    `AzureCatalog` pointed at its loopback endpoint instead, so the demo lists what the emulator
    holds. Until then the demo answers from `demo_data()`.
    """
    return OfflineCatalog(demo_data(), label="demo")
