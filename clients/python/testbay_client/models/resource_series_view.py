from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.enforcement_view import EnforcementView
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.resource_point_view import ResourcePointView


T = TypeVar("T", bound="ResourceSeriesView")


@_attrs_define
class ResourceSeriesView:
    """A run's memory and CPU, sampled every second while it runs. Long runs keep at most 600
    points: neighbours are merged (keeping the higher memory), so a peak is never lost.

        Attributes:
            memory_limit_bytes (int): The run's memory limit, to draw against.
            cpu_limit_millicores (int): The run's CPU limit, in thousandths of a core.
            points (list[ResourcePointView]): Oldest first.
            enforcement (EnforcementView | None | Unset): How the run was contained, which says what `memory_bytes`
                measures; absent before it
                started.
            peak_memory_bytes (int | None | Unset): The highest memory sampled.
    """

    memory_limit_bytes: int
    cpu_limit_millicores: int
    points: list[ResourcePointView]
    enforcement: EnforcementView | None | Unset = UNSET
    peak_memory_bytes: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        memory_limit_bytes = self.memory_limit_bytes

        cpu_limit_millicores = self.cpu_limit_millicores

        points = []
        for points_item_data in self.points:
            points_item = points_item_data.to_dict()
            points.append(points_item)

        enforcement: None | str | Unset
        if isinstance(self.enforcement, Unset):
            enforcement = UNSET
        elif isinstance(self.enforcement, EnforcementView):
            enforcement = self.enforcement.value
        else:
            enforcement = self.enforcement

        peak_memory_bytes: int | None | Unset
        if isinstance(self.peak_memory_bytes, Unset):
            peak_memory_bytes = UNSET
        else:
            peak_memory_bytes = self.peak_memory_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "memory_limit_bytes": memory_limit_bytes,
                "cpu_limit_millicores": cpu_limit_millicores,
                "points": points,
            }
        )
        if enforcement is not UNSET:
            field_dict["enforcement"] = enforcement
        if peak_memory_bytes is not UNSET:
            field_dict["peak_memory_bytes"] = peak_memory_bytes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.resource_point_view import ResourcePointView  # noqa: PLC0415

        d = dict(src_dict)
        memory_limit_bytes = d.pop("memory_limit_bytes")

        cpu_limit_millicores = d.pop("cpu_limit_millicores")

        points = []
        _points = d.pop("points")
        for points_item_data in _points:
            points_item = ResourcePointView.from_dict(points_item_data)

            points.append(points_item)

        def _parse_enforcement(data: object) -> EnforcementView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                enforcement_type_0 = EnforcementView(data)

                return enforcement_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EnforcementView | None | Unset, data)

        enforcement = _parse_enforcement(d.pop("enforcement", UNSET))

        def _parse_peak_memory_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        peak_memory_bytes = _parse_peak_memory_bytes(d.pop("peak_memory_bytes", UNSET))

        resource_series_view = cls(
            memory_limit_bytes=memory_limit_bytes,
            cpu_limit_millicores=cpu_limit_millicores,
            points=points,
            enforcement=enforcement,
            peak_memory_bytes=peak_memory_bytes,
        )

        resource_series_view.additional_properties = d
        return resource_series_view

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
