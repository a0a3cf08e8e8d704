"""Fixtures for the end-to-end tests: a fresh in-process emulator per test (time_scale 0). The
private state directory comes from tests/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aksiso_tui.emulator import EmulatorServer


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(time_scale=0.0) as emu:
        yield emu
