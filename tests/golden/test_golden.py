"""Golden `az` scripts of every example, and the seed-000 example against seed 000's sequence.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/golden` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from aksiso_tui.config import load_spec_file
from aksiso_tui.export import render
from aksiso_tui.plan import build_plan

ROOT = Path(__file__).parents[2]
GOLDEN = Path(__file__).parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _script(path: Path) -> str:
    spec, findings = load_spec_file(path)
    assert spec is not None, [f.line() for f in findings]
    return render(build_plan(spec), spec, "az")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_golden_az_script(path: Path) -> None:
    golden = GOLDEN / f"{path.stem}.sh"
    script = _script(path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(script)
    assert golden.exists(), f"run UPDATE_GOLDEN=1 pytest {__file__}"
    assert script == golden.read_text(), f"{golden.name} differs; UPDATE_GOLDEN=1 regenerates it"


def _commands(script: str) -> list[str]:
    return [line for line in script.splitlines() if line and not line.startswith("#")]


def _index(commands: list[str], pattern: str) -> int:
    for i, line in enumerate(commands):
        if re.search(pattern, line):
            return i
    raise AssertionError(f"no command matches {pattern!r}")


def test_seed000_sequence_is_reproduced() -> None:
    script = _script(ROOT / "examples" / "seed000-byo-private-link.yaml")
    for name in (
        "RESOURCE_GROUP=rg-aks-cluster",
        "LOCATION=swedencentral",
        "VNET_NAME=vnet-spoke",
        "AKS_SUBNET_NAME=snet-aks",
        "ACR_SUBNET_NAME=snet-acr",
        "REGISTRY_NAME=acr4aks17",
        "PRIVATE_ENDPOINT_NAME=pe-acr",
        "CLUSTER_IDENTITY_NAME=identity-aks-control-plane",
        "KUBELET_IDENTITY_NAME=identity-aks-kubelet",
        "AKS_NAME=aks-cluster-network-isolated",
    ):
        assert f"\n{name}\n" in script, name
    assert '"privatelink.azurecr.io"' in script
    cmds = _commands(script)
    at = {
        key: _index(cmds, pattern)
        for key, pattern in {
            "group": r"^az group create ",
            "vnet": r"^az network vnet create .*--address-prefixes 192\.168\.0\.0/16",
            "aks_subnet": r"subnet create --name \$\{AKS_SUBNET_NAME\}.* 192\.168\.1\.0/24"
            r".*--default-outbound-access false",
            "subnet_id": r"^SUBNET_ID=\$\(az network vnet subnet show ",
            "acr_subnet": r"subnet create --name \$\{ACR_SUBNET_NAME\}.* 192\.168\.2\.0/24"
            r".*--private-endpoint-network-policies Disabled",
            "acr": r"^az acr create .*--sku Premium --public-network-enabled false",
            "registry_id": r"^REGISTRY_ID=\$\(az acr show ",
            "cache": r"^az acr cache create -n aks-managed-mcr "
            r'.*--source-repo "mcr\.microsoft\.com/\*" --target-repo "aks-managed-repository/\*"',
            "pe": r"^az network private-endpoint create .*--group-id registry",
            "nic": r"^NETWORK_INTERFACE_ID=\$\(az network private-endpoint show ",
            "registry_ip": r"^REGISTRY_PRIVATE_IP=\$\(az network nic show "
            r".*requiredMemberName=='registry'\]",
            "data_ip": r"^DATA_ENDPOINT_PRIVATE_IP="
            r".*requiredMemberName=='registry_data_\$LOCATION'",
            "zone": r'^az network private-dns zone create .*"privatelink\.azurecr\.io"',
            "link": r"^az network private-dns link vnet create .*--virtual-network \$\{VNET_NAME\}",
            "record": r"record-set a add-record --record-set-name \$\{REGISTRY_NAME\} .*"
            r"\$\{REGISTRY_PRIVATE_IP\}",
            "data_record": r"record-set a add-record --record-set-name "
            r"\$\{REGISTRY_NAME\}\.\$\{LOCATION\}\.data .*\$\{DATA_ENDPOINT_PRIVATE_IP\}",
            "cp": r"^az identity create --name \$\{CLUSTER_IDENTITY_NAME\}",
            "cp_principal": r"^CLUSTER_IDENTITY_PRINCIPAL_ID=\$\(az identity show .*principalId",
            "kubelet": r"^az identity create --name \$\{KUBELET_IDENTITY_NAME\}",
            "kubelet_principal": r"^KUBELET_IDENTITY_PRINCIPAL_ID=\$\(az identity show "
            r".*principalId",
            "acrpull": r'^az role assignment create --role "AcrPull" --scope \$\{REGISTRY_ID\}'
            r" --assignee-object-id \$\{KUBELET_IDENTITY_PRINCIPAL_ID\}"
            r" --assignee-principal-type ServicePrincipal",
            "aks": r"^az aks create .*--kubernetes-version 1\.30\.3 --node-count 3 "
            r".*--vnet-subnet-id \$\{SUBNET_ID\}"
            r" --assign-identity \$\{CLUSTER_IDENTITY_RESOURCE_ID\}"
            r" --assign-kubelet-identity \$\{KUBELET_IDENTITY_RESOURCE_ID\}"
            r" --bootstrap-artifact-source Cache --bootstrap-container-registry-resource-id"
            r" \$\{REGISTRY_ID\} --outbound-type none --network-plugin azure"
            r" .*--enable-private-cluster",
            "system_pods": r'command invoke .*"kubectl get pods -n kube-system"',
            "nginx": r'command invoke .*"kubectl run nginx --image=nginx"',
            "mcr": r'command invoke .*"kubectl run nginx-mcr'
            r' --image=mcr\.microsoft\.com/azurelinux/base/nginx:1\.25"',
        }.items()
    }
    before = [
        ("group", "vnet"),
        ("vnet", "aks_subnet"),
        ("aks_subnet", "subnet_id"),
        ("aks_subnet", "acr_subnet"),
        ("acr", "registry_id"),
        ("acr", "cache"),
        ("registry_id", "pe"),
        ("acr_subnet", "pe"),
        ("pe", "nic"),
        ("nic", "registry_ip"),
        ("nic", "data_ip"),
        ("zone", "link"),
        ("zone", "record"),
        ("registry_ip", "record"),
        ("data_ip", "data_record"),
        ("kubelet_principal", "acrpull"),
        ("registry_id", "acrpull"),
        ("cp", "cp_principal"),
        ("kubelet", "kubelet_principal"),
        ("system_pods", "nginx"),
        ("system_pods", "mcr"),
    ]
    for a, b in before:
        assert at[a] < at[b], f"{a} must come before {b}"
    for key in at:
        if key not in ("aks", "system_pods", "nginx", "mcr"):
            assert at[key] < at["aks"], f"{key} must come before az aks create"
    assert at["aks"] < at["system_pods"]
    # Corrected against seeds 000/001 by AZURE_FACTS.md: no anonymous pull, the AKS cache target.
    assert "anonymous" not in script
    assert '--target-repo "*"' not in script
    assert "acr-cache-rule" not in script
