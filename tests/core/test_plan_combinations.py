"""Every combination of registry x API server x outbound x hub x network: valid ones build a sound
plan with exactly the steps and dependencies the choice needs; invalid ones are refused by
validate()."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from plan_checks import (
    ancestors,
    body_at,
    check_structure,
    combinations,
    combo_id,
    expected_valid,
    make_spec,
)

from aksiso_tui.findings import has_errors
from aksiso_tui.plan import build_plan
from aksiso_tui.plan.context import PREVIEW_API_VERSION
from aksiso_tui.plan.model import Plan

COMBOS = list(combinations())
VALID = [c for c in COMBOS if expected_valid(**c)]
INVALID = [c for c in COMBOS if not expected_valid(**c)]

REGISTRY_PATH = {
    "registry.acr",
    "registry.cache_rule",
    "registry.private_endpoint",
    "registry.dns_zone",
    "registry.dns_link.spoke",
    "registry.dns_record.registry",
    "registry.dns_record.data",
    "role.acrpull",
}
HUB_STEPS = {
    "hub.vnet",
    "hub.subnet.firewall",
    "hub.public_ip",
    "hub.firewall_policy",
    "hub.rules.aks",
    "hub.rules.allowed",
    "hub.firewall",
    "hub.peering.spoke_to_hub",
    "hub.peering.hub_to_spoke",
    "hub.route_table",
    "hub.route.default",
    "hub.dns_link.apiserver",
}


def _validate():  # type: ignore[no-untyped-def]
    try:
        from aksiso_tui.validate import validate
    except ImportError:  # validate.py is written concurrently
        pytest.skip("aksiso_tui.validate is not there yet")
    return validate


def test_there_are_twelve_valid_combinations() -> None:
    assert len(COMBOS) == 32
    assert len(VALID) == 12


@pytest.mark.parametrize("combo", INVALID, ids=combo_id)
def test_invalid_combination_is_refused(combo: dict[str, Any]) -> None:
    validate = _validate()
    assert has_errors(validate(make_spec(**combo)))


@pytest.mark.parametrize("combo", VALID, ids=combo_id)
def test_valid_combination_passes_validation(combo: dict[str, Any]) -> None:
    validate = _validate()
    findings = validate(make_spec(**combo))
    assert not has_errors(findings), [f.line() for f in findings]


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_build_plan_never_crashes(combo: dict[str, Any]) -> None:
    plan = build_plan(make_spec(**combo))
    ids = plan.ids
    assert len(ids) == len(set(ids))
    for step in plan.steps:
        for dep in step.depends_on:
            assert ids.index(dep) < ids.index(step.id)


@pytest.fixture(params=VALID, ids=combo_id)
def case(request: pytest.FixtureRequest) -> tuple[dict[str, Any], Plan]:
    combo = request.param
    spec = make_spec(**combo)
    return combo, build_plan(spec)


def test_structure(case: tuple[dict[str, Any], Plan]) -> None:
    combo, plan = case
    check_structure(plan, make_spec(**combo))


def test_required_steps_present_or_absent(case: tuple[dict[str, Any], Plan]) -> None:
    combo, plan = case
    ids = set(plan.ids)
    byo = combo["registry"] == "byo"
    custom = combo["network"] == "custom"
    vnet_int = combo["api_server"] == "vnet_integration"
    assert {
        f"providers.register.Microsoft.{n}"
        for n in ("ContainerService", "ContainerRegistry", "Network", "ManagedIdentity")
    } <= ids
    assert {"group", "cluster.create", "verify.show", "verify.system_pods"} <= ids
    assert {"verify.dockerhub_blocked", "verify.mcr_runs"} <= ids
    assert (ids >= REGISTRY_PATH) is byo
    assert not any(i.startswith("registry.") for i in ids) or byo
    assert ("role.acrpull" in ids) is byo
    network_steps = {
        "network.vnet",
        "network.subnet.aks",
        "identity.control_plane",
        "identity.kubelet",
        "role.mi_operator",
        "role.network_contributor.aks_subnet",
    }
    assert (network_steps <= ids) is custom
    assert not (network_steps & ids) or custom
    assert ("network.subnet.acr" in ids) is byo
    assert ("network.subnet.apiserver" in ids) is (custom and vnet_int)
    assert ("role.network_contributor.apiserver_subnet" in ids) is (custom and vnet_int)
    assert (ids >= HUB_STEPS) is combo["hub"]
    assert not any(i.startswith("hub.") for i in ids) or combo["hub"]
    assert ("registry.dns_link.hub" in ids) is (combo["hub"] and byo)
    assert not any(i.startswith(("cluster.read", "cluster.reimage")) for i in ids)


def test_cluster_waits_for_everything_it_references(case: tuple[dict[str, Any], Plan]) -> None:
    _, plan = case
    ids = set(plan.ids)
    up = ancestors(plan, "cluster.create")
    needed = (
        REGISTRY_PATH
        | {
            "network.subnet.aks",
            "network.subnet.apiserver",
            "identity.control_plane",
            "identity.kubelet",
            "role.mi_operator",
            "role.network_contributor.aks_subnet",
            "role.network_contributor.apiserver_subnet",
            "hub.route_table",
            "providers.register.Microsoft.ContainerService",
        }
    ) & ids
    assert needed <= up, needed - up
    # ... and nothing it does not need: the firewall builds in parallel with the cluster.
    assert not up & {"hub.firewall", "hub.route.default", "hub.rules.aks", "registry.dns_link.hub"}
    assert not any(a.startswith("verify.") for a in up)


def test_no_extra_dependencies(case: tuple[dict[str, Any], Plan]) -> None:
    _, plan = case
    ids = set(plan.ids)

    def up(step_id: str) -> set[str]:
        return ancestors(plan, step_id) if step_id in ids else set()

    for identity in ("identity.control_plane", "identity.kubelet"):
        assert up(identity) <= {"group", "providers.register.Microsoft.ManagedIdentity"}
    assert up("registry.acr") <= {"group", "providers.register.Microsoft.ContainerRegistry"}
    assert up("registry.dns_zone") <= {"group", "providers.register.Microsoft.Network"}
    assert not any(a.startswith(("network.", "hub.")) for a in up("registry.cache_rule"))
    for hub_step in ("hub.vnet", "hub.public_ip", "hub.firewall_policy", "hub.firewall"):
        assert not any(
            a.startswith(("network.", "registry.", "identity.", "role.", "cluster."))
            for a in up(hub_step)
        ), hub_step
    if "registry.private_endpoint" in ids:
        deps = set(plan.step("registry.private_endpoint").depends_on)
        assert deps == {"registry.acr", "network.subnet.acr"}
    if "role.acrpull" in ids:
        assert set(plan.step("role.acrpull").depends_on) == {"registry.acr", "identity.kubelet"}
    if "role.mi_operator" in ids:
        assert set(plan.step("role.mi_operator").depends_on) == {
            "identity.control_plane",
            "identity.kubelet",
        }


def test_registry_and_hub_ordering(case: tuple[dict[str, Any], Plan]) -> None:
    combo, plan = case
    ids = set(plan.ids)
    for record in ("registry.dns_record.registry", "registry.dns_record.data"):
        if record in ids:
            assert "registry.private_endpoint" in plan.step(record).depends_on
            assert "registry.dns_zone" in plan.step(record).depends_on
    if "registry.cache_rule" in ids:
        assert plan.step("registry.cache_rule").depends_on == ("registry.acr",)
    if combo["hub"]:
        assert "hub.route_table" in plan.step("network.subnet.aks").depends_on
        assert set(plan.step("hub.route.default").depends_on) == {"hub.route_table", "hub.firewall"}
        assert {"hub.subnet.firewall", "hub.public_ip", "hub.firewall_policy"} <= set(
            plan.step("hub.firewall").depends_on
        )
        assert "cluster.create" in plan.step("hub.dns_link.apiserver").depends_on
        verify = ancestors(plan, "verify.dockerhub_blocked")
        assert {
            "hub.route.default",
            "hub.rules.aks",
            "hub.rules.allowed",
            "hub.peering.spoke_to_hub",
            "hub.peering.hub_to_spoke",
        } <= verify


def test_writes_on_one_vnet_are_chained(case: tuple[dict[str, Any], Plan]) -> None:
    _, plan = case
    for prefix in ("/virtualNetworks/vnet-spoke/", "/virtualNetworks/vnet-hub/"):
        writes = [
            s.id
            for s in plan.steps
            if prefix in s.resource_id and s.kind.startswith("Microsoft.Network/virtualNetworks/")
        ]
        for earlier, later in itertools.pairwise(writes):
            assert earlier in ancestors(plan, later), f"{later} does not wait for {earlier}"


def test_cluster_body_follows_choices(case: tuple[dict[str, Any], Plan]) -> None:
    combo, plan = case
    step = plan.step("cluster.create")
    body = step.body
    assert body_at(body, "properties", "networkProfile", "outboundType") == combo["outbound"]
    assert body_at(body, "properties", "networkProfile", "networkPlugin") == "azure"
    assert body_at(body, "properties", "bootstrapProfile", "artifactSource") == "Cache"
    registry_id = body_at(body, "properties", "bootstrapProfile", "containerRegistryId")
    assert (registry_id is not None) is (combo["registry"] == "byo")
    assert body_at(body, "properties", "apiServerAccessProfile", "enablePrivateCluster") is True
    vnet_int = combo["api_server"] == "vnet_integration"
    custom = combo["network"] == "custom"
    assert (
        bool(body_at(body, "properties", "apiServerAccessProfile", "enableVnetIntegration"))
        is vnet_int
    )
    subnet_id = body_at(body, "properties", "apiServerAccessProfile", "subnetId")
    assert (subnet_id is not None) is (vnet_int and custom)
    pool = body_at(body, "properties", "agentPoolProfiles")[0]
    assert ("vnetSubnetID" in pool) is custom
    identity_type = body_at(body, "identity", "type")
    assert identity_type == ("UserAssigned" if custom else "SystemAssigned")
    kubelet = body_at(body, "properties", "identityProfile", "kubeletidentity", "resourceId")
    assert (kubelet is not None) is custom
    if combo["outbound"] == "block":
        assert step.api_version == PREVIEW_API_VERSION
        assert "preview" in step.note
    else:
        assert step.api_version is None


def test_dockerhub_expectation(case: tuple[dict[str, Any], Plan]) -> None:
    combo, plan = case
    step = plan.step("verify.dockerhub_blocked")
    expected = "Running" if combo["hub"] else "ImagePullBackOff"
    assert step.params["expect"]["status"] == expected
    assert plan.step("verify.mcr_runs").params["expect"]["status"] == "Running"
    if combo["hub"]:
        assert "runs" in step.title


def test_hub_without_docker_hub_expects_pull_failure() -> None:
    plan = build_plan(make_spec(hub=True, allow_fqdns=["example.com"]))
    step = plan.step("verify.dockerhub_blocked")
    assert step.params["expect"]["status"] == "ImagePullBackOff"
    assert "hub.rules.allowed" in plan.ids
    empty = build_plan(make_spec(hub=True, allow_fqdns=[]))
    assert "hub.rules.allowed" not in empty.ids
    check_structure(empty, make_spec(hub=True, allow_fqdns=[]))
