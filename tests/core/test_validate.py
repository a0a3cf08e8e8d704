"""validate(): the rules of AZURE_FACTS.md and Azure's naming rules, with paths, values, fixes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from aksiso_tui.config import load_spec_file
from aksiso_tui.findings import Finding, Severity, has_errors
from aksiso_tui.spec import Spec
from aksiso_tui.validate import validate

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
DELETE = object()

BASE: dict[str, Any] = {
    "scenario": "create",
    "subscription": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-aks",
    "location": "swedencentral",
    "cluster": {"name": "aks-iso", "kubernetes_version": "1.30.3", "node_count": 3},
    "registry": {"mode": "byo", "name": "acraksiso01"},
    "api_server": "private_link",
    "outbound": "none",
    "network": {
        "vnet": {"name": "vnet-spoke", "address_space": "192.168.0.0/16"},
        "aks_subnet": {"name": "snet-aks", "prefix": "192.168.1.0/24"},
        "acr_subnet": {"name": "snet-acr", "prefix": "192.168.2.0/24"},
    },
}
HUB = {
    "vnet": {"name": "vnet-hub", "address_space": "10.0.0.0/22"},
    "firewall_subnet_prefix": "10.0.0.0/26",
    "allow_fqdns": ["auth.docker.io"],
}


def make(changes: dict[str, Any] | None = None) -> Spec:
    """BASE with dotted-path changes applied (`DELETE` removes a key)."""
    data = copy.deepcopy(BASE)
    for path, value in (changes or {}).items():
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = copy.deepcopy(value)
    return Spec.model_validate(data)


def found(spec: Spec, severity: Severity = Severity.ERROR) -> dict[str, list[Finding]]:
    by_where: dict[str, list[Finding]] = {}
    for finding in validate(spec):
        if finding.severity is severity:
            by_where.setdefault(finding.where, []).append(finding)
    return by_where


def one(spec: Spec, where: str, severity: Severity = Severity.ERROR) -> Finding:
    hits = found(spec, severity).get(where, [])
    assert hits, f"no {severity} at {where}: {[f.line() for f in validate(spec)]}"
    return hits[0]


def test_base_is_valid() -> None:
    assert validate(make()) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_have_no_errors(path: Path) -> None:
    spec, findings = load_spec_file(path)
    assert spec is not None, findings
    assert not has_errors(validate(spec)), [f.line() for f in validate(spec)]


def test_block_example_warns_preview() -> None:
    spec, _ = load_spec_file(Path(__file__).parents[2] / "examples/seed001-block-preview.yaml")
    assert spec is not None
    warning = one(spec, "outbound", Severity.WARNING)
    assert "preview" in warning.message and "aks-preview" in warning.message


def test_every_finding_has_where_message_fix() -> None:
    spec = make(
        {
            "subscription": "x",
            "location": "mars",
            "cluster.name": "-x-",
            "registry.name": "A",
            "network.aks_subnet.prefix": "192.168.1.1/24",
        }
    )
    findings = validate(spec)
    assert len(findings) >= 5
    for finding in findings:
        assert finding.where and finding.message and finding.fix


def test_findings_are_sorted_by_field_order() -> None:
    spec = make(
        {
            "hub": {**HUB, "allow_fqdns": ["*"]},
            "subscription": "x",
            "network.acr_subnet.name": "AzureFirewallSubnet",
            "cluster.kubernetes_version": "1.2",
        }
    )
    wheres = [f.where for f in validate(spec)]
    assert wheres.index("subscription") < wheres.index("cluster.kubernetes_version")
    assert wheres.index("cluster.kubernetes_version") < wheres.index("network.acr_subnet.name")
    assert wheres.index("network.acr_subnet.name") < wheres.index("hub.allow_fqdns[0]")


# --- basics --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sub",
    ["", "abc", "00000000-0000-0000-0000-00000000000", "{00000000-0000-0000-0000-000000000000}"],
)
def test_subscription_must_be_guid(sub: str) -> None:
    assert "az account show" in one(make({"subscription": sub}), "subscription").fix


def test_location_display_name() -> None:
    finding = one(make({"location": "Sweden Central"}), "location")
    assert "'swedencentral'" in finding.fix


def test_location_typo_suggests() -> None:
    finding = one(make({"location": "swedencentrl"}), "location")
    assert "unknown Azure region 'swedencentrl'" in finding.message
    assert "did you mean 'swedencentral'" in finding.fix


@pytest.mark.parametrize("name", ["rg-ok", "rg_(x).y", "Ägypten-rg"])
def test_resource_group_good(name: str) -> None:
    assert "resource_group" not in found(make({"resource_group": name}))


@pytest.mark.parametrize("name", ["rg.", "rg/x", "r" * 91, "rg x"])
def test_resource_group_bad(name: str) -> None:
    assert one(make({"resource_group": name}), "resource_group")


# --- names ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        ("cluster.name", "-aks", "start with"),
        ("cluster.name", "aks-", "end with"),
        ("cluster.name", "aks.x", "'.'"),
        ("cluster.name", "a" * 64, "64 character"),
        ("registry.name", "AcrUpper01", "must be lowercase"),
        ("registry.name", "acr", "3 character"),
        ("registry.name", "acr-name", "'-'"),
        ("registry.private_endpoint_name", "p", "1 character"),
        ("identities.kubelet", "-kubelet", "start with"),
        ("identities.control_plane", "cp", "2 character"),
        ("network.vnet.name", "vnet-", "end with"),
        ("network.vnet.name", "v", "1 character"),
        ("network.aks_subnet.name", "snet aks", "' '"),
        ("network.aks_subnet.name", "s" * 81, "81 character"),
    ],
)
def test_names(path: str, value: str, words: str) -> None:
    finding = one(make({path: value}), path)
    assert words in finding.message
    assert repr(value)[:20].strip("'") in finding.message or len(value) > 20


def test_name_fix_suggests_a_valid_name() -> None:
    finding = one(make({"cluster.name": "my cluster!"}), "cluster.name")
    assert "'my-cluster'" in finding.fix


def test_subnet_name_ending_underscore_is_fine() -> None:
    assert validate(make({"network.aks_subnet.name": "snet_"})) == []


@pytest.mark.parametrize("name", ["AzureFirewallSubnet", "azurefirewallsubnet", "GatewaySubnet"])
def test_reserved_subnet_names(name: str) -> None:
    assert (
        "reserved"
        in one(make({"network.aks_subnet.name": name}), "network.aks_subnet.name").message
    )


def test_duplicate_subnet_names() -> None:
    spec = make({"network.acr_subnet.name": "SNET-AKS"})
    assert "already used" in one(spec, "network.acr_subnet.name").message


def test_same_identity_twice_warns() -> None:
    spec = make({"identities": {"control_plane": "id-x", "kubelet": "id-x"}})
    assert one(spec, "identities.kubelet", Severity.WARNING)


# --- Kubernetes version --------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.30", "1.30.0", "1.31.2", "1.40"])
def test_version_ok(version: str) -> None:
    assert validate(make({"cluster.kubernetes_version": version})) == []


@pytest.mark.parametrize("version", ["1.29.9", "1.29", "1.3", "0.99"])
def test_version_too_old(version: str) -> None:
    finding = one(make({"cluster.kubernetes_version": version}), "cluster.kubernetes_version")
    assert "1.30 or later" in finding.message


def test_version_too_old_migrate_says_upgrade_first() -> None:
    spec = make({"scenario": "migrate", "cluster.kubernetes_version": "1.29.4"})
    assert "upgrade the cluster" in one(spec, "cluster.kubernetes_version").fix


@pytest.mark.parametrize("version", ["v1.30.1", "1", "1.30.1.2", "latest", "1.30-rc1", ""])
def test_version_format(version: str) -> None:
    finding = one(make({"cluster.kubernetes_version": version}), "cluster.kubernetes_version")
    assert "MAJOR.MINOR" in finding.message


def test_version_v_prefix_fix() -> None:
    spec = make({"cluster.kubernetes_version": "v1.30.1"})
    assert one(spec, "cluster.kubernetes_version").fix == "use '1.30.1'"


# --- CIDRs ---------------------------------------------------------------------------------------


def test_host_bits_fix_is_the_network() -> None:
    finding = one(
        make({"network.aks_subnet.prefix": "192.168.1.7/24"}), "network.aks_subnet.prefix"
    )
    assert "host bits" in finding.message and finding.fix == "use 192.168.1.0/24"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("192.168.1.0", "CIDR notation"),
        ("192.168.1.0/255.255.255.0", "CIDR notation"),
        ("192.168.300.0/24", "not a valid CIDR"),
        ("fd00::/64", "IPv6"),
        (" 192.168.1.0/24", "spaces"),
        ("192.168.1.0/30", "smallest subnet"),
    ],
)
def test_cidr_syntax(value: str, words: str) -> None:
    assert (
        words
        in one(make({"network.aks_subnet.prefix": value}), "network.aks_subnet.prefix").message
    )


def test_subnet_outside_vnet() -> None:
    finding = one(make({"network.acr_subnet.prefix": "10.9.0.0/24"}), "network.acr_subnet.prefix")
    assert "not inside" in finding.message and "192.168.0.0/16" in finding.fix


def test_subnets_overlap() -> None:
    finding = one(
        make({"network.acr_subnet.prefix": "192.168.1.128/25"}), "network.acr_subnet.prefix"
    )
    assert "overlaps the node subnet 192.168.1.0/24" in finding.message


def test_public_vnet_warns() -> None:
    spec = make(
        {
            "network.vnet.address_space": "20.0.0.0/16",
            "network.aks_subnet.prefix": "20.0.1.0/24",
            "network.acr_subnet.prefix": "20.0.2.0/24",
        }
    )
    assert "RFC 1918" in one(spec, "network.vnet.address_space", Severity.WARNING).message
    assert not has_errors(validate(spec))


def test_vnet_refused_ranges() -> None:
    spec = make({"network.vnet.address_space": "169.254.0.0/16"})
    assert "link-local" in one(spec, "network.vnet.address_space").message


def test_vnet_overlapping_pod_cidr() -> None:
    spec = make(
        {
            "network.vnet.address_space": "10.244.0.0/16",
            "network.aks_subnet.prefix": "10.244.1.0/24",
            "network.acr_subnet.prefix": "10.244.2.0/24",
        }
    )
    assert "pod CIDR" in one(spec, "network.vnet.address_space").message


# --- service CIDR and DNS IP ---------------------------------------------------------------------


def test_service_cidr_overlaps_vnet() -> None:
    spec = make(
        {"cluster.service_cidr": "192.168.0.0/20", "cluster.dns_service_ip": "192.168.0.10"}
    )
    assert "overlaps network.vnet.address_space" in one(spec, "cluster.service_cidr").message


def test_service_cidr_overlaps_hub() -> None:
    spec = make(
        {"hub": HUB, "cluster.service_cidr": "10.0.0.0/16", "cluster.dns_service_ip": "10.0.0.10"}
    )
    assert "hub.vnet.address_space" in one(spec, "cluster.service_cidr").message


def test_service_cidr_default_avoids_vnets() -> None:
    spec = make({"hub": HUB})
    assert spec.cluster.service_cidr == "172.16.0.0/16"
    assert not has_errors(validate(spec))


def test_service_cidr_too_large() -> None:
    spec = make({"cluster.service_cidr": "10.0.0.0/8", "cluster.dns_service_ip": "10.0.0.10"})
    assert "/12" in one(spec, "cluster.service_cidr").message


@pytest.mark.parametrize(
    ("dns", "words"),
    [
        ("10.1.0.10", "outside"),
        ("10.0.0.0", "network address"),
        ("10.0.0.1", "first address"),
        ("10.0.255.255", "last address"),
        ("10.0.0", "not an IPv4"),
        ("fd00::10", "not an IPv4"),
    ],
)
def test_dns_service_ip(dns: str, words: str) -> None:
    spec = make({"cluster.service_cidr": "10.0.0.0/16", "cluster.dns_service_ip": dns})
    finding = one(spec, "cluster.dns_service_ip")
    assert words in finding.message


def test_dns_service_ip_fix() -> None:
    spec = make({"cluster.service_cidr": "10.0.0.0/16", "cluster.dns_service_ip": "10.0.0.1"})
    assert one(spec, "cluster.dns_service_ip").fix == "use 10.0.0.10"


# --- subnet sizes --------------------------------------------------------------------------------


def test_apiserver_subnet_needs_28() -> None:
    spec = make(
        {
            "api_server": "vnet_integration",
            "network.apiserver_subnet": {"name": "snet-api", "prefix": "192.168.3.0/29"},
        }
    )
    finding = one(spec, "network.apiserver_subnet.prefix")
    assert "smaller than /28" in finding.message and "192.168.3.0/28" in finding.fix


def test_apiserver_subnet_required_with_custom_vnet() -> None:
    spec = make({"api_server": "vnet_integration"})
    assert one(spec, "network.apiserver_subnet")


def test_apiserver_subnet_ignored_with_private_link() -> None:
    spec = make({"network.apiserver_subnet": {"name": "snet-api", "prefix": "192.168.3.0/28"}})
    assert "ignored" in one(spec, "network.apiserver_subnet", Severity.WARNING).message
    assert not has_errors(validate(spec))


def test_node_subnet_too_small() -> None:
    spec = make({"cluster.node_count": 10, "network.aks_subnet.prefix": "192.168.1.0/28"})
    finding = one(spec, "network.aks_subnet.prefix")
    assert "11 usable" in finding.message and "/27" in finding.fix


def test_node_subnet_cni_capacity_info() -> None:
    spec = make({"cluster.node_count": 20})
    assert "31" in one(spec, "network.aks_subnet.prefix", Severity.INFO).message
    assert not has_errors(validate(spec))


def test_firewall_subnet_needs_26() -> None:
    spec = make({"hub": {**HUB, "firewall_subnet_prefix": "10.0.0.0/27"}})
    assert "smaller than /26" in one(spec, "hub.firewall_subnet_prefix").message


def test_firewall_subnet_inside_hub() -> None:
    spec = make({"hub": {**HUB, "firewall_subnet_prefix": "10.0.8.0/26"}})
    assert "not inside the hub" in one(spec, "hub.firewall_subnet_prefix").message


# --- modes and their combinations ----------------------------------------------------------------


def test_block_with_own_vnet_is_an_error() -> None:
    spec = make({"outbound": "block"})
    assert "outbound none with your own VNet" in one(spec, "outbound").fix.replace(":", "")
    assert one(spec, "outbound", Severity.WARNING)


def test_block_with_hub() -> None:
    spec = make({"outbound": "block", "hub": HUB})
    assert any("drops all egress" in f.message for f in found(spec)["outbound"])


def test_byo_needs_network() -> None:
    spec = make({"network": DELETE})
    assert "network" in one(spec, "registry.mode").message


def test_byo_needs_acr_subnet() -> None:
    assert one(make({"network.acr_subnet": DELETE}), "network.acr_subnet")


def test_managed_registry_name_ignored() -> None:
    spec = make({"registry": {"mode": "managed", "name": "acrfoo01"}})
    assert "ignored" in one(spec, "registry.name", Severity.WARNING).message
    assert not has_errors(validate(spec))


def test_anonymous_pull_warns() -> None:
    spec = make({"registry.anonymous_pull": True})
    assert "anyone" in one(spec, "registry.anonymous_pull", Severity.WARNING).message


def test_hub_needs_network() -> None:
    spec = make({"registry": {"mode": "managed"}, "network": DELETE, "hub": HUB})
    assert one(spec, "hub")


def test_hub_overlapping_spoke() -> None:
    spec = make({"hub": {**HUB, "vnet": {"name": "vnet-hub", "address_space": "192.168.0.0/22"}}})
    spec.hub.firewall_subnet_prefix = "192.168.0.0/26"  # type: ignore[union-attr]
    assert "peered" in one(spec, "hub.vnet.address_space").message


def test_hub_same_vnet_name() -> None:
    spec = make({"hub": {**HUB, "vnet": {"name": "vnet-spoke", "address_space": "10.0.0.0/22"}}})
    assert one(spec, "hub.vnet.name")
    other_rg = make(
        {
            "hub": {
                **HUB,
                "resource_group": "rg-hub",
                "vnet": {"name": "vnet-spoke", "address_space": "10.0.0.0/22"},
            }
        }
    )
    assert "hub.vnet.name" not in found(other_rg)


@pytest.mark.parametrize(
    ("fqdn", "severity", "words"),
    [
        ("*", Severity.WARNING, "no longer isolated"),
        ("https://auth.docker.io", Severity.ERROR, "bare FQDN"),
        ("auth.docker.io:443", Severity.ERROR, "bare FQDN"),
        ("auth.docker.io.", Severity.ERROR, "bare FQDN"),
        ("*.*.docker.io", Severity.ERROR, "not a valid FQDN"),
        ("docker", Severity.ERROR, "not a valid FQDN"),
        ("-x.docker.io", Severity.ERROR, "not a valid FQDN"),
        ("mcr.microsoft.com", Severity.INFO, "already allowed"),
    ],
)
def test_fqdns(fqdn: str, severity: Severity, words: str) -> None:
    spec = make({"hub": {**HUB, "allow_fqdns": [fqdn]}})
    assert words in one(spec, "hub.allow_fqdns[0]", severity).message


def test_wildcard_fqdn_ok() -> None:
    assert validate(make({"hub": {**HUB, "allow_fqdns": ["*.docker.io", "auth.docker.io"]}})) == []


# --- scenarios -----------------------------------------------------------------------------------


def test_migrate_byo_needs_network() -> None:
    spec = make({"scenario": "migrate", "network": DELETE})
    assert one(spec, "registry.mode")


def test_migrate_vnet_integration_warns() -> None:
    spec = make(
        {
            "scenario": "migrate",
            "api_server": "vnet_integration",
            "network.apiserver_subnet": {"name": "snet-api", "prefix": "192.168.3.0/28"},
        }
    )
    assert "one-way" in one(spec, "api_server", Severity.WARNING).message


def test_disable_ignores_the_rest() -> None:
    spec = make({"scenario": "disable", "cluster.kubernetes_version": "1.20", "registry.name": "X"})
    assert not has_errors(validate(spec))
    infos = found(spec, Severity.INFO)
    assert "registry" in infos and "network" in infos


def test_outbound_after_disable_only_for_disable() -> None:
    spec = make({"outbound_after_disable": "managedNATGateway"})
    assert "ignored" in one(spec, "outbound_after_disable", Severity.INFO).message
    disable = make({"scenario": "disable", "outbound_after_disable": "userDefinedRouting"})
    assert "route" in one(disable, "outbound_after_disable", Severity.WARNING).message


# --- robustness ----------------------------------------------------------------------------------


def test_odd_values_never_raise() -> None:
    odd = Spec.model_construct(
        scenario="weird",
        subscription=None,
        resource_group=42,
        location=["x"],
        cluster=Spec.model_construct(),
        registry="byo",
        api_server=None,
        outbound=object(),
        network=3.5,
        identities={"kubelet": 1},
        hub=b"x",
    )
    findings = validate(odd)
    assert has_errors(findings)


def test_mutated_values_never_raise() -> None:
    spec = make({"hub": HUB})
    spec.cluster.__dict__["node_count"] = "many"
    spec.cluster.__dict__["service_cidr"] = 12
    spec.network.vnet.__dict__["address_space"] = None  # type: ignore[union-attr]
    spec.hub.__dict__["allow_fqdns"] = "auth.docker.io"  # type: ignore[union-attr]
    assert has_errors(validate(spec))
