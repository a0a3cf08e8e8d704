"""Managed identities and role-based access through the real clients."""

from __future__ import annotations

import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.mgmt.authorization import AuthorizationManagementClient as SyncAuthClient
from azure.mgmt.authorization.aio import AuthorizationManagementClient
from azure.mgmt.msi import ManagedServiceIdentityClient as SyncMsi
from azure.mgmt.msi.aio import ManagedServiceIdentityClient
from azure.mgmt.resource.resources.aio import ResourceManagementClient

from aksiso_tui.emulator import SUBSCRIPTION_ID, TENANT_ID, EmulatorServer, EmulatorThread
from aksiso_tui.emulator.testing import error_code, make_client

ACR_PULL = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7"
RG = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/rg1"


def _role(guid: str) -> str:
    return (
        f"/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
    )


def _assignment(guid: str, principal: str) -> dict[str, object]:
    return {"properties": {"roleDefinitionId": _role(guid), "principalId": principal,
                           "principalType": "ServicePrincipal"}}  # fmt: skip


Clients = tuple[
    ResourceManagementClient, ManagedServiceIdentityClient, AuthorizationManagementClient
]


async def _setup(emu: EmulatorServer) -> Clients:
    rm = make_client(ResourceManagementClient, emu.base_url)
    msi = make_client(ManagedServiceIdentityClient, emu.base_url)
    auth = make_client(AuthorizationManagementClient, emu.base_url)
    await rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
    return rm, msi, auth


async def test_identities(emulator: EmulatorServer) -> None:
    rm, msi, auth = await _setup(emulator)
    async with rm, msi, auth:
        first = await msi.user_assigned_identities.create_or_update(
            "rg1", "aks-cp-id", {"location": "eastus"}
        )
        assert first.tenant_id == TENANT_ID
        assert uuid.UUID(first.principal_id) and uuid.UUID(first.client_id)
        again = await msi.user_assigned_identities.create_or_update(
            "rg1", "AKS-CP-ID", {"location": "eastus", "tags": {"x": "y"}}
        )
        assert (again.principal_id, again.client_id, again.name) == (
            first.principal_id, first.client_id, "aks-cp-id")  # fmt: skip
        got = await msi.user_assigned_identities.get("rg1", "aks-cp-id")
        assert got.tags == {"x": "y"}
        with pytest.raises(HttpResponseError) as err:
            await msi.user_assigned_identities.create_or_update("rg1", "x", {"location": "eastus"})
        assert error_code(err.value) == "InvalidResourceName"
        with pytest.raises(ResourceNotFoundError) as nf:
            await msi.user_assigned_identities.create_or_update(
                "nope", "id9", {"location": "eastus"}
            )
        assert error_code(nf.value) == "ResourceGroupNotFound"
        await msi.user_assigned_identities.delete("rg1", "aks-cp-id")
        await msi.user_assigned_identities.delete("rg1", "aks-cp-id")
        with pytest.raises(ResourceNotFoundError) as nf:
            await msi.user_assigned_identities.get("rg1", "aks-cp-id")
        assert error_code(nf.value) == "ResourceNotFound"


async def test_role_definitions(emulator: EmulatorServer) -> None:
    rm, msi, auth = await _setup(emulator)
    async with rm, msi, auth:
        found = [d async for d in auth.role_definitions.list(RG, filter="roleName eq 'AcrPull'")]
        assert [(d.name, d.role_name) for d in found] == [(ACR_PULL, "AcrPull")]
        got = await auth.role_definitions.get(RG, NETWORK_CONTRIBUTOR)
        assert got.role_name == "Network Contributor" and got.id == _role(NETWORK_CONTRIBUTOR)
        assert (
            len([d async for d in auth.role_definitions.list(f"/subscriptions/{SUBSCRIPTION_ID}")])
            >= 7
        )


async def test_role_assignments(emulator: EmulatorServer) -> None:
    rm, msi, auth = await _setup(emulator)
    async with rm, msi, auth:
        kubelet = await msi.user_assigned_identities.create_or_update(
            "rg1", "kubelet", {"location": "eastus"}
        )
        other = await msi.user_assigned_identities.create_or_update(
            "rg1", "other", {"location": "eastus"}
        )
        name = str(uuid.uuid4())
        ra = await auth.role_assignments.create(
            RG, name, _assignment(ACR_PULL, kubelet.principal_id)
        )
        assert (ra.name, ra.scope, ra.principal_type) == (name, RG, "ServicePrincipal")
        assert ra.id == f"{RG}/providers/Microsoft.Authorization/roleAssignments/{name}"
        same = await auth.role_assignments.create(
            RG, name, _assignment(ACR_PULL, kubelet.principal_id)
        )
        assert same.id == ra.id
        with pytest.raises(ResourceExistsError) as exists:
            await auth.role_assignments.create(
                RG, str(uuid.uuid4()), _assignment(ACR_PULL, kubelet.principal_id)
            )
        assert error_code(exists.value) == "RoleAssignmentExists"
        sub_scope = f"/subscriptions/{SUBSCRIPTION_ID}"
        await auth.role_assignments.create(
            sub_scope, str(uuid.uuid4()), _assignment(NETWORK_CONTRIBUTOR, other.principal_id)
        )
        at_rg = [r async for r in auth.role_assignments.list_for_scope(RG, filter="atScope()")]
        assert len(at_rg) == 2
        mine = [r async for r in auth.role_assignments.list_for_scope(
            sub_scope, filter=f"principalId eq '{kubelet.principal_id}'")]  # fmt: skip
        assert [r.name for r in mine] == [name]
        sub_only = [
            r async for r in auth.role_assignments.list_for_scope(sub_scope, filter="atScope()")
        ]
        assert len(sub_only) == 1
        with pytest.raises(HttpResponseError) as err:
            await auth.role_assignments.create(
                RG, str(uuid.uuid4()), _assignment(ACR_PULL, str(uuid.uuid4()))
            )
        assert err.value.status_code == 400 and error_code(err.value) == "PrincipalNotFound"
        assert "does not exist in the directory" in str(err.value)
        with pytest.raises(HttpResponseError) as err:
            await auth.role_assignments.create(
                RG, str(uuid.uuid4()), _assignment(str(uuid.uuid4()), other.principal_id)
            )
        assert error_code(err.value) == "RoleDefinitionDoesNotExist"
        missing_scope = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ghost"
        with pytest.raises(ResourceNotFoundError):
            await auth.role_assignments.create(
                missing_scope, str(uuid.uuid4()), _assignment(ACR_PULL, other.principal_id)
            )
        on_identity = f"{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/kubelet"
        await auth.role_assignments.create(
            on_identity, str(uuid.uuid4()), _assignment(ACR_PULL, other.principal_id)
        )
        await msi.user_assigned_identities.delete("rg1", "kubelet")
        assert (
            emulator.state.list_by_type("Microsoft.Authorization/roleAssignments", on_identity)
            == []
        )
        deleted = await auth.role_assignments.delete(RG, name)
        assert deleted is not None and deleted.name == name
        assert await auth.role_assignments.delete(RG, name) is None


async def test_principal_not_found_fault() -> None:
    async with EmulatorServer(faults="principal_not_found=2") as emu:
        rm, msi, auth = await _setup(emu)
        async with rm, msi, auth:
            ident = await msi.user_assigned_identities.create_or_update(
                "rg1", "fresh", {"location": "eastus"}
            )
            body = _assignment(ACR_PULL, ident.principal_id)
            for _ in range(2):
                with pytest.raises(HttpResponseError) as err:
                    await auth.role_assignments.create(RG, str(uuid.uuid4()), body)
                assert error_code(err.value) == "PrincipalNotFound"
            assert (
                await auth.role_assignments.create(RG, str(uuid.uuid4()), body)
            ).principal_id == ident.principal_id


def test_role_assignment_sync_client(sync_emulator: EmulatorThread) -> None:
    msi = make_client(SyncMsi, sync_emulator.base_url)
    auth = make_client(SyncAuthClient, sync_emulator.base_url)
    from azure.mgmt.resource.resources import ResourceManagementClient as SyncRm

    make_client(SyncRm, sync_emulator.base_url).resource_groups.create_or_update(
        "rg1", {"location": "eastus"}
    )
    ident = msi.user_assigned_identities.create_or_update("rg1", "id1", {"location": "eastus"})
    ra = auth.role_assignments.create(
        RG, str(uuid.uuid4()), _assignment(ACR_PULL, ident.principal_id)
    )
    assert auth.role_assignments.get(RG, ra.name).principal_id == ident.principal_id
