"""Targets: which ARM endpoints are accepted, and with which credential."""

from __future__ import annotations

import pytest

from aksiso_tui.azure.target import (
    LOCAL_TOKEN,
    AsyncLocalTokenCredential,
    TargetError,
    async_credential,
    is_loopback_url,
    resolve_target,
)


def test_default_is_public_cloud() -> None:
    t = resolve_target()
    assert t.arm_endpoint == "https://management.azure.com"
    assert t.scope == "https://management.azure.com/.default"
    assert not t.local


@pytest.mark.parametrize(
    ("cloud", "endpoint"),
    [
        ("AzureUSGovernment", "https://management.usgovcloudapi.net"),
        ("AzureChinaCloud", "https://management.chinacloudapi.cn"),
    ],
)
def test_sovereign_clouds(cloud: str, endpoint: str) -> None:
    t = resolve_target(cloud=cloud)
    assert t.arm_endpoint == endpoint
    assert t.scope == endpoint + "/.default"


def test_unknown_cloud_is_rejected() -> None:
    with pytest.raises(TargetError, match="AzureCloud"):
        resolve_target(cloud="Mars")


def test_loopback_http_allowed_with_local_token() -> None:
    t = resolve_target(arm_endpoint="http://127.0.0.1:8765/")
    assert t.local and t.allow_http
    assert t.arm_endpoint == "http://127.0.0.1:8765"
    assert isinstance(async_credential(t), AsyncLocalTokenCredential)


@pytest.mark.parametrize(
    "url", ["http://10.0.0.4:443", "http://example.com", "http://192.168.1.10:8080"]
)
def test_plain_http_elsewhere_is_rejected(url: str) -> None:
    with pytest.raises(TargetError, match="https"):
        resolve_target(arm_endpoint=url)


def test_https_custom_endpoint_is_not_local() -> None:
    t = resolve_target(arm_endpoint="https://management.local.azurestack.external")
    assert not t.local and not t.allow_http
    assert t.cloud == "custom"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:1", True),
        ("http://127.9.9.9:1", True),
        ("http://localhost:1", True),
        ("http://[::1]:1", True),
        ("http://10.1.1.1", False),
        ("https://management.azure.com", False),
    ],
)
def test_is_loopback(url: str, expected: bool) -> None:
    assert is_loopback_url(url) is expected


async def test_local_credential_token() -> None:
    token = await AsyncLocalTokenCredential().get_token("x/.default")
    assert token.token == LOCAL_TOKEN
