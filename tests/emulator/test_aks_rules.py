"""The AKS cluster PUT rules (pure): every AZURE_FACTS rule raises the ARM code AKS raises."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from aksiso_tui.emulator import aks_versions
from aksiso_tui.emulator.aks_body import effective_bootstrap
from aksiso_tui.emulator.aks_errors import RuleError
from aksiso_tui.emulator.aks_rules import DENY_DIRECT_TAG, validate_managed_cluster
from tests.emulator.aks_topology import (
    LOC,
    Topo,
    byo_topology,
    cluster_body,
    res_id,
    stored_cluster,
)

API = "2026-08-01"
PREVIEW = "2025-10-02-preview"


def code_of(
    body: dict[str, Any], t: Topo, existing: dict[str, Any] | None = None, api: str = API, **kw: Any
) -> str:
    with pytest.raises(RuleError) as info:
        validate_managed_cluster(body, existing, api, t.store, **kw)
    return info.value.code


def test_seed_000_body_is_valid() -> None:
    t = byo_topology()
    verdict = validate_managed_cluster(cluster_body(t), None, API, t.store)
    assert verdict.kubernetes_version == "1.30.3"
    assert verdict.bootstrap == {"artifactSource": "Cache", "containerRegistryId": t.registry}
    assert verdict.outbound_type == "none"
    assert verdict.warnings == []


def test_defaults_and_version_resolution() -> None:
    t = byo_topology()
    body = cluster_body(t, source=None, outbound="loadBalancer", version="")
    verdict = validate_managed_cluster(body, None, API, t.store)
    assert verdict.kubernetes_version == aks_versions.default_version()
    assert verdict.bootstrap["artifactSource"] == "Direct"
    assert (
        validate_managed_cluster(
            cluster_body(t, version="1.31"), None, API, t.store
        ).kubernetes_version
        == "1.31.10"
    )


@pytest.mark.parametrize("version", ["1.27.1", "1.30.99", "banana"])
def test_unsupported_version(version: str) -> None:
    t = byo_topology()
    assert code_of(cluster_body(t, version=version), t) == "AgentPoolK8sVersionNotSupported"


def test_cache_needs_1_30() -> None:
    t = byo_topology()
    assert code_of(cluster_body(t, version="1.29.15"), t) == "BootstrapArtifactSourceNotAllowed"
    # 1.29 itself is offered (LTS) for Direct clusters
    validate_managed_cluster(
        cluster_body(t, version="1.29", source="Direct", outbound="loadBalancer"),
        None,
        API,
        t.store,
    )


def test_windows_pool_with_cache() -> None:
    t = byo_topology()
    body = cluster_body(t)
    body["properties"]["agentPoolProfiles"].append(
        {"name": "win", "osType": "Windows", "count": 1, "vnetSubnetID": t.aks_subnet}
    )
    assert code_of(body, t) == "BootstrapArtifactSourceNotAllowed"


def test_kubenet_with_cache() -> None:
    t = byo_topology()
    body = cluster_body(t)
    body["properties"]["networkProfile"]["networkPlugin"] = "kubenet"
    assert code_of(body, t) == "BootstrapArtifactSourceNotAllowed"


def test_service_principal_with_cache() -> None:
    t = byo_topology()
    body = cluster_body(t, source="Cache", registry=False, custom_vnet=False, kubelet=False)
    body.pop("identity")
    body["properties"]["servicePrincipalProfile"] = {"clientId": "abc", "secret": "s"}
    with pytest.raises(RuleError) as info:
        validate_managed_cluster(body, None, API, t.store)
    assert info.value.code == "BootstrapArtifactSourceNotAllowed"
    assert "ServicePrincipalCluster" in info.value.message


def test_unmanaged_node_os_channel_with_cache() -> None:
    t = byo_topology()
    body = cluster_body(t, autoUpgradeProfile={"nodeOSUpgradeChannel": "Unmanaged"})
    assert code_of(body, t) == "BootstrapArtifactSourceNotAllowed"


@pytest.mark.parametrize("source", ["Direct", None])
def test_outbound_none_requires_cache(source: str | None) -> None:
    t = byo_topology()
    with pytest.raises(RuleError) as info:
        validate_managed_cluster(cluster_body(t, source=source, registry=False), None, API, t.store)
    assert info.value.code == "InvalidNetworkIsolatedClusterConfiguration"
    assert "must be 'Cache'" in info.value.message


def test_block_needs_preview_and_managed_vnet() -> None:
    t = byo_topology()
    managed = cluster_body(t, outbound="block", registry=False, custom_vnet=False, kubelet=False)
    assert code_of(managed, t, api=API) == "InvalidParameter"
    assert code_of(managed, t, api="2024-06-02-preview") == "InvalidRequestContent"
    validate_managed_cluster(managed, None, PREVIEW, t.store)
    byo = cluster_body(t, outbound="block")
    with pytest.raises(RuleError) as info:
        validate_managed_cluster(byo, None, PREVIEW, t.store)
    assert info.value.code == "InvalidParameter" and "custom VNet" in info.value.message


def test_bootstrap_profile_with_old_api_version() -> None:
    t = byo_topology()
    body = cluster_body(t, source="Cache", outbound="loadBalancer")
    assert code_of(body, t, api="2024-09-01") == "InvalidRequestContent"
    assert code_of(body, t, api="2024-05-02-preview") == "InvalidRequestContent"
    validate_managed_cluster(body, None, "2024-07-02-preview", t.store)
    verdict = validate_managed_cluster(body, None, "2023-08-01", t.store)  # old: field ignored
    assert verdict.ignored_fields == ["bootstrapProfile"]
    assert verdict.bootstrap["artifactSource"] == "Direct"


def test_unknown_outbound_type() -> None:
    t = byo_topology()
    assert code_of(cluster_body(t, outbound="carrierPigeon"), t) == "InvalidParameter"


def test_node_subnet_rules() -> None:
    t = byo_topology()
    body = cluster_body(t)
    body["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = t.aks_subnet + "-missing"
    assert code_of(body, t) == "SubnetNotFound"
    body["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = "snet-aks"
    assert code_of(body, t) == "LinkedInvalidPropertyId"
    t.patch(
        t.aks_subnet,
        delegations=[
            {
                "name": "d",
                "properties": {"serviceName": "Microsoft.ContainerService/managedClusters"},
            }
        ],
    )
    assert code_of(cluster_body(t), t) == "SubnetIsDelegated"


def test_udr_needs_route_table() -> None:
    t = byo_topology()
    body = cluster_body(t, source="Direct", registry=False, outbound="userDefinedRouting")
    assert code_of(body, t) == "ExistingRouteTableNotAssociatedWithSubnet"
    body = cluster_body(
        t,
        source="Direct",
        registry=False,
        outbound="userDefinedRouting",
        custom_vnet=False,
        kubelet=False,
    )
    assert code_of(body, t) == "InvalidParameter"


def test_identity_rules() -> None:
    t = byo_topology(mio=False)
    assert code_of(cluster_body(t), t) == "CustomKubeletIdentityMissingPermissionError"
    t = byo_topology()
    body = cluster_body(t)
    body["properties"]["identityProfile"]["kubeletidentity"]["resourceId"] = (
        t.kubelet_identity + "x"
    )
    assert code_of(body, t) == "InvalidParameter"
    body = cluster_body(t)
    body["identity"]["userAssignedIdentities"] = {t.cp_identity + "x": {}}
    assert code_of(body, t) == "InvalidParameter"


def test_missing_network_contributor_on_node_subnet_is_a_warning() -> None:
    t = byo_topology()
    t.store.delete(
        f"{t.aks_subnet}/providers/Microsoft.Authorization/roleAssignments/a0000000-0000-0000-0000-000000000003"
    )
    verdict = validate_managed_cluster(cluster_body(t), None, API, t.store)
    assert any("Network Contributor" in w for w in verdict.warnings)


def test_registry_rules() -> None:
    t = byo_topology(sku="Standard")
    assert code_of(cluster_body(t), t) == "InvalidParameter"
    t = byo_topology()
    t.patch(t.registry, policies={"azureADAuthenticationAsArmPolicy": {"status": "disabled"}})
    assert code_of(cluster_body(t), t) == "InvalidParameter"
    t = byo_topology()
    body = cluster_body(t)
    body["properties"]["bootstrapProfile"]["containerRegistryId"] = res_id(
        "Microsoft.ContainerRegistry/registries", "nope"
    )
    assert code_of(body, t) == "InvalidParameter"


def test_public_node_ip_warning() -> None:
    t = byo_topology()
    body = cluster_body(t)
    body["properties"]["agentPoolProfiles"][0]["enableNodePublicIP"] = True
    assert validate_managed_cluster(body, None, API, t.store).warnings


def _api_body(t: Topo) -> dict[str, Any]:
    return cluster_body(
        t,
        apiServerAccessProfile={
            "enableVnetIntegration": True,
            "enablePrivateCluster": True,
            "subnetId": t.api_subnet,
        },
    )


def test_api_server_subnet_gets_delegated() -> None:
    t = byo_topology(api_subnet=True)
    verdict = validate_managed_cluster(_api_body(t), None, API, t.store)
    assert verdict.delegate_subnets == [t.api_subnet]
    t.patch(
        t.api_subnet,
        delegations=[
            {
                "name": "aks",
                "properties": {"serviceName": "Microsoft.ContainerService/managedClusters"},
            }
        ],
    )
    assert validate_managed_cluster(_api_body(t), None, API, t.store).delegate_subnets == []


def test_api_server_subnet_rules() -> None:
    t = byo_topology(api_subnet=False)
    assert code_of(_api_body(t), t) == "InvalidParameter"  # not found
    no_id = cluster_body(t, apiServerAccessProfile={"enableVnetIntegration": True})
    assert code_of(no_id, t) == "InvalidParameter"  # subnetId required with a custom VNet
    t = byo_topology(api_subnet=True)
    t.patch(t.api_subnet, addressPrefix="192.168.3.0/29")
    assert code_of(_api_body(t), t) == "InvalidParameter"
    t = byo_topology(api_subnet=True)
    t.patch(
        t.api_subnet,
        delegations=[{"name": "x", "properties": {"serviceName": "Microsoft.Web/serverFarms"}}],
    )
    assert code_of(_api_body(t), t) == "InvalidParameter"
    t = byo_topology(api_subnet=True)
    t.patch(t.api_subnet, privateEndpoints=[{"id": t.pe}])
    assert code_of(_api_body(t), t) == "InvalidParameter"
    t = byo_topology(api_subnet=True)
    t.store.delete(
        f"{t.api_subnet}/providers/Microsoft.Authorization/roleAssignments/a0000000-0000-0000-0000-000000000004"
    )
    assert code_of(_api_body(t), t) == "LinkedAuthorizationFailed"


# --- updates --------------------------------------------------------------------------------


def direct_cluster(t: Topo, **tags: str) -> dict[str, Any]:
    return stored_cluster(
        cluster_body(t, source="Direct", registry=False, outbound="loadBalancer"), **tags
    )


def test_cache_and_none_in_one_update_rejected() -> None:
    t = byo_topology()
    existing = direct_cluster(t)
    assert code_of(cluster_body(t), t, existing) == "InvalidNetworkIsolatedClusterConfiguration"


def test_outbound_none_before_reimage_rejected() -> None:
    t = byo_topology()
    existing = stored_cluster(cluster_body(t, outbound="loadBalancer"))
    with pytest.raises(RuleError) as info:
        validate_managed_cluster(
            cluster_body(t), existing, API, t.store, pools_not_reimaged=["nodepool1"]
        )
    assert info.value.code == "InvalidNetworkIsolatedClusterConfiguration"
    assert "nodepool1" in info.value.message
    validate_managed_cluster(cluster_body(t), existing, API, t.store, pools_not_reimaged=[])


def test_migration_first_step_is_valid() -> None:
    t = byo_topology()
    existing = direct_cluster(t)
    verdict = validate_managed_cluster(
        cluster_body(t, outbound="loadBalancer"), existing, API, t.store
    )
    assert verdict.bootstrap["artifactSource"] == "Cache"


def test_cache_to_direct_denied_by_tag() -> None:
    t = byo_topology()
    body = cluster_body(t, source="Direct", registry=False, outbound="loadBalancer")
    plain = stored_cluster(cluster_body(t, outbound="loadBalancer"))
    validate_managed_cluster(body, plain, API, t.store)
    denied = stored_cluster(cluster_body(t, outbound="loadBalancer"), **{DENY_DIRECT_TAG: "true"})
    assert code_of(body, t, denied) == "BootstrapArtifactSourceNotAllowed"


def test_registry_change_without_cache_is_ignored() -> None:
    t = byo_topology()
    existing = stored_cluster(cluster_body(t))
    other = res_id("Microsoft.ContainerRegistry/registries", "otheracr")
    ignored = effective_bootstrap(
        {"properties": {"bootstrapProfile": {"containerRegistryId": other}}}, existing
    )
    assert ignored["containerRegistryId"] == t.registry
    applied = effective_bootstrap(
        {
            "properties": {
                "bootstrapProfile": {"artifactSource": "Cache", "containerRegistryId": other}
            }
        },
        existing,
    )
    assert applied["containerRegistryId"] == other


def test_round_trip_of_server_fields_is_not_a_change() -> None:
    t = byo_topology()
    existing = stored_cluster(cluster_body(t))
    existing["properties"]["nodeResourceGroup"] = f"MC_rg_aks_{LOC}"
    body = copy.deepcopy(existing)
    for key in ("id", "name", "type"):
        body.pop(key)
    validate_managed_cluster(body, existing, API, t.store)
    t.store.delete(
        f"{t.kubelet_identity}/providers/Microsoft.Authorization/roleAssignments/a0000000-0000-0000-0000-000000000002"
    )
    validate_managed_cluster(body, existing, API, t.store)  # kubelet identity unchanged: no recheck


def test_immutable_properties() -> None:
    t = byo_topology()
    existing = stored_cluster(cluster_body(t))
    body = cluster_body(t)
    body["properties"]["dnsPrefix"] = "other"
    assert code_of(body, t, existing) == "PropertyChangeNotAllowed"
    body = cluster_body(t)
    body["location"] = "westeurope"
    assert code_of(body, t, existing) == "PropertyChangeNotAllowed"


def test_version_list_shape() -> None:
    listing = aks_versions.kubernetes_version_list()
    values = listing["values"]
    assert isinstance(values, list)
    by_minor = {v["version"]: v for v in values}
    assert by_minor["1.29"]["capabilities"] == {"supportPlan": ["AKSLongTermSupport"]}
    assert "1.30.3" in by_minor["1.30"]["patchVersions"]
    assert sum(1 for v in values if v.get("isDefault")) == 1
