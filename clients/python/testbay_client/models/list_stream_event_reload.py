from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.list_stream_event_reload_type import ListStreamEventReloadType

T = TypeVar("T", bound="ListStreamEventReload")


@_attrs_define
class ListStreamEventReload:
    """An event of the runs list stream. Send the last event id back as `Last-Event-ID` to resume.

    Attributes:
        event_id (str): The current position of the list stream.
        reason (str):
        type_ (ListStreamEventReloadType):  Example: reload.
    """

    event_id: str
    reason: str
    type_: ListStreamEventReloadType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        reason = self.reason

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "reason": reason,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_id = d.pop("event_id")

        reason = d.pop("reason")

        type_ = ListStreamEventReloadType(d.pop("type"))

        list_stream_event_reload = cls(
            event_id=event_id,
            reason=reason,
            type_=type_,
        )

        list_stream_event_reload.additional_properties = d
        return list_stream_event_reload

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
