"""What the summary says after a run, as Rich renderables built from plain data (no Textual).

The verification checks with their kubectl output, what was created (ids), the time taken against
the sequential estimate and the critical path, where the journal and the exported files are, and
how to reach the private API server from here (seeds 003/004: `az aks command invoke`, or a VNet
linked to the cluster's private DNS zone).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from aksiso_tui.export.text import duration
from aksiso_tui.ui import run_view

if TYPE_CHECKING:
    from aksiso_tui.engine import RunResult, StepRow
    from aksiso_tui.plan.model import Plan
    from aksiso_tui.spec import Spec


def section(title: str) -> Text:
    return Text(title, style="bold underline")


OUTPUT_LINES = 6
"""Lines of each command's output the summary shows (the panel's log has them all)."""


def verification(
    plan: Plan, rows: Mapping[str, StepRow], logs: Mapping[str, Iterable[tuple[str, str]]]
) -> Group:
    """Each check: ✓/✗, its title, and the kubectl commands with (the start of) their output."""
    parts: list[Any] = [section("Verification")]
    checks = [s for s in plan.steps if s.kind.startswith("verify/")]
    if not checks:
        parts.append(Text("This plan has no checks.", style="dim"))
    for step in checks:
        row = rows.get(step.id)
        head = Text()
        if row is not None and row.status is not None and row.status.ok:
            head.append("✓ ", style="bold green")
        elif row is not None:
            head.append_text(run_view.icon(row))
            head.append(" ")
        head.append(step.title, style="bold")
        parts.append(head)
        body: list[Text] = []
        hidden = 0
        shown = 0
        for level, line in logs.get(step.id, ()):
            if line.startswith(("▶", "→", "✓", "✗", "  fix:")):
                continue
            if line.startswith("$"):
                if hidden:
                    body.append(Text(f"… {hidden} more lines (in the panel's log)", style="dim"))
                hidden = shown = 0
                body.append(Text(line, style="cyan"))
                continue
            if shown >= OUTPUT_LINES:
                hidden += 1
                continue
            shown += 1
            text = line[2:] if line.startswith("  ") else line
            body.append(Text(text, style="red" if level == "error" else "", overflow="fold"))
        if hidden:
            body.append(Text(f"… {hidden} more lines (in the panel's log)", style="dim"))
        if row is not None and row.error is not None:
            body.append(Text(f"{row.error.code}: {row.error.message}", style="red"))
            if row.error.fix:
                body.append(Text(f"Fix: {row.error.fix}", style="green"))
        if body:
            indented = Table.grid()
            indented.add_column(width=2)
            indented.add_column(overflow="fold")
            for entry in body:
                indented.add_row("", entry)
            parts.append(indented)
    return Group(*parts)


def created(plan: Plan, result: RunResult) -> Group:
    """The resources this run created (ids), and how many were already there."""
    parts: list[Any] = [section("Created")]
    made = []
    already = 0
    for step in plan.steps:
        res = result.steps.get(step.id)
        if res is None or not step.kind.startswith("Microsoft."):
            continue
        if res.status.value == "succeeded":
            made.append(str(res.outputs.get("id") or step.resource_id))
        elif res.status.value == "unchanged":
            already += 1
    if not made:
        parts.append(Text("Nothing new: every resource was already as planned.", style="dim"))
    for rid in made:
        parts.append(Text(f"  {rid}", overflow="fold"))
    if already:
        parts.append(Text(f"  + {already} resources that were already as planned", style="dim"))
    return Group(*parts)


def timing(plan: Plan, result: RunResult, time_scale: float | None) -> Group:
    """Wall time against one-after-another and the critical path (Azure-typical estimates)."""
    parts: list[Any] = [section("Time")]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    took = Text(duration(result.duration_s), style="bold green")
    if time_scale:
        on_azure = duration(result.duration_s / time_scale)
        took.append(
            f"  (demo at {time_scale:g}× Azure time: about {on_azure} on Azure)", style="dim"
        )
    grid.add_row("this run", took)
    grid.add_row("one after another", f"~{duration(plan.sequential_s())} (Azure estimate)")
    grid.add_row(
        "critical path", f"~{duration(plan.critical_path_s())} (the floor, however parallel)"
    )
    parts.append(grid)
    return Group(*parts)


def files(run_id: str, journal: Path, answers: Path, exported: Mapping[str, Path]) -> Group:
    parts: list[Any] = [section("Files")]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("journal", str(journal))
    grid.add_row("answers", str(answers))
    for kind, path in exported.items():
        grid.add_row(kind, str(path))
    parts.append(grid)
    parts.append(Text(f"Undo later: aksiso destroy {run_id}", style="dim"))
    return Group(*parts)


def reach_api_server(spec: Spec, outputs: Mapping[str, Mapping[str, Any]]) -> Group:
    """How to run kubectl against the private API server from where the operator is."""
    cluster = outputs.get("cluster.create") or {}
    rg, name = spec.resource_group, spec.cluster.name
    zone = str(cluster.get("private_dns_zone") or "<the cluster's private DNS zone>")
    node_rg = str(cluster.get("node_resource_group") or f"MC_{rg}_{name}_{spec.location}")
    fqdn = str(cluster.get("private_fqdn") or "<private FQDN>")
    parts: list[Any] = [section("Reach the private API server")]
    parts.append(
        Text(
            f"The API server has no public address: {fqdn} resolves only through the private "
            f"DNS zone {zone} (in {node_rg})."
        )
    )
    parts.append(Text("From here, through Azure (no network path needed):", style="bold"))
    parts.append(
        Text(
            f'  az aks command invoke -g {rg} -n {name} --command "kubectl get pods -A"',
            style="cyan",
        )
    )
    parts.append(Text("Or from a VM in a VNet linked to that zone (and peered):", style="bold"))
    if spec.hub is not None:
        parts.append(
            Text(
                f"  the hub VNet {spec.hub.vnet.name} already is (step hub.dns_link.apiserver): "
                "a jump box there can run kubectl after",
                style="dim",
            )
        )
    else:
        parts.append(
            Text(
                f"  az network private-dns link vnet create -g {node_rg} -z {zone} "
                "-n link-jumpbox -v <VNET_ID> -e false",
                style="cyan",
            )
        )
    parts.append(Text(f"  az aks get-credentials -g {rg} -n {name}", style="cyan"))
    return Group(*parts)
