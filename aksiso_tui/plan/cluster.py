"""`cluster.create`: the ManagedCluster PUT of a network isolated cluster, built profile by profile.

Like azure-cli's `aks create`, the body is filled by a chain of small `_set_up_<profile>` functions,
one per part of the ManagedCluster. The cluster waits for everything it references: its subnets
(with the route table already associated), its identities and the roles they need, and the whole
registry path — nodes bootstrap from the registry's cache, so a half-built path fails the create
with `vmssCSE ... exit status=50`.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import NODE_POOL, PREVIEW_API_VERSION, Ctx
from aksiso_tui.plan.create import provider_step
from aksiso_tui.plan.model import Area, Ref, Step
from aksiso_tui.plan.registry import REGISTRY_PATH

MIN_KUBERNETES = "1.30"
CLUSTER_OUTPUTS = (
    "id",
    "node_resource_group",
    "private_fqdn",
    "private_dns_zone",
    "principal_id",
    "kubelet_object_id",
)

BLOCK_NOTE = (
    "Outbound type `block` is preview: the cluster is written with api-version "
    f"{PREVIEW_API_VERSION}, and the az CLI needs the aks-preview extension. No feature flag is "
    "registered: NetworkIsolatedClusterPreview is retired since network isolated clusters went GA "
    "(2025-05). If ARM answers with a feature-not-registered error, register it and re-run."
)


def _set_up_identity(ctx: Ctx, mc: dict[str, Any]) -> None:
    if ctx.user_assigned:
        mc["identity"] = {
            "type": "UserAssigned",
            "userAssignedIdentities": {ctx.control_plane_id: {}},
        }
        mc["properties"]["identityProfile"] = {
            "kubeletidentity": {
                "resourceId": ctx.kubelet_id,
                "clientId": Ref("identity.kubelet", "client_id"),
                "objectId": Ref("identity.kubelet", "principal_id"),
            }
        }
    else:
        mc["identity"] = {"type": "SystemAssigned"}


def _set_up_version(ctx: Ctx, mc: dict[str, Any]) -> None:
    version = ctx.spec.cluster.kubernetes_version
    if version:
        mc["properties"]["kubernetesVersion"] = version


def _set_up_agent_pool(ctx: Ctx, mc: dict[str, Any]) -> None:
    pool: dict[str, Any] = {
        "name": NODE_POOL,
        "count": ctx.spec.cluster.node_count,
        "vmSize": ctx.spec.cluster.vm_size,
        "mode": "System",
        "osType": "Linux",
        "type": "VirtualMachineScaleSets",
        "enableNodePublicIP": False,
    }
    if ctx.custom_network:
        pool["vnetSubnetID"] = ctx.subnet_id("aks_subnet")
    version = ctx.spec.cluster.kubernetes_version
    if version:
        pool["orchestratorVersion"] = version
    mc["properties"]["agentPoolProfiles"] = [pool]


def _set_up_network(ctx: Ctx, mc: dict[str, Any]) -> None:
    profile: dict[str, Any] = {"networkPlugin": "azure", "outboundType": ctx.spec.outbound.value}
    if ctx.spec.cluster.service_cidr:
        profile["serviceCidr"] = ctx.spec.cluster.service_cidr
    if ctx.spec.cluster.dns_service_ip:
        profile["dnsServiceIP"] = ctx.spec.cluster.dns_service_ip
    mc["properties"]["networkProfile"] = profile


def _set_up_bootstrap(ctx: Ctx, mc: dict[str, Any]) -> None:
    profile: dict[str, Any] = {"artifactSource": "Cache"}
    if ctx.byo:
        profile["containerRegistryId"] = ctx.registry_id
    mc["properties"]["bootstrapProfile"] = profile


def _set_up_api_server(ctx: Ctx, mc: dict[str, Any]) -> None:
    profile: dict[str, Any] = {"enablePrivateCluster": True}
    if ctx.vnet_integration:
        profile["enableVnetIntegration"] = True
        if ctx.has("network.subnet.apiserver"):
            profile["subnetId"] = ctx.subnet_id("apiserver_subnet")
    mc["properties"]["apiServerAccessProfile"] = profile


def cluster_body(ctx: Ctx) -> dict[str, Any]:
    mc: dict[str, Any] = {
        "location": ctx.spec.location,
        "properties": {"dnsPrefix": ctx.dns_prefix},
    }
    for set_up in (
        _set_up_identity,
        _set_up_version,
        _set_up_agent_pool,
        _set_up_network,
        _set_up_bootstrap,
        _set_up_api_server,
    ):
        set_up(ctx, mc)
    return mc


def _az_create(ctx: Ctx) -> str:
    spec = ctx.spec
    args = ["az aks create --resource-group ${RESOURCE_GROUP} --name ${AKS_NAME}"]
    if spec.cluster.kubernetes_version:
        args.append(f"--kubernetes-version {spec.cluster.kubernetes_version}")
    args.append(f"--node-count {spec.cluster.node_count} --node-vm-size {spec.cluster.vm_size}")
    if ctx.custom_network:
        args.append("--vnet-subnet-id ${SUBNET_ID}")
    if ctx.user_assigned:
        args.append("--assign-identity ${CLUSTER_IDENTITY_RESOURCE_ID}")
        args.append("--assign-kubelet-identity ${KUBELET_IDENTITY_RESOURCE_ID}")
    args.append("--bootstrap-artifact-source Cache")
    if ctx.byo:
        args.append("--bootstrap-container-registry-resource-id ${REGISTRY_ID}")
    args.append(f"--outbound-type {spec.outbound.value} --network-plugin azure")
    if spec.cluster.service_cidr and spec.cluster.dns_service_ip:
        args.append(
            f"--service-cidr {spec.cluster.service_cidr}"
            f" --dns-service-ip {spec.cluster.dns_service_ip}"
        )
    args.append("--enable-private-cluster")
    if ctx.vnet_integration:
        args.append("--enable-apiserver-vnet-integration")
        if ctx.has("network.subnet.apiserver"):
            args.append("--apiserver-subnet-id ${APISERVER_SUBNET_ID}")
    return " ".join(args)


def add_cluster(ctx: Ctx) -> None:
    spec = ctx.spec
    depends_on = ctx.deps(
        "group",
        provider_step("Microsoft.ContainerService"),
        provider_step("Microsoft.ContainerRegistry"),
        "network.subnet.aks",
        "network.subnet.apiserver",
        "identity.control_plane",
        "identity.kubelet",
        "role.mi_operator",
        "role.network_contributor.aks_subnet",
        "role.network_contributor.apiserver_subnet",
        *REGISTRY_PATH,
    )
    notes = []
    params: dict[str, Any] = {}
    if not spec.cluster.kubernetes_version:
        params["kubernetes_version"] = {"pick": "newest-supported", "minimum": MIN_KUBERNETES}
        notes.append(
            "No Kubernetes version given: the engine picks the newest supported version >= "
            f"{MIN_KUBERNETES} in {spec.location} at apply time (the az script leaves it to AKS)."
        )
    if ctx.block:
        notes.append(BLOCK_NOTE)
    ctx.add(
        Step(
            id="cluster.create",
            title=f"Create the network isolated cluster {spec.cluster.name}"
            f" (outbound {spec.outbound.value}, artifact source Cache)",
            kind=kinds.MANAGED_CLUSTER,
            resource_id=ctx.cluster_id,
            area=Area.CLUSTER,
            depends_on=depends_on,
            body=cluster_body(ctx),
            az=(_az_create(ctx),),
            estimate_s=estimates.CLUSTER_CREATE,
            api_version=PREVIEW_API_VERSION if ctx.block else None,
            outputs=CLUSTER_OUTPUTS,
            params=params,
            note=" ".join(notes),
        )
    )
