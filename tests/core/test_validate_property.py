"""Property tests: whatever the input, loading and validating never raise, bad input always errs,
and `aksiso validate` never prints a traceback (exit 0 valid, 2 invalid)."""

from __future__ import annotations

import copy
import ipaddress
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from aksiso_tui.cli import main
from aksiso_tui.config import load_spec_text
from aksiso_tui.findings import has_errors
from aksiso_tui.spec import ClusterSpec, NetworkSpec, Spec, SubnetSpec, VnetSpec
from aksiso_tui.validate import validate

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ROOT = Path(__file__).parents[2]

VALID: dict[str, Any] = {
    "subscription": "00000000-0000-0000-0000-000000000000",
    "resource_group": "rg-aks",
    "location": "swedencentral",
    "cluster": {"name": "aks-iso", "kubernetes_version": "1.30.3"},
    "registry": {"mode": "byo", "name": "acraksiso01"},
    "network": {
        "vnet": {"name": "vnet-spoke", "address_space": "192.168.0.0/16"},
        "aks_subnet": {"name": "snet-aks", "prefix": "192.168.1.0/24"},
        "acr_subnet": {"name": "snet-acr", "prefix": "192.168.2.0/24"},
    },
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 2000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "create",
            "migrate",
            "disable",
            "byo",
            "managed",
            "block",
            "none",
            "private_link",
            "vnet_integration",
            "loadBalancer",
            "10.0.0.0/16",
            "10.0.0.10",
            "192.168.1.0/24",
            "192.168.1.5/24",
            "1.29",
            "1.30.3",
            "*",
            "*.docker.io",
            "swedencentral",
            "AzureFirewallSubnet",
            "00000000-0000-0000-0000-000000000000",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
PATHS = [
    ("scenario",),
    ("subscription",),
    ("resource_group",),
    ("location",),
    ("cluster",),
    ("cluster", "name"),
    ("cluster", "kubernetes_version"),
    ("cluster", "node_count"),
    ("cluster", "vm_size"),
    ("cluster", "service_cidr"),
    ("cluster", "dns_service_ip"),
    ("registry",),
    ("registry", "mode"),
    ("registry", "name"),
    ("registry", "anonymous_pull"),
    ("api_server",),
    ("outbound",),
    ("outbound_after_disable",),
    ("network",),
    ("network", "vnet", "address_space"),
    ("network", "aks_subnet", "prefix"),
    ("network", "acr_subnet"),
    ("network", "apiserver_subnet"),
    ("identities", "kubelet"),
    ("hub",),
    ("hub", "vnet"),
    ("hub", "firewall_subnet_prefix"),
    ("hub", "allow_fqdns"),
    ("unknown_key",),
]


def _mutate(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    node: Any = data
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[path[-1]] = value
    return data


spec_like = st.builds(
    lambda changes: _apply(changes),
    st.lists(st.tuples(st.sampled_from(PATHS), values), max_size=4),
)


def _apply(changes: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for path, value in changes:
        data = _mutate(data, path, value)
    return data


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@SETTINGS
@given(spec_like)
def test_spec_like_dicts(data: dict[str, Any]) -> None:
    spec, findings = load_spec_text(_dump(data))
    try:
        expected = Spec.model_validate(data)
    except ValidationError:
        expected = None
    if expected is None:
        assert spec is None and has_errors(findings)
    else:
        assert spec == expected and findings == []
        assert all(f.where != "(spec)" for f in validate(spec))  # no check gave up


@SETTINGS
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    spec, findings = load_spec_text(text)
    assert (spec is None) == has_errors(findings)
    if spec is not None:
        validate(spec)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    spec, findings = load_spec_text(data)
    assert (spec is None) == has_errors(findings)


yaml_ish = st.lists(
    st.sampled_from(
        [
            "subscription: 00000000-0000-0000-0000-000000000000\n",
            "resource_group: rg\n",
            "location: swedencentral\n",
            "cluster:\n",
            "  name: aks\n",
            "  node_count: 0\n",
            "  kubernetes_version: 1.30\n",
            "registry: {mode: byo}\n",
            "network:\n",
            "  vnet: &v {name: v1, address_space: 10.1.0.0/16}\n",
            "  aks_subnet: *v\n",
            "hub: [*v, *v]\n",
            "<<: {x: 1}\n",
            "? [a]\n: b\n",
            "no: 1\n",
            "---\n",
            "  - item\n",
            "\t\n",
            "'unterminated\n",
            "key: !!binary aGVsbG8=\n",
            "key: !custom x\n",
        ]
    ),
    max_size=10,
).map("".join)


@SETTINGS
@given(yaml_ish)
def test_yaml_fragments(text: str) -> None:
    spec, findings = load_spec_text(text)
    assert (spec is None) == has_errors(findings)
    for finding in findings:
        assert finding.where and finding.message


# --- rule-breaking inputs always give an error ---------------------------------------------------

BREAKERS: list[tuple[tuple[str, ...], Any]] = [
    (("subscription",), "not-a-guid"),
    (("location",), "atlantis"),
    (("resource_group",), "rg."),
    (("cluster", "name"), "-bad"),
    (("cluster", "kubernetes_version"), "1.29.9"),
    (("cluster", "service_cidr"), "192.168.0.0/16"),
    (("cluster", "dns_service_ip"), "1.2.3.4"),
    (("registry", "name"), "UPPERCASE01"),
    (("outbound",), "block"),
    (("api_server",), "vnet_integration"),
    (("network", "aks_subnet", "prefix"), "192.168.1.1/24"),
    (("network", "aks_subnet", "name"), "AzureFirewallSubnet"),
    (("network", "acr_subnet", "prefix"), "192.168.1.0/25"),
    (("network", "acr_subnet", "prefix"), "10.0.0.0/24"),
    (("network", "vnet", "address_space"), "169.254.0.0/16"),
    (("identities", "kubelet"), "x"),
]


@SETTINGS
@given(st.lists(st.sampled_from(BREAKERS), min_size=1, max_size=4), st.integers(1, 50))
def test_rule_breakers_always_err(breakers: list[Any], nodes: int) -> None:
    data = _apply([(("cluster", "node_count"), nodes), *breakers])
    spec, findings = load_spec_text(_dump(data))
    assert spec is not None, findings
    assert has_errors(validate(spec))


@SETTINGS
@given(
    st.integers(16, 29).flatmap(
        lambda a: st.tuples(
            st.just(a), st.integers(0, 2 ** (a - 16) - 1), st.integers(16, 29)
        ).flatmap(lambda t: st.tuples(st.just(t), st.integers(0, 2 ** (t[2] - 16) - 1)))
    )
)
def test_subnet_overlap_matches_ipaddress(case: Any) -> None:
    (len_a, index_a, len_b), index_b = case
    base = ipaddress.IPv4Address("192.168.0.0")
    a = ipaddress.IPv4Network(f"{base + index_a * 2 ** (32 - len_a)}/{len_a}")
    b = ipaddress.IPv4Network(f"{base + index_b * 2 ** (32 - len_b)}/{len_b}")
    data = _apply(
        [
            (("network", "aks_subnet", "prefix"), str(a)),
            (("network", "acr_subnet", "prefix"), str(b)),
        ]
    )
    spec, _ = load_spec_text(_dump(data))
    assert spec is not None
    overlap = [f for f in validate(spec) if "overlaps the node subnet" in f.message]
    assert bool(overlap) == a.overlaps(b)


# --- the command line -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.name)
def test_cli_valid_examples_exit_0(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(path)]) == 0
    captured = capsys.readouterr()
    assert "error:" not in captured.err and "Traceback" not in captured.err


def test_cli_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 2
    assert "not found" in capsys.readouterr().err


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(spec_like.map(_dump), yaml_ish, st.text(max_size=200)))
def test_cli_never_tracebacks(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["validate", str(path)])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    spec, _ = load_spec_text(text)
    valid = spec is not None and not has_errors(validate(spec))
    assert code == (0 if valid else 2)
    if code == 2:
        assert any(line.startswith("error: ") for line in captured.err.splitlines())


def test_cli_subprocess_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "subscription: nope\nresource_group: rg\nlocation: mars\ncluster:\n  name: -x\n"
        "  node_count: zero\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "aksiso_tui", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "error: cluster.node_count: line 6:" in result.stderr


# --- specs holding anything (model_construct, wizard mutations) ----------------------------------

odd = st.one_of(values, st.builds(object), st.just(b"bytes"), st.just(float("nan")))


def _construct(model: type[BaseModel], overrides: dict[str, Any]) -> BaseModel:
    return model.model_construct(**overrides)


sub_models = st.one_of(
    odd,
    st.builds(
        lambda name, address: _construct(VnetSpec, {"name": name, "address_space": address}),
        odd,
        odd,
    ),
    st.builds(
        lambda name, prefix: _construct(SubnetSpec, {"name": name, "prefix": prefix}), odd, odd
    ),
)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(sorted(Spec.model_fields)),
        st.one_of(
            odd,
            sub_models,
            st.builds(
                lambda vnet, aks, acr: _construct(
                    NetworkSpec, {"vnet": vnet, "aks_subnet": aks, "acr_subnet": acr}
                ),
                sub_models,
                sub_models,
                sub_models,
            ),
            st.builds(
                lambda name, count, cidr, ip: _construct(
                    ClusterSpec,
                    {"name": name, "node_count": count, "service_cidr": cidr, "dns_service_ip": ip},
                ),
                odd,
                odd,
                odd,
                odd,
            ),
        ),
    )
)
def test_constructed_specs_never_raise(fields: dict[str, Any]) -> None:
    findings = validate(Spec.model_construct(**fields))  # type: ignore[arg-type]
    assert all(f.where != "(spec)" for f in findings), [f.line() for f in findings]
