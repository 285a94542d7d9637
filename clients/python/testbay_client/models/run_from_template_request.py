from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.run_from_template_request_profile import RunFromTemplateRequestProfile
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.limits_request import LimitsRequest
    from ..models.run_from_template_request_variables_type_0 import RunFromTemplateRequestVariablesType0


T = TypeVar("T", bound="RunFromTemplateRequest")


@_attrs_define
class RunFromTemplateRequest:
    """A run from a saved template, which gives what the request leaves out.

    Example:
        {'user': 'ada', 'template': 'arithmetic'}

    Attributes:
        template (str): Start from this saved template: it gives the environment, paths, variables and timeout
            that the request leaves out (the request's variables are added to the template's).
            The run remembers the template's name.
        user (None | str | Unset): Who asks for the run: 1 to 64 characters, surrounding spaces are dropped. Required
            while
            the service has no users; after, the token's user when left out, and only admins may
            name someone else.
        environment (int | None | Unset): The test environment the run acts on, 1 to 100. One active run per
            environment.
        paths (list[str] | None | Unset): 1 to 50 test files, folders or pytest node ids (`file.py::test_name`),
            relative to the
            test tree. No `..`, no absolute paths, no leading `-`; each at most 1024 characters and
            inside the test tree once symbolic links are followed.
        variables (None | RunFromTemplateRequestVariablesType0 | Unset): Extra environment variables for pytest: at most
            32; names are letters, digits and `_`
            (at most 64, not starting with `TESTBAY_`); values at most 4096 characters, no NUL.
        limits (LimitsRequest | None | Unset): Tighter limits than the service's defaults, or a longer timeout up to its
            maximum
            (see `GET /system`). Omitted fields take the defaults.
        wait_for_environment (bool | None | Unset): When the environment is held by another run: wait in line for it
            (first come, first
            served) instead of being refused with 409. The run is stored as `queued` with
            `waiting_for_environment` until the holder ends and hands the environment on.
        profile (RunFromTemplateRequestProfile | Unset): `memory`: track every allocation with memray (`pytest
            --memray`), for each test's
            high-water mark and top allocating call sites; `limit_leaks` and `limit_memory` markers
            take effect. The tests run slower. Needs pytest-memray in the service's Python (see
            `GET /system`).
    """

    template: str
    user: None | str | Unset = UNSET
    environment: int | None | Unset = UNSET
    paths: list[str] | None | Unset = UNSET
    variables: None | RunFromTemplateRequestVariablesType0 | Unset = UNSET
    limits: LimitsRequest | None | Unset = UNSET
    wait_for_environment: bool | None | Unset = UNSET
    profile: RunFromTemplateRequestProfile | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.limits_request import LimitsRequest  # noqa: PLC0415
        from ..models.run_from_template_request_variables_type_0 import RunFromTemplateRequestVariablesType0  # noqa: PLC0415

        template = self.template

        user: None | str | Unset
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user

        environment: int | None | Unset
        if isinstance(self.environment, Unset):
            environment = UNSET
        else:
            environment = self.environment

        paths: list[str] | None | Unset
        if isinstance(self.paths, Unset):
            paths = UNSET
        elif isinstance(self.paths, list):
            paths = self.paths

        else:
            paths = self.paths

        variables: dict[str, Any] | None | Unset
        if isinstance(self.variables, Unset):
            variables = UNSET
        elif isinstance(self.variables, RunFromTemplateRequestVariablesType0):
            variables = self.variables.to_dict()
        else:
            variables = self.variables

        limits: dict[str, Any] | None | Unset
        if isinstance(self.limits, Unset):
            limits = UNSET
        elif isinstance(self.limits, LimitsRequest):
            limits = self.limits.to_dict()
        else:
            limits = self.limits

        wait_for_environment: bool | None | Unset
        if isinstance(self.wait_for_environment, Unset):
            wait_for_environment = UNSET
        else:
            wait_for_environment = self.wait_for_environment

        profile: str | Unset = UNSET
        if not isinstance(self.profile, Unset):
            profile = self.profile.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "template": template,
            }
        )
        if user is not UNSET:
            field_dict["user"] = user
        if environment is not UNSET:
            field_dict["environment"] = environment
        if paths is not UNSET:
            field_dict["paths"] = paths
        if variables is not UNSET:
            field_dict["variables"] = variables
        if limits is not UNSET:
            field_dict["limits"] = limits
        if wait_for_environment is not UNSET:
            field_dict["wait_for_environment"] = wait_for_environment
        if profile is not UNSET:
            field_dict["profile"] = profile

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.limits_request import LimitsRequest  # noqa: PLC0415
        from ..models.run_from_template_request_variables_type_0 import RunFromTemplateRequestVariablesType0  # noqa: PLC0415

        d = dict(src_dict)
        template = d.pop("template")

        def _parse_user(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user = _parse_user(d.pop("user", UNSET))

        def _parse_environment(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        environment = _parse_environment(d.pop("environment", UNSET))

        def _parse_paths(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                paths_type_0 = cast(list[str], data)

                return paths_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        paths = _parse_paths(d.pop("paths", UNSET))

        def _parse_variables(data: object) -> None | RunFromTemplateRequestVariablesType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                variables_type_0 = RunFromTemplateRequestVariablesType0.from_dict(data)

                return variables_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunFromTemplateRequestVariablesType0 | Unset, data)

        variables = _parse_variables(d.pop("variables", UNSET))

        def _parse_limits(data: object) -> LimitsRequest | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                limits_type_0 = LimitsRequest.from_dict(data)

                return limits_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LimitsRequest | None | Unset, data)

        limits = _parse_limits(d.pop("limits", UNSET))

        def _parse_wait_for_environment(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        wait_for_environment = _parse_wait_for_environment(d.pop("wait_for_environment", UNSET))

        _profile = d.pop("profile", UNSET)
        profile: RunFromTemplateRequestProfile | Unset
        if isinstance(_profile, Unset):
            profile = UNSET
        else:
            profile = RunFromTemplateRequestProfile(_profile)

        run_from_template_request = cls(
            template=template,
            user=user,
            environment=environment,
            paths=paths,
            variables=variables,
            limits=limits,
            wait_for_environment=wait_for_environment,
            profile=profile,
        )

        return run_from_template_request
