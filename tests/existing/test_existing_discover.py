"""Discover lists the demo subscription's clusters, live, through the real SDK."""

from __future__ import annotations

from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.discover import ClusterSummary, PoolSummary, list_clusters
from tests.existing.demo import LOC


async def test_discover_lists_the_five_demo_clusters(factory: ClientFactory) -> None:
    clusters = {c.name: c for c in await list_clusters(factory)}
    assert set(clusters) == {
        "aks-legacy-129",
        "aks-windows-pool",
        "aks-ready-to-migrate",
        "aks-already-isolated",
        "aks-behind-firewall",
    }
    legacy = clusters["aks-legacy-129"]
    assert isinstance(legacy, ClusterSummary)
    assert (legacy.resource_group, legacy.location) == ("rg-demo-legacy", LOC)
    assert legacy.kubernetes_version == "1.29.15"
    assert (legacy.outbound_type, legacy.artifact_source) == ("loadBalancer", "Direct")
    assert legacy.api_server_mode == "public"
    assert not legacy.isolated

    windows = clusters["aks-windows-pool"]
    assert {(p.name, p.os_type, p.mode) for p in windows.pools} == {
        ("nodepool1", "Linux", "System"),
        ("win1", "Windows", "User"),
    }

    ready = clusters["aks-ready-to-migrate"]
    assert ready.resource_group == "rg-demo-migrate"
    assert ready.api_server_mode == "private_link"
    assert ready.pools == (PoolSummary("nodepool1", "Linux", 3, "System"),)
    assert ready.id.endswith("/managedClusters/aks-ready-to-migrate")

    for name in ("aks-already-isolated", "aks-behind-firewall"):
        c = clusters[name]
        assert (c.outbound_type, c.artifact_source, c.isolated) == ("none", "Cache", True)
