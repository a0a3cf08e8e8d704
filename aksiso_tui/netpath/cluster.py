"""What a cluster resource says about its network: region, artifact source, outbound type, VNet.

Shared by the egress and registry-path reasoning and by the audit, over clusters in the ARM
response shape.
"""

from __future__ import annotations

from aksiso_tui.netpath.aks_lookup import Json, props, vnet_of_subnet


def region_of(resource: Json | None) -> str:
    """A resource's location as ARM spells region names (`swedencentral`)."""
    return str((resource or {}).get("location") or "").replace(" ", "").lower()


def artifact_source(cluster: Json) -> str:
    """The cluster's bootstrapProfile.artifactSource (`Direct` when unset)."""
    source = (props(cluster).get("bootstrapProfile") or {}).get("artifactSource") or "Direct"
    return "Cache" if str(source).lower() == "cache" else "Direct"


def outbound_type(cluster: Json) -> str:
    """The cluster's outbound type as stored (`loadBalancer` when unset)."""
    return str((props(cluster).get("networkProfile") or {}).get("outboundType") or "loadBalancer")


def pool_profile(cluster: Json, pool: str | None) -> Json:
    """The named agent pool profile (the first one when `pool` is None or unknown)."""
    pools = list(props(cluster).get("agentPoolProfiles") or [])
    if pool:
        for entry in pools:
            if str(entry.get("name", "")).lower() == pool.lower():
                return dict(entry)
    return dict(pools[0]) if pools else {}


def node_vnet(cluster: Json, pool: str | None = None) -> str | None:
    """The VNet of the (first, or named) pool's subnet; None for an AKS-managed VNet."""
    sid = pool_profile(cluster, pool).get("vnetSubnetID")
    return vnet_of_subnet(str(sid)) if sid else None
