"""Prerequisites: resource provider registrations and resource groups.

Providers are registered once per subscription; registering an already registered provider is a
no-op, so the steps are cheap to keep. No preview feature flag is registered: network isolated
clusters and API Server VNet Integration are GA, and `block` is reached through a preview
api-version (see the note on `cluster.create`).
"""

from __future__ import annotations

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import PROVIDERS, Ctx
from aksiso_tui.plan.model import Area, Operation, Step


def provider_step(namespace: str) -> str:
    return f"providers.register.{namespace}"


def add_providers(ctx: Ctx) -> None:
    for namespace in PROVIDERS:
        ctx.add(
            Step(
                id=provider_step(namespace),
                title=f"Register the resource provider {namespace}",
                kind=kinds.REGISTER_PROVIDER,
                resource_id=ctx.ids.provider(namespace),
                area=Area.PREREQUISITES,
                operation=Operation.ACTION,
                params={"namespace": namespace},
                az=(f"az provider register --namespace {namespace} --wait",),
                estimate_s=estimates.PROVIDER_REGISTER,
            )
        )


def add_groups(ctx: Ctx) -> None:
    ctx.add(
        Step(
            id="group",
            title=f"Create the resource group {ctx.rg}",
            kind=kinds.RESOURCE_GROUP,
            resource_id=ctx.ids.group(ctx.rg),
            area=Area.PREREQUISITES,
            body={"location": ctx.spec.location},
            az=("az group create --name ${RESOURCE_GROUP} --location ${LOCATION}",),
            estimate_s=estimates.RESOURCE_GROUP,
        )
    )
    if ctx.hub and ctx.hub_rg != ctx.rg:
        ctx.add(
            Step(
                id="group.hub",
                title=f"Create the hub resource group {ctx.hub_rg}",
                kind=kinds.RESOURCE_GROUP,
                resource_id=ctx.ids.group(ctx.hub_rg),
                area=Area.PREREQUISITES,
                body={"location": ctx.spec.location},
                az=("az group create --name ${HUB_RESOURCE_GROUP} --location ${LOCATION}",),
                estimate_s=estimates.RESOURCE_GROUP,
            )
        )


def hub_group(ctx: Ctx) -> str:
    """The step that creates the hub's resource group (the cluster's own when they are one)."""
    return "group.hub" if ctx.has("group.hub") else "group"
