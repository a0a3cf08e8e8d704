"""Actions and reads: provider registration, cluster updates, node-image upgrades, cluster.read.

- Provider registration: GET the provider; `Registered` is `unchanged` (one cheap read); else
  POST register (its answer is the first state) and poll until `Registered`
  (:func:`registration_poll_delay`).
- Cluster update (`action/update-managed-cluster`): GET the cluster, and if it already has every
  value of the step's partial body, `unchanged`; else merge the body into it and PUT it back (the
  SDK has no PATCH for clusters), as a `ManagedCluster` model so read-only fields stay out.
- Node-image upgrade: every pool, one after another (AKS refuses a second operation while one
  runs on the cluster), each awaited, progress per pool. Azure does not say whether nodes were
  reimaged since the bootstrap profile last changed, so the step reimages when the update it
  depends on changed the cluster in this run (or in an earlier segment of a resumed run), waits
  for any upgrade still running, and otherwise reports `unchanged` without touching the nodes.
  One exception, in a migration: a cluster that `cluster.read` found half-migrated (Cache, outbound
  not yet none/block) is reimaged even if the Cache update changed nothing, because nodes may
  still run Direct-bootstrapped images and removing egress would strand them (logged as such).
- Kubernetes version `{"pick": "newest-supported", "minimum": "1.30"}`: the newest non-preview
  patch in the location at or above the minimum; an existing cluster keeps its version.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from aksiso_tui.azure.arm_id import parse
from aksiso_tui.azure.compare import differences
from aksiso_tui.azure.outputs import cluster_outputs, props
from aksiso_tui.engine import StepContext, StepError, StepOutcome, StepStatus
from aksiso_tui.plan import kinds
from aksiso_tui.plan.model import Step

if TYPE_CHECKING:
    from aksiso_tui.azure.executor import AzureExecutor

Json = dict[str, Any]
BUSY_POOL_STATES = {"upgradingnodeimageversion", "upgrading", "updating", "creating", "scaling"}


def _wire(obj: Any) -> Json:
    from aksiso_tui.azure.resources import to_wire

    return to_wire(obj)


# -- providers ---------------------------------------------------------------------------
async def provider_state(executor: AzureExecutor, namespace: str) -> str:
    provider = await executor.factory.get("resource").providers.get(namespace)
    return str(getattr(provider, "registration_state", "") or "")


async def register_provider(executor: AzureExecutor, step: Step, ctx: StepContext) -> StepOutcome:
    namespace = ctx.params["namespace"]
    ctx.operation(f"GET {step.resource_id}")
    state = await provider_state(executor, namespace)
    if state == "Registered":
        return StepOutcome(StepStatus.UNCHANGED, {"state": state})
    ctx.operation(f"POST {step.resource_id}/register")
    loop = asyncio.get_running_loop()
    started = loop.time()
    provider = await executor.factory.get("resource").providers.register(namespace)
    state = str(getattr(provider, "registration_state", "") or "")
    polls = 0
    while True:
        if state == "Registered":
            return StepOutcome(StepStatus.SUCCEEDED, {"state": state})
        if state not in ("Registering", "NotRegistered", "Unregistered", ""):
            raise StepError("ProviderRegistrationFailed", f"{namespace} is {state}")
        polls += 1
        ctx.progress(f"{namespace}: {state or 'registering'} (poll {polls})")
        await asyncio.sleep(registration_poll_delay(executor.poll_s, loop.time() - started))
        state = await provider_state(executor, namespace)


def registration_poll_delay(poll_s: float, elapsed: float) -> float:
    """Seconds until the next provider poll. ARM gives no hint for registrations, so poll every
    `poll_s` at first, then every eighth of the time spent so far (capped at 60 s): a poll lands
    at most ~12% after the registration finished, and a long one costs a few dozen GETs, not one
    per `poll_s`."""
    return min(max(poll_s, 0.01, elapsed / 8), max(poll_s, 60.0))


# -- cluster read / version --------------------------------------------------------------
async def get_cluster(executor: AzureExecutor, step: Step, ctx: StepContext) -> Json:
    from aksiso_tui.azure.executor import resource_id

    rid = resource_id(step, ctx)
    ctx.operation(f"GET {rid}")
    cluster = await executor.settled(rid, step, ctx)
    if cluster is None:
        raise StepError(
            "ResourceNotFound",
            f"the cluster {rid.rsplit('/', 1)[-1]} does not exist in resource group "
            f"{parse(rid).resource_group}",
            "Check cluster.name and resource_group in the config (and the subscription).",
        )
    return cluster


async def read_step(executor: AzureExecutor, step: Step, ctx: StepContext) -> StepOutcome:
    cluster = await get_cluster(executor, step, ctx)
    out = await cluster_outputs(executor.factory, cluster, step.outputs)
    outputs = {name: out.get(name) for name in step.outputs if name != "id"}
    outputs["id"] = cluster.get("id")
    return StepOutcome(StepStatus.UNCHANGED, outputs)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split(".") if p.isdigit())


async def pick_kubernetes_version(
    executor: AzureExecutor, step: Step, ctx: StepContext, desired: Json, actual: Json | None
) -> Json:
    """Fill `kubernetesVersion` (and the pools' `orchestratorVersion`) when the plan says pick."""
    pick = ctx.params.get("kubernetes_version")
    if not isinstance(pick, dict):
        return desired
    if actual is not None:
        version = props(actual).get("kubernetesVersion") or props(actual).get(
            "currentKubernetesVersion"
        )
        ctx.log("info", f"the cluster exists on Kubernetes {version}; keeping that version")
    else:
        minimum = str(pick.get("minimum") or "0")
        location = str(desired.get("location") or "")
        ctx.operation(
            f"GET {step.resource_id.split('/resourceGroups/')[0]}/providers/"
            f"Microsoft.ContainerService/locations/{location}/kubernetesVersions"
        )
        listing = await executor.factory.get(
            "containerservice"
        ).managed_clusters.list_kubernetes_versions(location)
        candidates: list[str] = []
        for minor in _wire(listing).get("values") or []:
            if minor.get("isPreview"):
                continue
            for patch in minor.get("patchVersions") or {}:
                if _version_key(patch) >= _version_key(minimum):
                    candidates.append(patch)
        if not candidates:
            raise StepError(
                "NoSupportedKubernetesVersion",
                f"no supported Kubernetes version >= {minimum} in {location}",
                "Set cluster.kubernetes_version, or choose another location.",
            )
        version = max(candidates, key=_version_key)
        ctx.log("info", f"picked Kubernetes {version} (newest supported >= {minimum})")
    body = dict(desired)
    properties = dict(body.get("properties") or {})
    properties["kubernetesVersion"] = version
    pools = []
    for pool in properties.get("agentPoolProfiles") or []:
        pools.append({**pool, "orchestratorVersion": version} if actual is None else pool)
    if pools:
        properties["agentPoolProfiles"] = pools
    body["properties"] = properties
    return body


# -- cluster updates -----------------------------------------------------------------------
async def update_cluster(executor: AzureExecutor, step: Step, ctx: StepContext) -> StepOutcome:
    from aksiso_tui.azure.executor import as_model, merge
    from aksiso_tui.azure.resources import write

    cluster = await get_cluster(executor, step, ctx)
    partial = ctx.body or {}
    diffs = differences(partial, cluster)
    outputs = {"id": cluster.get("id")}
    if not diffs:
        ctx.log("info", "the cluster already has these settings")
        return StepOutcome(StepStatus.UNCHANGED, outputs)
    ctx.log("info", f"changing {', '.join(diffs)}")
    merged = merge({k: v for k, v in cluster.items() if k not in ("systemData", "etag")}, partial)
    ctx.operation(f"PUT {cluster['id']}")
    ctx.progress("AKS is updating the cluster")
    result = await write(
        executor.factory, cluster["id"], as_model(kinds.MANAGED_CLUSTER, merged), step.api_version
    )
    if str(props(result).get("provisioningState", "")).lower() == "failed":
        raise StepError("ProvisioningFailed", "the cluster update ended in state Failed")
    return StepOutcome(StepStatus.SUCCEEDED, outputs)


async def verify_update(
    executor: AzureExecutor, step: Step, ctx: StepContext
) -> StepOutcome | None:
    cluster = await get_cluster(executor, step, ctx)
    if differences(ctx.body or {}, cluster):
        ctx.log("info", "the cluster no longer has these settings; updating it again")
        return None
    return StepOutcome(StepStatus.UNCHANGED, {"id": cluster.get("id")})


# -- node image upgrade ------------------------------------------------------------------
async def _pools(executor: AzureExecutor, step: Step, ctx: StepContext) -> list[str]:
    names = ctx.params.get("pools")
    if isinstance(names, list) and names:
        return [str(n) for n in names]
    cluster = await get_cluster(executor, step, ctx)
    return [p["name"] for p in props(cluster).get("agentPoolProfiles") or []]


async def _pool_state(executor: AzureExecutor, rid: str, pool: str) -> str:
    aid = parse(rid)
    ops = executor.factory.get("containerservice").agent_pools
    found = await ops.get(aid.resource_group, aid.name, pool)
    return str(getattr(found, "provisioning_state", "") or "")


async def wait_pools_idle(executor: AzureExecutor, step: Step, ctx: StepContext) -> list[str]:
    """Wait for node-image upgrades still running (a killed run's); returns the pools that were."""
    waited: list[str] = []
    for pool in await _pools(executor, step, ctx):
        ctx.operation(f"GET {step.resource_id}/agentPools/{pool}")
        state = await _pool_state(executor, step.resource_id, pool)
        while state.lower() in BUSY_POOL_STATES:
            if pool not in waited:
                waited.append(pool)
                ctx.log("info", f"pool {pool}: an earlier operation is still running ({state})")
            ctx.progress(f"pool {pool}: waiting for {state}")
            await asyncio.sleep(max(executor.poll_s, 0.01))
            state = await _pool_state(executor, step.resource_id, pool)
        if state.lower() == "failed":
            raise StepError(
                "AgentPoolFailed",
                f"pool {pool} is in state Failed",
                "Look at the pool's last operation in the portal (az aks nodepool show), fix "
                "it, then resume the run.",
            )
    return waited


def half_migrated(params: Json) -> bool:
    """A migrate plan's reimage found the cluster with Cache but outbound not yet none/block."""
    if "found_artifact_source" not in params:
        return False
    source = str(params.get("found_artifact_source") or "").lower()
    outbound = str(params.get("found_outbound_type") or "").lower()
    return source == "cache" and outbound not in ("none", "block")


async def node_image_upgrade(executor: AzureExecutor, step: Step, ctx: StepContext) -> StepOutcome:
    aid = parse(step.resource_id)
    pools = await _pools(executor, step, ctx)
    finished = await wait_pools_idle(executor, step, ctx)
    needed = any(executor.changed_earlier(dep) for dep in step.depends_on)
    if not needed and half_migrated(ctx.params):
        needed = True
        ctx.log(
            "warning",
            "the cluster was found half-migrated (artifact source Cache, outbound type "
            f"{ctx.params.get('found_outbound_type') or 'unset'}); Azure does not say whether "
            "its nodes were reimaged since the switch to Cache, so every pool is reimaged now, "
            "before egress is removed",
        )
    if not needed:
        ctx.log(
            "info",
            "the cluster update before this step changed nothing, so the nodes already run "
            "with these settings; not reimaging (if an earlier run stopped before reimaging, "
            "resume that run, or run `az aks upgrade --node-image-only`).",
        )
        return StepOutcome(StepStatus.UNCHANGED, {"pools": pools})
    ops = executor.factory.get("containerservice").agent_pools
    todo = [p for p in pools if p not in finished]
    for i, pool in enumerate(todo):
        ctx.operation(f"POST {step.resource_id}/agentPools/{pool}/upgradeNodeImageVersion")
        ctx.progress(f"reimaging pool {pool} ({i + 1} of {len(todo)})", i / max(len(todo), 1))
        poller = await ops.begin_upgrade_node_image_version(aid.resource_group, aid.name, pool)
        await poller.result()
        ctx.log("info", f"pool {pool}: node image upgrade finished")
    ctx.progress("every pool reimaged", 1.0)
    return StepOutcome(StepStatus.SUCCEEDED, {"pools": pools})
