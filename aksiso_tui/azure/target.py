"""Which Azure Resource Manager to talk to, and with which credential.

Three clouds by name, or any ARM by URL (`--arm-endpoint`: a sovereign cloud, Azure Stack, the
local emulator). Against a loopback HTTP endpoint a local static token is used and plain HTTP is
allowed; anywhere else the endpoint must be HTTPS and the credential is azure-identity's
`DefaultAzureCredential` (az login, environment variables, managed identity, workload identity).

The Azure SDK is imported lazily, inside the functions that need it.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

LOCAL_TOKEN = "aksiso-local-emulator-token"
"""The static bearer token sent to a loopback emulator. Not a secret, but still never printed."""


@dataclass(frozen=True)
class Cloud:
    name: str
    arm_endpoint: str
    authority_host: str

    @property
    def scope(self) -> str:
        return self.arm_endpoint.rstrip("/") + "/.default"


CLOUDS: dict[str, Cloud] = {
    "AzureCloud": Cloud("AzureCloud", "https://management.azure.com", "login.microsoftonline.com"),
    "AzureUSGovernment": Cloud(
        "AzureUSGovernment", "https://management.usgovcloudapi.net", "login.microsoftonline.us"
    ),
    "AzureChinaCloud": Cloud(
        "AzureChinaCloud", "https://management.chinacloudapi.cn", "login.chinacloudapi.cn"
    ),
}


class TargetError(ValueError):
    """The requested endpoint or cloud cannot be used (exit code 2)."""


class LoginRequired(RuntimeError):
    """No credential could produce a token (exit code 2)."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(
            "No Azure login found. Run `az login` (or set AZURE_CLIENT_ID, AZURE_TENANT_ID and "
            "AZURE_CLIENT_SECRET, or run where a managed identity is available), then try again. "
            "To try aksiso without an Azure account, add --demo."
        )


def is_loopback_url(url: str) -> bool:
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Target:
    """An ARM endpoint plus how to authenticate against it."""

    arm_endpoint: str
    scope: str
    cloud: str
    local: bool
    """True for a loopback endpoint (the emulator): static token, plain HTTP allowed."""

    @property
    def allow_http(self) -> bool:
        return self.local and self.arm_endpoint.startswith("http://")


def resolve_target(cloud: str | None = None, arm_endpoint: str | None = None) -> Target:
    """The target for `--cloud NAME` or `--arm-endpoint URL` (the URL wins)."""
    if arm_endpoint:
        parsed = urlparse(arm_endpoint)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise TargetError(f"--arm-endpoint {arm_endpoint!r} is not an http(s) URL.")
        local = is_loopback_url(arm_endpoint)
        if parsed.scheme == "http" and not local:
            raise TargetError(
                f"--arm-endpoint {arm_endpoint} uses plain HTTP on a non-loopback host; "
                "use https:// (plain HTTP is only allowed for a local emulator on 127.0.0.1)."
            )
        base = arm_endpoint.rstrip("/")
        known = next((c for c in CLOUDS.values() if c.arm_endpoint == base), None)
        scope = known.scope if known else base + "/.default"
        return Target(base, scope, known.name if known else "custom", local)
    name = cloud or "AzureCloud"
    if name not in CLOUDS:
        raise TargetError(f"Unknown cloud {name!r}; choose one of {', '.join(CLOUDS)}.")
    c = CLOUDS[name]
    return Target(c.arm_endpoint, c.scope, c.name, False)


class LocalTokenCredential:
    """Sync credential for a loopback emulator."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(LOCAL_TOKEN, int(time.time()) + 3600)

    def close(self) -> None:
        return None


class AsyncLocalTokenCredential:
    """Async credential for a loopback emulator."""

    async def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken(LOCAL_TOKEN, int(time.time()) + 3600)

    async def close(self) -> None:
        return None

    async def __aenter__(self) -> AsyncLocalTokenCredential:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


def async_credential(target: Target) -> Any:
    """The async credential for a target: a local token for the emulator, else azure-identity."""
    if target.local:
        return AsyncLocalTokenCredential()
    from azure.identity.aio import DefaultAzureCredential

    authority = next((c.authority_host for c in CLOUDS.values() if c.name == target.cloud), None)
    return DefaultAzureCredential(authority=authority) if authority else DefaultAzureCredential()


async def check_login(target: Target, credential: Any) -> None:
    """Raise LoginRequired (with one clear message) when no token can be had."""
    if target.local:
        return
    from azure.core.exceptions import ClientAuthenticationError

    try:
        await credential.get_token(target.scope)
    except ClientAuthenticationError as exc:
        # The exception text can be long and may quote environment details; keep only its type.
        raise LoginRequired(type(exc).__name__) from None
