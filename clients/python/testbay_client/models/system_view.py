from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.enforcement_view import EnforcementView
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.database_view import DatabaseView
    from ..models.limits_view import LimitsView
    from ..models.retention_view import RetentionView


T = TypeVar("T", bound="SystemView")


@_attrs_define
class SystemView:
    """This service: how it contains runs and with which limits.

    Attributes:
        version (str):
        node (str):
        enforcement (EnforcementView): How limits are enforced: `cgroup_v2` or `cgroup_v1` (the whole process tree, in
            its own
            cgroup), or `rlimit` (per-process limits only: weaker, see `GET /system`).
        default_limits (LimitsView): Limits applied to a run.
        max_timeout_s (int): The longest timeout a run may ask for.
        max_concurrent_runs (int): Runs executed at once; more wait as queued.
        python (str):
        memory_profiling (bool): The Python has pytest-memray: runs may ask for `"profile": "memory"`.
        tests_root (str):
        retention (RetentionView): How long runs and their logs are kept: by age, by count, or both (whichever lets go
            first). Absent fields keep without that limit.
        database (DatabaseView): Where the runs are stored.
        sandbox_warning (None | str | Unset): Set when limits cannot be fully enforced (no writable cgroup): why, and
            what it means.
    """

    version: str
    node: str
    enforcement: EnforcementView
    default_limits: LimitsView
    max_timeout_s: int
    max_concurrent_runs: int
    python: str
    memory_profiling: bool
    tests_root: str
    retention: RetentionView
    database: DatabaseView
    sandbox_warning: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        version = self.version

        node = self.node

        enforcement = self.enforcement.value

        default_limits = self.default_limits.to_dict()

        max_timeout_s = self.max_timeout_s

        max_concurrent_runs = self.max_concurrent_runs

        python = self.python

        memory_profiling = self.memory_profiling

        tests_root = self.tests_root

        retention = self.retention.to_dict()

        database = self.database.to_dict()

        sandbox_warning: None | str | Unset
        if isinstance(self.sandbox_warning, Unset):
            sandbox_warning = UNSET
        else:
            sandbox_warning = self.sandbox_warning

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "version": version,
                "node": node,
                "enforcement": enforcement,
                "default_limits": default_limits,
                "max_timeout_s": max_timeout_s,
                "max_concurrent_runs": max_concurrent_runs,
                "python": python,
                "memory_profiling": memory_profiling,
                "tests_root": tests_root,
                "retention": retention,
                "database": database,
            }
        )
        if sandbox_warning is not UNSET:
            field_dict["sandbox_warning"] = sandbox_warning

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.database_view import DatabaseView  # noqa: PLC0415
        from ..models.limits_view import LimitsView  # noqa: PLC0415
        from ..models.retention_view import RetentionView  # noqa: PLC0415

        d = dict(src_dict)
        version = d.pop("version")

        node = d.pop("node")

        enforcement = EnforcementView(d.pop("enforcement"))

        default_limits = LimitsView.from_dict(d.pop("default_limits"))

        max_timeout_s = d.pop("max_timeout_s")

        max_concurrent_runs = d.pop("max_concurrent_runs")

        python = d.pop("python")

        memory_profiling = d.pop("memory_profiling")

        tests_root = d.pop("tests_root")

        retention = RetentionView.from_dict(d.pop("retention"))

        database = DatabaseView.from_dict(d.pop("database"))

        def _parse_sandbox_warning(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        sandbox_warning = _parse_sandbox_warning(d.pop("sandbox_warning", UNSET))

        system_view = cls(
            version=version,
            node=node,
            enforcement=enforcement,
            default_limits=default_limits,
            max_timeout_s=max_timeout_s,
            max_concurrent_runs=max_concurrent_runs,
            python=python,
            memory_profiling=memory_profiling,
            tests_root=tests_root,
            retention=retention,
            database=database,
            sandbox_warning=sandbox_warning,
        )

        system_view.additional_properties = d
        return system_view

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
