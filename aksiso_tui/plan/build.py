"""`build_plan`: Spec -> Plan, one scenario at a time.

Each `add_*` function appends the steps of one area; the order of the calls only has to put a
step after the steps it depends on (the final sort checks it). Dependencies are the true ones:
a step waits only for what it reads or references, or for a write ARM would otherwise refuse
(serialized writes below one VNet or one firewall policy), so the engine can overlap everything
else and a run's wall time approaches the critical path.
"""

from __future__ import annotations

from aksiso_tui.plan.cluster import add_cluster
from aksiso_tui.plan.context import Ctx
from aksiso_tui.plan.create import add_groups, add_providers
from aksiso_tui.plan.hub import add_hub, add_hub_after_cluster, add_route_table
from aksiso_tui.plan.identity import add_identities, add_roles
from aksiso_tui.plan.migrate import add_cluster_read, add_disable, add_migrate
from aksiso_tui.plan.model import Plan, Step
from aksiso_tui.plan.network import add_network
from aksiso_tui.plan.registry import add_registry
from aksiso_tui.plan.verify import add_verification
from aksiso_tui.spec import Scenario, Spec


def build_plan(spec: Spec) -> Plan:
    """The plan for one spec. Assumes `validate()` accepted it, but never crashes on odd input:
    a step whose inputs are missing is left out."""
    ctx = Ctx.for_spec(spec)
    if spec.scenario is Scenario.MIGRATE:
        _migrate(ctx)
    elif spec.scenario is Scenario.DISABLE:
        _disable(ctx)
    else:
        _create(ctx)
    return Plan(steps=topological(ctx.steps), warnings=tuple(ctx.warnings))


def _create(ctx: Ctx) -> None:
    add_providers(ctx)
    add_groups(ctx)
    add_route_table(ctx)
    add_network(ctx)
    add_hub(ctx)
    add_identities(ctx)
    add_registry(ctx)
    add_roles(ctx)
    add_cluster(ctx)
    add_hub_after_cluster(ctx)
    add_verification(ctx, "cluster.create")


def _migrate(ctx: Ctx) -> None:
    if ctx.spec.hub is not None:
        ctx.warnings.append(
            "hub: a hub firewall is only set up when creating a cluster; migrate ignores it."
        )
    add_providers(ctx)
    add_cluster_read(ctx)
    add_network(ctx)
    add_registry(ctx)
    add_roles(ctx)
    add_migrate(ctx)
    add_verification(ctx, "cluster.outbound")


def _disable(ctx: Ctx) -> None:
    add_cluster_read(ctx)
    add_disable(ctx)
    add_verification(ctx, "cluster.reimage")


def topological(steps: list[Step]) -> tuple[Step, ...]:
    """A stable topological order: the insertion order wherever the dependencies allow it."""
    ids = {s.id for s in steps}
    if len(ids) != len(steps):
        raise ValueError("duplicate step ids in plan")
    for s in steps:
        missing = [d for d in s.depends_on if d not in ids]
        if missing:
            raise ValueError(f"{s.id} depends on steps that are not in the plan: {missing}")
    done: set[str] = set()
    ordered: list[Step] = []
    pending = list(steps)
    while pending:
        for i, s in enumerate(pending):
            if all(d in done for d in s.depends_on):
                ordered.append(s)
                done.add(s.id)
                del pending[i]
                break
        else:
            raise ValueError(f"dependency cycle among {[s.id for s in pending]}")
    return tuple(ordered)
