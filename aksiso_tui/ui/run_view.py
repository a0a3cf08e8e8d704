"""How a step of a run reads on screen: its icon, elapsed time, ARM operation and outcome.

Pure functions over the engine's `StepRow` (no Textual), shared by the execution panel and the
summary, and tested without an app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

if TYPE_CHECKING:
    from aksiso_tui.engine import StepRow

ICONS = {
    "pending": ("·", "dim"),
    "running": ("▶", "bold cyan"),
    "succeeded": ("✓", "green"),
    "unchanged": ("=", "green"),
    "failed": ("✗", "bold red"),
    "skipped": ("↷", "yellow"),
    "cancelled": ("■", "yellow"),
}


def state_of(row: StepRow) -> str:
    if row.status is not None:
        return row.status.value
    return "running" if row.running else "pending"


def icon(row: StepRow) -> Text:
    glyph, style = ICONS[state_of(row)]
    return Text(glyph, style=style)


def clock(seconds: float | None) -> str:
    """`0:07`, `1:02:03`; blank when unknown."""
    if seconds is None:
        return ""
    whole = max(0, int(seconds + 0.5))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def short_operation(operation: str, width: int = 44) -> str:
    """`PUT …/virtualNetworks/vnet-spoke`: the method and the tail of the resource id."""
    method, _, rest = operation.partition(" ")
    if not rest:
        return operation[:width]
    rest = rest.split(" (", 1)[0]
    parts = [p for p in rest.split("/") if p]
    tail = "/".join(parts[-2:]) if len(parts) >= 2 else rest
    suffix = " (resume check)" if "(resume check)" in operation else ""
    text = f"{method} …/{tail}{suffix}"
    return text if len(text) <= width else text[: width - 1] + "…"


def outcome(row: StepRow) -> Text:
    """What happened, in a few words: progress while running, the error code when failed."""
    state = state_of(row)
    if state == "running":
        message = row.message or (f"attempt {row.attempt}" if row.attempt > 1 else "running")
        if row.fraction is not None:
            message = f"{message} {row.fraction:.0%}"
        return Text(message, style="cyan")
    if state == "failed":
        code = row.error.code if row.error else "failed"
        return Text(code, style="bold red")
    if state == "skipped":
        return Text("skipped", style="yellow")
    if state == "cancelled":
        return Text("cancelled", style="yellow")
    if row.step.kind.startswith("verify/") and state in ("succeeded", "unchanged"):
        return Text(row.message.removeprefix("waiting: ") or "check passed", style="green")
    if state == "succeeded":
        return Text("done", style="green")
    if state == "unchanged":
        return Text("unchanged", style="green")
    return Text("waiting", style="dim")
