"""Fixtures for driving the real azure-mgmt clients against the emulator (time_scale 0).

``emulator``: an async running :class:`EmulatorServer` (use aio clients in async tests).
``sync_emulator``: the same in a background thread (use sync clients in sync tests).
Clients: ``make_client(ClientClass, emu.base_url)`` from ``aksiso_tui.emulator.testing``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from aksiso_tui.emulator import EmulatorServer, EmulatorThread


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(time_scale=0.0) as emu:
        yield emu


@pytest.fixture
def sync_emulator() -> Iterator[EmulatorThread]:
    with EmulatorThread(time_scale=0.0) as emu:
        yield emu
