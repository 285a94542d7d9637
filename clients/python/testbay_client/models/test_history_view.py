from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.run_mark_view import RunMarkView
    from ..models.test_history_entry_view import TestHistoryEntryView
    from ..models.test_record_view import TestRecordView


T = TypeVar("T", bound="TestHistoryView")


@_attrs_define
class TestHistoryView:
    """A test's results, newest first, and its record in each environment it ran in.

    Attributes:
        node_id (str):
        entries (list[TestHistoryEntryView]):
        environments (list[TestRecordView]): Its record in each environment, by environment.
        next_until (datetime.datetime | None | Unset): Pass as `until` for the next (older) page; absent on the last
            page.
        first_failure (None | RunMarkView | Unset): Its first failure in any environment.
    """

    node_id: str
    entries: list[TestHistoryEntryView]
    environments: list[TestRecordView]
    next_until: datetime.datetime | None | Unset = UNSET
    first_failure: None | RunMarkView | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.run_mark_view import RunMarkView  # noqa: PLC0415

        node_id = self.node_id

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        environments = []
        for environments_item_data in self.environments:
            environments_item = environments_item_data.to_dict()
            environments.append(environments_item)

        next_until: None | str | Unset
        if isinstance(self.next_until, Unset):
            next_until = UNSET
        elif isinstance(self.next_until, datetime.datetime):
            next_until = self.next_until.isoformat()
        else:
            next_until = self.next_until

        first_failure: dict[str, Any] | None | Unset
        if isinstance(self.first_failure, Unset):
            first_failure = UNSET
        elif isinstance(self.first_failure, RunMarkView):
            first_failure = self.first_failure.to_dict()
        else:
            first_failure = self.first_failure

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "node_id": node_id,
                "entries": entries,
                "environments": environments,
            }
        )
        if next_until is not UNSET:
            field_dict["next_until"] = next_until
        if first_failure is not UNSET:
            field_dict["first_failure"] = first_failure

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_mark_view import RunMarkView  # noqa: PLC0415
        from ..models.test_history_entry_view import TestHistoryEntryView  # noqa: PLC0415
        from ..models.test_record_view import TestRecordView  # noqa: PLC0415

        d = dict(src_dict)
        node_id = d.pop("node_id")

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = TestHistoryEntryView.from_dict(entries_item_data)

            entries.append(entries_item)

        environments = []
        _environments = d.pop("environments")
        for environments_item_data in _environments:
            environments_item = TestRecordView.from_dict(environments_item_data)

            environments.append(environments_item)

        def _parse_next_until(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_until_type_0 = datetime.datetime.fromisoformat(data)

                return next_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        next_until = _parse_next_until(d.pop("next_until", UNSET))

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

        test_history_view = cls(
            node_id=node_id,
            entries=entries,
            environments=environments,
            next_until=next_until,
            first_failure=first_failure,
        )

        test_history_view.additional_properties = d
        return test_history_view

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
