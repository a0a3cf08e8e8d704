"""The hub: a VNet with an Azure Firewall as the operator's own, deliberate egress path (seeds
003/004), peered both ways with the cluster VNet, and a route table on the node subnet.

Ordering, chosen for the shortest critical path. The firewall takes about ten minutes and the
cluster about seven; the only thing tying them together is the firewall's private IP, which the
0.0.0.0/0 route needs. So the route table is created *empty* right away and associated with the
node subnet when that subnet is created; the route is added (`hub.route.default`) once the firewall
reports its IP. With outbound type `none` AKS sets up no egress and does not inspect the route
table, so the cluster is created in parallel with the firewall instead of after it (the other
order — subnet first, route table association as a later subnet update after the firewall — puts
the whole firewall in front of the cluster). The egress checks wait for the route, the peerings
and the rules.

Writes below one firewall policy are serialized too, so the rule collection groups are chained,
and they follow the firewall rather than racing its creation on the same policy: they finish
within a minute or two of it, long before the cluster is ready to be checked.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import FIREWALL_SUBNET, Ctx
from aksiso_tui.plan.create import hub_group, provider_step
from aksiso_tui.plan.firewall_rules import add_rules
from aksiso_tui.plan.model import Area, Ref, Step
from aksiso_tui.plan.network import SPOKE

HUB = "hub"
"""Key of the hub VNet's write chain (`Ctx.chain`)."""
ROUTE_NAME = "default-to-firewall"
IP_CONFIG = "fw-ipconfig"

_HRG = "--resource-group ${HUB_RESOURCE_GROUP}"


def add_route_table(ctx: Ctx) -> None:
    """The empty route table; it must exist before the node subnet that it is associated with."""
    if not ctx.hub:
        return
    ctx.add(
        Step(
            id="hub.route_table",
            title=f"Create the route table {ctx.route_table_name} for the node subnet",
            kind=kinds.ROUTE_TABLE,
            resource_id=ctx.route_table_id,
            area=Area.HUB,
            depends_on=ctx.deps("group", provider_step("Microsoft.Network")),
            body={
                "location": ctx.spec.location,
                "properties": {"disableBgpRoutePropagation": True},
            },
            az=(
                "az network route-table create --resource-group ${RESOURCE_GROUP}"
                " --name ${ROUTE_TABLE_NAME} --disable-bgp-route-propagation true",
            ),
            estimate_s=estimates.ROUTE_TABLE,
            note="Created empty and associated with the node subnet at once; the default route "
            "to the firewall is added when the firewall's private IP is known.",
        )
    )


def add_hub(ctx: Ctx) -> None:
    hub = ctx.spec.hub
    net = ctx.spec.network
    if not ctx.hub or hub is None or net is None:
        return
    rg_step = hub_group(ctx)
    network_rp = provider_step("Microsoft.Network")
    ids = ctx.ids
    hub_rg = ctx.hub_rg
    policy_id = ids.firewall_policy(hub_rg, ctx.firewall_policy_name)
    pip_id = ids.public_ip(hub_rg, ctx.public_ip_name)
    fw_subnet_id = ids.subnet(hub_rg, hub.vnet.name, FIREWALL_SUBNET)

    ctx.add(
        Step(
            id="hub.vnet",
            title=f"Create the hub virtual network {hub.vnet.name}",
            kind=kinds.VNET,
            resource_id=ctx.hub_vnet_id,
            area=Area.HUB,
            depends_on=ctx.deps(rg_step, network_rp),
            body={
                "location": ctx.spec.location,
                "properties": {"addressSpace": {"addressPrefixes": [hub.vnet.address_space]}},
            },
            az=(
                f"az network vnet create {_HRG} --name ${{HUB_VNET_NAME}}"
                f" --address-prefixes {hub.vnet.address_space}",
                f"HUB_VNET_ID=$(az network vnet show {_HRG} --name ${{HUB_VNET_NAME}}"
                " --query 'id' --output tsv)",
            ),
            estimate_s=estimates.VNET,
            outputs=("id",),
        )
    )
    ctx.chain(HUB, "hub.vnet")
    ctx.add(
        Step(
            id="hub.subnet.firewall",
            title=f"Create {FIREWALL_SUBNET} in the hub",
            kind=kinds.SUBNET,
            resource_id=fw_subnet_id,
            area=Area.HUB,
            depends_on=ctx.deps(ctx.chain(HUB, "hub.subnet.firewall")),
            body={"properties": {"addressPrefix": hub.firewall_subnet_prefix}},
            az=(
                f"az network vnet subnet create --name {FIREWALL_SUBNET}"
                f" --vnet-name ${{HUB_VNET_NAME}} {_HRG}"
                f" --address-prefixes {hub.firewall_subnet_prefix}",
            ),
            estimate_s=estimates.SUBNET,
            outputs=("id",),
        )
    )
    ctx.add(
        Step(
            id="hub.public_ip",
            title=f"Create the firewall's public IP {ctx.public_ip_name} (Standard, static)",
            kind=kinds.PUBLIC_IP,
            resource_id=pip_id,
            area=Area.HUB,
            depends_on=ctx.deps(rg_step, network_rp),
            body={
                "location": ctx.spec.location,
                "sku": {"name": "Standard"},
                "properties": {"publicIPAllocationMethod": "Static"},
            },
            az=(
                f"az network public-ip create {_HRG} --name ${{FIREWALL_PUBLIC_IP_NAME}}"
                " --sku Standard --allocation-method Static",
            ),
            estimate_s=estimates.PUBLIC_IP,
            outputs=("id",),
        )
    )
    ctx.add(
        Step(
            id="hub.firewall_policy",
            title=f"Create the firewall policy {ctx.firewall_policy_name} (DNS proxy on)",
            kind=kinds.FIREWALL_POLICY,
            resource_id=policy_id,
            area=Area.HUB,
            depends_on=ctx.deps(rg_step, network_rp),
            body={
                "location": ctx.spec.location,
                "properties": {"sku": {"tier": "Standard"}, "dnsSettings": {"enableProxy": True}},
            },
            az=(
                f"az network firewall policy create {_HRG} --name ${{FIREWALL_POLICY_NAME}}"
                " --sku Standard --enable-dns-proxy true",
            ),
            estimate_s=estimates.FIREWALL_POLICY,
            outputs=("id",),
        )
    )
    ctx.add(
        Step(
            id="hub.firewall",
            title=f"Create the Azure Firewall {ctx.firewall_name}",
            kind=kinds.FIREWALL,
            resource_id=ids.firewall(hub_rg, ctx.firewall_name),
            area=Area.HUB,
            depends_on=("hub.subnet.firewall", "hub.public_ip", "hub.firewall_policy"),
            body={
                "location": ctx.spec.location,
                "properties": {
                    "sku": {"name": "AZFW_VNet", "tier": "Standard"},
                    "firewallPolicy": {"id": policy_id},
                    "ipConfigurations": [
                        {
                            "name": IP_CONFIG,
                            "properties": {
                                "subnet": {"id": fw_subnet_id},
                                "publicIPAddress": {"id": pip_id},
                            },
                        }
                    ],
                },
            },
            az=(
                f"az network firewall create {_HRG} --name ${{FIREWALL_NAME}}"
                " --location ${LOCATION}"
                " --sku AZFW_VNet --tier Standard --firewall-policy ${FIREWALL_POLICY_NAME}",
                f"az network firewall ip-config create --firewall-name ${{FIREWALL_NAME}}"
                f" --name {IP_CONFIG} --public-ip-address ${{FIREWALL_PUBLIC_IP_NAME}} {_HRG}"
                " --vnet-name ${HUB_VNET_NAME}",
                f"FIREWALL_PRIVATE_IP=$(az network firewall show {_HRG} --name ${{FIREWALL_NAME}}"
                ' --query "ipConfigurations[0].privateIPAddress" --output tsv)',
            ),
            estimate_s=estimates.FIREWALL,
            outputs=("id", "private_ip"),
            note="Typically about ten minutes; 25+ minutes has been seen.",
        )
    )
    add_rules(ctx)
    _add_peerings(ctx)
    ctx.add(
        Step(
            id="hub.route.default",
            title="Route 0.0.0.0/0 to the firewall's private IP",
            kind=kinds.ROUTE,
            resource_id=ids.route(ctx.rg, ctx.route_table_name, ROUTE_NAME),
            area=Area.HUB,
            depends_on=ctx.deps("hub.route_table", "hub.firewall"),
            body={
                "properties": {
                    "addressPrefix": "0.0.0.0/0",
                    "nextHopType": "VirtualAppliance",
                    "nextHopIpAddress": Ref("hub.firewall", "private_ip"),
                }
            },
            az=(
                "az network route-table route create --resource-group ${RESOURCE_GROUP}"
                f" --route-table-name ${{ROUTE_TABLE_NAME}} --name {ROUTE_NAME}"
                " --address-prefix 0.0.0.0/0 --next-hop-type VirtualAppliance"
                " --next-hop-ip-address ${FIREWALL_PRIVATE_IP}",
            ),
            estimate_s=estimates.ROUTE,
        )
    )


def _peering(ctx: Ctx, step_id: str, title: str, local: str, remote_id: str, **kw: Any) -> None:
    ctx.add(
        Step(
            id=step_id,
            title=title,
            kind=kinds.PEERING,
            area=Area.HUB,
            body={
                "properties": {
                    "remoteVirtualNetwork": {"id": remote_id},
                    "allowVirtualNetworkAccess": True,
                    "allowForwardedTraffic": True,
                }
            },
            estimate_s=estimates.PEERING,
            note=f"Peering from {local}; traffic forwarded by the firewall is allowed.",
            **kw,
        )
    )


def _add_peerings(ctx: Ctx) -> None:
    hub = ctx.spec.hub
    net = ctx.spec.network
    assert hub is not None and net is not None
    to_hub = f"{net.vnet.name}-to-{hub.vnet.name}"
    to_spoke = f"{hub.vnet.name}-to-{net.vnet.name}"
    flags = "--allow-vnet-access --allow-forwarded-traffic"
    _peering(
        ctx,
        "hub.peering.spoke_to_hub",
        f"Peer {net.vnet.name} with {hub.vnet.name}",
        net.vnet.name,
        ctx.hub_vnet_id,
        resource_id=ctx.ids.peering(ctx.rg, net.vnet.name, to_hub),
        depends_on=ctx.deps(
            "network.vnet", ctx.chain(SPOKE, "hub.peering.spoke_to_hub"), "hub.vnet"
        ),
        az=(
            f"az network vnet peering create --resource-group ${{RESOURCE_GROUP}} --name {to_hub}"
            f" --vnet-name ${{VNET_NAME}} --remote-vnet ${{HUB_VNET_ID}} {flags}",
        ),
    )
    _peering(
        ctx,
        "hub.peering.hub_to_spoke",
        f"Peer {hub.vnet.name} with {net.vnet.name}",
        hub.vnet.name,
        ctx.vnet_id,
        resource_id=ctx.ids.peering(ctx.hub_rg, hub.vnet.name, to_spoke),
        depends_on=ctx.deps("hub.vnet", ctx.chain(HUB, "hub.peering.hub_to_spoke"), "network.vnet"),
        az=(
            f"az network vnet peering create {_HRG} --name {to_spoke}"
            f" --vnet-name ${{HUB_VNET_NAME}} --remote-vnet ${{VNET_ID}} {flags}",
        ),
    )


def add_hub_after_cluster(ctx: Ctx) -> None:
    """Link the API server's private DNS zone (in the node resource group, named by AKS) to the
    hub VNet, so the hub (and what is peered with it) resolves the private API server."""
    hub = ctx.spec.hub
    if not ctx.hub or hub is None or not ctx.has("cluster.create"):
        return
    link = ctx.link_name(hub.vnet.name)
    zone_rg = Ref("cluster.create", "node_resource_group")
    zone = Ref("cluster.create", "private_dns_zone")
    ctx.add(
        Step(
            id="hub.dns_link.apiserver",
            title=f"Link the API server's private DNS zone to {hub.vnet.name}",
            kind=kinds.DNS_LINK,
            resource_id=(
                f"{ctx.ids.sub}/resourceGroups/{{cluster.create#node_resource_group}}/providers/"
                f"Microsoft.Network/privateDnsZones/{{cluster.create#private_dns_zone}}/"
                f"virtualNetworkLinks/{link}"
            ),
            area=Area.HUB,
            depends_on=ctx.deps("cluster.create", "hub.vnet"),
            body={
                "location": "global",
                "properties": {
                    "virtualNetwork": {"id": ctx.hub_vnet_id},
                    "registrationEnabled": False,
                },
            },
            params={"zone_resource_group": zone_rg, "zone_name": zone, "link_name": link},
            az=(
                "NODE_RESOURCE_GROUP=$(az aks show --resource-group ${RESOURCE_GROUP}"
                " --name ${AKS_NAME} --query nodeResourceGroup --output tsv)",
                "API_SERVER_DNS_ZONE=$(az network private-dns zone list"
                ' --resource-group ${NODE_RESOURCE_GROUP} --query "[0].name" --output tsv)',
                f"az network private-dns link vnet create --name {link}"
                " --registration-enabled false"
                " --resource-group ${NODE_RESOURCE_GROUP} --virtual-network ${HUB_VNET_ID}"
                " --zone-name ${API_SERVER_DNS_ZONE}",
            ),
            estimate_s=estimates.DNS_LINK,
            note="The zone's resource group and name are only known once AKS created them: "
            "resource_id holds {step#output} placeholders, resolved from params.",
        )
    )
