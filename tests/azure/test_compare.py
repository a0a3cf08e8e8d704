"""The desired-subset comparison that decides between `unchanged` and a PUT."""

from __future__ import annotations

from typing import Any

from aksiso_tui.azure.compare import differences

SUBNET = (
    "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v/subnets/a"
)


def test_extra_fields_in_azure_are_ignored() -> None:
    desired = {"properties": {"addressPrefix": "10.0.1.0/24"}}
    actual = {"id": "x", "properties": {"addressPrefix": "10.0.1.0/24", "provisioningState": "S"}}
    assert differences(desired, actual) == []


def test_changed_value_is_reported_with_its_path() -> None:
    desired = {"properties": {"defaultOutboundAccess": False}}
    actual = {"properties": {"defaultOutboundAccess": True}}
    assert differences(desired, actual) == ["properties.defaultOutboundAccess"]


def test_missing_value_is_reported() -> None:
    assert differences({"properties": {"x": 1}}, {"properties": {}}) == ["properties.x"]


def test_empty_desired_values_need_no_change() -> None:
    assert differences({"tags": {}, "a": None, "b": []}, {}) == []


def test_arm_ids_and_locations_compare_case_insensitively() -> None:
    desired = {"location": "swedencentral", "properties": {"subnet": {"id": SUBNET}}}
    actual = {"location": "Sweden Central", "properties": {"subnet": {"id": SUBNET.lower()}}}
    assert differences(desired, actual) == []


def test_named_lists_match_by_name_in_any_order() -> None:
    desired = {"rules": [{"name": "b", "port": 2}, {"name": "a", "port": 1}]}
    actual = {"rules": [{"name": "A", "port": 1, "extra": True}, {"name": "b", "port": 2}]}
    assert differences(desired, actual) == []
    actual["rules"][1]["port"] = 3
    assert differences(desired, actual) == ["rules[b].port"]


def test_plain_lists_compare_in_order() -> None:
    assert differences({"p": ["a", "b"]}, {"p": ["a", "b"]}) == []
    assert differences({"p": ["a", "b"]}, {"p": ["b", "a"]}) == ["p[0]", "p[1]"]
    assert differences({"p": ["a"]}, {"p": ["a", "b"]}) == ["p"]


def test_dict_keys_that_are_ids_match_case_insensitively() -> None:
    desired: dict[str, Any] = {"identity": {"userAssignedIdentities": {SUBNET: {}}}}
    actual = {"identity": {"userAssignedIdentities": {SUBNET.upper(): {"principalId": "p"}}}}
    assert differences(desired, actual) == []
