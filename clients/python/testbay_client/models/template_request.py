from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.template_request_variables_type_0 import TemplateRequestVariablesType0


T = TypeVar("T", bound="TemplateRequest")


@_attrs_define
class TemplateRequest:
    """A run setup to save as a template: a run's fields but the user.

    Example:
        {'description': 'Arithmetic', 'environment': 3, 'paths': ['math/test_arithmetic.py']}

    Attributes:
        environment (int): The test environment, 1 to 100; a run from the template may choose another.
        paths (list[str]): Test files, folders or node ids, as in a run.
        description (None | str | Unset): What the template is for, at most 500 characters.
        variables (None | TemplateRequestVariablesType0 | Unset): Environment variables for pytest, as in a run.
        timeout_s (int | None | Unset): The run's timeout in seconds, up to the service's maximum; the default when
            absent.
    """

    environment: int
    paths: list[str]
    description: None | str | Unset = UNSET
    variables: None | TemplateRequestVariablesType0 | Unset = UNSET
    timeout_s: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.template_request_variables_type_0 import TemplateRequestVariablesType0  # noqa: PLC0415

        environment = self.environment

        paths = self.paths

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        variables: dict[str, Any] | None | Unset
        if isinstance(self.variables, Unset):
            variables = UNSET
        elif isinstance(self.variables, TemplateRequestVariablesType0):
            variables = self.variables.to_dict()
        else:
            variables = self.variables

        timeout_s: int | None | Unset
        if isinstance(self.timeout_s, Unset):
            timeout_s = UNSET
        else:
            timeout_s = self.timeout_s

        field_dict: dict[str, Any] = {}

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
        from ..models.template_request_variables_type_0 import TemplateRequestVariablesType0  # noqa: PLC0415

        d = dict(src_dict)
        environment = d.pop("environment")

        paths = cast(list[str], d.pop("paths"))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_variables(data: object) -> None | TemplateRequestVariablesType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                variables_type_0 = TemplateRequestVariablesType0.from_dict(data)

                return variables_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TemplateRequestVariablesType0 | Unset, data)

        variables = _parse_variables(d.pop("variables", UNSET))

        def _parse_timeout_s(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        timeout_s = _parse_timeout_s(d.pop("timeout_s", UNSET))

        template_request = cls(
            environment=environment,
            paths=paths,
            description=description,
            variables=variables,
            timeout_s=timeout_s,
        )

        return template_request
