"""Private DNS zones, links and record sets through the real azure-mgmt-privatedns clients."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.privatedns import PrivateDnsManagementClient
from azure.mgmt.privatedns.aio import PrivateDnsManagementClient as AioDns
from azure.mgmt.resource.resources import ResourceManagementClient

from aksiso_tui.emulator.providers.privatedns import create_zone, link_zone, set_a_record
from aksiso_tui.emulator.server import EmulatorThread
from tests.emulator.netclients import aio_client, client, emu, rg_path
from tests.emulator.test_network import code_of, http, keys_match

__all__ = ["emu"]
EXAMPLES = Path("/work/shared/arm-reference/examples/privatedns")
ZONE = "privatelink.azurecr.io"
ZONES = "providers/Microsoft.Network/privateDnsZones"


@pytest.fixture
def dns(emu: EmulatorThread) -> PrivateDnsManagementClient:
    client(ResourceManagementClient, emu.base_url).resource_groups.create_or_update(
        "rg1", {"location": "eastus"}
    )
    net = client(NetworkManagementClient, emu.base_url)
    for name, space in (("vnet1", "10.0.0.0/16"), ("hub", "10.1.0.0/16")):
        net.virtual_networks.begin_create_or_update(
            "rg1",
            name,
            {"location": "eastus", "properties": {"addressSpace": {"addressPrefixes": [space]}}},
        ).result()
    return client(PrivateDnsManagementClient, emu.base_url)


def vnet_id(name: str) -> str:
    return f"{rg_path('rg1')}/providers/Microsoft.Network/virtualNetworks/{name}"


def link(dns: PrivateDnsManagementClient, name: str, vnet: str) -> object:
    body = {
        "location": "global",
        "properties": {"virtualNetwork": {"id": vnet_id(vnet)}, "registrationEnabled": False},
    }
    return dns.virtual_network_links.begin_create_or_update("rg1", ZONE, name, body).result()


def test_zone_lro_shape(emu: EmulatorThread, dns: PrivateDnsManagementClient) -> None:
    status, headers, body = http(
        emu, "PUT", f"{rg_path('rg1')}/{ZONES}/{ZONE}", {"location": "global"}
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
    dns.private_zones.begin_create_or_update("rg1", ZONE, {"location": "global"}).result()
    got = link(dns, "vnet1-link", "vnet1")
    assert got.virtual_network_link_state == "Completed" and got.virtual_network.id == vnet_id(
        "vnet1"
    )
    link(dns, "hub-link", "hub")
    with pytest.raises(ResourceExistsError) as exc:
        link(dns, "again", "vnet1")
    assert code_of(exc) == "Conflict"
    with pytest.raises(HttpResponseError) as exc:
        link(dns, "nolink", "nope")
    assert code_of(exc) == "InvalidVirtualNetworkReference"
    rec = dns.record_sets.create_or_update(
        "rg1",
        ZONE,
        "A",
        "MyAcr123",
        {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.2.4"}]}},
    )
    assert rec.name == "myacr123" and rec.fqdn == "myacr123.privatelink.azurecr.io."
    data = dns.record_sets.create_or_update(
        "rg1",
        ZONE,
        "A",
        "myacr123.eastus.data",
        {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.2.5"}]}},
    )
    assert data.fqdn == "myacr123.eastus.data.privatelink.azurecr.io."
    empty = dns.record_sets.create_or_update("rg1", ZONE, "A", "empty", {"properties": {}})
    assert empty.a_records == [] and empty.ttl == 3600  # az's add-record appends to the list
    dns.record_sets.delete("rg1", ZONE, "A", "empty")
    patched = dns.record_sets.update("rg1", ZONE, "A", "myacr123", {"properties": {"ttl": 60}})
    assert patched.ttl == 60 and patched.a_records[0].ipv4_address == "10.0.2.4"
    assert sorted(r.name for r in dns.record_sets.list_by_type("rg1", ZONE, "A")) == [
        "myacr123",
        "myacr123.eastus.data",
    ]
    assert len(list(dns.record_sets.list("rg1", ZONE))) == 3
    assert dns.private_zones.get("rg1", ZONE).number_of_record_sets == 3
    assert dns.private_zones.get("rg1", ZONE).number_of_virtual_network_links == 2
    with pytest.raises(ResourceExistsError) as exc:
        dns.private_zones.begin_delete("rg1", ZONE).result()
    assert code_of(exc) == "Conflict"
    dns.record_sets.delete("rg1", ZONE, "A", "myacr123")
    for name in ("vnet1-link", "hub-link"):
        dns.virtual_network_links.begin_delete("rg1", ZONE, name).result()
    dns.private_zones.begin_delete("rg1", ZONE).result()
    assert list(dns.private_zones.list_by_resource_group("rg1")) == []


def test_bad_names(dns: PrivateDnsManagementClient) -> None:
    with pytest.raises(HttpResponseError) as exc:
        dns.private_zones.begin_create_or_update(
            "rg1", "localhost", {"location": "global"}
        ).result()
    assert code_of(exc) == "BadRequest"
    dns.private_zones.begin_create_or_update("rg1", ZONE, {"location": "global"}).result()
    with pytest.raises(HttpResponseError) as exc:
        dns.record_sets.create_or_update("rg1", ZONE, "A", "bad name", {"properties": {"ttl": 10}})
    assert code_of(exc) == "BadRequest"


def test_side_effect_functions(emu: EmulatorThread, dns: PrivateDnsManagementClient) -> None:
    zone = create_zone(emu.state, rg_path("rg1"), "privatelink.eastus.azmk8s.io")
    link_zone(emu.state, zone["id"], "l", vnet_id("vnet1"))
    set_a_record(emu.state, zone["id"], "aks-abc", ["10.0.4.4"])
    got = dns.private_zones.get("rg1", "privatelink.eastus.azmk8s.io")
    assert got.provisioning_state == "Succeeded" and got.number_of_record_sets == 2
    assert (
        dns.record_sets.get("rg1", "privatelink.eastus.azmk8s.io", "A", "aks-abc")
        .a_records[0]
        .ipv4_address
        == "10.0.4.4"
    )


def test_official_examples(emu: EmulatorThread, dns: PrivateDnsManagementClient) -> None:
    dns.private_zones.begin_create_or_update(
        "rg1", "privatezone1.com", {"location": "global"}
    ).result()
    ex = json.loads((EXAMPLES / "RecordSetAPut.json").read_text())
    status, _, body = http(
        emu,
        "PUT",
        f"{rg_path('rg1')}/{ZONES}/privatezone1.com/A/recordA",
        ex["parameters"]["parameters"],
    )
    assert status == 201
    keys_match(ex["responses"]["201"]["body"], body)
    assert body["name"] == "recorda" and body["properties"]["fqdn"] == "recorda.privatezone1.com."
    assert body["properties"]["metadata"] == {"key1": "value1"}
    lex = json.loads((EXAMPLES / "VirtualNetworkLinkPut.json").read_text())
    params = lex["parameters"]["parameters"]
    params["properties"]["virtualNetwork"]["id"] = vnet_id("vnet1")
    path = f"{rg_path('rg1')}/{ZONES}/privatezone1.com/virtualNetworkLinks/virtualNetworkLink1"
    status, headers, _ = http(emu, "PUT", path, params)
    assert status == 202 and set(lex["responses"]["202"]["headers"]) <= set(headers) | {
        "Retry-After"
    }
    status, _, body = http(emu, "GET", path)
    keys_match(lex["responses"]["200"]["body"], body)
    assert body["location"] == "global" and body["tags"] == {"key1": "value1"}


async def test_aio_zone_and_record(emu: EmulatorThread, dns: PrivateDnsManagementClient) -> None:
    async with aio_client(AioDns, emu.base_url) as adns:
        poller = await adns.private_zones.begin_create_or_update(
            "rg1", ZONE, {"location": "global"}
        )
        assert (await poller.result()).name == ZONE
        rec = await adns.record_sets.create_or_update(
            "rg1",
            ZONE,
            "A",
            "x1",
            {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": "10.0.0.9"}]}},
        )
        assert rec.fqdn == f"x1.{ZONE}."
        poller = await adns.private_zones.begin_delete("rg1", ZONE)
        await poller.result()
