"""Fixtures for the existing-cluster tests: the demo seed on the emulator, real aio SDK clients.

`demo`: an `EmulatorServer(seed="demo", time_scale=0)`; `factory`: a `ClientFactory` on it (the
product's own client setup).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aksiso_tui.azure.clients import ClientFactory
from aksiso_tui.azure.target import async_credential, resolve_target
from aksiso_tui.emulator import SUBSCRIPTION_ID as SUB
from aksiso_tui.emulator import EmulatorServer


@pytest.fixture
async def demo() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(seed="demo", time_scale=0.0) as emu:
        yield emu


@pytest.fixture
async def factory(demo: EmulatorServer) -> AsyncIterator[ClientFactory]:
    target = resolve_target(arm_endpoint=demo.base_url)
    async with ClientFactory(
        target, async_credential(target), SUB, polling_interval=0, retry_backoff_factor=0.01
    ) as f:
        yield f
