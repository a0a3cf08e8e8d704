"""The checks that end a run: the cluster's settings, and kubectl through AKS run command.

`verify/managed-cluster` GETs the cluster and compares the dotted fields of `params["expect"]`.
`verify/run-command` runs `params["commands"]` through `managed_clusters.begin_run_command`
(every command and its output go to the step's log): all but the last once, then the last one
(a `kubectl get pods`) until the pod reaches a state that answers the check, since a pod just
created is `ContainerCreating`/`ErrImagePull` for a while before it is `Running` or in
`ImagePullBackOff`. A failed check is a StepError carrying kubectl's output and a fix naming the
piece of the network path most likely broken.

A passing check reports `unchanged`: it changed no Azure resource (the test pods it starts live
inside the cluster), so a re-run of a finished plan reports every step unchanged, checks included.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from aksiso_tui.azure.arm_id import parse
from aksiso_tui.azure.compare import differences
from aksiso_tui.azure.outputs import get_path
from aksiso_tui.engine import StepContext, StepError, StepOutcome, StepStatus
from aksiso_tui.plan.model import Step

if TYPE_CHECKING:
    from aksiso_tui.azure.executor import AzureExecutor

Json = dict[str, Any]
TRANSITIONAL = {"pending", "containercreating", "errimagepull", "podinitializing", "terminating"}
CHECKS_WHILE_TRANSITIONAL = 8
CHECKS_WHILE_WRONG = 3
VERIFICATION_FAILED = "VerificationFailed"

FIX_NO_NODES = (
    "No node joined the cluster, so nothing runs: nodes could not bootstrap (vmssCSE exit status "
    "50). With artifact source Cache, check the registry path: cache rule aks-managed-mcr, the "
    "private endpoint, both A records (<registry> and <registry>.<region>.data) in "
    "privatelink.azurecr.io linked to the cluster VNet, and AcrPull for the kubelet identity."
)
FIX_EGRESS_OPEN = (
    "Docker Hub is reachable, so the cluster has an internet egress path: check "
    "networkProfile.outboundType (none/block), that no node pool has public IPs, and that no "
    "route sends 0.0.0.0/0 to a firewall that allows docker.io."
)
FIX_FIREWALL_PATH = (
    "Docker Hub should be reachable through the hub firewall but is not: check the route table on "
    "the AKS subnet (0.0.0.0/0 -> the firewall's private IP, next hop VirtualAppliance), the "
    "peerings both ways with forwarded traffic allowed, and the firewall's application rule for "
    "auth.docker.io, registry-1.docker.io and production.cloudflare.docker.com."
)
FIX_CACHE_PATH = (
    "Images from MCR are pulled through the registry cache and that path is broken: check the "
    "cache rule aks-managed-mcr (mcr.microsoft.com/* -> aks-managed-repository/*), the private "
    "endpoint, both A records (<registry> and <registry>.<region>.data) in privatelink.azurecr.io "
    "linked to the cluster VNet, AcrPull for the kubelet identity on the registry, and that every "
    "node pool was reimaged after the artifact source changed."
)


async def verify_cluster(executor: AzureExecutor, step: Step, ctx: StepContext) -> StepOutcome:
    from aksiso_tui.azure.actions import get_cluster

    cluster = await get_cluster(executor, step, ctx)
    problems = []
    for path, want in (ctx.params.get("expect") or {}).items():
        have = get_path(cluster.get("properties") or {}, path)
        ok = not differences(want, have, path) if have is not None else want is None
        ctx.log("info" if ok else "error", f"{path} = {have!r} (expected {want!r})")
        if not ok:
            problems.append(f"{path} is {have!r}, expected {want!r}")
    if problems:
        raise StepError(
            VERIFICATION_FAILED,
            "the cluster's settings are not what the plan set: " + "; ".join(problems),
            "Another tool (or a person) changed the cluster meanwhile, or the update was refused "
            "silently; run apply again, and read the cluster's activity log.",
        )
    return StepOutcome(StepStatus.UNCHANGED, {})


async def run_command(executor: AzureExecutor, step: Step, ctx: StepContext, command: str) -> str:
    """Run one command on the cluster; log it and its output; return the output."""
    aid = parse(step.resource_id)
    ops = executor.factory.get("containerservice").managed_clusters
    ctx.operation(f"POST {step.resource_id}/runCommand")
    ctx.log("info", f"$ {command}")
    poller = await ops.begin_run_command(aid.resource_group, aid.name, {"command": command})
    result = await poller.result()
    from aksiso_tui.azure.resources import to_wire

    data = to_wire(result)
    p = data.get("properties") or data
    logs = str(p.get("logs") or "")
    for line in logs.rstrip("\n").splitlines():
        ctx.log("info", f"  {line}")
    # AKS answers "Succeeded" once the command ran, whatever kubectl returned: kubectl's own
    # result is in exitCode ("failed" means the command could not run at all).
    state = str(p.get("provisioningState") or "").lower()
    exit_code = p.get("exitCode")
    if state == "failed" or (exit_code not in (None, 0)):
        ctx.log("warning", f"exit code {exit_code}: {p.get('reason') or 'command failed'}")
    return logs


def parse_table(output: str) -> list[Json]:
    """kubectl's table output as rows keyed by lower-case column name."""
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines or not lines[0].lstrip().startswith(("NAME", "NAMESPACE")):
        return []
    headers = [h.lower() for h in lines[0].split()]
    return [dict(zip(headers, line.split(), strict=False)) for line in lines[1:]]


def _judge(expect: Json, rows: list[Json]) -> tuple[str, str]:
    """('pass' | 'wait' | 'fail', what was seen)."""
    if "all" in expect:
        if not rows:
            return "wait", "no pods"
        bad = [r for r in rows if r.get("status", "").lower() != str(expect["all"]).lower()]
        if not bad:
            return "pass", f"{len(rows)} pods {expect['all']}"
        seen = ", ".join(f"{r.get('name')} {r.get('status')}" for r in bad[:5])
        transitional = all(r.get("status", "").lower() in TRANSITIONAL for r in bad)
        return ("wait" if transitional else "fail"), seen
    pod = str(expect.get("pod"))
    row = next((r for r in rows if r.get("name") == pod), None)
    if row is None:
        return "wait", f"pod {pod} not listed"
    status = row.get("status", "")
    if status.lower() == str(expect.get("status", "")).lower():
        return "pass", f"pod {pod} {status}"
    return ("wait" if status.lower() in TRANSITIONAL else "wrong"), f"pod {pod} {status}"


def _fix_for(step: Step, expect: Json, seen: str) -> str:
    if "all" in expect or "pending" in seen.lower():
        return FIX_NO_NODES
    if str(expect.get("status", "")).lower() == "imagepullbackoff":
        return FIX_EGRESS_OPEN
    image = " ".join(step.params.get("commands") or [])
    if "mcr.microsoft.com" in image:
        return FIX_CACHE_PATH
    return FIX_FIREWALL_PATH


async def verify_run_command(executor: AzureExecutor, step: Step, ctx: StepContext) -> StepOutcome:
    commands = [str(c) for c in ctx.params.get("commands") or []]
    expect: Json = ctx.params.get("expect") or {}
    if not commands:
        raise StepError("InvalidStep", f"{step.id} has no commands to run")
    for command in commands[:-1]:
        await run_command(executor, step, ctx, command)
    wrong = transitional = 0
    while True:
        output = await run_command(executor, step, ctx, commands[-1])
        verdict, seen = _judge(expect, parse_table(output))
        if verdict == "pass":
            ctx.log("info", f"as expected: {seen}")
            return StepOutcome(StepStatus.UNCHANGED, {"observed": seen})
        if verdict == "wrong":
            wrong += 1
        else:
            transitional += 1
        if (
            verdict == "fail"
            or wrong >= CHECKS_WHILE_WRONG
            or (transitional >= CHECKS_WHILE_TRANSITIONAL)
        ):
            want = (
                f"every pod {expect['all']}"
                if "all" in expect
                else f"pod {expect.get('pod')} {expect.get('status')}"
            )
            raise StepError(
                VERIFICATION_FAILED,
                f"expected {want}, saw {seen}.\n$ {commands[-1]}\n{output.rstrip()}",
                _fix_for(step, expect, seen),
            )
        ctx.progress(f"waiting: {seen}")
        await asyncio.sleep(max(executor.poll_s, 0.01) * 2)
