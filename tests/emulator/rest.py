"""Plain REST calls to the emulator, and the check of a response against an official ARM example.

The SDK hides status codes and LRO headers; the wire-shape tests need them, so they go around it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from aksiso_tui.emulator.server import EmulatorThread


def http(emu: EmulatorThread, method: str, path: str, body: Any = None) -> tuple[int, dict, Any]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"{emu.base_url}{path}?api-version=2026-03-01",
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
    )
    try:
        with urllib.request.urlopen(req) as resp:
            raw = resp.read()
            return resp.status, dict(resp.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as err:
        raw = err.read()
        return err.code, dict(err.headers), json.loads(raw) if raw else None


def keys_match(expected: Any, got: Any, path: str = "") -> None:
    """Every key of the example is in the response (values may differ: ids, times, IPs)."""
    if isinstance(expected, dict):
        assert isinstance(got, dict), path
        for key, value in expected.items():
            assert key in got, f"{path}.{key} missing"
            keys_match(value, got[key], f"{path}.{key}")
    elif isinstance(expected, list) and expected and isinstance(expected[0], dict):
        assert isinstance(got, list) and got, path
        keys_match(expected[0], got[0], f"{path}[0]")
