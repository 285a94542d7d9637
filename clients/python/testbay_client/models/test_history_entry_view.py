from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.run_status_view import RunStatusView
from ..models.test_outcome_view import TestOutcomeView
from ..types import UNSET, Unset

T = TypeVar("T", bound="TestHistoryEntryView")


@_attrs_define
class TestHistoryEntryView:
    """One result of a test, with its run.

    Attributes:
        run_id (int):
        outcome (TestOutcomeView): The outcome of one test, as pytest names it.
        phase (str): Which phase decided the outcome: `setup`, `call`, `teardown` or `collect`.
        duration_s (float):
        environment (int | None | Unset): The run's environment and creation time (always there for results the history
            lists;
            nullable for the schema's sake).
        at (datetime.datetime | None | Unset):
        user (None | str | Unset):
        run_status (None | RunStatusView | Unset):
        failure_summary (None | str | Unset): The failure's one-line summary.
        file_hash (None | str | Unset): The content hash of the test's file in that run: where it changes, the test
            changed.
    """

    run_id: int
    outcome: TestOutcomeView
    phase: str
    duration_s: float
    environment: int | None | Unset = UNSET
    at: datetime.datetime | None | Unset = UNSET
    user: None | str | Unset = UNSET
    run_status: None | RunStatusView | Unset = UNSET
    failure_summary: None | str | Unset = UNSET
    file_hash: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        run_id = self.run_id

        outcome = self.outcome.value

        phase = self.phase

        duration_s = self.duration_s

        environment: int | None | Unset
        if isinstance(self.environment, Unset):
            environment = UNSET
        else:
            environment = self.environment

        at: None | str | Unset
        if isinstance(self.at, Unset):
            at = UNSET
        elif isinstance(self.at, datetime.datetime):
            at = self.at.isoformat()
        else:
            at = self.at

        user: None | str | Unset
        if isinstance(self.user, Unset):
            user = UNSET
        else:
            user = self.user

        run_status: None | str | Unset
        if isinstance(self.run_status, Unset):
            run_status = UNSET
        elif isinstance(self.run_status, RunStatusView):
            run_status = self.run_status.value
        else:
            run_status = self.run_status

        failure_summary: None | str | Unset
        if isinstance(self.failure_summary, Unset):
            failure_summary = UNSET
        else:
            failure_summary = self.failure_summary

        file_hash: None | str | Unset
        if isinstance(self.file_hash, Unset):
            file_hash = UNSET
        else:
            file_hash = self.file_hash

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "run_id": run_id,
                "outcome": outcome,
                "phase": phase,
                "duration_s": duration_s,
            }
        )
        if environment is not UNSET:
            field_dict["environment"] = environment
        if at is not UNSET:
            field_dict["at"] = at
        if user is not UNSET:
            field_dict["user"] = user
        if run_status is not UNSET:
            field_dict["run_status"] = run_status
        if failure_summary is not UNSET:
            field_dict["failure_summary"] = failure_summary
        if file_hash is not UNSET:
            field_dict["file_hash"] = file_hash

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        run_id = d.pop("run_id")

        outcome = TestOutcomeView(d.pop("outcome"))

        phase = d.pop("phase")

        duration_s = d.pop("duration_s")

        def _parse_environment(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        environment = _parse_environment(d.pop("environment", UNSET))

        def _parse_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                at_type_0 = datetime.datetime.fromisoformat(data)

                return at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        at = _parse_at(d.pop("at", UNSET))

        def _parse_user(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user = _parse_user(d.pop("user", UNSET))

        def _parse_run_status(data: object) -> None | RunStatusView | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_status_type_0 = RunStatusView(data)

                return run_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RunStatusView | Unset, data)

        run_status = _parse_run_status(d.pop("run_status", UNSET))

        def _parse_failure_summary(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        failure_summary = _parse_failure_summary(d.pop("failure_summary", UNSET))

        def _parse_file_hash(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file_hash = _parse_file_hash(d.pop("file_hash", UNSET))

        test_history_entry_view = cls(
            run_id=run_id,
            outcome=outcome,
            phase=phase,
            duration_s=duration_s,
            environment=environment,
            at=at,
            user=user,
            run_status=run_status,
            failure_summary=failure_summary,
            file_hash=file_hash,
        )

        test_history_entry_view.additional_properties = d
        return test_history_entry_view

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
