from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.tree_entry_kind import TreeEntryKind

T = TypeVar("T", bound="TreeEntryView")


@_attrs_define
class TreeEntryView:
    """A folder that holds tests, or a test file.

    Attributes:
        path (str): Relative to the test tree, with `/` separators; use it in a run's `paths`.
        kind (TreeEntryKind):
    """

    path: str
    kind: TreeEntryKind
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        path = self.path

        kind = self.kind.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "path": path,
                "kind": kind,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        path = d.pop("path")

        kind = TreeEntryKind(d.pop("kind"))

        tree_entry_view = cls(
            path=path,
            kind=kind,
        )

        tree_entry_view.additional_properties = d
        return tree_entry_view

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
