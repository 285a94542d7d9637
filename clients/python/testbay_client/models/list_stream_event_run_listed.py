from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.list_change_view import ListChangeView
from ..models.list_stream_event_run_listed_type import ListStreamEventRunListedType

if TYPE_CHECKING:
    from ..models.run_view import RunView


T = TypeVar("T", bound="ListStreamEventRunListed")


@_attrs_define
class ListStreamEventRunListed:
    """An event of the runs list stream. Send the last event id back as `Last-Event-ID` to resume.

    Attributes:
        event_id (str): The event's id in the list stream.
        change (ListChangeView):
        run (RunView): A run.
        type_ (ListStreamEventRunListedType):  Example: run.
    """

    event_id: str
    change: ListChangeView
    run: RunView
    type_: ListStreamEventRunListedType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        change = self.change.value

        run = self.run.to_dict()

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "change": change,
                "run": run,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_view import RunView  # noqa: PLC0415

        d = dict(src_dict)
        event_id = d.pop("event_id")

        change = ListChangeView(d.pop("change"))

        run = RunView.from_dict(d.pop("run"))

        type_ = ListStreamEventRunListedType(d.pop("type"))

        list_stream_event_run_listed = cls(
            event_id=event_id,
            change=change,
            run=run,
            type_=type_,
        )

        list_stream_event_run_listed.additional_properties = d
        return list_stream_event_run_listed

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
