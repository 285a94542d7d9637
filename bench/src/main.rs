//! Testbay's benchmarks, run on demand; they print figures and assert nothing.
//!
//! ```text
//! testbay-bench seed --data-dir DIR --runs 100000
//! testbay-bench figures --binary target/release/testbay --levels 1000,10000,100000
//! testbay-bench retention --binary target/debug/testbay --runs 100000
//! testbay-bench soak --binary target/debug/testbay --runs 10000
//! ```
//!
//! `figures` seeds a data dir per level once (kept in `--work-dir` for the next time), starts
//! the given `testbay` binary on a copy of each, and prints one table: every figure at every
//! level side by side, the live-log latency and the cost of a run around pytest.

mod cluster;
mod figures;
mod history;
mod live;
mod overhead;
mod retention;
mod sampling;
mod seed;
mod service;
mod soak;
mod stats;
mod table;
mod upgrade;

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::service::ServiceSpec;

/// Bumped when the seeder writes different history, so that kept data dirs are seeded anew.
const SEED_FORMAT: &str = "5";
/// The same for the test history's data dirs.
const HISTORY_SEED_FORMAT: &str = "1";

#[derive(Parser)]
#[command(name = "testbay-bench", about = "Testbay's benchmarks: seed a data dir, measure a service.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add realistic runs to a data dir until it holds `--runs`, through Testbay's own store.
    Seed {
        #[arg(long)]
        data_dir: PathBuf,
        #[arg(long)]
        runs: i64,
        /// Writers at once.
        #[arg(long, default_value_t = 8)]
        workers: u8,
    },
    /// Measure every figure at each history size and print the table.
    Figures {
        /// The `testbay` binary to measure (a debug or a release build).
        #[arg(long)]
        binary: PathBuf,
        /// History sizes, in runs.
        #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
        levels: Vec<i64>,
        /// Where seeded data dirs are kept between invocations.
        #[arg(long, default_value = "/var/tmp/testbay-bench")]
        work_dir: PathBuf,
        /// The Python with pytest [default: the repository's .venv].
        #[arg(long)]
        python: Option<PathBuf>,
        /// Times each level is measured, each on a fresh copy of its data dir; a figure is the
        /// median of its rounds.
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..))]
        rounds: u8,
        /// Skip the live-log latency and the cost of a run (they do not depend on history).
        #[arg(long, conflicts_with = "costs_only")]
        history_only: bool,
        /// Only the live-log latency and the cost of a run.
        #[arg(long)]
        costs_only: bool,
        /// An argument for `testbay serve` (repeat it for several), e.g. `--serve-arg=--database-cache-mb=16`.
        #[arg(long = "serve-arg", allow_hyphen_values = true)]
        serve_args: Vec<String>,
    },
    /// Start the service on a seeded year of history with settings that keep a tenth of it, and
    /// time requests while it prunes.
    Retention {
        #[arg(long)]
        binary: PathBuf,
        /// The history size, in runs.
        #[arg(long, default_value_t = 100_000)]
        runs: i64,
        #[arg(long, default_value = "/var/tmp/testbay-bench")]
        work_dir: PathBuf,
        #[arg(long)]
        python: Option<PathBuf>,
        /// Stop timing after this many minutes even if pruning has not finished (the figures
        /// then say so).
        #[arg(long, default_value_t = 60)]
        minutes: u64,
        /// An argument for `testbay serve` (repeat it for several).
        #[arg(long = "serve-arg", allow_hyphen_values = true)]
        serve_args: Vec<String>,
    },
    /// Open a data dir of `runs` runs written as Testbay's first version wrote them, as an
    /// upgraded service does (migrations included), and time it.
    Upgrade {
        #[arg(long, default_value_t = 100_000)]
        runs: i64,
    },
    /// What sampling runs' memory and CPU costs the service, and what a long run's samples weigh.
    Sampling {
        #[arg(long)]
        binary: PathBuf,
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..))]
        rounds: u8,
        /// Seconds each measured run sleeps.
        #[arg(long, default_value_t = 30.0)]
        run_seconds: f64,
        #[arg(long)]
        python: Option<PathBuf>,
    },
    /// A test's history, the flaky and the slow lists at `runs` runs of 20 tests, and what the
    /// end of a run spends on its tests' records.
    History {
        #[arg(long)]
        binary: PathBuf,
        #[arg(long, default_value_t = 100_000)]
        runs: i64,
        #[arg(long, default_value = "/var/tmp/testbay-bench")]
        work_dir: PathBuf,
        #[arg(long)]
        python: Option<PathBuf>,
    },
    /// Runs per second with 1, 2 and 3 nodes on one SurrealDB server, and the print latency
    /// from one node's run to a client of another.
    Cluster {
        #[arg(long)]
        binary: PathBuf,
        /// The SurrealDB server binary (scripts/test.sh builds tools/surrealdb-server).
        #[arg(long)]
        surrealdb: PathBuf,
        #[arg(long, default_value_t = 60)]
        runs: usize,
        /// Runs each node executes at once.
        #[arg(long, default_value_t = 2)]
        capacity: usize,
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..))]
        rounds: u8,
        #[arg(long)]
        python: Option<PathBuf>,
    },
    /// Real one-test runs, two at a time, reading the service's memory as they go.
    Soak {
        #[arg(long)]
        binary: PathBuf,
        #[arg(long, default_value_t = 10_000)]
        runs: usize,
        /// Runs before the memory is expected to stay flat.
        #[arg(long, default_value_t = 1000)]
        warm_up: usize,
        #[arg(long)]
        python: Option<PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // What Testbay's own store code says while seeding or upgrading (RUST_LOG to change).
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,testbay=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        // SurrealQL's parser recurses deeply (as in the service).
        .thread_stack_size(10 * 1024 * 1024)
        .build()?;
    runtime.block_on(async {
        match cli.command {
            Command::Seed { data_dir, runs, workers } => {
                let seeded = seed::seed(&database_of(&data_dir), runs, workers).await?;
                println!("added {} runs in {:.1} s", seeded.runs, seeded.seconds);
                Ok(())
            }
            Command::Figures { binary, levels, work_dir, python, rounds, history_only, costs_only, serve_args } => {
                let levels = if costs_only { Vec::new() } else { levels };
                let spec = ServiceSpec { extra_args: serve_args, ..spec_of(&binary, python)? };
                figures_table(&spec, &levels, rounds, &work_dir, history_only).await
            }
            Command::Retention { binary, runs, work_dir, python, minutes, serve_args } => {
                let spec = ServiceSpec { extra_args: serve_args, ..spec_of(&binary, python)? };
                let seeded = seeded_dir(&work_dir, runs).await?;
                let scratch = work_dir.join("scratch");
                copy_dir(&seeded, &scratch)?;
                settle(&spec, &scratch).await?;
                let figures =
                    retention::prune_while_serving(&spec, &scratch, runs, std::time::Duration::from_secs(minutes * 60))
                        .await?;
                std::fs::remove_dir_all(&scratch)?;
                print!("{}", table::render_retention(&spec, &figures));
                Ok(())
            }
            Command::Upgrade { runs } => {
                let upgrade = upgrade::from_version_1(runs).await?;
                println!(
                    "a data dir of {} runs of version 1 ({} results each): written in {:.0} s, \
                     opened and migrated with the service's default sizes in {:.1} s",
                    upgrade.runs, 20, upgrade.write_seconds, upgrade.migrate_seconds
                );
                Ok(())
            }
            Command::Sampling { binary, rounds, run_seconds, python } => {
                let spec = spec_of(&binary, python)?;
                let cost = sampling::measure(&spec, rounds, run_seconds).await?;
                print!("{}", sampling::render(&spec, &cost, rounds));
                Ok(())
            }
            Command::History { binary, runs, work_dir, python } => {
                let spec = spec_of(&binary, python)?;
                let seeded = work_dir.join(format!("history-{runs}"));
                let marker = seeded.join("seed-format");
                if std::fs::read_to_string(&marker).ok().as_deref() != Some(HISTORY_SEED_FORMAT) {
                    if seeded.exists() {
                        std::fs::remove_dir_all(&seeded)?;
                    }
                    std::fs::create_dir_all(&seeded)?;
                    eprintln!("seeding {runs} runs of 20 tests into {}", seeded.display());
                    let seconds = history::seed(&database_of(&seeded), runs, 8).await?;
                    eprintln!("seeded in {seconds:.0} s");
                    std::fs::write(&marker, HISTORY_SEED_FORMAT)?;
                }
                let scratch = work_dir.join("scratch");
                copy_dir(&seeded, &scratch)?;
                settle(&spec, &scratch).await?;
                let figures = history::measure(&spec, &scratch, runs).await?;
                std::fs::remove_dir_all(&scratch)?;
                print!("{}", history::render(&spec, &figures));
                Ok(())
            }
            Command::Cluster { binary, surrealdb, runs, capacity, rounds, python } => {
                let spec = spec_of(&binary, python)?;
                let figures = cluster::measure(&spec, &std::path::absolute(surrealdb)?, runs, capacity, rounds).await?;
                print!("{}", cluster::render(&spec, &figures));
                Ok(())
            }
            Command::Soak { binary, runs, warm_up, python } => {
                let spec = spec_of(&binary, python)?;
                let soak = soak::real_runs(&spec, tempfile::tempdir()?.path(), runs).await?;
                print!("{}", table::render_soak(&spec, &soak, warm_up));
                Ok(())
            }
        }
    })
}

/// How to start the service under test: `binary` on the bench's own pytest files.
fn spec_of(binary: &Path, python: Option<PathBuf>) -> anyhow::Result<ServiceSpec> {
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).parent().context("repository")?.to_path_buf();
    Ok(ServiceSpec {
        binary: std::path::absolute(binary)?,
        python: python.unwrap_or_else(|| repository.join(".venv/bin/python")),
        tests_root: repository.join("bench/pytest"),
        extra_args: Vec::new(),
    })
}

/// The database address the service uses for a data dir by default.
fn database_of(data_dir: &Path) -> String {
    format!("surrealkv://{}", data_dir.join("db").display())
}

async fn figures_table(
    spec: &ServiceSpec,
    levels: &[i64],
    rounds: u8,
    work_dir: &Path,
    history_only: bool,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(work_dir)?;
    let idle = figures::idle_rss(spec, tempfile::tempdir()?.path()).await?;
    let mut measured = Vec::new();
    for &runs in levels {
        let seeded = seeded_dir(work_dir, runs).await?;
        let scratch = work_dir.join("scratch");
        let mut level = Vec::new();
        settle(spec, &seeded).await?;
        for round in 1..=rounds {
            copy_dir(&seeded, &scratch)?;
            eprintln!("measuring at {runs} runs, round {round} of {rounds}");
            level.push(figures::measure(spec, &scratch, runs).await?);
            std::fs::remove_dir_all(&scratch)?;
        }
        measured.push(level);
    }
    let (latency, overhead) = if history_only {
        (None, None)
    } else {
        eprintln!("measuring the live log and the cost of a run");
        let latency = live::print_to_client(spec, tempfile::tempdir()?.path()).await?;
        let fresh = tempfile::tempdir()?;
        let overhead = overhead::run_wait_against_bare_pytest(spec, fresh.path())?;
        (Some(latency), Some(overhead))
    };
    print!("{}", table::render(spec, idle, &measured, latency.as_ref(), overhead.as_ref()));
    Ok(())
}

/// The longest a service may take to finish what its first start on a seeded data dir sets off.
const SETTLE_LONGEST: std::time::Duration = std::time::Duration::from_secs(1800);

/// A data dir holding `runs` seeded runs, seeded now unless kept from an earlier invocation.
async fn seeded_dir(work_dir: &Path, runs: i64) -> anyhow::Result<PathBuf> {
    let dir = work_dir.join(format!("seed-{runs}"));
    let marker = dir.join("seed-format");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(SEED_FORMAT) {
        return Ok(dir);
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    eprintln!("seeding {runs} runs into {}", dir.display());
    let seeded = seed::seed(&database_of(&dir), runs, 8).await?;
    eprintln!("seeded {} runs in {:.0} s", seeded.runs, seeded.seconds);
    std::fs::write(&marker, SEED_FORMAT)?;
    Ok(dir)
}

/// How long a service on a data dir written by other code reads queued and running runs from
/// the start of their index before it has a floor to read them from (a minute: see the
/// service's `store/active_floor.rs`), with a margin.
const QUEUE_FLOOR_SETTLE: std::time::Duration = std::time::Duration::from_secs(75);

/// Starts the service on `data_dir` once and stops it, so that whatever it does once to a data
/// dir written by other code (a migration, an index of an older version, the queue's floor) is
/// done before the figures, as it is on a data dir a service has run on.
async fn settle(spec: &ServiceSpec, data_dir: &Path) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let service = service::Service::start(spec, data_dir, &[])?;
    let busy = service.wait_quiet(SETTLE_LONGEST).await?;
    eprintln!("the service was busy for {:.0} s after its first start on this data dir", busy.as_secs_f64());
    tokio::time::sleep(QUEUE_FLOOR_SETTLE.saturating_sub(started.elapsed())).await;
    service.stop()
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    let status = std::process::Command::new("cp").arg("-a").arg(from).arg(to).status()?;
    anyhow::ensure!(status.success(), "cp -a {} {}", from.display(), to.display());
    Ok(())
}
