"""The bring-your-own registry path: Premium ACR, cache rule, private endpoint, private DNS.

Nodes of a network isolated cluster pull everything through this path, so the cluster (or, when
migrating, the switch to `artifactSource: Cache`) waits for all of it: the cache rule, the private
endpoint, both A records and the zone's link to the cluster VNet. The A records hold the private
endpoint's IPs, which are only known once it exists: they appear as `Ref`s.
"""

from __future__ import annotations

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import ACR_ZONE, CACHE_RULE_NAME, CACHE_SOURCE, CACHE_TARGET, Ctx
from aksiso_tui.plan.create import provider_step
from aksiso_tui.plan.model import Area, Ref, Step

REGISTRY_PATH = (
    "registry.acr",
    "registry.cache_rule",
    "registry.private_endpoint",
    "registry.dns_zone",
    "registry.dns_link.spoke",
    "registry.dns_record.registry",
    "registry.dns_record.data",
    "role.acrpull",
)
"""Everything nodes need to pull through the registry; `role.acrpull` is added in identity.py."""

_RG = "--resource-group ${RESOURCE_GROUP}"
_ZONE = f'--zone-name "{ACR_ZONE}" {_RG}'


def add_registry(ctx: Ctx) -> None:
    if not ctx.byo:
        return
    _add_acr(ctx)
    _add_cache_rule(ctx)
    if ctx.has("network.subnet.acr"):
        _add_private_endpoint(ctx)
    _add_dns(ctx)


def _add_acr(ctx: Ctx) -> None:
    anonymous = ctx.spec.registry.anonymous_pull
    az = [
        f"az acr create {_RG} --name ${{REGISTRY_NAME}} --sku Premium"
        " --public-network-enabled false"
    ]
    if anonymous:
        az.append(f"az acr update {_RG} --name ${{REGISTRY_NAME}} --anonymous-pull-enabled true")
        ctx.warnings.append(
            "registry.anonymous_pull is on: anyone who can reach the registry's private endpoint "
            "can pull without credentials. Network isolated clusters no longer need it."
        )
    az.append(
        "REGISTRY_ID=$(az acr show --name ${REGISTRY_NAME} -g ${RESOURCE_GROUP}"
        " --query 'id' --output tsv)"
    )
    ctx.add(
        Step(
            id="registry.acr",
            title=f"Create the Premium registry {ctx.registry_name} (no public access)",
            kind=kinds.REGISTRY,
            resource_id=ctx.registry_id,
            area=Area.REGISTRY,
            depends_on=ctx.deps("group", provider_step("Microsoft.ContainerRegistry")),
            body={
                "location": ctx.spec.location,
                "sku": {"name": "Premium"},
                "properties": {
                    "adminUserEnabled": False,
                    "publicNetworkAccess": "Disabled",
                    "anonymousPullEnabled": anonymous,
                    "networkRuleSet": {"defaultAction": "Deny"},
                },
            },
            az=tuple(az),
            estimate_s=estimates.REGISTRY,
            outputs=("id", "login_server"),
        )
    )


def _add_cache_rule(ctx: Ctx) -> None:
    ctx.add(
        Step(
            id="registry.cache_rule",
            title=f"Create the cache rule {CACHE_RULE_NAME} ({CACHE_SOURCE} -> {CACHE_TARGET})",
            kind=kinds.CACHE_RULE,
            resource_id=ctx.ids.cache_rule(ctx.rg, ctx.registry_name, CACHE_RULE_NAME),
            area=Area.REGISTRY,
            depends_on=("registry.acr",),
            body={
                "properties": {"sourceRepository": CACHE_SOURCE, "targetRepository": CACHE_TARGET}
            },
            az=(
                f"az acr cache create -n {CACHE_RULE_NAME} -r ${{REGISTRY_NAME}}"
                " -g ${RESOURCE_GROUP}"
                f' --source-repo "{CACHE_SOURCE}" --target-repo "{CACHE_TARGET}"',
            ),
            estimate_s=estimates.CACHE_RULE,
            note="AKS looks for this exact rule name and target (since AKS release 2025-03-16).",
        )
    )


def _add_private_endpoint(ctx: Ctx) -> None:
    location = ctx.spec.location
    pe = ctx.private_endpoint_name
    connection = f"connection-{ctx.registry_name}"
    nic = "az network nic show --ids ${NETWORK_INTERFACE_ID} --query"
    ctx.add(
        Step(
            id="registry.private_endpoint",
            title=f"Create the registry's private endpoint {pe}",
            kind=kinds.PRIVATE_ENDPOINT,
            resource_id=ctx.ids.private_endpoint(ctx.rg, pe),
            area=Area.REGISTRY,
            depends_on=ctx.deps("registry.acr", "network.subnet.acr"),
            body={
                "location": location,
                "properties": {
                    "subnet": {"id": ctx.subnet_id("acr_subnet")},
                    "privateLinkServiceConnections": [
                        {
                            "name": connection,
                            "properties": {
                                "privateLinkServiceId": ctx.registry_id,
                                "groupIds": ["registry"],
                            },
                        }
                    ],
                },
            },
            az=(
                "az network private-endpoint create --name ${PRIVATE_ENDPOINT_NAME} "
                + _RG
                + " --vnet-name ${VNET_NAME} --subnet ${ACR_SUBNET_NAME}"
                " --private-connection-resource-id ${REGISTRY_ID} --group-id registry"
                f" --connection-name {connection}",
                "NETWORK_INTERFACE_ID=$(az network private-endpoint show"
                " --name ${PRIVATE_ENDPOINT_NAME} "
                + _RG
                + " --query 'networkInterfaces[0].id' --output tsv)",
                f'REGISTRY_PRIVATE_IP=$({nic} "ipConfigurations[?privateLinkConnectionProperties'
                ".requiredMemberName=='registry'].privateIPAddress\" --output tsv)",
                f"DATA_ENDPOINT_PRIVATE_IP=$({nic}"
                ' "ipConfigurations[?privateLinkConnectionProperties'
                ".requiredMemberName=='registry_data_$LOCATION'].privateIPAddress\" --output tsv)",
            ),
            estimate_s=estimates.PRIVATE_ENDPOINT,
            outputs=("id", "nic_id", "registry_ip", "data_ip"),
            params={
                "ip_outputs": {"registry_ip": "registry", "data_ip": f"registry_data_{location}"},
            },
            note="The IPs are read from the NIC's ipConfigurations[]"
            ".privateLinkConnectionProperties"
            ".requiredMemberName.",
        )
    )


def _link_step(ctx: Ctx, step_id: str, vnet_name: str, vnet_id: str, vnet_step: str) -> None:
    link = ctx.link_name(vnet_name)
    var = "${VNET_NAME}" if step_id.endswith("spoke") else "${HUB_VNET_ID}"
    ctx.add(
        Step(
            id=step_id,
            title=f"Link {ACR_ZONE} to the VNet {vnet_name}",
            kind=kinds.DNS_LINK,
            resource_id=ctx.ids.dns_link(ctx.rg, ACR_ZONE, link),
            area=Area.REGISTRY,
            depends_on=ctx.deps("registry.dns_zone", vnet_step),
            body={
                "location": "global",
                "properties": {"virtualNetwork": {"id": vnet_id}, "registrationEnabled": False},
            },
            az=(
                f'az network private-dns link vnet create {_RG} --zone-name "{ACR_ZONE}"'
                f" --name {link} --virtual-network {var} --registration-enabled false",
            ),
            estimate_s=estimates.DNS_LINK,
        )
    )


def _record_step(
    ctx: Ctx, step_id: str, name: str, az_name: str, var: str, ip: str, what: str
) -> None:
    ctx.add(
        Step(
            id=step_id,
            title=f"Add the A record {name} -> the {what} private IP",
            kind=kinds.DNS_A_RECORD,
            resource_id=ctx.ids.dns_a_record(ctx.rg, ACR_ZONE, name),
            area=Area.REGISTRY,
            depends_on=ctx.deps("registry.dns_zone", "registry.private_endpoint"),
            body={
                "properties": {
                    "ttl": 3600,
                    "aRecords": [{"ipv4Address": Ref("registry.private_endpoint", ip)}],
                }
            },
            az=(
                f"az network private-dns record-set a create --name {az_name} {_ZONE}",
                f"az network private-dns record-set a add-record --record-set-name {az_name}"
                f" {_ZONE} --ipv4-address ${{{var}}}",
            ),
            estimate_s=estimates.DNS_RECORD,
            note="A record that already holds another IP (a second cluster sharing the zone) is "
            "not overwritten: the step stops and says so.",
        )
    )


def _add_dns(ctx: Ctx) -> None:
    ctx.add(
        Step(
            id="registry.dns_zone",
            title=f"Create the private DNS zone {ACR_ZONE}",
            kind=kinds.DNS_ZONE,
            resource_id=ctx.ids.dns_zone(ctx.rg, ACR_ZONE),
            area=Area.REGISTRY,
            depends_on=ctx.deps("group", provider_step("Microsoft.Network")),
            body={"location": "global"},
            az=(f'az network private-dns zone create {_RG} --name "{ACR_ZONE}"',),
            estimate_s=estimates.DNS_ZONE,
        )
    )
    net = ctx.spec.network
    if net is not None:
        _link_step(ctx, "registry.dns_link.spoke", net.vnet.name, ctx.vnet_id, "network.vnet")
    if ctx.hub and ctx.spec.hub is not None:
        _link_step(
            ctx, "registry.dns_link.hub", ctx.spec.hub.vnet.name, ctx.hub_vnet_id, "hub.vnet"
        )
    if ctx.has("registry.private_endpoint"):
        name = ctx.registry_name
        _record_step(
            ctx,
            "registry.dns_record.registry",
            name,
            "${REGISTRY_NAME}",
            "REGISTRY_PRIVATE_IP",
            "registry_ip",
            "registry",
        )
        _record_step(
            ctx,
            "registry.dns_record.data",
            f"{name}.{ctx.spec.location}.data",
            "${REGISTRY_NAME}.${LOCATION}.data",
            "DATA_ENDPOINT_PRIVATE_IP",
            "data_ip",
            "data endpoint",
        )
