from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.run_mark_view import RunMarkView


T = TypeVar("T", bound="FlakyTestView")


@_attrs_define
class FlakyTestView:
    """A test whose verdict flipped on unchanged content, in the environments where it did.

    Attributes:
        node_id (str):
        flip_rate (float): Flips over the chances to flip, across those environments.
        flips (int):
        verdicts (int):
        last_flip (RunMarkView): A run, and when it was created.
        environments (list[int]):
    """

    node_id: str
    flip_rate: float
    flips: int
    verdicts: int
    last_flip: RunMarkView
    environments: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        node_id = self.node_id

        flip_rate = self.flip_rate

        flips = self.flips

        verdicts = self.verdicts

        last_flip = self.last_flip.to_dict()

        environments = self.environments

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "node_id": node_id,
                "flip_rate": flip_rate,
                "flips": flips,
                "verdicts": verdicts,
                "last_flip": last_flip,
                "environments": environments,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.run_mark_view import RunMarkView  # noqa: PLC0415

        d = dict(src_dict)
        node_id = d.pop("node_id")

        flip_rate = d.pop("flip_rate")

        flips = d.pop("flips")

        verdicts = d.pop("verdicts")

        last_flip = RunMarkView.from_dict(d.pop("last_flip"))

        environments = cast(list[int], d.pop("environments"))

        flaky_test_view = cls(
            node_id=node_id,
            flip_rate=flip_rate,
            flips=flips,
            verdicts=verdicts,
            last_flip=last_flip,
            environments=environments,
        )

        flaky_test_view.additional_properties = d
        return flaky_test_view

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
