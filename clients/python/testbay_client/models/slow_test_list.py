from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.test_record_view import TestRecordView


T = TypeVar("T", bound="SlowTestList")


@_attrs_define
class SlowTestList:
    """
    Attributes:
        slowest (list[TestRecordView]): Longest median passed duration first.
        slower (list[TestRecordView]): Tests whose median duration grew at least `growth` times, most first.
        growth (float):
    """

    slowest: list[TestRecordView]
    slower: list[TestRecordView]
    growth: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slowest = []
        for slowest_item_data in self.slowest:
            slowest_item = slowest_item_data.to_dict()
            slowest.append(slowest_item)

        slower = []
        for slower_item_data in self.slower:
            slower_item = slower_item_data.to_dict()
            slower.append(slower_item)

        growth = self.growth

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slowest": slowest,
                "slower": slower,
                "growth": growth,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.test_record_view import TestRecordView  # noqa: PLC0415

        d = dict(src_dict)
        slowest = []
        _slowest = d.pop("slowest")
        for slowest_item_data in _slowest:
            slowest_item = TestRecordView.from_dict(slowest_item_data)

            slowest.append(slowest_item)

        slower = []
        _slower = d.pop("slower")
        for slower_item_data in _slower:
            slower_item = TestRecordView.from_dict(slower_item_data)

            slower.append(slower_item)

        growth = d.pop("growth")

        slow_test_list = cls(
            slowest=slowest,
            slower=slower,
            growth=growth,
        )

        slow_test_list.additional_properties = d
        return slow_test_list

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
