from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.enforcement_view import EnforcementView
from ..models.node_state_view import NodeStateView
from ..types import UNSET, Unset

T = TypeVar("T", bound="NodeView")


@_attrs_define
class NodeView:
    """A Testbay node sharing the database.

    Attributes:
        name (str): The node's name (`--node`), as runs name the node that executes them.
        url (str): Where its API answers (`--advertise-url`).
        state (NodeStateView): Where a node stands.
        this_node (bool): Whether this is the node that answered.
        capacity (int): Runs it executes at once at most.
        running (int): Runs it executed at its last renewal.
        enforcement (EnforcementView): How limits are enforced: `cgroup_v2` or `cgroup_v1` (the whole process tree, in
            its own
            cgroup), or `rlimit` (per-process limits only: weaker, see `GET /system`).
        tree_fingerprint (str): A digest of its tests tree (paths and contents of Python and pytest settings files).
        tree_differs (bool): Its tree is not the one most live nodes serve (each live node's, when there is no
            majority): runs may find other tests there.
        version (str): Its Testbay version.
        started_at (datetime.datetime):
        renewed_at (datetime.datetime):
        lease_until (datetime.datetime): When its lease runs out unless it renews it.
        lost_at (datetime.datetime | None | Unset): When another node found its lease run out.
        lost_to (None | str | Unset): The node that found it lost and interrupted its runs.
    """

    name: str
    url: str
    state: NodeStateView
    this_node: bool
    capacity: int
    running: int
    enforcement: EnforcementView
    tree_fingerprint: str
    tree_differs: bool
    version: str
    started_at: datetime.datetime
    renewed_at: datetime.datetime
    lease_until: datetime.datetime
    lost_at: datetime.datetime | None | Unset = UNSET
    lost_to: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        url = self.url

        state = self.state.value

        this_node = self.this_node

        capacity = self.capacity

        running = self.running

        enforcement = self.enforcement.value

        tree_fingerprint = self.tree_fingerprint

        tree_differs = self.tree_differs

        version = self.version

        started_at = self.started_at.isoformat()

        renewed_at = self.renewed_at.isoformat()

        lease_until = self.lease_until.isoformat()

        lost_at: None | str | Unset
        if isinstance(self.lost_at, Unset):
            lost_at = UNSET
        elif isinstance(self.lost_at, datetime.datetime):
            lost_at = self.lost_at.isoformat()
        else:
            lost_at = self.lost_at

        lost_to: None | str | Unset
        if isinstance(self.lost_to, Unset):
            lost_to = UNSET
        else:
            lost_to = self.lost_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "url": url,
                "state": state,
                "this_node": this_node,
                "capacity": capacity,
                "running": running,
                "enforcement": enforcement,
                "tree_fingerprint": tree_fingerprint,
                "tree_differs": tree_differs,
                "version": version,
                "started_at": started_at,
                "renewed_at": renewed_at,
                "lease_until": lease_until,
            }
        )
        if lost_at is not UNSET:
            field_dict["lost_at"] = lost_at
        if lost_to is not UNSET:
            field_dict["lost_to"] = lost_to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        url = d.pop("url")

        state = NodeStateView(d.pop("state"))

        this_node = d.pop("this_node")

        capacity = d.pop("capacity")

        running = d.pop("running")

        enforcement = EnforcementView(d.pop("enforcement"))

        tree_fingerprint = d.pop("tree_fingerprint")

        tree_differs = d.pop("tree_differs")

        version = d.pop("version")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        renewed_at = datetime.datetime.fromisoformat(d.pop("renewed_at"))

        lease_until = datetime.datetime.fromisoformat(d.pop("lease_until"))

        def _parse_lost_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                lost_at_type_0 = datetime.datetime.fromisoformat(data)

                return lost_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        lost_at = _parse_lost_at(d.pop("lost_at", UNSET))

        def _parse_lost_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        lost_to = _parse_lost_to(d.pop("lost_to", UNSET))

        node_view = cls(
            name=name,
            url=url,
            state=state,
            this_node=this_node,
            capacity=capacity,
            running=running,
            enforcement=enforcement,
            tree_fingerprint=tree_fingerprint,
            tree_differs=tree_differs,
            version=version,
            started_at=started_at,
            renewed_at=renewed_at,
            lease_until=lease_until,
            lost_at=lost_at,
            lost_to=lost_to,
        )

        node_view.additional_properties = d
        return node_view

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
