from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.changed_tests_view import ChangedTestsView


T = TypeVar("T", bound="FailureChangesView")


@_attrs_define
class FailureChangesView:
    """How a run's failures compare with each test's previous verdict (passed or failed; skips
    do not count) in the same environment: for repeated runs of the same paths, the previous
    such run, unless another run ran the test there in between.

        Attributes:
            new_failures (ChangedTestsView): Tests of one kind of change: how many, and the first 200 of them (none in the
                runs list and
                its stream, which carry the counts: `GET /runs/{id}` has the node ids).
            still_failing (ChangedTestsView): Tests of one kind of change: how many, and the first 200 of them (none in the
                runs list and
                its stream, which carry the counts: `GET /runs/{id}` has the node ids).
            fixed (ChangedTestsView): Tests of one kind of change: how many, and the first 200 of them (none in the runs
                list and
                its stream, which carry the counts: `GET /runs/{id}` has the node ids).
    """

    new_failures: ChangedTestsView
    still_failing: ChangedTestsView
    fixed: ChangedTestsView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        new_failures = self.new_failures.to_dict()

        still_failing = self.still_failing.to_dict()

        fixed = self.fixed.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "new_failures": new_failures,
                "still_failing": still_failing,
                "fixed": fixed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.changed_tests_view import ChangedTestsView  # noqa: PLC0415

        d = dict(src_dict)
        new_failures = ChangedTestsView.from_dict(d.pop("new_failures"))

        still_failing = ChangedTestsView.from_dict(d.pop("still_failing"))

        fixed = ChangedTestsView.from_dict(d.pop("fixed"))

        failure_changes_view = cls(
            new_failures=new_failures,
            still_failing=still_failing,
            fixed=fixed,
        )

        failure_changes_view.additional_properties = d
        return failure_changes_view

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
