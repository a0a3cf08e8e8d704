"""Agent pools of a managed cluster: stored as `agentPools` children, embedded in the cluster.

Per pool the emulator remembers (under `_emulator`, never shown) which artifact source and
registry its nodes booted with and whether they joined: a bootstrapProfile change only reaches
a pool after `upgradeNodeImageVersion`, so images fail until nodes are reimaged, and outbound
`none`/`block` is refused while a pool still runs nodes booted Direct
(`InvalidNetworkIsolatedClusterConfiguration`). Nodes that cannot bootstrap make the create,
scale or reimage operation fail with `OutboundConnFailVMExtensionError` (vmssCSE exit status 50).
"""

from __future__ import annotations

import copy
from typing import Any

from aksiso_tui.emulator import aks_versions
from aksiso_tui.emulator.aks_body import CACHE
from aksiso_tui.emulator.aks_errors import RuleError
from aksiso_tui.emulator.aks_rules import validate_managed_cluster
from aksiso_tui.emulator.context import Ctx, Reply
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.providers import aks_infra as infra
from aksiso_tui.emulator.providers.aks_infra import EMU
from aksiso_tui.netpath import netsim
from aksiso_tui.netpath.aks_lookup import props

POOLS = "Microsoft.ContainerService/managedClusters/agentPools"
NODE_IMAGES = (
    "AKSUbuntu-2204gen2containerd-202611.09.0",
    "AKSUbuntu-2204gen2containerd-202611.23.0",
)
NODE_UPGRADE_SECONDS_PER_NODE = 600.0
POOL_FIELDS_READ_ONLY = ("provisioningState", "currentOrchestratorVersion", "powerState", "name")
Json = dict[str, Any]


def arm_error(err: RuleError) -> ArmError:
    """A broken AKS rule as the ARM error the provider answers with."""
    return ArmError(err.status, err.code, err.message, err.target)


def pools_of(ctx: Ctx, cluster_id: str) -> list[Json]:
    """The stored agent pools of a cluster."""
    return ctx.store.list_by_type(POOLS, scope=cluster_id)


def pool_profile(pool: Json, cluster_state: str | None = None) -> Json:
    """An agent pool as an `agentPoolProfiles` entry (name + properties, internals stripped)."""
    profile = {"name": pool["name"], **copy.deepcopy(pool.get("properties") or {})}
    if cluster_state in ("Failed", "Creating", "Updating") and profile.get("provisioningState") in (
        "Creating",
        "Updating",
    ):
        profile["provisioningState"] = cluster_state
    return profile


def full_cluster(ctx: Ctx, cluster: Json) -> Json:
    """The stored cluster with its pools embedded (what rules and netsim read)."""
    out = copy.deepcopy(cluster)
    state = props(cluster).get("provisioningState")
    out.setdefault("properties", {})["agentPoolProfiles"] = [
        pool_profile(p, state) for p in pools_of(ctx, cluster["id"])
    ]
    return out


def view_pool(ctx: Ctx, res: Json) -> Json:
    out = copy.deepcopy(res)
    out.pop(EMU, None)
    return out


def refuse_if_busy(ctx: Ctx, cluster_id: str) -> None:
    """AKS refuses a write while the cluster or one of its pools has an operation running."""
    op = ctx.ops.in_progress(cluster_id)
    if op is None:
        op = next(
            (o for p in pools_of(ctx, cluster_id) if (o := ctx.ops.in_progress(p["id"]))), None
        )
    if op is not None:
        raise ArmError(
            409,
            "OperationNotAllowed",
            f"Operation is not allowed: Another operation ({op.kind}) is in progress, please "
            "wait for it to finish before starting a new operation. See "
            "https://aka.ms/aks-pending-operation for more details",
        )


def pools_not_reimaged(ctx: Ctx, cluster: Json | None) -> list[str]:
    """The pools whose nodes booted with another artifact source or registry than the cluster's."""
    if cluster is None:
        return []
    boot = props(cluster).get("bootstrapProfile") or {}
    return [p["name"] for p in pools_of(ctx, cluster["id"]) if not _nodes_current(p, boot)]


def _nodes_current(pool: Json, boot: Json) -> bool:
    state = pool.get(EMU) or {}
    source = str(boot.get("artifactSource") or "Direct")
    if str(state.get("nodeSource", "Direct")).lower() != source.lower():
        return False
    if source == CACHE:
        return (
            str(state.get("nodeRegistry") or "").lower()
            == str(boot.get("containerRegistryId") or "").lower()
        )
    return True


def build_pool(
    pid: str, body: Json, old: Json | None, version: str, boot: Json, state: str
) -> tuple[Json, bool]:
    """The stored agent pool for a profile/PUT body; True when new nodes boot now."""
    p = {
        k: copy.deepcopy(v)
        for k, v in (body.get("properties") or body).items()
        if k not in POOL_FIELDS_READ_ONLY and v is not None
    }
    p.pop("id", None)
    p.pop("type", None) if "properties" not in body and p.get("type") == POOLS else None
    old_p = props(old)
    requested = p.get("orchestratorVersion") or old_p.get("orchestratorVersion") or version
    resolved = aks_versions.resolve(str(requested)) or version
    p["orchestratorVersion"] = str(requested)
    p["currentOrchestratorVersion"] = resolved
    p["count"] = int(p.get("count") or old_p.get("count") or 1)
    p["vmSize"] = p.get("vmSize") or old_p.get("vmSize") or "Standard_D4ds_v5"
    p.setdefault("osType", "Linux")
    p.setdefault("osSKU", "Ubuntu" if p["osType"] == "Linux" else "Windows2022")
    p.setdefault("mode", "System")
    p.setdefault("type", "VirtualMachineScaleSets")
    p.setdefault("maxPods", 250)
    p.setdefault("osDiskSizeGB", 128)
    p.setdefault("enableNodePublicIP", False)
    p["nodeImageVersion"] = old_p.get("nodeImageVersion") or NODE_IMAGES[0]
    p["provisioningState"] = state
    p["powerState"] = old_p.get("powerState") or {"code": "Running"}
    emu = copy.deepcopy((old or {}).get(EMU) or {})
    new_nodes = old is None or p["count"] > int(old_p.get("count") or 0)
    if old is None:
        emu = {
            "nodeSource": boot.get("artifactSource") or "Direct",
            "nodeRegistry": boot.get("containerRegistryId"),
            "joined": True,
        }
    pool = {"id": pid, "name": pid.rsplit("/", 1)[-1], "type": POOLS, "properties": p, EMU: emu}
    return pool, new_nodes


def store_pools(
    ctx: Ctx, rid: str, res: Json, existing: Json | None, bodies: list[Json], node_rg_id: str
) -> list[str]:
    """Write the pool children; return the bootstrap problems of nodes created now."""
    version = props(res)["currentKubernetesVersion"]
    boot = props(res)["bootstrapProfile"]
    kept = {p["name"].lower(): p for p in pools_of(ctx, rid)}
    failures: list[str] = []
    wanted = set()
    for body in bodies:
        pname = str(body.get("name") or "nodepool1")
        wanted.add(pname.lower())
        old_pool = kept.get(pname.lower())
        pool, new_nodes = build_pool(
            f"{rid}/agentPools/{pname}",
            body,
            old_pool,
            version,
            boot,
            "Updating" if existing else "Creating",
        )
        cluster = full_cluster(ctx, {**res, "id": rid})
        cluster["properties"]["agentPoolProfiles"] = [pool_profile(pool)] + [
            pool_profile(k) for n, k in kept.items() if n != pname.lower()
        ]
        if new_nodes:
            state = pool[EMU]
            ok, problems = netsim.can_bootstrap(cluster, ctx.store, state["nodeSource"], pname)
            if not ok:
                failures.append(f"agent pool '{pname}': {problems[0]}")
                if old_pool is None:
                    state["joined"] = False
            elif old_pool is None:
                state["joined"] = True
        sid = props(pool).get("vnetSubnetID")
        if sid:
            infra.nodes_use_subnet(
                ctx, str(sid), node_rg_id, pname, int(props(pool).get("count") or 1)
            )
        ctx.store.put(pool["id"], pool)
    for lname, old_pool in kept.items():
        if lname not in wanted:
            infra.release_nodes(
                ctx, props(old_pool).get("vnetSubnetID"), node_rg_id, old_pool["name"]
            )
            ctx.store.delete(old_pool["id"])
    return failures


def bootstrap_error(problems: list[str]) -> dict[str, Any]:
    return {
        "code": "OutboundConnFailVMExtensionError",
        "message": "Unable to establish outbound connection from agents, please see "
        "https://learn.microsoft.com/en-us/troubleshoot/azure/azure-kubernetes/error-code-"
        "outboundconnfailvmextensionerror and https://aka.ms/aks-required-ports-and-addresses "
        "for more information. Details: instance 0 has extension error details : {vmssCSE "
        f"error messages : {{vmssCSE exit status=50, output=... {'; '.join(problems)}}}}}",
    }


def put_pool(ctx: Ctx, rid: str, body: Json, existing: Json | None) -> Json:
    """PUT agentPools/{name}: checked as the whole cluster would be, then stored."""
    cluster_id = rid.rsplit("/agentPools/", 1)[0]
    cluster = ctx.store.get(cluster_id)
    assert cluster is not None
    refuse_if_busy(ctx, cluster_id)
    name = rid.rsplit("/", 1)[-1]
    profile = {"name": name, **copy.deepcopy(body.get("properties") or {})}
    desired = full_cluster(ctx, cluster)
    desired.pop(EMU, None)
    others = [
        x for x in desired["properties"]["agentPoolProfiles"] if x["name"].lower() != name.lower()
    ]
    desired["properties"]["agentPoolProfiles"] = [*others, profile]
    try:
        validate_managed_cluster(desired, full_cluster(ctx, cluster), ctx.api_version, ctx.store)
    except RuleError as err:
        raise arm_error(err) from err
    boot = props(cluster).get("bootstrapProfile") or {}
    pool, new_nodes = build_pool(
        rid,
        body,
        existing,
        props(cluster)["currentKubernetesVersion"],
        boot,
        "Updating" if existing else "Creating",
    )
    if new_nodes:
        desired["properties"]["agentPoolProfiles"] = [*others, pool_profile(pool)]
        ok, problems = netsim.can_bootstrap(desired, ctx.store, pool[EMU]["nodeSource"], name)
        if existing is None:
            pool[EMU]["joined"] = ok
        if not ok:
            ctx.fail_operation(bootstrap_error([f"agent pool '{name}': {problems[0]}"]))
    sid = props(pool).get("vnetSubnetID")
    node_rg_id = infra.rg_id(ctx, str(props(cluster).get("nodeResourceGroup")))
    if sid:
        infra.nodes_use_subnet(ctx, str(sid), node_rg_id, name, int(props(pool)["count"]))
    return pool


def upgrade_node_image(ctx: Ctx, rid: str, body: Any) -> Reply:
    """POST upgradeNodeImageVersion: reimage the nodes with the cluster's bootstrapProfile."""
    cluster_id = rid.rsplit("/agentPools/", 1)[0]
    refuse_if_busy(ctx, cluster_id)
    cluster = ctx.store.get(cluster_id)
    pool = ctx.store.get(rid)
    assert cluster is not None and pool is not None
    boot = copy.deepcopy(props(cluster).get("bootstrapProfile") or {})
    ok, problems = netsim.can_bootstrap(
        full_cluster(ctx, cluster), ctx.store, boot.get("artifactSource"), pool["name"]
    )
    count = int(props(pool).get("count") or 1)

    def done() -> None:
        def change(r: Json) -> None:
            r["properties"]["provisioningState"] = "Succeeded"
            r["properties"]["nodeImageVersion"] = NODE_IMAGES[-1]
            r[EMU] = {
                "nodeSource": boot.get("artifactSource") or "Direct",
                "nodeRegistry": boot.get("containerRegistryId"),
                "joined": True,
            }

        ctx.update(rid, change)

    ctx.set_provisioning_state(rid, "UpgradingNodeImageVersion")
    if not ok:
        ctx.fail_operation(bootstrap_error([f"agent pool '{pool['name']}': {problems[0]}"]))
    op = ctx.start_operation(
        rid,
        "upgradeNodeImageVersion",
        POOLS,
        azure_seconds=NODE_UPGRADE_SECONDS_PER_NODE * count,
        on_success=done,
        on_failure=lambda _e: ctx.set_provisioning_state(rid, "Failed"),
    )
    stored = ctx.store.get(rid) or pool
    return ctx.lro_reply(op, 202, view_pool(ctx, stored), namespace="Microsoft.ContainerService")


def on_delete_pool(ctx: Ctx, res: Json) -> None:
    """Free the deleted pool's node IPs in its subnet."""
    cluster = ctx.store.get(res["id"].rsplit("/agentPools/", 1)[0])
    node_rg = props(cluster).get("nodeResourceGroup")
    if node_rg:
        node_rg_id = infra.rg_id(ctx, str(node_rg))
        infra.release_nodes(ctx, props(res).get("vnetSubnetID"), node_rg_id, res["name"])
