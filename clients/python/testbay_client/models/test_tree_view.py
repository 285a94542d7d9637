from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.tree_entry_view import TreeEntryView


T = TypeVar("T", bound="TestTreeView")


@_attrs_define
class TestTreeView:
    """The test tree: folders that hold tests and test files, sorted, each folder before its
    contents.

        Attributes:
            root (str): The tree's folder on the server.
            entries (list[TreeEntryView]):
    """

    root: str
    entries: list[TreeEntryView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        root = self.root

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "root": root,
                "entries": entries,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tree_entry_view import TreeEntryView  # noqa: PLC0415

        d = dict(src_dict)
        root = d.pop("root")

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = TreeEntryView.from_dict(entries_item_data)

            entries.append(entries_item)

        test_tree_view = cls(
            root=root,
            entries=entries,
        )

        test_tree_view.additional_properties = d
        return test_tree_view

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
