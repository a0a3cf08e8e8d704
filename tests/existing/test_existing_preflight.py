"""Pre-flight on real cluster state read through the SDK: every limitation yields its finding."""

from __future__ import annotations

from typing import Any

import pytest
from azure.core.rest import HttpRequest

from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.resources import write
from aksiso_tui.config import load_spec_file
from aksiso_tui.findings import Finding, Severity, has_errors
from aksiso_tui.preflight import preflight, upgrade_path
from tests.existing.demo import (
    ISO_REGISTRY,
    ISO_RG,
    ISOLATED,
    LEGACY,
    LOC,
    READY,
    WINDOWS,
    cluster_id,
    edit,
    rg_id,
    snapshot,
)


def errors(findings: list[Finding]) -> list[str]:
    return [f.message for f in findings if f.severity is Severity.ERROR]


def messages(findings: list[Finding], severity: Severity) -> str:
    return "\n".join(f"{f.message} {f.fix}" for f in findings if f.severity is severity)


async def test_kubernetes_129_is_blocked_with_the_upgrade_path(factory: ClientFactory) -> None:
    findings = preflight(await snapshot(factory, LEGACY))
    assert len(errors(findings)) == 1
    blocker = next(f for f in findings if f.severity is Severity.ERROR)
    assert "1.29.15" in blocker.message and "1.30 or later" in blocker.message
    assert "1.29.15 -> 1.30.14" in blocker.message
    assert "az aks upgrade -g rg-demo-legacy -n aks-legacy-129 --kubernetes-version 1.30.14" in (
        blocker.fix
    )


def test_upgrade_path_goes_one_minor_at_a_time() -> None:
    offered = ["1.28.9", "1.29.2", "1.29.15", "1.30.3", "1.30.14", "1.31.10"]
    assert upgrade_path("1.28.5", offered) == ["1.29.15", "1.30.14"]
    assert upgrade_path("1.30.3", offered) == []


async def test_windows_pool_is_blocked(factory: ClientFactory) -> None:
    findings = preflight(await snapshot(factory, WINDOWS))
    assert len(errors(findings)) == 1
    assert "win1 is a Windows pool" in errors(findings)[0]


async def test_ready_cluster_has_no_errors_alone_or_with_its_migrate_spec(
    factory: ClientFactory,
) -> None:
    snap = await snapshot(factory, READY)
    assert not has_errors(preflight(snap))
    spec, problems = load_spec_file("examples/migrate-existing.yaml")
    assert spec is not None and not has_errors(problems)
    findings = preflight(snap, spec)
    assert not has_errors(findings)
    assert any("acrdemomigrate01 does not exist yet" in f.message for f in findings)


async def test_block_with_a_custom_vnet_is_refused(factory: ClientFactory) -> None:
    spec, _ = load_spec_file("examples/migrate-existing.yaml")
    assert spec is not None
    spec.outbound = "block"  # type: ignore[assignment]
    findings = preflight(await snapshot(factory, READY), spec)
    assert any("block" in m and "custom VNet" in m for m in errors(findings))


async def test_each_cluster_limitation_yields_its_finding(factory: ClientFactory) -> None:
    """kubenet, a service principal, channel Unmanaged, node public IPs, unsupported extensions."""
    rg = "rg-preflight-bad"
    await write(factory, rg_id(rg), {"location": LOC})
    cid = cluster_id(rg, "aks-everything-wrong")
    await write(
        factory,
        cid,
        {
            "location": LOC,
            "identity": {"type": "None"},
            "properties": {
                "kubernetesVersion": "1.31.10",
                "dnsPrefix": "bad",
                "servicePrincipalProfile": {"clientId": "0b1f...app", "secret": "not-a-secret"},
                "agentPoolProfiles": [
                    {
                        "name": "nodepool1",
                        "count": 1,
                        "vmSize": "Standard_D4ds_v5",
                        "mode": "System",
                        "enableNodePublicIP": True,
                    }
                ],
                "networkProfile": {"networkPlugin": "kubenet", "outboundType": "loadBalancer"},
                "autoUpgradeProfile": {"nodeOSUpgradeChannel": "Unmanaged"},
            },
        },
    )
    client = factory.get("containerservice")
    for name, kind in (("flux", "microsoft.flux"), ("dapr", "Microsoft.Dapr")):
        url = (
            f"{factory.target.arm_endpoint}{cid}/providers/Microsoft.KubernetesConfiguration/"
            f"extensions/{name}?api-version=2023-05-01"
        )
        request = HttpRequest("PUT", url, json={"properties": {"extensionType": kind}})
        response = await client.send_request(request)
        assert response.status_code in (200, 201), response.text()
    findings = preflight(await snapshot(factory, cid))
    text = messages(findings, Severity.ERROR)
    assert "kubenet" in text and "--network-plugin azure" in text
    assert "service principal" in text and "--enable-managed-identity" in text
    assert "Unmanaged" in text and "--node-os-upgrade-channel NodeImage" in text
    assert "flux (Flux (GitOps))" in text and "dapr (Dapr)" in text
    assert "az k8s-extension delete" in text
    assert "public IPs" in messages(findings, Severity.WARNING)


def _drop_record(name: str) -> Any:
    async def go(factory: ClientFactory) -> None:
        await factory.get("privatedns").record_sets.delete(
            ISO_RG, "privatelink.azurecr.io", "A", name
        )

    return go


async def _drop_link(factory: ClientFactory) -> None:
    poller = await factory.get("privatedns").virtual_network_links.begin_delete(
        ISO_RG, "privatelink.azurecr.io", "link-vnet-aks-isolated"
    )
    await poller.result()


async def _drop_endpoint(factory: ClientFactory) -> None:
    poller = await factory.get("network").private_endpoints.begin_delete(
        ISO_RG, "pe-acrdemoisolated01"
    )
    await poller.result()


async def _drop_acr_pull(factory: ClientFactory) -> None:
    auth = factory.get("authorization")
    async for ra in auth.role_assignments.list_for_scope(ISO_REGISTRY):
        if ra.role_definition_id.endswith("7f951dda-4ed3-4680-a7ca-43fe172d538d"):
            await auth.role_assignments.delete(ISO_REGISTRY, ra.name)


async def _rename_cache_rule(factory: ClientFactory) -> None:
    acr = factory.get("containerregistry")
    await (
        await acr.cache_rules.begin_delete(ISO_RG, "acrdemoisolated01", "aks-managed-mcr")
    ).result()
    await write(
        factory,
        f"{ISO_REGISTRY}/cacheRules/acr-cache-rule",
        {"properties": {"sourceRepository": "mcr.microsoft.com/*", "targetRepository": "*"}},
    )


async def _standard_sku(factory: ClientFactory) -> None:
    await edit(factory, ISO_REGISTRY, lambda r: r.__setitem__("sku", {"name": "Standard"}))


BROKEN_REGISTRY = {
    "private endpoint": (_drop_endpoint, "has no private endpoint"),
    "registry record": (
        _drop_record("acrdemoisolated01"),
        "A record 'acrdemoisolated01' is missing",
    ),
    "data record": (
        _drop_record(f"acrdemoisolated01.{LOC}.data"),
        f"A record 'acrdemoisolated01.{LOC}.data' is missing",
    ),
    "zone link": (_drop_link, "is not linked to the cluster VNet"),
    "AcrPull": (_drop_acr_pull, "no AcrPull"),
    "cache rule name": (_rename_cache_rule, "named 'acr-cache-rule'"),
    "sku": (_standard_sku, "is not Premium"),
}


@pytest.mark.parametrize("piece", sorted(BROKEN_REGISTRY))
async def test_each_missing_registry_piece_yields_its_finding(
    factory: ClientFactory, piece: str
) -> None:
    assert not has_errors(preflight(await snapshot(factory, ISOLATED)))
    breaker, needle = BROKEN_REGISTRY[piece]
    await breaker(factory)
    findings = preflight(await snapshot(factory, ISOLATED))
    assert any(needle in m for m in errors(findings)), (piece, errors(findings))
    assert all(f.fix for f in findings if f.severity is Severity.ERROR)
