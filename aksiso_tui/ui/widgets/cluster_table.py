"""The subscription's existing clusters as a type-to-filter table, for migrate, disable and audit.

The owning screen loads the clusters (a worker asking the app's `ExistingClusters`) and hands them
over with `show()`; meanwhile `show_loading()` says so, and `failed()` shows why the list could
not be had, inline. Typing in the filter narrows the rows (name, resource group, location,
version, ...); Up/Down move the table's cursor from the filter, Enter (in the filter or on a row)
picks, and the table posts `ClusterTable.Picked` with the `ClusterSummary`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

COLUMNS = ("Cluster, RG", "Location, ver.", "Outbound, src.", "API server", "Pools")
API_LABELS = {
    "public": "public",
    "private_link": "private link",
    "vnet_integration": "VNet integration",
}


def pools_text(cluster: Any, sep: str = ", ") -> str:
    """`nodepool1 Linux×2, win1 Windows×1`."""
    return sep.join(f"{p.name} {p.os_type}×{p.count}" for p in cluster.pools) or "-"


def row_of(cluster: Any) -> tuple[Text, ...]:
    """Two lines a cell (a line per pool): every fact fits 100 columns."""
    name = Text(cluster.name, style="bold green" if cluster.isolated else "bold")
    name.append(f"\n{cluster.resource_group}", style="dim")
    where = Text(f"{cluster.location}\n{cluster.kubernetes_version}")
    egress = Text(f"{cluster.outbound_type or '-'}\n{cluster.artifact_source or '-'}")
    api = Text(API_LABELS.get(cluster.api_server_mode, cluster.api_server_mode))
    pools = Text()
    for index, pool in enumerate(cluster.pools):
        if index:
            pools.append("\n")
        pools.append(f"{pool.name} ")
        pools.append(
            f"{pool.os_type}×{pool.count}", style="yellow" if pool.os_type == "Windows" else ""
        )
    return (name, where, egress, api, pools)


def haystack(cluster: Any) -> str:
    return " ".join(part.plain for part in row_of(cluster)).lower()


class FilterInput(Input):
    """The filter: printable keys filter; Up/Down move the table's cursor."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def action_move(self, delta: int) -> None:
        table = self.parent.query_one(DataTable) if self.parent is not None else None
        if table is not None and table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + delta)))


class ClusterTable(Vertical):
    """Filter, status line and table of clusters."""

    class Picked(Message):
        def __init__(self, cluster: Any) -> None:
            super().__init__()
            self.cluster = cluster

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clusters: list[Any] = []
        self.shown: list[Any] = []

    def compose(self) -> ComposeResult:
        yield FilterInput(
            placeholder="type to filter (name, group, version, …)", id="cluster-filter"
        )
        yield Static(Text("loading clusters…", style="dim"), id="clusters-status")
        table: DataTable[Any] = DataTable(id="clusters", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#clusters", DataTable)

    def _status(self, text: Text) -> None:
        self.query_one("#clusters-status", Static).update(text)

    def show_loading(self, where: str = "") -> None:
        self._status(Text(f"loading clusters{' from ' + where if where else ''}…", style="dim"))

    def failed(self, message: str) -> None:
        self.clusters = []
        self._refill()
        self._status(Text(f"✖ could not list the clusters: {message}", style="red"))

    def show(self, clusters: Sequence[Any], subscription: str = "") -> None:
        self.clusters = list(clusters)
        self._refill()

    def _refill(self) -> None:
        words = self.query_one("#cluster-filter", Input).value.lower().split()
        self.shown = [c for c in self.clusters if all(w in haystack(c) for w in words)]
        table = self.table
        table.clear()
        for cluster in self.shown:
            table.add_row(*row_of(cluster), key=cluster.id, height=max(2, len(cluster.pools)))
        total = len(self.clusters)
        if not total:
            text = Text("no clusters in this subscription", style="yellow")
        elif words:
            text = Text(f"{len(self.shown)} of {total} clusters match", style="dim")
        else:
            text = Text(f"{total} clusters · Enter picks · type to filter", style="dim")
        self._status(text)

    @on(Input.Changed, "#cluster-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self._refill()

    @on(Input.Submitted, "#cluster-filter")
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.pick_cursor()

    @on(DataTable.RowSelected, "#clusters")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.pick_cursor()

    def pick_cursor(self) -> None:
        row = self.table.cursor_row
        if 0 <= row < len(self.shown):
            self.post_message(self.Picked(self.shown[row]))

    def pick(self, name: str) -> bool:
        """Move the cursor to the cluster `name` and pick it (tests, `--config`)."""
        for index, cluster in enumerate(self.shown):
            if cluster.name == name:
                self.table.move_cursor(row=index)
                self.post_message(self.Picked(cluster))
                return True
        return False
