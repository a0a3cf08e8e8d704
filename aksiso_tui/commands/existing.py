"""Pre-flight of a `migrate` or `disable` run: the existing cluster's real state, before any write.

`check_existing(factory, spec)` reads the cluster and everything around it through the SDK
(`azure.gather`, GETs only), judges it with the pure pre-flight (`aksiso_tui.preflight`) and says
where the run starts (`aksiso_tui.preflight.stage`): a cluster half-migrated by an earlier run or
by hand, an isolated cluster whose registry changes, one with nothing left to do. `aksiso apply`
prints the result and stops with exit 2 on any error finding, before anything is written; the
wizard's migrate screens show the same `ExistingCheck`.

A cluster that does not exist is reported with the clusters that do (`azure.discover`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aksiso_tui.findings import Finding, Severity, has_errors


@dataclass
class ExistingCheck:
    """Pre-flight of one existing cluster for one spec."""

    cluster_id: str
    found: bool
    findings: list[Finding] = field(default_factory=list)
    start: Any = None
    """An `aksiso_tui.preflight.stage.StartingPoint` (None when the cluster was not found)."""
    known_clusters: list[str] = field(default_factory=list)
    """`resource-group/name` of every cluster in the subscription (when not found)."""

    @property
    def blocked(self) -> bool:
        return not self.found or has_errors(self.findings)

    def finding_lines(self) -> list[str]:
        """One line per finding, the way `aksiso validate` prints them."""
        return [f.line() for f in self.findings]

    def not_found_message(self, spec: Any) -> str:
        listing = ", ".join(self.known_clusters) or "none"
        return (
            f"cluster {spec.cluster.name} was not found in resource group {spec.resource_group} "
            f"of subscription {spec.subscription}. Clusters there: {listing}. Check cluster.name "
            "and resource_group in the config."
        )


def cluster_id_of(spec: Any) -> str:
    return (
        f"/subscriptions/{spec.subscription}/resourceGroups/{spec.resource_group}"
        f"/providers/Microsoft.ContainerService/managedClusters/{spec.cluster.name}"
    )


async def check_existing(factory: Any, spec: Any) -> ExistingCheck:
    """Gather the spec's cluster, run pre-flight, and work out where the run starts."""
    from aksiso_tui.azure.discover import list_clusters
    from aksiso_tui.azure.gather import ClusterNotFound, gather_cluster
    from aksiso_tui.preflight import preflight
    from aksiso_tui.preflight.stage import starting_point, wanted_registry_id

    rid = cluster_id_of(spec)
    try:
        snapshot = await gather_cluster(factory, rid, registry_id=wanted_registry_id(spec) or None)
    except ClusterNotFound:
        known = await list_clusters(factory)
        return ExistingCheck(
            rid, False, known_clusters=[f"{c.resource_group}/{c.name}" for c in known]
        )
    findings = preflight(snapshot, spec)
    return ExistingCheck(rid, True, findings, starting_point(snapshot.cluster, spec))


def summary_lines(check: ExistingCheck, *, resuming: str = "") -> list[str]:
    """The pre-flight block `apply` prints: findings, then where the run starts.

    `resuming` (a run id): the journal, not the cluster's state alone, decides which steps run
    again, so only the state is shown."""
    lines = [f"Pre-flight of {check.cluster_id.rsplit('/', 1)[-1]}:"]
    if not check.findings:
        lines.append("  no blockers, no warnings")
    lines += [f"  {line}" for line in check.finding_lines()]
    errors = sum(1 for f in check.findings if f.severity is Severity.ERROR)
    if errors:
        lines.append(
            f"  {errors} blocker(s): fix them and run again. Nothing was sent (only reads)."
        )
    elif check.start is not None and resuming:
        lines.append(check.start.lines[0])
        lines.append(
            f"Resuming run {resuming}: steps its journal records as finished are checked again "
            "with a GET, not repeated; the rest run in order."
        )
    elif check.start is not None:
        lines += list(check.start.lines)
    return lines
