from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.test_outcome_view import TestOutcomeView
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_mark_view import RunMarkView


T = TypeVar("T", bound="TestRecordView")


@_attrs_define
class TestRecordView:
    """A test's record in one environment, kept up to date as runs end.

    Attributes:
        node_id (str):
        environment (int):
        runs (int): Runs that reported the test here, and how many of them it failed (failed or error).
        failures (int):
        last_outcome (TestOutcomeView): The outcome of one test, as pytest names it.
        last_run (RunMarkView): A run, and when it was created.
        content_since (datetime.datetime):
        verdicts (int): Verdicts (passed or failed) on the current content, and how many differed from the one
            before: a flip on unchanged content is flakiness.
        flips (int):
        flip_rate (float): `flips / (verdicts - 1)`.
        failing_since (None | RunMarkView | Unset): The first failure of its current failing streak; absent while it
            passes.
        first_failure (None | RunMarkView | Unset):
        file_hash (None | str | Unset): The content hash of its file in its last run, and when that content was first
            seen.
        last_flip (None | RunMarkView | Unset):
        median_duration_s (float | None | Unset): The median of its last 20 passed durations.
        duration_growth (float | None | Unset): The median of its last 10 passed durations over that of the 10 before
            (known once it
            has passed 20 times here).
    """

    node_id: str
    environment: int
    runs: int
    failures: int
    last_outcome: TestOutcomeView
    last_run: RunMarkView
    content_since: datetime.datetime
    verdicts: int
    flips: int
    flip_rate: float
    failing_since: None | RunMarkView | Unset = UNSET
    first_failure: None | RunMarkView | Unset = UNSET
    file_hash: None | str | Unset = UNSET
    last_flip: None | RunMarkView | Unset = UNSET
    median_duration_s: float | None | Unset = UNSET
    duration_growth: float | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.run_mark_view import RunMarkView  # noqa: PLC0415

        node_id = self.node_id

        environment = self.environment

        runs = self.runs

        failures = self.failures

        last_outcome = self.last_outcome.value

        last_run = self.last_run.to_dict()

        content_since = self.content_since.isoformat()

        verdicts = self.verdicts

        flips = self.flips

        flip_rate = self.flip_rate

        failing_since: dict[str, Any] | None | Unset
        if isinstance(self.failing_since, Unset):
            failing_since = UNSET
        elif isinstance(self.failing_since, RunMarkView):
            failing_since = self.failing_since.to_dict()
        else:
            failing_since = self.failing_since

        first_failure: dict[str, Any] | None | Unset
        if isinstance(self.first_failure, Unset):
            first_failure = UNSET
        elif isinstance(self.first_failure, RunMarkView):
            first_failure = self.first_failure.to_dict()
        else:
            first_failure = self.first_failure

        file_hash: None | str | Unset
        if isinstance(self.file_hash, Unset):
            file_hash = UNSET
        else:
            file_hash = self.file_hash

        last_flip: dict[str, Any] | None | Unset
        if isinstance(self.last_flip, Unset):
            last_flip = UNSET
        elif isinstance(self.last_flip, RunMarkView):
            last_flip = self.last_flip.to_dict()
        else:
            last_flip = self.last_flip

        median_duration_s: float | None | Unset
        if isinstance(self.median_duration_s, Unset):
            median_duration_s = UNSET
        else:
            median_duration_s = self.median_duration_s

        duration_growth: float | None | Unset
        if isinstance(self.duration_growth, Unset):
            duration_growth = UNSET
        else:
            duration_growth = self.duration_growth

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "node_id": node_id,
                "environment": environment,
                "runs": runs,
                "failures": failures,
                "last_outcome": last_outcome,
                "last_run": last_run,
                "content_since": content_since,
                "verdicts": verdicts,
                "flips": flips,
                "flip_rate": flip_rate,
            }
        )
        if failing_since is not UNSET:
            field_dict["failing_since"] = failing_since
        if first_failure is not UNSET:
            field_dict["first_failure"] = first_failure
        if file_hash is not UNSET:
            field_dict["file_hash"] = file_hash
        if last_flip is not UNSET:
            field_dict["last_flip"] = last_flip
        if median_duration_s is not UNSET:
            field_dict["median_duration_s"] = median_duration_s
        if duration_growth is not UNSET:
            field_dict["duration_growth"] = duration_growth

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_mark_view import RunMarkView  # noqa: PLC0415

        d = dict(src_dict)
        node_id = d.pop("node_id")

        environment = d.pop("environment")

        runs = d.pop("runs")

        failures = d.pop("failures")

        last_outcome = TestOutcomeView(d.pop("last_outcome"))

        last_run = RunMarkView.from_dict(d.pop("last_run"))

        content_since = datetime.datetime.fromisoformat(d.pop("content_since"))

        verdicts = d.pop("verdicts")

        flips = d.pop("flips")

        flip_rate = d.pop("flip_rate")

        def _parse_failing_since(data: object) -> None | RunMarkView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                failing_since_type_0 = RunMarkView.from_dict(data)

                return failing_since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunMarkView | Unset, data)

        failing_since = _parse_failing_since(d.pop("failing_since", UNSET))

        def _parse_first_failure(data: object) -> None | RunMarkView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                first_failure_type_0 = RunMarkView.from_dict(data)

                return first_failure_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunMarkView | Unset, data)

        first_failure = _parse_first_failure(d.pop("first_failure", UNSET))

        def _parse_file_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file_hash = _parse_file_hash(d.pop("file_hash", UNSET))

        def _parse_last_flip(data: object) -> None | RunMarkView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                last_flip_type_0 = RunMarkView.from_dict(data)

                return last_flip_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunMarkView | Unset, data)

        last_flip = _parse_last_flip(d.pop("last_flip", UNSET))

        def _parse_median_duration_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        median_duration_s = _parse_median_duration_s(d.pop("median_duration_s", UNSET))

        def _parse_duration_growth(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_growth = _parse_duration_growth(d.pop("duration_growth", UNSET))

        test_record_view = cls(
            node_id=node_id,
            environment=environment,
            runs=runs,
            failures=failures,
            last_outcome=last_outcome,
            last_run=last_run,
            content_since=content_since,
            verdicts=verdicts,
            flips=flips,
            flip_rate=flip_rate,
            failing_since=failing_since,
            first_failure=first_failure,
            file_hash=file_hash,
            last_flip=last_flip,
            median_duration_s=median_duration_s,
            duration_growth=duration_growth,
        )

        test_record_view.additional_properties = d
        return test_record_view

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
