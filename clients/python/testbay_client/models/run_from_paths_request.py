from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.run_from_paths_request_profile import RunFromPathsRequestProfile
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.limits_request import LimitsRequest
    from ..models.run_from_paths_request_variables_type_0 import RunFromPathsRequestVariablesType0


T = TypeVar("T", bound="RunFromPathsRequest")


@_attrs_define
class RunFromPathsRequest:
    """A run of test paths in an environment.

    Example:
        {'user': 'ada', 'environment': 3, 'paths': ['math/test_arithmetic.py']}

    Attributes:
        environment (int): The test environment the run acts on, 1 to 100. One active run per environment.
        paths (list[str]): 1 to 50 test files, folders or pytest node ids (`file.py::test_name`), relative to the
            test tree. No `..`, no absolute paths, no leading `-`; each at most 1024 characters and
            inside the test tree once symbolic links are followed.
        user (None | str | Unset): Who asks for the run: 1 to 64 characters, surrounding spaces are dropped. Required
            while
            the service has no users; after, the token's user when left out, and only admins may
            name someone else.
        template (None | str | Unset): Start from this saved template: it gives the environment, paths, variables and
            timeout
            that the request leaves out (the request's variables are added to the template's).
            The run remembers the template's name.
        variables (None | RunFromPathsRequestVariablesType0 | Unset): Extra environment variables for pytest: at most
            32; names are letters, digits and `_`
            (at most 64, not starting with `TESTBAY_`); values at most 4096 characters, no NUL.
        limits (LimitsRequest | None | Unset): Tighter limits than the service's defaults, or a longer timeout up to its
            maximum
            (see `GET /system`). Omitted fields take the defaults.
        wait_for_environment (bool | None | Unset): When the environment is held by another run: wait in line for it
            (first come, first
            served) instead of being refused with 409. The run is stored as `queued` with
            `waiting_for_environment` until the holder ends and hands the environment on.
        profile (RunFromPathsRequestProfile | Unset): `memory`: track every allocation with memray (`pytest --memray`),
            for each test's
            high-water mark and top allocating call sites; `limit_leaks` and `limit_memory` markers
            take effect. The tests run slower. Needs pytest-memray in the service's Python (see
            `GET /system`).
    """

    environment: int
    paths: list[str]
    user: None | str | Unset = UNSET
    template: None | str | Unset = UNSET
    variables: None | RunFromPathsRequestVariablesType0 | Unset = UNSET
    limits: LimitsRequest | None | Unset = UNSET
    wait_for_environment: bool | None | Unset = UNSET
    profile: RunFromPathsRequestProfile | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.limits_request import LimitsRequest  # noqa: PLC0415
        from ..models.run_from_paths_request_variables_type_0 import RunFromPathsRequestVariablesType0  # noqa: PLC0415

        environment = self.environment

        paths = self.paths

        user: None | str | Unset
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user

        template: None | str | Unset
        if isinstance(self.template, Unset):
            template = UNSET
        else:
            template = self.template

        variables: dict[str, Any] | None | Unset
        if isinstance(self.variables, Unset):
            variables = UNSET
        elif isinstance(self.variables, RunFromPathsRequestVariablesType0):
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
                "environment": environment,
                "paths": paths,
            }
        )
        if user is not UNSET:
            field_dict["user"] = user
        if template is not UNSET:
            field_dict["template"] = template
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
        from ..models.run_from_paths_request_variables_type_0 import RunFromPathsRequestVariablesType0  # noqa: PLC0415

        d = dict(src_dict)
        environment = d.pop("environment")

        paths = cast(list[str], d.pop("paths"))

        def _parse_user(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user = _parse_user(d.pop("user", UNSET))

        def _parse_template(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        template = _parse_template(d.pop("template", UNSET))

        def _parse_variables(data: object) -> None | RunFromPathsRequestVariablesType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                variables_type_0 = RunFromPathsRequestVariablesType0.from_dict(data)

                return variables_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunFromPathsRequestVariablesType0 | Unset, data)

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
        profile: RunFromPathsRequestProfile | Unset
        if isinstance(_profile, Unset):
            profile = UNSET
        else:
            profile = RunFromPathsRequestProfile(_profile)

        run_from_paths_request = cls(
            environment=environment,
            paths=paths,
            user=user,
            template=template,
            variables=variables,
            limits=limits,
            wait_for_environment=wait_for_environment,
            profile=profile,
        )

        return run_from_paths_request
