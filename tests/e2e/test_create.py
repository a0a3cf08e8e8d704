"""Create scenarios end to end: every example and every valid combination of choices, through
the real azure-mgmt aio clients against the emulator.

Each run must succeed with every check passing; the emulator must then hold exactly the plan's
resources (plus what Azure itself adds: NICs, node pools, the node resource group) with the
plan's settings; and a second apply must report every step `unchanged` with no write at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from aksiso_tui.azure.compare import differences
from aksiso_tui.emulator import EmulatorServer
from aksiso_tui.engine.refs import resolve
from aksiso_tui.plan import build_plan
from aksiso_tui.plan.model import Operation, Plan
from aksiso_tui.spec import Scenario
from aksiso_tui.validate import validate
from tests.core.plan_checks import combinations, combo_id, make_spec
from tests.e2e.helpers import EXAMPLES, Applied, apply, load, props, requests, writes

# What Azure adds in the user's resource group besides the plan's own resources.
SIDE_EFFECT_TYPES = {
    "microsoft.network/networkinterfaces",  # the private endpoint's NIC
    "microsoft.containerservice/managedclusters/agentpools",
    "microsoft.network/privatednszones/soa",  # every zone's SOA record
    "microsoft.containerregistry/registries/privateendpointconnections",
}


def create_examples() -> list[Path]:
    out = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        spec, _ = load(path)
        if spec.scenario is Scenario.CREATE:
            out.append(path)
    return out


def valid_combinations() -> list[dict[str, Any]]:
    found = []
    for combo in combinations():
        spec = make_spec(**combo)
        if not any(f.severity.value == "error" for f in validate(spec)):
            found.append(combo)
    return found


def resource_ids(plan: Plan, applied: Applied) -> dict[str, str]:
    """step id -> the id the ensure step recorded."""
    outputs = applied.result.outputs
    return {s.id: str(outputs[s.id]["id"]) for s in plan.steps if s.operation is Operation.ENSURE}


def stored_resource(emu: EmulatorServer, rid: str) -> dict[str, Any] | None:
    """A stored resource as ARM shows it (a cluster with its pools embedded)."""
    res = emu.state.get(rid)
    if (
        res is not None
        and res.get("type", "").lower() == "microsoft.containerservice/managedclusters"
    ):
        pools = emu.state.list_by_type(
            "Microsoft.ContainerService/managedClusters/agentPools", scope=res["id"]
        )
        res = {**res, "properties": {**props(res)}}
        res["properties"]["agentPoolProfiles"] = [{"name": p["name"], **props(p)} for p in pools]
    return res


def check_state(emu: EmulatorServer, plan: Plan, applied: Applied, group: str) -> None:
    ids = resource_ids(plan, applied)
    outputs = applied.result.outputs
    for step in plan.steps:
        if step.operation is not Operation.ENSURE:
            continue
        stored = stored_resource(emu, ids[step.id])
        assert stored is not None, f"{step.id}: {ids[step.id]} missing"
        body = resolve(step.body, outputs)
        if "kubernetes_version" in step.params:
            body["properties"].pop("kubernetesVersion", None)
            for pool in body["properties"]["agentPoolProfiles"]:
                pool.pop("orchestratorVersion", None)
        assert differences(body, stored) == [], step.id
    # Exactly the intended resources in the user's resource group.
    expected = {rid.lower() for rid in ids.values()}
    extra = [
        res["id"]
        for res in emu.state
        if f"/resourcegroups/{group.lower()}/" in res["id"].lower()
        and res["id"].lower() not in expected
        and str(res.get("type", "")).lower() not in SIDE_EFFECT_TYPES
    ]
    assert extra == [], extra


def check_key_properties(emu: EmulatorServer, plan: Plan, applied: Applied) -> None:
    out = applied.result.outputs
    ids = resource_ids(plan, applied)
    cluster = stored_resource(emu, ids["cluster.create"])
    assert cluster is not None
    cp = props(cluster)
    assert cp["bootstrapProfile"]["artifactSource"] == "Cache"
    assert cp["networkProfile"]["outboundType"] in ("none", "block")
    assert cp["apiServerAccessProfile"]["enablePrivateCluster"] is True
    if "registry.private_endpoint" in out:
        pe = out["registry.private_endpoint"]
        record = emu.state.get(ids["registry.dns_record.registry"])
        data = emu.state.get(ids["registry.dns_record.data"])
        assert props(record)["aRecords"] == [{"ipv4Address": pe["registry_ip"]}]
        assert props(data)["aRecords"] == [{"ipv4Address": pe["data_ip"]}]
        assert pe["registry_ip"] != pe["data_ip"]
        nic = emu.state.get(pe["nic_id"])
        assert nic is not None
    if "hub.firewall" in out:
        route = emu.state.get(ids["hub.route.default"])
        assert props(route)["nextHopIpAddress"] == out["hub.firewall"]["private_ip"]
        link = ids["hub.dns_link.apiserver"]
        assert out["cluster.create"]["node_resource_group"].lower() in link.lower()
    for sid, result in applied.result.steps.items():
        if sid.startswith("verify."):
            assert result.status.value == "unchanged", sid


async def create_twice(emu: EmulatorServer, plan: Plan, group: str) -> None:
    first = await apply(emu.base_url, plan)
    assert first.result.exit_code == 0, first.describe_failures()
    check_state(emu, plan, first, group)
    check_key_properties(emu, plan, first)
    before = len(await requests(emu.base_url))
    second = await apply(emu.base_url, plan)
    assert second.result.exit_code == 0, second.describe_failures()
    assert set(second.statuses.values()) == {"unchanged"}, second.statuses
    assert writes((await requests(emu.base_url))[before:]) == []


@pytest.mark.parametrize("path", create_examples(), ids=lambda p: p.stem)
async def test_example_creates_and_reapplies_unchanged(
    emulator: EmulatorServer, path: Path
) -> None:
    spec, plan = load(path)
    await create_twice(emulator, plan, spec.resource_group)


@pytest.mark.parametrize("combo", valid_combinations(), ids=combo_id)
async def test_combination_creates_and_reapplies_unchanged(
    emulator: EmulatorServer, combo: dict[str, Any]
) -> None:
    spec = make_spec(**combo)
    await create_twice(emulator, build_plan(spec), spec.resource_group)


def test_there_are_valid_combinations_to_run() -> None:
    assert len(valid_combinations()) == 12
