"""Discover: the subscription's AKS clusters, live from ARM, as one summary line each.

What the wizard's "pick a cluster" list and `aksiso audit`'s error messages show: name, resource
group, location, Kubernetes version, outbound type, artifact source, API server mode and the
node pools with their OS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aksiso_tui.azure.arm_id import parse
from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.resources import to_wire
from aksiso_tui.netpath.aks_lookup import props
from aksiso_tui.netpath.cluster import artifact_source, outbound_type

Json = dict[str, Any]


@dataclass(frozen=True)
class PoolSummary:
    name: str
    os_type: str
    count: int
    mode: str


@dataclass(frozen=True)
class ClusterSummary:
    """One existing cluster, as the migrate / disable / audit pickers list it."""

    id: str
    name: str
    resource_group: str
    location: str
    kubernetes_version: str
    outbound_type: str
    artifact_source: str
    api_server_mode: str
    """`public`, `private_link` or `vnet_integration`."""
    pools: tuple[PoolSummary, ...] = field(default_factory=tuple)

    @property
    def isolated(self) -> bool:
        """Configured as network isolated (the audit says whether it really is)."""
        return self.artifact_source == "Cache" and self.outbound_type.lower() in ("none", "block")


def api_server_mode(cluster: Json) -> str:
    profile = props(cluster).get("apiServerAccessProfile") or {}
    if profile.get("enableVnetIntegration"):
        return "vnet_integration"
    if profile.get("enablePrivateCluster"):
        return "private_link"
    return "public"


def summarize(cluster: Json) -> ClusterSummary:
    """A cluster in wire format as a summary."""
    p = props(cluster)
    rid = str(cluster.get("id") or "")
    pools = tuple(
        PoolSummary(
            name=str(pool.get("name") or ""),
            os_type=str(pool.get("osType") or "Linux"),
            count=int(pool.get("count") or 0),
            mode=str(pool.get("mode") or "User"),
        )
        for pool in p.get("agentPoolProfiles") or []
    )
    return ClusterSummary(
        id=rid,
        name=str(cluster.get("name") or ""),
        resource_group=parse(rid).resource_group or "" if rid else "",
        location=str(cluster.get("location") or ""),
        kubernetes_version=str(p.get("currentKubernetesVersion") or p.get("kubernetesVersion")),
        outbound_type=outbound_type(cluster),
        artifact_source=artifact_source(cluster),
        api_server_mode=api_server_mode(cluster),
        pools=pools,
    )


async def list_clusters(factory: ClientFactory) -> list[ClusterSummary]:
    """Every cluster in the factory's subscription, sorted by resource group and name."""
    client = factory.get("containerservice")
    found = [summarize(to_wire(c)) async for c in client.managed_clusters.list()]
    return sorted(found, key=lambda c: (c.resource_group.lower(), c.name.lower()))
