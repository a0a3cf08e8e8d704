"""Microsoft.Resources through the real clients: subscriptions, locations, resource groups
(aio and sync), provider registration and preview features."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.msi import ManagedServiceIdentityClient as SyncMsi
from azure.mgmt.msi.aio import ManagedServiceIdentityClient
from azure.mgmt.resource.features.aio import FeatureClient
from azure.mgmt.resource.resources import ResourceManagementClient as SyncResourceClient
from azure.mgmt.resource.resources.aio import ResourceManagementClient
from azure.mgmt.resource.subscriptions.aio import SubscriptionClient

from aksiso_tui.emulator import SUBSCRIPTION_ID, TENANT_ID, EmulatorServer, EmulatorThread
from aksiso_tui.emulator.testing import error_code, make_client


async def test_subscriptions_and_locations(emulator: EmulatorServer) -> None:
    client = make_client(SubscriptionClient, emulator.base_url)
    async with client:
        subs = [s async for s in client.subscriptions.list()]
        assert [(s.subscription_id, s.tenant_id) for s in subs] == [(SUBSCRIPTION_ID, TENANT_ID)]
        sub = await client.subscriptions.get(SUBSCRIPTION_ID)
        assert sub.display_name and sub.state == "Enabled"
        locations = {
            loc.name: loc async for loc in client.subscriptions.list_locations(SUBSCRIPTION_ID)
        }
        assert {"swedencentral", "westeurope", "eastus", "eastus2", "uksouth"} <= set(locations)
        assert locations["eastus"].display_name == "East US"
        assert locations["eastus"].regional_display_name == "(US) East US"
        metadata = locations["eastus"].metadata
        assert metadata is not None and metadata.region_type == "Physical"


async def test_resource_group_lifecycle_aio(emulator: EmulatorServer) -> None:
    rm = make_client(ResourceManagementClient, emulator.base_url)
    msi = make_client(ManagedServiceIdentityClient, emulator.base_url)
    async with rm, msi:
        created = await rm.resource_groups.create_or_update(
            "rg1", {"location": "East US", "tags": {"a": "1"}}
        )
        assert created.properties is not None
        assert (created.location, created.tags, created.properties.provisioning_state) == (
            "eastus", {"a": "1"}, "Succeeded")  # fmt: skip
        again = await rm.resource_groups.create_or_update("RG1", {"location": "eastus"})
        assert again.id == f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg1"
        assert await rm.resource_groups.check_existence("rg1") is True
        assert await rm.resource_groups.check_existence("nope") is False
        patched = await rm.resource_groups.update("rg1", {"tags": {"b": "2"}})
        assert patched.tags == {"b": "2"}
        with pytest.raises(HttpResponseError) as err:
            await rm.resource_groups.create_or_update("rg1", {"location": "westeurope"})
        assert error_code(err.value) == "InvalidResourceGroupLocation"
        with pytest.raises(HttpResponseError) as err:
            await rm.resource_groups.create_or_update("rg2", {"location": "mars"})
        assert error_code(err.value) == "LocationNotAvailableForResourceGroup"
        await msi.user_assigned_identities.create_or_update("rg1", "id1", {"location": "eastus"})
        names = [r.name async for r in rm.resources.list_by_resource_group("rg1")]
        assert names == ["id1"]
        await (await rm.resource_groups.begin_delete("rg1")).result()
        with pytest.raises(ResourceNotFoundError) as nf:
            await rm.resource_groups.get("rg1")
        assert error_code(nf.value) == "ResourceGroupNotFound"
        assert len(emulator.state) == 0
        with pytest.raises(ResourceNotFoundError):
            await rm.resource_groups.begin_delete("rg1")


def test_resource_group_lifecycle_sync(sync_emulator: EmulatorThread) -> None:
    rm = make_client(SyncResourceClient, sync_emulator.base_url)
    msi = make_client(SyncMsi, sync_emulator.base_url)
    rm.resource_groups.create_or_update("rg-a", {"location": "westeurope"})
    rm.resource_groups.create_or_update("rg-b", {"location": "westeurope"})
    msi.user_assigned_identities.create_or_update("rg-a", "id1", {"location": "westeurope"})
    assert sorted(str(g.name) for g in rm.resource_groups.list()) == ["rg-a", "rg-b"]
    rm.resource_groups.begin_delete("rg-a").result()
    assert [g.name for g in rm.resource_groups.list()] == ["rg-b"]
    assert list(msi.user_assigned_identities.list_by_subscription()) == []


async def test_provider_registration(emulator: EmulatorServer) -> None:
    rm = make_client(ResourceManagementClient, emulator.base_url)
    async with rm:
        aks = await rm.providers.get("microsoft.containerservice")
        assert (aks.namespace, aks.registration_state) == (
            "Microsoft.ContainerService",
            "NotRegistered",
        )
        registering = await rm.providers.register("Microsoft.ContainerService")
        assert registering.registration_state == "Registering"
        assert (
            await rm.providers.get("Microsoft.ContainerService")
        ).registration_state == "Registered"
        assert (await rm.providers.get("Microsoft.Network")).registration_state == "Registered"
        namespaces = {p.namespace async for p in rm.providers.list()}
        assert {"Microsoft.ContainerRegistry", "Microsoft.ManagedIdentity"} <= namespaces
        with pytest.raises(ResourceNotFoundError):
            await rm.providers.get("Microsoft.Nope")


async def test_provider_registration_takes_scaled_time() -> None:
    async with EmulatorServer(time_scale=1.0) as emu:
        rm = make_client(ResourceManagementClient, emu.base_url)
        async with rm:
            await rm.providers.register("Microsoft.ContainerRegistry")
            assert (
                await rm.providers.get("Microsoft.ContainerRegistry")
            ).registration_state == "Registering"
            emu.clock.advance(120)
            assert (
                await rm.providers.get("Microsoft.ContainerRegistry")
            ).registration_state == "Registered"


async def test_features(emulator: EmulatorServer) -> None:
    client = make_client(FeatureClient, emulator.base_url)
    async with client:
        ns, name = "Microsoft.ContainerService", "NetworkIsolatedClusterPreview"
        states = []
        for call in (client.features.get, client.features.register, client.features.get):
            feature = await call(ns, name)
            assert feature.name == f"{ns}/{name}" and feature.properties is not None
            states.append(feature.properties.state)
        assert states == ["NotRegistered", "Registering", "Registered"]
        listed = [f.name async for f in client.features.list(ns)]
        assert f"{ns}/EnableAPIServerVnetIntegrationPreview" in listed
        with pytest.raises(HttpResponseError) as err:
            await client.features.get(ns, "NoSuchFeature")
        assert error_code(err.value) == "FeatureNotFound"
