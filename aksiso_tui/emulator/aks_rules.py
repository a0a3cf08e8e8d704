"""Validation of a managed-cluster PUT, the way AKS validates it.

Pure functions over the desired body, the stored cluster (None on create), the api-version and a
read-only `Lookup` of the store. A broken rule raises `RuleError(status, code, message)`; the
provider turns it into ARM's `{"error": {...}}` body. A passing PUT returns a `Verdict` with the
effective values the provider stores (resolved version, merged bootstrap and network profiles)
and the side effects AKS performs (delegating an API-server subnet). The rules about resources
the body points at (registry, subnets, identities and their roles) are in `aks_refs`.

Error codes: confirmed ones come from public AKS error reports (see the table
`aks_errors.CODES`); the others are ARM-style guesses and say so there.

Emulator-only convention: the cluster tag `aksiso-emulator/deny-direct: "true"` makes a
Cache -> Direct update fail with `BootstrapArtifactSourceNotAllowed`, as some real clusters do.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field

from aksiso_tui.emulator import aks_versions
from aksiso_tui.emulator.aks_body import (
    CACHE,
    DIRECT,
    ISOLATED_OUTBOUND,
    OUTBOUND_TYPES,
    effective_bootstrap,
    effective_network,
    is_service_principal_cluster,
    pools,
    rejects_unknown_fields,
    supports_block,
    supports_bootstrap_profile,
)
from aksiso_tui.emulator.aks_errors import RuleError, bad
from aksiso_tui.emulator.aks_refs import (
    check_api_server_subnet,
    check_identities,
    check_node_subnets,
    check_registry,
    warn_node_subnet_permissions,
)
from aksiso_tui.netpath.aks_lookup import Json, Lookup, props, same_id

DENY_DIRECT_TAG = "aksiso-emulator/deny-direct"


@dataclass
class Verdict:
    """What a valid PUT means: effective values and AKS's side effects."""

    kubernetes_version: str
    bootstrap: Json
    network: Json
    outbound_type: str
    delegate_subnets: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ignored_fields: list[str] = field(default_factory=list)


# --- the rules ----------------------------------------------------------------------------


def validate_managed_cluster(
    desired: Json,
    existing: Json | None,
    api_version: str,
    lookup: Lookup,
    *,
    pools_not_reimaged: Iterable[str] = (),
) -> Verdict:
    """Check a managed-cluster PUT; raise `RuleError` or return the `Verdict`.

    `pools_not_reimaged` names the pools whose nodes still run with an artifact source other
    than the cluster's (internal emulator state kept by the provider).
    """
    body = copy.deepcopy(desired)
    p = props(body)
    ignored = _check_api_version(body, api_version)
    if existing is not None:
        _check_immutables(body, existing)

    version = _check_versions(body, existing)
    bootstrap = effective_bootstrap(body, existing)
    network = effective_network(body, existing)
    outbound = str(network["outboundType"])
    source = bootstrap["artifactSource"]
    if not supports_bootstrap_profile(api_version) and "bootstrapProfile" in ignored:
        bootstrap = effective_bootstrap({}, existing)
        source = bootstrap["artifactSource"]

    if outbound.lower() not in OUTBOUND_TYPES:
        raise bad(
            "InvalidParameter",
            f"The value '{outbound}' of networkProfile.outboundType is invalid.",
            "networkProfile.outboundType",
        )
    identity_body = body if body.get("identity") or existing is None else {**body, **_id(existing)}
    _check_cache_compatibility(identity_body, p, network, source, version)
    _check_isolation(body, existing, api_version, outbound, source, pools_not_reimaged)
    if source == CACHE and bootstrap.get("containerRegistryId"):
        check_registry(lookup, str(bootstrap["containerRegistryId"]))

    warnings: list[str] = []
    check_node_subnets(body, lookup, outbound, warnings)
    check_identities(identity_body, existing, lookup)
    warn_node_subnet_permissions(identity_body, existing, lookup, warnings)
    delegate = check_api_server_subnet(identity_body, existing, lookup)
    if outbound in ISOLATED_OUTBOUND and any(x.get("enableNodePublicIP") for x in pools(body)):
        warnings.append(
            f"Nodes with public IPs can still reach the internet with outbound type '{outbound}'."
        )
    return Verdict(
        kubernetes_version=version,
        bootstrap=bootstrap,
        network=network,
        outbound_type=outbound,
        delegate_subnets=delegate,
        warnings=warnings,
        ignored_fields=ignored,
    )


def _id(existing: Json) -> Json:
    return {"identity": existing.get("identity")} if existing.get("identity") else {}


def _check_api_version(body: Json, api_version: str) -> list[str]:
    """Reject (or, on very old api-versions, drop) fields the api-version does not know."""
    p = props(body)
    if p.get("bootstrapProfile") is None or supports_bootstrap_profile(api_version):
        return []
    if rejects_unknown_fields(api_version):
        raise bad(
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: 'Could not find "
            "member 'bootstrapProfile' on object of type 'Properties'. Path "
            f"'properties.bootstrapProfile'.' (api-version {api_version})",
            "properties.bootstrapProfile",
        )
    return ["bootstrapProfile"]


def _check_immutables(body: Json, existing: Json) -> None:
    p, old = props(body), props(existing)
    new_loc = str(body.get("location") or "").replace(" ", "").lower()
    old_loc = str(existing.get("location") or "").replace(" ", "").lower()
    if new_loc and old_loc and new_loc != old_loc:
        raise bad("PropertyChangeNotAllowed", "Changing property 'location' is not allowed.")
    for key in ("dnsPrefix", "nodeResourceGroup", "fqdnSubdomain"):
        new, was = p.get(key), old.get(key)
        if new and was and str(new).lower() != str(was).lower():
            raise bad("PropertyChangeNotAllowed", f"Changing property '{key}' is not allowed.", key)
    old_pools = {str(x.get("name", "")).lower(): x for x in pools(existing)}
    for pool in pools(body):
        was_pool = old_pools.get(str(pool.get("name", "")).lower())
        if was_pool is None:
            continue
        new_sid, old_sid = pool.get("vnetSubnetID"), was_pool.get("vnetSubnetID")
        if new_sid and old_sid and not same_id(new_sid, old_sid):
            raise bad(
                "PropertyChangeNotAllowed",
                f"Changing property 'vnetSubnetID' of agent pool '{pool.get('name')}' is not "
                "allowed.",
                "agentPoolProfiles.vnetSubnetID",
            )
    new_plugin = (p.get("networkProfile") or {}).get("networkPlugin")
    old_plugin = (old.get("networkProfile") or {}).get("networkPlugin")
    changed = bool(new_plugin and old_plugin) and str(new_plugin).lower() != str(old_plugin).lower()
    kubenet_to_azure = str(old_plugin).lower() == "kubenet" and str(new_plugin).lower() == "azure"
    if changed and not kubenet_to_azure:
        raise bad(
            "PropertyChangeNotAllowed",
            "Changing property 'networkProfile.networkPlugin' is not allowed.",
        )
    was_vnet = (old.get("apiServerAccessProfile") or {}).get("enableVnetIntegration")
    now_vnet = (p.get("apiServerAccessProfile") or {}).get("enableVnetIntegration")
    if was_vnet and now_vnet is False:
        raise bad(
            "PropertyChangeNotAllowed",
            "API Server VNet Integration cannot be disabled once enabled.",
            "apiServerAccessProfile.enableVnetIntegration",
        )


def version_error(version: str) -> RuleError:
    """ARM's answer to a Kubernetes version the region does not offer."""
    return bad(
        "AgentPoolK8sVersionNotSupported",
        f"Version {version} is not supported in this region. Please use [az aks get-versions] "
        "command to get the supported version list in this region. For more information, "
        "please check https://aka.ms/supported-version-list",
    )


def _check_versions(body: Json, existing: Json | None) -> str:
    p = props(body)
    requested = p.get("kubernetesVersion")
    if not requested and existing is not None:
        requested = props(existing).get("currentKubernetesVersion") or props(existing).get(
            "kubernetesVersion"
        )
    resolved = aks_versions.resolve(requested)
    if resolved is None:
        raise version_error(str(requested))
    for pool in pools(body):
        pool_version = pool.get("orchestratorVersion")
        if pool_version and aks_versions.resolve(pool_version) is None:
            raise version_error(str(pool_version))
    return resolved


def _check_cache_compatibility(
    body: Json, p: Json, network: Json, source: str, version: str
) -> None:
    if source != CACHE:
        return

    def not_allowed(feature: str) -> RuleError:
        return bad(
            "BootstrapArtifactSourceNotAllowed",
            f"When feature \"{feature}\" is enabled, bootstrapProfile.artifactSource 'Cache' "
            "is not allowed",
            "bootstrapProfile.artifactSource",
        )

    if is_service_principal_cluster(body):
        raise not_allowed("ServicePrincipalCluster")
    if any(str(x.get("osType", "")).lower() == "windows" for x in pools(body)):
        raise not_allowed("WindowsAgentPool")
    if str(network.get("networkPlugin", "")).lower() == "kubenet":
        raise not_allowed("Kubenet")
    channel = (p.get("autoUpgradeProfile") or {}).get("nodeOSUpgradeChannel")
    if channel and str(channel).lower() == "unmanaged":
        raise not_allowed("NodeOSUpgradeChannelUnmanaged")
    if not aks_versions.is_at_least(version, "1.30"):
        raise bad(
            "BootstrapArtifactSourceNotAllowed",
            f"bootstrapProfile.artifactSource 'Cache' requires Kubernetes version 1.30.0 or "
            f"later; the cluster is on {version}.",
            "bootstrapProfile.artifactSource",
        )


def _check_isolation(
    body: Json,
    existing: Json | None,
    api_version: str,
    outbound: str,
    source: str,
    pools_not_reimaged: Iterable[str],
) -> None:
    if outbound in ISOLATED_OUTBOUND and source != CACHE:
        raise bad(
            "InvalidNetworkIsolatedClusterConfiguration",
            "When outbound type is none or block, bootstrapProfile.artifactSource must be 'Cache'",
            "bootstrapProfile.artifactSource",
        )
    if outbound == "block":
        if not supports_block(api_version):
            raise bad(
                "InvalidParameter",
                "Outbound type 'block' is only available in preview api-versions "
                f"(2024-07-02-preview or later); the request used api-version {api_version}.",
                "networkProfile.outboundType",
            )
        for pool in pools(body):
            if pool.get("vnetSubnetID"):
                raise bad(
                    "InvalidParameter",
                    f"Outbound type is block but agent pool '{pool.get('name')}' is using "
                    "custom VNet, which is not allowed.",
                    "networkProfile.outboundType",
                )
    if existing is None:
        return
    old_source = effective_bootstrap({}, existing)["artifactSource"]
    old_outbound = effective_network({}, existing)["outboundType"]
    if old_source == CACHE and source == DIRECT:
        tags = existing.get("tags") or {}
        if str(tags.get(DENY_DIRECT_TAG, "")).lower() == "true":
            raise bad(
                "BootstrapArtifactSourceNotAllowed",
                "BootstrapProfile artifact source cannot be changed from 'Cache' to 'Direct'",
                "bootstrapProfile.artifactSource",
            )
    if outbound in ISOLATED_OUTBOUND and old_outbound not in ISOLATED_OUTBOUND:
        if old_source != CACHE:
            raise bad(
                "InvalidNetworkIsolatedClusterConfiguration",
                "bootstrapProfile.artifactSource and networkProfile.outboundType cannot be "
                f"changed to 'Cache' and '{outbound}' in the same operation. Update the "
                "artifact source to 'Cache', reimage all node pools (node image upgrade), "
                f"then update the outbound type to '{outbound}'.",
                "networkProfile.outboundType",
            )
        waiting = sorted(set(pools_not_reimaged))
        if waiting:
            raise bad(
                "InvalidNetworkIsolatedClusterConfiguration",
                f"Cannot change networkProfile.outboundType to '{outbound}' before every node "
                "has been reimaged with bootstrapProfile.artifactSource 'Cache'. Agent pools "
                f"not yet reimaged: {', '.join(waiting)}. Run a node image upgrade on them "
                "first.",
                "networkProfile.outboundType",
            )
