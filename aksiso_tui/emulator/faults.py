"""Fault injection: the failures real ARM produces, on demand and reproducibly.

``--faults throttle=0.1,server_error=0.05,drop=0.01,lro_fail=0.02,principal_not_found=2,seed=7``:
probabilities per request for 429 throttling (with ``Retry-After``), 500/503 answers and dropped
connections; per long-running operation for ending ``Failed``; and a count of role-assignment PUTs
per fresh principal that answer ``PrincipalNotFound`` (Entra replication delay). All draws come
from one ``random.Random(seed)`` so a run is repeatable. ``/_emulator/`` endpoints are never
faulted. Faults are decided before a request is processed, so a faulted write changed nothing.

The 429's ``Retry-After`` is ``ceil(time_scale)`` seconds: ``0`` at time_scale 0, which azure-core
still counts as "retry this, for any method" but then sleeps only its own backoff (tests set a
small ``retry_backoff_factor``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any, Literal

from aksiso_tui.emulator.errors import ArmError

FaultKind = Literal["throttle", "server_error", "drop"]


@dataclass
class FaultConfig:
    throttle: float = 0.0
    server_error: float = 0.0
    drop: float = 0.0
    lro_fail: float = 0.0
    principal_not_found: int = 0
    seed: int | None = None

    @classmethod
    def parse(cls, spec: str | None) -> FaultConfig:
        """Parse ``key=value,...``; raises ValueError naming the bad part."""
        cfg = cls()
        if not spec:
            return cfg
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            key, sep, value = part.partition("=")
            key = key.strip().replace("-", "_")
            if not sep or key not in cls.__dataclass_fields__:
                known = ", ".join(cls.__dataclass_fields__)
                raise ValueError(f"bad fault {part!r}: expected key=value with key in {known}")
            try:
                if key in ("principal_not_found", "seed"):
                    setattr(cfg, key, int(value))
                else:
                    prob = float(value)
                    if not 0.0 <= prob <= 1.0:
                        raise ValueError
                    setattr(cfg, key, prob)
            except ValueError:
                raise ValueError(f"bad fault value in {part!r}") from None
        return cfg

    @property
    def any_request_faults(self) -> bool:
        return self.throttle > 0 or self.server_error > 0 or self.drop > 0


@dataclass
class Faults:
    """Runtime fault decisions (one instance per server)."""

    config: FaultConfig = field(default_factory=FaultConfig)
    time_scale: float = 1.0
    _principal_hits: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.config.seed)

    def request_fault(self) -> FaultKind | None:
        """Draw the fault (if any) for one incoming ARM request."""
        cfg = self.config
        if not cfg.any_request_faults:
            return None
        roll = self.rng.random()
        if roll < cfg.throttle:
            return "throttle"
        if roll < cfg.throttle + cfg.server_error:
            return "server_error"
        if roll < cfg.throttle + cfg.server_error + cfg.drop:
            return "drop"
        return None

    def error_for(self, kind: FaultKind) -> ArmError:
        if kind == "throttle":
            return ArmError(
                429,
                "TooManyRequests",
                "Number of requests for subscription exceeded the limit (emulated throttling). "
                "Please try again later.",
                headers={"Retry-After": str(math.ceil(self.time_scale))},
            )
        if self.rng.random() < 0.5:
            return ArmError(500, "InternalServerError", "Encountered internal server error.")
        return ArmError(503, "ServiceUnavailable", "The service is temporarily unavailable.")

    def lro_failure(self) -> dict[str, Any] | None:
        """The error a new long-running operation will end with, or None."""
        if self.config.lro_fail > 0 and self.rng.random() < self.config.lro_fail:
            return {
                "code": "InternalOperationError",
                "message": "The operation failed because of an internal error (emulated fault).",
            }
        return None

    def principal_not_found(self, principal_id: str) -> bool:
        """True while the first ``principal_not_found`` role-assignment PUTs for this principal
        should be rejected (the authorization provider calls this)."""
        limit = self.config.principal_not_found
        if limit <= 0:
            return False
        key = principal_id.lower()
        seen = self._principal_hits.get(key, 0)
        if seen >= limit:
            return False
        self._principal_hits[key] = seen + 1
        return True
