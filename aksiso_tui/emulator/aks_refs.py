"""The managed-cluster PUT rules about resources the body points at.

Registries, node and API-server subnets, user-assigned identities and the role assignments AKS
needs on them, all read through a read-only `Lookup` of the store.
"""

from __future__ import annotations

from aksiso_tui.emulator.aks_body import control_plane_identity_ids, node_subnet_ids, pools
from aksiso_tui.emulator.aks_errors import RuleError, bad
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

AKS_DELEGATION = "Microsoft.ContainerService/managedClusters"


def check_registry(lookup: Lookup, registry_id: str) -> None:
    registry = lookup.get(registry_id)
    target = "bootstrapProfile.containerRegistryId"
    if registry is None:
        raise bad(
            "InvalidParameter",
            f"The container registry '{registry_id}' in bootstrapProfile.containerRegistryId "
            "was not found.",
            target,
        )
    sku = str((registry.get("sku") or {}).get("name", "")).lower()
    if sku != "premium":
        raise bad(
            "InvalidParameter",
            f"The container registry '{last_segment(registry_id)}' must use the Premium SKU "
            f"to be used as a bootstrap artifact source; its SKU is '{sku or 'unknown'}'.",
            target,
        )
    policy = (props(registry).get("policies") or {}).get("azureADAuthenticationAsArmPolicy")
    if policy and str(policy.get("status", "")).lower() == "disabled":
        raise bad(
            "InvalidParameter",
            f"The container registry '{last_segment(registry_id)}' has "
            "azureADAuthenticationAsArmPolicy disabled, which network isolated clusters do "
            "not support.",
            target,
        )


def check_node_subnets(body: Json, lookup: Lookup, outbound: str, warnings: list[str]) -> None:
    for pool in pools(body):
        sid = pool.get("vnetSubnetID")
        if not sid:
            if outbound == "userDefinedRouting":
                raise bad(
                    "InvalidParameter",
                    "Outbound type userDefinedRouting requires a custom VNet "
                    f"(agentPoolProfiles.vnetSubnetID) for agent pool '{pool.get('name')}'.",
                    "networkProfile.outboundType",
                )
            continue
        subnet = _subnet_or_error(lookup, str(sid))
        if delegation_services(subnet):
            raise bad(
                "SubnetIsDelegated",
                f"AgentPoolProfile.VnetSubnetID {sid} cannot be used as it's a delegated "
                "subnet. Please check https://aka.ms/adv-network-prerequest for more details.",
                "agentPoolProfile.vnetSubnetID",
            )
        if outbound == "userDefinedRouting" and not (props(subnet).get("routeTable") or {}).get(
            "id"
        ):
            raise bad(
                "ExistingRouteTableNotAssociatedWithSubnet",
                f"An existing route table has not been associated with subnet {sid}. Please "
                "update the route table association.",
                "agentPoolProfile.vnetSubnetID",
            )


def warn_node_subnet_permissions(
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
        raise bad(
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
        raise bad(
            "SubnetNotFound",
            f"Could not find subnet {last_segment(sid)} in vnet "
            f"{last_segment(vnet_of_subnet(sid))} from resource group {rg} of subscription "
            f"{sub}.",
        )
    return subnet


def check_identities(body: Json, existing: Json | None, lookup: Lookup) -> None:
    for identity_id in control_plane_identity_ids(body):
        if lookup.get(identity_id) is None:
            raise bad(
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
        raise bad(
            "InvalidParameter",
            f"The kubelet identity '{kubelet_id}' in identityProfile.kubeletidentity was not "
            "found.",
            "identityProfile.kubeletidentity.resourceId",
        )
    control = control_plane_identity_ids(body)
    if not control:
        raise bad(
            "InvalidParameter",
            "A custom kubelet identity requires a user-assigned control plane identity.",
            "identityProfile.kubeletidentity",
        )
    principal = identity_principal(lookup, control[0])
    if not has_role(lookup, principal, {MANAGED_IDENTITY_OPERATOR, OWNER}, str(kubelet_id)):
        raise bad(
            "CustomKubeletIdentityMissingPermissionError",
            f"The cluster using user-assigned managed identity must be granted 'Managed "
            f"Identity Operator' role to assign kubelet identity. The control plane identity "
            f"'{control[0]}' (principal {principal}) has no such role assignment on "
            f"'{kubelet_id}'.",
            "identityProfile.kubeletidentity",
        )


def check_api_server_subnet(body: Json, existing: Json | None, lookup: Lookup) -> list[str]:
    profile = props(body).get("apiServerAccessProfile") or {}
    if not profile.get("enableVnetIntegration"):
        return []
    sid = profile.get("subnetId")
    node_subnets = node_subnet_ids(body)
    if not sid:
        if node_subnets:
            raise bad(
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
        raise bad("InvalidParameter", f"The API server subnet '{sid}' was not found.", target)
    if any(same_id(sid, n) for n in node_subnets):
        raise bad(
            "InvalidParameter",
            "The API server subnet must be a dedicated subnet, not an agent pool subnet.",
            target,
        )
    if node_subnets and not same_id(vnet_of_subnet(str(sid)), vnet_of_subnet(node_subnets[0])):
        raise bad(
            "InvalidParameter",
            "The API server subnet must be in the same virtual network as the agent pools.",
            target,
        )
    networks = subnet_networks(subnet)
    if networks and min(n.prefixlen for n in networks) > 28:
        raise bad(
            "InvalidParameter",
            f"The API server subnet '{last_segment(str(sid))}' must be at least /28; its prefix "
            f"is /{networks[0].prefixlen}.",
            target,
        )
    services = delegation_services(subnet)
    if any(s.lower() != AKS_DELEGATION.lower() for s in services):
        raise bad(
            "InvalidParameter",
            f"The API server subnet '{last_segment(str(sid))}' is delegated to "
            f"{', '.join(services)}; it must be delegated to {AKS_DELEGATION} or not delegated.",
            target,
        )
    p = props(subnet)
    if not already_ours and (p.get("ipConfigurations") or p.get("privateEndpoints")):
        raise bad(
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
