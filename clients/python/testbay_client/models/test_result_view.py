from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.test_outcome_view import TestOutcomeView
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.memray_view import MemrayView


T = TypeVar("T", bound="TestResultView")


@_attrs_define
class TestResultView:
    """One test's result, or a collection error.

    Attributes:
        node_id (str): pytest's node id, e.g. `math/test_arithmetic.py::test_sum_of_pairs[1-2-3]`.
        outcome (TestOutcomeView): The outcome of one test, as pytest names it.
        phase (str): The phase that decided the outcome: `setup`, `call`, `teardown` or `collect`.
        duration_s (float):
        failure (None | str | Unset): The failure report for failures and errors, the reason for skips and xfails.
        memory_bytes (int | None | Unset): The pytest process's resident memory after the test, in bytes (absent when it
            could not
            be read).
        memory_growth_bytes (int | None | Unset): How much the pytest process's resident memory grew from before the
            test's setup to after
            it, in bytes; negative when it shrank. What a test keeps (a leak, a cache) shows here.
        memray (MemrayView | None | Unset): memray's figures, in a memory-profiled run.
    """

    node_id: str
    outcome: TestOutcomeView
    phase: str
    duration_s: float
    failure: None | str | Unset = UNSET
    memory_bytes: int | None | Unset = UNSET
    memory_growth_bytes: int | None | Unset = UNSET
    memray: MemrayView | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.memray_view import MemrayView  # noqa: PLC0415

        node_id = self.node_id

        outcome = self.outcome.value

        phase = self.phase

        duration_s = self.duration_s

        failure: None | str | Unset
        if isinstance(self.failure, Unset):
            failure = UNSET
        else:
            failure = self.failure

        memory_bytes: int | None | Unset
        if isinstance(self.memory_bytes, Unset):
            memory_bytes = UNSET
        else:
            memory_bytes = self.memory_bytes

        memory_growth_bytes: int | None | Unset
        if isinstance(self.memory_growth_bytes, Unset):
            memory_growth_bytes = UNSET
        else:
            memory_growth_bytes = self.memory_growth_bytes

        memray: dict[str, Any] | None | Unset
        if isinstance(self.memray, Unset):
            memray = UNSET
        elif isinstance(self.memray, MemrayView):
            memray = self.memray.to_dict()
        else:
            memray = self.memray

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "node_id": node_id,
                "outcome": outcome,
                "phase": phase,
                "duration_s": duration_s,
            }
        )
        if failure is not UNSET:
            field_dict["failure"] = failure
        if memory_bytes is not UNSET:
            field_dict["memory_bytes"] = memory_bytes
        if memory_growth_bytes is not UNSET:
            field_dict["memory_growth_bytes"] = memory_growth_bytes
        if memray is not UNSET:
            field_dict["memray"] = memray

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.memray_view import MemrayView  # noqa: PLC0415

        d = dict(src_dict)
        node_id = d.pop("node_id")

        outcome = TestOutcomeView(d.pop("outcome"))

        phase = d.pop("phase")

        duration_s = d.pop("duration_s")

        def _parse_failure(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure = _parse_failure(d.pop("failure", UNSET))

        def _parse_memory_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memory_bytes = _parse_memory_bytes(d.pop("memory_bytes", UNSET))

        def _parse_memory_growth_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memory_growth_bytes = _parse_memory_growth_bytes(d.pop("memory_growth_bytes", UNSET))

        def _parse_memray(data: object) -> MemrayView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                memray_type_0 = MemrayView.from_dict(data)

                return memray_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MemrayView | None | Unset, data)

        memray = _parse_memray(d.pop("memray", UNSET))

        test_result_view = cls(
            node_id=node_id,
            outcome=outcome,
            phase=phase,
            duration_s=duration_s,
            failure=failure,
            memory_bytes=memory_bytes,
            memory_growth_bytes=memory_growth_bytes,
            memray=memray,
        )

        test_result_view.additional_properties = d
        return test_result_view

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
