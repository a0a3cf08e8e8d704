"""The wizard's app shell: the flow of steps, the shared Spec, navigation, export and Apply.

`AksisoApp` holds the one `Draft` (the Spec under edit) that every step screen reads and writes,
the `ArmCatalog` the screens ask for live lists, and the order of the steps. Screens are imported
only when first shown, and the first screen is drawn before the Spec (pydantic, and the docstrings
it parses) is imported: `Draft` is made on first use and a thread imports the core meanwhile.

After the review: `start_apply(spec, plan)` pushes the live execution panel, which runs the plan
through `backend` (the embedded emulator with `--demo`, else Azure); the summary follows it.
`resume_run(run_id)` reopens a journaled run. Extension points for what else comes:
- `STEPS` / `flow()` decide which steps a scenario walks through; add a step with `StepDef`.
- `start_audit()` is called from the welcome screen's "Audit" card.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input

from aksiso_tui.findings import Severity
from aksiso_tui.ui.catalog import ArmCatalog, OfflineCatalog
from aksiso_tui.ui.commands import WizardCommands
from aksiso_tui.ui.messages import ApplyRequested

if TYPE_CHECKING:
    from aksiso_tui.commands.wizard_backend import Backend
    from aksiso_tui.plan.model import Plan
    from aksiso_tui.spec import Scenario, Spec
    from aksiso_tui.ui.screens.base import StepScreen
    from aksiso_tui.ui.state import Draft

T = TypeVar("T")

THEMES = ("textual-dark", "textual-light")


@dataclass(frozen=True)
class StepDef:
    key: str
    label: str
    """Breadcrumb label."""
    screen: str
    """`module:Class` of the step's screen, imported when first shown."""
    scenarios: tuple[str, ...] = ("create", "migrate", "disable")
    """`Scenario` values (strings, so the flow is known before the Spec is imported)."""


_S = "aksiso_tui.ui.screens"
_CREATE = ("create",)
_EXISTING = ("migrate", "disable")
STEPS: list[StepDef] = [
    StepDef("welcome", "Welcome", f"{_S}.welcome:WelcomeScreen"),
    StepDef("azure", "Azure", f"{_S}.azure_context:AzureContextScreen", _CREATE),
    StepDef("cluster", "Cluster", f"{_S}.clusters:ClustersScreen", _EXISTING),
    StepDef("preflight", "Pre-flight", f"{_S}.preflight:PreflightScreen", _EXISTING),
    StepDef("registry", "Registry", f"{_S}.registry:RegistryScreen", _CREATE),
    StepDef("api_server", "API server", f"{_S}.api_server:ApiServerScreen", _CREATE),
    StepDef("outbound", "Outbound", f"{_S}.outbound:OutboundScreen", _CREATE),
    StepDef("network", "Network", f"{_S}.network:NetworkScreen", _CREATE),
    StepDef("hub", "Hub", f"{_S}.hub:HubScreen", _CREATE),
    StepDef("review", "Review", f"{_S}.review:ReviewScreen"),
]
"""Every step, in order. An existing cluster (migrate, disable) is picked from a live list and
pre-flighted; its migration choices (registry, outbound) are made on the pre-flight step, which
re-runs pre-flight for them, and its network is the cluster's own, as discovered."""

CORE_MODULES = (
    "aksiso_tui.ui.state",
    "aksiso_tui.ui.help",
    "aksiso_tui.ui.screens.azure_context",
)
"""Imported in a thread while the first screen is shown (pydantic and the Spec's docstrings)."""


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
        backend: Backend | None = None,
    ) -> None:
        super().__init__()
        self.cursor_blink = cursor_blink
        """False for snapshots and screenshots (a blinking cursor is not reproducible)."""
        self.check_delay_s = check_delay_s
        """How long typing must pause before a live check (registry name) is sent."""
        self._initial_spec = spec
        self._draft: Draft | None = None
        self.core_ready = spec is not None or "aksiso_tui.ui.state" in sys.modules
        """The Spec and its help are imported (at once with `--config`, else in the background)."""
        self.backend = backend
        """Where runs go (and, unless `catalog` is given, the live lists come from)."""
        if catalog is None and backend is not None:
            catalog = backend.catalog()
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
        self.picked: Any = None
        """The cluster picked for migrate / disable (an `azure.discover.ClusterSummary`)."""
        self.facts: Any = None
        """What a migration of `picked` is prefilled with (`wizard_existing.ClusterFacts`)."""
        self.existing_check: tuple[str, Any] | None = None
        """(the answers it was made for, as JSON; the `commands.existing.ExistingCheck`)."""
        self.session_runs: list[str] = []
        """Run ids started or resumed this session, oldest first (the demo clean-up undoes them)."""
        self.theme = theme

    # --- flow -------------------------------------------------------------------------------
    @property
    def draft(self) -> Draft:
        if self._draft is None:
            from aksiso_tui.ui.state import Draft

            self._draft = Draft(self._initial_spec)
        return self._draft

    @property
    def spec(self) -> Spec:
        return self.draft.spec

    def scenario(self) -> str:
        """The chosen scenario's value, without importing the Spec if nobody has yet."""
        if self._draft is not None:
            return self._draft.spec.scenario.value
        if self._initial_spec is not None:
            return self._initial_spec.scenario.value
        return "create"

    def flow(self) -> list[StepDef]:
        scenario = self.scenario()
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
        screen = _load_class(step.screen)
        errors = [f.where for f in self.draft.errors_under(screen.PREFIXES)]
        return errors + screen.extra_errors(self)

    def settle_cursor(self, screen: Screen[Any]) -> None:
        """Apply `cursor_blink` to the inputs of a screen that just mounted."""
        if not self.cursor_blink:
            for widget in screen.query(Input):
                widget.cursor_blink = False

    def on_mount(self) -> None:
        self.visited.add(self.start_at)
        self.push_screen(self.make_screen(self.start_at))
        self.call_after_refresh(self._start_background)

    def _start_background(self) -> None:
        """After the first screen is drawn: load the core, start the backend (the emulator)."""
        if self.backend is not None:
            self.run_worker(self.backend.start(), group="backend", exit_on_error=False)
        if not self.core_ready:
            self.run_worker(self._load_core, thread=True, group="core", exit_on_error=False)

    def _load_core(self) -> None:
        for name in CORE_MODULES:
            importlib.import_module(name)
        self.call_from_thread(self._core_loaded)

    def _core_loaded(self) -> None:
        self.core_ready = True
        for screen in self.screen_stack:
            loaded = getattr(screen, "core_loaded", None)
            if loaded is not None:
                loaded()

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

    async def action_back(self) -> None:
        # App.action_back is a coroutine in Textual; the wizard's own Back is go_back().
        self.go_back()

    def go_back(self) -> None:
        """Back one wizard step (the button, ctrl+b)."""
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
    def start_scenario(self, scenario: Scenario | str) -> None:
        """The welcome screen's choice; the breadcrumb follows the scenario's flow."""
        self.draft.set("scenario", str(getattr(scenario, "value", scenario)))
        self.visited &= {s.key for s in self.flow()}
        self.advance()

    def start_audit(self) -> None:
        """The welcome screen's "Audit" card: pick a cluster, read its audit report."""
        from aksiso_tui.ui.screens.audit import AuditScreen

        self.push_screen(AuditScreen())

    # --- existing clusters ------------------------------------------------------------------
    @property
    def existing(self) -> Any:
        """The `commands.wizard_existing.ExistingClusters` of the backend, or None offline."""
        if self.backend is None:
            return None
        if "existing" not in self._cache:
            from aksiso_tui.commands.wizard_existing import ExistingClusters

            self._cache["existing"] = ExistingClusters(self.backend)
        return self._cache["existing"]

    async def subscription_or_first(self) -> str:
        """The answers' subscription, else the first one the catalog lists (or "")."""
        if self.spec.subscription:
            return self.spec.subscription
        subs = await self.cached("subscriptions", self.catalog.list_subscriptions)
        if subs:
            self.draft.set("subscription", subs[0].id)
        return self.spec.subscription

    def current_check(self) -> Any:
        """The pre-flight made for exactly the current answers, or None."""
        if self.existing_check is None:
            return None
        made_for, check = self.existing_check
        return check if made_for == self.spec.model_dump_json() else None

    def start_apply(self, spec: Spec, plan: Plan) -> None:
        """Push the live execution panel for `plan`.

        The last run of this session is resumed when it did not succeed and its journal holds
        the same plan on the same target (Edit answers, then Apply with nothing changed that
        the plan depends on); any other plan starts a new run.
        """
        if self.backend is None:
            self.notify(
                "There is no Azure connection to apply to; run `aksiso --demo` to try it, or "
                "save the answers and run `aksiso apply FILE`.",
                title="Apply",
                severity="error",
            )
            return
        from aksiso_tui.ui.screens.execute import ExecuteScreen

        self.push_screen(ExecuteScreen(spec, plan, resume_from=self._resumable(plan)))

    def _resumable(self, plan: Plan) -> Any:
        if not self.session_runs or self.backend is None:
            return None
        from aksiso_tui.engine import RunStatus, load_journal, plan_fingerprint

        try:
            journal = load_journal(self.session_runs[-1])
        except (FileNotFoundError, ValueError):
            return None
        if journal.status is RunStatus.SUCCEEDED or journal.plan_hash != plan_fingerprint(plan):
            return None
        if journal.target and journal.target != self.backend.label:
            return None
        return journal

    def note_run(self, run_id: str) -> None:
        """The execution panel started (or resumed) `run_id`."""
        if run_id in self.session_runs:
            self.session_runs.remove(run_id)
        self.session_runs.append(run_id)

    def leave_run(self, step: str) -> None:
        """From the panel or the summary back to the wizard, at `step`."""
        from aksiso_tui.ui.screens.base import StepScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, StepScreen):
            self.pop_screen()
        if step == "welcome":
            self.visited = {"welcome"}
        self.show_step(step if step in {s.key for s in self.flow()} else "review")

    def backend_where(self) -> str:
        return self.backend.where if self.backend is not None else "offline"

    def run_active(self) -> bool:
        from aksiso_tui.ui.screens.execute import ExecuteScreen

        return any(isinstance(s, ExecuteScreen) and s.active for s in self.screen_stack)

    # --- resuming a journaled run -----------------------------------------------------------
    def action_resume_run(self) -> None:
        """Pick a journaled run and resume it (the command palette and the welcome screen)."""
        from aksiso_tui.ui.screens.runs import RunsScreen

        def picked(run_id: str | None) -> None:
            if run_id:
                self.resume_run(run_id)

        self.push_screen(RunsScreen(), picked)

    def resume_run(self, run_id: str) -> None:
        """Reopen `run_id` in the panel with the answers it was started with, and resume it."""
        from aksiso_tui.commands.wizard_backend import load_answers
        from aksiso_tui.engine import load_journal, plan_fingerprint
        from aksiso_tui.plan import build_plan
        from aksiso_tui.ui.screens.execute import ExecuteScreen

        try:
            journal = load_journal(run_id)
        except (FileNotFoundError, ValueError) as exc:
            self.notify(str(exc), title="Cannot resume", severity="error")
            return
        spec = load_answers(run_id)
        if spec is None and self._draft is not None:
            spec = self._draft.spec
        if spec is None:
            self.notify(
                f"Run {run_id} was started by `aksiso apply`: resume it with "
                f"`aksiso apply FILE --resume {run_id}`, or open its config with --config.",
                title="Cannot resume",
                severity="error",
            )
            return
        plan = build_plan(spec)
        if journal.plan_hash != plan_fingerprint(plan):
            self.notify(
                f"Run {run_id} was made from other answers than these; open its config.",
                title="Cannot resume",
                severity="error",
            )
            return
        if self.backend is None or (journal.target and journal.target != self.backend.label):
            where = journal.target or "Azure"
            self.notify(
                f"Run {run_id} ran on {where}; resume it there "
                f"({'aksiso --demo' if where.startswith('demo') else 'aksiso'}).",
                title="Cannot resume",
                severity="error",
            )
            return
        from aksiso_tui.ui.state import Draft

        self._draft = Draft(spec)
        self.visited = {s.key for s in self.flow()}
        self.push_screen(ExecuteScreen(spec, plan, resume_from=journal))

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

    async def action_quit(self) -> None:
        """Quit; while a run is going, ask first (its Azure operations would carry on alone)."""
        if not self.run_active():
            self.exit(0)
            return
        from rich.text import Text

        from aksiso_tui.ui.screens.confirm import ConfirmScreen

        body = Text(
            "A run is in progress. Quitting stops it: operations already sent finish in Azure, "
            "and Resume a run (welcome screen) continues it from its journal."
        )

        def decided(ok: bool | None) -> None:
            if ok:
                self.exit(130)

        self.push_screen(ConfirmScreen("Quit during the run?", body, "Quit"), decided)

    async def on_unmount(self) -> None:
        await self.catalog.close()
        if self.backend is not None:
            await self.backend.close()

    def get_default_screen(self) -> Screen[Any]:
        return Screen()
