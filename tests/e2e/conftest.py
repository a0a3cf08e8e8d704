"""Fixtures for the end-to-end tests: a fresh in-process emulator per test (time_scale 0), and a
private state directory so journals never land in the user's real one (xdist-safe)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from aksiso_tui.emulator import EmulatorServer


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state"
    monkeypatch.setenv("AKSISO_STATE_DIR", str(path))
    return path


@pytest.fixture
async def emulator() -> AsyncIterator[EmulatorServer]:
    async with EmulatorServer(time_scale=0.0) as emu:
        yield emu
