"""The emulator framework end to end: ARM's envelope, routing, LROs, paging, faults,
persistence, with the real azure-mgmt clients (aio and sync) and a test-only provider."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.msi.aio import ManagedServiceIdentityClient
from azure.mgmt.resource.resources import ResourceManagementClient as SyncResourceClient
from azure.mgmt.resource.resources.aio import ResourceManagementClient

from aksiso_tui.emulator import SUBSCRIPTION_ID, EmulatorServer, EmulatorThread
from aksiso_tui.emulator.context import Ctx
from aksiso_tui.emulator.errors import ArmError
from aksiso_tui.emulator.providers import load_providers
from aksiso_tui.emulator.routing import Provider, Registry, ResourceType, tracked_resource
from aksiso_tui.emulator.testing import FAKE_TOKEN, error_code, make_client

SUB = f"/subscriptions/{SUBSCRIPTION_ID}"
AUTH = {"Authorization": "Bearer t"}
WIDGETS = "Contoso.Widgets/widgets"
API = "2024-01-01"


def _put_widget(ctx: Ctx, rid: str, body: dict[str, Any], existing: Any) -> dict[str, Any]:
    return tracked_resource(rid, body, existing)


def _view_widget(ctx: Ctx, res: dict[str, Any]) -> dict[str, Any]:
    parts = ctx.store.list_by_type(f"{WIDGETS}/parts", res["id"])
    return {**res, "properties": {**res["properties"], "parts": [ctx.view(p) for p in parts]}}


def _put_fragile(ctx: Ctx, rid: str, body: dict[str, Any], existing: Any) -> dict[str, Any]:
    if (body.get("properties") or {}).get("breaks"):
        ctx.fail_operation(ArmError(400, "WidgetBroke", "The widget broke while assembling."))
    return tracked_resource(rid, body, existing)


TEST_PROVIDER = Provider(
    "Contoso.Widgets",
    types=[
        ResourceType(WIDGETS, _put_widget, view=_view_widget, duration=10,
                     actions={"polish": lambda ctx, rid, body: {"polished": rid}}),
        ResourceType(f"{WIDGETS}/parts", _put_widget, put_style="sync", delete_style="sync"),
        ResourceType("Contoso.Widgets/fragiles", _put_fragile),
        ResourceType("Contoso.Widgets/syncfragiles", _put_fragile, put_style="sync"),
        ResourceType("Contoso.Widgets/gadgets", _put_widget, put_style="private-dns",
                     op_urls="private-dns", delete_style="location"),
    ],
)  # fmt: skip


def _registry() -> Registry:
    return Registry([*load_providers(), TEST_PROVIDER])


@pytest.fixture
async def widgets() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(time_scale=0.0, registry=_registry()) as emu:
        yield emu


async def _raw(emu: EmulatorServer, method: str, path: str, body: Any = None, **kw: Any) -> Any:
    headers = kw.pop("headers", AUTH)
    async with (
        aiohttp.ClientSession() as s,
        s.request(method, emu.base_url + path, json=body, headers=headers, **kw) as r,
    ):
        text = await r.text()
        return r.status, r.headers, json.loads(text) if text else None


async def test_api_version_is_required(emulator: EmulatorServer) -> None:
    status, headers, body = await _raw(emulator, "GET", f"{SUB}/resourcegroups")
    assert status == 400
    assert body["error"]["code"] == "MissingApiVersionParameter"
    assert "Retry-After" not in headers


async def test_bearer_token_is_required(emulator: EmulatorServer) -> None:
    path = f"{SUB}/resourcegroups?api-version={API}"
    status, _, body = await _raw(emulator, "GET", path, headers={})
    assert (status, body["error"]["code"]) == (401, "AuthenticationFailed")
    status, _, body = await _raw(emulator, "GET", path, headers={"Authorization": "Basic x"})
    assert (status, body["error"]["code"]) == (401, "InvalidAuthenticationToken")


async def test_request_ids_and_correlation(emulator: EmulatorServer) -> None:
    headers = {**AUTH, "x-ms-client-request-id": "abc-123"}
    status, h, _ = await _raw(emulator, "GET", f"{SUB}?api-version={API}", headers=headers)
    assert status == 200
    assert h["x-ms-correlation-request-id"] == "abc-123"
    assert h["x-ms-request-id"]
    status, h, _ = await _raw(emulator, "GET", f"{SUB}/resourcegroups/nope?api-version={API}")
    assert status == 404 and h["x-ms-request-id"] and h["x-ms-correlation-request-id"]


async def test_malformed_json_and_unknown_routes(widgets: EmulatorServer) -> None:
    rg = f"{SUB}/resourceGroups/rg1"
    assert (await _raw(widgets, "PUT", f"{rg}?api-version={API}", {"location": "eastus"}))[0] == 201
    async with (
        aiohttp.ClientSession() as s,
        s.put(f"{widgets.base_url}{rg}?api-version={API}", data=b"{nope", headers=AUTH) as r,
    ):
        assert r.status == 400
        assert (await r.json())["error"]["code"] == "InvalidRequestContent"
    status, _, body = await _raw(widgets, "GET", f"{rg}/providers/Nope.Things/x/y?api-version=1")
    assert (status, body["error"]["code"]) == (404, "NoRegisteredProviderFound")
    status, _, body = await _raw(
        widgets, "GET", f"{rg}/providers/Contoso.Widgets/x/y?api-version=1"
    )
    assert (status, body["error"]["code"]) == (404, "InvalidResourceType")
    status, _, body = await _raw(widgets, "POST", f"{rg}?api-version={API}")
    assert (status, body["error"]["code"]) == (405, "MethodNotAllowed")
    part = f"{rg}/providers/Contoso.Widgets/widgets/w9/parts/p1?api-version={API}"
    status, _, body = await _raw(widgets, "PUT", part, {"properties": {}})
    assert (status, body["error"]["code"]) == (404, "ParentResourceNotFound")
    other = f"{SUB}/resourceGroups/nope/providers/Contoso.Widgets/widgets/w?api-version={API}"
    status, _, body = await _raw(widgets, "PUT", other, {"location": "eastus"})
    assert (status, body["error"]["code"]) == (404, "ResourceGroupNotFound")


async def test_generic_lro_children_actions_with_sdk(widgets: EmulatorServer) -> None:
    rm = make_client(ResourceManagementClient, widgets.base_url)
    async with rm:
        await rm.resource_groups.create_or_update("Rg1", {"location": "eastus"})
        wid = f"{SUB}/resourcegroups/rg1/providers/contoso.widgets/WIDGETS/w1"
        poller = await rm.resources.begin_create_or_update_by_id(
            wid, {"location": "eastus", "properties": {"size": 3}}, api_version=API
        )
        widget = await poller.result()
        assert widget.id == f"{SUB}/resourceGroups/Rg1/providers/Contoso.Widgets/widgets/w1"
        assert widget.properties is not None
        assert widget.properties["provisioningState"] == "Succeeded"
        part = await (
            await rm.resources.begin_create_or_update_by_id(
                f"{wid}/parts/p1", {"properties": {}}, api_version=API
            )
        ).result()
        assert part.type == "Contoso.Widgets/widgets/parts"
        got = await rm.resources.get_by_id(wid.upper().replace("W1", "w1"), api_version=API)
        assert got.properties is not None
        assert [p["name"] for p in got.properties["parts"]] == ["p1"]
        gadget = f"{SUB}/resourceGroups/Rg1/providers/Contoso.Widgets/gadgets/g1"
        await (await rm.resources.begin_create_or_update_by_id(
            gadget, {"location": "eastus"}, api_version=API)).result()  # fmt: skip
        await (await rm.resources.begin_delete_by_id(gadget, api_version=API)).result()
        await (await rm.resources.begin_delete_by_id(wid, api_version=API)).result()
        with pytest.raises(ResourceNotFoundError):
            await rm.resources.get_by_id(f"{wid}/parts/p1", api_version=API)
    log = await _raw(widgets, "GET", "/_emulator/requests", headers={})
    paths = [e["path"] for e in log[2]]
    assert any("/privateDnsOperationStatuses/" in p for p in paths)
    assert any("/operations/" in p for p in paths)
    assert widgets.state.get(wid) is None


async def test_action_and_virtual_clock() -> None:
    async with EmulatorServer(time_scale=1.0, registry=_registry()) as emu:
        rg = f"{SUB}/resourceGroups/rg1"
        await _raw(emu, "PUT", f"{rg}?api-version={API}", {"location": "eastus"})
        wid = f"{rg}/providers/Contoso.Widgets/widgets/w1"
        status, h, body = await _raw(emu, "PUT", f"{wid}?api-version={API}", {"location": "eastus"})
        assert status == 201 and body["properties"]["provisioningState"] == "Creating"
        # the delay hint is the operation's remaining time (10 s, less what the request took)
        assert 9000 < int(h["retry-after-ms"]) <= 10_000 and "Retry-After" not in h
        op_url = h["Azure-AsyncOperation"]
        async with aiohttp.ClientSession() as s, s.get(op_url, headers=AUTH) as r:
            assert (await r.json())["status"] == "InProgress"
        await _raw(emu, "POST", "/_emulator/advance?seconds=11", headers={})
        async with aiohttp.ClientSession() as s, s.get(op_url, headers=AUTH) as r:
            assert (await r.json())["status"] == "Succeeded"
        status, _, body = await _raw(emu, "POST", f"{wid}/polish?api-version={API}")
        assert (status, body) == (200, {"polished": wid})


async def test_paging_through_the_sdk_pager(emulator: EmulatorServer) -> None:
    for i in range(250):
        emulator.state.put(
            f"{SUB}/resourceGroups/rg{i:03}",
            {"type": "Microsoft.Resources/resourceGroups", "name": f"rg{i:03}",
             "location": "eastus", "properties": {"provisioningState": "Succeeded"}},
        )  # fmt: skip
    rm = make_client(ResourceManagementClient, emulator.base_url)
    async with rm:
        names = [rg.name async for rg in rm.resource_groups.list()]
    assert names == [f"rg{i:03}" for i in range(250)]
    log = (await _raw(emulator, "GET", "/_emulator/requests", headers={}))[2]
    assert [e["query"].get("$skiptoken") for e in log] == [None, "100", "200"]


async def test_faults_are_retried_by_the_sdk() -> None:
    faults = "throttle=0.3,server_error=0.3,seed=3"
    async with EmulatorServer(faults=faults) as emu:
        msi = make_client(ManagedServiceIdentityClient, emu.base_url, retry_total=30)
        rm = make_client(ResourceManagementClient, emu.base_url, retry_total=30)
        async with msi, rm:
            await rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
            for i in range(10):
                await msi.user_assigned_identities.create_or_update(
                    "rg1", f"id{i}", {"location": "eastus"}
                )
            assert (
                len([x async for x in msi.user_assigned_identities.list_by_resource_group("rg1")])
                == 10
            )
        log = (await _raw(emu, "GET", "/_emulator/requests", headers={}))[2]
        statuses = {e["status"] for e in log}
        assert 429 in statuses and statuses & {500, 503}


async def test_dropped_connection() -> None:
    async with EmulatorServer(faults="drop=1") as emu:
        with pytest.raises(aiohttp.ClientError):
            await _raw(emu, "GET", f"{SUB}?api-version={API}")
        status, _, _ = await _raw(emu, "GET", "/_emulator/state", headers={})
        assert status == 200


async def test_faulted_lro_fails_with_an_error_code() -> None:
    async with EmulatorServer(faults="lro_fail=1", registry=_registry()) as emu:
        rm = make_client(ResourceManagementClient, emu.base_url)
        async with rm:
            await rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
            wid = f"{SUB}/resourceGroups/rg1/providers/Contoso.Widgets/widgets/w1"
            poller = await rm.resources.begin_create_or_update_by_id(
                wid, {"location": "eastus"}, api_version=API
            )
            with pytest.raises(HttpResponseError) as err:
                await poller.result()
            assert err.value.error is not None
            assert error_code(err.value) == "InternalOperationError"
            got = await rm.resources.get_by_id(wid, api_version=API)
            assert got.properties is not None
            assert got.properties["provisioningState"] == "Failed"


async def test_fail_operation_from_validate_put(widgets: EmulatorServer) -> None:
    """``ctx.fail_operation`` accepts the write (201 + LRO) and fails its operation later."""
    rm = make_client(ResourceManagementClient, widgets.base_url)
    async with rm:
        await rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
        fid = f"{SUB}/resourceGroups/rg1/providers/Contoso.Widgets/fragiles/f1"
        status, headers, _ = await _raw(
            widgets, "PUT", f"{fid}?api-version={API}", {"location": "eastus"}
        )
        assert status == 201 and "Azure-AsyncOperation" in headers
        poller = await rm.resources.begin_create_or_update_by_id(
            fid, {"location": "eastus", "properties": {"breaks": True}}, api_version=API
        )
        with pytest.raises(HttpResponseError) as err:
            await poller.result()
        assert error_code(err.value) == "WidgetBroke"
        got = await rm.resources.get_by_id(fid, api_version=API)
        assert got.properties is not None and got.properties["provisioningState"] == "Failed"
        # one-shot: the next write on the same resource succeeds
        poller = await rm.resources.begin_create_or_update_by_id(
            fid, {"location": "eastus"}, api_version=API
        )
        fixed = await poller.result()
        assert fixed.properties is not None
        assert fixed.properties["provisioningState"] == "Succeeded"
    sid = f"{SUB}/resourceGroups/rg1/providers/Contoso.Widgets/syncfragiles/s1"
    body = {"location": "eastus", "properties": {"breaks": True}}
    status, _, _ = await _raw(widgets, "PUT", f"{sid}?api-version={API}", body)
    assert status == 500  # a programming error in the provider, not an ARM answer
    assert (await _raw(widgets, "GET", f"{sid}?api-version={API}"))[0] == 404


def test_state_file_survives_restart(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    with EmulatorThread(state_file=state) as emu:
        rm = make_client(SyncResourceClient, emu.base_url)
        rm.resource_groups.create_or_update("keep-me", {"location": "westeurope"})
    assert json.loads(state.read_text())["resources"]
    with EmulatorThread(state_file=state) as emu:
        rm = make_client(SyncResourceClient, emu.base_url)
        assert rm.resource_groups.get("KEEP-ME").location == "westeurope"
    assert not list(tmp_path.glob(".*.tmp"))


async def test_request_log_never_contains_the_token(emulator: EmulatorServer) -> None:
    rm = make_client(ResourceManagementClient, emulator.base_url)
    async with rm:
        await rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
    status, _, log = await _raw(emulator, "GET", "/_emulator/requests", headers={})
    assert status == 200 and log and log[0]["method"] == "PUT"
    assert FAKE_TOKEN not in json.dumps(log) and "Bearer" not in json.dumps(log)
    assert set(log[0]) == {"method", "path", "query", "status", "duration_ms"}


async def test_reset_and_state(emulator: EmulatorServer) -> None:
    await _raw(
        emulator, "PUT", f"{SUB}/resourcegroups/rg1?api-version={API}", {"location": "eastus"}
    )
    state = (await _raw(emulator, "GET", "/_emulator/state", headers={}))[2]
    assert [r["name"] for r in state["resources"]] == ["rg1"]
    assert (await _raw(emulator, "POST", "/_emulator/reset", headers={}))[0] == 200
    assert len(emulator.state) == 0


def test_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        EmulatorServer(host="0.0.0.0")


def test_emulator_imports_neither_textual_nor_azure() -> None:
    code = (
        "import sys, pkgutil, importlib, aksiso_tui.emulator as e, aksiso_tui.emulator.providers\n"
        "for m in pkgutil.walk_packages(e.__path__, 'aksiso_tui.emulator.'):\n"
        "    if not m.name.endswith('.testing'): importlib.import_module(m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'azure')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_serves_and_stops_on_sigterm() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "aksiso_tui.emulator", "--port", "0", "--time-scale", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("aksiso emulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1].strip()
        rm = make_client(SyncResourceClient, url)
        assert rm.resource_groups.check_existence("nope") is False
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


async def test_overlapping_writes_keep_the_latest_state() -> None:
    async with EmulatorServer(time_scale=1.0, registry=_registry()) as emu:
        rg = f"{SUB}/resourceGroups/rg1"
        await _raw(emu, "PUT", f"{rg}?api-version={API}", {"location": "eastus"})
        wid = f"{rg}/providers/Contoso.Widgets/widgets/w1?api-version={API}"
        assert (await _raw(emu, "PUT", wid, {"location": "eastus"}))[0] == 201
        emu.clock.advance(5)
        status, _, body = await _raw(emu, "PUT", wid, {"location": "eastus", "tags": {"v": "2"}})
        assert (status, body["properties"]["provisioningState"]) == (200, "Updating")
        emu.clock.advance(6)
        assert (await _raw(emu, "GET", wid))[2]["properties"]["provisioningState"] == "Updating"
        emu.clock.advance(5)
        assert (await _raw(emu, "GET", wid))[2]["properties"]["provisioningState"] == "Succeeded"


def test_tls_with_openid_token_endpoint(tmp_path: Path) -> None:
    with EmulatorThread(tls=True, tls_dir=tmp_path) as emu:
        assert emu.base_url.startswith("https://127.0.0.1:")
        cert = str(emu.server.ca_cert_path)
        import requests

        tenant = "11111111-1111-1111-1111-111111111111"
        cfg = requests.get(
            f"{emu.base_url}/{tenant}/v2.0/.well-known/openid-configuration", verify=cert
        ).json()
        token = requests.post(
            cfg["token_endpoint"], data={"client_id": "app", "client_secret": "s3cret"}, verify=cert
        ).json()["access_token"]
        from azure.core.credentials import AccessToken

        class Cred:
            def get_token(self, *scopes: str, **kw: Any) -> AccessToken:
                return AccessToken(token, 2**31)

        rm = SyncResourceClient(
            Cred(), SUBSCRIPTION_ID, base_url=emu.base_url, connection_verify=cert
        )
        rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
        assert rm.resource_groups.get("rg1").location == "eastus"
        # what `az cloud register --endpoint-resource-manager URL/` reads (note the //)
        meta = requests.get(
            f"{emu.base_url}//metadata/endpoints?api-version=2022-09-01", verify=cert
        ).json()
        assert meta["resourceManager"] == f"{emu.base_url}/"
        assert meta["authentication"]["loginEndpoint"] == emu.base_url
        log = requests.get(f"{emu.base_url}/_emulator/requests", verify=cert).text
        assert "s3cret" not in log and token not in log


def test_default_polling_interval_is_fast_at_time_scale_zero(sync_emulator: EmulatorThread) -> None:
    """An unmodified client (polling_interval 30 s) must not wait: the emulator's LRO answers
    carry ``retry-after-ms``."""
    rm = make_client(SyncResourceClient, sync_emulator.base_url, polling_interval=30)
    rm.resource_groups.create_or_update("rg1", {"location": "eastus"})
    poller = rm.resource_groups.begin_delete("rg1")
    poller.result(timeout=5)
    assert poller.done()


def test_store_indexes_and_atomic_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from aksiso_tui.emulator.store import Store

    store = Store()
    vnet = f"{SUB}/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v1"
    subnet_type = "Microsoft.Network/virtualNetworks/subnets"
    store.put(f"{SUB}/resourceGroups/RG", {"type": "Microsoft.Resources/resourceGroups"})
    store.put(vnet, {"type": "Microsoft.Network/virtualNetworks"})
    store.put(vnet.lower() + "/subnets/a", {"type": subnet_type})
    store.put(f"{vnet}/subnets/a", {"type": subnet_type, "properties": {"x": 1}})
    assert store.get(vnet.upper())["id"] == vnet  # type: ignore[index]
    first_casing = vnet.lower().replace("resourcegroups", "resourceGroups") + "/subnets/a"
    assert [r["id"] for r in store.list_by_type(subnet_type.upper(), vnet)] == [first_casing]
    assert store.list_by_type(subnet_type, f"{SUB}/resourceGroups/RG2") == []
    assert len(store.children(f"{SUB}/resourcegroups/rg")) == 2
    path = tmp_path / "s.json"
    store.save(path)
    before = path.read_text()

    def boom(*args: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    store.put(f"{SUB}/resourceGroups/other", {"type": "Microsoft.Resources/resourceGroups"})
    with pytest.raises(OSError):
        store.save(path)
    assert path.read_text() == before and list(tmp_path.iterdir()) == [path]
    assert len(Store.load(path)) == 3


def test_retry_after_is_the_remaining_time_capped() -> None:
    """Pollers wake when the operation is due: ms precision below the cap, Retry-After at it."""
    from aksiso_tui.emulator.lro import Clock, retry_after_headers

    clock = Clock(1.0)
    assert retry_after_headers(clock, 42.0) == {"Retry-After": "10"}
    assert retry_after_headers(clock, 4.2) == {"retry-after-ms": "4200"}
    assert retry_after_headers(clock, 0.0) == {"retry-after-ms": "1"}
