"""The plan builder's details: bodies that must match AZURE_FACTS.md and operations.md, outputs,
deterministic role-assignment names, the migrate and disable sequences, estimates."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from plan_checks import SUB, ancestors, body_at, check_structure, make_spec

from aksiso_tui.plan import build_plan
from aksiso_tui.plan.build import topological
from aksiso_tui.plan.ids import ROLE_ACR_PULL, role_assignment_name
from aksiso_tui.plan.model import Ref


def test_registry_bodies_match_azure_facts() -> None:
    plan = build_plan(make_spec())
    acr = plan.step("registry.acr").body
    assert acr is not None
    assert acr["sku"] == {"name": "Premium"}
    assert acr["properties"] == {
        "adminUserEnabled": False,
        "publicNetworkAccess": "Disabled",
        "anonymousPullEnabled": False,
        "networkRuleSet": {"defaultAction": "Deny"},
    }
    rule = plan.step("registry.cache_rule")
    assert rule.resource_id.endswith("/registries/acraks1/cacheRules/aks-managed-mcr")
    assert rule.body == {
        "properties": {
            "sourceRepository": "mcr.microsoft.com/*",
            "targetRepository": "aks-managed-repository/*",
        }
    }
    pe = plan.step("registry.private_endpoint")
    conn = body_at(pe.body, "properties", "privateLinkServiceConnections")[0]
    assert conn["properties"]["groupIds"] == ["registry"]
    assert set(pe.outputs) >= {"nic_id", "registry_ip", "data_ip"}
    assert pe.params["ip_outputs"] == {
        "registry_ip": "registry",
        "data_ip": "registry_data_swedencentral",
    }
    record = plan.step("registry.dns_record.data")
    assert record.resource_id.endswith(
        "/privateDnsZones/privatelink.azurecr.io/A/acraks1.swedencentral.data"
    )
    assert body_at(record.body, "properties", "aRecords")[0]["ipv4Address"] == Ref(
        "registry.private_endpoint", "data_ip"
    )
    assert plan.step("registry.dns_zone").body == {"location": "global"}
    assert not any("anonymous" in line for s in plan.steps for line in s.az)


def test_anonymous_pull_only_when_asked_and_warned() -> None:
    spec = make_spec()
    spec.registry.anonymous_pull = True
    plan = build_plan(spec)
    assert body_at(plan.step("registry.acr").body, "properties", "anonymousPullEnabled") is True
    assert any("--anonymous-pull-enabled true" in line for line in plan.step("registry.acr").az)
    assert any("anonymous" in w for w in plan.warnings)


def test_subnet_bodies() -> None:
    plan = build_plan(make_spec(api_server="vnet_integration"))
    aks = plan.step("network.subnet.aks").body
    assert body_at(aks, "properties", "defaultOutboundAccess") is False
    assert body_at(aks, "properties", "privateEndpointNetworkPolicies") == "Disabled"
    api = plan.step("network.subnet.apiserver").body
    delegation = body_at(api, "properties", "delegations")[0]
    assert delegation["properties"]["serviceName"] == "Microsoft.ContainerService/managedClusters"


def test_role_assignments_are_deterministic_uuid5() -> None:
    spec = make_spec(api_server="vnet_integration")
    first, second = build_plan(spec), build_plan(spec)
    for step_id in (
        "role.acrpull",
        "role.mi_operator",
        "role.network_contributor.aks_subnet",
        "role.network_contributor.apiserver_subnet",
    ):
        a, b = first.step(step_id), second.step(step_id)
        assert a.resource_id == b.resource_id
        name = a.resource_id.rsplit("/", 1)[1]
        assert uuid.UUID(name).version == 5
        assert body_at(a.body, "properties", "principalType") == "ServicePrincipal"
        assert any("--assignee-principal-type ServicePrincipal" in line for line in a.az)
    acr = first.step("role.acrpull")
    rg = f"/subscriptions/{SUB}/resourceGroups/rg-aks/providers"
    registry = f"{rg}/Microsoft.ContainerRegistry/registries/acraks1"
    kubelet = f"{rg}/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1-kubelet"
    assert acr.resource_id == (
        f"{registry}/providers/Microsoft.Authorization/roleAssignments/"
        + role_assignment_name(registry, ROLE_ACR_PULL, kubelet)
    )
    assert body_at(acr.body, "properties", "roleDefinitionId") == (
        f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{ROLE_ACR_PULL}"
    )
    assert body_at(acr.body, "properties", "principalId") == Ref("identity.kubelet", "principal_id")
    # Case does not matter to ARM, so it does not matter to the name either.
    assert role_assignment_name(registry.upper(), ROLE_ACR_PULL, kubelet) == role_assignment_name(
        registry, ROLE_ACR_PULL, kubelet
    )


def test_hub_bodies() -> None:
    plan = build_plan(make_spec(hub=True))
    policy = plan.step("hub.firewall_policy").body
    assert body_at(policy, "properties", "dnsSettings", "enableProxy") is True
    pip = plan.step("hub.public_ip").body
    assert pip is not None and pip["sku"] == {"name": "Standard"}
    assert body_at(pip, "properties", "publicIPAllocationMethod") == "Static"
    fw = plan.step("hub.firewall")
    assert body_at(fw.body, "properties", "sku") == {"name": "AZFW_VNet", "tier": "Standard"}
    ipcfg = body_at(fw.body, "properties", "ipConfigurations")[0]["properties"]
    assert ipcfg["subnet"]["id"].endswith("/virtualNetworks/vnet-hub/subnets/AzureFirewallSubnet")
    assert "private_ip" in fw.outputs
    route = plan.step("hub.route.default").body
    assert body_at(route, "properties") == {
        "addressPrefix": "0.0.0.0/0",
        "nextHopType": "VirtualAppliance",
        "nextHopIpAddress": Ref("hub.firewall", "private_ip"),
    }
    aks_subnet = plan.step("network.subnet.aks").body
    assert (
        body_at(aks_subnet, "properties", "routeTable", "id")
        == plan.step("hub.route_table").resource_id
    )
    for peering in ("hub.peering.spoke_to_hub", "hub.peering.hub_to_spoke"):
        props = body_at(plan.step(peering).body, "properties")
        assert props["allowForwardedTraffic"] is True
        assert props["allowVirtualNetworkAccess"] is True
    rules = body_at(plan.step("hub.rules.aks").body, "properties", "ruleCollections")
    network = {r["name"]: r for r in rules[0]["rules"]}
    assert network["ntp"]["destinationPorts"] == ["123"] and network["ntp"]["ipProtocols"] == [
        "UDP"
    ]
    assert network["dns"]["destinationPorts"] == ["53"]
    assert network["azure-cloud-udp-1194"]["destinationAddresses"] == ["AzureCloud.swedencentral"]
    assert network["azure-cloud-tcp-9000"]["ipProtocols"] == ["TCP"]
    app = {r["name"]: r for r in rules[1]["rules"]}
    assert app["aks-fqdn-tag"]["fqdnTags"] == ["AzureKubernetesService"]
    assert {
        "mcr.microsoft.com",
        "*.data.mcr.microsoft.com",
        "management.azure.com",
        "login.microsoftonline.com",
        "packages.microsoft.com",
        "acs-mirror.azureedge.net",
        "packages.aks.azure.com",
    } <= set(app["aks-fqdns"]["targetFqdns"])
    allowed = body_at(plan.step("hub.rules.allowed").body, "properties", "ruleCollections")[0]
    assert allowed["rules"][0]["targetFqdns"][:2] == ["auth.docker.io", "registry-1.docker.io"]
    link = plan.step("hub.dns_link.apiserver")
    assert link.params["zone_name"] == Ref("cluster.create", "private_dns_zone")
    assert plan.step("registry.dns_link.hub").depends_on == ("registry.dns_zone", "hub.vnet")


def test_hub_in_its_own_resource_group() -> None:
    spec = make_spec(hub=True)
    assert spec.hub is not None
    spec.hub.resource_group = "rg-hub"
    plan = build_plan(spec)
    check_structure(plan, spec)
    assert "group.hub" in ancestors(plan, "hub.firewall")
    assert "/resourceGroups/rg-hub/" in plan.step("hub.firewall").resource_id


def test_docker_hub_without_cdn_is_warned() -> None:
    plan = build_plan(make_spec(hub=True, allow_fqdns=["auth.docker.io", "registry-1.docker.io"]))
    assert any("production.cloudflare.docker.com" in w for w in plan.warnings)


def test_cluster_create_without_version_lets_the_engine_pick() -> None:
    spec = make_spec(cluster={"name": "aks1"})
    step = build_plan(spec).step("cluster.create")
    assert "kubernetesVersion" not in step.body["properties"]  # type: ignore[index]
    assert step.params["kubernetes_version"] == {"pick": "newest-supported", "minimum": "1.30"}
    assert "--kubernetes-version" not in step.az[0]


def test_cluster_outputs_and_identity_refs() -> None:
    step = build_plan(make_spec()).step("cluster.create")
    assert {"node_resource_group", "private_fqdn", "private_dns_zone"} <= set(step.outputs)
    kubelet = body_at(step.body, "properties", "identityProfile", "kubeletidentity")
    assert kubelet["objectId"] == Ref("identity.kubelet", "principal_id")
    assert list(body_at(step.body, "identity", "userAssignedIdentities")) == [
        f"/subscriptions/{SUB}/resourceGroups/rg-aks/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks1-control-plane"
    ]


def _migrate_spec(**kw: object):  # type: ignore[no-untyped-def]
    return make_spec(scenario="migrate", **kw)


def test_migrate_sequence() -> None:
    spec = _migrate_spec()
    plan = build_plan(spec)
    check_structure(plan, spec)
    ids = plan.ids
    assert "cluster.create" not in ids and "group" not in ids and "network.vnet" not in ids
    assert not any(i.startswith("identity.") for i in ids)
    assert plan.step("cluster.reimage").depends_on == ("cluster.bootstrap_cache",)
    assert plan.step("cluster.outbound").depends_on == ("cluster.reimage",)
    up = ancestors(plan, "cluster.bootstrap_cache")
    assert {
        "cluster.read",
        "registry.cache_rule",
        "registry.private_endpoint",
        "registry.dns_record.registry",
        "registry.dns_record.data",
        "registry.dns_link.spoke",
        "role.acrpull",
    } <= up
    acrpull = plan.step("role.acrpull")
    assert body_at(acrpull.body, "properties", "principalId") == Ref(
        "cluster.read", "kubelet_object_id"
    )
    assert set(acrpull.depends_on) == {"registry.acr", "cluster.read"}
    cache = plan.step("cluster.bootstrap_cache").body
    assert body_at(cache, "properties", "bootstrapProfile", "artifactSource") == "Cache"
    assert body_at(cache, "properties", "bootstrapProfile", "containerRegistryId")
    assert body_at(cache, "properties", "networkProfile") is None  # never together
    outbound = plan.step("cluster.outbound").body
    assert body_at(outbound, "properties") == {"networkProfile": {"outboundType": "none"}}
    assert plan.step("cluster.reimage").disruptive
    assert plan.step("cluster.reimage").params["pools"] == Ref("cluster.read", "pools")
    assert "cluster.outbound" in ancestors(plan, "verify.show")
    assert "cluster.outbound" in ancestors(plan, "verify.mcr_runs")
    assert (
        ids.index("cluster.bootstrap_cache")
        < ids.index("cluster.reimage")
        < ids.index("cluster.outbound")
    )
    az = [line for s in plan.steps for line in s.az]
    update = next(i for i, line in enumerate(az) if "--bootstrap-artifact-source Cache" in line)
    upgrade = next(i for i, line in enumerate(az) if "--node-image-only --yes" in line)
    none = next(i for i, line in enumerate(az) if line.endswith("--outbound-type none"))
    assert update < upgrade < none
    assert "--outbound-type" not in az[update]


def test_migrate_with_managed_registry_and_block() -> None:
    spec = _migrate_spec(registry="managed", network="managed", outbound="block")
    plan = build_plan(spec)
    check_structure(plan, spec)
    assert not any(i.startswith("registry.") for i in plan.ids)
    cache = plan.step("cluster.bootstrap_cache").body
    assert body_at(cache, "properties", "bootstrapProfile") == {"artifactSource": "Cache"}
    assert plan.step("cluster.outbound").api_version is not None


def test_migrate_ignores_hub_with_a_warning() -> None:
    spec = _migrate_spec(hub=True)
    plan = build_plan(spec)
    check_structure(plan, spec)
    assert not any(i.startswith("hub.") for i in plan.ids)
    assert any("hub" in w for w in plan.warnings)


def test_disable_sequence() -> None:
    spec = make_spec(scenario="disable", registry="managed", network="managed")
    plan = build_plan(spec)
    check_structure(plan, spec)
    assert plan.ids == ["cluster.read", "cluster.disable", "cluster.reimage", "verify.show"]
    body = plan.step("cluster.disable").body
    assert body == {
        "properties": {
            "bootstrapProfile": {"artifactSource": "Direct"},
            "networkProfile": {"outboundType": "loadBalancer"},
        }
    }
    assert "BootstrapArtifactSourceNotAllowed" in plan.step("cluster.disable").note
    assert plan.step("verify.show").params["expect"]["bootstrapProfile.artifactSource"] == "Direct"


def test_estimates_and_critical_path() -> None:
    plan = build_plan(make_spec(hub=True))
    assert plan.step("hub.firewall").estimate_s == 600
    assert plan.step("cluster.create").estimate_s == 420
    assert plan.critical_path_s() < plan.sequential_s()
    path = plan.critical_path()
    assert path[-1].startswith("verify.")
    # The cluster does not wait for the firewall: both run in parallel.
    finish = plan.finish_times()
    cluster_start = finish["cluster.create"] - plan.step("cluster.create").estimate_s
    assert cluster_start < finish["hub.firewall"]
    registry = build_plan(make_spec())
    path_s = sum(registry.step(i).estimate_s for i in registry.critical_path())
    assert path_s == registry.critical_path_s()


def test_topological_sort_rejects_cycles_and_missing() -> None:
    plan = build_plan(make_spec(registry="managed", network="managed"))
    steps = list(plan.steps)
    broken = [dataclasses.replace(steps[0], depends_on=(steps[-1].id,)), *steps[1:]]
    with pytest.raises(ValueError, match="cycle"):
        topological(broken)
    missing = [dataclasses.replace(steps[0], depends_on=("nope",)), *steps[1:]]
    with pytest.raises(ValueError, match="not in the plan"):
        topological(missing)


def test_odd_input_does_not_crash() -> None:
    # byo without a VNet, vnet integration without its subnet, a hub without a VNet: invalid, but
    # the builder still returns a sound plan of what it can do.
    for spec in (
        make_spec(network="managed"),
        make_spec(network="managed", hub=True),
        make_spec(
            api_server="vnet_integration",
            network={
                "vnet": {"name": "v", "address_space": "10.1.0.0/16"},
                "aks_subnet": {"name": "a", "prefix": "10.1.1.0/24"},
            },
        ),
        make_spec(scenario="migrate", network="managed"),
    ):
        plan = build_plan(spec)
        check_structure(plan, spec)


def test_structure_check_catches_a_ref_to_a_step_not_waited_for() -> None:
    spec = make_spec()
    plan = build_plan(spec)
    steps = [
        dataclasses.replace(s, depends_on=("registry.dns_zone",))
        if s.id == "registry.dns_record.data"
        else s
        for s in plan.steps
    ]
    with pytest.raises(AssertionError, match="not one of its dependencies"):
        check_structure(dataclasses.replace(plan, steps=tuple(steps)), spec)
