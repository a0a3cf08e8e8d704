"""Long-running operations and the emulator's clock.

Azure answers slow writes with an *operation status* resource the client polls. The emulator keeps
one :class:`Operation` per such write; its outcome is decided up front (success, or a failure
error), and it completes at ``done_at`` on the :class:`Clock`. Nothing runs in the background:
every request first calls :meth:`Operations.settle`, which finishes every operation whose time
has come (a heap, so this is O(log n) per finished operation and O(1) otherwise).

Durations come from :mod:`aksiso_tui.durations` (AZURE_FACTS.md "Typical durations", the
table the plan's estimates use too) times ``time_scale``. At ``time_scale=0``
an operation is due immediately, yet the client still goes through the whole LRO protocol: the
first status poll answers ``Succeeded``.

The poll delay on LRO answers is the operation's *remaining* time, so a client wakes when the
operation is done: one poll per wait instead of a poll per ``polling_interval``, and no interval
overshoot on the critical path (real ARM approximates this with its Retry-After). azure-core
(``get_retry_after``) reads ``Retry-After`` first, then ``retry-after-ms`` /
``x-ms-retry-after-ms``, and treats ``Retry-After: 0`` as absent (it then waits its own
``polling_interval``, 30 s by default). ``Retry-After`` carries whole seconds only, so: a wait of
:data:`MAX_RETRY_AFTER_S` or more is ``Retry-After: 10`` (the cap: the client checks back at least
that often); anything shorter is ``retry-after-ms`` rounded up (>= 1, also at time_scale 0), never
together with ``Retry-After``, which would win and round a 4.2 s wait up to 5.
"""

from __future__ import annotations

import heapq
import math
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from aksiso_tui import durations

OperationStatus = Literal["InProgress", "Succeeded", "Failed", "Canceled"]

# Typical Azure durations in seconds, by lower-cased ARM type: the table the plan's estimates use
# too (aksiso_tui.durations, pure core). Providers may register more with
# ``TYPICAL_SECONDS[type.lower()] = seconds`` or per ResourceType.duration.
TYPICAL_SECONDS: dict[str, float] = dict(durations.BY_TYPE)
DEFAULT_SECONDS = 5.0
MAX_KEPT_OPERATIONS = 20_000
"""Finished operations stay pollable; beyond this many, the oldest finished ones are dropped."""


def typical_seconds(rtype: str) -> float:
    return TYPICAL_SECONDS.get(rtype.lower(), DEFAULT_SECONDS)


class Clock:
    """Virtual time: ``now()`` is monotonic seconds; ``scaled(s)`` turns an Azure duration into
    emulator time; ``advance(s)`` jumps forward (tests and benchmarks fast-forward with it)."""

    def __init__(self, time_scale: float = 1.0) -> None:
        if time_scale < 0:
            raise ValueError("time_scale must be >= 0")
        self.time_scale = time_scale
        self._offset = 0.0

    def now(self) -> float:
        return time.monotonic() + self._offset

    def scaled(self, azure_seconds: float) -> float:
        return azure_seconds * self.time_scale

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    @staticmethod
    def utc_iso() -> str:
        return datetime.now(UTC).isoformat().replace("+00:00", "Z")


MAX_RETRY_AFTER_S = 10
"""Longest poll delay the emulator asks for (whole seconds, as ``Retry-After``)."""


def retry_after_headers(clock: Clock, remaining: float) -> dict[str, str]:
    """Headers telling a poller to come back when the operation is due (see module docstring)."""
    if remaining >= MAX_RETRY_AFTER_S:
        return {"Retry-After": str(MAX_RETRY_AFTER_S)}
    return {"retry-after-ms": str(max(1, math.ceil(remaining * 1000)))}


@dataclass(eq=False)
class Operation:
    """One long-running operation; ``error`` set at creation means it will end ``Failed``."""

    id: str
    resource_id: str
    kind: str
    """``create``, ``update``, ``delete`` or an action name."""
    done_at: float
    start_time: str
    error: dict[str, Any] | None = None
    on_success: Callable[[], None] | None = None
    on_failure: Callable[[dict[str, Any]], None] | None = None
    result: dict[str, Any] | None = None
    """Body a Location poll returns once done (e.g. a POST action's result)."""
    status: OperationStatus = "InProgress"
    end_time: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def status_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "name": self.id,
            "status": self.status,
            "startTime": self.start_time,
        }
        if self.end_time:
            body["endTime"] = self.end_time
        if self.status == "Failed" and self.error:
            body["error"] = self.error
        return body


class Operations:
    """Registry of operations by id, finished lazily from a deadline heap."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._ops: dict[str, Operation] = {}
        self._heap: list[tuple[float, int, Operation]] = []
        self._seq = 0
        self._by_resource: dict[str, Operation] = {}

    def start(
        self,
        resource_id: str,
        kind: str,
        azure_seconds: float,
        *,
        on_success: Callable[[], None] | None = None,
        on_failure: Callable[[dict[str, Any]], None] | None = None,
        error: dict[str, Any] | None = None,
        result: dict[str, Any] | None = None,
    ) -> Operation:
        """Start an operation that finishes after ``azure_seconds`` (scaled by the clock).
        Callbacks run exactly once, at completion, inside a later request's ``settle()``."""
        op = Operation(
            id=uuid.uuid4().hex,
            resource_id=resource_id,
            kind=kind,
            done_at=self.clock.now() + self.clock.scaled(azure_seconds),
            start_time=Clock.utc_iso(),
            error=error,
            on_success=on_success,
            on_failure=on_failure,
            result=result,
        )
        if len(self._ops) >= MAX_KEPT_OPERATIONS:
            self._forget_finished()
        self._ops[op.id] = op
        self._by_resource[resource_id.lower()] = op
        self._seq += 1
        heapq.heappush(self._heap, (op.done_at, self._seq, op))
        return op

    def settle(self) -> None:
        """Finish every operation that is due."""
        now = self.clock.now()
        while self._heap and self._heap[0][0] <= now:
            _, _, op = heapq.heappop(self._heap)
            self._finish(op)

    def finish_all(self) -> None:
        """Complete everything now (shutdown, reset, tests)."""
        while self._heap:
            _, _, op = heapq.heappop(self._heap)
            self._finish(op)

    def _finish(self, op: Operation) -> None:
        if op.status != "InProgress":
            return
        op.end_time = Clock.utc_iso()
        if self._by_resource.get(op.resource_id.lower()) is op:
            del self._by_resource[op.resource_id.lower()]
        # drop the callbacks first: they hold the starting request's Ctx, and finished
        # operations stay pollable (up to MAX_KEPT_OPERATIONS of them)
        on_success, on_failure = op.on_success, op.on_failure
        op.on_success = op.on_failure = None
        if op.error is not None:
            op.status = "Failed"
            if on_failure:
                on_failure(op.error)
        else:
            op.status = "Succeeded"
            if on_success:
                on_success()

    def _forget_finished(self) -> None:
        finished = [k for k, o in self._ops.items() if o.status != "InProgress"]
        for key in finished[: max(1, len(finished) // 2)]:
            del self._ops[key]

    def get(self, op_id: str) -> Operation | None:
        return self._ops.get(op_id) or self._ops.get(op_id.lower())

    def in_progress(self, resource_id: str) -> Operation | None:
        """The unfinished operation on ``resource_id``, if any (for AnotherOperationInProgress /
        OperationNotAllowed checks)."""
        return self._by_resource.get(resource_id.lower())

    def remaining(self, op: Operation) -> float:
        return max(0.0, op.done_at - self.clock.now())

    def clear(self) -> None:
        self._ops.clear()
        self._heap.clear()
        self._by_resource.clear()
