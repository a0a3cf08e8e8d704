"""The cluster's own VNet ("spoke") and its subnets: nodes, registry private endpoint, API server.

Subnet writes on one VNet are chained in a fixed order (nodes, registry, API server, then the
peering to the hub) because ARM serializes them and answers concurrent ones with
`AnotherOperationInProgress`. Each subnet costs seconds, so the chain is off the critical path:
the registry's private endpoint waits for the registry (a minute) anyway.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import Ctx
from aksiso_tui.plan.create import provider_step
from aksiso_tui.plan.model import Area, Step
from aksiso_tui.spec import Scenario

SPOKE = "spoke"
"""Key of the cluster VNet's write chain (`Ctx.chain`)."""
DELEGATION = "Microsoft.ContainerService/managedClusters"

_SUBNET_ARGS = "--vnet-name ${VNET_NAME} --resource-group ${RESOURCE_GROUP}"


def add_network(ctx: Ctx) -> None:
    net = ctx.spec.network
    if net is None:
        return
    if ctx.scenario is Scenario.CREATE:
        _add_vnet(ctx)
        _add_aks_subnet(ctx)
    if net.acr_subnet is not None and ctx.byo:
        _add_acr_subnet(ctx)
    if (
        ctx.scenario is Scenario.CREATE
        and net.apiserver_subnet is not None
        and ctx.vnet_integration
    ):
        _add_apiserver_subnet(ctx)


def _add_vnet(ctx: Ctx) -> None:
    net = ctx.spec.network
    assert net is not None
    az = [
        "az network vnet create --resource-group ${RESOURCE_GROUP} --name ${VNET_NAME}"
        f" --address-prefixes {net.vnet.address_space}"
    ]
    if ctx.hub:
        az.append(
            "VNET_ID=$(az network vnet show --resource-group ${RESOURCE_GROUP} --name ${VNET_NAME}"
            " --query 'id' --output tsv)"
        )
    ctx.add(
        Step(
            id="network.vnet",
            title=f"Create the virtual network {net.vnet.name}",
            kind=kinds.VNET,
            resource_id=ctx.vnet_id,
            area=Area.NETWORK,
            depends_on=ctx.deps("group", provider_step("Microsoft.Network")),
            body={
                "location": ctx.spec.location,
                "properties": {"addressSpace": {"addressPrefixes": [net.vnet.address_space]}},
            },
            az=tuple(az),
            estimate_s=estimates.VNET,
            outputs=("id",),
            note="Updating an existing VNet keeps its subnets: a VNet PUT without them would "
            "delete them, so the engine merges the existing subnets into the body.",
        )
    )


def _subnet_step(
    ctx: Ctx,
    step_id: str,
    title: str,
    which: str,
    properties: dict[str, Any],
    az: list[str],
    extra_deps: tuple[str, ...] = (),
    note: str = "",
) -> None:
    net = ctx.spec.network
    assert net is not None
    previous = ctx.chain(SPOKE, step_id)
    subnet = getattr(net, which)
    ctx.add(
        Step(
            id=step_id,
            title=title,
            kind=kinds.SUBNET,
            resource_id=ctx.subnet_id(which),
            area=Area.NETWORK,
            depends_on=ctx.deps("network.vnet", previous, *extra_deps),
            body={"properties": {"addressPrefix": subnet.prefix, **properties}},
            az=tuple(az),
            estimate_s=estimates.SUBNET,
            outputs=("id",),
            note=note,
        )
    )


def _add_aks_subnet(ctx: Ctx) -> None:
    net = ctx.spec.network
    assert net is not None
    properties: dict[str, Any] = {
        "defaultOutboundAccess": False,
        "privateEndpointNetworkPolicies": "Disabled",
    }
    create = (
        f"az network vnet subnet create --name ${{AKS_SUBNET_NAME}} {_SUBNET_ARGS}"
        f" --address-prefixes {net.aks_subnet.prefix} --default-outbound-access false"
    )
    extra: tuple[str, ...] = ()
    note = "Default outbound access is off: nodes get no implicit internet path."
    if ctx.hub:
        # The route table is created empty and associated right here, so the cluster never waits
        # for the firewall: the 0.0.0.0/0 route is added to the table once the firewall's private
        # IP is known (hub.route.default). See hub.py for why this is the shortest critical path.
        properties["routeTable"] = {"id": ctx.route_table_id}
        create += " --route-table ${ROUTE_TABLE_NAME}"
        extra = ("hub.route_table",)
        note += " Its route table sends 0.0.0.0/0 to the hub firewall."
    az = [
        create,
        f"SUBNET_ID=$(az network vnet subnet show --name ${{AKS_SUBNET_NAME}} {_SUBNET_ARGS}"
        " --query 'id' --output tsv)",
    ]
    _subnet_step(
        ctx,
        "network.subnet.aks",
        f"Create the node subnet {net.aks_subnet.name}",
        "aks_subnet",
        properties,
        az,
        extra,
        note,
    )


def _add_acr_subnet(ctx: Ctx) -> None:
    net = ctx.spec.network
    assert net is not None and net.acr_subnet is not None
    verb = "Create" if ctx.scenario is Scenario.CREATE else "Ensure"
    az = [
        f"az network vnet subnet create --name ${{ACR_SUBNET_NAME}} {_SUBNET_ARGS}"
        f" --address-prefixes {net.acr_subnet.prefix} --private-endpoint-network-policies Disabled"
    ]
    note = "Holds the registry's private endpoint."
    if ctx.scenario is not Scenario.CREATE:
        note += (
            " The VNet is the existing cluster's: an existing subnet is updated in place (GET, "
            "merge, PUT), keeping its NSG and other settings."
        )
    _subnet_step(
        ctx,
        "network.subnet.acr",
        f"{verb} the registry subnet {net.acr_subnet.name}",
        "acr_subnet",
        {"privateEndpointNetworkPolicies": "Disabled"},
        az,
        () if ctx.scenario is Scenario.CREATE else (provider_step("Microsoft.Network"),),
        note,
    )


def _add_apiserver_subnet(ctx: Ctx) -> None:
    net = ctx.spec.network
    assert net is not None and net.apiserver_subnet is not None
    az = [
        f"az network vnet subnet create --name ${{APISERVER_SUBNET_NAME}} {_SUBNET_ARGS}"
        f" --address-prefixes {net.apiserver_subnet.prefix} --delegations {DELEGATION}",
        f"APISERVER_SUBNET_ID=$(az network vnet subnet show --name ${{APISERVER_SUBNET_NAME}}"
        f" {_SUBNET_ARGS} --query 'id' --output tsv)",
    ]
    _subnet_step(
        ctx,
        "network.subnet.apiserver",
        f"Create the API server subnet {net.apiserver_subnet.name}, delegated to AKS",
        "apiserver_subnet",
        {
            "privateEndpointNetworkPolicies": "Disabled",
            "delegations": [{"name": "aks-delegation", "properties": {"serviceName": DELEGATION}}],
        },
        az,
        note="API Server VNet Integration projects the API server into this subnet; it must "
        "hold nothing else.",
    )
