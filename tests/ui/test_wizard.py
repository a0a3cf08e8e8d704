"""Walk the wizard with Pilot: every choice on the spec screens, going back, blocking, Apply."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList
from ui_helpers import FakeCatalog, example, make_app

from aksiso_tui.plan.model import Plan
from aksiso_tui.spec import ApiServerMode, OutboundType, RegistryMode, Spec
from aksiso_tui.ui.app import AksisoApp
from aksiso_tui.ui.catalog import DEMO_SUBSCRIPTION
from aksiso_tui.ui.screens.review import ReviewScreen
from aksiso_tui.ui.widgets.choice_list import ChoiceList
from aksiso_tui.ui.widgets.field_input import FieldInput
from aksiso_tui.ui.widgets.nav_bar import NavBar


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_into(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Replace a field's text (one Input.Changed, as a paste would)."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = text
    await settle(pilot)


async def test_typing_key_by_key_validates_each_keystroke() -> None:
    app = make_app(example("seed000-byo-private-link.yaml"), start_at="network")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#input-network-vnet-address_space", Input)
        field.focus()
        field.value = ""
        await pilot.press(*"10.1.0.0/1")
        await settle(pilot)
        assert app.spec.network is not None
        assert app.spec.network.vnet.address_space == "10.1.0.0/1"
        assert app.screen.query_one(NavBar).blocked  # subnets now outside the VNet


async def choose(pilot, value: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(ChoiceList).choose(value)
    await settle(pilot)


async def fill_azure(pilot) -> None:  # type: ignore[no-untyped-def]
    """Pick the subscription and location from the live lists, type the resource group."""
    app: AksisoApp = pilot.app
    assert app.current == "azure"
    await pilot.click("#input-subscription")
    await pilot.press("down", "enter")
    await settle(pilot)
    await type_into(pilot, "#input-resource_group", "rg-test")
    await type_into(pilot, "#input-location", "swedencentral")
    await settle(pilot)


async def start_create(pilot) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("enter")  # "Create" is highlighted on the welcome screen
    await settle(pilot)
    await fill_azure(pilot)


async def test_default_path_to_review_and_apply() -> None:
    applied: list[tuple[Spec, Plan]] = []

    class Recording(AksisoApp):
        def start_apply(self, spec: Spec, plan: Plan) -> None:
            applied.append((spec, plan))

    app = Recording(None, FakeCatalog(), False, cursor_blink=False, check_delay_s=0)
    async with app.run_test(size=(100, 32)) as pilot:
        await start_create(pilot)
        assert app.spec.subscription == DEMO_SUBSCRIPTION
        assert app.spec.location == "swedencentral"
        for step in ("registry", "api_server", "outbound", "network", "hub", "review"):
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert app.current == step
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.plan is not None and len(screen.plan) > 0
        assert screen.query_one(NavBar).blocked == ""
        await pilot.press("ctrl+n")  # Apply… asks first
        await settle(pilot)
        await pilot.click("#confirm")
        await settle(pilot)
    assert len(applied) == 1
    spec, plan = applied[0]
    assert spec.registry.mode is RegistryMode.MANAGED and spec.network is None
    assert plan.critical_path_s() <= plan.sequential_s()


async def test_cancel_apply_sends_nothing() -> None:
    app = make_app(example("hub-firewall-spoke.yaml"), start_at="review")
    sent: list[object] = []
    app.start_apply = lambda spec, plan: sent.append(plan)  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.click("#nav-next")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
    assert sent == []


async def test_byo_registry_switches_network_and_checks_name() -> None:
    catalog = FakeCatalog()
    app = make_app(catalog=catalog)
    async with app.run_test(size=(100, 32)) as pilot:
        await start_create(pilot)
        await pilot.press("ctrl+n")
        await choose(pilot, "byo")
        assert app.spec.registry.mode is RegistryMode.BYO
        assert app.spec.network is not None and app.spec.network.acr_subnet is not None
        await type_into(pilot, "#input-registry-name", "contoso")
        assert catalog.checked[-1] == "contoso"
        field = next(f for f in app.screen.query(FieldInput) if f.path == "registry.name")
        assert "in use" in str(field.note)
        await type_into(pilot, "#input-registry-name", "acrfree12345")
        assert "available" in str(field.note)
        # Back to managed: the AKS-managed VNet returns, and the typed name is kept aside.
        await choose(pilot, "managed")
        assert app.spec.network is None and app.spec.registry.name is None
        await choose(pilot, "byo")
        assert app.spec.registry.name == "acrfree12345"


async def test_vnet_integration_adds_apiserver_subnet_and_back() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await start_create(pilot)
        await pilot.press("ctrl+n", "ctrl+n")
        await settle(pilot)
        assert app.current == "api_server"
        await choose(pilot, "vnet_integration")
        assert app.spec.api_server is ApiServerMode.VNET_INTEGRATION
        assert app.spec.network is not None and app.spec.network.apiserver_subnet is not None
        await choose(pilot, "private_link")
        assert app.spec.network is None


async def test_block_disabled_with_custom_vnet() -> None:
    app = make_app(example("seed000-byo-private-link.yaml"), start_at="outbound")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        cards = app.screen.query_one(ChoiceList)
        block = cards.get_option("block")
        assert block.disabled
        cards.choose("block")
        await settle(pilot)
        assert app.spec.outbound is OutboundType.NONE


async def test_block_allowed_with_managed_vnet() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await start_create(pilot)
        for _ in range(3):
            await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.current == "outbound"
        cards = app.screen.query_one(ChoiceList)
        assert not cards.get_option("block").disabled
        await choose(pilot, "block")
        assert app.spec.outbound is OutboundType.BLOCK
        # Choosing a custom VNet afterwards turns block back into none, and says so.
        await pilot.press("ctrl+n")
        await settle(pilot)
        await choose(pilot, "custom")
        assert app.spec.network is not None
        assert app.spec.outbound is OutboundType.NONE


async def test_hub_on_off_and_docker_hub() -> None:
    app = make_app(example("seed000-byo-private-link.yaml"), start_at="hub")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await choose(pilot, "on")
        assert app.spec.hub is not None
        await pilot.click("#add-docker-hub")
        await settle(pilot)
        assert app.spec.hub is not None
        assert "registry-1.docker.io" in app.spec.hub.allow_fqdns
        await choose(pilot, "off")
        assert app.spec.hub is None
        await choose(pilot, "on")
        assert app.spec.hub is not None
        assert "registry-1.docker.io" in app.spec.hub.allow_fqdns  # restored


async def test_answers_survive_going_back() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await start_create(pilot)
        await type_into(pilot, "#input-cluster-name", "prod-east")
        await pilot.press("ctrl+n")
        await choose(pilot, "byo")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+b", "ctrl+b")
        await settle(pilot)
        assert app.current == "azure"
        assert app.screen.query_one("#input-resource_group", Input).value == "rg-test"
        assert app.screen.query_one("#input-cluster-name", Input).value == "prod-east"
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.screen.query_one(ChoiceList).chosen == "byo"
        assert app.screen.query_one("#input-registry-name", Input).value == "acrprodeast"


async def test_next_blocked_on_invalid_cidr() -> None:
    app = make_app(example("seed000-byo-private-link.yaml"), start_at="network")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#input-network-aks_subnet-prefix", "192.168.1.0/33")
        nav = app.screen.query_one(NavBar)
        assert "network.aks_subnet.prefix" in nav.blocked
        field = next(
            f for f in app.screen.query(FieldInput) if f.path == "network.aks_subnet.prefix"
        )
        assert field.findings and "not a valid CIDR" in field.findings[0].message
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.current == "network"
        # An overlap is an error too.
        await type_into(pilot, "#input-network-aks_subnet-prefix", "192.168.2.0/24")
        assert "overlaps" in " ".join(f.message for f in app.draft.findings())
        await type_into(pilot, "#input-network-aks_subnet-prefix", "192.168.1.0/24")
        assert nav.blocked == ""
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.current == "hub"


async def test_empty_azure_step_blocks_quietly_until_next() -> None:
    app = make_app(start_at="azure")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        picker = app.screen.query_one("#input-resource_group").parent.parent  # type: ignore[union-attr]
        assert picker.findings == ()  # type: ignore[attr-defined]
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.current == "azure"
        assert picker.findings  # type: ignore[attr-defined]


async def test_picker_filters_as_you_type() -> None:
    app = make_app(start_at="azure")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await type_into(pilot, "#input-subscription", DEMO_SUBSCRIPTION)
        await type_into(pilot, "#input-location", "euro")
        lists = [o for o in app.screen.query(OptionList) if o.has_class("picker-list")]
        location_list = lists[2]
        assert location_list.option_count == 2  # West Europe, North Europe


async def test_exports_write_files(tmp_path: Path) -> None:
    app = make_app(example("hub-firewall-spoke.yaml"), start_at="review", export_dir=tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        for button, name in (
            ("#save-answers", "answers.yaml"),
            ("#export-az", "plan.sh"),
            ("#export-json", "plan.json"),
        ):
            await pilot.click(button)
            await settle(pilot)
            dialog_input = app.screen.query_one("#save-path", Input)
            dialog_input.value = str(tmp_path / name)
            await pilot.press("enter")
            await settle(pilot)
        assert "Written" in str(app.screen.query_one("#exports").render())
    assert "aks-spoke-isolated" in (tmp_path / "answers.yaml").read_text()
    assert "az " in (tmp_path / "plan.sh").read_text()
    assert '"steps"' in (tmp_path / "plan.json").read_text()


async def test_theme_toggle_and_palette_commands() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"toggle light")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "textual-dark"


async def test_breadcrumb_jumps_only_over_complete_steps() -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await app.run_action("goto_step('review')")
        await settle(pilot)
        assert app.current == "azure"  # the first step with errors stops the jump


async def test_resizes_down_to_80x24() -> None:
    app = make_app(example("hub-firewall-spoke.yaml"), start_at="review")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        apply_button = app.screen.query_one("#nav-next")
        assert apply_button.region.right <= 80
        assert app.screen.query_one("#plan-tree").region.height >= 5
