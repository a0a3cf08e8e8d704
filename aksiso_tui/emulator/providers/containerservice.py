"""Microsoft.ContainerService: managed clusters and their agent pools, as AKS answers them.

A cluster PUT (create, or GET-modify-PUT update) is checked by `aks_rules` (every AZURE_FACTS
rule, ARM error codes), then stored with the server-filled fields AKS adds; pools (`aks_pools`)
are stored as `agentPools` children and embedded as `agentPoolProfiles` in every cluster
response. Side effects live in `aks_infra`, kubectl answers in `aks_runcommand`.
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
from aksiso_tui.emulator.providers import aks_runcommand as runcommand
from aksiso_tui.emulator.providers.aks_infra import EMU
from aksiso_tui.emulator.providers.aks_pools import (
    POOLS,
    arm_error,
    bootstrap_error,
    full_cluster,
    on_delete_pool,
    pool_profile,
    pools_not_reimaged,
    pools_of,
    put_pool,
    refuse_if_busy,
    store_pools,
    upgrade_node_image,
    view_pool,
)
from aksiso_tui.emulator.routing import Provider, ResourceType, Route, tracked_resource
from aksiso_tui.netpath.aks_lookup import props, vnet_of_subnet

CLUSTERS = "Microsoft.ContainerService/managedClusters"
Json = dict[str, Any]


def _view_cluster(ctx: Ctx, res: Json) -> Json:
    out = full_cluster(ctx, res)
    out.pop(EMU, None)
    return out


def _put_cluster(ctx: Ctx, rid: str, body: Json, existing: Json | None) -> Json:
    if existing is not None:
        refuse_if_busy(ctx, rid)
    old_full = full_cluster(ctx, existing) if existing else None
    try:
        verdict = validate_managed_cluster(
            body,
            old_full,
            ctx.api_version,
            ctx.store,
            pools_not_reimaged=pools_not_reimaged(ctx, existing),
        )
    except RuleError as err:
        raise arm_error(err) from err
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
    failures = store_pools(ctx, rid, res, existing, pool_bodies, node_rg_id)
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


def _power(code: str) -> Any:
    def action(ctx: Ctx, rid: str, body: Any) -> Reply:
        refuse_if_busy(ctx, rid)

        def done() -> None:
            ctx.update(rid, lambda r: r["properties"].__setitem__("powerState", {"code": code}))
            for pool in pools_of(ctx, rid):
                ctx.update(
                    pool["id"], lambda r: r["properties"].__setitem__("powerState", {"code": code})
                )
            ctx.set_provisioning_state(rid, "Succeeded")

        ctx.set_provisioning_state(rid, "Stopping" if code == "Stopped" else "Starting")
        op = ctx.start_operation(
            rid,
            "stop" if code == "Stopped" else "start",
            CLUSTERS,
            azure_seconds=180,
            on_success=done,
            on_failure=lambda _e: ctx.set_provisioning_state(rid, "Failed"),
        )
        return ctx.lro_reply(op, 202, None, namespace="Microsoft.ContainerService", location=True)

    return action


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
            validate_put=put_pool,
            view=view_pool,
            on_delete=on_delete_pool,
            actions={"upgradeNodeImageVersion": upgrade_node_image},
        ),
    ],
    routes=[
        Route("GET", f"{_LOC}/kubernetesVersions", _versions),
        Route("GET", f"{_LOC}/orchestrators", _orchestrators),
        Route("GET", f"{_CLUSTER}/commandResults/{{command}}", runcommand.command_result),
    ],
)
