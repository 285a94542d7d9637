from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RerunRequest")


@_attrs_define
class RerunRequest:
    """How to repeat a run. `{}` repeats it as it was.

    Attributes:
        failed_only (bool | Unset): Run only the tests that failed or errored, by node id (at most 50, as any run's
            paths).
        user (str | Unset): Who asks for the new run; the original run's user when absent.
    """

    failed_only: bool | Unset = UNSET
    user: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        failed_only = self.failed_only

        user = self.user

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if failed_only is not UNSET:
            field_dict["failed_only"] = failed_only
        if user is not UNSET:
            field_dict["user"] = user

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        failed_only = d.pop("failed_only", UNSET)

        user = d.pop("user", UNSET)

        rerun_request = cls(
            failed_only=failed_only,
            user=user,
        )

        rerun_request.additional_properties = d
        return rerun_request

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
