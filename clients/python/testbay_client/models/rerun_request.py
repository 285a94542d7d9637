from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RerunRequest")


@_attrs_define
class RerunRequest:
    """How to repeat a run. `{}` repeats it as it was.

    Attributes:
        failed_only (bool | None | Unset): Run only the tests that failed or errored, by node id (at most 50, as any
            run's paths).
        user (None | str | Unset): Who asks for the new run; the original run's user when absent.
        wait_for_environment (bool | None | Unset): When the environment is held: wait in line for it instead of being
            refused with 409.
    """

    failed_only: bool | None | Unset = UNSET
    user: None | str | Unset = UNSET
    wait_for_environment: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        failed_only: bool | None | Unset
        if isinstance(self.failed_only, Unset):
            failed_only = UNSET
        else:
            failed_only = self.failed_only

        user: None | str | Unset
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user

        wait_for_environment: bool | None | Unset
        if isinstance(self.wait_for_environment, Unset):
            wait_for_environment = UNSET
        else:
            wait_for_environment = self.wait_for_environment

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if failed_only is not UNSET:
            field_dict["failed_only"] = failed_only
        if user is not UNSET:
            field_dict["user"] = user
        if wait_for_environment is not UNSET:
            field_dict["wait_for_environment"] = wait_for_environment

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_failed_only(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        failed_only = _parse_failed_only(d.pop("failed_only", UNSET))

        def _parse_user(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user = _parse_user(d.pop("user", UNSET))

        def _parse_wait_for_environment(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        wait_for_environment = _parse_wait_for_environment(d.pop("wait_for_environment", UNSET))

        rerun_request = cls(
            failed_only=failed_only,
            user=user,
            wait_for_environment=wait_for_environment,
        )

        return rerun_request
