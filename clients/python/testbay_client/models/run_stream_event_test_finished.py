from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_stream_event_test_finished_type import RunStreamEventTestFinishedType

if TYPE_CHECKING:
    from ..models.test_result_view import TestResultView


T = TypeVar("T", bound="RunStreamEventTestFinished")


@_attrs_define
class RunStreamEventTestFinished:
    """An event of one run's stream. The event id is the run's sequence number: send it back as
    `Last-Event-ID` to resume after it.

        Attributes:
            seq (int): The event's sequence number in the run, also its SSE id.
            test (TestResultView): One test's result, or a collection error.
            type_ (RunStreamEventTestFinishedType):  Example: test.
    """

    seq: int
    test: TestResultView
    type_: RunStreamEventTestFinishedType
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        test = self.test.to_dict()

        type_ = self.type_.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "test": test,
                "type": type_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.test_result_view import TestResultView  # noqa: PLC0415

        d = dict(src_dict)
        seq = d.pop("seq")

        test = TestResultView.from_dict(d.pop("test"))

        type_ = RunStreamEventTestFinishedType(d.pop("type"))

        run_stream_event_test_finished = cls(
            seq=seq,
            test=test,
            type_=type_,
        )

        run_stream_event_test_finished.additional_properties = d
        return run_stream_event_test_finished

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
