"""Checks of the operator's choices: ids, names, region, version, registry and modes, scenario."""

from __future__ import annotations

from typing import Any

from aksiso_tui import naming
from aksiso_tui.regions import KNOWN_REGIONS, normalize_region, suggest_region
from aksiso_tui.spec import (
    ApiServerMode,
    DisableOutboundType,
    OutboundType,
    RegistryMode,
    Scenario,
    Spec,
)
from aksiso_tui.validate.common import (
    GUID,
    K8S_VERSION,
    MIN_KUBERNETES,
    VM_SIZE,
    Out,
    attr,
    given,
    same,
)


def check_basics(spec: Any, out: Out) -> None:
    scenario = attr(spec, "scenario")
    if scenario not in list(Scenario):
        out.error("scenario", f"unknown scenario {scenario!r}", "use create, migrate or disable")

    sub = attr(spec, "subscription")
    if not isinstance(sub, str) or not GUID.fullmatch(sub):
        out.error(
            "subscription",
            f"subscription {sub!r} is not a subscription id (a GUID like "
            "00000000-0000-0000-0000-000000000000)",
            "use the id from `az account show --query id -o tsv`",
        )

    out.name("resource_group", attr(spec, "resource_group"), naming.RESOURCE_GROUP)

    location = attr(spec, "location")
    if not isinstance(location, str) or not location:
        out.error(
            "location", f"location {location!r} is missing", "use a region, e.g. swedencentral"
        )
    elif location not in KNOWN_REGIONS:
        suggestion = suggest_region(location)
        if suggestion and suggestion == normalize_region(location):
            out.error(
                "location",
                f"location {location!r} must be the region's programmatic name "
                "(lowercase, no spaces)",
                f"use {suggestion!r}",
            )
        else:
            hint = f"did you mean {suggestion!r}? " if suggestion else ""
            out.error(
                "location",
                f"unknown Azure region {location!r}",
                f"{hint}List regions with `az account list-locations --query [].name -o tsv`",
            )


def check_cluster(spec: Any, out: Out) -> None:
    cluster = attr(spec, "cluster")
    if cluster is None:
        out.error("cluster", "the cluster section is missing", "add cluster: {name: <name>}")
        return
    out.name("cluster.name", attr(cluster, "name"), naming.AKS_CLUSTER)
    scenario = attr(spec, "scenario")

    version = attr(cluster, "kubernetes_version")
    if version is not None and not same(scenario, Scenario.DISABLE):
        match = K8S_VERSION.fullmatch(version) if isinstance(version, str) else None
        if match is None:
            fix = (
                f"use {version[1:]!r}"
                if isinstance(version, str) and version[:1] in "vV" and version[1:]
                else 'use MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. "1.30.3" (quoted)'
            )
            out.error(
                "cluster.kubernetes_version",
                f"Kubernetes version {version!r} is not MAJOR.MINOR or MAJOR.MINOR.PATCH",
                fix,
            )
        elif (int(match.group(1)), int(match.group(2))) < MIN_KUBERNETES:
            fix = (
                "upgrade the cluster to 1.30 or later first (`az aks upgrade`), then migrate"
                if same(scenario, Scenario.MIGRATE)
                else "use 1.30 or later, or leave it empty for the newest supported version"
            )
            out.error(
                "cluster.kubernetes_version",
                f"Kubernetes {version} is too old: network isolated clusters need 1.30 or later",
                fix,
            )

    count = attr(cluster, "node_count")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 1000:
        out.error("cluster.node_count", f"node count {count!r} is not 1-1000", "use e.g. 3")

    vm_size = attr(cluster, "vm_size")
    if not isinstance(vm_size, str) or not VM_SIZE.fullmatch(vm_size):
        out.error(
            "cluster.vm_size",
            f"VM size {vm_size!r} is not a VM size name",
            "use e.g. Standard_D4ds_v5 (`az vm list-sizes -l <region>`)",
        )
    elif not vm_size.lower().startswith("standard_"):
        out.warning(
            "cluster.vm_size",
            f"VM size {vm_size!r} does not start with 'Standard_' (AKS uses Standard sizes)",
            "use e.g. Standard_D4ds_v5",
        )


def check_registry(spec: Any, out: Out) -> None:
    registry = attr(spec, "registry")
    if registry is None:
        return
    mode = attr(registry, "mode")
    name = attr(registry, "name")
    pe_name = attr(registry, "private_endpoint_name")
    if mode not in list(RegistryMode):
        out.error("registry.mode", f"unknown registry mode {mode!r}", "use managed or byo")
        return
    if same(mode, RegistryMode.MANAGED):
        if name is not None:
            out.warning(
                "registry.name",
                f"registry name {name!r} is ignored: with a managed registry AKS creates and "
                "names the registry itself",
                "remove registry.name, or use registry.mode: byo",
            )
        if pe_name is not None:
            out.warning(
                "registry.private_endpoint_name",
                f"private endpoint name {pe_name!r} is ignored with a managed registry",
                "remove registry.private_endpoint_name, or use registry.mode: byo",
            )
        if attr(registry, "anonymous_pull") is True:
            out.warning(
                "registry.anonymous_pull",
                "anonymous pull is ignored with a managed registry",
                "remove registry.anonymous_pull",
            )
        return

    if name is not None:
        out.name("registry.name", name, naming.CONTAINER_REGISTRY)
    if pe_name is not None:
        out.name("registry.private_endpoint_name", pe_name, naming.PRIVATE_ENDPOINT)
    if attr(registry, "anonymous_pull") is True:
        out.warning(
            "registry.anonymous_pull",
            "anonymous pull is on: anyone who can reach the registry's private endpoint can pull "
            "its images without credentials; network isolated clusters do not need it",
            "set registry.anonymous_pull: false (the kubelet identity gets AcrPull)",
        )
    network = attr(spec, "network")
    if network is None:
        out.error(
            "registry.mode",
            "a bring-your-own (byo) registry needs your own VNet for its private endpoint, "
            "but `network` is not set",
            "add network (vnet, aks_subnet, acr_subnet), or use registry.mode: managed",
        )
    elif attr(network, "acr_subnet") is None:
        out.error(
            "network.acr_subnet",
            "a byo registry needs network.acr_subnet for its private endpoint",
            "add acr_subnet: {name: snet-acr, prefix: <a free range in the VNet, e.g. a /27>}",
        )


def check_modes(spec: Any, out: Out) -> None:
    api = attr(spec, "api_server")
    outbound = attr(spec, "outbound")
    network = attr(spec, "network")
    if api not in list(ApiServerMode):
        out.error(
            "api_server", f"unknown API server mode {api!r}", "use private_link or vnet_integration"
        )
    elif same(api, ApiServerMode.VNET_INTEGRATION):
        if network is not None and attr(network, "apiserver_subnet") is None:
            out.error(
                "network.apiserver_subnet",
                "API Server VNet Integration with your own VNet needs a subnet for the API server",
                "add apiserver_subnet: {name: snet-apiserver, prefix: <a free /28 in the VNet>}",
            )
        if same(attr(spec, "scenario"), Scenario.MIGRATE):
            out.warning(
                "api_server",
                "turning on API Server VNet Integration on an existing cluster is one-way, needs "
                "a stop/start of the cluster and changes the API server's IP",
                "plan for the downtime, or keep api_server: private_link",
            )
    elif network is not None and attr(network, "apiserver_subnet") is not None:
        out.warning(
            "network.apiserver_subnet",
            "network.apiserver_subnet is ignored: it is only used with "
            "api_server: vnet_integration",
            "remove it, or use api_server: vnet_integration",
        )

    if outbound not in list(OutboundType):
        out.error("outbound", f"unknown outbound type {outbound!r}", "use none or block")
        return
    if same(outbound, OutboundType.BLOCK):
        out.warning(
            "outbound",
            "outbound type `block` is in preview: aksiso sends it with a preview API version, "
            "and the `az` CLI needs the aks-preview extension",
            "accept the preview, or use outbound: none (GA)",
        )
        if network is not None:
            out.error(
                "outbound",
                "outbound type `block` is only supported with an AKS-managed VNet, but "
                "`network` names your own VNet",
                "use outbound: none with your own VNet (plus NSG rules), as the AKS docs say, "
                "or remove `network`",
            )
        if attr(spec, "hub") is not None:
            out.error(
                "outbound",
                "outbound type `block` drops all egress, so the hub firewall could never be used",
                "use outbound: none; the hub firewall is then the cluster's only egress path",
            )


def check_identities(spec: Any, out: Out) -> None:
    identities = attr(spec, "identities")
    if identities is None:
        return
    control, kubelet = attr(identities, "control_plane"), attr(identities, "kubelet")
    if control is not None:
        out.name("identities.control_plane", control, naming.MANAGED_IDENTITY)
    if kubelet is not None:
        out.name("identities.kubelet", kubelet, naming.MANAGED_IDENTITY)
    if isinstance(control, str) and isinstance(kubelet, str) and control.lower() == kubelet.lower():
        out.warning(
            "identities.kubelet",
            f"the kubelet and the control plane share the identity {kubelet!r}: every node "
            "would hold the control plane's rights (Network Contributor, ...)",
            "use two identities, e.g. id-<cluster>-kubelet and id-<cluster>-control-plane",
        )


def _default(field: str) -> Any:
    try:
        return Spec.model_fields[field].get_default(call_default_factory=True)
    except Exception:
        return None


def check_scenario(spec: Any, out: Out) -> None:
    scenario = attr(spec, "scenario")
    after = attr(spec, "outbound_after_disable")
    if after not in list(DisableOutboundType):
        out.error(
            "outbound_after_disable",
            f"unknown outbound type {after!r}",
            "use loadBalancer, userDefinedRouting or managedNATGateway",
        )
        after = None
    if not same(scenario, Scenario.DISABLE):
        if given(spec, "outbound_after_disable") and after != _default("outbound_after_disable"):
            out.info(
                "outbound_after_disable",
                "outbound_after_disable is only used by scenario: disable; ignored",
                "remove it",
            )
        if same(scenario, Scenario.MIGRATE) and attr(spec, "network") is not None:
            out.info(
                "network",
                "migrate: network.vnet and network.aks_subnet must name the cluster's existing "
                "VNet and node subnet (checked at pre-flight); only missing subnets are created",
            )
        return
    for field in ("registry", "api_server", "outbound", "network", "hub"):
        if given(spec, field) and attr(spec, field) not in (None, _default(field)):
            out.info(
                field,
                f"disable: `{field}` is ignored; the cluster returns to artifact source Direct "
                f"and outbound type {after or 'loadBalancer'}",
                f"remove `{field}`",
            )
    if same(after, DisableOutboundType.USER_DEFINED_ROUTING):
        out.warning(
            "outbound_after_disable",
            "userDefinedRouting needs a route table on the node subnet with 0.0.0.0/0 to a "
            "firewall or appliance; without it the nodes keep no egress",
            "make sure the route exists, or use loadBalancer",
        )
    elif same(after, DisableOutboundType.MANAGED_NAT_GATEWAY):
        out.warning(
            "outbound_after_disable",
            "managedNATGateway works only with an AKS-managed VNet",
            "use loadBalancer if the cluster uses your own VNet",
        )
