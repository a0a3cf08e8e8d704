"""Moving an existing cluster into network isolation, or out of it, in the order AKS requires.

Migrate (AZURE_FACTS, "Migrating an existing cluster"): prepare the registry path, switch the
artifact source to Cache (with the registry id), reimage every node pool and wait for all of them,
and only then set the outbound type. Cache and `none` in one update is rejected with
`InvalidNetworkIsolatedClusterConfiguration`. Changing the registry of an already isolated cluster
is the same path: the outbound step then finds nothing to change and reports `unchanged`.
A cluster found half-migrated (Cache, outbound not yet none/block) is reimaged even when the
Cache update has nothing left to change (`aksiso_tui.preflight.stage` says why).

Disable: artifact source Direct and the chosen outbound type in one update, then reimage.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import PREVIEW_API_VERSION, Ctx
from aksiso_tui.plan.create import provider_step
from aksiso_tui.plan.model import Area, Operation, Ref, Step
from aksiso_tui.plan.registry import REGISTRY_PATH

_CLUSTER = "--resource-group ${RESOURCE_GROUP} --name ${AKS_NAME}"
READ_OUTPUTS = (
    "id",
    "kubelet_object_id",
    "node_subnet_id",
    "pools",
    "node_resource_group",
    "outbound_type",
    "artifact_source",
)
REIMAGE_DISRUPTION = (
    "Every node is cordoned, drained and reimaged, a few at a time as the pools' surge settings "
    "allow; pods are evicted and rescheduled on other nodes, so workloads without spare replicas "
    "or a PodDisruptionBudget see downtime."
)


def add_cluster_read(ctx: Ctx) -> None:
    az = [f'az aks show {_CLUSTER} --query "agentPoolProfiles[].name" --output tsv']
    if ctx.byo:
        az.append(
            f"KUBELET_IDENTITY_PRINCIPAL_ID=$(az aks show {_CLUSTER}"
            " --query identityProfile.kubeletidentity.objectId --output tsv)"
        )
    ctx.add(
        Step(
            id="cluster.read",
            title=f"Read the existing cluster {ctx.spec.cluster.name}",
            kind=kinds.MANAGED_CLUSTER,
            resource_id=ctx.cluster_id,
            area=Area.CLUSTER,
            operation=Operation.READ,
            az=tuple(az),
            estimate_s=estimates.CLUSTER_READ,
            outputs=READ_OUTPUTS,
        )
    )


def _update_step(
    ctx: Ctx,
    step_id: str,
    title: str,
    properties: dict[str, Any],
    az_args: str,
    depends_on: tuple[str, ...],
    **kw: Any,
) -> None:
    ctx.add(
        Step(
            id=step_id,
            title=title,
            kind=kinds.UPDATE_CLUSTER,
            resource_id=ctx.cluster_id,
            area=Area.CLUSTER,
            operation=Operation.ACTION,
            depends_on=depends_on,
            body={"properties": properties},
            az=(f"az aks update {_CLUSTER} {az_args}",),
            estimate_s=estimates.CLUSTER_UPDATE,
            **kw,
        )
    )


def add_reimage(ctx: Ctx, after: str, *, migrate: bool = False) -> None:
    """The node-image upgrade after `after`. For a migration it also gets the state
    `cluster.read` found, so a cluster found half-migrated (Cache, outbound not yet none/block)
    is reimaged even when the Cache update has nothing left to change."""
    params: dict[str, Any] = {"pools": Ref("cluster.read", "pools"), "wait_for": "all"}
    if migrate:
        params["found_artifact_source"] = Ref("cluster.read", "artifact_source")
        params["found_outbound_type"] = Ref("cluster.read", "outbound_type")
    ctx.add(
        Step(
            id="cluster.reimage",
            title="Reimage every node pool (node image only) and wait for all of them",
            kind=kinds.NODE_IMAGE_UPGRADE,
            resource_id=ctx.cluster_id,
            area=Area.CLUSTER,
            operation=Operation.ACTION,
            depends_on=(after,),
            az=(f"az aks upgrade {_CLUSTER} --node-image-only --yes",),
            estimate_s=estimates.REIMAGE_PER_POOL,
            params=params,
            disruptive=REIMAGE_DISRUPTION,
            note="Nodes keep pulling the old way until they are reimaged. The estimate is for one "
            "pool; pools are upgraded one after another.",
        )
    )


def add_migrate(ctx: Ctx) -> None:
    """cluster.bootstrap_cache -> cluster.reimage -> cluster.outbound (cluster.read comes first)."""
    bootstrap: dict[str, Any] = {"artifactSource": "Cache"}
    az_args = "--bootstrap-artifact-source Cache"
    if ctx.byo:
        bootstrap["containerRegistryId"] = ctx.registry_id
        az_args += " --bootstrap-container-registry-resource-id ${REGISTRY_ID}"
    _update_step(
        ctx,
        "cluster.bootstrap_cache",
        "Switch the artifact source to Cache"
        + (f" (registry {ctx.registry_name})" if ctx.byo else " (AKS-managed registry)"),
        {"bootstrapProfile": bootstrap},
        az_args,
        ctx.deps("cluster.read", provider_step("Microsoft.ContainerRegistry"), *REGISTRY_PATH),
        note="Never together with the outbound type: AKS rejects Cache and none/block in one "
        "update (InvalidNetworkIsolatedClusterConfiguration). A new registry id is ignored "
        "unless artifactSource Cache is sent with it.",
    )
    add_reimage(ctx, "cluster.bootstrap_cache", migrate=True)
    outbound = ctx.spec.outbound.value
    _update_step(
        ctx,
        "cluster.outbound",
        f"Set the outbound type to {outbound}",
        {"networkProfile": {"outboundType": outbound}},
        f"--outbound-type {outbound}",
        ("cluster.reimage",),
        api_version=PREVIEW_API_VERSION if ctx.block else None,
        disruptive="The cluster's outbound path is removed: workloads lose internet egress; "
        "only the private registry path (and your own egress, if any) remains.",
        note="Only after every pool is reimaged: nodes must bootstrap from the cache first."
        + (" `block` is preview (api-version " + PREVIEW_API_VERSION + ")." if ctx.block else ""),
    )


def add_disable(ctx: Ctx) -> None:
    outbound = ctx.spec.outbound_after_disable.value
    _update_step(
        ctx,
        "cluster.disable",
        f"Set the artifact source to Direct and the outbound type to {outbound}",
        {
            "bootstrapProfile": {"artifactSource": "Direct"},
            "networkProfile": {"outboundType": outbound},
        },
        f"--bootstrap-artifact-source Direct --outbound-type {outbound}",
        ("cluster.read",),
        note="One update, as AKS documents it. Some clusters answer "
        "BootstrapArtifactSourceNotAllowed "
        "(\"cannot be changed from 'Cache' to 'Direct'\"): the step fails with that error and "
        "advice; nothing is hidden or retried.",
    )
    add_reimage(ctx, "cluster.disable")
