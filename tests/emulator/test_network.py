"""Microsoft.Network through the real azure-mgmt-network clients (sync and aio)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network.aio import NetworkManagementClient as AioNetworkClient
from azure.mgmt.resource.resources import ResourceManagementClient

from aksiso_tui.emulator.server import EmulatorThread
from aksiso_tui.emulator.testing import error_code, make_client
from tests.emulator.aks_topology import rg_id
from tests.emulator.rest import http, keys_match

EXAMPLES = Path("/work/shared/arm-reference/examples")
NET = "providers/Microsoft.Network"


@pytest.fixture
def net(sync_emulator: EmulatorThread) -> NetworkManagementClient:
    rm = make_client(ResourceManagementClient, sync_emulator.base_url, retry_total=0)
    rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
    return make_client(NetworkManagementClient, sync_emulator.base_url, retry_total=0)


def vnet(net: NetworkManagementClient, name: str = "vnet1", space: str = "10.0.0.0/16") -> Any:
    body = {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": [space]}}}
    return net.virtual_networks.begin_create_or_update("rg1", name, body).result()  # type: ignore[call-overload]


def subnet(
    net: NetworkManagementClient, name: str, prefix: str, vnet_name: str = "vnet1", **props: Any
) -> Any:
    body = {"properties": {"addressPrefix": prefix, **props}}
    return net.subnets.begin_create_or_update("rg1", vnet_name, name, body).result()  # type: ignore[call-overload]


def test_vnet_embeds_subnets_and_lro_headers(
    sync_emulator: EmulatorThread, net: NetworkManagementClient
) -> None:
    vnet(net)
    status, headers, body = http(
        sync_emulator,
        "PUT",
        f"{rg_id('rg1')}/{NET}/virtualNetworks/vnet1/subnets/aks",
        {"properties": {"addressPrefix": "10.0.1.0/24", "defaultOutboundAccess": False}},
    )
    assert status == 201 and "Azure-AsyncOperation" in headers
    assert (
        "/providers/Microsoft.Network/locations/eastus/operations/"
        in headers["Azure-AsyncOperation"]
    )
    assert body["properties"]["provisioningState"] == "Creating"
    got = net.virtual_networks.get("rg1", "vnet1")
    assert [s.name for s in got.subnets] == ["aks"]
    assert got.subnets[0].default_outbound_access is False
    assert got.subnets[0].private_endpoint_network_policies == "Disabled"
    assert got.virtual_network_peerings == []


def test_subnet_update_round_trip(net: NetworkManagementClient) -> None:
    vnet(net)
    subnet(net, "aks", "10.0.1.0/24")
    model = net.subnets.get("rg1", "vnet1", "aks")
    model.default_outbound_access = False
    again = net.subnets.begin_create_or_update("rg1", "vnet1", "aks", model).result()
    assert again.default_outbound_access is False and again.address_prefix == "10.0.1.0/24"


@pytest.mark.parametrize(
    ("prefix", "code"),
    [
        ("10.1.0.0/24", "NetcfgSubnetRangeOutsideVnet"),
        ("10.0.1.128/25", "NetcfgSubnetRangesOverlap"),
        ("10.0.5.7/24", "InvalidCIDRNotation"),
        ("banana", "InvalidAddressPrefixFormat"),
        ("10.0.9.0/30", "NetcfgInvalidSubnet"),
    ],
)
def test_subnet_validation(net: NetworkManagementClient, prefix: str, code: str) -> None:
    vnet(net)
    subnet(net, "a", "10.0.1.0/24")
    with pytest.raises(HttpResponseError) as exc:
        subnet(net, "b", prefix)
    assert error_code(exc.value) == code


def test_bad_names(net: NetworkManagementClient) -> None:
    vnet(net)
    with pytest.raises(HttpResponseError) as exc:
        subnet(net, "bad name", "10.0.1.0/24")
    assert error_code(exc.value) == "InvalidResourceName"
    with pytest.raises(HttpResponseError) as exc:
        vnet(net, "v")
    assert error_code(exc.value) == "InvalidResourceName"


def test_delegation_filled(net: NetworkManagementClient) -> None:
    vnet(net)
    got = subnet(
        net,
        "apiserver",
        "10.0.4.0/28",
        delegations=[
            {
                "name": "aks",
                "properties": {"serviceName": "Microsoft.ContainerService/managedClusters"},
            }
        ],
    )
    d = got.delegations[0]
    assert d.id.endswith("/subnets/apiserver/delegations/aks")
    assert d.type == "Microsoft.Network/virtualNetworks/subnets/delegations"
    assert d.actions == ["Microsoft.Network/virtualNetworks/subnets/join/action"]


def test_route_tables(net: NetworkManagementClient) -> None:
    vnet(net)
    with pytest.raises(HttpResponseError) as exc:
        subnet(
            net, "aks", "10.0.1.0/24", routeTable={"id": f"{rg_id('rg1')}/{NET}/routeTables/nope"}
        )
    assert error_code(exc.value) == "InvalidResourceReference"
    rt = net.route_tables.begin_create_or_update(  # type: ignore[call-overload]
        "rg1", "rt1", {"location": "eastus", "properties": {"disableBgpRoutePropagation": True}}
    ).result()
    with pytest.raises(HttpResponseError) as exc:
        net.routes.begin_create_or_update(  # type: ignore[call-overload]
            "rg1",
            "rt1",
            "r",
            {"properties": {"addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance"}},
        ).result()
    assert error_code(exc.value) == "VirtualApplianceNextHopIpAddressMissing"
    route = net.routes.begin_create_or_update(  # type: ignore[call-overload]
        "rg1",
        "rt1",
        "default",
        {
            "properties": {
                "addressPrefix": "0.0.0.0/0",
                "nextHopType": "VirtualAppliance",
                "nextHopIpAddress": "10.1.0.4",
            }
        },
    ).result()
    assert route.next_hop_ip_address == "10.1.0.4"
    got = subnet(net, "aks", "10.0.1.0/24", routeTable={"id": rt.id})
    assert got.route_table.id == rt.id
    assert [r.name for r in net.route_tables.get("rg1", "rt1").routes] == ["default"]


def hub(net: NetworkManagementClient, fw_prefix: str = "10.1.0.0/26") -> tuple[Any, Any]:
    vnet(net, "hub", "10.1.0.0/22")
    sn = subnet(net, "AzureFirewallSubnet", fw_prefix, vnet_name="hub")
    pip = net.public_ip_addresses.begin_create_or_update(  # type: ignore[call-overload]
        "rg1",
        "fw-pip",
        {
            "location": "eastus",
            "sku": {"name": "Standard"},
            "properties": {"publicIPAllocationMethod": "Static"},
        },
    ).result()
    return sn, pip


def fw_body(sn: Any, pip: Any, policy: str | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "sku": {"name": "AZFW_VNet", "tier": "Standard"},
        "ipConfigurations": [
            {
                "name": "cfg",
                "properties": {"subnet": {"id": sn.id}, "publicIPAddress": {"id": pip.id}},
            }
        ],
    }
    if policy:
        props["firewallPolicy"] = {"id": policy}
    return {"location": "eastus", "properties": props}


def test_firewall_gets_first_usable_ip(net: NetworkManagementClient) -> None:
    sn, pip = hub(net)
    assert pip.ip_address.startswith("20.")
    policy = net.firewall_policies.begin_create_or_update(  # type: ignore[call-overload]
        "rg1",
        "fwpol",
        {
            "location": "eastus",
            "properties": {"sku": {"tier": "Standard"}, "dnsSettings": {"enableProxy": True}},
        },
    ).result()
    rules = {
        "properties": {
            "priority": 200,
            "ruleCollections": [
                {
                    "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                    "name": "aks-app",
                    "priority": 200,
                    "action": {"type": "Allow"},
                    "rules": [
                        {
                            "ruleType": "ApplicationRule",
                            "name": "aks-fqdn",
                            "sourceAddresses": ["10.0.1.0/24"],
                            "protocols": [{"protocolType": "Https", "port": 443}],
                            "fqdnTags": ["AzureKubernetesService"],
                        }
                    ],
                }
            ],
        }
    }
    rcg = net.firewall_policy_rule_collection_groups.begin_create_or_update(  # type: ignore[call-overload]
        "rg1", "fwpol", "aks-rcg", rules
    ).result()
    assert rcg.rule_collections[0].rules[0].fqdn_tags == ["AzureKubernetesService"]
    fw = net.azure_firewalls.begin_create_or_update(  # type: ignore[call-overload]
        "rg1", "fw1", fw_body(sn, pip, policy.id)
    ).result()
    assert fw.ip_configurations[0].private_ip_address == "10.1.0.4"
    assert net.azure_firewalls.get("rg1", "fw1").firewall_policy.id == policy.id
    assert net.subnets.get("rg1", "hub", "AzureFirewallSubnet").ip_configurations
    with pytest.raises(HttpResponseError) as exc:
        net.subnets.begin_delete("rg1", "hub", "AzureFirewallSubnet").result()
    assert error_code(exc.value) == "InUseSubnetCannotBeDeleted"
    net.azure_firewalls.begin_delete("rg1", "fw1").result()
    net.subnets.begin_delete("rg1", "hub", "AzureFirewallSubnet").result()


def test_firewall_rules(net: NetworkManagementClient) -> None:
    sn, pip = hub(net, "10.1.0.0/27")
    with pytest.raises(HttpResponseError) as exc:
        net.azure_firewalls.begin_create_or_update("rg1", "fw1", fw_body(sn, pip)).result()  # type: ignore[call-overload]
    assert error_code(exc.value) == "AzureFirewallSubnetMustBeAtLeastSize"
    other = subnet(net, "other", "10.1.1.0/24", vnet_name="hub")
    with pytest.raises(HttpResponseError) as exc:
        net.azure_firewalls.begin_create_or_update("rg1", "fw1", fw_body(other, pip)).result()  # type: ignore[call-overload]
    assert error_code(exc.value) == "AzureFirewallSubnetNameInvalid"
    with pytest.raises(HttpResponseError) as exc:
        net.azure_firewalls.begin_create_or_update(  # type: ignore[call-overload]
            "rg1", "fw1", fw_body(sn, pip, f"{rg_id('rg1')}/{NET}/firewallPolicies/nope")
        ).result()
    assert error_code(exc.value) == "InvalidResourceReference"


def test_peering_states(net: NetworkManagementClient) -> None:
    spoke = vnet(net)
    hubnet = vnet(net, "hub", "10.1.0.0/22")
    body = {
        "properties": {"remoteVirtualNetwork": {"id": hubnet.id}, "allowForwardedTraffic": True}
    }
    one = net.virtual_network_peerings.begin_create_or_update(  # type: ignore[call-overload]
        "rg1", "vnet1", "to-hub", body
    ).result()
    assert one.peering_state == "Initiated" and one.allow_virtual_network_access is True
    back = {"properties": {"remoteVirtualNetwork": {"id": spoke.id}, "allowForwardedTraffic": True}}
    two = net.virtual_network_peerings.begin_create_or_update(  # type: ignore[call-overload]
        "rg1", "hub", "to-spoke", back
    ).result()
    assert two.peering_state == "Connected"
    assert net.virtual_network_peerings.get("rg1", "vnet1", "to-hub").peering_state == "Connected"
    assert net.virtual_networks.get("rg1", "vnet1").virtual_network_peerings[0].name == "to-hub"
    net.virtual_network_peerings.begin_delete("rg1", "hub", "to-spoke").result()
    assert (
        net.virtual_network_peerings.get("rg1", "vnet1", "to-hub").peering_state == "Disconnected"
    )


def test_peering_overlap_and_missing_remote(net: NetworkManagementClient) -> None:
    vnet(net)
    other = vnet(net, "other", "10.0.128.0/17")
    body = {"properties": {"remoteVirtualNetwork": {"id": other.id}}}
    with pytest.raises(HttpResponseError) as exc:
        net.virtual_network_peerings.begin_create_or_update("rg1", "vnet1", "p", body).result()  # type: ignore[call-overload]
    assert error_code(exc.value) == "VnetAddressSpacesOverlap"
    body = {
        "properties": {"remoteVirtualNetwork": {"id": f"{rg_id('rg1')}/{NET}/virtualNetworks/nope"}}
    }
    with pytest.raises(HttpResponseError) as exc:
        net.virtual_network_peerings.begin_create_or_update("rg1", "vnet1", "p", body).result()  # type: ignore[call-overload]
    assert error_code(exc.value) == "InvalidResourceReference"


def test_concurrent_subnet_writes_conflict() -> None:
    with EmulatorThread(time_scale=1.0) as server:
        rm = make_client(ResourceManagementClient, server.base_url, retry_total=0)
        rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
        net = make_client(NetworkManagementClient, server.base_url, retry_total=0)
        body = {
            "location": "eastus",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}},
        }
        net.virtual_networks.begin_create_or_update("rg1", "vnet1", body, polling=False)  # type: ignore[call-overload]
        with pytest.raises(ResourceExistsError) as exc:
            net.subnets.begin_create_or_update(  # type: ignore[call-overload]
                "rg1", "vnet1", "a", {"properties": {"addressPrefix": "10.0.1.0/24"}}, polling=False
            )
        assert error_code(exc.value) == "AnotherOperationInProgress"
        assert exc.value.error is not None and "/operations/" in str(exc.value.error.message)


def test_public_ip_standard_must_be_static(net: NetworkManagementClient) -> None:
    with pytest.raises(HttpResponseError) as exc:
        net.public_ip_addresses.begin_create_or_update(  # type: ignore[call-overload]
            "rg1",
            "pip",
            {
                "location": "eastus",
                "sku": {"name": "Standard"},
                "properties": {"publicIPAllocationMethod": "Dynamic"},
            },
        ).result()
    assert error_code(exc.value) == "StandardSkuPublicIPAddressesMustBeStatic"


async def test_aio_vnet_and_subnet(sync_emulator: EmulatorThread) -> None:
    rm = make_client(ResourceManagementClient, sync_emulator.base_url, retry_total=0)
    rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
    async with make_client(AioNetworkClient, sync_emulator.base_url, retry_total=0) as net:
        body = {
            "location": "eastus",
            "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}},
        }
        poller = await net.virtual_networks.begin_create_or_update("rg1", "vnet1", body)  # type: ignore[call-overload]
        assert (await poller.result()).provisioning_state == "Succeeded"
        poller = await net.subnets.begin_create_or_update(  # type: ignore[call-overload]
            "rg1", "vnet1", "aks", {"properties": {"addressPrefix": "10.0.1.0/24"}}
        )
        assert (await poller.result()).address_prefix == "10.0.1.0/24"
        poller = await net.subnets.begin_delete("rg1", "vnet1", "aks")
        await poller.result()
        got = await net.virtual_networks.get("rg1", "vnet1")
        assert got.subnets == []


# -- official examples ------------------------------------------------------------------------


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / "network" / name).read_text())


def final_get(emu: EmulatorThread, path: str) -> Any:
    status, _, body = http(emu, "GET", path)
    assert status == 200
    return body


def test_example_subnet_with_delegation(
    sync_emulator: EmulatorThread, net: NetworkManagementClient
) -> None:
    vnet(net, "vnetname", "10.0.0.0/8")
    ex = example("SubnetCreateWithDelegation.json")
    body = {
        "properties": {
            **ex["parameters"]["subnetParameters"]["properties"],
            "delegations": [
                {
                    "name": "myDelegation",
                    "properties": {"serviceName": "Microsoft.Provider/resourceType"},
                }
            ],
        }
    }
    path = f"{rg_id('rg1')}/{NET}/virtualNetworks/vnetname/subnets/subnet1"
    status, _, _ = http(sync_emulator, "PUT", path, body)
    assert status == 201
    keys_match(ex["responses"]["201"]["body"], final_get(sync_emulator, path))


def test_example_route(sync_emulator: EmulatorThread, net: NetworkManagementClient) -> None:
    net.route_tables.begin_create_or_update("rg1", "testrt", {"location": "eastus"}).result()  # type: ignore[call-overload]
    ex = example("RouteTableRouteCreate.json")
    path = f"{rg_id('rg1')}/{NET}/routeTables/testrt/routes/route1"
    status, _, _ = http(sync_emulator, "PUT", path, ex["parameters"]["routeParameters"])
    assert status == 201
    got = final_get(sync_emulator, path)
    keys_match(ex["responses"]["201"]["body"], got)
    assert got["properties"]["nextHopType"] == "VirtualNetworkGateway"


def test_example_peering(sync_emulator: EmulatorThread, net: NetworkManagementClient) -> None:
    vnet(net, "vnet1", "10.0.0.0/16")
    vnet(net, "vnet2", "12.0.0.0/8")
    ex = example("VirtualNetworkPeeringCreate.json")
    body = ex["parameters"]["VirtualNetworkPeeringParameters"]
    body["properties"]["remoteVirtualNetwork"]["id"] = f"{rg_id('rg1')}/{NET}/virtualNetworks/vnet2"
    path = f"{rg_id('rg1')}/{NET}/virtualNetworks/vnet1/virtualNetworkPeerings/peer"
    status, _, _ = http(sync_emulator, "PUT", path, body)
    assert status == 201
    expected = ex["responses"]["201"]["body"]
    expected["properties"].pop("remoteBgpCommunities")
    got = final_get(sync_emulator, path)
    keys_match(expected, got)
    assert got["properties"]["remoteAddressSpace"] == {"addressPrefixes": ["12.0.0.0/8"]}
    assert got["properties"]["peeringState"] == "Initiated"
