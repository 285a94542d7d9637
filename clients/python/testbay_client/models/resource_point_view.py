from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ResourcePointView")


@_attrs_define
class ResourcePointView:
    """One sample of a run's processes.

    Attributes:
        at_s (float): Seconds since the run started.
        memory_bytes (int): Memory in use: the run's cgroup's (what its memory limit counts, page cache included),
            or under rlimits the resident memory of its process group.
        cpu_seconds (float): CPU time the run's processes have used so far, in seconds.
    """

    at_s: float
    memory_bytes: int
    cpu_seconds: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at_s = self.at_s

        memory_bytes = self.memory_bytes

        cpu_seconds = self.cpu_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at_s": at_s,
                "memory_bytes": memory_bytes,
                "cpu_seconds": cpu_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at_s = d.pop("at_s")

        memory_bytes = d.pop("memory_bytes")

        cpu_seconds = d.pop("cpu_seconds")

        resource_point_view = cls(
            at_s=at_s,
            memory_bytes=memory_bytes,
            cpu_seconds=cpu_seconds,
        )

        resource_point_view.additional_properties = d
        return resource_point_view

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
