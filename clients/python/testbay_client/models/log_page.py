from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LogPage")


@_attrs_define
class LogPage:
    """A piece of a run's log.

    Attributes:
        offset (int): The byte offset of `text` in the log.
        text (str): Text (UTF-8, with pytest's ANSI colours) from `offset`.
        next_offset (int): Ask for this offset to continue.
        complete (bool): The run has ended and `next_offset` is the end of its log.
        truncated (bool): The log was cut at the log cap.
    """

    offset: int
    text: str
    next_offset: int
    complete: bool
    truncated: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        offset = self.offset

        text = self.text

        next_offset = self.next_offset

        complete = self.complete

        truncated = self.truncated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "offset": offset,
                "text": text,
                "next_offset": next_offset,
                "complete": complete,
                "truncated": truncated,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        offset = d.pop("offset")

        text = d.pop("text")

        next_offset = d.pop("next_offset")

        complete = d.pop("complete")

        truncated = d.pop("truncated")

        log_page = cls(
            offset=offset,
            text=text,
            next_offset=next_offset,
            complete=complete,
            truncated=truncated,
        )

        log_page.additional_properties = d
        return log_page

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
