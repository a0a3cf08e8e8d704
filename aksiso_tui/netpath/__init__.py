"""Network-path logic shared by the emulator and the audit: does this cluster have a path to X?

Pure functions over ARM resources in their wire (response) shape, read through a `Lookup`
(`get(rid)`, `list_by_type(rtype, scope)`): the emulator answers run-command and node bootstrap
with them over its store, and `aksiso audit` reaches the same conclusions over a snapshot read
through the Azure SDK. No SDK, no aiohttp, no Textual here.
"""

from __future__ import annotations
