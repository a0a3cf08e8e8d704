"""`--seed demo`: five existing clusters to migrate, disable or audit, each telling one story.

* `aks-legacy-129` (`rg-demo-legacy`): Kubernetes 1.29; pre-flight blocks it and offers the
  upgrade path.
* `aks-windows-pool` (`rg-demo-windows`): a Windows node pool; pre-flight blocks it.
* `aks-ready-to-migrate` (`rg-demo-migrate`): 1.32, Azure CNI, user-assigned identities, custom
  VNet `vnet-aks-ready`, outbound loadBalancer + Direct: examples/migrate-existing.yaml.
* `aks-already-isolated` (`rg-demo-isolated`): BYO registry path complete, Cache + none, private
  link: examples/disable-isolation.yaml; audits as isolated.
* `aks-behind-firewall` (`rg-demo-firewall`): Cache + none, 0.0.0.0/0 to a hub Azure Firewall that
  lets Docker Hub out: isolated with egress via the firewall.

Everything is built by sending the same PUTs a client would send through the emulator's own
request dispatcher (in process, no HTTP), so the providers validate it and add what Azure adds
(node resource groups, kubelet identities, private DNS of the API server, node IPs in subnets,
private endpoint NICs, firewall IPs). Each operation is completed at once: the seed costs no
virtual time whatever `--time-scale` is, and `--faults` never apply to it.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.emulator.context import Emulator
from aksiso_tui.emulator.faults import FaultConfig, Faults
from aksiso_tui.emulator.seed_builder import LOCATION, Json, SeedBuilder
from aksiso_tui.emulator.seeds import register_seed
from aksiso_tui.netpath.aks_lookup import ACR_PULL

DOCKER_HUB = ["auth.docker.io", "registry-1.docker.io", "production.cloudflare.docker.com"]


def _pool(name: str = "nodepool1", count: int = 2, subnet: str | None = None, **extra: Any) -> Json:
    pool: Json = {
        "name": name,
        "count": count,
        "vmSize": "Standard_D4ds_v5",
        "osType": "Linux",
        "mode": "System",
        **extra,
    }
    if subnet:
        pool["vnetSubnetID"] = subnet
    return pool


def _cluster_body(
    version: str,
    pools: list[Json],
    *,
    outbound: str = "loadBalancer",
    source: str = "Direct",
    registry: str | None = None,
    identity: Json | None = None,
    private: bool = False,
    **properties: Any,
) -> Json:
    bootstrap: Json = {"artifactSource": source}
    if registry:
        bootstrap["containerRegistryId"] = registry
    body: Json = {
        "location": LOCATION,
        "identity": identity or {"type": "SystemAssigned"},
        "properties": {
            "kubernetesVersion": version,
            "agentPoolProfiles": pools,
            "networkProfile": {"networkPlugin": "azure", "outboundType": outbound},
            "bootstrapProfile": bootstrap,
            "autoUpgradeProfile": {"nodeOSUpgradeChannel": "NodeImage"},
            **properties,
        },
    }
    if private:
        body["properties"]["apiServerAccessProfile"] = {"enablePrivateCluster": True}
    return body


def _user_assigned(cp: str, kubelet: str) -> tuple[Json, Json]:
    identity = {"type": "UserAssigned", "userAssignedIdentities": {cp: {}}}
    return identity, {"kubeletidentity": {"resourceId": kubelet}}


def _isolated_cluster(
    b: SeedBuilder, rg: str, name: str, subnet: str, registry_id: str, nodes: int
) -> None:
    """A private cluster pulling through the BYO registry (Cache + none); kubelet has AcrPull."""
    cp, kubelet, kubelet_principal = b.user_identities(rg, name, subnet)
    b.role(registry_id, ACR_PULL, kubelet_principal)
    identity, profile = _user_assigned(cp, kubelet)
    body = _cluster_body(
        "1.32.6",
        [_pool(count=nodes, subnet=subnet)],
        outbound="none",
        source="Cache",
        registry=registry_id,
        identity=identity,
        private=True,
        identityProfile=profile,
    )
    b.cluster(rg, name, body)


# --- the five clusters ------------------------------------------------------------------------


def legacy_129(b: SeedBuilder) -> None:
    """Kubernetes 1.29 (LTS only): network isolation needs 1.30 or later."""
    b.group("rg-demo-legacy")
    b.cluster("rg-demo-legacy", "aks-legacy-129", _cluster_body("1.29.15", [_pool()]))


def windows_pool(b: SeedBuilder) -> None:
    """A supported version, but a Windows node pool: not allowed in network isolated clusters."""
    b.group("rg-demo-windows")
    pools = [
        _pool(),
        _pool("win1", 1, osType="Windows", osSKU="Windows2022", mode="User"),
    ]
    body = _cluster_body(
        "1.31.10", pools, windowsProfile={"adminUsername": "azureuser"}, dnsPrefix="akswin"
    )
    b.cluster("rg-demo-windows", "aks-windows-pool", body)


def ready_to_migrate(b: SeedBuilder) -> None:
    """Everything pre-flight wants; still outbound loadBalancer and artifact source Direct.

    Matches examples/migrate-existing.yaml: the migration adds snet-acr (10.10.2.0/24) and the
    registry acrdemomigrate01 path, then switches to Cache, reimages, and sets outbound none.
    """
    rg, name = "rg-demo-migrate", "aks-ready-to-migrate"
    b.group(rg)
    vnet = b.vnet(
        rg,
        "vnet-aks-ready",
        "10.10.0.0/16",
        {"snet-aks": {"addressPrefix": "10.10.1.0/24", "defaultOutboundAccess": False}},
    )
    subnet = f"{vnet}/subnets/snet-aks"
    cp, kubelet, _ = b.user_identities(rg, name, subnet)
    identity, profile = _user_assigned(cp, kubelet)
    body = _cluster_body(
        "1.32.6",
        [_pool(count=3, subnet=subnet)],
        identity=identity,
        private=True,
        identityProfile=profile,
    )
    b.cluster(rg, name, body)


def already_isolated(b: SeedBuilder) -> None:
    """Seed 000 on an existing VNet: BYO registry path complete, Cache + none, private link.

    Matches examples/disable-isolation.yaml (disable returns it to Direct + loadBalancer).
    """
    rg, name, registry = "rg-demo-isolated", "aks-already-isolated", "acrdemoisolated01"
    b.group(rg)
    vnet = b.vnet(
        rg,
        "vnet-aks-isolated",
        "10.20.0.0/16",
        {
            "snet-aks": {"addressPrefix": "10.20.1.0/24", "defaultOutboundAccess": False},
            "snet-acr": {
                "addressPrefix": "10.20.2.0/24",
                "privateEndpointNetworkPolicies": "Disabled",
            },
        },
    )
    subnet = f"{vnet}/subnets/snet-aks"
    registry_id = b.byo_registry(rg, registry, vnet, f"{vnet}/subnets/snet-acr")
    _isolated_cluster(b, rg, name, subnet, registry_id, nodes=3)


def behind_firewall(b: SeedBuilder) -> None:
    """Seeds 003/004: an isolated spoke whose only egress is a hub Azure Firewall (Docker Hub)."""
    rg, name, registry = "rg-demo-firewall", "aks-behind-firewall", "acrdemofirewall01"
    b.group(rg)
    spoke = b.vnet(
        rg,
        "vnet-aks-spoke",
        "10.40.0.0/16",
        {
            "snet-aks": {"addressPrefix": "10.40.1.0/24", "defaultOutboundAccess": False},
            "snet-acr": {
                "addressPrefix": "10.40.2.0/24",
                "privateEndpointNetworkPolicies": "Disabled",
            },
        },
    )
    hub = b.vnet(
        rg,
        "vnet-demo-hub",
        "10.30.0.0/22",
        {"AzureFirewallSubnet": {"addressPrefix": "10.30.0.0/26"}},
    )
    subnet = f"{spoke}/subnets/snet-aks"
    firewall_ip = _hub_firewall(b, rg, hub, "10.40.1.0/24")
    for vnet, peer, remote in ((spoke, "spoke-to-hub", hub), (hub, "hub-to-spoke", spoke)):
        b.put(
            f"{vnet}/virtualNetworkPeerings/{peer}",
            {
                "properties": {
                    "remoteVirtualNetwork": {"id": remote},
                    "allowVirtualNetworkAccess": True,
                    "allowForwardedTraffic": True,
                }
            },
        )
    table = b.resource(
        rg,
        "Microsoft.Network/routeTables",
        "rt-aks-spoke",
        {"location": LOCATION, "properties": {}},
    )
    b.put(
        f"{table['id']}/routes/default-to-firewall",
        {
            "properties": {
                "addressPrefix": "0.0.0.0/0",
                "nextHopType": "VirtualAppliance",
                "nextHopIpAddress": firewall_ip,
            }
        },
    )
    b.put(
        subnet,
        {
            "properties": {
                "addressPrefix": "10.40.1.0/24",
                "defaultOutboundAccess": False,
                "routeTable": {"id": table["id"]},
            }
        },
    )
    registry_id = b.byo_registry(rg, registry, spoke, f"{spoke}/subnets/snet-acr")
    zone = f"{b.rg(rg)}/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"
    b.put(
        f"{zone}/virtualNetworkLinks/link-vnet-demo-hub",
        {"location": "global", "properties": {"virtualNetwork": {"id": hub}}},
    )
    _isolated_cluster(b, rg, name, subnet, registry_id, nodes=2)


def _hub_firewall(b: SeedBuilder, rg: str, hub: str, spoke_prefix: str) -> str:
    """Firewall, public IP, policy (DNS proxy) and the AKS egress rules; returns its private IP."""
    pip = b.resource(
        rg,
        "Microsoft.Network/publicIPAddresses",
        "pip-fw-demo-hub",
        {
            "location": LOCATION,
            "sku": {"name": "Standard"},
            "properties": {"publicIPAllocationMethod": "Static"},
        },
    )
    policy = b.resource(
        rg,
        "Microsoft.Network/firewallPolicies",
        "fwpolicy-demo-hub",
        {
            "location": LOCATION,
            "properties": {"sku": {"tier": "Standard"}, "dnsSettings": {"enableProxy": True}},
        },
    )
    sources = [spoke_prefix]
    network_rules = [
        {
            "ruleType": "NetworkRule",
            "name": "ntp",
            "sourceAddresses": sources,
            "ipProtocols": ["UDP"],
            "destinationFqdns": ["ntp.ubuntu.com"],
            "destinationPorts": ["123"],
        },
        {
            "ruleType": "NetworkRule",
            "name": "aks-tunnel",
            "sourceAddresses": sources,
            "ipProtocols": ["UDP", "TCP"],
            "destinationAddresses": [f"AzureCloud.{LOCATION}"],
            "destinationPorts": ["1194", "9000"],
        },
    ]
    https = [{"protocolType": "Https", "port": 443}]
    app_rules = [
        {
            "ruleType": "ApplicationRule",
            "name": "aks",
            "sourceAddresses": sources,
            "protocols": https,
            "fqdnTags": ["AzureKubernetesService"],
        },
        {
            "ruleType": "ApplicationRule",
            "name": "docker-hub",
            "sourceAddresses": sources,
            "protocols": https,
            "targetFqdns": DOCKER_HUB,
        },
    ]
    b.put(
        f"{policy['id']}/ruleCollectionGroups/aks-egress",
        {
            "properties": {
                "priority": 200,
                "ruleCollections": [
                    {
                        "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                        "name": "network",
                        "priority": 200,
                        "action": {"type": "Allow"},
                        "rules": network_rules,
                    },
                    {
                        "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                        "name": "application",
                        "priority": 300,
                        "action": {"type": "Allow"},
                        "rules": app_rules,
                    },
                ],
            }
        },
    )
    firewall = b.resource(
        rg,
        "Microsoft.Network/azureFirewalls",
        "fw-demo-hub",
        {
            "location": LOCATION,
            "properties": {
                "sku": {"name": "AZFW_VNet", "tier": "Standard"},
                "firewallPolicy": {"id": policy["id"]},
                "ipConfigurations": [
                    {
                        "name": "fw-ipconfig",
                        "properties": {
                            "subnet": {"id": f"{hub}/subnets/AzureFirewallSubnet"},
                            "publicIPAddress": {"id": pip["id"]},
                        },
                    }
                ],
            },
        },
    )
    return str(firewall["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"])


CLUSTERS = (legacy_129, windows_pool, ready_to_migrate, already_isolated, behind_firewall)


def seed_demo(emu: Emulator) -> None:
    """Fill `emu` with the five demo clusters (see the module docstring)."""
    faults, emu.faults = emu.faults, Faults(FaultConfig(), time_scale=0.0)
    try:
        # A subscription that has clusters and registries has their providers registered.
        providers = dict(emu.store.meta.get("providers", {}))
        for ns in ("microsoft.containerservice", "microsoft.containerregistry"):
            providers[ns] = "Registered"
        emu.store.meta["providers"] = providers
        builder = SeedBuilder(emu)
        for build in CLUSTERS:
            build(builder)
    finally:
        emu.faults = faults


register_seed("demo", seed_demo)
