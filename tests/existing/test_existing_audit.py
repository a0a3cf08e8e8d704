"""The audit on the demo clusters and on deliberately broken states (real SDK, emulator)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from aksiso_tui.audit import AuditReport, Verdict, audit, render_text, to_json
from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.resources import read, write
from aksiso_tui.findings import Severity
from tests.existing.demo import (
    FIREWALL,
    ISO_REGISTRY,
    ISO_RG,
    ISO_SUBNET,
    ISOLATED,
    LEGACY,
    LOC,
    READY,
    edit,
    res_id,
    snapshot,
)


async def run_audit(factory: ClientFactory, cid: str) -> AuditReport:
    return audit(await snapshot(factory, cid), cid)


def errors(report: AuditReport) -> str:
    return "\n".join(f.message for f in report.findings if f.severity is Severity.ERROR)


async def test_already_isolated_audits_as_isolated(factory: ClientFactory) -> None:
    report = await run_audit(factory, ISOLATED)
    assert report.verdict is Verdict.ISOLATED, errors(report)
    assert report.exit_code == 0
    assert report.egress_allowed == ()
    assert (report.outbound_type, report.artifact_source) == ("none", "Cache")
    assert "Registry path to acrdemoisolated01 is complete" in render_text(report)


async def test_behind_firewall_is_isolated_with_egress_via_firewall(
    factory: ClientFactory,
) -> None:
    report = await run_audit(factory, FIREWALL)
    assert report.verdict is Verdict.ISOLATED_VIA_FIREWALL, errors(report)
    assert report.exit_code == 0
    assert {"auth.docker.io", "registry-1.docker.io"} <= set(report.egress_allowed)
    assert "FQDN tag AzureKubernetesService" in report.egress_allowed
    assert report.firewall_id and report.firewall_id.endswith("/fw-demo-hub")
    text = render_text(report)
    assert "isolated, with egress via firewall" in text and "registry-1.docker.io" in text


async def test_ready_to_migrate_is_not_isolated(factory: ClientFactory) -> None:
    report = await run_audit(factory, READY)
    assert report.verdict is Verdict.NOT_ISOLATED and report.exit_code == 3
    assert "Outbound type loadBalancer" in errors(report)
    assert "Artifact source Direct" in errors(report)


async def test_public_api_server_is_a_warning(factory: ClientFactory) -> None:
    report = await run_audit(factory, LEGACY)
    warnings = [f.message for f in report.findings if f.severity is Severity.WARNING]
    assert any("API server is public" in m for m in warnings)


# --- broken states -------------------------------------------------------------------------

Breaker = Callable[[ClientFactory], Awaitable[None]]
ZONE = "privatelink.azurecr.io"


async def _no_endpoint(f: ClientFactory) -> None:
    await (
        await f.get("network").private_endpoints.begin_delete(ISO_RG, "pe-acrdemoisolated01")
    ).result()


def _no_record(name: str) -> Breaker:
    async def go(f: ClientFactory) -> None:
        await f.get("privatedns").record_sets.delete(ISO_RG, ZONE, "A", name)

    return go


async def _wrong_ip(f: ClientFactory) -> None:
    rid = res_id(ISO_RG, f"Microsoft.Network/privateDnsZones/{ZONE}/A", "acrdemoisolated01")
    await edit(
        f, rid, lambda r: r["properties"].__setitem__("aRecords", [{"ipv4Address": "10.9.9.9"}])
    )


async def _no_link(f: ClientFactory) -> None:
    dns = f.get("privatedns")
    await (
        await dns.virtual_network_links.begin_delete(ISO_RG, ZONE, "link-vnet-aks-isolated")
    ).result()


def _registry(**changes: Any) -> Breaker:
    async def go(f: ClientFactory) -> None:
        await edit(f, ISO_REGISTRY, lambda r: r["properties"].update(changes))

    return go


async def _default_outbound(f: ClientFactory) -> None:
    await edit(f, ISO_SUBNET, lambda r: r["properties"].__setitem__("defaultOutboundAccess", True))


async def _route_to_internet(f: ClientFactory) -> None:
    table = res_id(ISO_RG, "Microsoft.Network/routeTables", "rt-internet")
    await write(f, table, {"location": LOC, "properties": {}})
    await write(
        f,
        f"{table}/routes/default",
        {"properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "Internet"}},
    )
    await edit(f, ISO_SUBNET, lambda r: r["properties"].__setitem__("routeTable", {"id": table}))


async def _firewall_allows_everything(f: ClientFactory) -> None:
    policy = res_id("rg-demo-firewall", "Microsoft.Network/firewallPolicies", "fwpolicy-demo-hub")
    await write(
        f,
        f"{policy}/ruleCollectionGroups/anything-goes",
        {
            "properties": {
                "priority": 300,
                "ruleCollections": [
                    {
                        "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                        "name": "everything",
                        "priority": 100,
                        "action": {"type": "Allow"},
                        "rules": [
                            {
                                "ruleType": "ApplicationRule",
                                "name": "star",
                                "sourceAddresses": ["*"],
                                "protocols": [{"protocolType": "Https", "port": 443}],
                                "targetFqdns": ["*"],
                            }
                        ],
                    }
                ],
            }
        },
    )


async def _node_public_ip(f: ClientFactory) -> None:
    pool = f"{ISOLATED}/agentPools/nodepool1"
    assert await read(f, pool) is not None
    await edit(f, pool, lambda r: r["properties"].__setitem__("enableNodePublicIP", True))


BROKEN: dict[str, tuple[str, Breaker, Severity, str]] = {
    "missing private endpoint": (ISOLATED, _no_endpoint, Severity.ERROR, "no private endpoint"),
    "missing registry A record": (
        ISOLATED,
        _no_record("acrdemoisolated01"),
        Severity.ERROR,
        "A record 'acrdemoisolated01' is missing",
    ),
    "missing data A record": (
        ISOLATED,
        _no_record(f"acrdemoisolated01.{LOC}.data"),
        Severity.ERROR,
        f"A record 'acrdemoisolated01.{LOC}.data' is missing",
    ),
    "record with a wrong IP": (ISOLATED, _wrong_ip, Severity.ERROR, "points to 10.9.9.9"),
    "zone not linked": (ISOLATED, _no_link, Severity.ERROR, "not linked to the cluster VNet"),
    "public registry": (
        ISOLATED,
        _registry(publicNetworkAccess="Enabled"),
        Severity.ERROR,
        "accepts connections from the internet",
    ),
    "anonymous pull": (
        ISOLATED,
        _registry(anonymousPullEnabled=True),
        Severity.WARNING,
        "Anonymous pull is enabled",
    ),
    "subnet default outbound access": (
        ISOLATED,
        _default_outbound,
        Severity.ERROR,
        "default outbound access enabled",
    ),
    "route 0.0.0.0/0 to Internet": (
        ISOLATED,
        _route_to_internet,
        Severity.ERROR,
        "sends 0.0.0.0/0 straight to the Internet",
    ),
    "firewall allowing *": (
        FIREWALL,
        _firewall_allows_everything,
        Severity.ERROR,
        "lets the nodes reach any internet host",
    ),
    "node public IPs": (ISOLATED, _node_public_ip, Severity.ERROR, "public IP"),
}


@pytest.mark.parametrize("state", sorted(BROKEN))
async def test_each_broken_state_yields_its_finding(factory: ClientFactory, state: str) -> None:
    cid, breaker, severity, needle = BROKEN[state]
    before = await run_audit(factory, cid)
    assert before.exit_code == 0, errors(before)
    await breaker(factory)
    report = await run_audit(factory, cid)
    hits = [f for f in report.findings if needle in f.message]
    assert hits, (state, [f.line() for f in report.findings])
    assert hits[0].severity is severity
    if severity is Severity.ERROR:
        assert report.verdict is Verdict.NOT_ISOLATED and report.exit_code == 3
        assert hits[0].fix
    assert '"verdict"' in to_json(report)
