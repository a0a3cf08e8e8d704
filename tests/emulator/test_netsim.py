"""The network simulator (pure): egress, firewall rules and the private cache path."""

from __future__ import annotations

from typing import Any

from aksiso_tui.netpath import netsim
from aksiso_tui.netpath.firewall import fqdn_matches
from aksiso_tui.netpath.registry_path import cache_path_missing
from tests.emulator.aks_topology import (
    ACR,
    LOC,
    Topo,
    add_hub_firewall,
    byo_topology,
    cluster_body,
    res_id,
    stored_cluster,
)


def isolated(**kw: Any) -> tuple[Topo, dict[str, Any]]:
    t = byo_topology(**kw)
    return t, stored_cluster(cluster_body(t))


def test_seed_000_isolated_cluster() -> None:
    t, c = isolated()
    assert cache_path_missing(c, t.store) == []
    assert netsim.can_bootstrap(c, t.store) == (True, [])
    assert netsim.pull_image(c, "mcr.microsoft.com/azurelinux/base/nginx:1.25", t.store).ok
    result = netsim.pull_image(c, "nginx", t.store)
    assert not result.ok and "registry-1.docker.io" in result.reason
    assert not netsim.egress_allows(c, "registry-1.docker.io", t.store)


def test_missing_data_record_breaks_mcr() -> None:
    t, c = isolated(data_record=False)
    missing = cache_path_missing(c, t.store)
    assert missing == [f"A record '{ACR}.{LOC}.data' is missing in privatelink.azurecr.io"]
    assert not netsim.pull_image(c, "mcr.microsoft.com/azurelinux/base/nginx:1.25", t.store).ok
    assert netsim.can_bootstrap(c, t.store)[0] is False


def test_each_missing_piece_is_named() -> None:
    cases = {
        "cache_rule_target": (None, "no cache rule"),
        "zone_link": (False, "not linked"),
        "acr_pull": (False, "AcrPull"),
        "registry_record": (False, f"A record '{ACR}' is missing"),
        "sku": ("Standard", "not Premium"),
    }
    for key, (value, needle) in cases.items():
        t, c = isolated(**{key: value})
        missing = cache_path_missing(c, t.store)
        assert any(needle in m for m in missing), (key, missing)


def test_legacy_cache_target_and_anonymous_pull() -> None:
    t, c = isolated(cache_rule_target="*", acr_pull=False)
    assert any("AcrPull" in m for m in cache_path_missing(c, t.store))
    t.patch(t.registry, anonymousPullEnabled=True)
    assert cache_path_missing(c, t.store) == []


def test_wrong_record_ip_and_unreachable_endpoint() -> None:
    t, c = isolated()
    t.record(ACR, "192.168.2.99")
    assert any("points to 192.168.2.99" in m for m in cache_path_missing(c, t.store))
    t, c = isolated()
    other = res_id("Microsoft.Network/virtualNetworks", "vnet-other")
    t.put(other, "Microsoft.Network/virtualNetworks", {}, location=LOC)
    t.subnet(f"{other}/subnets/pe", "10.9.0.0/24")
    t.patch(t.pe, subnet={"id": f"{other}/subnets/pe"})
    assert any("cannot reach" in m for m in cache_path_missing(c, t.store))


def test_aks_managed_registry_is_complete() -> None:
    t = byo_topology()
    c = stored_cluster(cluster_body(t, registry=False, custom_vnet=False, kubelet=False))
    assert cache_path_missing(c, t.store) == []
    assert netsim.pull_image(c, "mcr.microsoft.com/oss/nginx:1", t.store).ok
    assert not netsim.pull_image(c, "nginx", t.store).ok


def test_load_balancer_egress() -> None:
    t = byo_topology()
    c = stored_cluster(cluster_body(t, source="Direct", registry=False, outbound="loadBalancer"))
    assert netsim.pull_image(c, "nginx", t.store).ok
    assert netsim.can_bootstrap(c, t.store) == (True, [])


def test_outbound_none_with_default_outbound_access_or_public_ip() -> None:
    t, c = isolated()
    t.patch(t.aks_subnet, defaultOutboundAccess=True)
    assert netsim.egress_allows(c, "registry-1.docker.io", t.store)
    t, c = isolated()
    c["properties"]["agentPoolProfiles"][0]["enableNodePublicIP"] = True
    assert netsim.pull_image(c, "nginx", t.store).ok


def test_block_blocks_everything() -> None:
    t = byo_topology()
    c = stored_cluster(
        cluster_body(t, outbound="block", registry=False, custom_vnet=False, kubelet=False)
    )
    c["properties"]["agentPoolProfiles"][0]["enableNodePublicIP"] = True
    allowed, why = netsim.egress_verdict(c, "auth.docker.io", t.store)
    assert not allowed and "block" in why


def test_hub_firewall_with_and_without_docker_hub_rule() -> None:
    t, c = isolated()
    add_hub_firewall(t)
    assert not netsim.pull_image(c, "nginx", t.store).ok
    assert netsim.egress_allows(c, "mcr.microsoft.com", t.store)  # fqdn tag AzureKubernetesService
    assert netsim.egress_allows(c, "swedencentral.data.mcr.microsoft.com", t.store)
    t, c = isolated()
    add_hub_firewall(t, app_fqdns=["auth.docker.io", "registry-1.docker.io"])
    assert netsim.pull_image(c, "nginx", t.store).ok
    t, c = isolated()
    add_hub_firewall(t, app_fqdns=["*.docker.io"])
    assert netsim.pull_image(c, "docker.io/library/nginx:latest", t.store).ok


def test_hub_firewall_direct_cluster_bootstraps() -> None:
    t = byo_topology()
    add_hub_firewall(t)
    c = stored_cluster(
        cluster_body(t, source="Direct", registry=False, outbound="userDefinedRouting")
    )
    assert netsim.can_bootstrap(c, t.store) == (True, [])
    t = byo_topology()
    add_hub_firewall(t, fqdn_tags=[])
    c = stored_cluster(
        cluster_body(t, source="Direct", registry=False, outbound="userDefinedRouting")
    )
    ok, problems = netsim.can_bootstrap(c, t.store)
    assert not ok and "denies" in problems[0]


def test_peering_needs_forwarded_traffic_both_ways() -> None:
    for kw in ({"forwarded": False}, {"reverse_peering": False}):
        t, c = isolated()
        add_hub_firewall(t, app_fqdns=["*"], **kw)  # type: ignore[arg-type]
        allowed, why = netsim.egress_verdict(c, "auth.docker.io", t.store)
        assert not allowed and "not reachable" in why


def test_deny_collection_wins_by_priority() -> None:
    t, c = isolated()
    add_hub_firewall(t, app_fqdns=["*"])
    policy = res_id("Microsoft.Network/firewallPolicies", "fw-policy")
    t.put(
        f"{policy}/ruleCollectionGroups/deny",
        "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
        {
            "priority": 100,
            "ruleCollections": [
                {
                    "name": "deny",
                    "priority": 100,
                    "action": {"type": "Deny"},
                    "rules": [
                        {
                            "ruleType": "ApplicationRule",
                            "sourceAddresses": ["*"],
                            "protocols": [{"protocolType": "Https", "port": 443}],
                            "targetFqdns": ["*.docker.io"],
                        }
                    ],
                }
            ],
        },
    )
    assert not netsim.egress_allows(c, "registry-1.docker.io", t.store)
    assert netsim.egress_allows(c, "example.com", t.store)


def test_network_rule_with_fqdn_needs_dns_proxy() -> None:
    t, c = isolated()
    add_hub_firewall(t, fqdn_tags=[])
    policy = res_id("Microsoft.Network/firewallPolicies", "fw-policy")
    t.put(
        f"{policy}/ruleCollectionGroups/net",
        "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
        {
            "priority": 300,
            "ruleCollections": [
                {
                    "name": "net",
                    "priority": 300,
                    "action": {"type": "Allow"},
                    "rules": [
                        {
                            "ruleType": "NetworkRule",
                            "sourceAddresses": ["192.168.0.0/16"],
                            "ipProtocols": ["TCP"],
                            "destinationPorts": ["443"],
                            "destinationFqdns": ["auth.docker.io", "registry-1.docker.io"],
                        }
                    ],
                }
            ],
        },
    )
    assert netsim.pull_image(c, "nginx", t.store).ok
    t.patch(policy, dnsSettings={"enableProxy": False})
    assert not netsim.pull_image(c, "nginx", t.store).ok


def test_dns_via_hub_firewall_proxy_needs_hub_link() -> None:
    t, c = isolated()
    add_hub_firewall(t)
    t.patch(t.vnet, dhcpOptions={"dnsServers": ["10.0.0.4"]})
    assert any("not linked" in m for m in cache_path_missing(c, t.store))
    hub = res_id("Microsoft.Network/virtualNetworks", "vnet-hub")
    t.put(
        f"{t.zone}/virtualNetworkLinks/hub",
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        {"virtualNetwork": {"id": hub}},
    )
    assert cache_path_missing(c, t.store) == []


def test_image_registry_parsing() -> None:
    assert netsim.image_registry("nginx") == "docker.io"
    assert netsim.image_registry("library/nginx:1") == "docker.io"
    assert netsim.image_registry("mcr.microsoft.com/a/b:1") == "mcr.microsoft.com"
    assert netsim.image_registry("localhost:5000/x") == "localhost:5000"
    assert fqdn_matches("*.docker.io", "auth.docker.io")
    assert not fqdn_matches("*.docker.io", "docker.io")


def test_private_acr_image() -> None:
    t, c = isolated()
    assert netsim.pull_image(c, f"{ACR}.azurecr.io/app:1", t.store).ok
    t, c = isolated(acr_pull=False)
    assert not netsim.pull_image(c, f"{ACR}.azurecr.io/app:1", t.store).ok
