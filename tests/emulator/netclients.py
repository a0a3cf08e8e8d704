"""Clients and a server for the network/registry/private DNS tests (real azure-mgmt SDKs).

Kept local (not in conftest) so these tests depend only on providers that exist: the emulator
is built with the resources, network, registry and private DNS providers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.pipeline.policies import (
    AsyncBearerTokenCredentialPolicy,
    BearerTokenCredentialPolicy,
)

from aksiso_tui.emulator.providers import network, privatedns, registry, resources
from aksiso_tui.emulator.routing import Registry
from aksiso_tui.emulator.server import EmulatorThread

SUB = "00000000-0000-0000-0000-000000000000"
SCOPE = "https://management.azure.com/.default"


class FakeCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("fake-token", int(time.time()) + 3600)


class AsyncFakeCredential:
    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("fake-token", int(time.time()) + 3600)

    async def close(self) -> None:
        return None


class HttpBearer(BearerTokenCredentialPolicy):
    def on_request(self, request: Any) -> None:
        request.context["enforce_https"] = False
        super().on_request(request)


class AsyncHttpBearer(AsyncBearerTokenCredentialPolicy):
    async def on_request(self, request: Any) -> None:
        request.context["enforce_https"] = False
        await super().on_request(request)


def client(cls: type, base_url: str) -> Any:
    cred = FakeCredential()
    return cls(
        cred,
        SUB,
        base_url=base_url,
        authentication_policy=HttpBearer(cred, SCOPE),
        polling_interval=0,
        retry_total=0,
    )


def aio_client(cls: type, base_url: str) -> Any:
    cred = AsyncFakeCredential()
    return cls(
        cred,
        SUB,
        base_url=base_url,
        authentication_policy=AsyncHttpBearer(cred, SCOPE),
        polling_interval=0,
        retry_total=0,
    )


def make_registry() -> Registry:
    return Registry([resources.PROVIDER, network.PROVIDER, registry.PROVIDER, privatedns.PROVIDER])


def rg_path(rg: str) -> str:
    return f"/subscriptions/{SUB}/resourceGroups/{rg}"


@pytest.fixture
def emu() -> Iterator[EmulatorThread]:
    with EmulatorThread(registry=make_registry()) as server:
        yield server
