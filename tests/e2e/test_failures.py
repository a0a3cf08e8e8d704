"""Azure being difficult: injected faults, a registry name taken elsewhere, a DNS record that
belongs to another cluster. The run must converge despite transient faults, and stop with Azure's
error (never overwrite) where a conflict is real, while independent steps still finish."""

from __future__ import annotations

from azure.mgmt.containerregistry.aio import ContainerRegistryManagementClient
from azure.mgmt.privatedns.aio import PrivateDnsManagementClient
from azure.mgmt.resource.resources.aio import ResourceManagementClient

from aksiso_tui.emulator import EmulatorServer
from aksiso_tui.emulator.testing import make_client
from aksiso_tui.plan.model import Plan
from tests.e2e.helpers import EXAMPLES, apply, count_by_type, load, props

FAULTS = "throttle=0.2,server_error=0.1,principal_not_found=3,seed=11"


def descendants(plan: Plan, step_id: str) -> set[str]:
    found: set[str] = set()
    for step in plan.steps:
        if step_id in step.depends_on or found & set(step.depends_on):
            found.add(step.id)
    return found


async def test_faults_converge_to_the_same_end_state() -> None:
    _spec, plan = load(EXAMPLES / "hub-firewall-spoke.yaml")
    async with EmulatorServer(time_scale=0.0) as clean:
        baseline = await apply(clean.base_url, plan)
        assert baseline.result.exit_code == 0, baseline.describe_failures()
        expected = count_by_type(clean.state)
    async with EmulatorServer(time_scale=0.0, faults=FAULTS) as faulty:
        applied = await apply(faulty.base_url, plan)
        assert applied.result.exit_code == 0, applied.describe_failures()
        assert count_by_type(faulty.state) == expected
        retried = {sid for sid, r in applied.result.steps.items() if r.attempts > 1}
        assert any(sid.startswith("role.") for sid in retried), retried  # PrincipalNotFound
        again = await apply(faulty.base_url, plan)
        assert set(again.statuses.values()) == {"unchanged"}


async def test_registry_name_taken_elsewhere_fails_with_azures_error(
    emulator: EmulatorServer,
) -> None:
    spec, plan = load(EXAMPLES / "seed000-byo-private-link.yaml")
    name = spec.registry.name
    assert name is not None
    async with make_client(ResourceManagementClient, emulator.base_url) as rm:
        await rm.resource_groups.create_or_update("rg-someone-else", {"location": spec.location})
    async with make_client(ContainerRegistryManagementClient, emulator.base_url) as acr:
        poller = await acr.registries.begin_create(
            "rg-someone-else",
            name,
            {"location": spec.location, "sku": {"name": "Premium"}},
        )
        await poller.result()
    applied = await apply(emulator.base_url, plan)
    assert applied.result.exit_code == 1
    failed = applied.result.steps["registry.acr"]
    assert failed.status.value == "failed"
    assert failed.error is not None and failed.error.code == "AlreadyInUse"
    assert "registry" in failed.error.fix.lower()
    dependents = descendants(plan, "registry.acr")
    for sid, result in applied.result.steps.items():
        if sid in dependents:
            assert result.status.value == "skipped", sid
        elif sid != "registry.acr":
            assert result.status.ok, (sid, result.status)
    assert "network.subnet.acr" in applied.result.steps
    assert "registry.dns_zone" not in dependents
    # The other resource group's registry is untouched.
    other = [r for r in emulator.state if r["id"].lower().endswith(f"/registries/{name}")]
    assert len(other) == 1 and "rg-someone-else" in other[0]["id"]


async def test_dns_record_of_another_cluster_is_not_overwritten(
    emulator: EmulatorServer,
) -> None:
    spec, plan = load(EXAMPLES / "seed000-byo-private-link.yaml")
    async with make_client(ResourceManagementClient, emulator.base_url) as rm:
        await rm.resource_groups.create_or_update(spec.resource_group, {"location": spec.location})
    zone = "privatelink.azurecr.io"
    async with make_client(PrivateDnsManagementClient, emulator.base_url) as dns:
        poller = await dns.private_zones.begin_create_or_update(  # type: ignore[call-overload]
            spec.resource_group, zone, {"location": "global"}
        )
        await poller.result()
        await dns.record_sets.create_or_update(  # type: ignore[call-overload]
            spec.resource_group,
            zone,
            "A",
            spec.registry.name,
            {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.99.0.4"}]}},
        )
    applied = await apply(emulator.base_url, plan)
    assert applied.result.exit_code == 1
    error = applied.result.steps["registry.dns_record.registry"].error
    assert error is not None and error.code == "DnsRecordConflict"
    assert "10.99.0.4" in error.message and error.fix
    record = next(r for r in emulator.state if r["id"].lower().endswith(f"/a/{spec.registry.name}"))
    assert props(record)["aRecords"] == [{"ipv4Address": "10.99.0.4"}]
    assert applied.result.steps["cluster.create"].status.value == "skipped"
    assert applied.result.steps["registry.dns_record.data"].status.value == "succeeded"
