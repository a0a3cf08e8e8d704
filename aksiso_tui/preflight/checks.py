"""Pre-flight: can this existing cluster become network isolated, and what stops it?

Every limitation in AZURE_FACTS.md, judged from the cluster's real state (a `Snapshot` read
through the SDK), as Findings with a fix: errors block the migration (exit 2, nothing sent),
warnings are worth reading first. Pure: no SDK, no I/O.
"""

from __future__ import annotations

from typing import Any

from aksiso_tui.audit.snapshot import Snapshot
from aksiso_tui.findings import Finding, Severity, error, info, warning
from aksiso_tui.netpath.aks_lookup import props
from aksiso_tui.preflight import registry as registry_checks
from aksiso_tui.spec import DisableOutboundType, OutboundType, RegistryMode, Scenario, Spec

Json = dict[str, Any]
MINIMUM_VERSION = (1, 30)

UNSUPPORTED_EXTENSIONS: dict[str, str] = {
    "microsoft.dapr": "Dapr",
    "microsoft.appconfiguration": "Azure App Configuration",
    "microsoft.azureml.kubernetes": "Azure Machine Learning",
    "microsoft.flux": "Flux (GitOps)",
}
"""Extension types network isolated clusters do not support yet (AZURE_FACTS "Limitations")."""

WARN_EXTENSIONS: dict[str, str] = {
    "microsoft.dataprotection.kubernetes": "Azure Backup for AKS",
}
"""Listed as unsupported, later reported supported (2026-09): warn, don't block."""

UNSUPPORTED_ADDONS: dict[str, str] = {"gitops": "Flux (GitOps)"}
"""Add-ons (addonProfiles) that are the add-on form of an unsupported extension."""


def _version(text: str) -> tuple[int, ...]:
    parts = []
    for piece in str(text).split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts)


def upgrade_path(current: str, offered: list[str]) -> list[str]:
    """Versions to upgrade through, one minor at a time, up to the first >= 1.30.

    Each hop is the newest patch of the next minor that the region offers; AKS upgrades
    one minor version at a time.
    """
    have = _version(current)
    path: list[str] = []
    while have[:2] < MINIMUM_VERSION and have:
        nxt = (have[0], have[1] + 1)
        patches = [v for v in offered if _version(v)[:2] == nxt]
        hop = max(patches, key=_version) if patches else f"{nxt[0]}.{nxt[1]}"
        path.append(hop)
        have = _version(hop) or nxt
    return path


def _where(snapshot: Snapshot) -> str:
    return snapshot.cluster_id or "cluster"


def _az(cluster: Json) -> str:
    rid = str(cluster.get("id") or "")
    parts = rid.split("/")
    rg = parts[4] if len(parts) > 4 else "<rg>"
    return f"-g {rg} -n {cluster.get('name') or '<cluster>'}"


def check_version(snapshot: Snapshot) -> list[Finding]:
    cluster = snapshot.cluster
    p = props(cluster)
    current = str(p.get("currentKubernetesVersion") or p.get("kubernetesVersion") or "")
    findings: list[Finding] = []
    if current and _version(current)[:2] < MINIMUM_VERSION:
        path = upgrade_path(current, snapshot.kubernetes_versions)
        steps = "; then ".join(
            f"az aks upgrade {_az(cluster)} --kubernetes-version {v}" for v in path
        )
        findings.append(
            error(
                _where(snapshot),
                f"Kubernetes {current}: network isolated clusters need 1.30 or later. Upgrade "
                f"path: {' -> '.join([current, *path])} (one minor version at a time; the "
                "control plane and every node pool).",
                steps,
            )
        )
    for pool in p.get("agentPoolProfiles") or []:
        version = str(
            pool.get("currentOrchestratorVersion") or pool.get("orchestratorVersion") or ""
        )
        if (
            version
            and _version(version)[:2] < MINIMUM_VERSION
            and _version(current)[:2] >= (MINIMUM_VERSION)
        ):
            findings.append(
                error(
                    f"{_where(snapshot)}/agentPools/{pool.get('name')}",
                    f"Node pool {pool.get('name')} runs Kubernetes {version}; every pool needs "
                    "1.30 or later.",
                    f"az aks nodepool upgrade --cluster-name {cluster.get('name')} "
                    f"--name {pool.get('name')} --kubernetes-version {current}",
                )
            )
    return findings


def check_pools(snapshot: Snapshot) -> list[Finding]:
    cluster = snapshot.cluster
    findings: list[Finding] = []
    for pool in props(cluster).get("agentPoolProfiles") or []:
        name = pool.get("name")
        where = f"{_where(snapshot)}/agentPools/{name}"
        if str(pool.get("osType") or "").lower() == "windows":
            findings.append(
                error(
                    where,
                    f"Node pool {name} is a Windows pool; network isolated clusters support "
                    "Linux node pools only.",
                    "Move the Windows workloads elsewhere, then "
                    f"az aks nodepool delete --cluster-name {cluster.get('name')} --name {name}",
                )
            )
        if pool.get("enableNodePublicIP"):
            findings.append(
                warning(
                    where,
                    f"Node pool {name} gives its nodes public IPs: they can still reach the "
                    "internet with outbound type none.",
                    "Recreate the pool without --enable-node-public-ip.",
                )
            )
    return findings


def check_cluster_settings(snapshot: Snapshot) -> list[Finding]:
    cluster = snapshot.cluster
    p = props(cluster)
    where = _where(snapshot)
    findings: list[Finding] = []
    plugin = str((p.get("networkProfile") or {}).get("networkPlugin") or "")
    if plugin.lower() == "kubenet":
        findings.append(
            error(
                where,
                "The cluster uses kubenet; network isolated clusters need Azure CNI "
                "(network plugin azure).",
                f"az aks update {_az(cluster)} --network-plugin azure "
                "--network-plugin-mode overlay",
            )
        )
    identity = str((cluster.get("identity") or {}).get("type") or "None").lower()
    client_id = str((p.get("servicePrincipalProfile") or {}).get("clientId") or "")
    if identity == "none" and client_id and client_id.lower() != "msi":
        findings.append(
            error(
                where,
                "The cluster authenticates with a service principal; AKS refuses artifact "
                'source Cache for it ("When feature ServicePrincipalCluster is enabled, '
                "bootstrapProfile.artifactSource 'Cache' is not allowed\").",
                f"az aks update {_az(cluster)} --enable-managed-identity",
            )
        )
    channel = str((p.get("autoUpgradeProfile") or {}).get("nodeOSUpgradeChannel") or "")
    if channel.lower() == "unmanaged":
        findings.append(
            error(
                where,
                "Node OS upgrade channel Unmanaged is not supported by network isolated "
                "clusters (NodeImage, None and SecurityPatch are).",
                f"az aks update {_az(cluster)} --node-os-upgrade-channel NodeImage",
            )
        )
    return findings


def check_extensions(snapshot: Snapshot) -> list[Finding]:
    cluster = snapshot.cluster
    findings: list[Finding] = []
    for ext in snapshot.extensions:
        kind = str(props(ext).get("extensionType") or "").lower()
        name = str(ext.get("name") or kind)
        where = str(ext.get("id") or _where(snapshot))
        rg = str(cluster.get("id") or "").split("/")[4:5] or ["<rg>"]
        remove = (
            f"az k8s-extension delete -g {rg[0]} --cluster-name {cluster.get('name')} "
            f"--cluster-type managedClusters --name {name}"
        )
        if kind in UNSUPPORTED_EXTENSIONS:
            findings.append(
                error(
                    where,
                    f"Extension {name} ({UNSUPPORTED_EXTENSIONS[kind]}) is not supported on "
                    "network isolated clusters yet.",
                    remove,
                )
            )
        elif kind in WARN_EXTENSIONS:
            findings.append(
                warning(
                    where,
                    f"Extension {name} ({WARN_EXTENSIONS[kind]}) was listed as unsupported on "
                    "network isolated clusters and later reported supported; test it first.",
                )
            )
    for addon, profile in (props(cluster).get("addonProfiles") or {}).items():
        if (profile or {}).get("enabled") and addon.lower() in UNSUPPORTED_ADDONS:
            findings.append(
                error(
                    _where(snapshot),
                    f"Add-on {addon} ({UNSUPPORTED_ADDONS[addon.lower()]}) is not supported on "
                    "network isolated clusters yet.",
                    f"az aks disable-addons {_az(cluster)} --addons {addon}",
                )
            )
    return findings


def check_spec(snapshot: Snapshot, spec: Spec) -> list[Finding]:
    """What the requested configuration adds: block with a custom VNet; the BYO registry."""
    cluster = snapshot.cluster
    findings: list[Finding] = []
    custom_vnet = any(p.get("vnetSubnetID") for p in props(cluster).get("agentPoolProfiles") or [])
    if spec.outbound is OutboundType.BLOCK and custom_vnet:
        findings.append(
            error(
                "outbound",
                "Outbound type block (preview) is only supported with an AKS-managed VNet; this "
                "cluster's nodes are in a custom VNet.",
                "Use outbound: none (add NSG rules if you want to block egress explicitly).",
            )
        )
    if spec.registry.mode is RegistryMode.BYO and spec.registry.name:
        registry_id = (
            f"/subscriptions/{spec.subscription}/resourceGroups/{spec.resource_group}"
            f"/providers/Microsoft.ContainerRegistry/registries/{spec.registry.name}"
        )
        if snapshot.get(registry_id) is None:
            findings.append(
                info(
                    registry_id,
                    f"Registry {spec.registry.name} does not exist yet; the plan "
                    "creates it with its cache rule, private endpoint and DNS records.",
                )
            )
        else:
            creates = spec.scenario is Scenario.MIGRATE
            findings += registry_checks.path_findings(
                snapshot, cluster, registry_id, plan_creates=creates
            )
    return findings


def check_current_registry(snapshot: Snapshot) -> list[Finding]:
    """Without a spec: the registry the cluster already bootstraps from, if any."""
    registry_id = (props(snapshot.cluster).get("bootstrapProfile") or {}).get("containerRegistryId")
    if not registry_id:
        return []
    return registry_checks.path_findings(snapshot, snapshot.cluster, str(registry_id))


def check_disable(snapshot: Snapshot, spec: Spec) -> list[Finding]:
    """Disabling: can the cluster take the outbound type it returns to?

    The isolation limitations (version, Windows, kubenet, extensions) do not apply on the way
    out. What does: `userDefinedRouting` needs a route table with a default route on every node
    subnet, and `managedNATGateway` is for AKS-managed VNets only.
    """
    cluster = snapshot.cluster
    pools = props(cluster).get("agentPoolProfiles") or []
    subnets = sorted({str(p["vnetSubnetID"]) for p in pools if p.get("vnetSubnetID")})
    outbound = spec.outbound_after_disable
    findings: list[Finding] = []
    if outbound is DisableOutboundType.MANAGED_NAT_GATEWAY and subnets:
        findings.append(
            error(
                "outbound_after_disable",
                "Outbound type managedNATGateway is only for clusters on an AKS-managed VNet; "
                "this cluster's nodes are in a custom VNet.",
                "Use outbound_after_disable: loadBalancer, or userDefinedRouting with a route "
                "table (0.0.0.0/0 to your firewall) on the node subnet.",
            )
        )
    if outbound is DisableOutboundType.USER_DEFINED_ROUTING:
        if not subnets:
            findings.append(
                error(
                    "outbound_after_disable",
                    "Outbound type userDefinedRouting needs a custom VNet whose node subnet has "
                    "a route table; this cluster uses an AKS-managed VNet.",
                    "Use outbound_after_disable: loadBalancer.",
                )
            )
        for sid in subnets:
            subnet = snapshot.get(sid)
            table = snapshot.get(str((props(subnet).get("routeTable") or {}).get("id") or ""))
            default = any(
                str(props(r).get("addressPrefix")) == "0.0.0.0/0"
                for r in props(table).get("routes") or []
            )
            if not default:
                findings.append(
                    error(
                        sid,
                        "Outbound type userDefinedRouting needs a route table with a 0.0.0.0/0 "
                        "route on the node subnet; without one the nodes have no egress at all.",
                        "az network route-table route create --address-prefix 0.0.0.0/0 "
                        "--next-hop-type VirtualAppliance --next-hop-ip-address <firewall IP> "
                        "..., associate the table with the subnet, or use "
                        "outbound_after_disable: loadBalancer.",
                    )
                )
    return findings


def preflight(snapshot: Snapshot, spec: Spec | None = None) -> list[Finding]:
    """Every blocker and warning for making the snapshot's cluster network isolated (or, for a
    `disable` spec, for returning it to the outbound type the spec names)."""
    if not snapshot.cluster:
        return [error(_where(snapshot), "The cluster was not found.")]
    if spec is not None and spec.scenario is Scenario.DISABLE:
        findings = check_disable(snapshot, spec)
        findings += [info(_where(snapshot), f"Pre-flight {n}.") for n in snapshot.notes]
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        return sorted(findings, key=lambda f: order[f.severity])
    findings = [
        *check_version(snapshot),
        *check_pools(snapshot),
        *check_cluster_settings(snapshot),
        *check_extensions(snapshot),
    ]
    if spec is not None:
        findings += check_spec(snapshot, spec)
    else:
        findings += check_current_registry(snapshot)
    findings += [info(_where(snapshot), f"Pre-flight {note}.") for note in snapshot.notes]
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(findings, key=lambda f: order[f.severity])
