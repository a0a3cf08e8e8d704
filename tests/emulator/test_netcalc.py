"""Unit tests for the emulator's address-space arithmetic (Azure's subnet rules)."""

from __future__ import annotations

import ipaddress

import pytest

from aksiso_tui.emulator import netcalc
from aksiso_tui.emulator.netcalc import NetcalcError


def nets(*texts: str) -> list[netcalc.IPNetwork]:
    return [ipaddress.ip_network(t) for t in texts]


@pytest.mark.parametrize("text", ["10.0.0.0/24", "192.168.0.0/16", "fd00::/64"])
def test_parse_prefix_accepts_cidr(text: str) -> None:
    assert str(netcalc.parse_prefix(text)) == text


@pytest.mark.parametrize("text", ["10.0.0.0", "10.0.0.0/33", "abc/24", "", None, 5, "300.1.1.0/24"])
def test_parse_prefix_rejects_garbage(text: object) -> None:
    with pytest.raises(NetcalcError) as err:
        netcalc.parse_prefix(text, resource_id="/x")
    assert err.value.code == "InvalidAddressPrefixFormat"


def test_parse_prefix_host_bits_set_names_the_expected_prefix() -> None:
    with pytest.raises(NetcalcError) as err:
        netcalc.parse_prefix("10.10.10.0/16", resource_id="/subs/x")
    assert err.value.code == "InvalidCIDRNotation"
    assert "should be 10.10.0.0/16" in err.value.message
    assert "/subs/x" in err.value.message


def test_subnet_prefixes_prefers_address_prefixes() -> None:
    assert netcalc.subnet_prefixes({"addressPrefix": "10.0.0.0/24"}) == ["10.0.0.0/24"]
    both = {"addressPrefix": "10.0.0.0/24", "addressPrefixes": ["10.0.1.0/24", "10.0.2.0/24"]}
    assert netcalc.subnet_prefixes(both) == ["10.0.1.0/24", "10.0.2.0/24"]
    assert netcalc.subnet_prefixes({}) == []


def fits(name: str, prefix: str, space: list[str], siblings: dict[str, list[str]]) -> None:
    netcalc.check_subnet_fits(
        name,
        nets(prefix),
        vnet_name="vnet1",
        address_space=nets(*space),
        siblings={k: nets(*v) for k, v in siblings.items()},
    )


def test_subnet_fits() -> None:
    fits("aks", "10.0.1.0/24", ["10.0.0.0/16"], {"pe": ["10.0.2.0/24"]})
    fits("b", "192.168.0.0/24", ["10.0.0.0/16", "192.168.0.0/16"], {})


def test_subnet_outside_vnet() -> None:
    with pytest.raises(NetcalcError) as err:
        fits("aks", "10.1.0.0/24", ["10.0.0.0/16"], {})
    assert err.value.code == "NetcfgSubnetRangeOutsideVnet"
    assert "'aks'" in err.value.message and "'vnet1'" in err.value.message


def test_subnet_partly_outside_vnet() -> None:
    with pytest.raises(NetcalcError) as err:
        fits("aks", "10.0.0.0/15", ["10.0.0.0/16"], {})
    assert err.value.code == "NetcfgSubnetRangeOutsideVnet"


def test_subnet_overlap() -> None:
    with pytest.raises(NetcalcError) as err:
        fits("b", "10.0.1.128/25", ["10.0.0.0/16"], {"a": ["10.0.1.0/24"]})
    assert err.value.code == "NetcfgSubnetRangesOverlap"
    assert "'b'" in err.value.message


@pytest.mark.parametrize("prefix", ["10.0.0.0/30", "10.0.0.0/32"])
def test_subnet_too_small(prefix: str) -> None:
    with pytest.raises(NetcalcError) as err:
        fits("tiny", prefix, ["10.0.0.0/16"], {})
    assert err.value.code == "NetcfgInvalidSubnet"


def test_smallest_subnet_is_slash_29() -> None:
    fits("tiny", "10.0.0.0/29", ["10.0.0.0/16"], {})


def test_address_space_self_overlap() -> None:
    netcalc.check_address_space("v", nets("10.0.0.0/16", "10.1.0.0/16"))
    with pytest.raises(NetcalcError) as err:
        netcalc.check_address_space("v", nets("10.0.0.0/16", "10.0.5.0/24"))
    assert err.value.code == "NetcfgInvalidVirtualNetworkSite"


def test_first_overlap_between_address_spaces() -> None:
    assert netcalc.first_overlap(nets("10.0.0.0/16"), nets("10.1.0.0/16")) is None
    hit = netcalc.first_overlap(nets("10.0.0.0/16", "172.16.0.0/12"), nets("172.16.5.0/24"))
    assert hit is not None and str(hit[0]) == "172.16.0.0/12"


def test_usable_range_reserves_five() -> None:
    net = ipaddress.ip_network("10.0.2.0/24")
    first, last = netcalc.usable_range(net)
    assert (str(first), str(last)) == ("10.0.2.4", "10.0.2.254")
    assert netcalc.usable_count(net) == 251
    assert netcalc.usable_count(ipaddress.ip_network("10.0.0.0/29")) == 3
    assert netcalc.first_usable(ipaddress.ip_network("10.0.0.0/26")) == "10.0.0.4"


def test_allocate_is_sequential_from_dot_four() -> None:
    prefixes = nets("10.0.2.0/24")
    assert netcalc.allocate(prefixes, []) == ["10.0.2.4"]
    assert netcalc.allocate(prefixes, [], count=2) == ["10.0.2.4", "10.0.2.5"]
    assert netcalc.allocate(prefixes, ["10.0.2.4", "10.0.2.6"], count=2) == [
        "10.0.2.5",
        "10.0.2.7",
    ]


def test_allocate_spills_into_the_next_prefix() -> None:
    prefixes = nets("10.0.0.0/29", "10.0.1.0/29")
    got = netcalc.allocate(prefixes, [], count=4)
    assert got == ["10.0.0.4", "10.0.0.5", "10.0.0.6", "10.0.1.4"]


def test_allocate_full_subnet() -> None:
    prefixes = nets("10.0.0.0/29")
    with pytest.raises(NetcalcError) as err:
        netcalc.allocate(prefixes, ["10.0.0.4", "10.0.0.5"], count=2, subnet_name="pe")
    assert err.value.code == "SubnetIsFull"


def test_check_static_ip() -> None:
    prefixes = nets("10.0.2.0/24")
    assert netcalc.check_static_ip("10.0.2.10", prefixes, []) == "10.0.2.10"
    cases = {
        "10.0.3.10": "PrivateIPAddressNotInSubnet",
        "10.0.2.1": "PrivateIPAddressIsReserved",
        "10.0.2.255": "PrivateIPAddressIsReserved",
        "nope": "PrivateIPAddressInvalid",
    }
    for address, code in cases.items():
        with pytest.raises(NetcalcError) as err:
            netcalc.check_static_ip(address, prefixes, [])
        assert err.value.code == code
    with pytest.raises(NetcalcError) as err:
        netcalc.check_static_ip("10.0.2.10", prefixes, ["10.0.2.10"])
    assert err.value.code == "PrivateIPAddressInUse"


def test_public_ips_are_distinct_and_public() -> None:
    ips = [netcalc.public_ip(i) for i in range(600)]
    assert len(set(ips)) == 600
    for ip in ips:
        addr = ipaddress.ip_address(ip)
        assert addr in netcalc.PUBLIC_IP_POOL and not addr.is_private
        assert not ip.endswith((".0", ".255"))


def test_error_str() -> None:
    assert str(NetcalcError("A", "b")) == "(A) b"
