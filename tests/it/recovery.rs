//! A year of daily recovery runs for 2,000 accounts with a scripted payment pattern, checked
//! against a tally the test works out from the script alone (REFERENCE §1.10 timetable with
//! the council's default 14-day reminder lag, 7 + 7 days, 14 days' summons notice).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use futures::StreamExt;
use precept_app::AccountDirectory;
use precept_app::council_tax::{
    BillingRun, ListedStep, RecoveryProgress, RecoveryReads, RecoveryRun, RunProgress, StepQuery, StepSelection,
};
use precept_app::{CouncilTaxService, FeedSource, HandlerConfig, RequestMeta, SystemClock};
use precept_domain::account::{OpenAccount, PaymentMethod, PaymentReference, PostPayment};
use precept_domain::council_year::{
    Band, LocalPolicy, Preceptor, PreceptorKind, SetYearSettings, ShortCode, YearSettings,
};
use precept_domain::instalments::InstalmentPlan;
use precept_domain::property::PropertyCommand;
use precept_domain::{AccountId, CouncilCode, FinancialYear, PartyId, PaymentId, Pence, Uprn};
use precept_eventstore::{EventStoreConfig, JetStreamEventStore, JetStreamFeedSource};
use precept_projections::billing::PROJECTOR;
use precept_projections::billing::queries::BillingQueries;
use precept_projections::recovery::queries::RecoveryQueries;
use precept_projections::{Projector, ProjectorConfig, ReadStore};
use precept_testkit::{TestDatabase, TestNats};
use uuid::Uuid;

const ACCOUNTS: usize = 2_000;

fn d(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

fn meta(request: String) -> RequestMeta {
    precept_testkit::request_meta(&request)
}

/// How an account pays: five patterns, one per account index modulo 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Pattern {
    /// Every instalment on its due date.
    OnTime,
    /// May's instalment three days after its reminder (inside the 7 days).
    LateOnce,
    /// April to June, then nothing.
    Stops,
    /// May and August late inside their reminders' windows; nothing from November.
    ThreeDefaults,
    /// Like `Stops`, then the balance and summons costs a week after the summons.
    PaysAfterSummons,
}

impl Pattern {
    fn of(index: usize) -> Self {
        [
            Pattern::OnTime,
            Pattern::LateOnce,
            Pattern::Stops,
            Pattern::ThreeDefaults,
            Pattern::PaysAfterSummons,
        ][index % 5]
    }

    /// When each of the ten monthly instalments (April = 0) is paid, if at all.
    fn paid_on(self, instalment: usize, due: NaiveDate) -> Option<NaiveDate> {
        let late = |date: &str| Some(d(date));
        match (self, instalment) {
            (Pattern::LateOnce, 1) => late("2025-05-18"),
            (Pattern::Stops | Pattern::PaysAfterSummons, 3..) => None,
            (Pattern::ThreeDefaults, 1) => late("2025-05-18"),
            (Pattern::ThreeDefaults, 4) => late("2025-08-18"),
            (Pattern::ThreeDefaults, 7..) => None,
            _ => Some(due),
        }
    }

    /// The script's own tally: final stage and costs charged (summons £70, order £30).
    fn expected(self) -> (&'static str, Pence) {
        match self {
            Pattern::OnTime => ("none", Pence::ZERO),
            Pattern::LateOnce => ("instalments_resumed", Pence::ZERO),
            // July missed: reminder 15 Jul, lost 23 Jul, summons 29 Jul, order at the 13 Aug hearing.
            Pattern::Stops => ("liability_order", Pence::new(10_000)),
            // November missed after two reminders met: final notice 15 Nov, summons 22 Nov,
            // order at the 10 Dec hearing.
            Pattern::ThreeDefaults => ("liability_order", Pence::new(10_000)),
            Pattern::PaysAfterSummons => ("cleared", Pence::new(7_000)),
        }
    }
}

/// Court hearings are on Wednesdays; a run is given the first at least 14 days away.
fn hearing_for(date: NaiveDate) -> NaiveDate {
    let mut hearing = date + Days::new(14);
    while hearing.weekday() != Weekday::Wed {
        hearing = hearing + Days::new(1);
    }
    hearing
}

fn settings() -> YearSettings {
    YearSettings {
        bands: YearSettings::england_bands(),
        preceptors: vec![Preceptor {
            code: ShortCode::parse("swale").expect("code"),
            kind: PreceptorKind::BillingAuthority,
            parish_area: None,
            band_d: Pence::new(210_000),
        }],
        policy: LocalPolicy::england_default(),
    }
}

type Service = CouncilTaxService<JetStreamEventStore>;

struct Account {
    id: AccountId,
    pattern: Pattern,
}

async fn set_up(service: &Service, council: &CouncilCode, year: FinancialYear) -> Vec<Account> {
    service
        .set_year(
            council,
            year,
            SetYearSettings {
                effective_from: year.first_day(),
                settings: settings(),
            },
            &meta("settings".into()),
        )
        .await
        .expect("settings");
    futures::stream::iter(0..ACCOUNTS)
        .map(|n| async move {
            let uprn = Uprn::parse(&(20_000_000 + n).to_string()).expect("UPRN");
            let register = PropertyCommand::Register {
                address_reference: format!("BLPU-{n}"),
                band: Band::ALL[n % 8],
                parish_area: None,
                effective_from: d("1993-04-01"),
            };
            service
                .register_property(council, uprn, register, &meta(format!("p-{n}")))
                .await
                .expect("property");
            let open = OpenAccount {
                property: uprn,
                liability_start: d("2020-06-01"),
                liable_parties: vec![PartyId::from_uuid(Uuid::new_v4()).expect("not nil")],
                balance_brought_forward_pence: Pence::ZERO,
                instalment_plan: InstalmentPlan::default(),
            };
            let id = AccountId::from_uuid(Uuid::new_v4()).expect("not nil");
            service
                .open_account(council, &id, open, &meta(format!("a-{n}")))
                .await
                .expect("open");
            Account {
                id,
                pattern: Pattern::of(n),
            }
        })
        .buffer_unordered(64)
        .collect()
        .await
}

/// Every payment the script makes, by day: (account, amount).
async fn payment_diary(
    service: &Service,
    council: &CouncilCode,
    accounts: &[Account],
) -> BTreeMap<NaiveDate, Vec<(AccountId, Pence)>> {
    let mut diary: BTreeMap<NaiveDate, Vec<(AccountId, Pence)>> = BTreeMap::new();
    for account in accounts {
        let state = service.account_state(council, &account.id).await.expect("state");
        let year = state
            .as_open()
            .expect("open")
            .years
            .values()
            .next()
            .expect("billed")
            .clone();
        assert_eq!(year.instalments.len(), 10, "ten instalments from April");
        for (index, instalment) in year.instalments.iter().enumerate() {
            if let Some(day) = account.pattern.paid_on(index, instalment.due) {
                diary.entry(day).or_default().push((account.id, instalment.amount));
            }
        }
        if account.pattern == Pattern::PaysAfterSummons {
            // Balance (seven instalments) and the £70 summons costs, a week after the summons.
            let rest: Pence = year.instalments[3..].iter().map(|i| i.amount).sum();
            diary
                .entry(d("2025-08-05"))
                .or_default()
                .push((account.id, rest + Pence::new(7_000)));
        }
    }
    diary
}

async fn pay(service: &Service, council: &CouncilCode, day: NaiveDate, payments: &[(AccountId, Pence)]) {
    futures::stream::iter(payments.iter().enumerate())
        .for_each_concurrent(64, |(n, (account, amount))| async move {
            let payment = PostPayment {
                payment_id: PaymentId::from_uuid(Uuid::new_v4()).expect("not nil"),
                amount_pence: *amount,
                method: PaymentMethod::DirectDebit,
                reference: PaymentReference::parse("DD").expect("reference"),
                received_on: day,
                appropriate_to: None,
            };
            service
                .accounts()
                .execute(
                    council,
                    account,
                    precept_domain::account::AccountCommand::PostPayment(payment),
                    &meta(format!("pay-{day}-{n}")),
                )
                .await
                .expect("payment");
        })
        .await;
}

fn run_for(council: &CouncilCode, day: NaiveDate, request: String) -> RecoveryRun {
    RecoveryRun {
        council: council.clone(),
        date: day,
        hearing: Some(hearing_for(day)),
        meta: meta(request),
        concurrency: 256,
        page_size: 500,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_year_of_daily_recovery_runs_for_2000_accounts_matches_the_script_s_tally() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let client = async_nats::connect(nats.url()).await.expect("connect");
    let store = JetStreamEventStore::connect(client, EventStoreConfig::default(), Arc::new(SystemClock))
        .await
        .expect("store");
    let council = CouncilCode::parse("swale").expect("code");
    store
        .ensure_streams(std::slice::from_ref(&council))
        .await
        .expect("streams");
    let read_store = ReadStore::connect(database.url()).await.expect("read store");
    let feeds = Arc::new(JetStreamFeedSource::new(store.clone()));
    let projector = Projector::start(
        Arc::clone(&feeds),
        read_store.clone(),
        std::slice::from_ref(&council),
        ProjectorConfig::new(PROJECTOR),
    )
    .await
    .expect("projector");
    let recovery_reads = RecoveryQueries::new(
        read_store.clone(),
        projector.progress().clone(),
        Duration::from_secs(60),
    );
    let directory = BillingQueries::new(
        read_store,
        projector.progress().clone(),
        Arc::clone(&feeds),
        Duration::from_secs(60),
    );
    let service = CouncilTaxService::new(Arc::new(store.clone()), HandlerConfig::default());
    let year = FinancialYear::starting(2025).expect("year");

    let accounts = set_up(&service, &council, year).await;
    let (billing_progress, _) = tokio::sync::watch::channel(RunProgress::default());
    let billing = BillingRun {
        council: council.clone(),
        year,
        issue_date: d("2025-03-10"),
        meta: meta("annual".into()),
        concurrency: 256,
        page_size: 500,
    };
    let billed = service
        .run_annual_billing(&billing, &directory, &billing_progress)
        .await
        .expect("billing");
    assert_eq!(billed.billed, ACCOUNTS as u64);
    let diary = payment_diary(&service, &council, &accounts).await;

    let (progress, _) = tokio::sync::watch::channel(RecoveryProgress::default());
    let mut steps_by_day = BTreeMap::new();
    let mut day = d("2025-04-01");
    while day <= d("2026-03-31") {
        if let Some(payments) = diary.get(&day) {
            pay(&service, &council, day, payments).await;
        }
        let outcome = service
            .run_recovery(
                &run_for(&council, day, format!("recovery-{day}")),
                &directory,
                &progress,
            )
            .await
            .expect("run");
        assert_eq!(
            (outcome.examined, outcome.failed),
            (ACCOUNTS as u64, 0),
            "{day}: {:?}",
            outcome.failures
        );
        steps_by_day.insert(day, outcome.steps);
        day = day + Days::new(1);
    }

    // The script's tally, per pattern, against what the accounts say.
    let mut counted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut costs, mut expected_costs, mut owed, mut expected_owed) =
        (Pence::ZERO, Pence::ZERO, Pence::ZERO, Pence::ZERO);
    for account in &accounts {
        let state = service.account_state(&council, &account.id).await.expect("state");
        let billed = state.as_open().expect("open").years.get(&year).expect("billed").clone();
        *counted.entry(billed.recovery.stage_name()).or_default() += 1;
        costs = costs + billed.recovery.costs;
        owed = owed + billed.outstanding();
        let (stage, account_costs) = account.pattern.expected();
        *expected.entry(stage).or_default() += 1;
        expected_costs = expected_costs + account_costs;
        let unpaid: Pence = billed
            .instalments
            .iter()
            .enumerate()
            .filter(|(index, instalment)| account.pattern.paid_on(*index, instalment.due).is_none())
            .map(|(_, instalment)| instalment.amount)
            .sum();
        if account.pattern != Pattern::PaysAfterSummons {
            expected_owed = expected_owed + unpaid + account_costs;
        }
    }
    assert_eq!(counted, expected, "accounts per stage");
    assert_eq!(costs, expected_costs, "costs charged");
    assert_eq!(owed, expected_owed, "still owed at the year's end");
    let by_pattern = |pattern| accounts.iter().filter(|a| a.pattern == pattern).count() as u64;
    // Steps on the script's key days: reminders, losses, summonses and orders.
    let late_once = by_pattern(Pattern::LateOnce) + by_pattern(Pattern::ThreeDefaults);
    assert_eq!(steps_by_day[&d("2025-05-15")], late_once, "first reminders for May");
    assert_eq!(steps_by_day[&d("2025-05-23")], late_once, "reminders complied");
    let stoppers = by_pattern(Pattern::Stops) + by_pattern(Pattern::PaysAfterSummons);
    assert_eq!(
        steps_by_day[&d("2025-07-29")],
        stoppers,
        "summonses once the balance is due"
    );
    assert_eq!(
        steps_by_day[&d("2025-08-05")],
        by_pattern(Pattern::PaysAfterSummons),
        "summonses withdrawn"
    );
    assert_eq!(
        steps_by_day[&d("2025-08-13")],
        by_pattern(Pattern::Stops),
        "orders at the hearing"
    );
    assert_eq!(
        steps_by_day[&d("2025-11-15")],
        by_pattern(Pattern::ThreeDefaults),
        "final notices"
    );

    read_model_matches(
        &recovery_reads,
        &directory,
        &council,
        year,
        &accounts,
        (&expected, expected_costs, expected_owed),
    )
    .await;

    // Re-running any day, with the same run id or a new one, changes nothing.
    let last = feeds.last_sequence(&council).await.expect("sequence");
    for rerun in [
        "2025-05-15",
        "2025-07-23",
        "2025-07-29",
        "2025-08-13",
        "2025-11-15",
        "2025-12-10",
    ] {
        for request in [format!("recovery-{rerun}"), format!("recovery-{rerun}-again")] {
            let outcome = service
                .run_recovery(&run_for(&council, d(rerun), request), &directory, &progress)
                .await
                .expect("re-run");
            assert_eq!(outcome.stepped, 0, "re-running {rerun} took a step");
        }
    }
    assert_eq!(
        feeds.last_sequence(&council).await.expect("sequence"),
        last,
        "nothing appended by re-runs"
    );
    projector.shutdown().await;
}

/// The recovery read model agrees with the script's tally: the caseload by stage, the day's
/// notices, and a hearing's summons list with where each account stands now.
async fn read_model_matches(
    reads: &RecoveryQueries,
    directory: &impl AccountDirectory,
    council: &CouncilCode,
    year: FinancialYear,
    accounts: &[Account],
    (expected, expected_costs, expected_owed): (&BTreeMap<&str, usize>, Pence, Pence),
) {
    directory.catch_up(council).await.expect("read model caught up");
    let caseload = reads.caseload(council, year, 0).await.expect("caseload");
    let stages: BTreeMap<&str, usize> = caseload
        .stages
        .iter()
        .map(|totals| (totals.stage.as_str(), totals.accounts as usize))
        .collect();
    // Accounts that never missed a payment have no recovery row.
    let mut in_recovery = expected.clone();
    in_recovery.remove("none");
    assert_eq!(stages, in_recovery, "read model: account-years per stage");
    let costs: i64 = caseload.stages.iter().map(|totals| totals.costs_pence).sum();
    let owed: i64 = caseload.stages.iter().map(|totals| totals.outstanding_pence).sum();
    assert_eq!(
        (costs, owed),
        (expected_costs.get(), expected_owed.get()),
        "read model: costs and owed"
    );

    let count = |pattern| accounts.iter().filter(|a| a.pattern == pattern).count();
    let reminders = all_steps(reads, council, StepSelection::Notices { on: d("2025-05-15") }).await;
    assert_eq!(
        reminders.len(),
        count(Pattern::LateOnce) + count(Pattern::ThreeDefaults),
        "notices of 15 May"
    );
    assert!(reminders.iter().all(|listed| listed.step.kind == "reminder_issued"));
    let summonses = all_steps(
        reads,
        council,
        StepSelection::Summonses {
            hearing: d("2025-08-13"),
        },
    )
    .await;
    let mut now: BTreeMap<&str, usize> = BTreeMap::new();
    for listed in &summonses {
        *now.entry(listed.now.as_ref().map_or("missing", |year| year.stage.as_str()))
            .or_default() += 1;
    }
    let want = BTreeMap::from([
        ("cleared", count(Pattern::PaysAfterSummons)),
        ("liability_order", count(Pattern::Stops)),
    ]);
    assert_eq!(
        now, want,
        "summons list for the 13 August hearing, by where each stands now"
    );
}

/// Every step of a selection, read 150 at a time to cross page boundaries.
async fn all_steps(reads: &RecoveryQueries, council: &CouncilCode, selection: StepSelection) -> Vec<ListedStep> {
    let mut steps: Vec<ListedStep> = Vec::new();
    loop {
        let query = StepQuery {
            council: council.clone(),
            selection: selection.clone(),
            after: steps.last().map(|last| (last.step.sequence, last.step.position)),
            limit: 150,
            min_sequence: 0,
        };
        let page = reads.steps(&query).await.expect("steps");
        let done = page.len() < 150;
        steps.extend(page);
        if done {
            return steps;
        }
    }
}
