"""The demo seed's stories end to end: the emulator's nodes agree with the audit, a migration
done through the SDK (in AKS's order) audits as isolated, and disabling audits as not isolated.
Also `aksiso audit --demo --format json` through `cli.main`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aksiso_tui.audit import Verdict, audit
from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.resources import read, write
from aksiso_tui.cli import main
from aksiso_tui.netpath.aks_lookup import ACR_PULL
from tests.existing.demo import (
    FIREWALL,
    ISOLATED,
    LEGACY,
    LOC,
    READY,
    SUB,
    WINDOWS,
    edit,
    res_id,
    snapshot,
)


async def kubectl(factory: ClientFactory, cid: str, command: str) -> Any:
    rg, name = cid.split("/")[4], cid.rsplit("/", 1)[-1]
    aks = factory.get("containerservice")
    poller = await aks.managed_clusters.begin_run_command(rg, name, {"command": command})
    return await poller.result()


@pytest.mark.parametrize(
    ("cid", "docker_hub"),
    [(LEGACY, True), (WINDOWS, True), (READY, True), (ISOLATED, False), (FIREWALL, True)],
)
async def test_seeded_nodes_run_and_pull_as_the_story_says(
    factory: ClientFactory, cid: str, docker_hub: bool
) -> None:
    pods = await kubectl(factory, cid, "kubectl get pods -n kube-system")
    assert pods.exit_code == 0 and "coredns" in pods.logs and "Running" in pods.logs
    assert "Pending" not in pods.logs and "ImagePull" not in pods.logs
    run = await kubectl(factory, cid, "kubectl run web --image=nginx && kubectl get pods")
    assert ("Running" in run.logs) is docker_hub, run.logs
    mcr = "mcr.microsoft.com/azurelinux/base/nginx:1.25"
    run = await kubectl(factory, cid, f"kubectl run m --image={mcr} && kubectl get pods")
    line = next(x for x in run.logs.splitlines() if x.startswith("m "))
    assert "Running" in line, run.logs


async def _registry_path(f: ClientFactory, rg: str, vnet: str, registry: str) -> str:
    """Seed 001 "Update an existing AKS cluster": the BYO path in the cluster's own VNet."""
    acr_subnet = f"{vnet}/subnets/snet-acr"
    await write(
        f,
        acr_subnet,
        {
            "properties": {
                "addressPrefix": "10.10.2.0/24",
                "privateEndpointNetworkPolicies": "Disabled",
            }
        },
    )
    registry_id = res_id(rg, "Microsoft.ContainerRegistry/registries", registry)
    await write(
        f,
        registry_id,
        {
            "location": LOC,
            "sku": {"name": "Premium"},
            "properties": {"publicNetworkAccess": "Disabled"},
        },
    )
    await write(
        f,
        f"{registry_id}/cacheRules/aks-managed-mcr",
        {
            "properties": {
                "sourceRepository": "mcr.microsoft.com/*",
                "targetRepository": "aks-managed-repository/*",
            }
        },
    )
    pe = await write(
        f,
        res_id(rg, "Microsoft.Network/privateEndpoints", f"pe-{registry}"),
        {
            "location": LOC,
            "properties": {
                "subnet": {"id": acr_subnet},
                "privateLinkServiceConnections": [
                    {
                        "name": "c",
                        "properties": {
                            "privateLinkServiceId": registry_id,
                            "groupIds": ["registry"],
                        },
                    }
                ],
            },
        },
    )
    nic = await read(f, pe["properties"]["networkInterfaces"][0]["id"])
    assert nic is not None
    ips = {
        c["properties"]["privateLinkConnectionProperties"]["requiredMemberName"]: c["properties"][
            "privateIPAddress"
        ]
        for c in nic["properties"]["ipConfigurations"]
    }
    zone = res_id(rg, "Microsoft.Network/privateDnsZones", "privatelink.azurecr.io")
    await write(f, zone, {"location": "global"})
    await write(
        f,
        f"{zone}/virtualNetworkLinks/link",
        {"location": "global", "properties": {"virtualNetwork": {"id": vnet}}},
    )
    for record, member in (
        (registry, "registry"),
        (f"{registry}.{LOC}.data", f"registry_data_{LOC}"),
    ):
        await write(
            f,
            f"{zone}/A/{record}",
            {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": ips[member]}]}},
        )
    return registry_id


async def _reimage(f: ClientFactory, cid: str) -> None:
    rg, name = cid.split("/")[4], cid.rsplit("/", 1)[-1]
    pools = f.get("containerservice").agent_pools
    async for pool in pools.list(rg, name):
        await (await pools.begin_upgrade_node_image_version(rg, name, pool.name)).result()


def _set(path: tuple[str, ...], value: Any) -> Any:
    def change(body: dict[str, Any]) -> None:
        node = body["properties"]
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value

    return change


async def test_migrating_the_ready_cluster_makes_it_audit_as_isolated(
    factory: ClientFactory,
) -> None:
    rg = "rg-demo-migrate"
    vnet = res_id(rg, "Microsoft.Network/virtualNetworks", "vnet-aks-ready")
    registry_id = await _registry_path(factory, rg, vnet, "acrdemomigrate01")
    cluster = await read(factory, READY)
    assert cluster is not None
    kubelet = cluster["properties"]["identityProfile"]["kubeletidentity"]["objectId"]
    await write(
        factory,
        f"{registry_id}/providers/Microsoft.Authorization/roleAssignments/"
        "6f0b3c8e-5f2a-4d2b-9c1e-0a1b2c3d4e5f",
        {
            "properties": {
                "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{ACR_PULL}",
                "principalId": kubelet,
                "principalType": "ServicePrincipal",
            }
        },
    )
    await edit(
        factory,
        READY,
        _set(
            ("bootstrapProfile",), {"artifactSource": "Cache", "containerRegistryId": registry_id}
        ),
    )
    await _reimage(factory, READY)
    await edit(factory, READY, _set(("networkProfile", "outboundType"), "none"))
    report = audit(await snapshot(factory, READY), READY)
    assert report.verdict is Verdict.ISOLATED, [f.line() for f in report.findings]
    blocked = await kubectl(factory, READY, "kubectl run web --image=nginx && kubectl get pods")
    assert "ImagePullBackOff" in blocked.logs or "ErrImagePull" in blocked.logs


async def test_disabling_isolation_audits_as_not_isolated(factory: ClientFactory) -> None:
    def disable(body: dict[str, Any]) -> None:
        body["properties"]["bootstrapProfile"] = {"artifactSource": "Direct"}
        body["properties"]["networkProfile"]["outboundType"] = "loadBalancer"

    await edit(factory, ISOLATED, disable)
    await _reimage(factory, ISOLATED)
    report = audit(await snapshot(factory, ISOLATED), ISOLATED)
    assert report.verdict is Verdict.NOT_ISOLATED and report.exit_code == 3


def test_cli_audit_demo_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    state = str(tmp_path / "demo.json")
    args = ["audit", "-s", SUB, "--demo", "--state", state, "--format", "json"]
    assert main([*args, "-g", "rg-demo-firewall", "-n", "aks-behind-firewall"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "isolated_egress_via_firewall" and data["isolated"] is True
    assert "registry-1.docker.io" in data["egress_allowed"]
    assert main([*args, "-g", "rg-demo-isolated", "-n", "aks-already-isolated"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "isolated"
    assert main([*args, "-g", "rg-demo-migrate", "-n", "aks-ready-to-migrate"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "not_isolated" and data["counts"]["error"] >= 2
    assert main([*args, "-g", "rg-demo-migrate", "-n", "no-such-cluster"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "aks-ready-to-migrate" in captured.err
    assert "Traceback" not in captured.err


def test_cli_audit_text_and_bad_endpoint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["audit", "-s", SUB, "-g", "rg-demo-isolated", "-n", "aks-already-isolated"]
    assert main([*args, "--demo", "--state", str(tmp_path / "s.json")]) == 0
    assert "Audit of aks-already-isolated: isolated" in capsys.readouterr().out
    assert main([*args, "--arm-endpoint", "http://10.0.0.1:1"]) == 2
    assert "plain HTTP" in capsys.readouterr().err
