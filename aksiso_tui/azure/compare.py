"""Is the resource in Azure already what the plan wants? A desired-subset comparison.

ARM answers with many more fields than we send (defaults, read-only state), so "unchanged" means:
every value we would send is already there. ARM ids and locations compare case-insensitively;
lists of named objects (subnets, rules, pools) match by name; other lists compare in order.
"""

from __future__ import annotations

from typing import Any


def _norm_scalar(value: Any) -> Any:
    if isinstance(value, str):
        if value.startswith("/subscriptions/") or value.startswith("/providers/"):
            return value.lower().rstrip("/")
        return value
    return value


def _key_lookup(actual: dict[str, Any], key: str) -> tuple[bool, Any]:
    if key in actual:
        return True, actual[key]
    lowered = key.lower()
    for k, v in actual.items():
        if k.lower() == lowered:
            return True, v
    return False, None


def differences(desired: Any, actual: Any, path: str = "") -> list[str]:
    """Paths where `actual` lacks or contradicts a value of `desired` (empty: nothing to do)."""
    if desired is None:
        return []
    if isinstance(desired, dict):
        if not isinstance(actual, dict):
            return [path or "."]
        out: list[str] = []
        for key, want in desired.items():
            found, have = _key_lookup(actual, key)
            sub = f"{path}.{key}" if path else key
            if not found:
                if want in (None, {}, []):
                    continue
                out.append(sub)
                continue
            out.extend(differences(want, have, sub))
        return out
    if isinstance(desired, list):
        if not isinstance(actual, list):
            return [path]
        if all(isinstance(d, dict) and "name" in d for d in desired):
            by_name = {str(a.get("name", "")).lower(): a for a in actual if isinstance(a, dict)}
            out = []
            for item in desired:
                have = by_name.get(str(item["name"]).lower())
                sub = f"{path}[{item['name']}]"
                out.extend([sub] if have is None else differences(item, have, sub))
            return out
        if len(desired) != len(actual):
            return [path]
        out = []
        for i, (want, have) in enumerate(zip(desired, actual, strict=True)):
            out.extend(differences(want, have, f"{path}[{i}]"))
        return out
    if isinstance(desired, str) and isinstance(actual, str):
        if path.endswith("location"):
            same = desired.replace(" ", "").lower() == actual.replace(" ", "").lower()
            return [] if same else [path]
        if path.endswith(".name") or path == "name":  # ARM names are case-insensitive
            return [] if desired.lower() == actual.lower() else [path]
    return [] if _norm_scalar(desired) == _norm_scalar(actual) else [path]
