"""The Azure step executor: plugs a Plan into the engine through the azure-mgmt aio clients.

`AzureExecutor(factory)` implements the engine's `StepExecutor`. Per `Step.operation`:

- ENSURE: GET; if the resource exists and already has every value of the step's body
  (:func:`~aksiso_tui.azure.compare.differences`) the step is `unchanged` and nothing is written;
  otherwise one PUT, its long-running operation awaited, and the outputs read from the final
  resource. A resource that exists with settings that must not be overwritten stops the step with
  a fix instead (:mod:`aksiso_tui.azure.guards`). Resources whose PUT replaces the whole object
  (VNets with their subnets, subnets, clusters) are updated GET-merge-PUT.
- ACTION / READ / VERIFY: :mod:`aksiso_tui.azure.actions` and :mod:`aksiso_tui.azure.verify`.

`verify()` (resume) re-reads a journaled step: fresh outputs, or None when it is gone or no longer
matches (the runner then runs it again). Azure errors become `StepError`s with ARM's code.
"""

from __future__ import annotations

import asyncio
import importlib
import re
from collections.abc import Awaitable, Mapping
from typing import Any, TypeVar

from aksiso_tui.azure import actions, guards
from aksiso_tui.azure import verify as checks
from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.compare import differences
from aksiso_tui.azure.failures import step_error
from aksiso_tui.azure.outputs import outputs_for, props
from aksiso_tui.azure.resources import KINDS, read, write
from aksiso_tui.engine import JournalState, StepContext, StepError, StepOutcome, StepStatus
from aksiso_tui.plan import kinds
from aksiso_tui.plan.model import Operation, Plan, Ref, Step

T = TypeVar("T")

Json = dict[str, Any]
TERMINAL_STATES = {"succeeded", "failed", "canceled", "cancelled"}
_PLACEHOLDER = re.compile(r"\{([^{}#]+)#([^{}]+)\}")

# Resources whose PUT replaces the whole object: updates send what exists plus the plan's values,
# as SDK models so read-only fields are dropped (operations.md: GET-modify-PUT).
_MERGE_MODELS: dict[str, tuple[str, str]] = {
    kinds.VNET.lower(): ("azure.mgmt.network.models", "VirtualNetwork"),
    kinds.SUBNET.lower(): ("azure.mgmt.network.models", "Subnet"),
    kinds.MANAGED_CLUSTER.lower(): ("azure.mgmt.containerservice.models", "ManagedCluster"),
}


def merge(base: Any, overlay: Any) -> Any:
    """`overlay` deep-merged onto `base`: dicts by key, lists of named dicts by name."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        out = dict(base)
        for key, value in overlay.items():
            match = next((k for k in out if k.lower() == key.lower()), key)
            out[match] = merge(out.get(match), value) if match in out else value
        return out
    if (
        isinstance(base, list)
        and isinstance(overlay, list)
        and all(isinstance(x, dict) and "name" in x for x in overlay)
    ):
        names = {str(x["name"]).lower(): x for x in overlay}
        merged = [
            merge(item, names.pop(str(item.get("name", "")).lower()))
            if isinstance(item, dict) and str(item.get("name", "")).lower() in names
            else item
            for item in base
        ]
        return merged + list(names.values())
    return overlay


def as_model(kind: str, body: Json) -> Any:
    """The body as the SDK's model for `kind` (read-only fields then stay out of the PUT)."""
    spec = _MERGE_MODELS.get(kind.lower())
    if spec is None:
        return body
    return getattr(importlib.import_module(spec[0]), spec[1])(body)


def resource_id(step: Step, ctx: StepContext) -> str:
    """The step's resource id with `{step#output}` placeholders filled from its resolved params."""
    rid = step.resource_id
    if "{" not in rid:
        return rid
    by_ref: dict[tuple[str, str], Any] = {}
    for key, raw in step.params.items():
        if isinstance(raw, Ref):
            by_ref[(raw.step, raw.output)] = ctx.params.get(key)
        elif isinstance(raw, dict) and isinstance(raw.get("$ref"), str):
            ref_step, _, output = raw["$ref"].partition("#")
            by_ref[(ref_step, output)] = ctx.params.get(key)

    def fill(match: re.Match[str]) -> str:
        value = by_ref.get((match.group(1), match.group(2)))
        if not value:
            raise StepError(
                "UnresolvedReference",
                f"resource id placeholder {match.group(0)} has no value in the step's params",
            )
        return str(value)

    return _PLACEHOLDER.sub(fill, rid)


class AzureExecutor:
    """The engine's StepExecutor for Azure (or the emulator), over one ClientFactory."""

    def __init__(self, factory: ClientFactory, *, journal: JournalState | None = None) -> None:
        self.factory = factory
        self.journal = journal
        """On resume: the journal, so actions can tell what earlier segments changed."""
        self.changed: set[str] = set()
        """Step ids this process changed (succeeded, not unchanged)."""
        self.poll_s = max(factory.polling_interval, 0.0)

    # -- the StepExecutor protocol --------------------------------------------------------
    def prepare(self, plan: Plan) -> None:
        """Called by the runner as the run starts: import the SDK modules the plan will use, in
        plan order, in the background (:meth:`ClientFactory.preload`)."""
        self.factory.preload(clients_for(plan))

    async def execute(self, step: Step, ctx: StepContext) -> StepOutcome:
        outcome = await _as_step_errors(self._dispatch(step, ctx))
        if outcome.status == StepStatus.SUCCEEDED:
            self.changed.add(step.id)
        return outcome

    async def verify(
        self, step: Step, recorded_outputs: Mapping[str, Any], ctx: StepContext
    ) -> StepOutcome | None:
        return await _as_step_errors(self._verify(step, recorded_outputs, ctx))

    def changed_earlier(self, step_id: str) -> bool:
        """Whether `step_id` changed Azure in this process or in an earlier segment of the run."""
        if step_id in self.changed:
            return True
        if self.journal is None:
            return False
        entry = self.journal.steps.get(step_id)
        return entry is not None and (
            entry.status == StepStatus.SUCCEEDED or entry.write_issued or entry.in_flight
        )

    # -- dispatch -------------------------------------------------------------------------
    async def _dispatch(self, step: Step, ctx: StepContext) -> StepOutcome:
        kind = step.kind.lower()
        if step.operation is Operation.ENSURE:
            return await self.ensure(step, ctx)
        if step.operation is Operation.READ:
            return await actions.read_step(self, step, ctx)
        if kind == kinds.REGISTER_PROVIDER:
            return await actions.register_provider(self, step, ctx)
        if kind == kinds.UPDATE_CLUSTER:
            return await actions.update_cluster(self, step, ctx)
        if kind == kinds.NODE_IMAGE_UPGRADE:
            return await actions.node_image_upgrade(self, step, ctx)
        if kind == kinds.VERIFY_CLUSTER:
            return await checks.verify_cluster(self, step, ctx)
        if kind == kinds.VERIFY_RUN_COMMAND:
            return await checks.verify_run_command(self, step, ctx)
        raise StepError("UnsupportedStep", f"aksiso has no executor for kind {step.kind!r}")

    async def _verify(
        self, step: Step, recorded: Mapping[str, Any], ctx: StepContext
    ) -> StepOutcome | None:
        kind = step.kind.lower()
        if step.operation is Operation.ENSURE:
            rid = resource_id(step, ctx)
            ctx.operation(f"GET {rid}")
            actual = await self.settled(rid, step, ctx)
            if actual is None:
                return None
            if differences(ctx.body, actual):
                ctx.log("info", "changed since it was recorded; ensuring it again")
                return None
            return StepOutcome(StepStatus.UNCHANGED, await self.outputs(step, ctx, actual))
        if step.operation is Operation.VERIFY:
            return await self._dispatch(step, ctx)
        if step.operation is Operation.READ:
            return await actions.read_step(self, step, ctx)
        if kind == kinds.REGISTER_PROVIDER:
            state = await actions.provider_state(self, ctx.params["namespace"])
            return StepOutcome(StepStatus.UNCHANGED) if state == "Registered" else None
        if kind == kinds.UPDATE_CLUSTER:
            return await actions.verify_update(self, step, ctx)
        if kind == kinds.NODE_IMAGE_UPGRADE:
            await actions.wait_pools_idle(self, step, ctx)
            return StepOutcome(StepStatus.UNCHANGED, dict(recorded))
        return None

    # -- ensure ---------------------------------------------------------------------------
    async def ensure(self, step: Step, ctx: StepContext) -> StepOutcome:
        rid = resource_id(step, ctx)
        desired: Json = dict(ctx.body or {})
        ctx.operation(f"GET {rid}")
        actual = await self.settled(rid, step, ctx)
        if step.kind.lower() == kinds.MANAGED_CLUSTER.lower():
            desired = await actions.pick_kubernetes_version(self, step, ctx, desired, actual)
        failed = actual is not None and _state(actual) == "failed"
        if actual is not None:
            guards.check(step, rid, desired, actual)
            diffs = differences(desired, actual)
            if step.kind.lower() == kinds.ROLE_ASSIGNMENT.lower():
                diffs = []  # immutable; guards checked the principal and the role
            if not diffs and not failed:
                return StepOutcome(StepStatus.UNCHANGED, await self.outputs(step, ctx, actual))
            if diffs:
                shown = ", ".join(diffs[:6]) + (" ..." if len(diffs) > 6 else "")
                ctx.log("info", f"exists but differs from the plan at: {shown}")
            else:
                ctx.log("warning", "exists in state Failed; sending the plan's settings again")
            if step.kind.lower() in _MERGE_MODELS:
                desired = _strip_for_update(step.kind, merge(actual, desired))
        body = as_model(step.kind, desired)
        ctx.operation(f"PUT {rid}")
        ctx.progress("waiting for Azure to finish the write")
        try:
            result = await write(self.factory, rid, body, step.api_version)
        except Exception as exc:
            err = step_error(exc)
            if err is not None and err.code == "RoleAssignmentExists":
                ctx.log("info", "the same role assignment exists under another name: unchanged")
                existing = await _existing_role(self, rid, desired)
                return StepOutcome(StepStatus.UNCHANGED, {"id": existing})
            raise
        if _state(result) == "failed":
            raise StepError(
                "ProvisioningFailed",
                f"{rid.rsplit('/', 1)[-1]} ended in provisioningState Failed",
                retryable=True,
            )
        if not result.get("id"):
            result = await read(self.factory, rid, step.api_version) or {"id": rid}
        return StepOutcome(StepStatus.SUCCEEDED, await self.outputs(step, ctx, result))

    async def outputs(self, step: Step, ctx: StepContext, resource: Json) -> Json:
        return await outputs_for(self.factory, step.kind, resource, step.outputs, ctx.params)

    async def settled(
        self, rid: str, step: Step, ctx: StepContext, api_version: str | None = None
    ) -> Json | None:
        """GET the resource; while a write on it is still running (a resumed run), wait."""
        version = api_version or step.api_version
        actual = await read(self.factory, rid, version)
        waited = 0
        while actual is not None and _state(actual) not in TERMINAL_STATES | {""}:
            if waited == 0:
                ctx.log("info", f"an earlier write is still running ({_state(actual)}); waiting")
            ctx.progress(f"waiting for the running operation ({_state(actual)})")
            await asyncio.sleep(self.poll_s)
            waited += 1
            actual = await read(self.factory, rid, version)
        return actual


def clients_for(plan: Plan) -> list[str]:
    """The ClientFactory client names `plan`'s steps use, in the order steps first need them."""
    names: list[str] = []
    for step in plan.steps:
        kind = step.kind.lower()
        if kind == kinds.REGISTER_PROVIDER:
            name = "resource"
        elif kind in KINDS:
            name = KINDS[kind].client
        elif "cluster" in kind or kind.startswith("verify/"):
            name = "containerservice"
        else:
            continue
        if name not in names:
            names.append(name)
    return names


def _state(resource: Json | None) -> str:
    return str(props(resource).get("provisioningState") or "").lower()


def _strip_for_update(kind: str, body: Json) -> Json:
    """Drop what a full-object update must not send back (ARM-managed or read-only parts)."""
    body = {k: v for k, v in body.items() if k not in ("etag", "systemData")}
    if kind.lower() == kinds.SUBNET.lower() and isinstance(body.get("properties"), dict):
        p = dict(body["properties"])
        for key in ("ipConfigurations", "privateEndpoints", "serviceAssociationLinks"):
            p.pop(key, None)
        body["properties"] = p
    return body


async def _existing_role(executor: AzureExecutor, rid: str, desired: Json) -> str:
    """The id of the assignment that made our PUT a `RoleAssignmentExists` (else `rid`)."""
    scope = rid[: len(rid.lower().rsplit("/providers/microsoft.authorization/", 1)[0])]
    want = props(desired)
    principal = str(want.get("principalId", "")).lower()
    role = str(want.get("roleDefinitionId", "")).rsplit("/", 1)[-1].lower()
    ops = executor.factory.get("authorization").role_assignments
    async for ra in ops.list_for_scope(scope, filter="atScope()"):
        if (
            str(getattr(ra, "principal_id", "")).lower() == principal
            and str(getattr(ra, "role_definition_id", "")).rsplit("/", 1)[-1].lower() == role
        ):
            return str(ra.id)
    return rid


async def _as_step_errors(call: Awaitable[T]) -> T:
    """Await `call`, turning the SDK's errors into StepErrors with Azure's code (others pass)."""
    try:
        return await call
    except StepError:
        raise
    except Exception as exc:
        mapped = step_error(exc)
        if mapped is None:
            raise
        raise mapped from None
