from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LimitsRequest")


@_attrs_define
class LimitsRequest:
    """Limits a run asks for.

    Attributes:
        memory_mb (int | None | Unset): Memory for all the run's processes together, in MiB: 16 up to the default.
        cpu_millicores (int | None | Unset): CPU in thousandths of a core (1000 = one core): 10 up to the default.
        pids (int | None | Unset): Processes and threads at once: 8 up to the default.
        timeout_s (int | None | Unset): Seconds before the run is stopped as `timed_out`: 1 up to the maximum.
    """

    memory_mb: int | None | Unset = UNSET
    cpu_millicores: int | None | Unset = UNSET
    pids: int | None | Unset = UNSET
    timeout_s: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        memory_mb: int | None | Unset
        if isinstance(self.memory_mb, Unset):
            memory_mb = UNSET
        else:
            memory_mb = self.memory_mb

        cpu_millicores: int | None | Unset
        if isinstance(self.cpu_millicores, Unset):
            cpu_millicores = UNSET
        else:
            cpu_millicores = self.cpu_millicores

        pids: int | None | Unset
        if isinstance(self.pids, Unset):
            pids = UNSET
        else:
            pids = self.pids

        timeout_s: int | None | Unset
        if isinstance(self.timeout_s, Unset):
            timeout_s = UNSET
        else:
            timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}

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

        def _parse_memory_mb(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memory_mb = _parse_memory_mb(d.pop("memory_mb", UNSET))

        def _parse_cpu_millicores(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cpu_millicores = _parse_cpu_millicores(d.pop("cpu_millicores", UNSET))

        def _parse_pids(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        pids = _parse_pids(d.pop("pids", UNSET))

        def _parse_timeout_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        timeout_s = _parse_timeout_s(d.pop("timeout_s", UNSET))

        limits_request = cls(
            memory_mb=memory_mb,
            cpu_millicores=cpu_millicores,
            pids=pids,
            timeout_s=timeout_s,
        )

        return limits_request
