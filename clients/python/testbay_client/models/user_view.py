from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="UserView")


@_attrs_define
class UserView:
    """A user. Tokens are never shown again after they are made.

    Attributes:
        name (str):
        admin (bool): Admins manage users and may act for others.
        created_at (datetime.datetime):
        token_issued_at (datetime.datetime | None | Unset): When the current token was made; absent after it was
            revoked.
    """

    name: str
    admin: bool
    created_at: datetime.datetime
    token_issued_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        admin = self.admin

        created_at = self.created_at.isoformat()

        token_issued_at: None | str | Unset
        if isinstance(self.token_issued_at, Unset):
            token_issued_at = UNSET
        elif isinstance(self.token_issued_at, datetime.datetime):
            token_issued_at = self.token_issued_at.isoformat()
        else:
            token_issued_at = self.token_issued_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "admin": admin,
                "created_at": created_at,
            }
        )
        if token_issued_at is not UNSET:
            field_dict["token_issued_at"] = token_issued_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        admin = d.pop("admin")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_token_issued_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                token_issued_at_type_0 = datetime.datetime.fromisoformat(data)

                return token_issued_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        token_issued_at = _parse_token_issued_at(d.pop("token_issued_at", UNSET))

        user_view = cls(
            name=name,
            admin=admin,
            created_at=created_at,
            token_issued_at=token_issued_at,
        )

        user_view.additional_properties = d
        return user_view

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
