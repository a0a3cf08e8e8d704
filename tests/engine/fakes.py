"""In-memory, deterministic stand-ins for the engine tests: virtual time, a fake cloud, an executor.

These test the runner, not Azure: the Azure SDK is never mocked. `VirtualTime` gives the runner
and the fake executor one clock that jumps straight to the next timer once every task is
waiting, so a plan of 30-minute steps runs in milliseconds and wall time can be compared with the
critical path exactly.
"""

from __future__ import annotations

import asyncio
import copy
import heapq
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aksiso_tui.engine import Event, StepContext, StepOutcome, StepStatus
from aksiso_tui.plan.model import Area, Plan, Step

T = TypeVar("T")

_SETTLE_YIELDS = 100


class VirtualTime:
    """A clock and a sleep that advance only when everything else is blocked."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(0.0, seconds), self._seq, future))
        self._seq += 1
        await future

    async def _settle(self) -> None:
        for _ in range(_SETTLE_YIELDS):
            await asyncio.sleep(0)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        task = asyncio.ensure_future(coro)
        while True:
            await self._settle()
            if task.done():
                return task.result()
            while self._timers and self._timers[0][2].done():
                heapq.heappop(self._timers)
            if not self._timers:
                task.cancel()
                raise AssertionError("deadlock: the run waits on something that is not a timer")
            due = self._timers[0][0]
            self.now = due
            while self._timers and self._timers[0][0] <= due:
                _, _, future = heapq.heappop(self._timers)
                if not future.done():
                    future.set_result(None)

    def at(self, when: float, action: Callable[[], None]) -> asyncio.Task[None]:
        """Do `action` at virtual time `when` (e.g. press Ctrl+C)."""

        async def later() -> None:
            await self.sleep(when - self.now)
            action()

        return asyncio.ensure_future(later())


@dataclass
class FakeCloud:
    """Resources by id; counts how often each was really created (a duplicate would show)."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    creations: dict[str, int] = field(default_factory=dict)

    def snapshot(self) -> FakeCloud:
        return FakeCloud(copy.deepcopy(self.resources), dict(self.creations))


Behaviour = BaseException | StepOutcome | None | Callable[[Step, StepContext], Any]


class FakeExecutor:
    """Ensures steps in a `FakeCloud` after a virtual delay of the step's estimate.

    `script[step_id]` lists what each attempt does, in order: raise an exception, return an
    outcome, or call a function; once the list is used up, attempts do the normal ensure.
    """

    def __init__(
        self,
        vt: VirtualTime | None = None,
        *,
        cloud: FakeCloud | None = None,
        script: Mapping[str, list[Behaviour]] | None = None,
        durations: Mapping[str, float] | None = None,
        outputs: Mapping[str, dict[str, Any]] | None = None,
        verify_outputs: Mapping[str, dict[str, Any]] | None = None,
    ) -> None:
        self.vt = vt
        self.cloud = cloud if cloud is not None else FakeCloud()
        self.script = {k: list(v) for k, v in (script or {}).items()}
        self.durations = dict(durations or {})
        self.outputs = dict(outputs or {})
        self.verify_outputs = verify_outputs
        self.in_flight = 0
        self.max_in_flight = 0
        self.started: dict[str, float] = {}
        self.finished: dict[str, float] = {}
        self.executed: list[str] = []
        self.verified: list[str] = []
        self.bodies: dict[str, Any] = {}

    async def _wait(self, step: Step) -> None:
        delay = self.durations.get(step.id, step.estimate_s)
        if self.vt is not None:
            await self.vt.sleep(delay)
        else:
            await asyncio.sleep(0)

    async def execute(self, step: Step, ctx: StepContext) -> StepOutcome:
        self.executed.append(step.id)
        self.bodies[step.id] = ctx.body
        now = self.vt.clock() if self.vt else 0.0
        self.started.setdefault(step.id, now)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            plan = self.script.get(step.id)
            if plan:
                behaviour = plan.pop(0)
                if isinstance(behaviour, BaseException):
                    await self._wait(step)
                    raise behaviour
                if isinstance(behaviour, StepOutcome) or behaviour is None:
                    return behaviour  # type: ignore[return-value]
                result = behaviour(step, ctx)
                if isinstance(result, Awaitable):
                    result = await result
                return result  # type: ignore[no-any-return]
            existed = step.resource_id in self.cloud.resources
            if existed:
                ctx.operation(f"GET {step.resource_id}")
                await asyncio.sleep(0)
            else:
                ctx.operation(f"PUT {step.resource_id}")
                self.cloud.resources[step.resource_id] = {"body": ctx.body}
                self.cloud.creations[step.resource_id] = (
                    self.cloud.creations.get(step.resource_id, 0) + 1
                )
                ctx.progress("waiting for provisioningState Succeeded", 0.5)
                await self._wait(step)
            outputs = dict(self.outputs.get(step.id, {"id": step.resource_id}))
            status = StepStatus.UNCHANGED if existed else StepStatus.SUCCEEDED
            return StepOutcome(status, outputs)
        finally:
            self.in_flight -= 1
            self.finished[step.id] = self.vt.clock() if self.vt else 0.0

    async def verify(
        self, step: Step, recorded_outputs: Mapping[str, Any], ctx: StepContext
    ) -> StepOutcome | None:
        self.verified.append(step.id)
        ctx.operation(f"GET {step.resource_id}")
        await asyncio.sleep(0)
        if step.resource_id not in self.cloud.resources:
            return None
        if self.verify_outputs is not None:
            fresh = self.verify_outputs.get(step.id, {})
        else:
            fresh = dict(self.outputs.get(step.id, {"id": step.resource_id}))
        return StepOutcome(StepStatus.UNCHANGED, fresh)


def make_step(
    step_id: str,
    *deps: str,
    estimate: float = 5.0,
    kind: str = "Microsoft.Fake/things",
    body: dict[str, Any] | None = None,
    outputs: tuple[str, ...] = (),
) -> Step:
    return Step(
        id=step_id,
        title=f"Create {step_id}",
        kind=kind,
        resource_id=f"/subscriptions/0/resourceGroups/rg/providers/{kind}/{step_id}",
        area=Area.NETWORK,
        depends_on=deps,
        body=body,
        estimate_s=estimate,
        outputs=outputs,
    )


def make_plan(*steps: Step) -> Plan:
    return Plan(steps=tuple(steps))


class Recorder:
    """Subscriber keeping every event."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def __call__(self, event: Event) -> None:
        self.events.append(event)

    def of(self, cls: type[T]) -> list[T]:
        return [e for e in self.events if isinstance(e, cls)]
