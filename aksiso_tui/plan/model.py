"""The Plan: an ordered DAG of Steps, each one Azure operation (or check) with its `az` twin.

A Plan is pure data. The engine runs it, the exporters print it, the wizard draws it as a tree.
Values only known once an earlier step ran (a private endpoint's IPs, an identity's principal id)
appear in a step's body as `Ref`s to that step's outputs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Area(StrEnum):
    """Groups of steps, in the order the wizard's review tree shows them."""

    PREREQUISITES = "prerequisites"
    NETWORK = "network"
    REGISTRY = "registry"
    IDENTITY = "identity"
    HUB = "hub"
    CLUSTER = "cluster"
    VERIFICATION = "verification"


class Operation(StrEnum):
    ENSURE = "ensure"
    """Idempotent create-or-update of `resource_id` with `body` (GET, compare, PUT/PATCH if
    needed)."""
    ACTION = "action"
    """A POST action or a partial update of an existing resource (register, update, reimage)."""
    READ = "read"
    """Read an existing resource and record outputs; never writes."""
    VERIFY = "verify"
    """A check that reads or runs a command and passes or fails; never changes Azure resources."""


@dataclass(frozen=True)
class Ref:
    """A value produced by an earlier step: `Ref("registry.private_endpoint", "registry_ip")`."""

    step: str
    output: str

    def to_json(self) -> dict[str, str]:
        return {"$ref": f"{self.step}#{self.output}"}

    def shell_var(self) -> str:
        """The name of the bash variable holding this value in the `az` export."""
        return f"{self.step}_{self.output}".upper().replace(".", "_").replace("-", "_")


@dataclass(frozen=True)
class Step:
    id: str
    """Stable id, e.g. `network.vnet`, `registry.cache_rule`, `cluster.create`."""
    title: str
    """What the step does, in a few words, for people."""
    kind: str
    """The ARM resource type (e.g. `Microsoft.Network/virtualNetworks/subnets`) or, for actions and
    checks, a name such as `action/register-provider` or `verify/run-command`."""
    resource_id: str
    """The ARM id the step creates, changes or reads."""
    area: Area
    operation: Operation = Operation.ENSURE
    depends_on: tuple[str, ...] = ()
    body: dict[str, Any] | None = None
    """The ARM request body; may contain `Ref`s."""
    az: tuple[str, ...] = ()
    """The equivalent `az` command lines (may use shell variables set by earlier steps)."""
    estimate_s: float = 5.0
    """Typical duration on Azure, in seconds."""
    api_version: str | None = None
    """An api-version the step must use instead of the SDK default (e.g. preview for `block`)."""
    outputs: tuple[str, ...] = ()
    """Names of the values this step records for later steps."""
    params: dict[str, Any] = field(default_factory=dict)
    """Extra inputs for actions and checks (command to run, expected result, ...)."""
    disruptive: str = ""
    """If set, what this step does to running workloads; it needs explicit confirmation."""
    note: str = ""
    """Why this step exists, or what to watch out for."""


@dataclass(frozen=True)
class Plan:
    steps: tuple[Step, ...]
    warnings: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.steps]

    def dependents(self, step_id: str) -> list[str]:
        return [s.id for s in self.steps if step_id in s.depends_on]

    def sequential_s(self) -> float:
        """Time if every step ran one after another (what pasting the seed scripts costs)."""
        return sum(s.estimate_s for s in self.steps)

    def finish_times(self) -> dict[str, float]:
        """Earliest finish time of each step with unbounded concurrency."""
        done: dict[str, float] = {}
        for s in self.steps:  # steps are in topological order
            start = max((done[d] for d in s.depends_on), default=0.0)
            done[s.id] = start + s.estimate_s
        return done

    def critical_path_s(self) -> float:
        return max(self.finish_times().values(), default=0.0)

    def critical_path(self) -> list[str]:
        """Step ids on the longest chain of dependencies."""
        finish = self.finish_times()
        if not finish:
            return []
        by_id = {s.id: s for s in self.steps}
        current = max(finish, key=lambda k: finish[k])
        chain = [current]
        while by_id[current].depends_on:
            current = max(by_id[current].depends_on, key=lambda k: finish[k])
            chain.append(current)
        return list(reversed(chain))
