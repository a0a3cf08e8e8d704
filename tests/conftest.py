"""Fixtures for the whole suite: every test gets a private aksiso state directory, so journals
and the demo emulator's state never land in the user's real one (and xdist workers never share
one)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state"
    monkeypatch.setenv("AKSISO_STATE_DIR", str(path))
    return path
