"""Fixtures for the wizard's tests."""

from __future__ import annotations

import pytest
from ui_helpers import FakeCatalog


@pytest.fixture
def fake_catalog() -> FakeCatalog:
    return FakeCatalog()
