//! Types and rules of Testbay, free of I/O: runs, their statuses and counts, test results,
//! the validation of a request for a new run, and saved run templates.

mod limits;
mod new_run;
mod retention;
mod run;
mod template;

pub use limits::{Enforcement, LimitPolicy, Limits, ResourceUsage};
pub(crate) use new_run::file_part;
pub use new_run::{
    ENVIRONMENT_MAX, ENVIRONMENT_MIN, FieldError, NewRun, PATH_MAX_BYTES, PATHS_MAX, RerunRequest, USER_MAX_CHARS,
    VARIABLE_NAME_MAX_CHARS, VARIABLE_VALUE_MAX_BYTES, VARIABLES_MAX,
};
pub use retention::{Keep, RUN_RECORD_BYTES, RetentionPolicy, TEST_RESULT_RECORD_BYTES};
pub use run::{
    Counts, EnvironmentHold, LogChunk, Run, RunFilter, RunId, RunStatus, TestOutcome, TestResult, failure_summary,
};
pub use template::{
    TEMPLATE_DESCRIPTION_MAX_CHARS, TEMPLATE_NAME_MAX_CHARS, TEMPLATES_MAX, Template, TemplateSetup,
    check_template_name,
};
