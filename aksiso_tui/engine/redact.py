"""Redaction: secrets never reach the journal, the JSON-lines stream or the console.

Every serializer of events goes through :func:`redact`. It masks the values of keys that name a
secret (token, password, key, credential, ...) and, inside any string, bearer tokens, JWTs,
SAS signatures and ``Password=``-style connection-string parts. Masking an innocent value costs a
little readability; leaking a token costs a credential, so the patterns lean wide.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

REDACTED = "<redacted>"
"""What a masked value becomes. Reference resolution refuses it, so a masked output read back
from the journal can never be sent to Azure as if it were the real value."""

_SECRET_KEY_PARTS = (
    "token",
    "password",
    "passwd",
    "secret",
    "authorization",
    "credential",
    "connectionstring",
    "kubeconfig",
    "apikey",
    "accesskey",
    "privatekey",
    "sharedkey",
    "signature",
    "cookie",
)
_SECRET_KEY_SUFFIXES = ("key", "keys", "keydata", "sas")

_STRING_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # JWTs (Entra access tokens, id tokens): three base64url parts, the first a JSON header.
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"), REDACTED),
    # Authorization header values.
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + REDACTED),
    # SAS signatures in URLs.
    (re.compile(r"(?i)([?&]sig=)[^&\s\"']+"), r"\1" + REDACTED),
    # key=value secrets in connection strings, query strings and form bodies.
    (
        re.compile(
            r"(?i)\b(password|pwd|accountkey|sharedaccesskey|client_secret|clientsecret|"
            r"access_token|refresh_token|secret)=([^;&\s\"']+)"
        ),
        r"\1=" + REDACTED,
    ),
    # JSON-ish "key": "value" pairs embedded in a message string.
    (
        re.compile(
            r"(?i)(\"(?:[a-z_]*(?:password|secret|token|accesskey|apikey))\"\s*:\s*\")[^\"]*(\")"
        ),
        r"\1" + REDACTED + r"\2",
    ),
)


_ANY_PATTERN = re.compile(
    "|".join(f"(?:{p.pattern.removeprefix('(?i)')})" for p, _ in _STRING_PATTERNS), re.IGNORECASE
)
"""A prefilter matching whatever any pattern matches (and a little more): most strings hold no
secret, and one scan is cheaper than five."""


@lru_cache(maxsize=4096)
def is_secret_key(key: str) -> bool:
    """Whether a mapping key names a secret (`clientSecret`, `admin_password`, `primaryKey`...)."""
    norm = key.lower().replace("_", "").replace("-", "")
    if any(part in norm for part in _SECRET_KEY_PARTS):
        return True
    return norm.endswith(_SECRET_KEY_SUFFIXES)


def redact_text(text: str) -> str:
    """Mask secrets that appear inside free text (error messages, logs)."""
    if not _ANY_PATTERN.search(text):
        return text
    for pattern, replacement in _STRING_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with secrets masked, recursively.

    Dicts keep their keys; the value of a secret-looking key becomes :data:`REDACTED` (``None``
    and empty values stay as they are, so "not set" is still visible). Strings are scanned for
    tokens. Tuples become lists, as JSON would make them.
    """
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and is_secret_key(key) and item not in (None, "", [], {}):
                out[key] = REDACTED
            else:
                out[key] = redact(item)
        return out
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value
