from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="AddUserRequest")


@_attrs_define
class AddUserRequest:
    """A user to add.

    Attributes:
        name (str): Letters, digits, `.`, `_` and `-`, at most 64; the `user` of the runs they start.
        admin (bool | None | Unset): Whether the user manages users and may act for others; `false` when absent.
    """

    name: str
    admin: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        admin: bool | None | Unset
        if isinstance(self.admin, Unset):
            admin = UNSET
        else:
            admin = self.admin

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if admin is not UNSET:
            field_dict["admin"] = admin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_admin(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        admin = _parse_admin(d.pop("admin", UNSET))

        add_user_request = cls(
            name=name,
            admin=admin,
        )

        return add_user_request
