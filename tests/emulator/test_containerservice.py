"""Microsoft.ContainerService through the real azure-mgmt-containerservice clients."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.containerservice.aio import ContainerServiceClient as AioClient

from aksiso_tui.emulator import EmulatorServer, EmulatorThread
from aksiso_tui.emulator.testing import make_client
from tests.emulator.builders import AKS, LOC, RG, Seed

EXAMPLES = Path("/work/shared/arm-reference/examples/containerservice")


def error_code(call: Any) -> str:
    with pytest.raises(HttpResponseError) as info:
        call()
    assert info.value.error is not None
    return str(info.value.error.code)


def test_create_fills_server_fields_and_side_effects(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo(api_subnet=True)
    body = seed.cluster_body(
        apiServerAccessProfile={
            "enablePrivateCluster": True,
            "enableVnetIntegration": True,
            "subnetId": seed.ids["api_subnet"],
        }
    )
    mc = seed.create_cluster(body)
    assert mc.provisioning_state == "Succeeded" and mc.power_state.code == "Running"
    assert mc.node_resource_group == f"MC_{RG}_{AKS}_{LOC}"
    assert mc.private_fqdn.endswith(f".privatelink.{LOC}.azmk8s.io") and mc.fqdn is None
    assert (
        mc.network_profile.service_cidr == "10.0.0.0/16"
        and mc.network_profile.dns_service_ip == "10.0.0.10"
    )
    assert mc.bootstrap_profile.artifact_source == "Cache"
    assert (
        mc.identity.user_assigned_identities[seed.ids["cp"]].principal_id
        == seed.ids["cp_principal"]
    )
    assert mc.identity_profile["kubeletidentity"].object_id == seed.ids["kubelet_principal"]
    pool = mc.agent_pool_profiles[0]
    assert pool.provisioning_state == "Succeeded" and pool.current_orchestrator_version == "1.30.3"
    assert pool.node_image_version.startswith("AKSUbuntu-2204gen2containerd-")
    assert seed.rm.resource_groups.get(mc.node_resource_group).managed_by == mc.id
    zone = f"privatelink.{LOC}.azmk8s.io"
    assert seed.dns.private_zones.get(mc.node_resource_group, zone).number_of_record_sets >= 1
    links = list(seed.dns.virtual_network_links.list(mc.node_resource_group, zone))
    assert links and links[0].virtual_network.id.lower() == seed.ids["vnet"].lower()
    api = seed.net.subnets.get(RG, "vnet-spoke", "snet-apiserver")
    assert api.delegations[0].service_name == "Microsoft.ContainerService/managedClusters"
    # the node subnet is in use now
    assert (
        error_code(lambda: seed.net.subnets.begin_delete(RG, "vnet-spoke", "snet-aks").result())
        == "InUseSubnetCannotBeDeleted"
    )
    # a GET-modify-PUT round trip changes nothing
    again = seed.aks.managed_clusters.begin_create_or_update(
        RG, AKS, seed.aks.managed_clusters.get(RG, AKS)
    ).result()
    assert again.private_fqdn == mc.private_fqdn and again.provisioning_state == "Succeeded"


def test_validation_errors_reach_the_sdk(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    create = seed.aks.managed_clusters.begin_create_or_update
    assert (
        error_code(lambda: create(RG, AKS, seed.cluster_body(source="Direct")))  # type: ignore[call-overload]
        == "InvalidNetworkIsolatedClusterConfiguration"
    )
    assert (
        error_code(lambda: create(RG, AKS, seed.cluster_body(kubernetesVersion="1.29.15")))  # type: ignore[call-overload]
        == "BootstrapArtifactSourceNotAllowed"
    )
    assert (
        error_code(lambda: create(RG, AKS, seed.cluster_body(kubernetesVersion="1.20.7")))  # type: ignore[call-overload]
        == "AgentPoolK8sVersionNotSupported"
    )
    assert (
        error_code(lambda: create(RG, AKS, seed.cluster_body(outbound="block")))  # type: ignore[call-overload]
        == "InvalidParameter"
    )
    from azure.mgmt.containerservice import ContainerServiceClient

    old = make_client(
        ContainerServiceClient, sync_emulator.base_url, api_version="2024-09-01", retry_total=0
    )
    old_create = old.managed_clusters.begin_create_or_update
    assert error_code(lambda: old_create(RG, AKS, seed.cluster_body())) == "InvalidRequestContent"  # type: ignore[call-overload]
    body = seed.cluster_body()
    body["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] += "x"
    assert error_code(lambda: create(RG, AKS, body)) == "SubnetNotFound"  # type: ignore[call-overload]
    with pytest.raises(ResourceNotFoundError):
        seed.aks.managed_clusters.get(RG, AKS)


def test_lro_protocol_and_lists(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    poller = seed.aks.managed_clusters.begin_create_or_update(  # type: ignore[call-overload]
        RG, AKS, seed.cluster_body(source="Direct", outbound="loadBalancer")
    )
    first = poller.polling_method()._initial_response.http_response  # type: ignore[attr-defined]
    assert first.status_code == 201 and "Azure-AsyncOperation" in first.headers
    poller.result()
    assert [c.name for c in seed.aks.managed_clusters.list()] == [AKS]
    assert [c.name for c in seed.aks.managed_clusters.list_by_resource_group(RG)] == [AKS]
    tagged = seed.aks.managed_clusters.begin_update_tags(
        RG, AKS, {"tags": {"env": "demo"}}
    ).result()
    assert tagged.tags == {"env": "demo"}
    assert [p.name for p in seed.aks.agent_pools.list(RG, AKS)] == ["nodepool1"]
    versions = seed.aks.managed_clusters.list_kubernetes_versions(LOC)
    assert any(v.is_default for v in versions.values_property or [])


def test_stop_start_and_delete_cascade(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    mc = seed.create_cluster()
    seed.aks.managed_clusters.begin_stop(RG, AKS).result()
    assert seed.aks.managed_clusters.get(RG, AKS).power_state.code == "Stopped"
    assert error_code(lambda: seed.run("kubectl get pods")) == "OperationNotAllowed"
    seed.aks.managed_clusters.begin_start(RG, AKS).result()
    assert seed.aks.managed_clusters.get(RG, AKS).power_state.code == "Running"
    seed.aks.managed_clusters.begin_delete(RG, AKS).result()
    assert not seed.rm.resource_groups.check_existence(mc.node_resource_group)
    seed.net.subnets.begin_delete(RG, "vnet-spoke", "snet-aks").result()  # no longer in use


def test_agent_pools(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    seed.create_cluster()
    win = {
        "properties": {
            "count": 1,
            "osType": "Windows",
            "vnetSubnetID": seed.ids["aks_subnet"],
            "mode": "User",
        }
    }
    assert (
        error_code(
            lambda: seed.aks.agent_pools.begin_create_or_update(RG, AKS, "win1", win).result()  # type: ignore[call-overload]
        )
        == "BootstrapArtifactSourceNotAllowed"
    )
    user = {"properties": {"count": 2, "vnetSubnetID": seed.ids["aks_subnet"], "mode": "User"}}
    pool = seed.aks.agent_pools.begin_create_or_update(RG, AKS, "user1", user).result()  # type: ignore[call-overload]
    assert pool.provisioning_state == "Succeeded" and pool.count == 2
    assert len(seed.aks.managed_clusters.get(RG, AKS).agent_pool_profiles) == 2
    assert seed.run("kubectl get nodes").logs.count(" Ready ") == 5


def test_deny_direct_tag(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    body = seed.cluster_body(outbound="loadBalancer")
    body["tags"] = {"aksiso-emulator/deny-direct": "true"}
    seed.create_cluster(body)
    mc = seed.aks.managed_clusters.get(RG, AKS)
    mc.bootstrap_profile.artifact_source = "Direct"
    assert (
        error_code(lambda: seed.aks.managed_clusters.begin_create_or_update(RG, AKS, mc).result())
        == "BootstrapArtifactSourceNotAllowed"
    )


def test_official_examples(sync_emulator: EmulatorThread) -> None:
    example = json.loads(
        (EXAMPLES / "ManagedClustersCreate_PrivateClusterFQDNSubdomain.json").read_text()
    )
    seed = Seed(sync_emulator.base_url)
    seed.rm.resource_groups.create_or_update("rg1", {"location": LOC})
    body = copy.deepcopy(example["parameters"]["parameters"])
    body["location"] = LOC  # "location1" is a placeholder, not a region
    zone = body["properties"]["apiServerAccessProfile"]["privateDNSZone"].replace("location1", LOC)
    body["properties"]["apiServerAccessProfile"]["privateDNSZone"] = zone
    seed.dns.private_zones.begin_create_or_update(  # type: ignore[call-overload]
        "rg1", zone.rsplit("/", 1)[-1], {"location": "global"}
    ).result()
    mc = seed.aks.managed_clusters.begin_create_or_update("rg1", "clustername1", body).result()
    expected = example["responses"]["200"]["body"]
    assert mc.provisioning_state == "Succeeded"
    assert set(expected["properties"]) <= set(mc["properties"])
    for key in (
        "nodeResourceGroup",
        "privateFQDN",
        "networkProfile",
        "servicePrincipalProfile",
        "enableRBAC",
    ):
        assert mc["properties"].get(key) is not None, key
    assert mc["properties"]["servicePrincipalProfile"] == {"clientId": "clientid"}
    assert mc["properties"]["privateFQDN"].endswith(zone.rsplit("/", 1)[-1])
    assert mc.tags == expected["tags"]
    upgrade = seed.aks.agent_pools.begin_upgrade_node_image_version(
        "rg1", "clustername1", "nodepool1"
    )
    first = upgrade.polling_method()._initial_response.http_response  # type: ignore[attr-defined]
    assert first.status_code == 202 and "Azure-AsyncOperation" in first.headers
    assert (
        json.loads(first.text())["properties"]["provisioningState"] == "UpgradingNodeImageVersion"
    )
    upgrade.result()


async def test_aio_client(emulator: EmulatorServer) -> None:
    from azure.mgmt.resource.resources.aio import ResourceManagementClient

    async with make_client(ResourceManagementClient, emulator.base_url) as rm:
        await rm.resource_groups.create_or_update("rg1", {"location": LOC})
    async with make_client(AioClient, emulator.base_url, retry_total=0) as aks:
        body = {
            "location": LOC,
            "properties": {
                "dnsPrefix": "a",
                "agentPoolProfiles": [{"name": "np", "count": 1, "mode": "System"}],
            },
        }
        poller = await aks.managed_clusters.begin_create_or_update("rg1", "aks1", body)  # type: ignore[call-overload]
        mc = await poller.result()
        assert mc.provisioning_state == "Succeeded" and mc.fqdn.endswith(f".hcp.{LOC}.azmk8s.io")
        run = await (
            await aks.managed_clusters.begin_run_command(
                "rg1", "aks1", {"command": "kubectl run web --image=nginx && kubectl get pods"}
            )
        ).result()
        assert run.exit_code == 0 and "Running" in run.logs
        await (await aks.managed_clusters.begin_delete("rg1", "aks1")).result()
