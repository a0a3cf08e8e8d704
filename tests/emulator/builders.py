"""Build the seed-000 BYO topology (and the seed-003/004 hub firewall) through the real SDKs.

Sync clients against a running `EmulatorThread`; every call is what the product (or the az
CLI) sends. `Seed.cluster_body()` is the network-isolated cluster PUT body of seed 000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from azure.mgmt.authorization import AuthorizationManagementClient
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.containerservice import ContainerServiceClient
from azure.mgmt.msi import ManagedServiceIdentityClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.privatedns import PrivateDnsManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient

from aksiso_tui.emulator.testing import make_client
from aksiso_tui.netpath.aks_lookup import ACR_PULL, MANAGED_IDENTITY_OPERATOR, NETWORK_CONTRIBUTOR

SUB = "00000000-0000-0000-0000-000000000000"
RG = "rg-aks-cluster"
LOC = "swedencentral"
ACR = "acr4aks17"
AKS = "aks-cluster-network-isolated"


@dataclass
class Seed:
    """Clients plus the ids of what was built."""

    base_url: str
    ids: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        url = self.base_url
        self.rm = make_client(ResourceManagementClient, url)
        self.net = make_client(NetworkManagementClient, url)
        self.acr = make_client(ContainerRegistryManagementClient, url)
        self.dns = make_client(PrivateDnsManagementClient, url)
        self.msi = make_client(ManagedServiceIdentityClient, url)
        self.auth = make_client(AuthorizationManagementClient, url)
        self.aks = make_client(ContainerServiceClient, url, retry_total=0)

    # -- pieces ------------------------------------------------------------------------------
    def network(self, *, api_subnet: bool = False) -> None:
        self.rm.resource_groups.create_or_update(RG, {"location": LOC})
        self.net.virtual_networks.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "vnet-spoke",
            {
                "location": LOC,
                "properties": {"addressSpace": {"addressPrefixes": ["192.168.0.0/16"]}},
            },
        ).result()
        aks = self.net.subnets.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "vnet-spoke",
            "snet-aks",
            {"properties": {"addressPrefix": "192.168.1.0/24", "defaultOutboundAccess": False}},
        ).result()
        acr = self.net.subnets.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "vnet-spoke",
            "snet-acr",
            {
                "properties": {
                    "addressPrefix": "192.168.2.0/24",
                    "privateEndpointNetworkPolicies": "Disabled",
                }
            },
        ).result()
        self.ids.update(vnet=aks.id.split("/subnets/")[0], aks_subnet=aks.id, acr_subnet=acr.id)
        if api_subnet:
            api = self.net.subnets.begin_create_or_update(  # type: ignore[call-overload]
                RG,
                "vnet-spoke",
                "snet-apiserver",
                {"properties": {"addressPrefix": "192.168.3.0/28"}},
            ).result()
            self.ids["api_subnet"] = api.id

    def registry(self, *, target: str = "aks-managed-repository/*") -> None:
        reg = self.acr.registries.begin_create(
            RG,
            ACR,
            {
                "location": LOC,
                "sku": {"name": "Premium"},
                "properties": {"publicNetworkAccess": "Disabled"},
            },
        ).result()
        assert reg.id is not None
        self.ids["registry"] = reg.id
        self.acr.cache_rules.begin_create(
            RG,
            ACR,
            "aks-managed-mcr",
            {"properties": {"sourceRepository": "mcr.microsoft.com/*", "targetRepository": target}},
        ).result()

    def private_endpoint(self) -> tuple[str, str]:
        pe = self.net.private_endpoints.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "pe-acr",
            {
                "location": LOC,
                "properties": {
                    "subnet": {"id": self.ids["acr_subnet"]},
                    "privateLinkServiceConnections": [
                        {
                            "name": "connection-acr",
                            "properties": {
                                "privateLinkServiceId": self.ids["registry"],
                                "groupIds": ["registry"],
                            },
                        }
                    ],
                },
            },
        ).result()
        nic = self.net.network_interfaces.get(RG, pe.network_interfaces[0].id.rsplit("/", 1)[-1])
        ips = {
            c.private_link_connection_properties.required_member_name: c.private_ip_address
            for c in nic.ip_configurations
        }
        return ips["registry"], ips[f"registry_data_{LOC}"]

    def dns_records(self, registry_ip: str, data_ip: str, *, data_record: bool = True) -> None:
        zone = "privatelink.azurecr.io"
        self.dns.private_zones.begin_create_or_update(RG, zone, {"location": "global"}).result()  # type: ignore[call-overload]
        self.dns.virtual_network_links.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            zone,
            "MyDNSLink",
            {
                "location": "global",
                "properties": {
                    "virtualNetwork": {"id": self.ids["vnet"]},
                    "registrationEnabled": False,
                },
            },
        ).result()
        self.dns.record_sets.create_or_update(  # type: ignore[call-overload]
            RG,
            zone,
            "A",
            ACR,
            {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": registry_ip}]}},
        )
        if data_record:
            self.dns.record_sets.create_or_update(  # type: ignore[call-overload]
                RG,
                zone,
                "A",
                f"{ACR}.{LOC}.data",
                {"properties": {"ttl": 10, "aRecords": [{"ipv4Address": data_ip}]}},
            )

    def identities(self) -> None:
        cp = self.msi.user_assigned_identities.create_or_update(
            RG, "identity-aks-control-plane", {"location": LOC}
        )
        kubelet = self.msi.user_assigned_identities.create_or_update(
            RG, "identity-aks-kubelet", {"location": LOC}
        )
        self.ids.update(
            cp=cp.id,
            cp_principal=cp.principal_id,
            kubelet=kubelet.id,
            kubelet_principal=kubelet.principal_id,
        )

    def role(self, scope: str, role: str, principal: str) -> None:
        import uuid

        self.auth.role_assignments.create(
            scope,
            str(uuid.uuid4()),
            {
                "properties": {
                    "roleDefinitionId": f"/subscriptions/{SUB}/providers/"
                    f"Microsoft.Authorization/roleDefinitions/{role}",
                    "principalId": principal,
                    "principalType": "ServicePrincipal",
                }
            },
        )

    # -- whole sequences -----------------------------------------------------------------------
    def byo(
        self, *, data_record: bool = True, api_subnet: bool = False, acr_pull: bool = True
    ) -> Seed:
        """Seed 000 up to (not including) `az aks create`."""
        self.network(api_subnet=api_subnet)
        self.registry()
        registry_ip, data_ip = self.private_endpoint()
        self.dns_records(registry_ip, data_ip, data_record=data_record)
        self.identities()
        if acr_pull:
            self.role(self.ids["registry"], ACR_PULL, self.ids["kubelet_principal"])
        self.role(self.ids["kubelet"], MANAGED_IDENTITY_OPERATOR, self.ids["cp_principal"])
        self.role(self.ids["aks_subnet"], NETWORK_CONTRIBUTOR, self.ids["cp_principal"])
        if api_subnet:
            self.role(self.ids["api_subnet"], NETWORK_CONTRIBUTOR, self.ids["cp_principal"])
        return self

    def cluster_body(
        self, *, source: str = "Cache", outbound: str = "none", registry: bool = True, **props: Any
    ) -> dict[str, Any]:
        boot: dict[str, Any] = {"artifactSource": source}
        if registry and source == "Cache":
            boot["containerRegistryId"] = self.ids["registry"]
        properties: dict[str, Any] = {
            "kubernetesVersion": "1.30.3",
            "dnsPrefix": "aks1",
            "agentPoolProfiles": [
                {
                    "name": "nodepool1",
                    "count": 3,
                    "vmSize": "Standard_D4ds_v5",
                    "osType": "Linux",
                    "mode": "System",
                    "vnetSubnetID": self.ids["aks_subnet"],
                }
            ],
            "networkProfile": {"networkPlugin": "azure", "outboundType": outbound},
            "apiServerAccessProfile": {"enablePrivateCluster": True},
            "identityProfile": {"kubeletidentity": {"resourceId": self.ids["kubelet"]}},
            "bootstrapProfile": boot,
        }
        properties.update(props)
        return {
            "location": LOC,
            "identity": {"type": "UserAssigned", "userAssignedIdentities": {self.ids["cp"]: {}}},
            "properties": properties,
        }

    def create_cluster(self, body: dict[str, Any] | None = None) -> Any:
        return self.aks.managed_clusters.begin_create_or_update(  # type: ignore[call-overload]
            RG, AKS, body or self.cluster_body()
        ).result()

    def run(self, command: str) -> Any:
        return self.aks.managed_clusters.begin_run_command(RG, AKS, {"command": command}).result()

    def hub_firewall(self, *, app_fqdns: list[str] | None = None) -> None:
        """Seeds 003/004: hub VNet + firewall (fqdn tag AKS + extra FQDNs), peerings, route."""
        self.net.virtual_networks.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "vnet-hub",
            {"location": LOC, "properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/22"]}}},
        ).result()
        fw_subnet = self.net.subnets.begin_create_or_update(  # type: ignore[call-overload]
            RG, "vnet-hub", "AzureFirewallSubnet", {"properties": {"addressPrefix": "10.0.0.0/26"}}
        ).result()
        pip = self.net.public_ip_addresses.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "fw-pip",
            {
                "location": LOC,
                "sku": {"name": "Standard"},
                "properties": {"publicIPAllocationMethod": "Static"},
            },
        ).result()
        policy = self.net.firewall_policies.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "fw-policy",
            {
                "location": LOC,
                "properties": {"sku": {"tier": "Standard"}, "dnsSettings": {"enableProxy": True}},
            },
        ).result()
        rules: list[dict[str, Any]] = [
            {
                "ruleType": "ApplicationRule",
                "name": "aks",
                "sourceAddresses": ["192.168.1.0/24"],
                "protocols": [{"protocolType": "Https", "port": 443}],
                "fqdnTags": ["AzureKubernetesService"],
            }
        ]
        if app_fqdns:
            rules.append(
                {
                    "ruleType": "ApplicationRule",
                    "name": "extra",
                    "sourceAddresses": ["192.168.1.0/24"],
                    "protocols": [{"protocolType": "Https", "port": 443}],
                    "targetFqdns": app_fqdns,
                }
            )
        self.net.firewall_policy_rule_collection_groups.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "fw-policy",
            "aks",
            {
                "properties": {
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
                }
            },
        ).result()
        fw = self.net.azure_firewalls.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "fw-hub",
            {
                "location": LOC,
                "properties": {
                    "sku": {"name": "AZFW_VNet", "tier": "Standard"},
                    "firewallPolicy": {"id": policy.id},
                    "ipConfigurations": [
                        {
                            "name": "cfg",
                            "properties": {
                                "subnet": {"id": fw_subnet.id},
                                "publicIPAddress": {"id": pip.id},
                            },
                        }
                    ],
                },
            },
        ).result()
        fw_ip = fw.ip_configurations[0].private_ip_address
        hub_id = fw_subnet.id.split("/subnets/")[0]
        for vnet, name, remote in (
            ("vnet-spoke", "spoke-to-hub", hub_id),
            ("vnet-hub", "hub-to-spoke", self.ids["vnet"]),
        ):
            self.net.virtual_network_peerings.begin_create_or_update(  # type: ignore[call-overload]
                RG,
                vnet,
                name,
                {
                    "properties": {
                        "remoteVirtualNetwork": {"id": remote},
                        "allowVirtualNetworkAccess": True,
                        "allowForwardedTraffic": True,
                    }
                },
            ).result()
        rt = self.net.route_tables.begin_create_or_update(  # type: ignore[call-overload]
            RG, "rt-aks", {"location": LOC, "properties": {}}
        ).result()
        self.net.routes.begin_create_or_update(  # type: ignore[call-overload]
            RG,
            "rt-aks",
            "default",
            {
                "properties": {
                    "addressPrefix": "0.0.0.0/0",
                    "nextHopType": "VirtualAppliance",
                    "nextHopIpAddress": fw_ip,
                }
            },
        ).result()
        subnet = self.net.subnets.get(RG, "vnet-spoke", "snet-aks")
        subnet.route_table = {"id": rt.id}
        self.net.subnets.begin_create_or_update(RG, "vnet-spoke", "snet-aks", subnet).result()
