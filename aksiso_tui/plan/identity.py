"""User-assigned identities of the control plane and the kubelet, and the roles they need.

AKS needs a known control-plane identity before it exists when it uses a custom VNet (Network
Contributor on the subnets) and a kubelet identity that can pull from a BYO registry (AcrPull,
scoped to the registry). The `az` CLI creates Network Contributor and Managed Identity Operator
itself during `aks create`; the plan creates them explicitly, under deterministic names, so that
re-runs are idempotent and the engine can retry `PrincipalNotFound` on a fresh identity.
"""

from __future__ import annotations

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import Ctx
from aksiso_tui.plan.create import provider_step
from aksiso_tui.plan.ids import (
    ROLE_ACR_PULL,
    ROLE_MANAGED_IDENTITY_OPERATOR,
    ROLE_NAMES,
    ROLE_NETWORK_CONTRIBUTOR,
    Ids,
    role_assignment_name,
)
from aksiso_tui.plan.model import Area, Ref, Step
from aksiso_tui.spec import Scenario

IDENTITY_OUTPUTS = ("id", "principal_id", "client_id")


def add_identities(ctx: Ctx) -> None:
    if not ctx.user_assigned or ctx.scenario is not Scenario.CREATE:
        return
    for step_id, name, var, what in (
        ("identity.control_plane", ctx.control_plane_name, "CLUSTER", "control plane"),
        ("identity.kubelet", ctx.kubelet_name, "KUBELET", "kubelet"),
    ):
        show = (
            f"az identity show --name ${{{var}_IDENTITY_NAME}} --resource-group ${{RESOURCE_GROUP}}"
        )
        ctx.add(
            Step(
                id=step_id,
                title=f"Create the {what} identity {name}",
                kind=kinds.IDENTITY,
                resource_id=ctx.ids.identity(ctx.rg, name),
                area=Area.IDENTITY,
                depends_on=ctx.deps("group", provider_step("Microsoft.ManagedIdentity")),
                body={"location": ctx.spec.location},
                az=(
                    f"az identity create --name ${{{var}_IDENTITY_NAME}}"
                    " --resource-group ${RESOURCE_GROUP}",
                    f"{var}_IDENTITY_RESOURCE_ID=$({show} --query 'id' -o tsv)",
                    f"{var}_IDENTITY_PRINCIPAL_ID=$({show} --query 'principalId' -o tsv)",
                ),
                estimate_s=estimates.IDENTITY,
                outputs=IDENTITY_OUTPUTS,
            )
        )


def role_step(
    ctx: Ctx,
    step_id: str,
    title: str,
    *,
    scope: str,
    scope_var: str,
    role: str,
    principal: Ref,
    principal_var: str,
    assignee: str,
    depends_on: tuple[str, ...],
) -> Step:
    """A role assignment named uuid5(scope, role, assignee identity resource id)."""
    name = role_assignment_name(scope, role, assignee)
    return ctx.add(
        Step(
            id=step_id,
            title=title,
            kind=kinds.ROLE_ASSIGNMENT,
            resource_id=Ids.role_assignment(scope, name),
            area=Area.IDENTITY,
            depends_on=depends_on,
            body={
                "properties": {
                    "roleDefinitionId": ctx.ids.role_definition(role),
                    "principalId": principal,
                    "principalType": "ServicePrincipal",
                }
            },
            az=(
                f'az role assignment create --role "{ROLE_NAMES[role]}" --scope ${{{scope_var}}}'
                f" --assignee-object-id ${{{principal_var}}}"
                f" --assignee-principal-type ServicePrincipal --name {name}",
            ),
            estimate_s=estimates.ROLE_ASSIGNMENT,
            outputs=("id",),
            params={"role": ROLE_NAMES[role]},
            note="principalType ServicePrincipal lets ARM skip the directory lookup of a fresh "
            "identity; the engine still retries PrincipalNotFound while it propagates.",
        )
    )


def add_roles(ctx: Ctx) -> None:
    if ctx.scenario is Scenario.CREATE and ctx.user_assigned:
        cp = Ref("identity.control_plane", "principal_id")
        role_step(
            ctx,
            "role.mi_operator",
            "Let the control plane assign the kubelet identity (Managed Identity Operator)",
            scope=ctx.kubelet_id,
            scope_var="KUBELET_IDENTITY_RESOURCE_ID",
            role=ROLE_MANAGED_IDENTITY_OPERATOR,
            principal=cp,
            principal_var="CLUSTER_IDENTITY_PRINCIPAL_ID",
            assignee=ctx.control_plane_id,
            depends_on=ctx.deps("identity.control_plane", "identity.kubelet"),
        )
        role_step(
            ctx,
            "role.network_contributor.aks_subnet",
            "Grant the control plane Network Contributor on the node subnet",
            scope=ctx.subnet_id("aks_subnet"),
            scope_var="SUBNET_ID",
            role=ROLE_NETWORK_CONTRIBUTOR,
            principal=cp,
            principal_var="CLUSTER_IDENTITY_PRINCIPAL_ID",
            assignee=ctx.control_plane_id,
            depends_on=ctx.deps("network.subnet.aks", "identity.control_plane"),
        )
        if ctx.has("network.subnet.apiserver"):
            role_step(
                ctx,
                "role.network_contributor.apiserver_subnet",
                "Grant the control plane Network Contributor on the API server subnet",
                scope=ctx.subnet_id("apiserver_subnet"),
                scope_var="APISERVER_SUBNET_ID",
                role=ROLE_NETWORK_CONTRIBUTOR,
                principal=cp,
                principal_var="CLUSTER_IDENTITY_PRINCIPAL_ID",
                assignee=ctx.control_plane_id,
                depends_on=ctx.deps("network.subnet.apiserver", "identity.control_plane"),
            )
    if ctx.byo and ctx.has("registry.acr"):
        if ctx.scenario is Scenario.CREATE:
            if not ctx.user_assigned:
                return  # BYO needs a custom VNet (validate.py); no kubelet identity to grant.
            principal = Ref("identity.kubelet", "principal_id")
            assignee = ctx.kubelet_id
            deps = ctx.deps("registry.acr", "identity.kubelet")
        else:
            # Migrate: the cluster's existing kubelet identity, known once the cluster is read.
            principal = Ref("cluster.read", "kubelet_object_id")
            assignee = f"{ctx.cluster_id}#kubelet"
            deps = ctx.deps("registry.acr", "cluster.read")
        role_step(
            ctx,
            "role.acrpull",
            f"Grant the kubelet identity AcrPull on {ctx.registry_name}",
            scope=ctx.registry_id,
            scope_var="REGISTRY_ID",
            role=ROLE_ACR_PULL,
            principal=principal,
            principal_var="KUBELET_IDENTITY_PRINCIPAL_ID",
            assignee=assignee,
            depends_on=deps,
        )
