"""Microsoft.ContainerService: managed clusters and their agent pools, as AKS answers them.

A cluster PUT (create, or GET-modify-PUT update) is checked by `aks_rules` (every AZURE_FACTS
rule, ARM error codes), then stored with the server-filled fields AKS adds; pools are stored as
`agentPools` children and embedded as `agentPoolProfiles` in every cluster response. Side effects
live in `aks_infra`, kubectl answers in `aks_runcommand`.

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
from aksiso_tui.emulator.aks_rules import CACHE, RuleError, validate_managed_cluster
from aksiso_tui.emulator.context import Ctx, Reply
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.providers import aks_infra as infra
from aksiso_tui.emulator.providers import aks_runcommand as runcommand
from aksiso_tui.emulator.providers.aks_infra import EMU
from aksiso_tui.emulator.routing import Provider, ResourceType, Route, tracked_resource
from aksiso_tui.netpath import netsim
from aksiso_tui.netpath.aks_lookup import props, vnet_of_subnet

CLUSTERS = "Microsoft.ContainerService/managedClusters"
POOLS = "Microsoft.ContainerService/managedClusters/agentPools"
NODE_IMAGES = (
    "AKSUbuntu-2204gen2containerd-202611.09.0",
    "AKSUbuntu-2204gen2containerd-202611.23.0",
)
NODE_UPGRADE_SECONDS_PER_NODE = 600.0
POOL_FIELDS_READ_ONLY = ("provisioningState", "currentOrchestratorVersion", "powerState", "name")
Json = dict[str, Any]


def _arm(err: RuleError) -> ArmError:
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


def _view_cluster(ctx: Ctx, res: Json) -> Json:
    out = full_cluster(ctx, res)
    out.pop(EMU, None)
    return out


def _view_pool(ctx: Ctx, res: Json) -> Json:
    out = copy.deepcopy(res)
    out.pop(EMU, None)
    return out


def _busy(ctx: Ctx, cluster_id: str) -> None:
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


def _not_reimaged(ctx: Ctx, cluster: Json | None) -> list[str]:
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


# --- managed clusters ---------------------------------------------------------------------


def _put_cluster(ctx: Ctx, rid: str, body: Json, existing: Json | None) -> Json:
    if existing is not None:
        _busy(ctx, rid)
    old_full = full_cluster(ctx, existing) if existing else None
    try:
        verdict = validate_managed_cluster(
            body,
            old_full,
            ctx.api_version,
            ctx.store,
            pools_not_reimaged=_not_reimaged(ctx, existing),
        )
    except RuleError as err:
        raise _arm(err) from err
    rg = rid.split("/")[4]
    name = rid.rsplit("/", 1)[-1]
    res = tracked_resource(rid, body, existing)
    location = str(res.get("location") or ctx.location_of(rg_path(rid)))
    res["location"] = location
    p = res["properties"]
    old = props(existing)
    pool_bodies = list(p.pop("agentPoolProfiles", None) or [])
    if not pool_bodies and existing is not None:
        pool_bodies = [pool_profile(x) for x in pools_of(ctx, rid)]
    if not pool_bodies:
        raise ArmError(
            400, "InvalidParameter", "At least one agent pool is required.", "agentPoolProfiles"
        )
    for ignored in verdict.ignored_fields:
        p.pop(ignored, None)
    p["kubernetesVersion"] = str(
        body.get("properties", {}).get("kubernetesVersion") or verdict.kubernetes_version
    )
    p["currentKubernetesVersion"] = verdict.kubernetes_version
    p["dnsPrefix"] = (
        p.get("dnsPrefix")
        or old.get("dnsPrefix")
        or f"{name[:10]}-{rg[:16]}-{ctx.subscription_id[:6]}"
    )
    node_rg = str(
        p.get("nodeResourceGroup") or old.get("nodeResourceGroup") or f"MC_{rg}_{name}_{location}"
    )[:80]
    p["nodeResourceGroup"] = node_rg
    p["bootstrapProfile"] = verdict.bootstrap
    network = verdict.network
    network.setdefault(
        "networkPluginMode", "overlay" if network.get("networkPlugin") == "azure" else None
    )
    if network.get("networkPluginMode") is None:
        network.pop("networkPluginMode")
    network.setdefault("podCidr", "10.244.0.0/16")
    network.setdefault("podCidrs", [network["podCidr"]])
    network.setdefault("serviceCidr", "10.0.0.0/16")
    network.setdefault("serviceCidrs", [network["serviceCidr"]])
    network.setdefault("dnsServiceIP", "10.0.0.10")
    network.setdefault("loadBalancerSku", "standard")
    network.setdefault("ipFamilies", ["IPv4"])
    p["networkProfile"] = network
    p.setdefault("enableRBAC", True)
    p.setdefault("supportPlan", old.get("supportPlan") or "KubernetesOfficial")
    p["maxAgentPools"] = 100
    p["powerState"] = old.get("powerState") or {"code": "Running"}
    res.setdefault("sku", (existing or {}).get("sku") or {"name": "Base", "tier": "Free"})
    _fill_identities(ctx, res, existing, node_rg, location, name)
    _fill_endpoint(ctx, res, existing, node_rg, pool_bodies)
    res[EMU] = copy.deepcopy((existing or {}).get(EMU) or {"pods": [], "created": ctx.clock.now()})

    node_rg_id = infra.ensure_node_resource_group(ctx, node_rg, location, rid)
    for subnet in verdict.delegate_subnets:
        infra.delegate_subnet(ctx, subnet)
    kubelet = (p.get("identityProfile") or {}).get("kubeletidentity") or {}
    if verdict.bootstrap["artifactSource"] == CACHE and not verdict.bootstrap.get(
        "containerRegistryId"
    ):
        infra.managed_registry(
            ctx,
            node_rg_id,
            rid,
            location,
            kubelet.get("objectId"),
            pool_bodies[0].get("vnetSubnetID"),
        )
    failures = _store_pools(ctx, rid, res, existing, pool_bodies, node_rg_id)
    if failures:
        ctx.fail_operation(bootstrap_error(failures))
    return res


def rg_path(rid: str) -> str:
    return "/".join(rid.split("/")[:5])


def _fill_identities(
    ctx: Ctx, res: Json, existing: Json | None, node_rg: str, location: str, name: str
) -> None:
    identity = res.get("identity") or (existing or {}).get("identity") or {"type": "SystemAssigned"}
    if props(res).get("servicePrincipalProfile") and not res.get("identity"):
        identity = {"type": "None"}
    identity = copy.deepcopy(identity)
    kind = str(identity.get("type", "")).lower()
    if kind == "systemassigned":
        old = (existing or {}).get("identity") or {}
        identity["principalId"] = old.get("principalId") or infra.stable_guid(
            res.get("location", ""), name, node_rg
        )
        identity["tenantId"] = ctx.tenant_id
    elif kind == "userassigned":
        for uid in list(identity.get("userAssignedIdentities") or {}):
            ident = props(ctx.store.get(uid))
            identity["userAssignedIdentities"][uid] = {
                "principalId": ident.get("principalId"),
                "clientId": ident.get("clientId"),
            }
    res["identity"] = identity
    sp = props(res).get("servicePrincipalProfile")
    if sp:
        props(res)["servicePrincipalProfile"] = {"clientId": sp.get("clientId")}
    if kind == "none":
        return
    p = res["properties"]
    kubelet = copy.deepcopy((p.get("identityProfile") or {}).get("kubeletidentity") or {})
    if not kubelet.get("resourceId"):
        kubelet = copy.deepcopy(
            (props(existing).get("identityProfile") or {}).get("kubeletidentity") or {}
        )
    if not kubelet.get("resourceId"):
        identities = f"{infra.rg_id(ctx, node_rg)}/providers/Microsoft.ManagedIdentity"
        kid = f"{identities}/userAssignedIdentities/{name}-agentpool"
        infra.ensure_node_resource_group(ctx, node_rg, location, res.get("id", ""))
        infra.ensure_identity(ctx, kid, location)
        kubelet = {"resourceId": kid}
    ident = props(ctx.store.get(str(kubelet["resourceId"])))
    kubelet.update(clientId=ident.get("clientId"), objectId=ident.get("principalId"))
    p.setdefault("identityProfile", {})["kubeletidentity"] = kubelet


def _fill_endpoint(
    ctx: Ctx, res: Json, existing: Json | None, node_rg: str, pools: list[Json]
) -> None:
    p, old = res["properties"], props(existing)
    profile = p.get("apiServerAccessProfile") or {}
    prefix = str(p.get("fqdnSubdomain") or p["dnsPrefix"])
    region = res["location"]
    label = f"{prefix}-{infra.short_hash(res.get('location', '') + prefix + node_rg)}"
    guid = infra.stable_guid(node_rg, prefix)
    p["azurePortalFQDN"] = f"{label}.portal.hcp.{region}.azmk8s.io"
    if not profile.get("enablePrivateCluster"):
        p["fqdn"] = old.get("fqdn") or f"{label}.hcp.{region}.azmk8s.io"
        p.pop("privateFQDN", None)
        return
    zone = str(profile.get("privateDNSZone") or "system")
    if zone.lower() == "none":
        p["fqdn"] = f"{label}.{guid}.privatelink.{region}.azmk8s.io"
        return
    p["privateFQDN"] = old.get("privateFQDN") or f"{label}.{guid}.privatelink.{region}.azmk8s.io"
    if profile.get("enablePrivateClusterPublicFQDN"):
        p["fqdn"] = f"{label}.hcp.{region}.azmk8s.io"
    subnet = next((x.get("vnetSubnetID") for x in pools if x.get("vnetSubnetID")), None)
    vnet = vnet_of_subnet(str(subnet)) if subnet else None
    api_ip = "10.224.0.4" if not profile.get("enableVnetIntegration") else "10.225.0.4"
    if zone.lower() == "system":
        infra.api_server_dns(
            ctx, infra.rg_id(ctx, node_rg), region, f"{label}.{guid}", api_ip, vnet
        )
    elif ctx.store.get(zone) is None:
        raise ArmError(
            400,
            "InvalidParameter",
            f"The private DNS zone '{zone}' was not found.",
            "apiServerAccessProfile.privateDNSZone",
        )
    else:
        p["privateFQDN"] = f"{label}.{zone.rsplit('/', 1)[-1]}"


def _store_pools(
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


def bootstrap_error(problems: list[str]) -> dict[str, Any]:
    return {
        "code": "OutboundConnFailVMExtensionError",
        "message": "Unable to establish outbound connection from agents, please see "
        "https://learn.microsoft.com/en-us/troubleshoot/azure/azure-kubernetes/error-code-"
        "outboundconnfailvmextensionerror and https://aka.ms/aks-required-ports-and-addresses "
        "for more information. Details: instance 0 has extension error details : {vmssCSE "
        f"error messages : {{vmssCSE exit status=50, output=... {'; '.join(problems)}}}}}",
    }


def _on_provisioned(ctx: Ctx, res: Json) -> None:
    for pool in pools_of(ctx, res["id"]):
        if props(pool).get("provisioningState") in ("Creating", "Updating", "Failed"):
            ctx.set_provisioning_state(pool["id"], "Succeeded")


def _on_delete_cluster(ctx: Ctx, res: Json) -> None:
    node_rg = props(res).get("nodeResourceGroup")
    node_rg_id = infra.rg_id(ctx, str(node_rg)) if node_rg else None
    for pool in pools_of(ctx, res["id"]):
        if node_rg_id:
            infra.release_nodes(ctx, props(pool).get("vnetSubnetID"), node_rg_id, pool["name"])
    if node_rg_id and ctx.store.get(node_rg_id) is not None:
        ctx.delete_tree(node_rg_id)


def _on_delete_pool(ctx: Ctx, res: Json) -> None:
    cluster = ctx.store.get(res["id"].rsplit("/agentPools/", 1)[0])
    node_rg = props(cluster).get("nodeResourceGroup")
    if node_rg:
        node_rg_id = infra.rg_id(ctx, str(node_rg))
        infra.release_nodes(ctx, props(res).get("vnetSubnetID"), node_rg_id, res["name"])


def _power(code: str) -> Any:
    def action(ctx: Ctx, rid: str, body: Any) -> Reply:
        _busy(ctx, rid)

        def done() -> None:
            ctx.update(rid, lambda r: r["properties"].__setitem__("powerState", {"code": code}))
            for pool in pools_of(ctx, rid):
                ctx.update(
                    pool["id"], lambda r: r["properties"].__setitem__("powerState", {"code": code})
                )

        ctx.set_provisioning_state(rid, "Stopping" if code == "Stopped" else "Starting")
        op = ctx.start_operation(
            rid,
            "stop" if code == "Stopped" else "start",
            CLUSTERS,
            azure_seconds=180,
            on_success=lambda: (done(), ctx.set_provisioning_state(rid, "Succeeded")),
            on_failure=lambda _e: ctx.set_provisioning_state(rid, "Failed"),
        )
        return ctx.lro_reply(op, 202, None, namespace="Microsoft.ContainerService", location=True)

    return action


# --- agent pools ----------------------------------------------------------------------------


def _put_pool(ctx: Ctx, rid: str, body: Json, existing: Json | None) -> Json:
    cluster_id = rid.rsplit("/agentPools/", 1)[0]
    cluster = ctx.store.get(cluster_id)
    assert cluster is not None
    _busy(ctx, cluster_id)
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
        raise _arm(err) from err
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


def _upgrade_node_image(ctx: Ctx, rid: str, body: Any) -> Reply:
    cluster_id = rid.rsplit("/agentPools/", 1)[0]
    _busy(ctx, cluster_id)
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
    return ctx.lro_reply(op, 202, _view_pool(ctx, stored), namespace="Microsoft.ContainerService")


# --- locations ------------------------------------------------------------------------------


def _versions(ctx: Ctx, params: dict[str, str], body: Any) -> Json:
    return aks_versions.kubernetes_version_list()


def _orchestrators(ctx: Ctx, params: dict[str, str], body: Any) -> Json:
    return aks_versions.orchestrators_list(params["location"])


_LOC = "/subscriptions/{sub}/providers/Microsoft.ContainerService/locations/{location}"
_CLUSTER = (
    "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService"
    "/managedClusters/{name}"
)

PROVIDER = Provider(
    "Microsoft.ContainerService",
    types=[
        ResourceType(
            CLUSTERS,
            validate_put=_put_cluster,
            view=_view_cluster,
            on_provisioned=_on_provisioned,
            on_delete=_on_delete_cluster,
            actions={
                "stop": _power("Stopped"),
                "start": _power("Running"),
                "runCommand": runcommand.run_command,
                "listClusterUserCredential": runcommand.list_credential("clusterUser"),
                "listClusterAdminCredential": runcommand.list_credential("clusterAdmin"),
                "listClusterMonitoringUserCredential": runcommand.list_credential(
                    "clusterMonitoringUser"
                ),
            },
        ),
        ResourceType(
            POOLS,
            validate_put=_put_pool,
            view=_view_pool,
            on_delete=_on_delete_pool,
            actions={"upgradeNodeImageVersion": _upgrade_node_image},
        ),
    ],
    routes=[
        Route("GET", f"{_LOC}/kubernetesVersions", _versions),
        Route("GET", f"{_LOC}/orchestrators", _orchestrators),
        Route("GET", f"{_CLUSTER}/commandResults/{{command}}", runcommand.command_result),
    ],
)
