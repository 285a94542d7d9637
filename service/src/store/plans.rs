//! Every query the service makes often reads by index or by record id and stops at its page,
//! whatever the history holds: checked here against SurrealDB's own `EXPLAIN`, so that a
//! change of schema, query or SurrealDB version that falls back to a scan fails a test.

use chrono::Utc;

use super::connection::Statement;
use super::run_list::{NEWEST, WINDOW, bind_filter, filtered, window};
use super::runs::NEXT_IN_LINE;
use super::{EmbeddedSizes, Store};
use crate::domain::{Limits, NewRun, RunFilter, RunId, RunStatus};

async fn plan(statement: Statement<'_>) -> String {
    let mut response = statement.explain().await.expect("explain");
    let plan: Option<String> = response.take(0).expect("a plan");
    plan.expect("a plan")
}

#[track_caller]
fn assert_plan(plan: &str, present: &[&str], absent: &[&str]) {
    for wanted in present {
        assert!(plan.contains(wanted), "the plan lacks `{wanted}`:\n{plan}");
    }
    for unwanted in absent {
        assert!(!plan.contains(unwanted), "the plan has `{unwanted}`:\n{plan}");
    }
}

async fn store_with_runs() -> Store {
    let store = Store::connect("mem://", None, EmbeddedSizes::default()).await.expect("connect");
    for environment in 1..=3 {
        let new = NewRun {
            user: "ada".into(),
            environment: environment.into(),
            paths: vec!["math".into()],
            variables: Default::default(),
            limits: Limits { memory_bytes: 1 << 30, cpu_millicores: 1000, pids: 64, timeout_s: 60 },
            template: Some("nightly".into()),
            rerun_of: None,
            profile: None,
            created_by: None,
            wait_for_environment: false,
        };
        store.create_run(&new, Utc::now()).await.expect("create");
    }
    store
}

/// A scan of a whole table, or a sort of what was read, grows with the history.
const GROWS: [&str; 3] = ["TableScan", "Sort", "Filter"];

#[tokio::test]
async fn the_runs_list_reads_one_page_by_index_or_id_range() {
    let store = store_with_runs().await;
    let newest = plan(store.query(NEWEST).bind("limit", 51_i64)).await;
    assert_plan(&newest, &["TableScan", "direction: Backward", "limit: $limit"], &["Sort", "Filter"]);
    let below = plan(store.query(WINDOW).bind("window", window(949, 1000))).await;
    assert_plan(&below, &["RecordIdScan"], &GROWS);

    let filters = [
        ("run_status_number", RunFilter { status: Some(RunStatus::Failed), ..RunFilter::default() }),
        ("run_user_number", RunFilter { user: Some("ada".into()), ..RunFilter::default() }),
        ("run_environment_number", RunFilter { environment: Some(7.into()), ..RunFilter::default() }),
        ("run_template_number", RunFilter { template: Some("nightly".into()), ..RunFilter::default() }),
    ];
    for (index, filter) in filters {
        for before in [None, Some(RunId(1000))] {
            let filter = RunFilter { before, ..filter.clone() };
            let statement = bind_filter(store.query(filtered(&filter)), &filter, 51, 1);
            let explained = plan(statement).await;
            assert_plan(&explained, &["IndexScan", index, "direction: Backward", "limit: $limit"], &GROWS);
        }
    }
}

/// A run's own records are read from its place in an index, in order; what is filtered there
/// is bounded by the run itself, not by the history.
#[tokio::test]
async fn a_runs_events_and_log_are_read_by_index_in_order() {
    let store = store_with_runs().await;
    let results = plan(store.test_results_statement(RunId(1), 10, 20)).await;
    assert_plan(&results, &["RecordIdScan", "test_result:[1, 10]>..=[1, 20]"], &GROWS);
    let log = plan(store.log_after_seq_statement(RunId(1), 10, 20, 256)).await;
    assert_plan(&log, &["IndexScan", "log_chunk_run", "[run:1] MoreThan 10"], &["TableScan", "Sort"]);
    let from = plan(store.log_from_statement(RunId(1), 4096, 64)).await;
    assert_plan(&from, &["IndexScan", "log_chunk_end", "[run:1] MoreThan 4096", "limit: $limit"], &GROWS);
}

#[tokio::test]
async fn environments_are_read_by_id_and_unfinished_runs_by_status() {
    let store = store_with_runs().await;
    let environments = plan(store.environments_statement()).await;
    assert_plan(&environments, &["SourceExpr"], &GROWS);
    for status in [RunStatus::Queued, RunStatus::Running] {
        let unfinished = plan(store.unfinished_statement("n", status)).await;
        assert_plan(&unfinished, &["IndexScan", "run_status_number", FROM_THE_FLOOR], &["TableScan"]);
    }
}

/// Queued and running runs are read from where active runs start (`active_floor.rs`): every
/// run in the history left a deleted key below it in the status index.
const FROM_THE_FLOOR: &str = "MoreThanEqual";

/// The queue is read from the front of the status index, and a node's cancel requests from
/// its running runs: neither reads the history.
#[tokio::test]
async fn the_queue_and_cancel_requests_are_read_by_status() {
    let store = store_with_runs().await;
    let queue = plan(store.queued_statement(100)).await;
    assert_plan(&queue, &["IndexScan", "run_status_number", FROM_THE_FLOOR, "limit: $limit"], &GROWS);
    let lines = plan(store.environment_lines_statement()).await;
    assert_plan(&lines, &["IndexScan", "run_status_number", FROM_THE_FLOOR], &["TableScan", "Sort"]);
    let requests = plan(store.cancel_requests_statement("n")).await;
    assert_plan(&requests, &["IndexScan", "run_status_number", FROM_THE_FLOOR], &["TableScan"]);
    let next = plan(store.query(NEXT_IN_LINE).bind("from", 1_i64).bind("line", 4_i64)).await;
    assert_plan(&next, &["IndexScan", FROM_THE_FLOOR, "limit: 1"], &["TableScan", "Sort"]);
    for status in [RunStatus::Queued, RunStatus::Running] {
        for before in [None, Some(RunId(1000))] {
            let filter = RunFilter { status: Some(status), before, ..RunFilter::default() };
            let list = plan(bind_filter(store.query(filtered(&filter)), &filter, 51, 1)).await;
            assert_plan(&list, &["IndexScan", "run_status_number", FROM_THE_FLOOR, "$limit"], &["TableScan", "Sort"]);
        }
    }
    let changed = plan(store.changed_statement(Utc::now(), 500)).await;
    assert_plan(&changed, &["IndexScan", "run_changed", "limit: $limit"], &GROWS);
}

/// A test's history reads its results by the index on node id (and environment) and time,
/// newest first, and stops at its page; its records, and the lists of flaky and slow tests,
/// are read by key or by their own index.
#[tokio::test]
async fn a_tests_history_and_records_are_read_by_index() {
    use super::test_history::{FLAKY, SLOWER, SLOWEST, history_statement};
    use crate::domain::HistoryQuery;
    let store = store_with_runs().await;
    let query = HistoryQuery { node_id: "t.py::a".into(), environment: None, since: None, until: None, limit: 50 };
    for (index, query) in [
        ("index: test_result_history,", query.clone()),
        ("index: test_result_history_environment,", HistoryQuery { environment: Some(7.into()), ..query.clone() }),
        (
            "index: test_result_history,",
            HistoryQuery { since: Some(Utc::now()), until: Some(Utc::now()), ..query.clone() },
        ),
    ] {
        let explained = plan(history_statement(&store, &query)).await;
        assert_plan(&explained, &["IndexScan", index, "direction: Backward", "limit: $limit"], &GROWS);
    }
    let flaky = plan(store.query(FLAKY).bind("since", Utc::now())).await;
    assert_plan(&flaky, &["IndexScan", "test_stat_flip"], &["TableScan"]);
    let slowest = plan(store.query(SLOWEST).bind("limit", 20_i64)).await;
    assert_plan(&slowest, &["IndexScan", "test_stat_median", "direction: Backward", "limit: $limit"], &GROWS);
    let slower = plan(store.query(SLOWER).bind("growth", 1.5).bind("limit", 20_i64)).await;
    assert_plan(&slower, &["IndexScan", "test_stat_growth", "direction: Backward", "limit: $limit"], &GROWS);
}
