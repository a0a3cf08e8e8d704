"""What every wizard step shares: the frame (header, breadcrumb, help, navigation, footer), and
the loop that puts an edit into the Spec and shows what validation says about it.

A step subclasses `StepScreen`, names the Spec fields it edits in `PREFIXES` and yields its form
from `compose_body()`. Widgets post `FieldEdited(path, value)`; this class writes the value into
the app's `Draft`, hands each field its own findings (exact path match) and shows the rest that
fall under `PREFIXES` below the form. Next is blocked while any of them is an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.events import DescendantFocus
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer

from aksiso_tui.findings import Finding, Severity
from aksiso_tui.ui.messages import FieldEdited
from aksiso_tui.ui.widgets.field_input import FieldInput
from aksiso_tui.ui.widgets.findings_list import FindingsList
from aksiso_tui.ui.widgets.help_panel import HelpPanel
from aksiso_tui.ui.widgets.nav_bar import NavBar
from aksiso_tui.ui.widgets.step_breadcrumb import StepBreadcrumb
from aksiso_tui.ui.widgets.wizard_header import WizardHeader

if TYPE_CHECKING:
    from aksiso_tui.ui.app import AksisoApp
    from aksiso_tui.ui.state import Draft


class StepScreen(Screen[None]):
    """One step of the wizard."""

    STEP: ClassVar[str] = ""
    """Key of the step in the app's flow (`registry`)."""
    TITLE: ClassVar[str] = ""
    """Shown in the header: what this step decides."""
    PREFIXES: ClassVar[tuple[str, ...]] = ()
    """Spec field paths this step edits; findings under them show here and block Next."""

    @classmethod
    def extra_errors(cls, app: AksisoApp) -> list[str]:
        """What else keeps the operator on this step besides validation (a cluster not yet
        picked, a pre-flight blocker); the app asks before it moves past the step."""
        return []

    def __init__(self) -> None:
        super().__init__()
        self.touched: set[str] = set()
        self.reveal_all = False

    @property
    def wizard(self) -> AksisoApp:
        return cast("AksisoApp", self.app)

    @property
    def draft(self) -> Draft:
        return self.wizard.draft

    # --- layout -----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        app = self.wizard
        yield WizardHeader(self.TITLE, app.catalog.label, app.demo)
        yield StepBreadcrumb(app.step_labels(), self.STEP, app.visited)
        yield from self.compose_main()
        yield HelpPanel(id="help")
        yield self.make_nav()
        yield Footer()

    def compose_main(self) -> ComposeResult:
        """The area between the breadcrumb and the help: a scrolling form and its findings."""
        with VerticalScroll(id="body"):
            yield from self.compose_body()
            yield FindingsList(id="step-findings")

    def compose_body(self) -> ComposeResult:
        yield from ()

    def field(
        self, path: str, label: str, placeholder: str = "", restrict: str | None = None
    ) -> FieldInput:
        """A FieldInput showing the Spec's current value at `path`."""
        value = self.draft.get(path)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        return FieldInput(
            path,
            label,
            None if value is None else str(value),
            placeholder=placeholder,
            restrict=restrict,
        )

    def make_nav(self) -> NavBar:
        return NavBar(back=self.wizard.has_previous(self.STEP))

    def on_mount(self) -> None:
        self.wizard.settle_cursor(self)
        self.refresh_findings()

    # --- the edit loop ----------------------------------------------------------------------
    @on(FieldEdited)
    def _field_edited(self, event: FieldEdited) -> None:
        event.stop()
        self.handle_edit(event.path, event.value)

    def handle_edit(self, path: str, value: Any) -> None:
        self.touched.add(path)
        self.draft.set(path, self.coerce(path, value))
        self.after_edit(path)
        self.refresh_findings()

    def coerce(self, path: str, value: Any) -> Any:
        """Turn what a widget holds into what the Spec field takes (screens override)."""
        return value

    def after_edit(self, path: str) -> None:
        """React to an edit (switch other fields, start a live check). Screens override."""

    def field_widgets(self) -> list[Widget]:
        return [w for w in self.query("*") if isinstance(getattr(w, "path", None), str)]

    def refresh_findings(self) -> None:
        from aksiso_tui.ui.state import matches

        findings = self.draft.findings_under(self.PREFIXES)
        claimed: set[int] = set()
        for widget in self.field_widgets():
            if not hasattr(widget, "findings"):
                continue
            path = cast(str, widget.path)  # type: ignore[attr-defined]
            own = [f for f in findings if matches(f.where, (path,))]
            claimed.update(id(f) for f in own)
            if not self.revealed(path):
                own = []
            widget.findings = tuple(own)  # type: ignore[attr-defined]
        rest = tuple(f for f in findings if id(f) not in claimed)
        self.query_one("#step-findings", FindingsList).findings = rest
        self.query_one(NavBar).blocked = self.blocked_reason(findings)

    def revealed(self, path: str) -> bool:
        """Show a field's findings once it holds a value, was edited, or Next was tried; an
        empty form does not greet the operator with a wall of errors."""
        value = self.draft.get(path)
        return self.reveal_all or path in self.touched or value not in (None, "", [])

    def reveal(self) -> None:
        """Next was tried while blocked: show every finding of this step."""
        self.reveal_all = True
        self.refresh_findings()

    def blocked_reason(self, findings: list[Finding] | None = None) -> str:
        """Why Next is blocked, or "" if it is not."""
        if findings is None:
            findings = self.draft.findings_under(self.PREFIXES)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if not errors:
            return ""
        first = errors[0].where
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"fix {first}{more} to continue"

    def sync_fields(self) -> None:
        """Show values that changed in the Spec from elsewhere (a pick, a switch)."""
        for widget in self.field_widgets():
            setter = getattr(widget, "set_value", None)
            if setter is not None:
                value = self.draft.get(cast(str, widget.path))  # type: ignore[attr-defined]
                if isinstance(value, list):
                    value = ", ".join(str(v) for v in value)
                setter(None if value is None else str(value))

    # --- help and navigation ----------------------------------------------------------------
    @on(DescendantFocus)
    def _focus_moved(self, event: DescendantFocus) -> None:
        node: Any = event.widget
        while node is not None and not isinstance(getattr(node, "path", None), str):
            node = node.parent
        self.query_one(HelpPanel).path = node.path if node is not None else ""

    @on(Button.Pressed, "#nav-next")
    def _next(self, event: Button.Pressed) -> None:
        event.stop()
        self.go_next()

    def go_next(self) -> None:
        """Next (the button, ctrl+n). The last step overrides it (Apply)."""
        self.wizard.advance()

    @on(Button.Pressed, "#nav-back")
    def _back(self, event: Button.Pressed) -> None:
        event.stop()
        self.wizard.go_back()
