"""Unit tests for Azure's naming rules as the emulator enforces them."""

from __future__ import annotations

import pytest

from aksiso_tui.emulator import names
from aksiso_tui.emulator.names import InvalidNameError

VNET = "Microsoft.Network/virtualNetworks"
SUBNET = "Microsoft.Network/virtualNetworks/subnets"
ACR = "Microsoft.ContainerRegistry/registries"


@pytest.mark.parametrize(
    ("rtype", "name"),
    [
        (VNET, "vnet-spoke"),
        (VNET, "v1"),
        (VNET, "a" * 64),
        (SUBNET, "AzureFirewallSubnet"),
        (SUBNET, "s"),
        (SUBNET, "snet_aks_"),
        (SUBNET, "a.b-c_d"),
        ("Microsoft.Network/routeTables", "rt-" + "x" * 77),
        ("microsoft.network/privateEndpoints", "acr-pe"),
        (ACR, "acr4aks17"),
        (ACR, "MyRegistry"),
        (ACR, "a" * 50),
        ("Microsoft.ContainerRegistry/registries/cacheRules", "aks-managed-mcr"),
        ("Microsoft.Resources/resourceGroups", "rg-aks-cluster"),
        ("Microsoft.Resources/resourceGroups", "MC_rg_aks_eastus"),
        ("Microsoft.Resources/resourceGroups", "rg(1)"),
        ("Microsoft.Resources/resourceGroups", "r"),
        ("Microsoft.Resources/resourceGroups", "grüppe"),
        ("Microsoft.ContainerService/managedClusters", "aks-cluster-network-isolated"),
        ("Microsoft.ManagedIdentity/userAssignedIdentities", "identity-aks-kubelet"),
        ("Microsoft.Network/privateDnsZones", "privatelink.azurecr.io"),
        ("Microsoft.Network/privateDnsZones", "privatelink.swedencentral.azmk8s.io"),
        ("Microsoft.Unknown/things", "anything goes"),
    ],
)
def test_valid_names(rtype: str, name: str) -> None:
    assert names.name_problem(rtype, name) is None
    names.validate_name(rtype, name)


@pytest.mark.parametrize(
    ("rtype", "name", "code"),
    [
        (VNET, "v", "InvalidResourceName"),
        (VNET, "a" * 65, "InvalidResourceName"),
        (VNET, "-vnet", "InvalidResourceName"),
        (VNET, "vnet.", "InvalidResourceName"),
        (VNET, "vnet-", "InvalidResourceName"),
        (SUBNET, "", "InvalidResourceName"),
        (SUBNET, "a" * 81, "InvalidResourceName"),
        (SUBNET, "sub net", "InvalidResourceName"),
        (SUBNET, "sübnet", "InvalidResourceName"),
        (ACR, "acr", "InvalidResourceName"),
        (ACR, "a" * 51, "InvalidResourceName"),
        (ACR, "my-registry", "InvalidResourceName"),
        ("Microsoft.Resources/resourceGroups", "rg.", "InvalidResourceGroupName"),
        ("Microsoft.Resources/resourceGroups", "r" * 91, "InvalidResourceGroupName"),
        ("Microsoft.Resources/resourceGroups", "rg/x", "InvalidResourceGroupName"),
        ("Microsoft.ContainerService/managedClusters", "aks-", "InvalidResourceName"),
        ("Microsoft.ManagedIdentity/userAssignedIdentities", "id", "InvalidResourceName"),
        ("Microsoft.Network/privateDnsZones", "localhost", "BadRequest"),
        ("Microsoft.Network/privateDnsZones", "bad zone.io", "BadRequest"),
        ("Microsoft.Network/privateDnsZones", "a" * 64 + ".io", "BadRequest"),
    ],
)
def test_invalid_names(rtype: str, name: str, code: str) -> None:
    problem = names.name_problem(rtype, name)
    assert problem is not None and problem.code == code
    with pytest.raises(InvalidNameError) as err:
        names.validate_name(rtype, name)
    assert err.value.code == code


def test_network_message_is_nrp_wording() -> None:
    problem = names.name_problem(SUBNET, "bad name")
    assert problem is not None
    assert problem.message.startswith("Resource name bad name is invalid. The name can be up to 80")


def test_registry_message() -> None:
    problem = names.name_problem(ACR, "my-acr")
    assert problem is not None
    assert "alpha numeric characters" in problem.message and "5 and 50" in problem.message


@pytest.mark.parametrize("name", ["@", "myacr", "myacr.swedencentral.data", "*.apps", "_dmarc"])
def test_record_set_names(name: str) -> None:
    assert names.record_set_problem(name) is None


@pytest.mark.parametrize("name", ["bad name", "a..b", "x" * 64])
def test_bad_record_set_names(name: str) -> None:
    problem = names.record_set_problem(name)
    assert problem is not None and problem.code == "BadRequest"


def test_str() -> None:
    assert str(InvalidNameError("C", "m")) == "(C) m"
