"""Migrate and disable on the emulator's `demo` seed: AKS's order (Cache, reimage every pool,
then outbound none) is what the emulator accepts; a wrong order is refused; a run killed right
after the Cache update resumes at the reimage."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerservice.aio import ContainerServiceClient

from aksiso_tui.emulator import EmulatorServer
from aksiso_tui.emulator.testing import make_client
from aksiso_tui.engine import Journal, RunHandle, StepFinished, load_journal
from tests.e2e.helpers import EXAMPLES, apply, load, props, requests, writes


@pytest.fixture
async def seeded() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(time_scale=0.0, seed="demo") as emu:
        yield emu


def cluster_props(emu: EmulatorServer, rg: str, name: str) -> dict:
    rid = (
        f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/{rg}"
        f"/providers/Microsoft.ContainerService/managedClusters/{name}"
    )
    res = emu.state.get(rid)
    assert res is not None
    return props(res)


async def test_migrate_runs_in_aks_order_and_reapplies_unchanged(seeded: EmulatorServer) -> None:
    spec, plan = load(EXAMPLES / "migrate-existing.yaml")
    applied = await apply(seeded.base_url, plan)
    assert applied.result.exit_code == 0, applied.describe_failures()
    for sid in ("cluster.bootstrap_cache", "cluster.reimage", "cluster.outbound"):
        assert applied.statuses[sid] == "succeeded", sid
    order = [e.step_id for e in applied.events if isinstance(e, StepFinished)]
    assert (
        order.index("cluster.bootstrap_cache")
        < order.index("cluster.reimage")
        < order.index("cluster.outbound")
    )
    p = cluster_props(seeded, spec.resource_group, spec.cluster.name)
    assert p["networkProfile"]["outboundType"] == "none"
    assert p["bootstrapProfile"]["artifactSource"] == "Cache"
    assert p["bootstrapProfile"]["containerRegistryId"].endswith(spec.registry.name)
    before = len(await requests(seeded.base_url))
    again = await apply(seeded.base_url, plan)
    assert set(again.statuses.values()) == {"unchanged"}, again.statuses
    log = (await requests(seeded.base_url))[before:]
    assert writes(log) == []
    assert not [e for e in log if "upgradeNodeImageVersion" in e["path"]]


async def test_emulator_refuses_cache_and_none_in_one_update(seeded: EmulatorServer) -> None:
    async with make_client(ContainerServiceClient, seeded.base_url) as aks:
        cluster = await aks.managed_clusters.get("rg-demo-migrate", "aks-ready-to-migrate")
        cluster.bootstrap_profile = {"artifactSource": "Cache"}
        cluster.network_profile.outbound_type = "none"
        with pytest.raises(HttpResponseError) as caught:
            poller = await aks.managed_clusters.begin_create_or_update(
                "rg-demo-migrate", "aks-ready-to-migrate", cluster
            )
            await poller.result()
    assert caught.value.error is not None
    assert caught.value.error.code == "InvalidNetworkIsolatedClusterConfiguration"


async def test_killed_after_cache_update_resumes_at_the_reimage(
    seeded: EmulatorServer,
) -> None:
    _spec, plan = load(EXAMPLES / "migrate-existing.yaml")
    handle = RunHandle()
    journal = Journal()

    def stop_after_cache(event: object) -> None:
        if isinstance(event, StepFinished) and event.step_id == "cluster.bootstrap_cache":
            handle.cancel("simulated kill after the Cache update")

    first = await apply(
        seeded.base_url, plan, handle=handle, subscribers=[journal, stop_after_cache]
    )
    assert first.statuses["cluster.bootstrap_cache"] == "succeeded"
    assert "cluster.reimage" not in first.statuses or first.statuses["cluster.reimage"] in (
        "cancelled",
    )
    assert journal.run_id is not None
    state = load_journal(journal.run_id)
    before = len(await requests(seeded.base_url))
    resumed = await apply(seeded.base_url, plan, resume_from=state)
    assert resumed.result.exit_code == 0, resumed.describe_failures()
    assert resumed.statuses["cluster.reimage"] == "succeeded"
    assert resumed.statuses["cluster.outbound"] == "succeeded"
    assert resumed.result.steps["cluster.bootstrap_cache"].resumed
    log = (await requests(seeded.base_url))[before:]
    upgrades = [e for e in log if e["method"] == "POST" and "upgradeNodeImageVersion" in e["path"]]
    assert upgrades, "the resumed run did not reimage"
    cluster_puts = [
        e for e in writes(log) if e["path"].lower().endswith("managedclusters/aks-ready-to-migrate")
    ]
    assert len(cluster_puts) == 1  # only the outbound update; the Cache update is not repeated


async def test_disable_on_the_demo_seed(seeded: EmulatorServer) -> None:
    spec, plan = load(EXAMPLES / "disable-isolation.yaml")
    applied = await apply(seeded.base_url, plan)
    assert applied.result.exit_code == 0, applied.describe_failures()
    assert applied.statuses["cluster.disable"] == "succeeded"
    assert applied.statuses["cluster.reimage"] == "succeeded"
    p = cluster_props(seeded, spec.resource_group, spec.cluster.name)
    assert p["networkProfile"]["outboundType"] == "loadBalancer"
    assert p["bootstrapProfile"]["artifactSource"] == "Direct"
