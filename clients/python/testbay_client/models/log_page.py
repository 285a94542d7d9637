from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
        pruned_at (datetime.datetime | None | Unset): When the retention setting removed this log; `text` is then empty.
    """

    offset: int
    text: str
    next_offset: int
    complete: bool
    truncated: bool
    pruned_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        offset = self.offset

        text = self.text

        next_offset = self.next_offset

        complete = self.complete

        truncated = self.truncated

        pruned_at: None | str | Unset
        if isinstance(self.pruned_at, Unset):
            pruned_at = UNSET
        elif isinstance(self.pruned_at, datetime.datetime):
            pruned_at = self.pruned_at.isoformat()
        else:
            pruned_at = self.pruned_at

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
        if pruned_at is not UNSET:
            field_dict["pruned_at"] = pruned_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        offset = d.pop("offset")

        text = d.pop("text")

        next_offset = d.pop("next_offset")

        complete = d.pop("complete")

        truncated = d.pop("truncated")

        def _parse_pruned_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                pruned_at_type_0 = datetime.datetime.fromisoformat(data)

                return pruned_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        pruned_at = _parse_pruned_at(d.pop("pruned_at", UNSET))

        log_page = cls(
            offset=offset,
            text=text,
            next_offset=next_offset,
            complete=complete,
            truncated=truncated,
            pruned_at=pruned_at,
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
