from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LimitsView")


@_attrs_define
class LimitsView:
    """Limits applied to a run.

    Attributes:
        memory_bytes (int):
        cpu_millicores (int): Thousandths of a core (1000 = one core).
        pids (int):
        timeout_s (int):
    """

    memory_bytes: int
    cpu_millicores: int
    pids: int
    timeout_s: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        memory_bytes = self.memory_bytes

        cpu_millicores = self.cpu_millicores

        pids = self.pids

        timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "memory_bytes": memory_bytes,
                "cpu_millicores": cpu_millicores,
                "pids": pids,
                "timeout_s": timeout_s,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        memory_bytes = d.pop("memory_bytes")

        cpu_millicores = d.pop("cpu_millicores")

        pids = d.pop("pids")

        timeout_s = d.pop("timeout_s")

        limits_view = cls(
            memory_bytes=memory_bytes,
            cpu_millicores=cpu_millicores,
            pids=pids,
            timeout_s=timeout_s,
        )

        limits_view.additional_properties = d
        return limits_view

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
