"""Microsoft.ContainerRegistry (and the registry private endpoint) through the real SDKs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.containerregistry.aio import ContainerRegistryManagementClient as AioAcr
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient

from aksiso_tui.emulator.context import SUBSCRIPTION_ID
from aksiso_tui.emulator.server import EmulatorThread
from aksiso_tui.emulator.testing import error_code, make_client
from tests.emulator.aks_topology import rg_id
from tests.emulator.rest import http, keys_match

EXAMPLES = Path("/work/shared/arm-reference/examples/containerregistry")
ACR = "providers/Microsoft.ContainerRegistry/registries"


@pytest.fixture
def acr(sync_emulator: EmulatorThread) -> ContainerRegistryManagementClient:
    rm = make_client(ResourceManagementClient, sync_emulator.base_url, retry_total=0)
    rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
    rm.resource_groups.create_or_update("rg2", {"location": "eastus"})
    return make_client(ContainerRegistryManagementClient, sync_emulator.base_url, retry_total=0)


def create(
    acr: ContainerRegistryManagementClient,
    name: str,
    rg: str = "rg1",
    sku: str = "Premium",
    **props: Any,
) -> Any:
    body = {"location": "eastus", "sku": {"name": sku}, "properties": props}
    return acr.registries.begin_create(rg, name, body).result()


def test_create_get_update(
    sync_emulator: EmulatorThread, acr: ContainerRegistryManagementClient
) -> None:
    reg = create(acr, "MyAcr123", publicNetworkAccess="Disabled")
    assert reg.login_server == "myacr123.azurecr.io"
    assert reg.sku.tier == "Premium" and reg.public_network_access == "Disabled"
    assert reg.anonymous_pull_enabled is False
    assert reg.policies.azure_ad_authentication_as_arm_policy.status == "enabled"
    updated = acr.registries.begin_update(
        "rg1", "MyAcr123", {"properties": {"anonymousPullEnabled": True}}
    ).result()
    assert updated.anonymous_pull_enabled is True and updated.public_network_access == "Disabled"
    assert [r.name for r in acr.registries.list_by_resource_group("rg1")] == ["MyAcr123"]
    status, headers, _ = http(
        sync_emulator,
        "PUT",
        f"{rg_id('rg1')}/{ACR}/other12345",
        {"location": "eastus", "sku": {"name": "Basic"}},
    )
    assert status == 201 and "/other12345/operationStatuses/" in headers["Azure-AsyncOperation"]


def test_global_names(acr: ContainerRegistryManagementClient) -> None:
    create(acr, "myacr123")
    with pytest.raises(ResourceExistsError) as exc:
        create(acr, "MYACR123", rg="rg2")
    assert error_code(exc.value) == "AlreadyInUse"
    taken = acr.registries.check_name_availability(
        {"name": "myacr123", "type": "Microsoft.ContainerRegistry/registries"}
    )
    assert (taken.name_available, taken.reason) == (False, "AlreadyExists")
    bad = acr.registries.check_name_availability(
        {"name": "my-acr", "type": "Microsoft.ContainerRegistry/registries"}
    )
    assert (bad.name_available, bad.reason) == (False, "Invalid")
    free = acr.registries.check_name_availability(
        {"name": "freeacr1", "type": "Microsoft.ContainerRegistry/registries"}
    )
    assert free.name_available is True
    acr.registries.begin_delete("rg1", "myacr123").result()
    assert create(acr, "MYACR123", rg="rg2").name == "MYACR123"


@pytest.mark.parametrize(
    ("name", "sku", "code"),
    [("ab", "Premium", "InvalidResourceName"), ("okname1", "Gold", "InvalidSku")],
)
def test_create_validation(
    acr: ContainerRegistryManagementClient, name: str, sku: str, code: str
) -> None:
    with pytest.raises(HttpResponseError) as exc:
        create(acr, name, sku=sku)
    assert error_code(exc.value) == code


def test_cache_rules(acr: ContainerRegistryManagementClient) -> None:
    create(acr, "basicacr1", sku="Basic")
    rule = acr.cache_rules.begin_create(
        "rg1",
        "basicacr1",
        "aks-managed-mcr",
        {
            "properties": {
                "sourceRepository": "mcr.microsoft.com/*",
                "targetRepository": "aks-managed-repository/*",
            }
        },
    ).result()
    assert rule.target_repository == "aks-managed-repository/*" and rule.creation_date
    for source, target in (
        ("evil.example.com/*", "x/*"),
        ("mcr.microsoft.com/*", "aks-managed-repository/*"),
    ):
        with pytest.raises(HttpResponseError) as exc:
            acr.cache_rules.begin_create(
                "rg1",
                "basicacr1",
                "second",
                {"properties": {"sourceRepository": source, "targetRepository": target}},
            ).result()
        assert error_code(exc.value) in (
            "InvalidCacheRuleSourceRepository",
            "CacheRuleTargetRepositoryAlreadyExists",
        )
    acr.cache_rules.begin_delete("rg1", "basicacr1", "aks-managed-mcr").result()
    assert list(acr.cache_rules.list("rg1", "basicacr1")) == []


def private_endpoint(
    emu: EmulatorThread,
    registry_id: str,
    group: str = "registry",
    subnet_extra: dict[str, Any] | None = None,
) -> tuple[NetworkManagementClient, Any]:
    net = make_client(NetworkManagementClient, emu.base_url, retry_total=0)
    net.virtual_networks.begin_create_or_update(  # type: ignore[call-overload]
        "rg1",
        "vnet1",
        {
            "location": "eastus",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}},
        },
    ).result()
    sn = net.subnets.begin_create_or_update(  # type: ignore[call-overload]
        "rg1",
        "vnet1",
        "pe",
        {
            "properties": {
                "addressPrefix": "10.0.2.0/24",
                "privateEndpointNetworkPolicies": "Enabled",
                **(subnet_extra or {}),
            }
        },
    ).result()
    body = {
        "location": "eastus",
        "properties": {
            "subnet": {"id": sn.id},
            "privateLinkServiceConnections": [
                {
                    "name": "acr-conn",
                    "properties": {"privateLinkServiceId": registry_id, "groupIds": [group]},
                }
            ],
        },
    }
    return net, net.private_endpoints.begin_create_or_update("rg1", "acr-pe", body).result()  # type: ignore[call-overload]


def test_private_endpoint_side_effects(
    sync_emulator: EmulatorThread, acr: ContainerRegistryManagementClient
) -> None:
    reg = create(acr, "myacr123", publicNetworkAccess="Disabled")
    net, pe = private_endpoint(sync_emulator, reg.id)
    nic_name = pe.network_interfaces[0].id.rsplit("/", 1)[1]
    assert nic_name.startswith("acr-pe.nic.")
    nic = net.network_interfaces.get("rg1", nic_name)
    ips = {
        c.private_link_connection_properties.required_member_name: c.private_ip_address
        for c in nic.ip_configurations
    }
    assert ips == {"registry": "10.0.2.4", "registry_data_eastus": "10.0.2.5"}
    fqdns = {c.fqdn: c.ip_addresses for c in pe.custom_dns_configs}
    assert fqdns == {
        "myacr123.azurecr.io": ["10.0.2.4"],
        "myacr123.eastus.data.azurecr.io": ["10.0.2.5"],
    }
    assert (
        pe.private_link_service_connections[0].private_link_service_connection_state.status
        == "Approved"
    )
    conns = acr.registries.get("rg1", "myacr123").private_endpoint_connections
    assert conns[0].private_endpoint.id == pe.id
    assert [c.name for c in acr.private_endpoint_connections.list("rg1", "myacr123")] == [
        conns[0].name
    ]
    with pytest.raises(HttpResponseError) as exc:
        net.subnets.begin_delete("rg1", "vnet1", "pe").result()
    assert error_code(exc.value) == "InUseSubnetCannotBeDeleted"
    net.private_endpoints.begin_delete("rg1", "acr-pe").result()
    assert list(net.network_interfaces.list("rg1")) == []
    assert acr.registries.get("rg1", "myacr123").private_endpoint_connections == []
    net.subnets.begin_delete("rg1", "vnet1", "pe").result()


@pytest.mark.parametrize(
    ("sku", "group", "code"),
    [
        ("Standard", "registry", "PrivateEndpointNotSupportedForSku"),
        ("Premium", "blob", "PrivateEndpointBadRequest"),
    ],
)
def test_private_endpoint_rules(
    sync_emulator: EmulatorThread,
    acr: ContainerRegistryManagementClient,
    sku: str,
    group: str,
    code: str,
) -> None:
    reg = create(acr, "myacr123", sku=sku)
    with pytest.raises(HttpResponseError) as exc:
        private_endpoint(sync_emulator, reg.id, group)
    assert error_code(exc.value) == code


def test_private_endpoint_refused_in_a_delegated_subnet(
    sync_emulator: EmulatorThread, acr: ContainerRegistryManagementClient
) -> None:
    """An API server subnet delegated to AKS must hold nothing else (AZURE_FACTS)."""
    reg = create(acr, "myacr123")
    delegated = {
        "delegations": [
            {
                "name": "aks",
                "properties": {"serviceName": "Microsoft.ContainerService/managedClusters"},
            }
        ]
    }
    with pytest.raises(HttpResponseError) as exc:
        private_endpoint(sync_emulator, reg.id, subnet_extra=delegated)
    assert error_code(exc.value) == "PrivateEndpointCreationNotAllowedAsSubnetIsDelegated"
    assert "Microsoft.ContainerService/managedClusters" in str(exc.value)


def test_official_examples(
    sync_emulator: EmulatorThread, acr: ContainerRegistryManagementClient
) -> None:
    ex = json.loads((EXAMPLES / "RegistryCreate.json").read_text())
    path = f"{rg_id('rg1')}/{ACR}/myRegistry"
    status, headers, body = http(sync_emulator, "PUT", path, ex["parameters"]["registry"])
    assert status == 201 and "Azure-AsyncOperation" in headers
    expected = ex["responses"]["201"]["body"]
    expected["properties"]["policies"]["retentionPolicy"].pop("lastUpdatedTime")
    keys_match(expected, body)
    assert body["tags"] == {"key": "value"}
    upd = json.loads((EXAMPLES / "RegistryUpdate.json").read_text())
    status, _, body = http(
        sync_emulator, "PATCH", path, upd["parameters"]["registryUpdateParameters"]
    )
    assert status in (200, 201)
    assert body["properties"]["roleAssignmentMode"] == "AbacRepositoryPermissions"
    chk = json.loads((EXAMPLES / "RegistryCheckNameNotAvailable.json").read_text())
    status, _, body = http(
        sync_emulator,
        "POST",
        f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.ContainerRegistry/checkNameAvailability",
        chk["parameters"]["registryNameCheckRequest"],
    )
    assert body == chk["responses"]["200"]["body"]
    cache = json.loads((EXAMPLES / "CacheRuleCreate.json").read_text())
    status, headers, body = http(
        sync_emulator,
        "PUT",
        f"{path}/cacheRules/myCacheRule",
        cache["parameters"]["cacheRuleCreateParameters"],
    )
    assert (
        status == 201
        and "/cacheRules/myCacheRule/operationStatuses/" in headers["Azure-AsyncOperation"]
    )
    keys_match(cache["responses"]["201"]["body"], body)


async def test_aio_registry(sync_emulator: EmulatorThread) -> None:
    rm = make_client(ResourceManagementClient, sync_emulator.base_url, retry_total=0)
    rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
    async with make_client(AioAcr, sync_emulator.base_url, retry_total=0) as acr:
        poller = await acr.registries.begin_create(
            "rg1", "aioacr1", {"location": "eastus", "sku": {"name": "Premium"}}
        )
        assert (await poller.result()).login_server == "aioacr1.azurecr.io"
        poller = await acr.registries.begin_update(
            "rg1", "aioacr1", {"properties": {"publicNetworkAccess": "Disabled"}}
        )
        assert (await poller.result()).public_network_access == "Disabled"
        deleting = await acr.registries.begin_delete("rg1", "aioacr1")
        await deleting.result()


def test_example_private_endpoint(
    sync_emulator: EmulatorThread, acr: ContainerRegistryManagementClient
) -> None:
    """The official example, retargeted at a registry (no privateLinkServices here)."""
    reg = create(acr, "myacr123")
    net, _ = private_endpoint(sync_emulator, reg.id)
    ex = json.loads(
        Path("/work/shared/arm-reference/examples/network/PrivateEndpointCreate.json").read_text()
    )
    body = ex["parameters"]["parameters"]
    body["location"] = "eastus"
    conn = body["properties"]["privateLinkServiceConnections"][0]["properties"]
    conn.update(privateLinkServiceId=reg.id, groupIds=["registry"])
    body["properties"]["subnet"]["id"] = net.subnets.get("rg1", "vnet1", "pe").id
    body["properties"]["ipConfigurations"][0]["properties"].update(
        groupId="registry", memberName="registry", privateIPAddress="10.0.2.40"
    )
    path = f"{rg_id('rg1')}/providers/Microsoft.Network/privateEndpoints/testPe"
    status, _, _ = http(sync_emulator, "PUT", path, body)
    assert status == 201
    status, _, got = http(sync_emulator, "GET", path)
    keys_match(ex["responses"]["201"]["body"], got)
    assert got["properties"]["networkInterfaces"][0]["id"].endswith("/networkInterfaces/testPeNic")
    assert {c["fqdn"]: c["ipAddresses"] for c in got["properties"]["customDnsConfigs"]} == {
        "myacr123.azurecr.io": ["10.0.2.40"],
        "myacr123.eastus.data.azurecr.io": ["10.0.2.6"],
    }
