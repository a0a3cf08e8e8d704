"""Validation of a managed-cluster PUT, the way AKS validates it.

Pure functions over the desired body, the stored cluster (None on create), the api-version and a
read-only `Lookup` of the store. A broken rule raises `RuleError(status, code, message)`; the
provider turns it into ARM's `{"error": {...}}` body. A passing PUT returns a `Verdict` with the
effective values the provider stores (resolved version, merged bootstrap and network profiles)
and the side effects AKS performs (delegating an API-server subnet).

Error codes: confirmed ones come from public AKS error reports (see the table in
`CODES` below); the others are ARM-style guesses and say so there.

Emulator-only convention: the cluster tag `aksiso-emulator/deny-direct: "true"` makes a
Cache -> Direct update fail with `BootstrapArtifactSourceNotAllowed`, as some real clusters do.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from aksiso_tui.emulator import aks_versions
from aksiso_tui.netpath.aks_lookup import (
    CONTRIBUTOR,
    MANAGED_IDENTITY_OPERATOR,
    NETWORK_CONTRIBUTOR,
    OWNER,
    Json,
    Lookup,
    delegation_services,
    has_role,
    identity_principal,
    last_segment,
    props,
    same_id,
    subnet_networks,
    vnet_of_subnet,
)

DENY_DIRECT_TAG = "aksiso-emulator/deny-direct"
AKS_DELEGATION = "Microsoft.ContainerService/managedClusters"

CACHE = "Cache"
DIRECT = "Direct"
OUTBOUND_TYPES = {
    "loadbalancer": "loadBalancer",
    "userdefinedrouting": "userDefinedRouting",
    "managednatgateway": "managedNATGateway",
    "userassignednatgateway": "userAssignedNATGateway",
    "none": "none",
    "block": "block",
}
ISOLATED_OUTBOUND = {"none", "block"}

# code -> (confirmed?, where it comes from). Documentation only; the tests assert the codes.
CODES: dict[str, str] = {
    "AgentPoolK8sVersionNotSupported": "confirmed (public AKS error reports)",
    "BootstrapArtifactSourceNotAllowed": "confirmed for ServicePrincipalCluster and Cache->Direct;"
    " reused (guess) for Windows pools, kubenet, Kubernetes < 1.30, Unmanaged node OS channel",
    "InvalidNetworkIsolatedClusterConfiguration": "confirmed (outbound none/block without Cache;"
    " Cache + none in one update; outbound none before reimage)",
    "SubnetIsDelegated": "confirmed (message from public reports)",
    "SubnetNotFound": "confirmed (message from public reports)",
    "CustomKubeletIdentityMissingPermissionError": "named in the brief as the real code",
    "ExistingRouteTableNotAssociatedWithSubnet": "known AKS code for UDR without a route table",
    "PropertyChangeNotAllowed": "known AKS code for immutable properties",
    "InvalidRequestContent": "ARM code for unknown fields (message shape guessed)",
    "InvalidParameter": "generic AKS code; used for block/custom VNet (message by analogy with"
    " managedNATGateway), block on a stable api-version, API-server subnet rules, missing"
    " identities and registries (guesses)",
    "LinkedAuthorizationFailed": "ARM code; used (guess) when the control-plane identity lacks"
    " Network Contributor on the API-server subnet",
}


@dataclass
class RuleError(Exception):
    """A rejected PUT: HTTP status, ARM error code and message."""

    status: int
    code: str
    message: str
    target: str | None = None

    def __str__(self) -> str:
        return f"({self.code}) {self.message}"


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


def _bad(code: str, message: str, target: str | None = None) -> RuleError:
    return RuleError(400, code, message, target)


# --- api-versions -------------------------------------------------------------------------

_API = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(-preview)?$", re.IGNORECASE)


def parse_api_version(api_version: str) -> tuple[date, bool] | None:
    """`2025-01-01` -> (date, False); `2024-07-02-preview` -> (date, True); else None."""
    match = _API.match(api_version.strip())
    if not match:
        return None
    year, month, day, preview = match.groups()
    return date(int(year), int(month), int(day)), bool(preview)


def supports_bootstrap_profile(api_version: str) -> bool:
    """bootstrapProfile exists from 2024-07-02-preview (preview) and 2025-01-01 (stable)."""
    parsed = parse_api_version(api_version)
    if parsed is None:
        return True
    when, preview = parsed
    return when >= (date(2024, 7, 2) if preview else date(2025, 1, 1))


def rejects_unknown_fields(api_version: str) -> bool:
    """AKS api-versions from 2024-01-01 on reject unknown fields; older ones ignore them."""
    parsed = parse_api_version(api_version)
    return parsed is None or parsed[0] >= date(2024, 1, 1)


def supports_block(api_version: str) -> bool:
    """Outbound type `block` needs a preview api-version from 2024-07-02-preview on."""
    parsed = parse_api_version(api_version)
    return parsed is not None and parsed[1] and parsed[0] >= date(2024, 7, 2)


# --- small readers ------------------------------------------------------------------------


def canonical_source(value: Any) -> str | None:
    """`cache` -> `Cache`, `direct` -> `Direct`, None stays None."""
    if value is None:
        return None
    text = str(value)
    for name in (CACHE, DIRECT):
        if text.lower() == name.lower():
            return name
    return text


def canonical_outbound(value: Any) -> str | None:
    """The canonical spelling of an outbound type (unknown values returned unchanged)."""
    if value is None:
        return None
    return OUTBOUND_TYPES.get(str(value).lower(), str(value))


def pools(body: Json | None) -> list[Json]:
    """The agentPoolProfiles of a cluster body."""
    return list(props(body).get("agentPoolProfiles") or [])


def node_subnet_ids(body: Json | None) -> list[str]:
    """The distinct custom node subnets (vnetSubnetID) of a cluster body."""
    seen: list[str] = []
    for pool in pools(body):
        sid = pool.get("vnetSubnetID")
        if sid and not any(same_id(sid, s) for s in seen):
            seen.append(str(sid))
    return seen


def is_service_principal_cluster(body: Json) -> bool:
    """A cluster that authenticates with a service principal instead of a managed identity."""
    identity = body.get("identity") or {}
    identity_type = str(identity.get("type") or "None")
    client_id = (props(body).get("servicePrincipalProfile") or {}).get("clientId")
    return identity_type.lower() == "none" and bool(client_id) and str(client_id).lower() != "msi"


def control_plane_identity_ids(body: Json) -> list[str]:
    """The user-assigned control-plane identity ids of a cluster body."""
    identity = body.get("identity") or {}
    if str(identity.get("type") or "").lower() != "userassigned":
        return []
    return list((identity.get("userAssignedIdentities") or {}).keys())


def effective_bootstrap(desired: Json, existing: Json | None) -> Json:
    """The bootstrapProfile AKS ends up with.

    On an update, a body without `artifactSource` keeps the stored profile: a new
    `containerRegistryId` sent without `artifactSource: Cache` is silently ignored.
    """
    sent = props(desired).get("bootstrapProfile")
    stored = props(existing).get("bootstrapProfile") if existing else None
    base = {"artifactSource": DIRECT, "containerRegistryId": None}
    if stored:
        base = {
            "artifactSource": canonical_source(stored.get("artifactSource")) or DIRECT,
            "containerRegistryId": stored.get("containerRegistryId"),
        }
    if not sent:
        return base
    source = canonical_source(sent.get("artifactSource"))
    if source is None:
        return base if existing else {**base, "containerRegistryId": None}
    return {"artifactSource": source, "containerRegistryId": sent.get("containerRegistryId")}


def effective_network(desired: Json, existing: Json | None) -> Json:
    """networkProfile with stored values kept where the body leaves them out."""
    stored = copy.deepcopy(props(existing).get("networkProfile") or {}) if existing else {}
    for key, value in (props(desired).get("networkProfile") or {}).items():
        if value is not None:
            stored[key] = value
    stored.setdefault("networkPlugin", "azure")
    stored["outboundType"] = canonical_outbound(stored.get("outboundType")) or "loadBalancer"
    return stored


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
        raise _bad(
            "InvalidParameter",
            f"The value '{outbound}' of networkProfile.outboundType is invalid.",
            "networkProfile.outboundType",
        )
    identity_body = body if body.get("identity") or existing is None else {**body, **_id(existing)}
    _check_cache_compatibility(identity_body, p, network, source, version)
    _check_isolation(body, existing, api_version, outbound, source, pools_not_reimaged)
    if source == CACHE and bootstrap.get("containerRegistryId"):
        _check_registry(lookup, str(bootstrap["containerRegistryId"]))

    warnings: list[str] = []
    _check_node_subnets(body, lookup, outbound, warnings)
    _check_identities(identity_body, existing, lookup)
    _warn_node_subnet_permissions(identity_body, existing, lookup, warnings)
    delegate = _check_api_server_subnet(identity_body, existing, lookup)
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
        raise _bad(
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
        raise _bad("PropertyChangeNotAllowed", "Changing property 'location' is not allowed.")
    for key in ("dnsPrefix", "nodeResourceGroup", "fqdnSubdomain"):
        new, was = p.get(key), old.get(key)
        if new and was and str(new).lower() != str(was).lower():
            raise _bad(
                "PropertyChangeNotAllowed", f"Changing property '{key}' is not allowed.", key
            )
    old_pools = {str(x.get("name", "")).lower(): x for x in pools(existing)}
    for pool in pools(body):
        was_pool = old_pools.get(str(pool.get("name", "")).lower())
        if was_pool is None:
            continue
        new_sid, old_sid = pool.get("vnetSubnetID"), was_pool.get("vnetSubnetID")
        if new_sid and old_sid and not same_id(new_sid, old_sid):
            raise _bad(
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
        raise _bad(
            "PropertyChangeNotAllowed",
            "Changing property 'networkProfile.networkPlugin' is not allowed.",
        )
    was_vnet = (old.get("apiServerAccessProfile") or {}).get("enableVnetIntegration")
    now_vnet = (p.get("apiServerAccessProfile") or {}).get("enableVnetIntegration")
    if was_vnet and now_vnet is False:
        raise _bad(
            "PropertyChangeNotAllowed",
            "API Server VNet Integration cannot be disabled once enabled.",
            "apiServerAccessProfile.enableVnetIntegration",
        )


def version_error(version: str) -> RuleError:
    """ARM's answer to a Kubernetes version the region does not offer."""
    return _bad(
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
        return _bad(
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
        raise _bad(
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
        raise _bad(
            "InvalidNetworkIsolatedClusterConfiguration",
            "When outbound type is none or block, bootstrapProfile.artifactSource must be 'Cache'",
            "bootstrapProfile.artifactSource",
        )
    if outbound == "block":
        if not supports_block(api_version):
            raise _bad(
                "InvalidParameter",
                "Outbound type 'block' is only available in preview api-versions "
                f"(2024-07-02-preview or later); the request used api-version {api_version}.",
                "networkProfile.outboundType",
            )
        for pool in pools(body):
            if pool.get("vnetSubnetID"):
                raise _bad(
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
            raise _bad(
                "BootstrapArtifactSourceNotAllowed",
                "BootstrapProfile artifact source cannot be changed from 'Cache' to 'Direct'",
                "bootstrapProfile.artifactSource",
            )
    if outbound in ISOLATED_OUTBOUND and old_outbound not in ISOLATED_OUTBOUND:
        if old_source != CACHE:
            raise _bad(
                "InvalidNetworkIsolatedClusterConfiguration",
                "bootstrapProfile.artifactSource and networkProfile.outboundType cannot be "
                f"changed to 'Cache' and '{outbound}' in the same operation. Update the "
                "artifact source to 'Cache', reimage all node pools (node image upgrade), "
                f"then update the outbound type to '{outbound}'.",
                "networkProfile.outboundType",
            )
        waiting = sorted(set(pools_not_reimaged))
        if waiting:
            raise _bad(
                "InvalidNetworkIsolatedClusterConfiguration",
                f"Cannot change networkProfile.outboundType to '{outbound}' before every node "
                "has been reimaged with bootstrapProfile.artifactSource 'Cache'. Agent pools "
                f"not yet reimaged: {', '.join(waiting)}. Run a node image upgrade on them "
                "first.",
                "networkProfile.outboundType",
            )


def _check_registry(lookup: Lookup, registry_id: str) -> None:
    registry = lookup.get(registry_id)
    target = "bootstrapProfile.containerRegistryId"
    if registry is None:
        raise _bad(
            "InvalidParameter",
            f"The container registry '{registry_id}' in bootstrapProfile.containerRegistryId "
            "was not found.",
            target,
        )
    sku = str((registry.get("sku") or {}).get("name", "")).lower()
    if sku != "premium":
        raise _bad(
            "InvalidParameter",
            f"The container registry '{last_segment(registry_id)}' must use the Premium SKU "
            f"to be used as a bootstrap artifact source; its SKU is '{sku or 'unknown'}'.",
            target,
        )
    policy = (props(registry).get("policies") or {}).get("azureADAuthenticationAsArmPolicy")
    if policy and str(policy.get("status", "")).lower() == "disabled":
        raise _bad(
            "InvalidParameter",
            f"The container registry '{last_segment(registry_id)}' has "
            "azureADAuthenticationAsArmPolicy disabled, which network isolated clusters do "
            "not support.",
            target,
        )


def _check_node_subnets(body: Json, lookup: Lookup, outbound: str, warnings: list[str]) -> None:
    for pool in pools(body):
        sid = pool.get("vnetSubnetID")
        if not sid:
            if outbound == "userDefinedRouting":
                raise _bad(
                    "InvalidParameter",
                    "Outbound type userDefinedRouting requires a custom VNet "
                    f"(agentPoolProfiles.vnetSubnetID) for agent pool '{pool.get('name')}'.",
                    "networkProfile.outboundType",
                )
            continue
        subnet = _subnet_or_error(lookup, str(sid))
        if delegation_services(subnet):
            raise _bad(
                "SubnetIsDelegated",
                f"AgentPoolProfile.VnetSubnetID {sid} cannot be used as it's a delegated "
                "subnet. Please check https://aka.ms/adv-network-prerequest for more details.",
                "agentPoolProfile.vnetSubnetID",
            )
        if outbound == "userDefinedRouting" and not (props(subnet).get("routeTable") or {}).get(
            "id"
        ):
            raise _bad(
                "ExistingRouteTableNotAssociatedWithSubnet",
                f"An existing route table has not been associated with subnet {sid}. Please "
                "update the route table association.",
                "agentPoolProfile.vnetSubnetID",
            )


def _warn_node_subnet_permissions(
    body: Json, existing: Json | None, lookup: Lookup, warnings: list[str]
) -> None:
    """AKS does not block creation on this (the az CLI grants the role itself): warn only."""
    control = control_plane_identity_ids(body)
    if not control or existing is not None:
        return
    principal = identity_principal(lookup, control[0])
    for sid in node_subnet_ids(body):
        if not has_role(lookup, principal, {NETWORK_CONTRIBUTOR, CONTRIBUTOR, OWNER}, sid):
            warnings.append(
                f"The control plane identity has no 'Network Contributor' on node subnet {sid};"
                " load balancer and route updates in that subnet will fail."
            )


def _subnet_or_error(lookup: Lookup, sid: str) -> Json:
    if "/subnets/" not in sid.lower() or not sid.startswith("/subscriptions/"):
        raise _bad(
            "LinkedInvalidPropertyId",
            f"Property id '{sid}' at path 'properties.agentPoolProfiles[].vnetSubnetID' is "
            "invalid. Expect fully qualified resource Id that start with "
            "'/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.",
        )
    subnet = lookup.get(sid)
    if subnet is None:
        parts = sid.split("/")
        sub = parts[2] if len(parts) > 2 else "?"
        rg = parts[4] if len(parts) > 4 else "?"
        raise _bad(
            "SubnetNotFound",
            f"Could not find subnet {last_segment(sid)} in vnet "
            f"{last_segment(vnet_of_subnet(sid))} from resource group {rg} of subscription "
            f"{sub}.",
        )
    return subnet


def _check_identities(body: Json, existing: Json | None, lookup: Lookup) -> None:
    for identity_id in control_plane_identity_ids(body):
        if lookup.get(identity_id) is None:
            raise _bad(
                "InvalidParameter",
                f"The user-assigned identity '{identity_id}' in identity.userAssignedIdentities "
                "was not found.",
                "identity.userAssignedIdentities",
            )
    kubelet = (props(body).get("identityProfile") or {}).get("kubeletidentity") or {}
    kubelet_id = kubelet.get("resourceId")
    if not kubelet_id:
        return
    stored = (props(existing).get("identityProfile") or {}).get("kubeletidentity") or {}
    if existing is not None and same_id(stored.get("resourceId"), kubelet_id):
        return  # round-tripped, already validated on create
    if lookup.get(str(kubelet_id)) is None:
        raise _bad(
            "InvalidParameter",
            f"The kubelet identity '{kubelet_id}' in identityProfile.kubeletidentity was not "
            "found.",
            "identityProfile.kubeletidentity.resourceId",
        )
    control = control_plane_identity_ids(body)
    if not control:
        raise _bad(
            "InvalidParameter",
            "A custom kubelet identity requires a user-assigned control plane identity.",
            "identityProfile.kubeletidentity",
        )
    principal = identity_principal(lookup, control[0])
    if not has_role(lookup, principal, {MANAGED_IDENTITY_OPERATOR, OWNER}, str(kubelet_id)):
        raise _bad(
            "CustomKubeletIdentityMissingPermissionError",
            f"The cluster using user-assigned managed identity must be granted 'Managed "
            f"Identity Operator' role to assign kubelet identity. The control plane identity "
            f"'{control[0]}' (principal {principal}) has no such role assignment on "
            f"'{kubelet_id}'.",
            "identityProfile.kubeletidentity",
        )


def _check_api_server_subnet(body: Json, existing: Json | None, lookup: Lookup) -> list[str]:
    profile = props(body).get("apiServerAccessProfile") or {}
    if not profile.get("enableVnetIntegration"):
        return []
    sid = profile.get("subnetId")
    node_subnets = node_subnet_ids(body)
    if not sid:
        if node_subnets:
            raise _bad(
                "InvalidParameter",
                "apiServerAccessProfile.subnetId is required when enableVnetIntegration is "
                "true and the cluster uses a custom VNet.",
                "apiServerAccessProfile.subnetId",
            )
        return []
    stored_sid = (props(existing).get("apiServerAccessProfile") or {}).get("subnetId")
    already_ours = existing is not None and same_id(stored_sid, sid)
    target = "apiServerAccessProfile.subnetId"
    subnet = lookup.get(str(sid))
    if subnet is None:
        raise _bad("InvalidParameter", f"The API server subnet '{sid}' was not found.", target)
    if any(same_id(sid, n) for n in node_subnets):
        raise _bad(
            "InvalidParameter",
            "The API server subnet must be a dedicated subnet, not an agent pool subnet.",
            target,
        )
    if node_subnets and not same_id(vnet_of_subnet(str(sid)), vnet_of_subnet(node_subnets[0])):
        raise _bad(
            "InvalidParameter",
            "The API server subnet must be in the same virtual network as the agent pools.",
            target,
        )
    networks = subnet_networks(subnet)
    if networks and min(n.prefixlen for n in networks) > 28:
        raise _bad(
            "InvalidParameter",
            f"The API server subnet '{last_segment(str(sid))}' must be at least /28; its prefix "
            f"is /{networks[0].prefixlen}.",
            target,
        )
    services = delegation_services(subnet)
    if any(s.lower() != AKS_DELEGATION.lower() for s in services):
        raise _bad(
            "InvalidParameter",
            f"The API server subnet '{last_segment(str(sid))}' is delegated to "
            f"{', '.join(services)}; it must be delegated to {AKS_DELEGATION} or not delegated.",
            target,
        )
    p = props(subnet)
    if not already_ours and (p.get("ipConfigurations") or p.get("privateEndpoints")):
        raise _bad(
            "InvalidParameter",
            f"The API server subnet '{last_segment(str(sid))}' is in use by other resources "
            "(network interfaces or private endpoints); it must be dedicated to the API server.",
            target,
        )
    control = control_plane_identity_ids(body)
    if control and not already_ours:
        principal = identity_principal(lookup, control[0])
        roles = {NETWORK_CONTRIBUTOR, CONTRIBUTOR, OWNER}
        if not has_role(lookup, principal, roles, str(sid)):
            raise RuleError(
                400,
                "LinkedAuthorizationFailed",
                f"The client '{principal}' with object id '{principal}' does not have "
                "permission to perform action 'Microsoft.Network/virtualNetworks/subnets/"
                f"join/action' on the linked scope(s) '{sid}' or the linked scope(s) are "
                "invalid. Grant the control plane identity 'Network Contributor' on the API "
                "server subnet.",
                target,
            )
    return [] if services else [str(sid)]
