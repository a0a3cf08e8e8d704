"""Private DNS zones, links and record sets through the real azure-mgmt-privatedns clients."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.privatedns import PrivateDnsManagementClient
from azure.mgmt.privatedns.aio import PrivateDnsManagementClient as AioDns
from azure.mgmt.resource.resources import ResourceManagementClient

from aksiso_tui.emulator.providers.privatedns import create_zone, link_zone, set_a_record
from aksiso_tui.emulator.server import EmulatorThread
from aksiso_tui.emulator.testing import error_code, make_client
from tests.emulator.aks_topology import rg_id
from tests.emulator.rest import http, keys_match

EXAMPLES = Path("/work/shared/arm-reference/examples/privatedns")
ZONE = "privatelink.azurecr.io"
ZONES = "providers/Microsoft.Network/privateDnsZones"


@pytest.fixture
def dns(sync_emulator: EmulatorThread) -> PrivateDnsManagementClient:
    rm = make_client(ResourceManagementClient, sync_emulator.base_url, retry_total=0)
    rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
    net = make_client(NetworkManagementClient, sync_emulator.base_url, retry_total=0)
    for name, space in (("vnet1", "10.0.0.0/16"), ("hub", "10.1.0.0/16")):
        net.virtual_networks.begin_create_or_update(  # type: ignore[call-overload]
            "rg1",
            name,
            {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": [space]}}},
        ).result()
    return make_client(PrivateDnsManagementClient, sync_emulator.base_url, retry_total=0)


def vnet_id(name: str) -> str:
    return f"{rg_id('rg1')}/providers/Microsoft.Network/virtualNetworks/{name}"


def link(dns: PrivateDnsManagementClient, name: str, vnet: str) -> Any:
    body = {
        "location": "global",
        "properties": {"virtualNetwork": {"id": vnet_id(vnet)}, "registrationEnabled": False},
    }
    return dns.virtual_network_links.begin_create_or_update("rg1", ZONE, name, body).result()  # type: ignore[call-overload]


def test_zone_lro_shape(sync_emulator: EmulatorThread, dns: PrivateDnsManagementClient) -> None:
    status, headers, body = http(
        sync_emulator, "PUT", f"{rg_id('rg1')}/{ZONES}/{ZONE}", {"location": "global"}
    )
    assert status == 202 and body is None
    assert "/privateDnsOperationStatuses/" in headers["Azure-AsyncOperation"]
    assert "/privateDnsOperationResults/" in headers["Location"]
    zone = dns.private_zones.get("rg1", ZONE)
    assert zone.location == "global" and zone.number_of_record_sets == 1
    assert [r.type for r in dns.record_sets.list("rg1", ZONE)] == [
        "Microsoft.Network/privateDnsZones/SOA"
    ]


def test_links_and_records(dns: PrivateDnsManagementClient) -> None:
    dns.private_zones.begin_create_or_update("rg1", ZONE, {"location": "global"}).result()  # type: ignore[call-overload]
    got = link(dns, "vnet1-link", "vnet1")
    assert got.virtual_network_link_state == "Completed" and got.virtual_network.id == vnet_id(
        "vnet1"
    )
    link(dns, "hub-link", "hub")
    with pytest.raises(ResourceExistsError) as exc:
        link(dns, "again", "vnet1")
    assert error_code(exc.value) == "Conflict"
    with pytest.raises(HttpResponseError) as bad_ref:
        link(dns, "nolink", "nope")
    assert error_code(bad_ref.value) == "InvalidVirtualNetworkReference"
    rec = dns.record_sets.create_or_update(  # type: ignore[call-overload]
        "rg1",
        ZONE,
        "A",
        "MyAcr123",
        {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.2.4"}]}},
    )
    assert rec.name == "myacr123" and rec.fqdn == "myacr123.privatelink.azurecr.io."
    data = dns.record_sets.create_or_update(  # type: ignore[call-overload]
        "rg1",
        ZONE,
        "A",
        "myacr123.eastus.data",
        {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.2.5"}]}},
    )
    assert data.fqdn == "myacr123.eastus.data.privatelink.azurecr.io."
    empty = dns.record_sets.create_or_update("rg1", ZONE, "A", "empty", {"properties": {}})  # type: ignore[call-overload]
    assert empty.a_records == [] and empty.ttl == 3600  # az's add-record appends to the list
    dns.record_sets.delete("rg1", ZONE, "A", "empty")
    patched = dns.record_sets.update("rg1", ZONE, "A", "myacr123", {"properties": {"ttl": 60}})  # type: ignore[call-overload]
    assert patched.ttl == 60 and patched.a_records[0].ipv4_address == "10.0.2.4"
    assert sorted(str(r.name) for r in dns.record_sets.list_by_type("rg1", ZONE, "A")) == [
        "myacr123",
        "myacr123.eastus.data",
    ]
    assert len(list(dns.record_sets.list("rg1", ZONE))) == 3
    assert dns.private_zones.get("rg1", ZONE).number_of_record_sets == 3
    assert dns.private_zones.get("rg1", ZONE).number_of_virtual_network_links == 2
    with pytest.raises(ResourceExistsError) as exc:
        dns.private_zones.begin_delete("rg1", ZONE).result()
    assert error_code(exc.value) == "Conflict"
    dns.record_sets.delete("rg1", ZONE, "A", "myacr123")
    for name in ("vnet1-link", "hub-link"):
        dns.virtual_network_links.begin_delete("rg1", ZONE, name).result()
    dns.private_zones.begin_delete("rg1", ZONE).result()
    assert list(dns.private_zones.list_by_resource_group("rg1")) == []


def test_bad_names(dns: PrivateDnsManagementClient) -> None:
    with pytest.raises(HttpResponseError) as exc:
        dns.private_zones.begin_create_or_update(  # type: ignore[call-overload]
            "rg1", "localhost", {"location": "global"}
        ).result()
    assert error_code(exc.value) == "BadRequest"
    dns.private_zones.begin_create_or_update("rg1", ZONE, {"location": "global"}).result()  # type: ignore[call-overload]
    with pytest.raises(HttpResponseError) as exc:
        dns.record_sets.create_or_update("rg1", ZONE, "A", "bad name", {"properties": {"ttl": 10}})  # type: ignore[call-overload]
    assert error_code(exc.value) == "BadRequest"


def test_side_effect_functions(
    sync_emulator: EmulatorThread, dns: PrivateDnsManagementClient
) -> None:
    zone = create_zone(sync_emulator.state, rg_id("rg1"), "privatelink.eastus.azmk8s.io")
    link_zone(sync_emulator.state, zone["id"], "l", vnet_id("vnet1"))
    set_a_record(sync_emulator.state, zone["id"], "aks-abc", ["10.0.4.4"])
    got = dns.private_zones.get("rg1", "privatelink.eastus.azmk8s.io")
    assert got.provisioning_state == "Succeeded" and got.number_of_record_sets == 2
    assert (
        dns.record_sets.get("rg1", "privatelink.eastus.azmk8s.io", "A", "aks-abc")
        .a_records[0]
        .ipv4_address
        == "10.0.4.4"
    )


def test_official_examples(sync_emulator: EmulatorThread, dns: PrivateDnsManagementClient) -> None:
    dns.private_zones.begin_create_or_update(  # type: ignore[call-overload]
        "rg1", "privatezone1.com", {"location": "global"}
    ).result()
    ex = json.loads((EXAMPLES / "RecordSetAPut.json").read_text())
    status, _, body = http(
        sync_emulator,
        "PUT",
        f"{rg_id('rg1')}/{ZONES}/privatezone1.com/A/recordA",
        ex["parameters"]["parameters"],
    )
    assert status == 201
    keys_match(ex["responses"]["201"]["body"], body)
    assert body["name"] == "recorda" and body["properties"]["fqdn"] == "recorda.privatezone1.com."
    assert body["properties"]["metadata"] == {"key1": "value1"}
    lex = json.loads((EXAMPLES / "VirtualNetworkLinkPut.json").read_text())
    params = lex["parameters"]["parameters"]
    params["properties"]["virtualNetwork"]["id"] = vnet_id("vnet1")
    path = f"{rg_id('rg1')}/{ZONES}/privatezone1.com/virtualNetworkLinks/virtualNetworkLink1"
    status, headers, _ = http(sync_emulator, "PUT", path, params)
    assert status == 202 and set(lex["responses"]["202"]["headers"]) <= set(headers) | {
        "Retry-After"
    }
    status, _, body = http(sync_emulator, "GET", path)
    keys_match(lex["responses"]["200"]["body"], body)
    assert body["location"] == "global" and body["tags"] == {"key1": "value1"}


async def test_aio_zone_and_record(
    sync_emulator: EmulatorThread, dns: PrivateDnsManagementClient
) -> None:
    async with make_client(AioDns, sync_emulator.base_url, retry_total=0) as adns:
        poller = await adns.private_zones.begin_create_or_update(  # type: ignore[call-overload]
            "rg1", ZONE, {"location": "global"}
        )
        assert (await poller.result()).name == ZONE
        rec = await adns.record_sets.create_or_update(  # type: ignore[call-overload]
            "rg1",
            ZONE,
            "A",
            "x1",
            {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.0.9"}]}},
        )
        assert rec.fqdn == f"x1.{ZONE}."
        poller = await adns.private_zones.begin_delete("rg1", ZONE)
        await poller.result()
