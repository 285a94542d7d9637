from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_stream_event_log_appended_type import RunStreamEventLogAppendedType

T = TypeVar("T", bound="RunStreamEventLogAppended")


@_attrs_define
class RunStreamEventLogAppended:
    """An event of one run's stream. The event id is the run's sequence number: send it back as
    `Last-Event-ID` to resume after it.

        Attributes:
            seq (int): The event's sequence number in the run, also its SSE id.
            offset (int):
            text (str):
            type_ (RunStreamEventLogAppendedType):  Example: log.
    """

    seq: int
    offset: int
    text: str
    type_: RunStreamEventLogAppendedType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        offset = self.offset

        text = self.text

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "offset": offset,
                "text": text,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        seq = d.pop("seq")

        offset = d.pop("offset")

        text = d.pop("text")

        type_ = RunStreamEventLogAppendedType(d.pop("type"))

        run_stream_event_log_appended = cls(
            seq=seq,
            offset=offset,
            text=text,
            type_=type_,
        )

        run_stream_event_log_appended.additional_properties = d
        return run_stream_event_log_appended

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
