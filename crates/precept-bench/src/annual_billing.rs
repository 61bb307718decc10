//! The `annual-billing` benchmark: bill N accounts end to end.
//!
//! Set-up (not timed against the target): a council year with Tonbridge & Malling's 2025/26
//! precepts, N properties over bands A-H, N accounts. Then the timed part: the annual billing
//! run through `CouncilTaxService::run_annual_billing` (read-model catch-up, paging, one
//! command per account: load, charge, instalments, append), and the seconds until the billing
//! read model has folded every notice. With `--cold` the run uses a fresh service, so every
//! account and property is loaded from the store rather than the command-side cache.

use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use precept_app::council_tax::{BillingRun, RunProgress};
use precept_app::{Actor, CouncilTaxService, FeedSource, Fingerprint, HandlerConfig, RequestId, RequestMeta};
use precept_domain::account::OpenAccount;
use precept_domain::council_year::{
    Band, LocalPolicy, Preceptor, PreceptorKind, SetYearSettings, ShortCode, YearSettings,
};
use precept_domain::instalments::InstalmentPlan;
use precept_domain::property::PropertyCommand;
use precept_domain::{AccountId, CouncilCode, FinancialYear, PartyId, Pence, Uprn};
use precept_eventstore::JetStreamEventStore;
use uuid::Uuid;

use crate::harness::Harness;

/// Options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Accounts billed.
    #[arg(long, default_value_t = 100_000)]
    accounts: usize,
    /// Accounts billed at once.
    #[arg(long, default_value_t = 1_024)]
    concurrency: usize,
    /// Read model database (default: a fresh SQLite file).
    #[arg(long)]
    database_url: Option<String>,
    /// Bill from a fresh service (cold caches) instead of the one that did the set-up.
    #[arg(long)]
    cold: bool,
    /// Diagnostic: stop the projector for the run and fold the notices afterwards, to measure
    /// the command path and the projector each on their own.
    #[arg(long)]
    projector_after: bool,
    /// nats-server binary (default: the pinned one in .tools/).
    #[arg(
        long,
        env = "PRECEPT_NATS_SERVER",
        default_value = ".tools/nats-server-2.15.1/nats-server"
    )]
    nats_server: std::path::PathBuf,
}

pub(crate) fn meta(request: String) -> RequestMeta {
    RequestMeta {
        request_id: RequestId::parse(&request).expect("bench request ids are valid"),
        correlation_id: Uuid::new_v4(),
        causation_id: None,
        actor: Actor::parse("bench").expect("valid actor"),
        fingerprint: Fingerprint(request),
    }
}

fn settings() -> YearSettings {
    let preceptor = |code: &str, kind, pence| Preceptor {
        code: ShortCode::parse(code).expect("valid code"),
        kind,
        parish_area: None,
        band_d: Pence::new(pence),
    };
    YearSettings {
        bands: YearSettings::england_bands(),
        preceptors: vec![
            preceptor("tmbc", PreceptorKind::BillingAuthority, 22_232),
            preceptor("kcc", PreceptorKind::County, 169_119),
            preceptor("kent-pcc", PreceptorKind::Police, 27_015),
            preceptor("kent-fire", PreceptorKind::Fire, 9_486),
        ],
        policy: LocalPolicy::england_default(),
    }
}

pub(crate) type Service = CouncilTaxService<JetStreamEventStore>;

pub(crate) fn service(store: &JetStreamEventStore, accounts: usize) -> Service {
    let config = HandlerConfig {
        cache_capacity: accounts + accounts / 4 + 1_000,
        ..HandlerConfig::default()
    };
    CouncilTaxService::new(Arc::new(store.clone()), config)
}

/// Settings, then `accounts` properties and accounts; returns the account ids.
pub(crate) async fn set_up(
    service: &Service,
    council: &CouncilCode,
    year: FinancialYear,
    accounts: usize,
) -> anyhow::Result<Vec<AccountId>> {
    let command = SetYearSettings {
        effective_from: year.first_day(),
        settings: settings(),
    };
    service
        .set_year(council, year, command, &meta("settings".into()))
        .await?;
    let started = Instant::now();
    let opened = futures::stream::iter(0..accounts)
        .map(|n| async move {
            let uprn = Uprn::parse(&(10_000_000 + n).to_string()).expect("valid UPRN");
            let register = PropertyCommand::Register {
                address_reference: format!("BLPU-{n}"),
                band: Band::ALL[n % 8],
                parish_area: None,
                effective_from: year.first_day(),
            };
            service
                .register_property(council, uprn, register, &meta(format!("p-{n}")))
                .await?;
            let open = OpenAccount {
                property: uprn,
                liability_start: chrono::NaiveDate::from_ymd_opt(2020, 6, 1).expect("valid date"),
                liable_parties: vec![PartyId::from_uuid(Uuid::new_v4()).expect("not nil")],
                balance_brought_forward_pence: Pence::ZERO,
                instalment_plan: InstalmentPlan::default(),
            };
            let account = AccountId::from_uuid(Uuid::new_v4()).expect("not nil");
            service
                .open_account(council, &account, open, &meta(format!("a-{n}")))
                .await?;
            Ok::<_, precept_app::ServiceError>(account)
        })
        .buffer_unordered(256)
        .collect::<Vec<_>>()
        .await;
    let ids: Vec<AccountId> = opened.into_iter().filter_map(Result::ok).collect();
    anyhow::ensure!(ids.len() == accounts, "{} set-up commands failed", accounts - ids.len());
    let elapsed = started.elapsed();
    println!(
        "set-up: {accounts} properties + {accounts} accounts in {:.1} s ({:.0} pairs/s)",
        elapsed.as_secs_f64(),
        accounts as f64 / elapsed.as_secs_f64()
    );
    Ok(ids)
}

/// Runs the benchmark.
///
/// # Errors
/// Any component failing.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let harness = Harness::start(args.nats_server.clone(), "bench-billing", args.database_url.clone()).await?;
    let (store, council, feeds) = (&harness.store, &harness.council, &harness.feeds);
    let projector = harness.start_projector().await?;
    let queries = harness.queries(&projector);
    let year = FinancialYear::starting(2025).expect("valid year");
    let warm = service(store, args.accounts);
    set_up(&warm, council, year, args.accounts).await?;
    // A real annual run starts from a read model that has long caught up with the accounts.
    let waited = Instant::now();
    projector
        .caught_up(council, feeds.last_sequence(council).await?)
        .await?;
    println!(
        "set-up: read model caught up {:.1} s after set-up",
        waited.elapsed().as_secs_f64()
    );
    // Stopped, the queries keep answering from the checkpoint already reached.
    let projector = if args.projector_after {
        projector.shutdown().await;
        None
    } else {
        Some(projector)
    };
    let billing = if args.cold { service(store, args.accounts) } else { warm };

    let run = BillingRun {
        council: council.clone(),
        year,
        issue_date: chrono::NaiveDate::from_ymd_opt(2025, 3, 10).expect("valid date"),
        meta: meta("annual-2025".into()),
        concurrency: args.concurrency,
        page_size: 2_000,
    };
    let (progress, _) = tokio::sync::watch::channel(RunProgress::default());
    let started = Instant::now();
    let outcome = billing.run_annual_billing(&run, &queries, &progress).await?;
    let run_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        outcome.billed == args.accounts as u64 && outcome.failed == 0,
        "run outcome {outcome:?}"
    );
    let last = feeds.last_sequence(council).await?;
    let projector = match projector {
        Some(projector) => projector,
        None => {
            let folding = Instant::now();
            let projector = harness.start_projector().await?;
            projector.caught_up(council, last).await?;
            let seconds = folding.elapsed().as_secs_f64();
            println!(
                "projector alone: {} notices folded in {seconds:.1} s = {:.0} notices/s",
                outcome.billed,
                outcome.billed as f64 / seconds
            );
            projector
        }
    };
    projector.caught_up(council, last).await?;
    let caught_up = started.elapsed().as_secs_f64();
    let cache = if args.cold { "cold caches" } else { "warm caches" };
    println!(
        "annual billing ({cache}, {} in flight): {} accounts in {run_seconds:.1} s = {:.0} accounts/s; \
         read model caught up {caught_up:.1} s after the run started ({})",
        args.concurrency,
        outcome.billed,
        outcome.billed as f64 / run_seconds,
        harness.backend(),
    );
    projector.shutdown().await;
    harness.stop().await
}
