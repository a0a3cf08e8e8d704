"""The last steps: prove the cluster is what the plan says, as seed 000 does.

`verify.show` reads `outboundType` and `bootstrapProfile.artifactSource` back; the run-command
checks list the system pods, try an image from Docker Hub (it must fail to pull, unless the
operator deliberately allowed Docker Hub through a hub firewall) and an image from MCR (it must run
through the registry's cache). Each check's expected outcome is in `Step.params["expect"]`.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.plan import estimates, kinds
from aksiso_tui.plan.context import Ctx
from aksiso_tui.plan.firewall_rules import allows_docker_hub
from aksiso_tui.plan.model import Area, Operation, Step
from aksiso_tui.spec import Scenario

_CLUSTER = "--resource-group ${RESOURCE_GROUP} --name ${AKS_NAME}"
MCR_IMAGE = "mcr.microsoft.com/azurelinux/base/nginx:1.25"
EGRESS_PATH = (
    "hub.route.default",
    "hub.peering.spoke_to_hub",
    "hub.peering.hub_to_spoke",
    "hub.rules.aks",
    "hub.rules.allowed",
)
"""What the Docker Hub check's outcome depends on when a hub firewall is the egress path."""


def _invoke(command: str) -> str:
    return f'az aks command invoke {_CLUSTER} --command "{command}"'


def _run_step(
    ctx: Ctx, step_id: str, title: str, commands: list[str], expect: dict[str, Any], deps: tuple
) -> None:
    ctx.add(
        Step(
            id=step_id,
            title=title,
            kind=kinds.VERIFY_RUN_COMMAND,
            resource_id=ctx.cluster_id,
            area=Area.VERIFICATION,
            operation=Operation.VERIFY,
            depends_on=deps,
            az=tuple(_invoke(c) for c in commands),
            estimate_s=estimates.run_commands(len(commands)),
            params={"commands": commands, "expect": expect},
        )
    )


def add_verification(ctx: Ctx, after: str) -> None:
    spec = ctx.spec
    if spec.scenario is Scenario.DISABLE:
        expect = {
            "networkProfile.outboundType": spec.outbound_after_disable.value,
            "bootstrapProfile.artifactSource": "Direct",
        }
    else:
        expect = {
            "networkProfile.outboundType": spec.outbound.value,
            "bootstrapProfile.artifactSource": "Cache",
        }
        if ctx.byo:
            expect["bootstrapProfile.containerRegistryId"] = ctx.registry_id
    ctx.add(
        Step(
            id="verify.show",
            title="Check outboundType and bootstrapProfile.artifactSource",
            kind=kinds.VERIFY_CLUSTER,
            resource_id=ctx.cluster_id,
            area=Area.VERIFICATION,
            operation=Operation.VERIFY,
            depends_on=(after,),
            az=(
                f'az aks show {_CLUSTER} --query "{{outboundType: networkProfile.outboundType,'
                ' artifactSource: bootstrapProfile.artifactSource}" --output json',
            ),
            estimate_s=estimates.VERIFY_SHOW,
            params={"expect": expect},
        )
    )
    if spec.scenario is Scenario.DISABLE:
        return
    _run_step(
        ctx,
        "verify.system_pods",
        "Check that every system pod is Running",
        ["kubectl get pods -n kube-system"],
        {"namespace": "kube-system", "all": "Running"},
        (after,),
    )
    docker_ok = allows_docker_hub(ctx)
    _run_step(
        ctx,
        "verify.dockerhub_blocked",
        "Check that an image from Docker Hub runs (allowed through the hub firewall)"
        if docker_ok
        else "Check that an image from Docker Hub cannot be pulled (ImagePullBackOff)",
        [
            "kubectl delete pod nginx --ignore-not-found",
            "kubectl run nginx --image=nginx",
            "kubectl get pods",
        ],
        {"pod": "nginx", "status": "Running" if docker_ok else "ImagePullBackOff"},
        ctx.deps("verify.system_pods", *EGRESS_PATH),
    )
    _run_step(
        ctx,
        "verify.mcr_runs",
        "Check that an image from MCR runs through the registry cache",
        [
            "kubectl delete pod nginx-mcr --ignore-not-found",
            f"kubectl run nginx-mcr --image={MCR_IMAGE}",
            "kubectl get pods",
        ],
        {"pod": "nginx-mcr", "status": "Running"},
        ("verify.system_pods",),
    )
