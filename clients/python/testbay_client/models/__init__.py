"""Contains all the data models used in inputs/outputs"""

from .add_user_request import AddUserRequest
from .caller_kind import CallerKind
from .caller_view import CallerView
from .changed_tests_view import ChangedTestsView
from .counts_view import CountsView
from .database_kind import DatabaseKind
from .database_view import DatabaseView
from .enforcement_view import EnforcementView
from .environment_list import EnvironmentList
from .environment_view import EnvironmentView
from .failure_changes_view import FailureChangesView
from .flaky_test_list import FlakyTestList
from .flaky_test_view import FlakyTestView
from .follow_run_response_200 import FollowRunResponse200
from .follow_run_response_200_event import FollowRunResponse200Event
from .follow_runs_response_200 import FollowRunsResponse200
from .follow_runs_response_200_event import FollowRunsResponse200Event
from .health import Health
from .issued_token import IssuedToken
from .limits_request import LimitsRequest
from .limits_view import LimitsView
from .list_change_view import ListChangeView
from .list_stream_event_reload import ListStreamEventReload
from .list_stream_event_reload_type import ListStreamEventReloadType
from .list_stream_event_run_listed import ListStreamEventRunListed
from .list_stream_event_run_listed_type import ListStreamEventRunListedType
from .log_appended import LogAppended
from .log_page import LogPage
from .memray_site_view import MemraySiteView
from .memray_view import MemrayView
from .node_list import NodeList
from .node_state_view import NodeStateView
from .node_view import NodeView
from .problem import Problem
from .reload import Reload
from .rerun_request import RerunRequest
from .resource_point_view import ResourcePointView
from .resource_series_view import ResourceSeriesView
from .resources_sampled import ResourcesSampled
from .resources_view import ResourcesView
from .retention_view import RetentionView
from .run_changed import RunChanged
from .run_from_paths_request import RunFromPathsRequest
from .run_from_paths_request_profile import RunFromPathsRequestProfile
from .run_from_paths_request_variables_type_0 import RunFromPathsRequestVariablesType0
from .run_from_template_request import RunFromTemplateRequest
from .run_from_template_request_profile import RunFromTemplateRequestProfile
from .run_from_template_request_variables_type_0 import RunFromTemplateRequestVariablesType0
from .run_listed import RunListed
from .run_mark_view import RunMarkView
from .run_page import RunPage
from .run_status_view import RunStatusView
from .run_stream_event_log_appended import RunStreamEventLogAppended
from .run_stream_event_log_appended_type import RunStreamEventLogAppendedType
from .run_stream_event_resources_sampled import RunStreamEventResourcesSampled
from .run_stream_event_resources_sampled_type import RunStreamEventResourcesSampledType
from .run_stream_event_run_changed import RunStreamEventRunChanged
from .run_stream_event_run_changed_type import RunStreamEventRunChangedType
from .run_stream_event_test_finished import RunStreamEventTestFinished
from .run_stream_event_test_finished_type import RunStreamEventTestFinishedType
from .run_view import RunView
from .run_view_variables import RunViewVariables
from .slow_test_list import SlowTestList
from .system_view import SystemView
from .template_list import TemplateList
from .template_request import TemplateRequest
from .template_request_variables_type_0 import TemplateRequestVariablesType0
from .template_view import TemplateView
from .template_view_variables import TemplateViewVariables
from .test_finished import TestFinished
from .test_history_entry_view import TestHistoryEntryView
from .test_history_view import TestHistoryView
from .test_outcome_view import TestOutcomeView
from .test_record_view import TestRecordView
from .test_result_list import TestResultList
from .test_result_view import TestResultView
from .test_tree_view import TestTreeView
from .tree_entry_kind import TreeEntryKind
from .tree_entry_view import TreeEntryView
from .user_list import UserList
from .user_view import UserView

__all__ = (
    "AddUserRequest",
    "CallerKind",
    "CallerView",
    "ChangedTestsView",
    "CountsView",
    "DatabaseKind",
    "DatabaseView",
    "EnforcementView",
    "EnvironmentList",
    "EnvironmentView",
    "FailureChangesView",
    "FlakyTestList",
    "FlakyTestView",
    "FollowRunResponse200",
    "FollowRunResponse200Event",
    "FollowRunsResponse200",
    "FollowRunsResponse200Event",
    "Health",
    "IssuedToken",
    "LimitsRequest",
    "LimitsView",
    "ListChangeView",
    "ListStreamEventReload",
    "ListStreamEventReloadType",
    "ListStreamEventRunListed",
    "ListStreamEventRunListedType",
    "LogAppended",
    "LogPage",
    "MemraySiteView",
    "MemrayView",
    "NodeList",
    "NodeStateView",
    "NodeView",
    "Problem",
    "Reload",
    "RerunRequest",
    "ResourcePointView",
    "ResourceSeriesView",
    "ResourcesSampled",
    "ResourcesView",
    "RetentionView",
    "RunChanged",
    "RunFromPathsRequest",
    "RunFromPathsRequestProfile",
    "RunFromPathsRequestVariablesType0",
    "RunFromTemplateRequest",
    "RunFromTemplateRequestProfile",
    "RunFromTemplateRequestVariablesType0",
    "RunListed",
    "RunMarkView",
    "RunPage",
    "RunStatusView",
    "RunStreamEventLogAppended",
    "RunStreamEventLogAppendedType",
    "RunStreamEventResourcesSampled",
    "RunStreamEventResourcesSampledType",
    "RunStreamEventRunChanged",
    "RunStreamEventRunChangedType",
    "RunStreamEventTestFinished",
    "RunStreamEventTestFinishedType",
    "RunView",
    "RunViewVariables",
    "SlowTestList",
    "SystemView",
    "TemplateList",
    "TemplateRequest",
    "TemplateRequestVariablesType0",
    "TemplateView",
    "TemplateViewVariables",
    "TestFinished",
    "TestHistoryEntryView",
    "TestHistoryView",
    "TestOutcomeView",
    "TestRecordView",
    "TestResultList",
    "TestResultView",
    "TestTreeView",
    "TreeEntryKind",
    "TreeEntryView",
    "UserList",
    "UserView",
)
