"""Small dict fixtures of the seed-000 topology for the pure AKS rule and netsim tests.

Builds resources straight into a `Store` in the response shape the providers store, so the
rules and the network simulator can be tested without a server.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from aksiso_tui.emulator.store import Store
from aksiso_tui.netpath.aks_lookup import ACR_PULL, MANAGED_IDENTITY_OPERATOR, NETWORK_CONTRIBUTOR

SUB = "00000000-0000-0000-0000-000000000000"
RG = "rg-aks-cluster"
LOC = "swedencentral"
ACR = "acr4aks17"

Json = dict[str, Any]


def rg_id(rg: str = RG) -> str:
    return f"/subscriptions/{SUB}/resourceGroups/{rg}"


def res_id(rtype: str, name: str, rg: str = RG) -> str:
    return f"{rg_id(rg)}/providers/{rtype}/{name}"


@dataclass
class Topo:
    """Ids of the seed-000 resources and the store holding them."""

    store: Store = field(default_factory=Store)
    vnet: str = res_id("Microsoft.Network/virtualNetworks", "vnet-spoke")
    aks_subnet: str = ""
    acr_subnet: str = ""
    api_subnet: str = ""
    registry: str = res_id("Microsoft.ContainerRegistry/registries", ACR)
    pe: str = res_id("Microsoft.Network/privateEndpoints", "pe-acr")
    nic: str = res_id("Microsoft.Network/networkInterfaces", "pe-acr.nic.0001")
    zone: str = res_id("Microsoft.Network/privateDnsZones", "privatelink.azurecr.io")
    cp_identity: str = res_id(
        "Microsoft.ManagedIdentity/userAssignedIdentities", "identity-aks-control-plane"
    )
    kubelet_identity: str = res_id(
        "Microsoft.ManagedIdentity/userAssignedIdentities", "identity-aks-kubelet"
    )
    cp_principal: str = "11111111-1111-1111-1111-111111111111"
    kubelet_principal: str = "22222222-2222-2222-2222-222222222222"

    def __post_init__(self) -> None:
        self.aks_subnet = f"{self.vnet}/subnets/snet-aks"
        self.acr_subnet = f"{self.vnet}/subnets/snet-acr"
        self.api_subnet = f"{self.vnet}/subnets/snet-apiserver"

    def put(self, rid: str, rtype: str, properties: Json, **extra: Any) -> None:
        name = rid.rsplit("/", 1)[-1]
        self.store.put(
            rid, {"id": rid, "name": name, "type": rtype, "properties": properties, **extra}
        )

    def role(self, principal: str, role: str, scope: str, name: str) -> None:
        rid = f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"
        self.put(
            rid,
            "Microsoft.Authorization/roleAssignments",
            {
                "principalId": principal,
                "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/"
                f"roleDefinitions/{role}",
                "principalType": "ServicePrincipal",
                "scope": scope,
            },
        )

    def subnet(self, rid: str, prefix: str, **properties: Any) -> None:
        self.put(
            rid,
            "Microsoft.Network/virtualNetworks/subnets",
            {"addressPrefix": prefix, **properties},
        )

    def patch(self, rid: str, **properties: Any) -> None:
        res = copy.deepcopy(self.store.get(rid))
        assert res is not None
        res["properties"].update(properties)
        self.store.put(rid, res)

    def record(self, name: str, ip: str, zone: str | None = None) -> None:
        zone = zone or self.zone
        self.put(
            f"{zone}/A/{name}",
            "Microsoft.Network/privateDnsZones/A",
            {"aRecords": [{"ipv4Address": ip}], "ttl": 10},
        )


def byo_topology(
    *,
    cache_rule_target: str | None = "aks-managed-repository/*",
    data_record: bool = True,
    registry_record: bool = True,
    zone_link: bool = True,
    acr_pull: bool = True,
    mio: bool = True,
    sku: str = "Premium",
    api_subnet: bool = False,
) -> Topo:
    """Seed 000: spoke VNet, Premium ACR + cache rule + PE + DNS, identities, AcrPull."""
    t = Topo()
    t.put(
        t.vnet,
        "Microsoft.Network/virtualNetworks",
        {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}},
        location=LOC,
    )
    t.subnet(t.aks_subnet, "192.168.1.0/24", defaultOutboundAccess=False)
    t.subnet(t.acr_subnet, "192.168.2.0/24", privateEndpointNetworkPolicies="Disabled")
    if api_subnet:
        t.subnet(t.api_subnet, "192.168.3.0/28")
    t.put(
        t.registry,
        "Microsoft.ContainerRegistry/registries",
        {
            "loginServer": f"{ACR}.azurecr.io",
            "publicNetworkAccess": "Disabled",
            "anonymousPullEnabled": False,
        },
        location=LOC,
        sku={"name": sku, "tier": sku},
    )
    if cache_rule_target is not None:
        t.put(
            f"{t.registry}/cacheRules/aks-managed-mcr",
            "Microsoft.ContainerRegistry/registries/cacheRules",
            {"sourceRepository": "mcr.microsoft.com/*", "targetRepository": cache_rule_target},
        )
    t.put(
        t.pe,
        "Microsoft.Network/privateEndpoints",
        {
            "subnet": {"id": t.acr_subnet},
            "networkInterfaces": [{"id": t.nic}],
            "privateLinkServiceConnections": [
                {
                    "name": "connection-acr",
                    "properties": {
                        "privateLinkServiceId": t.registry,
                        "groupIds": ["registry"],
                        "privateLinkServiceConnectionState": {"status": "Approved"},
                    },
                }
            ],
        },
        location=LOC,
    )
    t.put(
        t.nic,
        "Microsoft.Network/networkInterfaces",
        {
            "ipConfigurations": [
                {
                    "name": "registry",
                    "properties": {
                        "privateIPAddress": "192.168.2.4",
                        "privateLinkConnectionProperties": {
                            "groupId": "registry",
                            "requiredMemberName": "registry",
                        },
                    },
                },
                {
                    "name": "data",
                    "properties": {
                        "privateIPAddress": "192.168.2.5",
                        "privateLinkConnectionProperties": {
                            "groupId": "registry",
                            "requiredMemberName": f"registry_data_{LOC}",
                        },
                    },
                },
            ]
        },
        location=LOC,
    )
    t.put(t.zone, "Microsoft.Network/privateDnsZones", {}, location="global")
    if zone_link:
        t.put(
            f"{t.zone}/virtualNetworkLinks/MyDNSLink",
            "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
            {"virtualNetwork": {"id": t.vnet}, "registrationEnabled": False},
            location="global",
        )
    if registry_record:
        t.record(ACR, "192.168.2.4")
    if data_record:
        t.record(f"{ACR}.{LOC}.data", "192.168.2.5")
    t.put(
        t.cp_identity,
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        {"principalId": t.cp_principal, "clientId": "c1"},
        location=LOC,
    )
    t.put(
        t.kubelet_identity,
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        {"principalId": t.kubelet_principal, "clientId": "c2"},
        location=LOC,
    )
    if acr_pull:
        t.role(t.kubelet_principal, ACR_PULL, t.registry, "a0000000-0000-0000-0000-000000000001")
    if mio:
        t.role(
            t.cp_principal,
            MANAGED_IDENTITY_OPERATOR,
            t.kubelet_identity,
            "a0000000-0000-0000-0000-000000000002",
        )
    t.role(
        t.cp_principal, NETWORK_CONTRIBUTOR, t.aks_subnet, "a0000000-0000-0000-0000-000000000003"
    )
    if api_subnet:
        t.role(
            t.cp_principal,
            NETWORK_CONTRIBUTOR,
            t.api_subnet,
            "a0000000-0000-0000-0000-000000000004",
        )
    return t


def cluster_body(
    t: Topo,
    *,
    source: str | None = "Cache",
    registry: bool = True,
    outbound: str = "none",
    version: str = "1.30.3",
    custom_vnet: bool = True,
    kubelet: bool = True,
    **properties: Any,
) -> Json:
    """The az CLI's `aks create` body for seed 000 (see arm-reference/az-cli)."""
    pool: Json = {
        "name": "nodepool1",
        "count": 3,
        "vmSize": "Standard_D4ds_v5",
        "osType": "Linux",
        "mode": "System",
    }
    if custom_vnet:
        pool["vnetSubnetID"] = t.aks_subnet
    props: Json = {
        "kubernetesVersion": version,
        "dnsPrefix": "aks1",
        "agentPoolProfiles": [pool],
        "networkProfile": {"networkPlugin": "azure", "outboundType": outbound},
        "apiServerAccessProfile": {"enablePrivateCluster": True},
    }
    if source is not None:
        props["bootstrapProfile"] = {"artifactSource": source}
        if registry:
            props["bootstrapProfile"]["containerRegistryId"] = t.registry
    if kubelet:
        props["identityProfile"] = {"kubeletidentity": {"resourceId": t.kubelet_identity}}
    props.update(properties)
    return {
        "location": LOC,
        "identity": {"type": "UserAssigned", "userAssignedIdentities": {t.cp_identity: {}}},
        "properties": props,
    }


CLUSTER_ID = res_id("Microsoft.ContainerService/managedClusters", "aks-cluster-network-isolated")


def stored_cluster(body: Json, **tags: str) -> Json:
    """A cluster as the provider stores it (enough for netsim and update checks)."""
    out = copy.deepcopy(body)
    out.update(
        id=CLUSTER_ID,
        name="aks-cluster-network-isolated",
        type="Microsoft.ContainerService/managedClusters",
    )
    out["properties"]["provisioningState"] = "Succeeded"
    out["properties"]["currentKubernetesVersion"] = out["properties"].get("kubernetesVersion")
    out["properties"].setdefault("bootstrapProfile", {"artifactSource": "Direct"})
    kubelet = out["properties"].get("identityProfile", {}).get("kubeletidentity")
    if kubelet:
        kubelet["objectId"] = "22222222-2222-2222-2222-222222222222"
    if tags:
        out["tags"] = dict(tags)
    return out


def add_hub_firewall(
    t: Topo,
    *,
    app_fqdns: list[str] | None = None,
    fqdn_tags: list[str] | None = None,
    forwarded: bool = True,
    reverse_peering: bool = True,
    route: bool = True,
) -> str:
    """Seeds 003/004: hub VNet, Azure Firewall + policy, peering both ways, 0.0.0.0/0 route."""
    hub = res_id("Microsoft.Network/virtualNetworks", "vnet-hub")
    t.put(
        hub,
        "Microsoft.Network/virtualNetworks",
        {"addressSpace": {"addressPrefixes": ["10.0.0.0/22"]}},
        location=LOC,
    )
    fw_subnet = f"{hub}/subnets/AzureFirewallSubnet"
    t.subnet(fw_subnet, "10.0.0.0/26")
    policy = res_id("Microsoft.Network/firewallPolicies", "fw-policy")
    t.put(
        policy,
        "Microsoft.Network/firewallPolicies",
        {"sku": {"tier": "Standard"}, "dnsSettings": {"enableProxy": True}},
        location=LOC,
    )
    rules: list[Json] = []
    if fqdn_tags is None:
        fqdn_tags = ["AzureKubernetesService"]
    if fqdn_tags:
        rules.append(
            {
                "ruleType": "ApplicationRule",
                "name": "aks",
                "sourceAddresses": ["192.168.1.0/24"],
                "protocols": [{"protocolType": "Https", "port": 443}],
                "fqdnTags": fqdn_tags,
            }
        )
    if app_fqdns:
        rules.append(
            {
                "ruleType": "ApplicationRule",
                "name": "extra",
                "sourceAddresses": ["*"],
                "protocols": [{"protocolType": "Https", "port": 443}],
                "targetFqdns": app_fqdns,
            }
        )
    t.put(
        f"{policy}/ruleCollectionGroups/aks",
        "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
        {
            "priority": 200,
            "ruleCollections": [
                {
                    "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                    "name": "app",
                    "priority": 200,
                    "action": {"type": "Allow"},
                    "rules": rules,
                }
            ],
        },
    )
    fw = res_id("Microsoft.Network/azureFirewalls", "fw-hub")
    pip = res_id("Microsoft.Network/publicIPAddresses", "fw-pip")
    t.put(
        fw,
        "Microsoft.Network/azureFirewalls",
        {
            "firewallPolicy": {"id": policy},
            "ipConfigurations": [
                {
                    "name": "cfg",
                    "properties": {
                        "subnet": {"id": fw_subnet},
                        "publicIPAddress": {"id": pip},
                        "privateIPAddress": "10.0.0.4",
                    },
                }
            ],
        },
        location=LOC,
    )
    t.put(
        f"{t.vnet}/virtualNetworkPeerings/spoke-to-hub",
        "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
        {
            "remoteVirtualNetwork": {"id": hub},
            "allowVirtualNetworkAccess": True,
            "allowForwardedTraffic": forwarded,
        },
    )
    if reverse_peering:
        t.put(
            f"{hub}/virtualNetworkPeerings/hub-to-spoke",
            "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
            {
                "remoteVirtualNetwork": {"id": t.vnet},
                "allowVirtualNetworkAccess": True,
                "allowForwardedTraffic": forwarded,
            },
        )
    if route:
        rt = res_id("Microsoft.Network/routeTables", "rt-aks")
        t.put(rt, "Microsoft.Network/routeTables", {}, location=LOC)
        t.put(
            f"{rt}/routes/default",
            "Microsoft.Network/routeTables/routes",
            {
                "addressPrefix": "0.0.0.0/0",
                "nextHopType": "VirtualAppliance",
                "nextHopIpAddress": "10.0.0.4",
            },
        )
        t.patch(t.aks_subnet, routeTable={"id": rt})
    return fw
