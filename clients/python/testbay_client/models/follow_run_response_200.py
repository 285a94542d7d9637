from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.follow_run_response_200_event import FollowRunResponse200Event
from ..types import UNSET, Unset

T = TypeVar("T", bound="FollowRunResponse200")


@_attrs_define
class FollowRunResponse200:
    """
    Attributes:
        id (str): Send the last one back as `Last-Event-ID` to resume after it.
        data (str):
        event (FollowRunResponse200Event | Unset):
    """

    id: str
    data: str
    event: FollowRunResponse200Event | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        data = self.data

        event: str | Unset = UNSET
        if not isinstance(self.event, Unset):
            event = self.event.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "data": data,
            }
        )
        if event is not UNSET:
            field_dict["event"] = event

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        data = d.pop("data")

        _event = d.pop("event", UNSET)
        event: FollowRunResponse200Event | Unset
        if isinstance(_event, Unset):
            event = UNSET
        else:
            event = FollowRunResponse200Event(_event)

        follow_run_response_200 = cls(
            id=id,
            data=data,
            event=event,
        )

        follow_run_response_200.additional_properties = d
        return follow_run_response_200

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
