from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.template_view_variables import TemplateViewVariables


T = TypeVar("T", bound="TemplateView")


@_attrs_define
class TemplateView:
    """A saved run setup.

    Attributes:
        name (str): Letters, digits, `.`, `_` and `-`, at most 64; unique.
        environment (int):
        paths (list[str]):
        variables (TemplateViewVariables):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        description (None | str | Unset):
        timeout_s (int | None | Unset):
        owner (None | str | Unset): The user who saved it first (absent without users): they and admins may change it.
    """

    name: str
    environment: int
    paths: list[str]
    variables: TemplateViewVariables
    created_at: datetime.datetime
    updated_at: datetime.datetime
    description: None | str | Unset = UNSET
    timeout_s: int | None | Unset = UNSET
    owner: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        environment = self.environment

        paths = self.paths

        variables = self.variables.to_dict()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        timeout_s: int | None | Unset
        if isinstance(self.timeout_s, Unset):
            timeout_s = UNSET
        else:
            timeout_s = self.timeout_s

        owner: None | str | Unset
        if isinstance(self.owner, Unset):
            owner = UNSET
        else:
            owner = self.owner

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "environment": environment,
                "paths": paths,
                "variables": variables,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if timeout_s is not UNSET:
            field_dict["timeout_s"] = timeout_s
        if owner is not UNSET:
            field_dict["owner"] = owner

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_view_variables import TemplateViewVariables  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        environment = d.pop("environment")

        paths = cast(list[str], d.pop("paths"))

        variables = TemplateViewVariables.from_dict(d.pop("variables"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_timeout_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        timeout_s = _parse_timeout_s(d.pop("timeout_s", UNSET))

        def _parse_owner(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        owner = _parse_owner(d.pop("owner", UNSET))

        template_view = cls(
            name=name,
            environment=environment,
            paths=paths,
            variables=variables,
            created_at=created_at,
            updated_at=updated_at,
            description=description,
            timeout_s=timeout_s,
            owner=owner,
        )

        template_view.additional_properties = d
        return template_view

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
