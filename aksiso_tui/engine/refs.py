"""Reference resolution: replace `Ref(step, output)` in a step's body with the value it names.

Plans carry `Ref`s where a value is only known once an earlier step ran (a private endpoint's IPs,
an identity's principal id). Just before a step runs, the runner resolves its body and params
against the outputs recorded so far. The JSON form ``{"$ref": "step#output"}`` (what the exporters
print) resolves the same way. A missing output, or one that was masked in the journal, is an
:data:`~aksiso_tui.engine.errors.UNRESOLVED_REFERENCE` error for the step, never a silent ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aksiso_tui.engine.errors import UNRESOLVED_REFERENCE, StepError
from aksiso_tui.engine.redact import REDACTED
from aksiso_tui.plan.model import Ref


def _lookup(step: str, output: str, outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    produced = outputs.get(step)
    if produced is None or output not in produced:
        raise StepError(
            UNRESOLVED_REFERENCE,
            f"needs output {output!r} of step {step!r}, which was not recorded",
        )
    value = produced[output]
    if value == REDACTED:
        raise StepError(
            UNRESOLVED_REFERENCE,
            f"needs output {output!r} of step {step!r}, which is a secret and was not journaled",
        )
    return value


def _json_ref(value: Mapping[str, Any]) -> tuple[str, str] | None:
    if len(value) == 1 and isinstance(value.get("$ref"), str) and "#" in value["$ref"]:
        step, _, output = value["$ref"].partition("#")
        return step, output
    return None


def resolve(value: Any, outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    """A copy of `value` with every `Ref` replaced by the recorded output it names."""
    if isinstance(value, Ref):
        return _lookup(value.step, value.output, outputs)
    if isinstance(value, Mapping):
        ref = _json_ref(value)
        if ref is not None:
            return _lookup(ref[0], ref[1], outputs)
        return {k: resolve(v, outputs) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, outputs) for v in value]
    if isinstance(value, tuple):
        return tuple(resolve(v, outputs) for v in value)
    return value


def references(value: Any) -> set[tuple[str, str]]:
    """Every `(step, output)` pair that `value` refers to."""
    found: set[tuple[str, str]] = set()
    if isinstance(value, Ref):
        found.add((value.step, value.output))
    elif isinstance(value, Mapping):
        ref = _json_ref(value)
        if ref is not None:
            found.add(ref)
        else:
            for v in value.values():
                found |= references(v)
    elif isinstance(value, list | tuple):
        for v in value:
            found |= references(v)
    return found
