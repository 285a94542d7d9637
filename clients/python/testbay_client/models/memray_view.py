from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.memray_site_view import MemraySiteView


T = TypeVar("T", bound="MemrayView")


@_attrs_define
class MemrayView:
    """What memray measured of a test in a memory-profiled run.

    Attributes:
        peak_bytes (int): The test's memory at its high-water mark, as memray tracked it, in bytes.
        allocations (int): Allocations at the high-water mark.
        top (list[MemraySiteView]): The call sites that held the most at the high-water mark, largest first.
    """

    peak_bytes: int
    allocations: int
    top: list[MemraySiteView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        peak_bytes = self.peak_bytes

        allocations = self.allocations

        top = []
        for top_item_data in self.top:
            top_item = top_item_data.to_dict()
            top.append(top_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "peak_bytes": peak_bytes,
                "allocations": allocations,
                "top": top,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.memray_site_view import MemraySiteView  # noqa: PLC0415

        d = dict(src_dict)
        peak_bytes = d.pop("peak_bytes")

        allocations = d.pop("allocations")

        top = []
        _top = d.pop("top")
        for top_item_data in _top:
            top_item = MemraySiteView.from_dict(top_item_data)

            top.append(top_item)

        memray_view = cls(
            peak_bytes=peak_bytes,
            allocations=allocations,
            top=top,
        )

        memray_view.additional_properties = d
        return memray_view

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
