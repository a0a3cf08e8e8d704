"""Where the wizard sends its requests, and how it runs, resumes and undoes a plan there.

The wizard (`aksiso [--demo]`) needs what `aksiso apply` and `aksiso destroy` need — a target, a
credential, a `ClientFactory`, an `AzureExecutor`, a journal — but for the lifetime of an app
rather than of one command, and started without delaying the first screen. `Backend` holds that:

- `Backend.demo()`: the embedded emulator on the demo state file (the same one `apply --demo`
  uses, journal target label `demo`, seeded with `--seed demo` data when the file is new), at
  :data:`WIZARD_DEMO_TIME_SCALE` so a full create takes about a minute. `aksiso destroy RUN_ID`
  and `aksiso apply --demo --resume RUN_ID` therefore work on wizard runs too.
- `Backend.for_server(server)`: an emulator someone else started (tests: time scale 0).
- `Backend.azure()`: Azure Resource Manager through `DefaultAzureCredential`.

`start()` imports the SDK and aiohttp in a thread, so the event loop that draws the screens is
never blocked by them. The wizard also writes its answers next to each run's journal
(`<run_id>.answers.yaml`) so a journaled run can be resumed from the wizard later.

This module imports neither Textual nor, at import time, the Azure SDK.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aksiso_tui.commands.session import DEMO_LABEL, DEMO_SEED, default_demo_state, demo_server

if TYPE_CHECKING:
    from aksiso_tui.engine import JournalState, RunHandle, RunResult, Subscriber
    from aksiso_tui.plan.model import Plan
    from aksiso_tui.spec import Spec
    from aksiso_tui.ui.catalog import ArmCatalog

WIZARD_DEMO_TIME_SCALE = 0.07
"""Azure-typical durations times this: the largest create (hub firewall, ~14 min of critical path
on Azure) takes about a minute; a cluster alone (420 s) about 30 s."""

SDK_MODULES = (
    "aksiso_tui.azure.executor",
    "aksiso_tui.azure.catalog",
    "azure.mgmt.resource.resources.aio",
    "azure.mgmt.resource.subscriptions.aio",
    "azure.mgmt.network.aio",
    "azure.mgmt.containerservice.aio",
    "azure.mgmt.containerregistry.aio",
    "azure.mgmt.privatedns.aio",
    "azure.mgmt.msi.aio",
    "azure.mgmt.authorization.aio",
)
"""Imported in a thread at start, so no step stalls the event loop importing a client."""


def _import_all(names: Iterable[str]) -> None:
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional client: the step that needs it will say so
            continue


def answers_path(run_id: str) -> Path:
    """The wizard's answers for run `run_id`, next to its journal."""
    from aksiso_tui.engine import journal_path

    return journal_path(run_id).with_suffix(".answers.yaml")


def load_answers(run_id: str) -> Spec | None:
    """The answers a wizard run was started with, or None (started by `aksiso apply`)."""
    path = answers_path(run_id)
    if not path.exists():
        return None
    from aksiso_tui.config import load_spec_file

    spec, _ = load_spec_file(path)
    return spec


@dataclass(frozen=True)
class RunChoice:
    """A journaled run, as the wizard offers it for resuming."""

    run_id: str
    started_at: str
    target: str
    status: str
    """`succeeded`, `failed`, `cancelled` or `interrupted` (never reported its end)."""
    has_answers: bool


def journaled_runs(limit: int = 30) -> list[RunChoice]:
    """The newest journaled runs, with whether the wizard can rebuild their plan."""
    from aksiso_tui.engine import list_runs

    runs = []
    for info in list_runs()[:limit]:
        runs.append(
            RunChoice(
                info.run_id,
                info.started_at,
                info.target,
                info.status.value if info.status is not None else "interrupted",
                answers_path(info.run_id).exists(),
            )
        )
    return runs


class _LineSink:
    """A file-like object that hands each printed line to a callback (destroy prints)."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self.emit = emit
        self._buffer = ""

    def write(self, text: str) -> int:
        self._buffer += text
        while "\n" in self._buffer:
            line, self._buffer = self._buffer.split("\n", 1)
            self.emit(line)
        return len(text)

    def flush(self) -> None:
        return None


class Backend:
    """The target of the wizard's lists and runs, started once per app."""

    def __init__(
        self,
        *,
        label: str,
        demo: bool,
        state_file: Path | None = None,
        time_scale: float | None = None,
        server: Any = None,
        cloud: str | None = None,
        arm_endpoint: str | None = None,
        seed: str | None = None,
    ) -> None:
        self.label = label
        """The journal's target label: `demo`, `demo:FILE`, or the ARM endpoint URL."""
        self.demo = demo
        self.state_file = state_file
        self.time_scale = time_scale
        """The emulator's time scale (None on Azure): what a demo minute means on Azure."""
        self.server = server
        self._own_server = server is None and demo
        self._cloud = cloud
        self._arm_endpoint = arm_endpoint
        self.seed = seed
        """The emulator seed of an in-memory demo (no state file)."""
        self.target: Any = None
        self.credential: Any = None
        self.error: BaseException | None = None
        self._ready: asyncio.Event | None = None
        self._starting = False

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def demo_default(
        cls, state_file: Path | None = None, time_scale: float = WIZARD_DEMO_TIME_SCALE
    ) -> Backend:
        """The embedded emulator on the demo state file shared with `aksiso apply --demo`."""
        path = state_file.resolve() if state_file else default_demo_state()
        label = DEMO_LABEL if state_file is None else f"{DEMO_LABEL}:{path}"
        return cls(label=label, demo=True, state_file=path, time_scale=time_scale)

    @classmethod
    def demo_seeded(cls, seed: str = DEMO_SEED, time_scale: float = 0.0) -> Backend:
        """An embedded emulator in memory with `seed`'s clusters (snapshots, screenshots)."""
        return cls(label=DEMO_LABEL, demo=True, time_scale=time_scale, seed=seed)

    @classmethod
    def for_server(cls, server: Any) -> Backend:
        """An emulator that is already running (tests); its URL is the journal's target."""
        return cls(
            label=server.base_url,
            demo=True,
            time_scale=getattr(getattr(server, "clock", None), "time_scale", None),
            server=server,
        )

    @classmethod
    def azure(cls, cloud: str | None = None, arm_endpoint: str | None = None) -> Backend:
        from aksiso_tui.azure.target import resolve_target

        target = resolve_target(cloud, arm_endpoint)
        return cls(label=target.arm_endpoint, demo=False, cloud=cloud, arm_endpoint=arm_endpoint)

    # --- lifecycle ----------------------------------------------------------------------------
    def _event(self) -> asyncio.Event:
        if self._ready is None:
            self._ready = asyncio.Event()
        return self._ready

    async def start(self) -> None:
        """Import the SDK (in a thread), start the emulator if this backend owns one."""
        ready = self._event()
        if self._starting:
            await ready.wait()
            return
        self._starting = True
        try:
            if self._own_server:
                self.server = await asyncio.to_thread(self._make_server)
                await self.server.start()
            from aksiso_tui.azure.target import async_credential, resolve_target

            if self.server is not None:
                self.target = resolve_target(arm_endpoint=self.server.base_url)
            else:
                self.target = resolve_target(self._cloud, self._arm_endpoint)
            self.credential = async_credential(self.target)
            await asyncio.to_thread(_import_all, SDK_MODULES)
        except BaseException as exc:
            self.error = exc
            raise
        finally:
            ready.set()

    def _make_server(self) -> Any:
        return demo_server(self.state_file, self.time_scale or 0.0, self.seed)

    async def wait_ready(self) -> None:
        """Wait for `start()`; re-raise what stopped it."""
        await self._event().wait()
        if self.error is not None:
            raise self.error

    async def close(self) -> None:
        if self.credential is not None and not getattr(self.target, "local", True):
            await self.credential.close()
        if self._own_server and self.server is not None:
            await self.server.close()
            self.server = None

    @property
    def where(self) -> str:
        """Where requests go, for people."""
        if self.server is not None:
            return f"the local emulator at {self.server.base_url}"
        if self.demo:
            return "the local emulator"
        return f"Azure ({self.label})"

    def catalog(self) -> ArmCatalog:
        """The wizard's live lists from this backend (answers once it has started)."""
        return BackendCatalog(self)

    @asynccontextmanager
    async def factory(self, subscription: str, *, check: bool = True) -> AsyncIterator[Any]:
        """A ClientFactory for `subscription`; raises LoginRequired when no credential works."""
        from aksiso_tui.azure.clients import ClientFactory
        from aksiso_tui.azure.target import check_login

        await self.wait_ready()
        if check:
            await check_login(self.target, self.credential)
        async with ClientFactory(self.target, self.credential, subscription) as factory:
            yield factory

    # --- runs ---------------------------------------------------------------------------------
    async def run(
        self,
        spec: Spec,
        plan: Plan,
        *,
        on_event: Iterable[Subscriber],
        handle: RunHandle,
        run_id: str,
        resume_from: JournalState | None = None,
        concurrency: int = 8,
    ) -> RunResult:
        """Run (or resume) `plan`, journaled, reporting to `on_event`."""
        from aksiso_tui.azure.executor import AzureExecutor
        from aksiso_tui.commands.apply import spec_hash
        from aksiso_tui.config import save_spec_file
        from aksiso_tui.engine import Journal, run_plan

        async with self.factory(spec.subscription) as factory:
            path = answers_path(run_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            save_spec_file(spec, path)
            flag = " --demo" if self.label == DEMO_LABEL else ""
            return await run_plan(
                plan,
                AzureExecutor(factory, journal=resume_from),
                concurrency=concurrency,
                on_event=[Journal(run_id), *on_event],
                run_id=run_id if resume_from is None else None,
                resume_from=resume_from,
                handle=handle,
                target=self.label,
                spec_hash=spec_hash(spec),
                resume_hint=f"aksiso apply {path}{flag} --resume {{run_id}}",
            )

    async def destroy(self, run_ids: Iterable[str], emit: Callable[[str], None]) -> int:
        """Delete what the runs created, newest run first (as `aksiso destroy` does each)."""
        from aksiso_tui.commands.destroy import created_resources, delete_all, plan_steps
        from aksiso_tui.engine import load_journal

        code = 0
        sink = _LineSink(emit)
        for run_id in run_ids:
            state = await asyncio.to_thread(load_journal, run_id)
            doomed, interrupted = created_resources(state, plan_steps(state.path))
            for sid in interrupted:
                emit(f"  ? {sid} was interrupted mid-write: not deleted, check by hand")
            if not doomed:
                emit(f"Run {run_id} created nothing to delete.")
                continue
            emit(f"Run {run_id}: deleting {len(doomed)} resources it created")
            subscription = doomed[0].rid.split("/")[2]
            async with self.factory(subscription) as factory:
                code = max(code, await delete_all(factory, doomed, sink))
        return code


class BackendCatalog:
    """An `ArmCatalog` that waits for its backend, then answers through `AzureCatalog`."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.label = "demo emulator" if backend.demo else "Azure"
        self._inner: Any = None

    async def _catalog(self) -> Any:
        from aksiso_tui.ui.catalog import CatalogUnavailable

        try:
            await self.backend.wait_ready()
        except Exception as exc:
            raise CatalogUnavailable(f"could not start: {exc}") from exc
        if self._inner is None:
            from aksiso_tui.azure.catalog import AzureCatalog

            self._inner = AzureCatalog(self.backend.target, self.backend.credential)
        return self._inner

    async def credential_status(self) -> Any:
        from aksiso_tui.ui.catalog import CredentialStatus

        try:
            inner = await self._catalog()
        except Exception as exc:
            return CredentialStatus(False, str(exc))
        status = await inner.credential_status()
        if self.backend.demo:
            return CredentialStatus(status.ok, f"demo: no sign-in needed ({self.backend.where})")
        if not status.ok:
            return CredentialStatus(
                False, status.detail + "; or try `aksiso --demo` (no Azure account needed)"
            )
        return status

    async def list_subscriptions(self) -> Any:
        return await (await self._catalog()).list_subscriptions()

    async def list_resource_groups(self, subscription: str) -> Any:
        return await (await self._catalog()).list_resource_groups(subscription)

    async def list_locations(self, subscription: str) -> Any:
        return await (await self._catalog()).list_locations(subscription)

    async def list_kubernetes_versions(self, subscription: str, location: str) -> Any:
        return await (await self._catalog()).list_kubernetes_versions(subscription, location)

    async def list_vnets(self, subscription: str, resource_group: str | None = None) -> Any:
        return await (await self._catalog()).list_vnets(subscription, resource_group)

    async def check_registry_name(self, subscription: str, name: str) -> Any:
        return await (await self._catalog()).check_registry_name(subscription, name)

    async def close(self) -> None:
        if self._inner is not None:
            await self._inner.close()
            self._inner = None
