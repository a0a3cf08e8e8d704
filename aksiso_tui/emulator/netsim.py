"""Moved to `aksiso_tui.netpath.netsim`; this name keeps older imports working."""

from __future__ import annotations

from typing import Any

from aksiso_tui.netpath import netsim as _moved


def __getattr__(name: str) -> Any:
    return getattr(_moved, name)
