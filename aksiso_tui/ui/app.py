"""The wizard's app shell: the flow of steps, the shared Spec, navigation, export and Apply.

`AksisoApp` holds the one `Draft` (the Spec under edit) that every step screen reads and writes,
the `ArmCatalog` the screens ask for live lists, and the order of the steps. Screens are imported
only when first shown, so the first screen appears fast.

Extension points for what comes after the review (execution, verification, migration, audit):
- `start_apply(spec, plan)` is called when the operator confirms Apply; override it (or replace
  the `ApplyRequested` handler) to push the execution screen.
- `STEPS` / `flow()` decide which steps a scenario walks through; add a step with `StepDef`.
- `start_audit()` is called from the welcome screen's "Audit" card.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from aksiso_tui.findings import Severity
from aksiso_tui.spec import Scenario, Spec
from aksiso_tui.ui.catalog import ArmCatalog, OfflineCatalog
from aksiso_tui.ui.commands import WizardCommands
from aksiso_tui.ui.messages import ApplyRequested
from aksiso_tui.ui.state import Draft

if TYPE_CHECKING:
    from aksiso_tui.plan.model import Plan
    from aksiso_tui.ui.screens.base import StepScreen

T = TypeVar("T")

THEMES = ("textual-dark", "textual-light")


@dataclass(frozen=True)
class StepDef:
    key: str
    label: str
    """Breadcrumb label."""
    screen: str
    """`module:Class` of the step's screen, imported when first shown."""
    scenarios: tuple[Scenario, ...] = (Scenario.CREATE, Scenario.MIGRATE, Scenario.DISABLE)


_S = "aksiso_tui.ui.screens"
STEPS: list[StepDef] = [
    StepDef("welcome", "Welcome", f"{_S}.welcome:WelcomeScreen"),
    StepDef("azure", "Azure", f"{_S}.azure_context:AzureContextScreen"),
    StepDef(
        "registry", "Registry", f"{_S}.registry:RegistryScreen", (Scenario.CREATE, Scenario.MIGRATE)
    ),
    StepDef(
        "api_server",
        "API server",
        f"{_S}.api_server:ApiServerScreen",
        (Scenario.CREATE, Scenario.MIGRATE),
    ),
    StepDef(
        "outbound", "Outbound", f"{_S}.outbound:OutboundScreen", (Scenario.CREATE, Scenario.MIGRATE)
    ),
    StepDef("network", "Network", f"{_S}.network:NetworkScreen", (Scenario.CREATE,)),
    StepDef("hub", "Hub", f"{_S}.hub:HubScreen", (Scenario.CREATE,)),
    StepDef("review", "Review", f"{_S}.review:ReviewScreen"),
]
"""Every step, in order. Migration's cluster picker and pre-flight steps slot in here later."""


def _load_class(ref: str) -> type[Any]:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


class AksisoApp(App[int]):
    """The aksiso wizard."""

    CSS_PATH = Path(__file__).parent / "app.tcss"
    TITLE = "aksiso"
    SUB_TITLE = "network isolated AKS"
    COMMANDS = App.COMMANDS | {WizardCommands}
    BINDINGS: ClassVar[list[Any]] = [
        Binding("ctrl+n", "next", "Next", priority=True),
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("ctrl+s", "save_answers", "Save answers", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme"),
    ]

    def __init__(
        self,
        spec: Spec | None = None,
        catalog: ArmCatalog | None = None,
        demo: bool = False,
        *,
        config_path: str | None = None,
        start_at: str = "welcome",
        theme: str = THEMES[0],
        export_dir: Path | None = None,
        cursor_blink: bool = True,
        check_delay_s: float = 0.3,
    ) -> None:
        super().__init__()
        self.cursor_blink = cursor_blink
        """False for snapshots and screenshots (a blinking cursor is not reproducible)."""
        self.check_delay_s = check_delay_s
        """How long typing must pause before a live check (registry name) is sent."""
        self.draft = Draft(spec)
        self.catalog: ArmCatalog = catalog if catalog is not None else OfflineCatalog()
        self.demo = demo
        self.config_path = config_path
        self.export_dir = export_dir or Path.cwd()
        self.start_at = start_at
        self.current = start_at
        self.visited: set[str] = set()
        if spec is not None:
            # Started from a file: every step already has an answer, so every step is reachable.
            self.visited = {s.key for s in self.flow()}
        self.exported: dict[str, Path] = {}
        """What was written this session, by kind (answers, az, json)."""
        self._cache: dict[str, Any] = {}
        self.theme = theme

    # --- flow -------------------------------------------------------------------------------
    @property
    def spec(self) -> Spec:
        return self.draft.spec

    def flow(self) -> list[StepDef]:
        scenario = self.draft.spec.scenario
        return [s for s in STEPS if scenario in s.scenarios]

    def step_labels(self) -> list[tuple[str, str]]:
        return [(s.key, s.label) for s in self.flow()]

    def _index(self, key: str) -> int:
        keys = [s.key for s in self.flow()]
        return keys.index(key) if key in keys else 0

    def has_previous(self, key: str) -> bool:
        return self._index(key) > 0

    def make_screen(self, key: str) -> StepScreen:
        step = next(s for s in STEPS if s.key == key)
        return _load_class(step.screen)()  # type: ignore[no-any-return]

    def step_errors(self, key: str) -> list[str]:
        """Error locations that keep the operator on step `key`."""
        step = next(s for s in STEPS if s.key == key)
        prefixes = _load_class(step.screen).PREFIXES
        return [f.where for f in self.draft.errors_under(prefixes)]

    def settle_cursor(self, screen: Screen[Any]) -> None:
        """Apply `cursor_blink` to the inputs of a screen that just mounted."""
        if not self.cursor_blink:
            for widget in screen.query(Input):
                widget.cursor_blink = False

    def on_mount(self) -> None:
        self.visited.add(self.start_at)
        self.push_screen(self.make_screen(self.start_at))

    def show_step(self, key: str) -> None:
        self.current = key
        self.visited.add(key)
        self.switch_screen(self.make_screen(key))

    def action_next(self) -> None:
        """Next (ctrl+n): the screen decides; on the review that means Apply."""
        go_next = getattr(self.screen, "go_next", None)
        if go_next is not None:
            go_next()

    def advance(self) -> None:
        """Go to the next step of the flow, unless the current one has errors."""
        flow = self.flow()
        index = self._index(self.current)
        if index + 1 >= len(flow):
            return
        errors = self.step_errors(self.current)
        if errors:
            reveal = getattr(self.screen, "reveal", None)
            if reveal is not None:
                reveal()
            self.notify(f"Fix {errors[0]} first.", title="Next is blocked", severity="error")
            return
        self.show_step(flow[index + 1].key)

    def action_back(self) -> None:
        index = self._index(self.current)
        if index > 0:
            self.show_step(self.flow()[index - 1].key)

    def action_goto_step(self, key: str) -> None:
        """Jump to `key`: back freely; forward only over steps without errors."""
        keys = [s.key for s in self.flow()]
        if key not in keys or key == self.current:
            return
        here, there = keys.index(self.current), keys.index(key)
        for passing in keys[here:there]:
            errors = self.step_errors(passing)
            if errors:
                self.notify(f"Fix {errors[0]} first.", title="Cannot skip ahead", severity="error")
                if passing != self.current:
                    self.show_step(passing)
                return
        self.show_step(key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("next", "back", "goto_step"):
            from aksiso_tui.ui.screens.base import StepScreen

            return isinstance(self.screen, StepScreen)
        return True

    # --- scenario hooks ---------------------------------------------------------------------
    def start_scenario(self, scenario: Scenario) -> None:
        """The welcome screen's choice; the breadcrumb follows the scenario's flow."""
        self.draft.set("scenario", scenario.value)
        self.visited &= {s.key for s in self.flow()}
        self.advance()

    def start_audit(self) -> None:
        """Hook: the audit flow (pick a cluster, show findings) is built on top of this shell."""
        self.notify("Auditing an existing cluster comes next; try `aksiso audit` meanwhile.")

    def start_apply(self, spec: Spec, plan: Plan) -> None:
        """Hook: the execution panel replaces this (push the execute screen with the plan)."""
        self.notify(
            f"{len(plan)} steps ready for subscription {spec.subscription}. "
            "Applying from the wizard comes next; meanwhile: save the answers and run "
            "`aksiso apply FILE`.",
            title="Apply",
            timeout=8,
        )

    def on_apply_requested(self, message: ApplyRequested) -> None:
        self.start_apply(message.spec, message.plan)

    # --- live data --------------------------------------------------------------------------
    async def cached(self, key: str, call: Callable[[], Awaitable[T]]) -> T:
        """Remember successful catalog answers for the session (going back is instant)."""
        if key not in self._cache:
            self._cache[key] = await call()
        return self._cache[key]  # type: ignore[no-any-return]

    def cached_value(self, key: str) -> Any:
        """A catalog answer already had this session, or None."""
        return self._cache.get(key)

    def subscription_name(self, subscription: str) -> str:
        """The display name of a subscription, if the catalog listed it this session."""
        known = self._cache.get("subscriptions") or []
        return next((s.name for s in known if s.id == subscription), "")

    # --- files ------------------------------------------------------------------------------
    def default_path(self, kind: str) -> Path:
        name = self.spec.cluster.name or "aksiso"
        suffix = {"answers": ".yaml", "az": ".sh", "json": ".plan.json"}[kind]
        if kind == "answers" and self.config_path:
            return Path(self.config_path)
        return self.export_dir / f"{name}{suffix}"

    def render_export(self, kind: str) -> str:
        """The text of an export: the answers as YAML, the az script or the JSON plan."""
        if kind == "answers":
            from aksiso_tui.config import dump_spec_text

            return dump_spec_text(self.spec)
        from aksiso_tui.export import render
        from aksiso_tui.plan import build_plan

        return render(build_plan(self.spec), self.spec, kind)

    def write_export(self, kind: str, path: str | Path) -> Path | None:
        """Write an export to `path`; notify where it went (or why it could not be written)."""
        target = Path(path).expanduser()
        if kind in ("az", "json") and any(
            f.severity is Severity.ERROR for f in self.draft.findings()
        ):
            self.notify(
                "The answers have errors; fix them (see Review) before exporting a plan.",
                severity="error",
            )
            return None
        try:
            if kind == "answers":
                from aksiso_tui.config import save_spec_file

                save_spec_file(self.spec, target)
            else:
                target.write_text(self.render_export(kind), encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not write {target}: {exc.strerror or exc}", severity="error")
            return None
        self.exported[kind] = target
        what = {"answers": "Answers", "az": "az script", "json": "JSON plan"}[kind]
        self.notify(f"{what} written to {target}", title="Saved")
        return target

    def ask_and_write(self, kind: str) -> None:
        from aksiso_tui.ui.screens.save_path import SavePathScreen

        title = {
            "answers": "Save the answers (YAML)",
            "az": "Export the az script",
            "json": "Export the JSON plan",
        }[kind]

        def write(path: str | None) -> None:
            if path:
                self.write_export(kind, path)
                refresh = getattr(self.screen, "exports_changed", None)
                if refresh is not None:
                    refresh()

        self.push_screen(SavePathScreen(title, str(self.default_path(kind))), write)

    def action_save_answers(self) -> None:
        self.ask_and_write("answers")

    def action_export_az(self) -> None:
        self.ask_and_write("az")

    def action_export_json(self) -> None:
        self.ask_and_write("json")

    def action_toggle_theme(self) -> None:
        self.theme = THEMES[1] if self.theme == THEMES[0] else THEMES[0]

    async def on_unmount(self) -> None:
        await self.catalog.close()

    def get_default_screen(self) -> Screen[Any]:
        return Screen()
