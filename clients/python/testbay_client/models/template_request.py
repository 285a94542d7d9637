from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.template_request_variables import TemplateRequestVariables


T = TypeVar("T", bound="TemplateRequest")


@_attrs_define
class TemplateRequest:
    """A run setup to save as a template: a run's fields but the user.

    Attributes:
        environment (int): The test environment, 1 to 100; a run from the template may choose another.
        paths (list[str]): Test files, folders or node ids, as in a run.
        description (str | Unset): What the template is for, at most 500 characters.
        variables (TemplateRequestVariables | Unset): Environment variables for pytest, as in a run.
        timeout_s (int | Unset): The run's timeout in seconds, up to the service's maximum; the default when absent.
    """

    environment: int
    paths: list[str]
    description: str | Unset = UNSET
    variables: TemplateRequestVariables | Unset = UNSET
    timeout_s: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        environment = self.environment

        paths = self.paths

        description = self.description

        variables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables.to_dict()

        timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "environment": environment,
                "paths": paths,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if variables is not UNSET:
            field_dict["variables"] = variables
        if timeout_s is not UNSET:
            field_dict["timeout_s"] = timeout_s

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.template_request_variables import TemplateRequestVariables  # noqa: PLC0415

        d = dict(src_dict)
        environment = d.pop("environment")

        paths = cast(list[str], d.pop("paths"))

        description = d.pop("description", UNSET)

        _variables = d.pop("variables", UNSET)
        variables: TemplateRequestVariables | Unset
        if isinstance(_variables, Unset):
            variables = UNSET
        else:
            variables = TemplateRequestVariables.from_dict(_variables)

        timeout_s = d.pop("timeout_s", UNSET)

        template_request = cls(
            environment=environment,
            paths=paths,
            description=description,
            variables=variables,
            timeout_s=timeout_s,
        )

        template_request.additional_properties = d
        return template_request

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
