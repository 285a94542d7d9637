from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LimitsRequest")


@_attrs_define
class LimitsRequest:
    """Limits a run asks for.

    Attributes:
        memory_mb (int | Unset): Memory for all the run's processes together, in MiB: 16 up to the default.
        cpu_millicores (int | Unset): CPU in thousandths of a core (1000 = one core): 10 up to the default.
        pids (int | Unset): Processes and threads at once: 8 up to the default.
        timeout_s (int | Unset): Seconds before the run is stopped as `timed_out`: 1 up to the maximum.
    """

    memory_mb: int | Unset = UNSET
    cpu_millicores: int | Unset = UNSET
    pids: int | Unset = UNSET
    timeout_s: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        memory_mb = self.memory_mb

        cpu_millicores = self.cpu_millicores

        pids = self.pids

        timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if memory_mb is not UNSET:
            field_dict["memory_mb"] = memory_mb
        if cpu_millicores is not UNSET:
            field_dict["cpu_millicores"] = cpu_millicores
        if pids is not UNSET:
            field_dict["pids"] = pids
        if timeout_s is not UNSET:
            field_dict["timeout_s"] = timeout_s

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        memory_mb = d.pop("memory_mb", UNSET)

        cpu_millicores = d.pop("cpu_millicores", UNSET)

        pids = d.pop("pids", UNSET)

        timeout_s = d.pop("timeout_s", UNSET)

        limits_request = cls(
            memory_mb=memory_mb,
            cpu_millicores=cpu_millicores,
            pids=pids,
            timeout_s=timeout_s,
        )

        limits_request.additional_properties = d
        return limits_request

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
