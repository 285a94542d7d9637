from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RetentionView")


@_attrs_define
class RetentionView:
    """How long runs and their logs are kept: by age, by count, or both (whichever lets go
    first). Absent fields keep without that limit.

        Attributes:
            runs_days (int | None | Unset): Days a run (record and test results) is kept after it was created.
            runs_newest (int | None | Unset): The newest runs kept whatever their age.
            logs_days (int | None | Unset): Days a run's log is kept after the run was created.
            logs_newest (int | None | Unset): The newest runs whose logs are kept whatever their age.
    """

    runs_days: int | None | Unset = UNSET
    runs_newest: int | None | Unset = UNSET
    logs_days: int | None | Unset = UNSET
    logs_newest: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        runs_days: int | None | Unset
        if isinstance(self.runs_days, Unset):
            runs_days = UNSET
        else:
            runs_days = self.runs_days

        runs_newest: int | None | Unset
        if isinstance(self.runs_newest, Unset):
            runs_newest = UNSET
        else:
            runs_newest = self.runs_newest

        logs_days: int | None | Unset
        if isinstance(self.logs_days, Unset):
            logs_days = UNSET
        else:
            logs_days = self.logs_days

        logs_newest: int | None | Unset
        if isinstance(self.logs_newest, Unset):
            logs_newest = UNSET
        else:
            logs_newest = self.logs_newest

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if runs_days is not UNSET:
            field_dict["runs_days"] = runs_days
        if runs_newest is not UNSET:
            field_dict["runs_newest"] = runs_newest
        if logs_days is not UNSET:
            field_dict["logs_days"] = logs_days
        if logs_newest is not UNSET:
            field_dict["logs_newest"] = logs_newest

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_runs_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        runs_days = _parse_runs_days(d.pop("runs_days", UNSET))

        def _parse_runs_newest(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        runs_newest = _parse_runs_newest(d.pop("runs_newest", UNSET))

        def _parse_logs_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        logs_days = _parse_logs_days(d.pop("logs_days", UNSET))

        def _parse_logs_newest(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        logs_newest = _parse_logs_newest(d.pop("logs_newest", UNSET))

        retention_view = cls(
            runs_days=runs_days,
            runs_newest=runs_newest,
            logs_days=logs_days,
            logs_newest=logs_newest,
        )

        retention_view.additional_properties = d
        return retention_view

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
