"""Where a migrate or disable run starts on an existing cluster (pure: cluster bodies in,
lines out), and the pre-flight of `disable` on the demo seed read through the SDK."""

from __future__ import annotations

from typing import Any

import pytest

from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.config import load_spec_file
from aksiso_tui.findings import Severity
from aksiso_tui.plan import build_plan
from aksiso_tui.preflight import preflight
from aksiso_tui.preflight.stage import Stage, starting_point
from aksiso_tui.spec import DisableOutboundType, Spec
from tests.e2e.helpers import EXAMPLES
from tests.existing.demo import ISOLATED, READY, snapshot

REG = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-demo-migrate"
    "/providers/Microsoft.ContainerRegistry/registries/"
)


def spec(path: str = "migrate-existing.yaml", **changes: Any) -> Spec:
    loaded, findings = load_spec_file(str(EXAMPLES / path))
    assert loaded is not None, findings
    return loaded.model_copy(update=changes)


def cluster(source: str, outbound: str, registry: str = "") -> dict[str, Any]:
    boot: dict[str, Any] = {"artifactSource": source}
    if registry:
        boot["containerRegistryId"] = REG + registry
    return {"properties": {"bootstrapProfile": boot, "networkProfile": {"outboundType": outbound}}}


def test_direct_cluster_runs_every_cluster_step() -> None:
    start = starting_point(cluster("Direct", "loadBalancer"), spec())
    assert start.stage is Stage.NOT_ISOLATED
    assert start.changes == {
        "cluster.bootstrap_cache": True,
        "cluster.reimage": True,
        "cluster.outbound": True,
    }
    assert "switch the artifact source to Cache (registry acrdemomigrate01)" in "\n".join(
        start.lines
    )


def test_half_migrated_cluster_starts_at_the_reimage() -> None:
    start = starting_point(cluster("Cache", "loadBalancer", "acrdemomigrate01"), spec())
    assert start.stage is Stage.HALF_MIGRATED
    assert start.changes == {
        "cluster.bootstrap_cache": False,
        "cluster.reimage": True,
        "cluster.outbound": True,
    }
    text = "\n".join(start.lines)
    assert "half-migrated" in text and "--resume RUN_ID" in text


def test_half_migrated_with_another_registry_sends_the_new_id() -> None:
    start = starting_point(cluster("Cache", "loadBalancer", "acrold"), spec())
    assert start.will_change("cluster.bootstrap_cache") and start.will_change("cluster.reimage")
    assert "change the registry from acrold to acrdemomigrate01" in "\n".join(start.lines)


def test_isolated_cluster_changing_registry_reimages_but_keeps_outbound() -> None:
    start = starting_point(cluster("Cache", "none", "acrold"), spec())
    assert start.stage is Stage.ISOLATED
    assert start.changes == {
        "cluster.bootstrap_cache": True,
        "cluster.reimage": True,
        "cluster.outbound": False,
    }


def test_isolated_cluster_with_the_same_registry_has_nothing_to_change() -> None:
    start = starting_point(cluster("Cache", "none", "acrdemomigrate01"), spec())
    assert not any(start.changes.values())
    assert "  Nothing to change: the run only verifies the cluster." in start.lines


@pytest.mark.parametrize(
    ("source", "outbound", "changes"),
    [("Cache", "none", True), ("Direct", "loadBalancer", False), ("Direct", "none", True)],
)
def test_disable_start(source: str, outbound: str, changes: bool) -> None:
    start = starting_point(cluster(source, outbound), spec("disable-isolation.yaml"))
    assert start.changes == {"cluster.disable": changes, "cluster.reimage": changes}


def test_the_migrate_plan_hands_the_found_state_to_the_reimage() -> None:
    step = next(s for s in build_plan(spec()).steps if s.id == "cluster.reimage")
    assert {"found_artifact_source", "found_outbound_type"} <= set(step.params)
    disable = next(
        s for s in build_plan(spec("disable-isolation.yaml")).steps if s.id == ("cluster.reimage")
    )
    assert "found_artifact_source" not in disable.params


async def test_disable_preflight_ignores_isolation_limits_and_checks_the_outbound(
    factory: ClientFactory,
) -> None:
    disable = spec("disable-isolation.yaml")
    assert preflight(await snapshot(factory, ISOLATED), disable) == []
    udr = disable.model_copy(
        update={"outbound_after_disable": DisableOutboundType.USER_DEFINED_ROUTING}
    )
    findings = preflight(await snapshot(factory, ISOLATED), udr)
    assert [f.severity for f in findings] == [Severity.ERROR]
    assert findings[0].where.endswith("/subnets/snet-aks")
    nat = disable.model_copy(
        update={"outbound_after_disable": DisableOutboundType.MANAGED_NAT_GATEWAY}
    )
    findings = preflight(await snapshot(factory, READY), nat)
    assert [f.where for f in findings] == ["outbound_after_disable"]
