//! The `replay` benchmark: rebuild a read model from N commits, against the raw write rate.
//!
//! Set-up (not timed): one council's stream filled through the real command path with a
//! realistic mix, N commits in all: the year's settings, then per account a property, the
//! account, its annual bill (the billing run) and monthly payments for the rest. The live
//! projector runs only until the billing run's directory is caught up, as it needs it.
//! Then, for SQLite and for PostgreSQL (a fresh database each):
//! - the replay: `precept_projections::replay::replay_council` from sequence 1 to the end,
//!   as `precept replay` runs it (read-ahead feed, large batches, one transaction each, rows
//!   kept between batches), once per `--batch-max` given;
//! - the raw rate: the rebuilt database's rows, read back and written into another fresh
//!   database with multi-row upserts only (`raw_upsert`, 10,000 rows a transaction);
//!
//! It prints commits/s for each and the ratio replay / raw (time to write the end state
//! directly over time to rebuild it). Target: 0.60 or more.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use precept_app::FeedSource;
use precept_app::council_tax::{BillingRun, RunProgress};
use precept_domain::account::{AccountCommand, PaymentMethod, PaymentReference, PostPayment};
use precept_domain::{AccountId, FinancialYear, PaymentId, Pence};
use precept_projections::ReadStore;
use precept_projections::billing::PROJECTOR;
use precept_projections::replay::{ReplayConfig, Unobserved, replay_council};
use precept_testkit::TestDatabase;
use uuid::Uuid;

use crate::annual_billing::{meta, service, set_up};
use crate::harness::Harness;
use crate::raw_upsert;

/// Rows per transaction of the raw copy: a replay batch's worth at the default batch size.
const RAW_ROWS_PER_TRANSACTION: usize = 10_000;
/// Commits per account besides its payments: property, account, bill.
const COMMITS_PER_ACCOUNT_SET_UP: usize = 3;
/// Accounts per ten commits: each account gets seven payments on average.
const COMMITS_PER_ACCOUNT: usize = 10;

/// Options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Commits (stream messages, one per command) written and replayed.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Commits folded per replay transaction; several (comma separated) are measured in turn
    /// on the same stream, for before/after comparisons in one run.
    #[arg(long, value_delimiter = ',', default_values_t = [ReplayConfig::default().batch_max])]
    batch_max: Vec<usize>,
    /// Skip PostgreSQL (e.g. on a machine without it).
    #[arg(long)]
    sqlite_only: bool,
    /// nats-server binary (default: the pinned one in .tools/).
    #[arg(
        long,
        env = "PRECEPT_NATS_SERVER",
        default_value = ".tools/nats-server-2.15.1/nats-server"
    )]
    nats_server: std::path::PathBuf,
}

/// Runs the benchmark.
///
/// # Errors
/// Any component failing.
pub async fn run(args: Args) -> anyhow::Result<()> {
    anyhow::ensure!(args.events >= 2 * COMMITS_PER_ACCOUNT, "--events must be at least 20");
    let harness = Harness::start(args.nats_server.clone(), "bench-replay", None).await?;
    let last = write_history(&harness, args.events).await?;
    measure(&harness, &args.batch_max, last, Backend::Sqlite).await?;
    if !args.sqlite_only {
        measure(&harness, &args.batch_max, last, Backend::Postgres).await?;
    }
    harness.stop().await
}

/// Fills the stream with `events` commits through the command path; returns its last sequence.
async fn write_history(harness: &Harness, events: usize) -> anyhow::Result<u64> {
    let (store, council, feeds) = (&harness.store, &harness.council, &harness.feeds);
    let accounts = events / COMMITS_PER_ACCOUNT;
    let payments = events - 1 - COMMITS_PER_ACCOUNT_SET_UP * accounts;
    let year = FinancialYear::starting(2025).expect("valid year");
    let service = service(store, accounts);
    let projector = harness.start_projector().await?;
    let started = Instant::now();
    let ids = set_up(&service, council, year, accounts).await?;
    let run = BillingRun {
        council: council.clone(),
        year,
        issue_date: chrono::NaiveDate::from_ymd_opt(2025, 3, 10).expect("valid date"),
        meta: meta("annual-2025".into()),
        concurrency: 1_024,
        page_size: 2_000,
    };
    let (progress, _) = tokio::sync::watch::channel(RunProgress::default());
    let outcome = service
        .run_annual_billing(&run, &harness.queries(&projector), &progress)
        .await?;
    anyhow::ensure!(outcome.billed == accounts as u64, "billing run outcome {outcome:?}");
    // The directory is no longer needed: payments are written without a projector running.
    projector.shutdown().await;
    pay(&service, harness, &ids, payments).await?;
    let last = feeds.last_sequence(council).await?;
    println!(
        "set-up: {last} commits ({accounts} accounts: property, account, bill, {payments} payments in all) \
         in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(last)
}

/// `payments` card payments, dealt round-robin over the accounts month by month.
async fn pay(
    service: &crate::annual_billing::Service,
    harness: &Harness,
    ids: &[AccountId],
    payments: usize,
) -> anyhow::Result<()> {
    let council = &harness.council;
    let failed = futures::stream::iter(0..payments)
        .map(|n| async move {
            let account = &ids[n % ids.len()];
            let month = u32::try_from(n / ids.len() % 12).expect("a month");
            let received_on = chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
                .and_then(|day| day.checked_add_months(chrono::Months::new(month)))
                .expect("a day in the year");
            let payment = PostPayment {
                payment_id: PaymentId::from_uuid(Uuid::new_v4()).expect("not nil"),
                amount_pence: Pence::new(10_000 + i64::try_from(n % 5_000).expect("small")),
                method: PaymentMethod::Card,
                reference: PaymentReference::parse("CARD").expect("valid reference"),
                received_on,
                appropriate_to: None,
            };
            service
                .accounts()
                .execute(
                    council,
                    account,
                    AccountCommand::PostPayment(payment),
                    &meta(format!("pay-{n}")),
                )
                .await
        })
        .buffer_unordered(1_024)
        .filter(|result| futures::future::ready(result.is_err()))
        .count()
        .await;
    anyhow::ensure!(failed == 0, "{failed} payments failed");
    Ok(())
}

/// Which database a measurement uses.
#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    async fn fresh(self) -> TestDatabase {
        match self {
            Backend::Sqlite => TestDatabase::sqlite(),
            Backend::Postgres => TestDatabase::postgres().await,
        }
    }
}

/// Replays into a fresh database once per batch size, then copies the rebuilt rows raw into
/// another fresh database, and reports each replay against the raw rate.
async fn measure(harness: &Harness, batch_sizes: &[usize], last: u64, backend: Backend) -> anyhow::Result<()> {
    let mut replays = Vec::new();
    let mut rebuilt = None;
    for &batch_max in batch_sizes {
        let database = backend.fresh().await;
        let store = ReadStore::connect(database.url()).await?;
        let config = ReplayConfig {
            batch_max,
            ..ReplayConfig::default()
        };
        let started = Instant::now();
        let reached = replay_council(
            Arc::clone(&harness.feeds),
            &store,
            PROJECTOR,
            &harness.council,
            last,
            &config,
            &Unobserved,
        )
        .await?;
        anyhow::ensure!(reached == last, "replay reached {reached} of {last}");
        replays.push((batch_max, started.elapsed()));
        store.close().await;
        rebuilt = Some(database);
    }
    let rebuilt = rebuilt.ok_or_else(|| anyhow::anyhow!("no batch size given"))?;
    let (from, raw_database) = (ReadStore::connect(rebuilt.url()).await?, backend.fresh().await);
    let to = ReadStore::connect(raw_database.url()).await?;
    let raw = raw_upsert::copy(&from, &to, RAW_ROWS_PER_TRANSACTION).await?;
    from.close().await;
    to.close().await;
    let raw_rate = per_second(last, raw.elapsed);
    println!(
        "{backend:?}: raw upsert of the rebuilt {} rows in {:.2} s = {:.0} rows/s, {raw_rate:.0} commits/s equivalent",
        raw.rows,
        raw.elapsed.as_secs_f64(),
        per_second(raw.rows, raw.elapsed),
    );
    for (batch_max, elapsed) in replays {
        let rate = per_second(last, elapsed);
        println!(
            "{backend:?}: replay of {last} commits, {batch_max} a batch: {:.2} s = {rate:.0} commits/s; \
             ratio replay/raw = {:.2} (target >= 0.60)",
            elapsed.as_secs_f64(),
            rate / raw_rate,
        );
    }
    Ok(())
}

fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(f64::EPSILON)
}
