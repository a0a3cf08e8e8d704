"""Run command answers kubectl the way the cluster's network would (real SDK, seed 000)."""

from __future__ import annotations

from aksiso_tui.emulator import EmulatorThread
from aksiso_tui.emulator.testing import error_code
from tests.emulator.builders import ACR, AKS, LOC, RG, Seed

MCR_IMAGE = "mcr.microsoft.com/azurelinux/base/nginx:1.25"


def status_of(logs: str, pod: str) -> str:
    for line in logs.splitlines():
        cols = line.split()
        if cols and cols[0] == pod:
            return cols[2]
    raise AssertionError(f"{pod} not in\n{logs}")


def test_isolated_byo_cluster_seed_000(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    mc = seed.create_cluster()
    assert mc.provisioning_state == "Succeeded"
    system = seed.run("kubectl get pods -n kube-system")
    assert system.provisioning_state == "Succeeded" and system.exit_code == 0
    assert "coredns" in system.logs and "Pending" not in system.logs
    assert seed.run("kubectl run nginx --image=nginx").logs == "pod/nginx created\n"
    assert status_of(seed.run("kubectl get pods").logs, "nginx") == "ImagePullBackOff"
    seed.run(f"kubectl run nginx-mcr --image={MCR_IMAGE}")
    logs = seed.run("kubectl get pods").logs
    assert logs.splitlines()[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert status_of(logs, "nginx") == "ImagePullBackOff"
    assert status_of(logs, "nginx-mcr") == "Running"
    nodes = seed.run("kubectl get nodes").logs
    assert nodes.count(" Ready ") == 3 and "v1.30.3" in nodes


def test_missing_data_record_breaks_mcr_pulls(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    seed.create_cluster()
    seed.dns.record_sets.delete(RG, "privatelink.azurecr.io", "A", f"{ACR}.{LOC}.data")
    seed.run(f"kubectl run nginx-mcr --image={MCR_IMAGE}")
    assert status_of(seed.run("kubectl get pods").logs, "nginx-mcr") == "ImagePullBackOff"
    assert "Running" in seed.run("kubectl get pods -n kube-system").logs  # nodes already joined


def test_broken_cache_path_fails_create(sync_emulator: EmulatorThread) -> None:
    import pytest
    from azure.core.exceptions import HttpResponseError

    seed = Seed(sync_emulator.base_url).byo(data_record=False)
    with pytest.raises(HttpResponseError) as info:
        seed.create_cluster()
    assert error_code(info.value) == "OutboundConnFailVMExtensionError"
    system = seed.run("kubectl get pods -n kube-system")
    assert "Pending" in system.logs and "kube-proxy" not in system.logs
    assert seed.run("kubectl get nodes").logs == "No resources found\n"


def test_egress_cluster_runs_docker_hub_images(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    seed.create_cluster(seed.cluster_body(source="Direct", outbound="loadBalancer"))
    seed.run("kubectl run nginx --image=nginx")
    assert status_of(seed.run("kubectl get pods").logs, "nginx") == "Running"


def test_hub_firewall_with_and_without_docker_hub_rule(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    seed.hub_firewall()
    seed.create_cluster()
    seed.run("kubectl run nginx --image=nginx")
    assert status_of(seed.run("kubectl get pods").logs, "nginx") == "ImagePullBackOff"
    seed.net.firewall_policy_rule_collection_groups.begin_create_or_update(  # type: ignore[call-overload]
        RG,
        "fw-policy",
        "dockerhub",
        {
            "properties": {
                "priority": 300,
                "ruleCollections": [
                    {
                        "ruleCollectionType": "FirewallPolicyFilterRuleCollection",
                        "name": "hub",
                        "priority": 300,
                        "action": {"type": "Allow"},
                        "rules": [
                            {
                                "ruleType": "ApplicationRule",
                                "name": "docker",
                                "sourceAddresses": ["192.168.1.0/24"],
                                "protocols": [{"protocolType": "Https", "port": 443}],
                                "targetFqdns": ["auth.docker.io", "registry-1.docker.io"],
                            }
                        ],
                    }
                ],
            }
        },
    ).result()
    assert status_of(seed.run("kubectl get pods").logs, "nginx") == "Running"


def test_migrated_cluster_before_and_after_reimage(sync_emulator: EmulatorThread) -> None:
    import pytest
    from azure.core.exceptions import HttpResponseError

    seed = Seed(sync_emulator.base_url).byo()
    seed.create_cluster(seed.cluster_body(source="Direct", outbound="loadBalancer"))
    mc = seed.aks.managed_clusters.get(RG, AKS)
    mc.bootstrap_profile = {"artifactSource": "Cache", "containerRegistryId": seed.ids["registry"]}
    mc = seed.aks.managed_clusters.begin_create_or_update(RG, AKS, mc).result()
    assert mc.bootstrap_profile.artifact_source == "Cache"
    mc.network_profile.outbound_type = "none"
    with pytest.raises(HttpResponseError) as info:  # wrong order: nodes not reimaged yet
        seed.aks.managed_clusters.begin_create_or_update(RG, AKS, mc).result()
    assert error_code(info.value) == "InvalidNetworkIsolatedClusterConfiguration"
    pool = seed.aks.agent_pools.get(RG, AKS, "nodepool1")
    old_image = pool.node_image_version
    seed.aks.agent_pools.begin_upgrade_node_image_version(RG, AKS, "nodepool1").result()
    pool = seed.aks.agent_pools.get(RG, AKS, "nodepool1")
    assert pool.provisioning_state == "Succeeded" and pool.node_image_version != old_image
    mc = seed.aks.managed_clusters.get(RG, AKS)
    mc.network_profile.outbound_type = "none"
    mc = seed.aks.managed_clusters.begin_create_or_update(RG, AKS, mc).result()
    assert mc.network_profile.outbound_type == "none"
    seed.run("kubectl run nginx --image=nginx")
    seed.run(f"kubectl run nginx-mcr --image={MCR_IMAGE}")
    logs = seed.run("kubectl get pods").logs
    assert (
        status_of(logs, "nginx") == "ImagePullBackOff" and status_of(logs, "nginx-mcr") == "Running"
    )


def test_unknown_and_failing_commands(sync_emulator: EmulatorThread) -> None:
    seed = Seed(sync_emulator.base_url).byo()
    seed.create_cluster()
    bad = seed.run("kubectl frobnicate")
    assert (
        bad.provisioning_state == "Succeeded"
        and bad.exit_code == 1
        and "unknown command" in bad.logs
    )
    assert seed.run("kubectl delete pod ghost").exit_code == 1
    seed.run("kubectl run a --image=nginx")
    assert seed.run("kubectl delete pod a").logs == 'pod "a" deleted\n'
    assert seed.run("kubectl get pods").logs == "No resources found in default namespace.\n"


def test_get_credentials_kubeconfig(sync_emulator: EmulatorThread) -> None:
    """`az aks get-credentials`: a kubeconfig naming the private API server."""
    import yaml

    seed = Seed(sync_emulator.base_url).byo()
    mc = seed.create_cluster()
    creds = seed.aks.managed_clusters.list_cluster_user_credentials(RG, AKS)
    assert creds.kubeconfigs is not None and creds.kubeconfigs[0].value is not None
    config = yaml.safe_load(bytes(creds.kubeconfigs[0].value).decode())
    assert creds.kubeconfigs[0].name == "clusterUser"
    assert config["clusters"][0]["cluster"]["server"] == f"https://{mc.private_fqdn}:443"
    assert config["current-context"] == AKS
    admin = seed.aks.managed_clusters.list_cluster_admin_credentials(RG, AKS)
    assert admin.kubeconfigs is not None
    assert admin.kubeconfigs[0].name == "clusterAdmin"
