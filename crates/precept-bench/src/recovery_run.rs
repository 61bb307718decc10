//! The `recovery-run` benchmark: accounts examined per second by the daily recovery run.
//!
//! Set-up (reported, not the measure): N properties and accounts, the annual billing run, and
//! April's instalment paid by all but one account in twenty. Then three timed runs through
//! `CouncilTaxService::run_recovery`, each starting from a read model that has caught up:
//! - the reminder day (15 April): every account examined, one in twenty sent a reminder;
//! - a quiet day (16 April): every account examined, no step due;
//! - the reminder day again with the same run id: every account's request is a replay.
//!
//! Each prints accounts examined per second, steps, and for the reminder day the seconds until
//! the recovery read model has folded the notices.

use std::time::Instant;

use chrono::NaiveDate;
use futures::StreamExt;
use precept_app::FeedSource;
use precept_app::council_tax::{BillingRun, RecoveryProgress, RecoveryRun, RunProgress};
use precept_domain::account::{AccountCommand, PaymentMethod, PaymentReference, PostPayment};
use precept_domain::{AccountId, CouncilCode, FinancialYear, PaymentId};
use uuid::Uuid;

use crate::annual_billing::{Service, meta, service, set_up};
use crate::harness::Harness;

/// Options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accounts in the council.
    #[arg(long, default_value_t = 100_000)]
    accounts: usize,
    /// Accounts examined at once.
    #[arg(long, default_value_t = 1_024)]
    concurrency: usize,
    /// One account in this many misses April's instalment.
    #[arg(long, default_value_t = 20)]
    miss_one_in: usize,
    /// Read model database (default: a fresh SQLite file).
    #[arg(long)]
    database_url: Option<String>,
    /// Run recovery from a fresh service (cold caches: every account loaded from the store,
    /// as on the first run after a restart) instead of the one that did the set-up.
    #[arg(long)]
    cold: bool,
    /// nats-server binary (default: the pinned one in .tools/).
    #[arg(
        long,
        env = "PRECEPT_NATS_SERVER",
        default_value = ".tools/nats-server-2.15.1/nats-server"
    )]
    nats_server: std::path::PathBuf,
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("bench dates are valid")
}

/// Pays April's instalment on 1 April for every account but one in `miss_one_in`.
async fn pay_april(
    service: &Service,
    council: &CouncilCode,
    ids: &[AccountId],
    miss_one_in: usize,
) -> anyhow::Result<()> {
    let started = Instant::now();
    let payers: Vec<(usize, &AccountId)> = ids
        .iter()
        .enumerate()
        .filter(|(n, _)| n % miss_one_in.max(1) != 0)
        .collect();
    let failed = futures::stream::iter(payers.iter().copied())
        .map(|(n, account)| async move {
            let state = service.account_state(council, account).await?;
            let first = state
                .as_open()
                .and_then(|open| open.years.values().next())
                .and_then(|year| year.instalments.first())
                .map(|instalment| instalment.amount)
                .ok_or_else(|| anyhow::anyhow!("account {account} has no instalments"))?;
            let payment = PostPayment {
                payment_id: PaymentId::from_uuid(Uuid::new_v4()).expect("not nil"),
                amount_pence: first,
                method: PaymentMethod::DirectDebit,
                reference: PaymentReference::parse("DD").expect("valid reference"),
                received_on: day("2025-04-01"),
                appropriate_to: None,
            };
            let command = AccountCommand::PostPayment(payment);
            service
                .accounts()
                .execute(council, account, command, &meta(format!("pay-{n}")))
                .await?;
            Ok::<_, anyhow::Error>(())
        })
        .buffer_unordered(1_024)
        .filter(|result| futures::future::ready(result.is_err()))
        .count()
        .await;
    anyhow::ensure!(failed == 0, "{failed} payments failed");
    println!(
        "set-up: {} April payments in {:.1} s",
        payers.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs the benchmark.
///
/// # Errors
/// Any component failing.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let harness = Harness::start(args.nats_server.clone(), "bench-recovery", args.database_url.clone()).await?;
    let (store, council, feeds) = (&harness.store, &harness.council, &harness.feeds);
    let projector = harness.start_projector().await?;
    let queries = harness.queries(&projector);
    let year = FinancialYear::starting(2025).expect("valid year");
    let service = service(store, args.accounts);
    let ids = set_up(&service, council, year, args.accounts).await?;
    let billing = BillingRun {
        council: council.clone(),
        year,
        issue_date: day("2025-03-10"),
        meta: meta("annual-2025".into()),
        concurrency: args.concurrency,
        page_size: 2_000,
    };
    let (progress, _) = tokio::sync::watch::channel(RunProgress::default());
    let started = Instant::now();
    let billed = service.run_annual_billing(&billing, &queries, &progress).await?;
    anyhow::ensure!(billed.billed == args.accounts as u64, "billing outcome {billed:?}");
    println!("set-up: annual billing in {:.1} s", started.elapsed().as_secs_f64());
    pay_april(&service, council, &ids, args.miss_one_in).await?;
    let service = if args.cold {
        crate::annual_billing::service(store, args.accounts)
    } else {
        service
    };

    let (progress, _) = tokio::sync::watch::channel(RecoveryProgress::default());
    for (label, date, request) in [
        ("reminder day", "2025-04-15", "recovery-0415"),
        ("quiet day", "2025-04-16", "recovery-0416"),
        ("reminder day re-run", "2025-04-15", "recovery-0415"),
    ] {
        // Each run starts from a caught-up read model, as a morning run after the night would.
        projector
            .caught_up(council, feeds.last_sequence(council).await?)
            .await?;
        let run = RecoveryRun {
            council: council.clone(),
            date: day(date),
            hearing: None,
            meta: meta(request.into()),
            concurrency: args.concurrency,
            page_size: 2_000,
        };
        let started = Instant::now();
        let outcome = service.run_recovery(&run, &queries, &progress).await?;
        let seconds = started.elapsed().as_secs_f64();
        anyhow::ensure!(
            outcome.examined == args.accounts as u64 && outcome.failed == 0,
            "run outcome {outcome:?}"
        );
        projector.caught_up(council, outcome.last_sequence).await?;
        let folded = started.elapsed().as_secs_f64();
        let cache = if args.cold {
            "cold caches at first"
        } else {
            "warm caches"
        };
        println!(
            "recovery run ({cache}), {label}: {} accounts examined in {seconds:.1} s = {:.0} accounts/s; {} steps; \
             read model caught up {folded:.1} s after the run started",
            outcome.examined,
            outcome.examined as f64 / seconds,
            outcome.steps,
        );
    }
    projector.shutdown().await;
    harness.stop().await
}
