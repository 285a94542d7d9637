from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ChangedTestsView")


@_attrs_define
class ChangedTestsView:
    """Tests of one kind of change: how many, and the first 200 of them (none in the runs list and
    its stream, which carry the counts: `GET /runs/{id}` has the node ids).

        Attributes:
            count (int):
            node_ids (list[str]):
    """

    count: int
    node_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        count = self.count

        node_ids = self.node_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "count": count,
                "node_ids": node_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        count = d.pop("count")

        node_ids = cast(list[str], d.pop("node_ids"))

        changed_tests_view = cls(
            count=count,
            node_ids=node_ids,
        )

        changed_tests_view.additional_properties = d
        return changed_tests_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
