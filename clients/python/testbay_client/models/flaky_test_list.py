from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.flaky_test_view import FlakyTestView


T = TypeVar("T", bound="FlakyTestList")


@_attrs_define
class FlakyTestList:
    """
    Attributes:
        days (int): The window: tests that flipped in the last `days` days.
        items (list[FlakyTestView]): Highest flip rate first.
    """

    days: int
    items: list[FlakyTestView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        days = self.days

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "days": days,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.flaky_test_view import FlakyTestView  # noqa: PLC0415

        d = dict(src_dict)
        days = d.pop("days")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = FlakyTestView.from_dict(items_item_data)

            items.append(items_item)

        flaky_test_list = cls(
            days=days,
            items=items,
        )

        flaky_test_list.additional_properties = d
        return flaky_test_list

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
