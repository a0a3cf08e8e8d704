"""Where `apply` and `destroy` send their requests: Azure, another ARM, or the demo emulator.

A *target label* names the endpoint in the journal's header, so `--resume` and `destroy` can
refuse (or pick) the right one: the ARM endpoint URL (`https://management.azure.com`,
`http://127.0.0.1:8765`), or `demo` for the embedded emulator.

Demo runs: `--demo` starts the emulator in-process at :data:`DEMO_TIME_SCALE` (Azure-typical
durations, scaled so a full create takes seconds) and keeps its state in a file under the state
directory (``<state dir>/demo/emulator-state.json``), loaded at start and saved as it changes. So
successive demo runs share one emulated subscription, `apply --demo` twice reports everything
`unchanged`, `--resume` of a demo run finds what the killed run created, and `aksiso destroy
RUN_ID` of a demo run reloads that state and deletes from it (the journal says it was a demo run;
no flag needed). `--state FILE` picks another file (the label is then `demo:FILE`). The `demo`
seed (existing clusters to migrate) is loaded when the state file is first created.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEMO_LABEL = "demo"
DEMO_TIME_SCALE = float(os.environ.get("AKSISO_DEMO_TIME_SCALE", "0.02"))
"""Azure-typical durations times this: a cluster (420 s) takes 8 s, a firewall (480 s) 10 s."""
DEMO_SEED = "demo"


class SessionError(ValueError):
    """A target that cannot be used (exit code 2), with the message to print."""


@dataclass(frozen=True)
class TargetChoice:
    """What the command line asked for: the demo emulator, or a resolved ARM target."""

    label: str
    demo_state: Path | None = None
    target: Any = None
    """An `aksiso_tui.azure.target.Target` (None for the demo until it has started)."""

    @property
    def demo(self) -> bool:
        return self.demo_state is not None

    def flags(self) -> str:
        """The command-line flags that select this target again (for resume hints)."""
        if self.demo_state is not None:
            return "--demo" if self.label == DEMO_LABEL else f"--demo --state {self.demo_state}"
        if self.target is not None and self.target.cloud != "custom":
            return "" if self.target.cloud == "AzureCloud" else f"--cloud {self.target.cloud}"
        return f"--arm-endpoint {self.label}"


def default_demo_state() -> Path:
    from aksiso_tui.engine.journal import state_dir

    return state_dir() / "demo" / "emulator-state.json"


def choose_target(
    *, demo: bool, arm_endpoint: str | None, cloud: str | None, state: str | None
) -> TargetChoice:
    """The target for these flags; raises SessionError for a bad combination or endpoint."""
    from aksiso_tui.azure.target import TargetError, resolve_target

    if demo:
        if arm_endpoint:
            raise SessionError("--demo and --arm-endpoint exclude each other.")
        path = Path(state).resolve() if state else default_demo_state()
        label = DEMO_LABEL if not state else f"{DEMO_LABEL}:{path}"
        return TargetChoice(label, demo_state=path)
    if state:
        raise SessionError("--state only applies to --demo runs.")
    try:
        target = resolve_target(cloud, arm_endpoint)
    except TargetError as exc:
        raise SessionError(str(exc)) from None
    return TargetChoice(target.arm_endpoint, target=target)


def target_from_label(label: str) -> TargetChoice:
    """The target a journal recorded (for destroy)."""
    if label == DEMO_LABEL:
        return choose_target(demo=True, arm_endpoint=None, cloud=None, state=None)
    if label.startswith(DEMO_LABEL + ":"):
        return choose_target(demo=True, arm_endpoint=None, cloud=None, state=label[5:])
    return choose_target(demo=False, arm_endpoint=label or None, cloud=None, state=None)


@asynccontextmanager
async def demo_emulator(state_file: Path) -> AsyncIterator[Any]:
    """The embedded emulator on the demo state file (seeded the first time)."""
    async with demo_server(state_file, DEMO_TIME_SCALE) as server:
        yield server


def demo_server(state_file: Path | None, time_scale: float, seed: str | None = None) -> Any:
    """An embedded emulator, not started yet. On a state file it holds the demo clusters from
    the first start on (later starts keep what earlier runs changed); without one, `seed`."""
    from aksiso_tui.emulator import EmulatorServer
    from aksiso_tui.emulator.providers import load_providers
    from aksiso_tui.emulator.seeds import SEEDS

    load_providers()  # providers register their seeds on import
    if state_file is not None:
        fresh = not state_file.exists()
        seed = DEMO_SEED if fresh and DEMO_SEED in SEEDS else None
        state_file.parent.mkdir(parents=True, exist_ok=True)
    return EmulatorServer(time_scale=time_scale, seed=seed, state_file=state_file)


@asynccontextmanager
async def open_factory(
    choice: TargetChoice, subscription_id: str, *, check: bool = True
) -> AsyncIterator[Any]:
    """A ClientFactory on the chosen target (starting the demo emulator if asked).

    Raises `LoginRequired` when no credential works (checked before anything is sent).
    """
    from aksiso_tui.azure.clients import ClientFactory
    from aksiso_tui.azure.target import async_credential, check_login, resolve_target

    if choice.demo_state is not None:
        async with demo_emulator(choice.demo_state) as server:
            target = resolve_target(arm_endpoint=server.base_url)
            credential = async_credential(target)
            async with ClientFactory(target, credential, subscription_id) as factory:
                yield factory
        return
    credential = async_credential(choice.target)
    try:
        if check:
            await check_login(choice.target, credential)
        async with ClientFactory(choice.target, credential, subscription_id) as factory:
            yield factory
    finally:
        await credential.close()
