//! The `uc-import` benchmark: UC notification records imported per second, with the
//! automation rate (issue 6).
//!
//! Set-up (reported, not the measure): the year's benefits settings (Swale's banded scheme)
//! and N working-age CTR claims, each received and awarded, then the read model caught up so
//! every claim can be matched. Then one file of N records is imported through
//! `BenefitsService::import_uc`: parsed, every NINO hashed and looked up, every matched record
//! applied to its claim by the council's rules. Timed: the import, and separately the seconds
//! until the read model has folded it. Then the same file again (a no-op).
//!
//! The mix is synthetic (a real council's differs): 80% a new income in the same band, 8% a
//! band change re-awarded by rule, 4% within the £15 tolerance, 3% a household change, 2% UC
//! ended, 1% backdated, 2% matching no claim. So the automation rate printed is this mix's:
//! 92% when every rule works as meant; the measure is the throughput.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use precept_app::benefits::{Assessed, BenefitsService, ImportRequest, NewClaim, NinoKey};
use precept_app::{FeedSource, HandlerConfig};
use precept_domain::Pence;
use precept_domain::benefits::claim::{Circumstances, ClaimKind};
use precept_domain::benefits::ctr::{BandedScheme, CtrCircumstances, CtrScheme, PensionAgeScheme};
use precept_domain::benefits::hb::{HbParameters, Household};
use precept_domain::benefits::nino::Nino;
use precept_domain::benefits::overpayment::RecoveryRates;
use precept_domain::benefits::settings::{BackdatingRules, BenefitSettings, SetBenefitSettings, UcRules};
use precept_domain::benefits::uc_file::{HEADER, UcNotificationKind, UcRecord, format_record};
use precept_domain::ids::{AccountId, ClaimId, PartyId};
use precept_domain::{FinancialYear, money::gbp};
use precept_eventstore::JetStreamEventStore;
use precept_projections::benefits::BenefitQueries;
use uuid::Uuid;

use crate::annual_billing::meta;
use crate::harness::Harness;

/// Options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Records in the file (and claims set up).
    #[arg(long, default_value_t = 100_000)]
    records: usize,
    /// Read model database (default: a fresh SQLite file).
    #[arg(long)]
    database_url: Option<String>,
    /// nats-server binary (default: the pinned one in .tools/).
    #[arg(
        long,
        env = "PRECEPT_NATS_SERVER",
        default_value = ".tools/nats-server-2.15.1/nats-server"
    )]
    nats_server: std::path::PathBuf,
}

type Service = BenefitsService<JetStreamEventStore>;

/// What record `index` carries, by its place in each hundred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    SameBand,
    BandChange,
    Tolerance,
    Household,
    Ended,
    Backdated,
    Unmatched,
}

fn kind(index: usize) -> Kind {
    match index % 100 {
        0..80 => Kind::SameBand,
        80..88 => Kind::BandChange,
        88..92 => Kind::Tolerance,
        92..95 => Kind::Household,
        95..97 => Kind::Ended,
        97..98 => Kind::Backdated,
        _ => Kind::Unmatched,
    }
}

fn day(text: &str) -> chrono::NaiveDate {
    text.parse().expect("bench dates are valid")
}

fn nino(index: usize) -> Nino {
    Nino::parse(&format!("QQ{index:06}A")).expect("bench NINOs are valid")
}

fn id(prefix: &str, index: usize) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{prefix}-{index}").as_bytes())
}

fn settings() -> BenefitSettings {
    BenefitSettings {
        hb: HbParameters::england_2025_26(),
        ctr: CtrScheme {
            working_age: BandedScheme::swale_2023(),
            pension_age: PensionAgeScheme::england_2025_26(),
        },
        recovery: RecoveryRates::year_2022_23(),
        uc: UcRules::default(),
        backdating: BackdatingRules::default(),
    }
}

async fn claim(service: &Service, council: &precept_domain::CouncilCode, index: usize) -> u64 {
    let claim = ClaimId::from_uuid(id("claim", index)).expect("id");
    let new = NewClaim {
        kind: ClaimKind::CouncilTaxReduction,
        claimant: PartyId::from_uuid(id("party", index)).expect("id"),
        nino: nino(index),
        received: day("2025-04-07"),
        claimed_from: day("2025-04-07"),
        pension_age: false,
        account: Some(AccountId::from_uuid(id("account", index)).expect("id")),
    };
    service
        .receive(council, &claim, new, &meta(format!("receive-{index}")))
        .await
        .expect("received");
    let weekly = if kind(index) == Kind::Tolerance {
        "94.00"
    } else {
        "80.00"
    };
    let decide = Assessed::Decide {
        on: day("2025-04-10"),
        circumstances: Circumstances::Ctr(CtrCircumstances {
            household: Household::default(),
            weekly_earnings: gbp(weekly),
            other_weekly_income: Pence::ZERO,
            capital: Pence::ZERO,
            passported: false,
            non_dependants: Vec::new(),
            non_dependant_exempt: false,
        }),
    };
    service
        .assessed(council, &claim, decide, &meta(format!("decide-{index}")))
        .await
        .expect("decided")
        .commit
        .sequence
}

fn file(records: usize) -> Vec<u8> {
    let mut text = String::with_capacity(records * 110);
    text.push_str(HEADER);
    text.push('\n');
    for index in 0..records {
        let kind = kind(index);
        let earned = match kind {
            Kind::BandChange => "520.00",
            Kind::Tolerance => "416.00",
            Kind::Ended => "0",
            _ => "390.00",
        };
        let record = UcRecord {
            line: 0,
            record_id: format!("UC-{index:08}"),
            kind: if kind == Kind::Ended {
                UcNotificationKind::Termination
            } else {
                UcNotificationKind::Change
            },
            // Unmatched records carry NINOs no claim has.
            nino: nino(if kind == Kind::Unmatched {
                900_000 + index % 99_999
            } else {
                index
            }),
            effective_date: day(if kind == Kind::Backdated {
                "2025-04-10"
            } else {
                "2025-05-15"
            }),
            assessment_period: (day("2025-04-15"), day("2025-05-14")),
            earned_income: gbp(earned),
            unearned_income: Pence::ZERO,
            housing_element: gbp("450.00"),
            partner: kind == Kind::Household,
            children: 0,
            lcwra: false,
            carer: false,
            passported: false,
            uc_deductions: Pence::ZERO,
        };
        text.push_str(&format_record(&record));
        text.push('\n');
    }
    text.into_bytes()
}

/// Runs the benchmark.
///
/// # Errors
/// Any component failing.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let harness = Harness::start(args.nats_server, "swale", args.database_url).await?;
    let council = harness.council.clone();
    let projector = harness.start_projector().await?;
    let reads = BenefitQueries::new(
        harness.read_store.clone(),
        projector.progress().clone(),
        Duration::from_secs(600),
    );
    let key = NinoKey::new(b"bench-nino-key-0123456789").expect("long enough");
    let service = Arc::new(BenefitsService::new(
        Arc::new(harness.store.clone()),
        HandlerConfig::default(),
        key,
    ));
    let year = FinancialYear::starting(2025).expect("year");
    service
        .set_settings(
            &council,
            year,
            SetBenefitSettings {
                effective_from: day("2025-04-01"),
                settings: settings(),
            },
            &meta("settings".into()),
        )
        .await?;
    let started = Instant::now();
    let claims: Vec<usize> = (0..args.records).filter(|i| kind(*i) != Kind::Unmatched).collect();
    let count = claims.len();
    let last = futures::stream::iter(claims)
        .map(|index| {
            let service = Arc::clone(&service);
            let council = council.clone();
            async move { claim(&service, &council, index).await }
        })
        .buffer_unordered(256)
        .fold(0, |last, sequence| async move { last.max(sequence) })
        .await;
    projector.caught_up(&council, last).await?;
    println!(
        "uc-import set-up: {count} CTR claims received and awarded, read model caught up, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let bytes = file(args.records);
    let request = ImportRequest {
        council: &council,
        bytes: &bytes,
        file_date: day("2025-06-02"),
        min_sequence: last,
    };
    let started = Instant::now();
    let report = service.import_uc(request, &reads, &meta("uc-file".into())).await?;
    let seconds = started.elapsed().as_secs_f64();
    let summary = &report.summary;
    #[allow(clippy::cast_precision_loss)]
    let per_second = args.records as f64 / seconds;
    println!(
        "uc-import ({}): {} records in {seconds:.1} s = {per_second:.0} records/s; automated {} (same band {}, \
         tolerance {}, re-awarded {}), to officers {} (unmatched {}), automation {:.1}%",
        harness.backend(),
        args.records,
        summary.automated(),
        summary.same_band,
        summary.within_tolerance,
        summary.reassessed,
        summary.needing_officer(),
        summary.unmatched.len(),
        f64::from(summary.automation_bp()) / 100.0
    );
    let waited = Instant::now();
    projector
        .caught_up(&council, harness.feeds.last_sequence(&council).await?)
        .await?;
    println!(
        "uc-import: read model caught up {:.1} s after the import finished",
        waited.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let again = service
        .import_uc(request, &reads, &meta("uc-file-again".into()))
        .await?;
    println!(
        "uc-import: the same file again: already imported = {}, {:.3} s",
        again.already_imported,
        started.elapsed().as_secs_f64()
    );
    projector.shutdown().await;
    harness.stop().await
}
