"""Where an existing cluster stands, and so where a `migrate` or `disable` run starts (pure).

A migration is three cluster writes in AKS's order (Cache, reimage every pool, outbound none or
block), and any of them may already have happened: a run stopped half-way, someone ran `az aks
update` by hand, or the cluster is isolated already and only its registry changes. The cluster
says where it stands through `bootstrapProfile` and `networkProfile.outboundType`; this module
turns that into a `Stage` and into the lines `aksiso apply` (and the wizard) show before asking
for confirmation: what each step will do to *this* cluster.

Azure does not report whether the nodes were reimaged since the artifact source last changed
(`nodeImageVersion` is the image's version, not how the node bootstrapped). So a cluster found
with Cache but an outbound type that is not yet `none`/`block` is treated as half-migrated: the
run reimages every pool before it removes the outbound path. A reimage is idempotent, only
disruptive; removing egress from nodes that still bootstrap directly from MCR breaks the next
scale-out. Disabling has no such signal at all: a cluster found Direct after a disable that
stopped before its reimage looks like a cluster that was never isolated (resume that run).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aksiso_tui.netpath.aks_lookup import props
from aksiso_tui.spec import RegistryMode, Scenario, Spec

Json = dict[str, Any]
ISOLATED_OUTBOUND = ("none", "block")


class Stage(StrEnum):
    """How far an existing cluster is on the way to network isolation."""

    NOT_ISOLATED = "not-isolated"
    """Artifact source Direct: nothing of the migration has happened."""
    HALF_MIGRATED = "half-migrated"
    """Artifact source Cache, outbound type not yet none/block: reimage, then outbound."""
    ISOLATED = "isolated"
    """Artifact source Cache and outbound none/block."""


@dataclass(frozen=True)
class ClusterState:
    """The three cluster properties a migration changes."""

    artifact_source: str
    registry_id: str
    outbound_type: str

    @classmethod
    def of(cls, cluster: Json) -> ClusterState:
        p = props(cluster)
        boot = p.get("bootstrapProfile") or {}
        return cls(
            artifact_source=str(boot.get("artifactSource") or "Direct"),
            registry_id=str(boot.get("containerRegistryId") or ""),
            outbound_type=str((p.get("networkProfile") or {}).get("outboundType") or ""),
        )

    @property
    def cache(self) -> bool:
        return self.artifact_source.lower() == "cache"

    @property
    def stage(self) -> Stage:
        if not self.cache:
            return Stage.NOT_ISOLATED
        if self.outbound_type.lower() in ISOLATED_OUTBOUND:
            return Stage.ISOLATED
        return Stage.HALF_MIGRATED

    def describe(self) -> str:
        registry = f" (registry {_name(self.registry_id)})" if self.registry_id else ""
        return (
            f"artifact source {self.artifact_source}{registry}, "
            f"outbound type {self.outbound_type or 'unset'}"
        )


@dataclass(frozen=True)
class StartingPoint:
    """What a migrate or disable run will do to this cluster, step by step."""

    state: ClusterState
    stage: Stage
    changes: dict[str, bool] = field(default_factory=dict)
    """Cluster step id -> whether it is expected to change the cluster (reimage included)."""
    lines: tuple[str, ...] = ()
    """Human-readable: the cluster's state, then one line per cluster step."""

    def will_change(self, step_id: str) -> bool:
        return self.changes.get(step_id, True)


def _name(rid: str) -> str:
    return rid.rstrip("/").rsplit("/", 1)[-1]


def _same(a: str, b: str) -> bool:
    return a.strip("/").lower() == b.strip("/").lower()


def wanted_registry_id(spec: Spec) -> str:
    """The registry id a migrate spec sends ('' for an AKS-managed registry)."""
    if spec.registry.mode is not RegistryMode.BYO or not spec.registry.name:
        return ""
    from aksiso_tui.plan.context import Ctx

    return Ctx.for_spec(spec).registry_id


def starting_point(cluster: Json, spec: Spec) -> StartingPoint:
    """Where a `migrate` or `disable` run of `spec` starts on `cluster` (wire format)."""
    state = ClusterState.of(cluster)
    if spec.scenario is Scenario.DISABLE:
        return _disable(state, spec)
    return _migrate(state, spec)


def _migrate(state: ClusterState, spec: Spec) -> StartingPoint:
    stage = state.stage
    want_registry = wanted_registry_id(spec)
    want_outbound = spec.outbound.value
    new_registry = bool(want_registry) and not _same(state.registry_id, want_registry)
    cache_changes = not state.cache or new_registry
    outbound_changes = state.outbound_type.lower() != want_outbound.lower()
    half = stage is Stage.HALF_MIGRATED
    reimage = cache_changes or half
    lines = [f"The cluster now has {state.describe()}: {_stage_text(stage)}."]
    if not state.cache:
        target = f"registry {_name(want_registry)}" if want_registry else "an AKS-managed registry"
        lines.append(f"  cluster.bootstrap_cache: switch the artifact source to Cache ({target})")
    elif new_registry:
        old = _name(state.registry_id) if state.registry_id else "the AKS-managed registry"
        lines.append(
            f"  cluster.bootstrap_cache: change the registry from {old} to "
            f"{_name(want_registry)} (Cache is sent with the new id, as AKS requires)"
        )
    else:
        lines.append("  cluster.bootstrap_cache: nothing to change (already Cache)")
    if cache_changes:
        lines.append("  cluster.reimage: reimage every node pool after the Cache update")
    elif half:
        lines.append(
            "  cluster.reimage: reimage every node pool: the cluster is half-migrated and Azure "
            "does not say whether its nodes were reimaged since the switch to Cache, so they "
            "are reimaged before egress is removed (to continue an aksiso run instead, use "
            "--resume RUN_ID)"
        )
    else:
        lines.append("  cluster.reimage: not needed (nothing changes the way nodes bootstrap)")
    if outbound_changes:
        lines.append(
            f"  cluster.outbound: set the outbound type from {state.outbound_type or 'unset'} "
            f"to {want_outbound}"
        )
    else:
        lines.append(f"  cluster.outbound: nothing to change (already {want_outbound})")
    if not (cache_changes or reimage or outbound_changes):
        lines.append("  Nothing to change: the run only verifies the cluster.")
    changes = {
        "cluster.bootstrap_cache": cache_changes,
        "cluster.reimage": reimage,
        "cluster.outbound": outbound_changes,
    }
    return StartingPoint(state, stage, changes, tuple(lines))


def _disable(state: ClusterState, spec: Spec) -> StartingPoint:
    want_outbound = spec.outbound_after_disable.value
    changes = state.cache or state.outbound_type.lower() != want_outbound.lower()
    lines = [f"The cluster now has {state.describe()}: {_stage_text(state.stage)}."]
    if changes:
        lines.append(
            f"  cluster.disable: set the artifact source to Direct and the outbound type to "
            f"{want_outbound}"
        )
        lines.append("  cluster.reimage: reimage every node pool after the update")
    else:
        lines.append(
            "  cluster.disable: nothing to change (already Direct with outbound "
            f"{state.outbound_type}); if an earlier disable run stopped before reimaging, "
            "resume that run (--resume RUN_ID) or run `az aks upgrade --node-image-only`"
        )
        lines.append("  cluster.reimage: not needed")
    return StartingPoint(
        state,
        state.stage,
        {"cluster.disable": changes, "cluster.reimage": changes},
        tuple(lines),
    )


def _stage_text(stage: Stage) -> str:
    return {
        Stage.NOT_ISOLATED: "not network isolated",
        Stage.HALF_MIGRATED: "half-migrated (Cache, but egress not yet removed)",
        Stage.ISOLATED: "network isolated",
    }[stage]
