"""The official ``az`` CLI against ``aksiso emulator --tls``: seed 000 and seed 001, run unchanged.

Opt-in (installing azure-cli takes minutes, a run about three)::

    python3 -m venv /tmp/azcli && /tmp/azcli/bin/pip install azure-cli
    AKSISO_AZ_CLI=/tmp/azcli/bin/az pytest tests/azcli -m azcli

The test does what README.md "Rehearse a script offline" tells a person to do: start ``python -m
aksiso_tui.emulator --tls``, trust its certificate (``REQUESTS_CA_BUNDLE``), ``az cloud register``
it, ``az login --service-principal``; then runs ``seed000.sh`` / ``seed001.sh`` (the seed
documents' command blocks) with bash and checks the emulator's ``/_emulator/state``, its request
log (no unexpected error answers) and the kubectl answers.

az runs with its own ``AZURE_CONFIG_DIR`` and ``HOME`` under the test's tmp dir, so it neither reads
nor changes the user's az login or ``~/.kube/config``.
"""

from __future__ import annotations

import json
import os
import pty
import ssl
import subprocess
import sys
import termios
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aksiso_tui.emulator import SUBSCRIPTION_ID, TENANT_ID

HERE = Path(__file__).resolve().parent
AZ = os.environ.get("AKSISO_AZ_CLI", "")
SUB = f"/subscriptions/{SUBSCRIPTION_ID}"
ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
MANAGED_IDENTITY_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830"

pytestmark = [
    pytest.mark.azcli,
    pytest.mark.timeout(900),
    pytest.mark.skipif(
        not (AZ and os.access(AZ, os.X_OK)),
        reason="opt-in: set AKSISO_AZ_CLI to an az executable to run the official az CLI against "
        "the emulator (python3 -m venv /tmp/azcli && /tmp/azcli/bin/pip install azure-cli; "
        "AKSISO_AZ_CLI=/tmp/azcli/bin/az pytest tests/azcli)",
    ),
]


@dataclass
class AzSession:
    """A logged-in az CLI pointed at a running ``--tls`` emulator."""

    base_url: str
    ca_cert: Path
    env: dict[str, str]
    workdir: Path

    def az(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["az", *args], env=self.env, capture_output=True, text=True, timeout=120, check=False
        )

    def bash(self, script: Path, tag: str) -> tuple[int, str, str]:
        """Run ``script`` with bash; stdin is a terminal on which every prompt gets ``y``."""
        master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        os.write(master, b"y\n" * 16)  # the answers wait in the terminal's input queue
        out, err = self.workdir / f"{tag}.out", self.workdir / f"{tag}.err"
        try:
            with out.open("w") as fout, err.open("w") as ferr:
                proc = subprocess.run(
                    ["bash", "-x", str(script)],
                    stdin=slave,
                    stdout=fout,
                    stderr=ferr,
                    env=self.env,
                    cwd=self.workdir,
                    timeout=800,
                    check=False,
                )
        finally:
            os.close(slave)
            os.close(master)
        return proc.returncode, out.read_text(), err.read_text()

    def get(self, path: str) -> Any:
        ctx = ssl.create_default_context(cafile=str(self.ca_cert))
        with urllib.request.urlopen(f"{self.base_url}{path}", context=ctx) as r:
            return json.load(r)

    def state(self) -> dict[str, dict[str, Any]]:
        """``/_emulator/state`` as lower-cased id -> resource."""
        return {res["id"].lower(): res for res in self.get("/_emulator/state")["resources"]}

    def errors_since(self, mark: int) -> list[tuple[int, str, str]]:
        """(status, method, resource type) of the error answers after request number ``mark``."""
        log = self.get("/_emulator/requests")[mark:]
        return [
            (e["status"], e["method"], e["path"].split("/providers/")[-1].split("/")[1])
            for e in log
            if e["status"] >= 400
        ]


@pytest.fixture(scope="module")
def az_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AzSession]:
    work = tmp_path_factory.mktemp("azcli")
    bindir, home = work / "bin", work / "home"
    bindir.mkdir()
    home.mkdir()
    (bindir / "az").symlink_to(AZ)
    emulator = subprocess.Popen(
        [
            *(sys.executable, "-m", "aksiso_tui.emulator", "--port", "0", "--time-scale", "0"),
            *("--tls", "--tls-dir", str(work / "tls")),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert emulator.stdout is not None
        base_url = emulator.stdout.readline().rsplit(" ", 1)[-1].strip()
        assert base_url.startswith("https://127.0.0.1:"), base_url
        env = {
            **os.environ,
            "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(home),
            "AZURE_CONFIG_DIR": str(work / "azure"),
            "REQUESTS_CA_BUNDLE": str(work / "tls" / "cert.pem"),
            "AZURE_CORE_INSTANCE_DISCOVERY": "false",
            "AZURE_CORE_COLLECT_TELEMETRY": "false",
            "AZURE_CORE_NO_COLOR": "true",
        }
        session = AzSession(base_url, work / "tls" / "cert.pem", env, work)
        for args in (
            ("cloud", "register", "-n", "AksisoEmulator"),
            ("cloud", "set", "-n", "AksisoEmulator"),
            ("login", "--service-principal", "-u", "aksiso", "-p", "any", "--tenant", TENANT_ID),
        ):
            if args[1] == "register":
                args = (*args, "--endpoint-resource-manager", f"{base_url}/")
            done = session.az(*args)
            assert done.returncode == 0, f"az {' '.join(args)}:\n{done.stderr}"
        account = json.loads(session.az("account", "show", "-o", "json").stdout)
        assert account["id"] == SUBSCRIPTION_ID
        assert account["environmentName"] == "AksisoEmulator"
        yield session
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


def _pods(stdout: str) -> dict[str, str]:
    """NAME -> STATUS from the last ``kubectl get pods`` table in the script's output."""
    tables = stdout.split("NAME ")
    rows = [line.split() for line in ("NAME " + tables[-1]).splitlines()[1:]]
    return {row[0]: row[2] for row in rows if len(row) >= 5}


def _roles(state: dict[str, dict[str, Any]], scope: str) -> dict[str, str]:
    """principalId -> role definition guid of the role assignments directly on ``scope``."""
    prefix = scope.lower() + "/providers/microsoft.authorization/roleassignments/"
    return {
        res["properties"]["principalId"]: res["properties"]["roleDefinitionId"].rsplit("/", 1)[-1]
        for rid, res in state.items()
        if rid.startswith(prefix) and rid.count("/") == prefix.count("/")
    }


def test_seed_000_byo_acr_private_link(az_session: AzSession) -> None:
    mark = len(az_session.get("/_emulator/requests"))
    code, out, err = az_session.bash(HERE / "seed000.sh", "seed000")
    assert code == 0, err[-4000:]
    # az aks create first checks that the cluster does not exist yet
    assert az_session.errors_since(mark) == [(404, "GET", "managedClusters")]
    rg = f"{SUB}/resourceGroups/rg-aks-cluster"
    state = az_session.state()
    cluster = state[
        f"{rg}/providers/Microsoft.ContainerService/managedClusters/aks-cluster-network-isolated".lower()
    ]
    p = cluster["properties"]
    registry = f"{rg}/providers/Microsoft.ContainerRegistry/registries/acr4aks17"
    assert p["provisioningState"] == "Succeeded"
    assert p["kubernetesVersion"] == "1.30.3"
    assert p["bootstrapProfile"]["artifactSource"] == "Cache"
    assert p["bootstrapProfile"]["containerRegistryId"].lower() == registry.lower()
    assert p["networkProfile"]["outboundType"] == "none"
    assert p["apiServerAccessProfile"]["enablePrivateCluster"] is True
    identities = f"{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities"
    kubelet = p["identityProfile"]["kubeletidentity"]
    assert kubelet["resourceId"].lower() == f"{identities}/identity-aks-kubelet".lower()
    assert [k.lower() for k in cluster["identity"]["userAssignedIdentities"]] == [
        f"{identities}/identity-aks-control-plane".lower()
    ]
    vnet = f"{rg}/providers/Microsoft.Network/virtualNetworks/vnet-spoke"
    aks_subnet = state[f"{vnet}/subnets/snet-aks".lower()]["properties"]
    acr_subnet = state[f"{vnet}/subnets/snet-acr".lower()]["properties"]
    assert aks_subnet["defaultOutboundAccess"] is False
    assert acr_subnet["privateEndpointNetworkPolicies"] == "Disabled"
    rule = state[f"{registry}/cacheRules/aks-managed-mcr".lower()]["properties"]
    assert rule["sourceRepository"] == "mcr.microsoft.com/*"
    zone = f"{rg}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"
    records = {
        name: [
            a["ipv4Address"] for a in state[f"{zone}/A/{name}".lower()]["properties"]["aRecords"]
        ]
        for name in ("acr4aks17", "acr4aks17.swedencentral.data")
    }
    assert records == {
        "acr4aks17": ["192.168.2.4"],
        "acr4aks17.swedencentral.data": ["192.168.2.5"],
    }
    kubelet_principal = state[f"{identities}/identity-aks-kubelet".lower()]["properties"][
        "principalId"
    ]
    control_principal = state[f"{identities}/identity-aks-control-plane".lower()]["properties"][
        "principalId"
    ]
    assert _roles(state, registry) == {kubelet_principal: ACR_PULL}
    # what az aks create assigns itself: Network Contributor on the node subnet for the control
    # plane identity, Managed Identity Operator on the kubelet identity
    assert _roles(state, f"{vnet}/subnets/snet-aks") == {control_principal: NETWORK_CONTRIBUTOR}
    assert _roles(state, f"{identities}/identity-aks-kubelet") == {
        control_principal: MANAGED_IDENTITY_OPERATOR
    }
    kubeconfig = (Path(az_session.env["HOME"]) / ".kube" / "config").read_text()
    assert "privatelink.swedencentral.azmk8s.io" in kubeconfig
    assert "coredns" in out
    assert "pod/nginx created" in out and "pod/nginx-mcr created" in out
    assert _pods(out) == {"nginx": "ImagePullBackOff", "nginx-mcr": "Running"}


def test_seed_001_vnet_integration_disable_and_migrate(az_session: AzSession) -> None:
    mark = len(az_session.get("/_emulator/requests"))
    code, out, err = az_session.bash(HERE / "seed001.sh", "seed001")
    assert code == 0, err[-4000:]
    assert "(InvalidNetworkIsolatedClusterConfiguration)" in err
    assert az_session.errors_since(mark) == [
        (404, "GET", "managedClusters"),  # az aks create's existence check
        (400, "PUT", "managedClusters"),  # the one-step update to Cache + none
    ]
    rg = f"{SUB}/resourceGroups/rg-aks-isolated-001"
    state = az_session.state()
    cid = f"{rg}/providers/Microsoft.ContainerService/managedClusters/aks-isolated-001".lower()
    p = state[cid]["properties"]
    registry = f"{rg}/providers/Microsoft.ContainerRegistry/registries/acraksiso001"
    apiserver_subnet = (
        f"{rg}/providers/Microsoft.Network/virtualNetworks/vnet-aks/subnets/snet-apiserver"
    )
    assert p["provisioningState"] == "Succeeded"
    assert p["bootstrapProfile"]["artifactSource"] == "Cache"
    assert p["bootstrapProfile"]["containerRegistryId"].lower() == registry.lower()
    assert p["networkProfile"]["outboundType"] == "none"
    access = p["apiServerAccessProfile"]
    assert access["enableVnetIntegration"] is True
    assert access["subnetId"].lower() == apiserver_subnet.lower()
    delegations = state[apiserver_subnet.lower()]["properties"]["delegations"]
    assert [d["properties"]["serviceName"] for d in delegations] == [
        "Microsoft.ContainerService/managedClusters"
    ]
    pools = [r for k, r in state.items() if k.startswith(f"{cid}/agentpools/")]
    assert pools and all(r["properties"]["provisioningState"] == "Succeeded" for r in pools)
    # reimaged twice (after disabling, after the new registry): the newest node image
    assert {r["properties"]["nodeImageVersion"] for r in pools} == {
        "AKSUbuntu-2204gen2containerd-202611.23.0"
    }
    # the last az aks show printed the isolated cluster
    shown = json.loads(out[out.rindex('{\n  "aadProfile"') :])
    assert shown["networkProfile"]["outboundType"] == "none"
    assert shown["bootstrapProfile"]["artifactSource"] == "Cache"
