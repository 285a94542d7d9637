//! Types and rules of Testbay, free of I/O: runs, their statuses and counts, test results,
//! the validation of a request for a new run, and saved run templates.

mod limits;
mod name;
mod new_run;
mod node;
mod resources;
mod retention;
mod run;
mod template;
mod test_history;
mod user;
mod values;

pub use limits::{
    CPU_MIN_MILLICORES, Enforcement, LimitPolicy, Limits, MEMORY_MIN_MB, MIB, PIDS_MIN, ResourceUsage, TIMEOUT_MIN_S,
};
pub use new_run::{
    ENVIRONMENT_MAX, ENVIRONMENT_MIN, FieldError, NewRun, PATH_MAX_CHARS, PATH_PATTERN, PATHS_MAX, RerunRequest,
    USER_MAX_CHARS, USER_PATTERN, VARIABLE_NAME_MAX_CHARS, VARIABLE_NAME_PATTERN, VARIABLE_VALUE_MAX_CHARS,
    VARIABLE_VALUE_PATTERN, VARIABLES_MAX,
};
pub use node::{Node, NodeAnnouncement, NodeState, lost_node_message, nodes_with_odd_trees};
pub use resources::{ResourceSample, ResourceSeries};
pub use retention::{Keep, RUN_RECORD_BYTES, RetentionPolicy, TEST_RESULT_RECORD_BYTES};
pub use run::{
    Counts, EnvironmentHold, LogChunk, Run, RunFilter, RunId, RunProfile, RunStatus, TestMemory, TestMemrayFigures,
    TestOutcome, TestResult, failure_summary,
};
pub use template::{
    TEMPLATE_DESCRIPTION_MAX_CHARS, TEMPLATE_NAME_MAX_CHARS, TEMPLATE_NAME_PATTERN, TEMPLATES_MAX, Template,
    TemplateSetup, parse_template_name,
};
pub use test_history::{
    ChangedTests, FAILURE_CHANGES_LISTED, FailureChanges, HistoryEntry, HistoryQuery, RECENT_DURATIONS, RunMark,
    TestOutcomeInRun, TestStat, Verdict, outcomes_of, record_run,
};
pub use user::{USER_NAME_MAX_CHARS, USER_NAME_PATTERN, User, check_user_name, new_token, token_hash};
pub use values::{Environment, TemplateName, TestPath, UserName};
