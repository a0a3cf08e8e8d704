"""Named starting states for ``--seed NAME`` (e.g. ``demo``: existing clusters to migrate or
audit). A seed is a function filling a fresh :class:`~aksiso_tui.emulator.context.Emulator`'s
store; providers register theirs with :func:`register_seed` at import time."""

from __future__ import annotations

from collections.abc import Callable

from aksiso_tui.emulator.context import Emulator

SeedFn = Callable[[Emulator], None]
SEEDS: dict[str, SeedFn] = {}


def register_seed(name: str, fn: SeedFn) -> None:
    SEEDS[name.lower()] = fn


def apply_seed(name: str, emu: Emulator) -> None:
    fn = SEEDS.get(name.lower())
    if fn is None:
        known = ", ".join(sorted(SEEDS)) or "none registered yet"
        raise ValueError(f"unknown emulator seed {name!r} (known: {known})")
    fn(emu)


def _empty(emu: Emulator) -> None:
    """No resources at all (the default state, named for scripts)."""


register_seed("empty", _empty)


# Built-in seeds register themselves on import; importing them here makes `SEEDS` complete for
# anyone who imports this module.
from aksiso_tui.emulator import seed_demo  # noqa: E402, F401
