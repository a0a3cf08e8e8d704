"""Pointing the real azure-mgmt clients at a running emulator (for tests, benchmarks, the engine).

Plain-http loopback needs one knob (``arm-reference/http_local.md``): a bearer policy that sets
``request.context["enforce_https"] = False``, passed as ``authentication_policy=`` and created
once per client (policies hold a ``next`` pointer). ``make_client`` does that for any sync or
aio mgmt client, with ``polling_interval=0`` so LRO polls don't wait 30 s.

This module imports azure-core (the emulator itself never does) and no pytest.
"""

from __future__ import annotations

import inspect
import time
from typing import Any, TypeVar

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import (
    AsyncBearerTokenCredentialPolicy,
    BearerTokenCredentialPolicy,
)

from aksiso_tui.emulator.context import SUBSCRIPTION_ID

ARM_SCOPE = "https://management.azure.com/.default"
FAKE_TOKEN = "aksiso-emulator-token"
C = TypeVar("C")


class FakeCredential:
    """A sync TokenCredential returning a fixed token (the emulator accepts any)."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(FAKE_TOKEN, int(time.time()) + 3600)

    def close(self) -> None:
        pass


class FakeAsyncCredential:
    """The async counterpart of :class:`FakeCredential`."""

    async def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(FAKE_TOKEN, int(time.time()) + 3600)

    async def close(self) -> None:
        pass

    async def __aenter__(self) -> FakeAsyncCredential:
        return self

    async def __aexit__(self, *exc: object) -> None:
        pass


class HttpBearer(BearerTokenCredentialPolicy):
    """The normal bearer policy, allowed over http."""

    def on_request(self, request: PipelineRequest[Any]) -> None:
        request.context["enforce_https"] = False
        super().on_request(request)


class AsyncHttpBearer(AsyncBearerTokenCredentialPolicy):
    """The normal async bearer policy, allowed over http."""

    async def on_request(self, request: PipelineRequest[Any]) -> None:
        request.context["enforce_https"] = False
        await super().on_request(request)


def client_kwargs(base_url: str, *, aio: bool = False, credential: Any = None) -> dict[str, Any]:
    """Constructor kwargs for any mgmt client talking to the emulator at ``base_url``."""
    cred: Any = credential or (FakeAsyncCredential() if aio else FakeCredential())
    policy = AsyncHttpBearer(cred, ARM_SCOPE) if aio else HttpBearer(cred, ARM_SCOPE)
    return {
        "base_url": base_url,
        "authentication_policy": policy,
        "polling_interval": 0,
        "retry_backoff_factor": 0.01,
        "retry_backoff_max": 0.05,
    }


def error_code(exc: HttpResponseError) -> str:
    """The ARM ``error.code`` of an SDK exception ('' when the body had none)."""
    return exc.error.code if exc.error is not None and exc.error.code else ""


def is_aio_client(client_class: type) -> bool:
    return ".aio" in client_class.__module__


def make_client(
    client_class: type[C],
    base_url: str,
    subscription_id: str | None = SUBSCRIPTION_ID,
    aio: bool | None = None,
    **kwargs: Any,
) -> C:
    """``client_class(credential, [subscription_id], **client_kwargs(base_url), **kwargs)``.

    ``aio`` defaults to whether ``client_class`` lives in an ``.aio`` module. Clients without a
    subscription id (``SubscriptionClient``) get none. Extra kwargs (``retry_total=0``...)
    override the defaults.
    """
    use_aio = is_aio_client(client_class) if aio is None else aio
    credential = FakeAsyncCredential() if use_aio else FakeCredential()
    options = client_kwargs(base_url, aio=use_aio, credential=credential)
    options.update(kwargs)
    params = inspect.signature(client_class.__init__).parameters  # type: ignore[misc]
    if "subscription_id" in params and subscription_id is not None:
        return client_class(credential, subscription_id, **options)  # type: ignore[call-arg]
    return client_class(credential, **options)  # type: ignore[call-arg]
