"""What the wizard's migrate, disable and audit screens ask about clusters that already exist.

The screens never call Azure themselves (STYLE habit 2): they ask `ExistingClusters`, which opens
a `ClientFactory` on the wizard's `Backend` for each question and answers with the building
blocks the command line uses too — `azure.discover.list_clusters` for the picker,
`commands.existing.check_existing` (gather + pre-flight + where the run starts) for the pre-flight
step, `azure.gather` + `audit.audit` for the audit. Only GETs are sent.

`ClusterFacts` is what the wizard prefills a migration with: the cluster's own VNet and node
subnet as discovered, and a free range in that VNet for the registry's private endpoint subnet
(an existing `snet-acr` if there is one).

This module imports neither Textual nor, at import time, the Azure SDK.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aksiso_tui.netpath.aks_lookup import last_segment, props, vnet_of_subnet

if TYPE_CHECKING:
    from aksiso_tui.audit import AuditReport
    from aksiso_tui.audit.snapshot import Snapshot
    from aksiso_tui.azure.discover import ClusterSummary
    from aksiso_tui.commands.existing import ExistingCheck
    from aksiso_tui.commands.wizard_backend import Backend
    from aksiso_tui.spec import Spec

Json = dict[str, Any]
ACR_SUBNET_NAME = "snet-acr"


@dataclass(frozen=True)
class ClusterFacts:
    """What a migration of one cluster is prefilled with."""

    cluster_id: str
    network: Json | None
    """`NetworkSpec` data (VNet, node subnet) when the nodes are in the operator's own VNet in
    the cluster's resource group; None for an AKS-managed VNet."""
    acr_subnet: Json | None
    """A subnet for a BYO registry's private endpoint: an existing one, else a free range."""
    other_group: str = ""
    """The resource group of a custom VNet that is not the cluster's (not prefilled)."""


def _networks(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def free_prefix(space: str, used: list[str], prefixlen: int = 24) -> str | None:
    """The first range of size `prefixlen` (or smaller, down to /28) in `space` that overlaps
    none of `used`."""
    net = _networks(space)
    if net is None:
        return None
    taken = [n for n in (_networks(u) for u in used) if n is not None]
    for size in range(max(prefixlen, net.prefixlen), min(29, net.max_prefixlen + 1)):
        for candidate in net.subnets(new_prefix=size):
            if not any(candidate.overlaps(t) for t in taken):
                return str(candidate)
    return None


def facts_of(snapshot: Snapshot, cluster_id: str, resource_group: str) -> ClusterFacts:
    """The prefill for a migration of the snapshot's cluster (pure)."""
    pools = props(snapshot.cluster).get("agentPoolProfiles") or []
    subnet_ids = [str(p["vnetSubnetID"]) for p in pools if p.get("vnetSubnetID")]
    if not subnet_ids:
        return ClusterFacts(cluster_id, None, None)
    subnet_id = subnet_ids[0]
    vnet_id = vnet_of_subnet(subnet_id)
    group = vnet_id.split("/")[4] if len(vnet_id.split("/")) > 4 else ""
    vnet = snapshot.get(vnet_id)
    if vnet is None or group.lower() != resource_group.lower():
        return ClusterFacts(cluster_id, None, None, other_group=group)
    spaces = (props(vnet).get("addressSpace") or {}).get("addressPrefixes") or []
    subnets = props(vnet).get("subnets") or []
    by_name = {str(s.get("name")): props(s) for s in subnets}
    node = by_name.get(last_segment(subnet_id)) or props(snapshot.get(subnet_id))
    if not spaces or not node.get("addressPrefix"):
        return ClusterFacts(cluster_id, None, None)
    network = {
        "vnet": {"name": last_segment(vnet_id), "address_space": str(spaces[0])},
        "aks_subnet": {"name": last_segment(subnet_id), "prefix": str(node["addressPrefix"])},
    }
    acr: Json | None = None
    if ACR_SUBNET_NAME in by_name and by_name[ACR_SUBNET_NAME].get("addressPrefix"):
        acr = {"name": ACR_SUBNET_NAME, "prefix": str(by_name[ACR_SUBNET_NAME]["addressPrefix"])}
    else:
        used = [str(p.get("addressPrefix")) for p in by_name.values() if p.get("addressPrefix")]
        prefix = free_prefix(str(spaces[0]), used)
        if prefix is not None:
            acr = {"name": ACR_SUBNET_NAME, "prefix": prefix}
    return ClusterFacts(cluster_id, network, acr)


class ExistingClusters:
    """The wizard's questions about existing clusters, answered through its backend."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    async def list_clusters(self, subscription: str) -> list[ClusterSummary]:
        from aksiso_tui.azure.discover import list_clusters

        async with self.backend.factory(subscription) as factory:
            return await list_clusters(factory)

    async def facts(self, subscription: str, cluster_id: str, resource_group: str) -> ClusterFacts:
        from aksiso_tui.azure.gather import gather_cluster

        async with self.backend.factory(subscription) as factory:
            snapshot = await gather_cluster(factory, cluster_id)
        return facts_of(snapshot, cluster_id, resource_group)

    async def check(self, spec: Spec) -> ExistingCheck:
        from aksiso_tui.commands.existing import check_existing

        async with self.backend.factory(spec.subscription) as factory:
            return await check_existing(factory, spec)

    async def audit(self, subscription: str, cluster_id: str) -> AuditReport:
        from aksiso_tui.audit import audit
        from aksiso_tui.azure.gather import gather_cluster

        async with self.backend.factory(subscription) as factory:
            snapshot = await gather_cluster(factory, cluster_id)
        return audit(snapshot, cluster_id)
