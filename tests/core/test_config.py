"""Config loading: every kind of bad input becomes error findings with a field path and a line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from aksiso_tui.config import (
    MAX_CONFIG_BYTES,
    dump_spec_text,
    load_spec_file,
    load_spec_text,
    save_spec_file,
)
from aksiso_tui.findings import Severity
from aksiso_tui.spec import RegistryMode, Spec

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))

MINIMAL = """\
subscription: 00000000-0000-0000-0000-000000000000
resource_group: rg-min
location: swedencentral
cluster:
  name: aks-min
"""


def _errors(text: str | bytes) -> list[str]:
    spec, findings = load_spec_text(text)
    assert spec is None
    assert findings
    assert all(f.severity is Severity.ERROR for f in findings)
    return [f.line() for f in findings]


def _by_where(text: str) -> dict[str, str]:
    spec, findings = load_spec_text(text)
    assert spec is None
    return {f.where: f.message for f in findings}


def test_examples_exist() -> None:
    assert len(EXAMPLES) >= 7


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_load(path: Path) -> None:
    spec, findings = load_spec_file(path)
    assert findings == []
    assert isinstance(spec, Spec)


def test_minimal_file_derives_names() -> None:
    spec, findings = load_spec_text(MINIMAL)
    assert findings == []
    assert spec is not None
    assert spec.identities.kubelet == "id-aks-min-kubelet"
    assert spec.cluster.service_cidr == "10.0.0.0/16"
    assert spec.cluster.dns_service_ip == "10.0.0.10"


def test_byte_order_mark_is_accepted() -> None:
    spec, findings = load_spec_text(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert findings == [] and spec is not None


# --- files ---------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    spec, findings = load_spec_file(tmp_path / "nope.yaml")
    assert spec is None
    assert "not found" in findings[0].message


def test_directory(tmp_path: Path) -> None:
    spec, findings = load_spec_file(tmp_path)
    assert spec is None and findings[0].severity is Severity.ERROR


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(MINIMAL.encode() + "  vm_size: caf\u00e9\n".encode("latin-1"))
    spec, findings = load_spec_file(path)
    assert spec is None
    assert "line 6: not UTF-8" in findings[0].message


def test_huge_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * (MAX_CONFIG_BYTES + 10))
    spec, findings = load_spec_file(path)
    assert spec is None and "refused" in findings[0].message


# --- YAML shape --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n"])
def test_empty(text: str) -> None:
    (line,) = _errors(text)
    assert "empty" in line and "subscription" in line


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- a\n- b\n", "a list"), ("just text\n", "a single value"), ("42", "single")],
)
def test_top_level_not_a_mapping(text: str, kind: str) -> None:
    (line,) = _errors(text)
    assert "must be a mapping" in line and kind in line


def test_malformed_yaml_has_line_and_column() -> None:
    text = MINIMAL + "registry:\n  mode: byo\n   name: bad-indent\n"
    (line,) = _errors(text)
    assert re.search(r"line 8, column \d+: malformed YAML", line)


def test_unclosed_flow() -> None:
    (line,) = _errors("cluster: {name: a\n")
    assert "malformed YAML" in line and "line 2" in line


def test_two_documents() -> None:
    (line,) = _errors(MINIMAL + "---\nfoo: 1\n")
    assert "single document" in line


def test_control_character() -> None:
    (line,) = _errors("subscription: \x07\n")
    assert "U+0007" in line and "line 1" in line


def test_python_tags_are_not_executed() -> None:
    lines = _errors("subscription: !!python/object/apply:os.system ['echo pwned']\n")
    assert any("constructor" in line or "tag" in line for line in lines)


# --- schema errors, with paths and lines -------------------------------------------------------


def test_unknown_key_with_line_and_suggestion() -> None:
    text = MINIMAL + "  node_cuont: 3\n"
    found = _by_where(text)
    assert found["cluster.node_cuont"].startswith("line 6: unknown key 'node_cuont'")
    _, findings = load_spec_text(text)
    assert "did you mean 'node_count'" in findings[0].fix


def test_wrong_types_all_reported_at_once() -> None:
    text = """\
subscription: 00000000-0000-0000-0000-000000000000
resource_group: [a, b]
location: swedencentral
cluster:
  name: aks
  kubernetes_version: 1.30
  node_count: many
registry:
  anonymous_pull: maybe
network:
  vnet: {name: v1, address_space: 10.1.0.0/16}
  aks_subnet:
    name: snet
    prefix: 10
"""
    found = _by_where(text)
    assert found["resource_group"].startswith("line 2: expected a string")
    assert found["cluster.kubernetes_version"].startswith("line 6: expected a string")
    assert found["cluster.node_count"].startswith("line 7: expected a whole number")
    assert found["registry.anonymous_pull"].startswith("line 9: expected true or false")
    assert found["network.aks_subnet.prefix"].startswith("line 14: expected a string")
    _, findings = load_spec_text(text)
    version = next(f for f in findings if f.where == "cluster.kubernetes_version")
    assert '"1.30"' in version.fix  # the text as written, not the float YAML made of it


def test_missing_required_keys_all_reported() -> None:
    found = _by_where("location: swedencentral\ncluster: {}\nnetwork:\n  vnet: {name: v}\n")
    assert set(found) >= {
        "subscription",
        "resource_group",
        "cluster.name",
        "network.vnet.address_space",
        "network.aks_subnet",
    }
    assert found["cluster.name"].startswith("line 2: missing required key 'name'")
    assert found["network.vnet.address_space"].startswith("line 4: missing")


def test_enum_lists_allowed_values() -> None:
    found = _by_where(MINIMAL + "registry:\n  mode: bring-your-own\noutbound: loadBalancer\n")
    assert "line 7" in found["registry.mode"] and "'managed' or 'byo'" in found["registry.mode"]
    assert "'none' or 'block'" in found["outbound"]


def test_null_section() -> None:
    found = _by_where(MINIMAL.replace("cluster:\n  name: aks-min\n", "cluster:\n"))
    assert found["cluster"].startswith("line 4: expected a mapping")


def test_list_item_paths() -> None:
    text = MINIMAL + (
        "network:\n  vnet: {name: v1, address_space: 10.1.0.0/16}\n"
        "  aks_subnet: {name: s, prefix: 10.1.1.0/24}\n"
        "hub:\n  vnet: {name: h, address_space: 10.2.0.0/16}\n"
        "  firewall_subnet_prefix: 10.2.0.0/26\n  allow_fqdns:\n    - ok.example.com\n    - 5\n"
    )
    found = _by_where(text)
    assert found["hub.allow_fqdns[1]"].startswith("line 14: expected a string")


def test_duplicate_key() -> None:
    found = _by_where(MINIMAL + "location: westeurope\n")
    assert "duplicate key 'location' (first on line 3)" in found["location"]


@pytest.mark.parametrize("key", ["no", "yes", "on", "1", "null", "2024-01-01", "1.5"])
def test_non_string_keys(key: str) -> None:
    lines = _errors(MINIMAL + f"{key}: x\n")
    assert any("keys must be strings" in line and "line 6" in line for line in lines)


def test_complex_key() -> None:
    lines = _errors(MINIMAL + "? [a, b]\n: x\n")
    assert any("plain string" in line for line in lines)


def test_merge_keys_work_and_keep_lines() -> None:
    text = (
        "base: &b {name: v1, address_space: 10.1.0.0/16}\n"  # unknown top-level key
        + MINIMAL
        + "network:\n  vnet:\n    <<: *b\n  aks_subnet: {name: s, prefix: 10.1.1.0/24}\n"
    )
    found = _by_where(text)
    assert list(found) == ["base"]


def test_alias_bomb_refused() -> None:
    layers = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        layers.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    (line,) = _errors("\n".join(layers) + "\n")
    assert "refused" in line


def test_recursive_alias_refused() -> None:
    lines = _errors(MINIMAL + "hub: &h\n  vnet: *h\n")
    assert any("refers to itself" in line for line in lines)


def test_deep_nesting_refused() -> None:
    lines = _errors("a: " + "[" * 3000 + "]" * 3000 + "\n")
    assert any("deep" in line for line in lines)


def test_every_schema_error_has_a_path_and_a_line() -> None:
    text = "scenario: nope\nsubscription: 1\nextra: 2\ncluster:\n  name: [x]\n  node_count: 0\n"
    spec, findings = load_spec_text(text)
    assert spec is None
    for finding in findings:
        assert finding.where and " " not in finding.where
        assert re.match(r"line \d+: ", finding.message), finding


# --- saving ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_round_trip(path: Path, tmp_path: Path) -> None:
    spec, _ = load_spec_file(path)
    assert spec is not None
    out = tmp_path / "saved.yaml"
    save_spec_file(spec, out)
    again, findings = load_spec_file(out)
    assert findings == []
    assert again == spec
    data = yaml.safe_load(out.read_text())
    order = [
        "scenario",
        "subscription",
        "resource_group",
        "location",
        "cluster",
        "registry",
        "api_server",
        "outbound",
        "outbound_after_disable",
        "network",
        "identities",
        "hub",
    ]
    keys = list(data)
    assert keys == [k for k in order if k in keys]
    assert "null" not in out.read_text()


def test_save_keeps_versions_strings() -> None:
    spec, _ = load_spec_text(MINIMAL + '  kubernetes_version: "1.30"\n')
    assert spec is not None
    text = dump_spec_text(spec)
    assert "kubernetes_version: '1.30'" in text
    again, _ = load_spec_text(text)
    assert again is not None and again.cluster.kubernetes_version == "1.30"


def test_save_writes_byo_defaults(tmp_path: Path) -> None:
    spec, _ = load_spec_text(MINIMAL + "registry: {mode: byo}\n")
    assert spec is not None and spec.registry.mode is RegistryMode.BYO
    save_spec_file(spec, tmp_path / "x.yaml")
    assert "name: acraksmin" in (tmp_path / "x.yaml").read_text()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
