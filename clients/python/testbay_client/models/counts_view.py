from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CountsView")


@_attrs_define
class CountsView:
    """Test counts by outcome, as pytest's summary line counts them: a failing setup or teardown
    is an error (so one test may count as both passed and error).

        Attributes:
            passed (int):
            failed (int):
            skipped (int):
            errors (int):
            xfailed (int):
            xpassed (int):
            total (int): Tests collected; 0 until collection is over.
    """

    passed: int
    failed: int
    skipped: int
    errors: int
    xfailed: int
    xpassed: int
    total: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        passed = self.passed

        failed = self.failed

        skipped = self.skipped

        errors = self.errors

        xfailed = self.xfailed

        xpassed = self.xpassed

        total = self.total

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "passed": passed,
                "failed": failed,
                "skipped": skipped,
                "errors": errors,
                "xfailed": xfailed,
                "xpassed": xpassed,
                "total": total,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        passed = d.pop("passed")

        failed = d.pop("failed")

        skipped = d.pop("skipped")

        errors = d.pop("errors")

        xfailed = d.pop("xfailed")

        xpassed = d.pop("xpassed")

        total = d.pop("total")

        counts_view = cls(
            passed=passed,
            failed=failed,
            skipped=skipped,
            errors=errors,
            xfailed=xfailed,
            xpassed=xpassed,
            total=total,
        )

        counts_view.additional_properties = d
        return counts_view

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
