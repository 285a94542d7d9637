from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.enforcement_view import EnforcementView
from ..models.run_status_view import RunStatusView
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.counts_view import CountsView
    from ..models.failure_changes_view import FailureChangesView
    from ..models.limits_view import LimitsView
    from ..models.resources_view import ResourcesView
    from ..models.run_view_variables import RunViewVariables


T = TypeVar("T", bound="RunView")


@_attrs_define
class RunView:
    """A run.

    Attributes:
        id (int): The run's number; newer runs have larger numbers.
        user (str):
        environment (int):
        paths (list[str]):
        variables (RunViewVariables):
        status (RunStatusView): Where a run is in its life. `queued` and `running` are active: they hold the
            environment.
        created_at (datetime.datetime):
        counts (CountsView): Test counts by outcome, as pytest's summary line counts them: a failing setup or teardown
            is an error (so one test may count as both passed and error).
        log_bytes (int): Bytes of log stored so far.
        log_truncated (bool): The log reached the log cap and the rest of the output was dropped.
        stored_bytes (int): About how many bytes the run's record, test results and log take in the database.
        limits (LimitsView): Limits applied to a run.
        resources (ResourcesView): What a run used, from its cgroup's accounting (absent under rlimits).
        waiting_for_environment (bool): It waits in line for its environment, which another run holds (it was created
            with
            `wait_for_environment`); `GET /environments` shows the holder and the line.
        exit_code (int | None | Unset): pytest's exit code, once it has exited on its own or after a signal.
        message (None | str | Unset): Why the run ended as it did, when the status alone does not say.
        started_at (datetime.datetime | None | Unset):
        finished_at (datetime.datetime | None | Unset):
        duration_s (float | None | Unset): Seconds from start to end (or to now, while running).
        log_pruned_at (datetime.datetime | None | Unset): When the retention setting removed the run's log (its record
            and test results stay).
        node (None | str | Unset): The Testbay node that executes the run; null while it waits in the queue for a node
            with a free slot to claim it.
        enforcement (EnforcementView | None | Unset): How the limits were enforced; known once the run has started.
        queue_position (int | None | Unset): While queued: the run's place in the queue for a node with a free slot
            (shared by every
            node), 1 being next.
        line_position (int | None | Unset): While it waits in line: its place there, 1 being next after the holder.
        template (None | str | Unset): The saved template the run was started from.
        rerun_of (int | None | Unset): The run this one repeats (`POST /runs/{id}/rerun`).
        profile (None | str | Unset): `memory` for a memory-profiled run (memray); absent for a plain run.
        created_by (None | str | Unset): The user whose token created the run (absent without users). An admin may
            create runs
            for another `user`, e.g. a CI system.
        cancelled_by (None | str | Unset): The user whose token cancelled the run.
        failure_changes (FailureChangesView | None | Unset): How its failures compare with each test's previous verdict
            in its environment; known
            once it has ended (absent on runs of versions before test history). The runs list and
            its stream carry the counts only.
    """

    id: int
    user: str
    environment: int
    paths: list[str]
    variables: RunViewVariables
    status: RunStatusView
    created_at: datetime.datetime
    counts: CountsView
    log_bytes: int
    log_truncated: bool
    stored_bytes: int
    limits: LimitsView
    resources: ResourcesView
    waiting_for_environment: bool
    exit_code: int | None | Unset = UNSET
    message: None | str | Unset = UNSET
    started_at: datetime.datetime | None | Unset = UNSET
    finished_at: datetime.datetime | None | Unset = UNSET
    duration_s: float | None | Unset = UNSET
    log_pruned_at: datetime.datetime | None | Unset = UNSET
    node: None | str | Unset = UNSET
    enforcement: EnforcementView | None | Unset = UNSET
    queue_position: int | None | Unset = UNSET
    line_position: int | None | Unset = UNSET
    template: None | str | Unset = UNSET
    rerun_of: int | None | Unset = UNSET
    profile: None | str | Unset = UNSET
    created_by: None | str | Unset = UNSET
    cancelled_by: None | str | Unset = UNSET
    failure_changes: FailureChangesView | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.failure_changes_view import FailureChangesView  # noqa: PLC0415

        id = self.id

        user = self.user

        environment = self.environment

        paths = self.paths

        variables = self.variables.to_dict()

        status = self.status.value

        created_at = self.created_at.isoformat()

        counts = self.counts.to_dict()

        log_bytes = self.log_bytes

        log_truncated = self.log_truncated

        stored_bytes = self.stored_bytes

        limits = self.limits.to_dict()

        resources = self.resources.to_dict()

        waiting_for_environment = self.waiting_for_environment

        exit_code: int | None | Unset
        if isinstance(self.exit_code, Unset):
            exit_code = UNSET
        else:
            exit_code = self.exit_code

        message: None | str | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        else:
            message = self.message

        started_at: None | str | Unset
        if isinstance(self.started_at, Unset):
            started_at = UNSET
        elif isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        elif isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        duration_s: float | None | Unset
        if isinstance(self.duration_s, Unset):
            duration_s = UNSET
        else:
            duration_s = self.duration_s

        log_pruned_at: None | str | Unset
        if isinstance(self.log_pruned_at, Unset):
            log_pruned_at = UNSET
        elif isinstance(self.log_pruned_at, datetime.datetime):
            log_pruned_at = self.log_pruned_at.isoformat()
        else:
            log_pruned_at = self.log_pruned_at

        node: None | str | Unset
        if isinstance(self.node, Unset):
            node = UNSET
        else:
            node = self.node

        enforcement: None | str | Unset
        if isinstance(self.enforcement, Unset):
            enforcement = UNSET
        elif isinstance(self.enforcement, EnforcementView):
            enforcement = self.enforcement.value
        else:
            enforcement = self.enforcement

        queue_position: int | None | Unset
        if isinstance(self.queue_position, Unset):
            queue_position = UNSET
        else:
            queue_position = self.queue_position

        line_position: int | None | Unset
        if isinstance(self.line_position, Unset):
            line_position = UNSET
        else:
            line_position = self.line_position

        template: None | str | Unset
        if isinstance(self.template, Unset):
            template = UNSET
        else:
            template = self.template

        rerun_of: int | None | Unset
        if isinstance(self.rerun_of, Unset):
            rerun_of = UNSET
        else:
            rerun_of = self.rerun_of

        profile: None | str | Unset
        if isinstance(self.profile, Unset):
            profile = UNSET
        else:
            profile = self.profile

        created_by: None | str | Unset
        if isinstance(self.created_by, Unset):
            created_by = UNSET
        else:
            created_by = self.created_by

        cancelled_by: None | str | Unset
        if isinstance(self.cancelled_by, Unset):
            cancelled_by = UNSET
        else:
            cancelled_by = self.cancelled_by

        failure_changes: dict[str, Any] | None | Unset
        if isinstance(self.failure_changes, Unset):
            failure_changes = UNSET
        elif isinstance(self.failure_changes, FailureChangesView):
            failure_changes = self.failure_changes.to_dict()
        else:
            failure_changes = self.failure_changes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "user": user,
                "environment": environment,
                "paths": paths,
                "variables": variables,
                "status": status,
                "created_at": created_at,
                "counts": counts,
                "log_bytes": log_bytes,
                "log_truncated": log_truncated,
                "stored_bytes": stored_bytes,
                "limits": limits,
                "resources": resources,
                "waiting_for_environment": waiting_for_environment,
            }
        )
        if exit_code is not UNSET:
            field_dict["exit_code"] = exit_code
        if message is not UNSET:
            field_dict["message"] = message
        if started_at is not UNSET:
            field_dict["started_at"] = started_at
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if duration_s is not UNSET:
            field_dict["duration_s"] = duration_s
        if log_pruned_at is not UNSET:
            field_dict["log_pruned_at"] = log_pruned_at
        if node is not UNSET:
            field_dict["node"] = node
        if enforcement is not UNSET:
            field_dict["enforcement"] = enforcement
        if queue_position is not UNSET:
            field_dict["queue_position"] = queue_position
        if line_position is not UNSET:
            field_dict["line_position"] = line_position
        if template is not UNSET:
            field_dict["template"] = template
        if rerun_of is not UNSET:
            field_dict["rerun_of"] = rerun_of
        if profile is not UNSET:
            field_dict["profile"] = profile
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if cancelled_by is not UNSET:
            field_dict["cancelled_by"] = cancelled_by
        if failure_changes is not UNSET:
            field_dict["failure_changes"] = failure_changes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.counts_view import CountsView  # noqa: PLC0415
        from ..models.failure_changes_view import FailureChangesView  # noqa: PLC0415
        from ..models.limits_view import LimitsView  # noqa: PLC0415
        from ..models.resources_view import ResourcesView  # noqa: PLC0415
        from ..models.run_view_variables import RunViewVariables  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        user = d.pop("user")

        environment = d.pop("environment")

        paths = cast(list[str], d.pop("paths"))

        variables = RunViewVariables.from_dict(d.pop("variables"))

        status = RunStatusView(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        counts = CountsView.from_dict(d.pop("counts"))

        log_bytes = d.pop("log_bytes")

        log_truncated = d.pop("log_truncated")

        stored_bytes = d.pop("stored_bytes")

        limits = LimitsView.from_dict(d.pop("limits"))

        resources = ResourcesView.from_dict(d.pop("resources"))

        waiting_for_environment = d.pop("waiting_for_environment")

        def _parse_exit_code(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        exit_code = _parse_exit_code(d.pop("exit_code", UNSET))

        def _parse_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        def _parse_started_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        started_at = _parse_started_at(d.pop("started_at", UNSET))

        def _parse_finished_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_duration_s(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        duration_s = _parse_duration_s(d.pop("duration_s", UNSET))

        def _parse_log_pruned_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                log_pruned_at_type_0 = datetime.datetime.fromisoformat(data)

                return log_pruned_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        log_pruned_at = _parse_log_pruned_at(d.pop("log_pruned_at", UNSET))

        def _parse_node(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        node = _parse_node(d.pop("node", UNSET))

        def _parse_enforcement(data: object) -> EnforcementView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                enforcement_type_0 = EnforcementView(data)

                return enforcement_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(EnforcementView | None | Unset, data)

        enforcement = _parse_enforcement(d.pop("enforcement", UNSET))

        def _parse_queue_position(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        queue_position = _parse_queue_position(d.pop("queue_position", UNSET))

        def _parse_line_position(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        line_position = _parse_line_position(d.pop("line_position", UNSET))

        def _parse_template(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        template = _parse_template(d.pop("template", UNSET))

        def _parse_rerun_of(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        rerun_of = _parse_rerun_of(d.pop("rerun_of", UNSET))

        def _parse_profile(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        profile = _parse_profile(d.pop("profile", UNSET))

        def _parse_created_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        created_by = _parse_created_by(d.pop("created_by", UNSET))

        def _parse_cancelled_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        cancelled_by = _parse_cancelled_by(d.pop("cancelled_by", UNSET))

        def _parse_failure_changes(data: object) -> FailureChangesView | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                failure_changes_type_0 = FailureChangesView.from_dict(data)

                return failure_changes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FailureChangesView | None | Unset, data)

        failure_changes = _parse_failure_changes(d.pop("failure_changes", UNSET))

        run_view = cls(
            id=id,
            user=user,
            environment=environment,
            paths=paths,
            variables=variables,
            status=status,
            created_at=created_at,
            counts=counts,
            log_bytes=log_bytes,
            log_truncated=log_truncated,
            stored_bytes=stored_bytes,
            limits=limits,
            resources=resources,
            waiting_for_environment=waiting_for_environment,
            exit_code=exit_code,
            message=message,
            started_at=started_at,
            finished_at=finished_at,
            duration_s=duration_s,
            log_pruned_at=log_pruned_at,
            node=node,
            enforcement=enforcement,
            queue_position=queue_position,
            line_position=line_position,
            template=template,
            rerun_of=rerun_of,
            profile=profile,
            created_by=created_by,
            cancelled_by=cancelled_by,
            failure_changes=failure_changes,
        )

        run_view.additional_properties = d
        return run_view

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
