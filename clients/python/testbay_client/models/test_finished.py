from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.test_result_view import TestResultView


T = TypeVar("T", bound="TestFinished")


@_attrs_define
class TestFinished:
    """A test finished (or a file failed to collect).

    Attributes:
        seq (int): The event's sequence number in the run, also its SSE id.
        test (TestResultView): One test's result, or a collection error.
    """

    seq: int
    test: TestResultView
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        test = self.test.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "test": test,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.test_result_view import TestResultView  # noqa: PLC0415

        d = dict(src_dict)
        seq = d.pop("seq")

        test = TestResultView.from_dict(d.pop("test"))

        test_finished = cls(
            seq=seq,
            test=test,
        )

        test_finished.additional_properties = d
        return test_finished

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
