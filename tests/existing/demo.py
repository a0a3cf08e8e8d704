"""Ids of the demo seed's resources and helpers for the existing-cluster tests.

Helpers read a snapshot, or change a resource with a GET-modify-PUT through the typed clients,
the way a person in the portal would break a working setup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aksiso_tui.audit import Snapshot
from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.gather import gather_cluster
from aksiso_tui.azure.resources import read, write
from aksiso_tui.emulator import SUBSCRIPTION_ID

SUB = SUBSCRIPTION_ID
LOC = "swedencentral"


def rg_id(rg: str) -> str:
    return f"/subscriptions/{SUB}/resourceGroups/{rg}"


def res_id(rg: str, rtype: str, name: str) -> str:
    return f"{rg_id(rg)}/providers/{rtype}/{name}"


def cluster_id(rg: str, name: str) -> str:
    return res_id(rg, "Microsoft.ContainerService/managedClusters", name)


LEGACY = cluster_id("rg-demo-legacy", "aks-legacy-129")
WINDOWS = cluster_id("rg-demo-windows", "aks-windows-pool")
READY = cluster_id("rg-demo-migrate", "aks-ready-to-migrate")
ISOLATED = cluster_id("rg-demo-isolated", "aks-already-isolated")
FIREWALL = cluster_id("rg-demo-firewall", "aks-behind-firewall")

ISO_RG = "rg-demo-isolated"
ISO_REGISTRY = res_id(ISO_RG, "Microsoft.ContainerRegistry/registries", "acrdemoisolated01")
ISO_ZONE = res_id(ISO_RG, "Microsoft.Network/privateDnsZones", "privatelink.azurecr.io")
ISO_VNET = res_id(ISO_RG, "Microsoft.Network/virtualNetworks", "vnet-aks-isolated")
ISO_SUBNET = f"{ISO_VNET}/subnets/snet-aks"


async def snapshot(factory: ClientFactory, cid: str, **kw: Any) -> Snapshot:
    return await gather_cluster(factory, cid, **kw)


async def edit(factory: ClientFactory, rid: str, change: Callable[[dict[str, Any]], None]) -> None:
    """GET the resource, apply `change` to its wire body, PUT it back (waits for the LRO)."""
    body = await read(factory, rid)
    assert body is not None, rid
    change(body)
    for key in ("id", "name", "type", "etag", "systemData"):
        body.pop(key, None)
    await write(factory, rid, body)
