from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.resource_point_view import ResourcePointView


T = TypeVar("T", bound="ResourcesSampled")


@_attrs_define
class ResourcesSampled:
    """The run's memory and CPU a moment ago, about once a second while it runs. Live only: a
    client that reconnects is not sent the samples it missed; `GET /runs/{id}/resources` has
    them all.

        Attributes:
            seq (int): The event's sequence number in the run, also its SSE id.
            sample (ResourcePointView): One sample of a run's processes.
    """

    seq: int
    sample: ResourcePointView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        sample = self.sample.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "sample": sample,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_point_view import ResourcePointView  # noqa: PLC0415

        d = dict(src_dict)
        seq = d.pop("seq")

        sample = ResourcePointView.from_dict(d.pop("sample"))

        resources_sampled = cls(
            seq=seq,
            sample=sample,
        )

        resources_sampled.additional_properties = d
        return resources_sampled

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
