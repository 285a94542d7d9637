from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_run_request_variables import CreateRunRequestVariables
    from ..models.limits_request import LimitsRequest


T = TypeVar("T", bound="CreateRunRequest")


@_attrs_define
class CreateRunRequest:
    """A request for a run. `environment` and `paths` are required unless `template` gives them.

    Attributes:
        user (str): Who asks for the run: 1 to 64 characters, surrounding spaces are dropped.
        environment (int | Unset): The test environment the run acts on, 1 to 100. One active run per environment.
        paths (list[str] | Unset): 1 to 50 test files, folders or pytest node ids (`file.py::test_name`), relative to
            the
            test tree. No `..`, no absolute paths, no leading `-`; each at most 1024 bytes and
            inside the test tree once symbolic links are followed.
        template (str | Unset): Start from this saved template: it gives the environment, paths, variables and timeout
            that the request leaves out (the request's variables are added to the template's).
            The run remembers the template's name.
        variables (CreateRunRequestVariables | Unset): Extra environment variables for pytest: at most 32; names are
            letters, digits and `_`
            (at most 64, not starting with `TESTBAY_`); values at most 4096 bytes.
        limits (LimitsRequest | Unset): Limits a run asks for.
    """

    user: str
    environment: int | Unset = UNSET
    paths: list[str] | Unset = UNSET
    template: str | Unset = UNSET
    variables: CreateRunRequestVariables | Unset = UNSET
    limits: LimitsRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user = self.user

        environment = self.environment

        paths: list[str] | Unset = UNSET
        if not isinstance(self.paths, Unset):
            paths = self.paths

        template = self.template

        variables: dict[str, Any] | Unset = UNSET
        if not isinstance(self.variables, Unset):
            variables = self.variables.to_dict()

        limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.limits, Unset):
            limits = self.limits.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user": user,
            }
        )
        if environment is not UNSET:
            field_dict["environment"] = environment
        if paths is not UNSET:
            field_dict["paths"] = paths
        if template is not UNSET:
            field_dict["template"] = template
        if variables is not UNSET:
            field_dict["variables"] = variables
        if limits is not UNSET:
            field_dict["limits"] = limits

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_run_request_variables import CreateRunRequestVariables  # noqa: PLC0415
        from ..models.limits_request import LimitsRequest  # noqa: PLC0415

        d = dict(src_dict)
        user = d.pop("user")

        environment = d.pop("environment", UNSET)

        paths = cast(list[str], d.pop("paths", UNSET))

        template = d.pop("template", UNSET)

        _variables = d.pop("variables", UNSET)
        variables: CreateRunRequestVariables | Unset
        if isinstance(_variables, Unset):
            variables = UNSET
        else:
            variables = CreateRunRequestVariables.from_dict(_variables)

        _limits = d.pop("limits", UNSET)
        limits: LimitsRequest | Unset
        if isinstance(_limits, Unset):
            limits = UNSET
        else:
            limits = LimitsRequest.from_dict(_limits)

        create_run_request = cls(
            user=user,
            environment=environment,
            paths=paths,
            template=template,
            variables=variables,
            limits=limits,
        )

        create_run_request.additional_properties = d
        return create_run_request

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
