"""The emulator's resource store: every ARM resource as its JSON dict, keyed by id.

Resources are stored in their response shape (``id``, ``name``, ``type``, ``location``, ``tags``,
``sku``, ``identity``, ``properties``...). Child resources (subnets, routes, record sets...) are
separate entries under their own ids; a parent's *view* embeds them (see ``routing``).

Lookups are O(1) by lower-cased id; two indexes keep lists cheap: by lower-cased type, and by
parent (so a resource group delete finds its whole tree without scanning everything).

Ownership rule: :meth:`Store.get` returns the stored dict itself for speed. Treat it as
read-only; to change a resource, build a new dict (``copy.deepcopy`` first if you start from the
stored one) and :meth:`Store.put` it.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from aksiso_tui.emulator import ids

FORMAT_VERSION = 1


class Store:
    """Case-insensitive id -> resource dict, with type and parent indexes and atomic persistence."""

    def __init__(self) -> None:
        self._by_id: dict[str, dict[str, Any]] = {}
        self._by_type: dict[str, dict[str, None]] = {}
        self._kids: dict[str, dict[str, None]] = {}
        self.meta: dict[str, Any] = {}
        """Non-resource state providers persist (e.g. provider/feature registration), JSON only."""
        self._listeners: list[Callable[[], None]] = []

    # -- reads -------------------------------------------------------------------------------
    def get(self, rid: str) -> dict[str, Any] | None:
        """The resource stored under ``rid`` (any casing), or None. Do not mutate the result."""
        return self._by_id.get(rid.lower())

    def __contains__(self, rid: object) -> bool:
        return isinstance(rid, str) and rid.lower() in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self._by_id.values()))

    def canonical_id(self, rid: str) -> str | None:
        """The id as its creator cased it, if stored."""
        res = self._by_id.get(rid.lower())
        return res["id"] if res is not None else None

    def list_by_type(self, rtype: str, scope: str | None = None) -> list[dict[str, Any]]:
        """Resources of the full ARM type ``rtype`` (any casing), in creation order, optionally
        only those whose id starts with the ``scope`` id prefix (subscription, group, parent)."""
        keys = self._by_type.get(rtype.lower())
        if not keys:
            return []
        if scope is None:
            return [self._by_id[k] for k in keys]
        prefix = scope.lower().rstrip("/") + "/"
        return [self._by_id[k] for k in keys if k.startswith(prefix)]

    def children(self, parent_id: str) -> list[dict[str, Any]]:
        """Every resource below ``parent_id`` (direct and nested, incl. extension resources such
        as role assignments scoped to it), parents before their children."""
        out: list[dict[str, Any]] = []
        stack = [parent_id.lower().rstrip("/")]
        while stack:
            key = stack.pop()
            kids = self._kids.get(key)
            if not kids:
                continue
            for kid in reversed(list(kids)):
                res = self._by_id.get(kid)
                if res is not None:
                    out.append(res)
                stack.append(kid)
        return out

    # -- writes ------------------------------------------------------------------------------
    def put(self, rid: str, resource: dict[str, Any]) -> None:
        """Store ``resource`` under ``rid``. A new id keeps the casing given here; an existing one
        keeps its first creator's casing (``resource["id"]`` is set accordingly)."""
        key = rid.lower()
        old = self._by_id.get(key)
        stored = copy.deepcopy(resource)
        stored["id"] = old["id"] if old is not None else ids.canonical(resource.get("id") or rid)
        rtype = str(stored.get("type", "")).lower()
        if old is not None and str(old.get("type", "")).lower() != rtype:
            self._by_type.get(str(old.get("type", "")).lower(), {}).pop(key, None)
        self._by_id[key] = stored
        self._by_type.setdefault(rtype, {})[key] = None
        if old is None:
            self._kids.setdefault(ids.parent_id(stored["id"]).lower(), {})[key] = None
        self._changed()

    def delete(self, rid: str) -> None:
        """Remove ``rid`` (not its children: the router deletes trees child-first)."""
        key = rid.lower()
        old = self._by_id.pop(key, None)
        if old is None:
            return
        self._by_type.get(str(old.get("type", "")).lower(), {}).pop(key, None)
        self._kids.get(ids.parent_id(old["id"]).lower(), {}).pop(key, None)
        self._changed()

    def clear(self) -> None:
        self._by_id.clear()
        self._by_type.clear()
        self._kids.clear()
        self.meta.clear()
        self._changed()

    # -- change notification and persistence -------------------------------------------------
    def add_listener(self, listener: Callable[[], None]) -> None:
        """Called after every mutation (the server debounces saves with it)."""
        self._listeners.append(listener)

    def mark_changed(self) -> None:
        """Tell listeners (the state-file saver) that ``meta`` changed."""
        self._changed()

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def dump(self) -> dict[str, Any]:
        """A JSON-ready snapshot (used by ``/_emulator/state`` and :meth:`save`)."""
        return {
            "version": FORMAT_VERSION,
            "resources": list(self._by_id.values()),
            "meta": self.meta,
        }

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write atomically: temp file in the same directory, fsync, ``os.replace``."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.dump(), fh, separators=(",", ":"))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Store:
        """Read a file written by :meth:`save` (a missing file gives an empty store)."""
        store = cls()
        target = Path(path)
        if not target.exists():
            return store
        data = json.loads(target.read_text(encoding="utf-8"))
        if data.get("version") != FORMAT_VERSION:
            raise ValueError(f"{path}: unsupported emulator state version {data.get('version')!r}")
        for res in data.get("resources", []):
            store.put(res["id"], res)
        store.meta.update(data.get("meta", {}))
        return store
