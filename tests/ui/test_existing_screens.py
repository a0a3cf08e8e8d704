"""Existing clusters in the wizard: pick, pre-flight, migrate (with the disruption dialog), audit.

Pilot on the in-process emulator with the `demo` seed at time scale 0, through the wizard's real
backend (`Backend.for_server`: the azure-mgmt aio clients). Nothing sleeps: the tests wait for the
app's workers and for the messages they post.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from textual.widgets import Static

from aksiso_tui.commands.wizard_backend import Backend
from aksiso_tui.commands.wizard_existing import free_prefix
from aksiso_tui.emulator import EmulatorServer
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.screens.audit import AuditScreen
from aksiso_tui.ui.screens.disruption import DisruptionScreen
from aksiso_tui.ui.screens.execute import ExecuteScreen
from aksiso_tui.ui.screens.review import ReviewScreen
from aksiso_tui.ui.screens.summary import SummaryScreen
from aksiso_tui.ui.widgets.choice_list import ChoiceList
from aksiso_tui.ui.widgets.cluster_table import ClusterTable

WRITES = ("PUT", "PATCH", "POST", "DELETE")


@pytest.fixture
async def demo() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(seed="demo", time_scale=0.0) as emu:
        yield emu


def make_app(server: EmulatorServer, tmp_path: Path | None = None) -> AksisoApp:
    return AksisoApp(
        None,
        None,
        True,
        cursor_blink=False,
        check_delay_s=0,
        backend=Backend.for_server(server),
        export_dir=tmp_path,
    )


async def settle(pilot: Any) -> None:
    """Run the app until it is quiet: no worker running and two equal frames in a row. Screens
    here start workers from callbacks (pick -> pre-flight, confirm -> run), which a single
    `wait_for_complete()` + `pause()` misses on a busy machine."""
    app = pilot.app
    previous = None
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        current = app.export_screenshot()
        if current == previous and not any(w.is_running for w in app.workers):
            return
        previous = current
    raise AssertionError("the wizard never settled")


def text_of(app: AksisoApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def requests(server: EmulatorServer) -> list[dict[str, Any]]:
    url = f"{server.base_url}/_emulator/requests"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return list(await response.json())


async def pick(pilot: Any, scenario: str, cluster: str) -> None:
    """From the welcome screen: choose `scenario`, filter the list by typing, pick with Enter."""
    app = pilot.app
    await settle(pilot)
    app.screen.query_one(ChoiceList).choose(scenario)
    await settle(pilot)
    assert app.current == "cluster"
    table = app.screen.query_one(ClusterTable)
    assert len(table.clusters) == 5
    await pilot.press(*cluster)
    await pilot.pause()
    assert [c.name for c in table.shown] == [cluster]
    await pilot.press("enter")
    await settle(pilot)
    assert app.current == "preflight"


async def test_cluster_list_is_live_and_filters(demo: EmulatorServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.screen.query_one(ChoiceList).choose("migrate")
        await settle(pilot)
        table = app.screen.query_one(ClusterTable)
        names = {c.name for c in table.clusters}
        assert names == {
            "aks-legacy-129",
            "aks-windows-pool",
            "aks-ready-to-migrate",
            "aks-already-isolated",
            "aks-behind-firewall",
        }
        windows = next(c for c in table.clusters if c.name == "aks-windows-pool")
        assert any(p.os_type == "Windows" for p in windows.pools)
        await pilot.press("ctrl+n")  # nothing picked: Next stays here
        await settle(pilot)
        assert app.current == "cluster"
        await pilot.press(*"isolated")
        assert [c.name for c in table.shown] == ["aks-already-isolated"]


async def test_legacy_cluster_is_blocked_at_preflight(demo: EmulatorServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 32)) as pilot:
        await pick(pilot, "migrate", "aks-legacy-129")
        findings = text_of(app, "#pf-findings")
        assert "1.29" in findings and "1.30" in findings
        assert "fix:" in findings
        assert "blocker" in text_of(app, "#pf-status")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.current == "preflight"
        assert app.step_errors("preflight")
    assert not [r for r in await requests(demo) if r.get("method") in WRITES]


async def test_ready_cluster_migrates_through_the_disruption_dialog(
    demo: EmulatorServer,
) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 32)) as pilot:
        await pick(pilot, "migrate", "aks-ready-to-migrate")
        assert "no blockers" in text_of(app, "#pf-status")
        assert app.spec.network is not None  # the cluster's own VNet, as discovered
        assert app.spec.network.vnet.name == "vnet-aks-ready"
        assert app.spec.network.aks_subnet.prefix == "10.10.1.0/24"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DisruptionScreen)
        body = str(dialog.query_one("#disruption-body", Static).content)
        assert "aks-ready-to-migrate" in body and app.spec.subscription in body
        assert "Reimage every node pool" in body and "pods are evicted" in body
        assert "lose internet egress" in body
        await pilot.press("tab", "enter")  # Cancel has focus; the next button runs
        await settle(pilot)
        await pilot.pause()
        panel = next(s for s in app.screen_stack if isinstance(s, ExecuteScreen))
        assert not panel.active and panel.phase == "succeeded", panel.problem
        assert isinstance(app.screen, SummaryScreen)
    methods = [r.get("method") for r in await requests(demo)]
    assert "PUT" in methods or "POST" in methods


async def test_cancelling_the_disruption_dialog_sends_nothing(demo: EmulatorServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 32)) as pilot:
        await pick(pilot, "migrate", "aks-ready-to-migrate")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, DisruptionScreen)
        await pilot.press("enter")  # Cancel
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert not any(isinstance(s, ExecuteScreen) for s in app.screen_stack)
    assert not [r for r in await requests(demo) if r.get("method") in WRITES]


async def test_disable_offers_the_outbound_to_return_to(demo: EmulatorServer) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 32)) as pilot:
        await pick(pilot, "disable", "aks-already-isolated")
        assert "no blockers" in text_of(app, "#pf-status")
        cards = app.screen.query_one(ChoiceList)
        assert cards.path == "outbound_after_disable"
        assert cards.get_option("managedNATGateway").disabled  # custom VNet
        cards.choose("userDefinedRouting")
        await settle(pilot)
        assert "route" in text_of(app, "#pf-findings")  # no route table: a blocker
        assert app.step_errors("preflight")
        cards.choose("loadBalancer")
        await settle(pilot)
        assert not app.step_errors("preflight")


async def test_isolated_cluster_is_disabled_through_the_panel(demo: EmulatorServer) -> None:
    """Disable end to end in the wizard: Direct + loadBalancer, then the reimage, confirmed."""
    app = make_app(demo)
    async with app.run_test(size=(100, 32)) as pilot:
        await pick(pilot, "disable", "aks-already-isolated")
        assert not app.step_errors("preflight")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DisruptionScreen)
        assert "aks-already-isolated" in str(dialog.query_one("#disruption-body", Static).content)
        await pilot.press("tab", "enter")
        await settle(pilot)
        await pilot.pause()
        panel = next(s for s in app.screen_stack if isinstance(s, ExecuteScreen))
        assert not panel.active and panel.phase == "succeeded", panel.problem
        assert isinstance(app.screen, SummaryScreen)
    cluster = demo.state.get(
        f"/subscriptions/{app.spec.subscription}/resourceGroups/rg-demo-isolated/providers/"
        "Microsoft.ContainerService/managedClusters/aks-already-isolated"
    )
    assert cluster is not None
    props = cluster["properties"]
    assert props["bootstrapProfile"]["artifactSource"] == "Direct"
    assert props["networkProfile"]["outboundType"] == "loadBalancer"
    posts = [r["path"] for r in await requests(demo) if r.get("method") == "POST"]
    assert any(path.endswith("/upgradeNodeImageVersion") for path in posts)


async def audit_of(pilot: Any, cluster: str) -> AuditScreen:
    app = pilot.app
    await settle(pilot)
    app.screen.query_one(ChoiceList).choose("audit")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, AuditScreen)
    assert screen.query_one(ClusterTable).pick(cluster)
    await settle(pilot)
    assert screen.report is not None
    return screen


@pytest.mark.parametrize(
    ("cluster", "verdict"),
    [("aks-already-isolated", "ISOLATED  "), ("aks-ready-to-migrate", "NOT ISOLATED")],
)
async def test_audit_verdict(demo: EmulatorServer, cluster: str, verdict: str) -> None:
    app = make_app(demo)
    async with app.run_test(size=(100, 32)) as pilot:
        await audit_of(pilot, cluster)
        banner = text_of(app, "#audit-banner")
        assert banner.strip().startswith(verdict.strip())
        assert ("NOT" in banner) == ("NOT" in verdict)


async def test_audit_behind_firewall_lists_allowed_fqdns(
    demo: EmulatorServer, tmp_path: Path
) -> None:
    app = make_app(demo, tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await audit_of(pilot, "aks-behind-firewall")
        assert "egress via firewall" in text_of(app, "#audit-banner").lower()
        egress = text_of(app, "#audit-egress")
        assert "auth.docker.io" in egress and "registry-1.docker.io" in egress
        assert screen.report is not None
        written = screen.write_json(screen.report, tmp_path / "audit.json")
        assert written is not None
        data = json.loads(written.read_text())
        assert data["verdict"] == "isolated_egress_via_firewall"
        await pilot.press("escape")  # back to the list
        await pilot.pause()
        assert screen.report is None


def test_free_prefix_skips_used_ranges() -> None:
    assert free_prefix("10.10.0.0/16", ["10.10.0.0/24", "10.10.1.0/24"]) == "10.10.2.0/24"
    assert free_prefix("10.0.0.0/26", ["10.0.0.0/27"]) == "10.0.0.32/27"
    assert free_prefix("10.0.0.0/28", ["10.0.0.0/28"]) is None
