"""Moved to `aksiso_tui.netpath.aks_lookup`; this name keeps older imports working."""

from __future__ import annotations

from typing import Any

from aksiso_tui.netpath import aks_lookup as _moved


def __getattr__(name: str) -> Any:
    return getattr(_moved, name)
