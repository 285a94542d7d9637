from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_stream_event_resources_sampled_type import RunStreamEventResourcesSampledType

if TYPE_CHECKING:
    from ..models.resource_point_view import ResourcePointView


T = TypeVar("T", bound="RunStreamEventResourcesSampled")


@_attrs_define
class RunStreamEventResourcesSampled:
    """An event of one run's stream. The event id is the run's sequence number: send it back as
    `Last-Event-ID` to resume after it.

        Attributes:
            seq (int): The event's sequence number in the run, also its SSE id.
            sample (ResourcePointView): One sample of a run's processes.
            type_ (RunStreamEventResourcesSampledType):  Example: resources.
    """

    seq: int
    sample: ResourcePointView
    type_: RunStreamEventResourcesSampledType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        sample = self.sample.to_dict()

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "sample": sample,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_point_view import ResourcePointView  # noqa: PLC0415

        d = dict(src_dict)
        seq = d.pop("seq")

        sample = ResourcePointView.from_dict(d.pop("sample"))

        type_ = RunStreamEventResourcesSampledType(d.pop("type"))

        run_stream_event_resources_sampled = cls(
            seq=seq,
            sample=sample,
            type_=type_,
        )

        run_stream_event_resources_sampled.additional_properties = d
        return run_stream_event_resources_sampled

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
