from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.list_change_view import ListChangeView

if TYPE_CHECKING:
    from ..models.run_view import RunView


T = TypeVar("T", bound="RunListed")


@_attrs_define
class RunListed:
    """A run was created or changed.

    Attributes:
        event_id (str): The event's id in the list stream.
        change (ListChangeView):
        run (RunView): A run.
    """

    event_id: str
    change: ListChangeView
    run: RunView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        event_id = self.event_id

        change = self.change.value

        run = self.run.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "event_id": event_id,
                "change": change,
                "run": run,
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

        run_listed = cls(
            event_id=event_id,
            change=change,
            run=run,
        )

        run_listed.additional_properties = d
        return run_listed

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
