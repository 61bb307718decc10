//! Benefits end to end through gRPC (issue 6): a council's CTR scheme and settings, 5,000
//! claims in a known mix, a UC notification file of 5,000 records (and some malformed lines)
//! imported in chunks, and the outcome counts, work queue, automation rate and speed of
//! processing checked against the test's own tally; then the same file again changes nothing.

use futures::StreamExt;
use precept_api::proto::benefits_client::BenefitsClient;
use precept_api::proto::{
    Circumstances, ClaimKind, DecideClaimRequest, GetClaimRequest, Household, ListWorkQueueRequest, PeriodRequest,
    ReceiveClaimRequest, SetBenefitSettingsRequest, UcFileChunk,
};
use precept_domain::Pence;
use precept_domain::benefits::nino::Nino;
use precept_domain::benefits::uc_file::{HEADER, UcNotificationKind, UcRecord, format_record};
use precept_testkit::AuthChannel;
use precept_testkit::{TestDatabase, TestNats, council, spawn_app};
use tonic::Code;
use uuid::Uuid;

const COUNCIL: &str = "swale";
const FILE_DATE: &str = "2025-06-02";

/// What each record is meant to exercise, and so what the import must do with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mix {
    SameBand,
    BandChange,
    WithinTolerance,
    UcEnded,
    HouseholdChanged,
    Backdated,
    HousingBenefit,
    NotDecided,
    Unmatched,
}

/// The known mix: (kind, records).
const MIX: [(Mix, usize); 9] = [
    (Mix::SameBand, 2_400),
    (Mix::BandChange, 800),
    (Mix::WithinTolerance, 400),
    (Mix::UcEnded, 300),
    (Mix::HouseholdChanged, 300),
    (Mix::Backdated, 200),
    (Mix::HousingBenefit, 100),
    (Mix::NotDecided, 100),
    (Mix::Unmatched, 400),
];

fn mix_of(index: usize) -> Mix {
    let mut end = 0;
    for (mix, count) in MIX {
        end += count;
        if index < end {
            return mix;
        }
    }
    panic!("record {index} is outside the mix");
}

fn records() -> usize {
    MIX.iter().map(|(_, count)| count).sum()
}

fn nino(index: usize) -> String {
    format!("QQ{index:06}C")
}

fn claim_id(index: usize) -> String {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("claim-{index}").as_bytes()).to_string()
}

fn pence(text: &str) -> Pence {
    precept_domain::money::gbp(text)
}

/// The record for `index`: monthly UC earnings £390.00 are £90.00 a week (band 1 like the
/// £80.00 assessed), £520.00 are £120.00 (band 2), £416.00 are £96.00 (band 2, but within
/// £15 of the £94.00 assessed).
fn record(index: usize) -> UcRecord {
    let mix = mix_of(index);
    let earned = match mix {
        Mix::BandChange => "520.00",
        Mix::WithinTolerance => "416.00",
        Mix::UcEnded => "0",
        _ => "390.00",
    };
    UcRecord {
        line: 0,
        record_id: format!("UC-{index:07}"),
        kind: if mix == Mix::UcEnded {
            UcNotificationKind::Termination
        } else {
            UcNotificationKind::Change
        },
        nino: Nino::parse(&nino(index)).expect("test NINO"),
        effective_date: if mix == Mix::Backdated {
            "2025-04-10"
        } else {
            "2025-05-15"
        }
        .parse()
        .expect("date"),
        assessment_period: ("2025-04-15".parse().expect("date"), "2025-05-14".parse().expect("date")),
        earned_income: pence(earned),
        unearned_income: Pence::ZERO,
        housing_element: pence("450.00"),
        partner: mix == Mix::HouseholdChanged,
        children: 0,
        lcwra: false,
        carer: false,
        passported: false,
        uc_deductions: Pence::ZERO,
    }
}

/// Malformed lines put among the good ones, each with the field it must be rejected for.
const MALFORMED: [(&str, &str); 4] = [
    (
        "UC-BAD-1,change,NOTANINO,2025-05-15,2025-04-15,2025-05-14,390.00,0,0,N,0,N,N,N,0",
        "nino",
    ),
    (
        "UC-BAD-2,change,QQ999990C,2025-13-01,2025-04-15,2025-05-14,390.00,0,0,N,0,N,N,N,0",
        "effective_date",
    ),
    (
        "UC-BAD-3,change,QQ999991C,2025-05-15,2025-04-15,2025-05-14,-5,0,0,N,0,N,N,N,0",
        "earned_income",
    ),
    ("too,few,fields", "line"),
];

/// The file, and the line numbers its malformed lines are on.
fn file() -> (Vec<u8>, Vec<(u32, &'static str)>) {
    let mut text = String::from(HEADER);
    text.push('\n');
    let mut line = 1u32;
    let mut bad = Vec::new();
    for index in 0..records() {
        if index % 1_000 == 500 && index / 1_000 < MALFORMED.len() {
            let (content, field) = MALFORMED[index / 1_000];
            text.push_str(content);
            text.push('\n');
            line += 1;
            bad.push((line, field));
        }
        text.push_str(&format_record(&record(index)));
        text.push('\n');
        line += 1;
    }
    (text.into_bytes(), bad)
}

fn household() -> Household {
    Household::default()
}

fn ctr_circumstances(weekly_earnings: &str) -> Circumstances {
    Circumstances {
        household: Some(household()),
        weekly_earnings_pence: pence(weekly_earnings).get(),
        ..Circumstances::default()
    }
}

fn hb_circumstances() -> Circumstances {
    Circumstances {
        household: Some(Household {
            pension_age: true,
            ..household()
        }),
        passported: true,
        contractual_rent_pence: 10_000,
        ..Circumstances::default()
    }
}

async fn set_up(client: &mut BenefitsClient<AuthChannel>) {
    client
        .set_benefit_settings(SetBenefitSettingsRequest {
            request_id: "settings-2025".into(),
            council: COUNCIL.into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            national_figures: "2025/26".into(),
            working_age: None,
            recovery_standard_pence: 1_155,
            recovery_fraud_pence: 1_925,
            uc_tolerance_weekly_pence: 1_500,
            uc_reassess_band_changes: true,
            uc_max_backdate_days: 31,
            backdating_pension_age_months: 3,
            backdating_working_age_months: 1,
            correlation_id: String::new(),
        })
        .await
        .expect("settings");
}

/// Receives and (except the undecided ones) decides the claim for record `index`.
async fn claim(client: BenefitsClient<AuthChannel>, index: usize) -> u64 {
    let mut client = client;
    let mix = mix_of(index);
    if mix == Mix::Unmatched {
        return 0;
    }
    let hb = mix == Mix::HousingBenefit;
    let receipt = client
        .receive_claim(ReceiveClaimRequest {
            request_id: format!("receive-{index}"),
            council: COUNCIL.into(),
            claim_id: claim_id(index),
            kind: if hb {
                ClaimKind::HousingBenefit
            } else {
                ClaimKind::CouncilTaxReduction
            } as i32,
            claimant_id: Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("party-{index}").as_bytes()).to_string(),
            nino: nino(index),
            received: "2025-04-07".into(),
            claimed_from: "2025-04-07".into(),
            pension_age: hb,
            account_id: if hb {
                String::new()
            } else {
                Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("account-{index}").as_bytes()).to_string()
            },
            correlation_id: String::new(),
        })
        .await
        .expect("received")
        .into_inner();
    if mix == Mix::NotDecided {
        return receipt.sequence;
    }
    let circumstances = match mix {
        Mix::HousingBenefit => hb_circumstances(),
        Mix::WithinTolerance => ctr_circumstances("94.00"),
        _ => ctr_circumstances("80.00"),
    };
    let decision = client
        .decide_claim(DecideClaimRequest {
            request_id: format!("decide-{index}"),
            council: COUNCIL.into(),
            claim_id: claim_id(index),
            on: "2025-04-10".into(),
            circumstances: Some(circumstances),
            correlation_id: String::new(),
        })
        .await
        .expect("decided")
        .into_inner();
    assert_eq!(decision.outcome, "awarded", "claim {index}");
    decision.receipt.expect("receipt").sequence
}

async fn import(
    client: &mut BenefitsClient<AuthChannel>,
    bytes: &[u8],
    request_id: &str,
    min_sequence: u64,
) -> precept_api::proto::UcImportReport {
    // Sent in 64 KiB chunks, the header fields on the first.
    let chunks: Vec<UcFileChunk> = bytes
        .chunks(64 * 1024)
        .enumerate()
        .map(|(n, data)| UcFileChunk {
            request_id: if n == 0 { request_id.into() } else { String::new() },
            council: if n == 0 { COUNCIL.into() } else { String::new() },
            file_date: if n == 0 { FILE_DATE.into() } else { String::new() },
            min_sequence: if n == 0 { min_sequence } else { 0 },
            correlation_id: String::new(),
            data: data.to_vec(),
        })
        .collect();
    client
        .import_uc_file(futures::stream::iter(chunks))
        .await
        .expect("imported")
        .into_inner()
}

/// The partnership's benefit-claims and UC-records drivers for the council, read through a
/// two-line apportionment (one line by each driver).
async fn benefits_drivers(app: &precept_testkit::TestApp) -> (u64, u64, u64) {
    use precept_api::proto::{
        CostDriver, GetApportionmentRequest, JoinPartnershipRequest, PartnershipService, PerUnitCharge,
        SetCostLineRequest, set_cost_line_request::Basis,
    };
    let mut partnership = app.partnership().await;
    partnership
        .join_partnership(JoinPartnershipRequest {
            request_id: "join".into(),
            member: COUNCIL.into(),
            services: vec![PartnershipService::Benefits as i32],
            from: "2025-04-01".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("joined");
    for (name, basis) in [
        ("benefits staff", Basis::Driver(CostDriver::BenefitClaims as i32)),
        ("assessment", Basis::Driver(CostDriver::ClaimsAssessed as i32)),
        (
            "uc processing",
            Basis::PerUnit(PerUnitCharge {
                rate_pence: 10,
                driver: CostDriver::UcRecordsHandled as i32,
            }),
        ),
    ] {
        partnership
            .set_cost_line(SetCostLineRequest {
                request_id: format!("line-{}", name.replace(' ', "-")),
                year: "2025/26".into(),
                name: name.into(),
                service: PartnershipService::Benefits as i32,
                amount_pence: 1_000_000,
                basis: Some(basis),
                limits: Vec::new(),
                correlation_id: String::new(),
            })
            .await
            .expect("line");
    }
    let view = partnership
        .get_apportionment(GetApportionmentRequest {
            year: "2025/26".into(),
            on: "2025-06-30".into(),
            actual: false,
            ..GetApportionmentRequest::default()
        })
        .await
        .expect("apportionment")
        .into_inner();
    let driver = |line: &str| {
        view.lines
            .iter()
            .find(|l| l.name == line)
            .and_then(|l| l.shares.first())
            .map_or(0, |share| share.driver)
    };
    (driver("benefits staff"), driver("uc processing"), driver("assessment"))
}

async fn stream_last_sequence(nats: &TestNats) -> u64 {
    let client = async_nats::connect(nats.url()).await.expect("connect");
    let mut stream = async_nats::jetstream::new(client)
        .get_stream("PRECEPT_SWALE")
        .await
        .expect("stream");
    stream.info().await.expect("info").state.last_sequence
}

fn expected(mix: Mix) -> u32 {
    u32::try_from(MIX.iter().find(|(m, _)| *m == mix).expect("in the mix").1).expect("small")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn uc_file_import_on_sqlite() {
    uc_file_import(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn uc_file_import_on_postgres() {
    uc_file_import(TestDatabase::postgres().await).await;
}

async fn uc_file_import(database: TestDatabase) {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let app = spawn_app(&nats.url(), database.url(), &[council(COUNCIL)]).await;
    let mut client = app.benefits().await;
    set_up(&mut client).await;
    let last = futures::stream::iter(0..records())
        .map(|index| claim(client.clone(), index))
        .buffer_unordered(16)
        .fold(0, |last, sequence| async move { last.max(sequence) })
        .await;

    let (bytes, malformed) = file();
    let report = import(&mut client, &bytes, "uc-2025-06-02", last).await;
    assert!(!report.already_imported);
    assert_eq!(report.lines as usize, records() + MALFORMED.len());
    assert_eq!(report.same_band, expected(Mix::SameBand));
    assert_eq!(report.reassessed, expected(Mix::BandChange));
    assert_eq!(report.within_tolerance, expected(Mix::WithinTolerance));
    let work = |reason: &str| {
        report
            .work_items
            .iter()
            .find(|w| w.reason == reason)
            .map_or(0, |w| w.records)
    };
    assert_eq!(work("uc_ended"), expected(Mix::UcEnded));
    assert_eq!(work("household_changed"), expected(Mix::HouseholdChanged));
    assert_eq!(work("backdated"), expected(Mix::Backdated));
    assert_eq!(work("housing_benefit_claim"), expected(Mix::HousingBenefit));
    assert_eq!(work("claim_not_live"), expected(Mix::NotDecided));
    assert_eq!(report.unmatched, expected(Mix::Unmatched));
    let automated = expected(Mix::SameBand) + expected(Mix::BandChange) + expected(Mix::WithinTolerance);
    let officer = u32::try_from(records()).expect("small") - automated;
    assert_eq!((report.automated, report.needing_officer), (automated, officer));
    assert_eq!(report.automation_bp, automated * 10_000 / (automated + officer));
    let rejected: Vec<(u32, String)> = report.rejected.iter().map(|r| (r.line, r.field.clone())).collect();
    let wanted: Vec<(u32, String)> = malformed.iter().map(|(l, f)| (*l, (*f).to_owned())).collect();
    assert_eq!(rejected, wanted);

    // The work queue holds every record needing an officer, oldest first, page by page.
    let mut queue = Vec::new();
    let mut token = String::new();
    loop {
        let page = client
            .list_work_queue(ListWorkQueueRequest {
                council: COUNCIL.into(),
                page_size: 500,
                page_token: token.clone(),
                min_sequence: report.last_sequence,
            })
            .await
            .expect("queue")
            .into_inner();
        queue.extend(page.items);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(queue.len(), officer as usize);
    assert!(
        queue
            .windows(2)
            .all(|w| (&w[0].raised, &w[0].source, &w[0].item) < (&w[1].raised, &w[1].source, &w[1].item))
    );

    // A re-awarded claim now has a band 2 (60%) award from the notification's date.
    let changed = (0..records()).find(|i| mix_of(*i) == Mix::BandChange).expect("one");
    let view = client
        .get_claim(GetClaimRequest {
            council: COUNCIL.into(),
            claim_id: claim_id(changed),
            min_sequence: report.last_sequence,
        })
        .await
        .expect("claim")
        .into_inner();
    let latest = view.awards.last().expect("award");
    assert_eq!(latest.from, "2025-05-15");
    assert_eq!(
        latest.figures.as_ref().map(|f| (f.band, f.percent_bp)),
        Some((2, 6_000))
    );

    // The automation rate and speed of processing views agree.
    let period = PeriodRequest {
        council: COUNCIL.into(),
        from: "2025-04-01".into(),
        to: "2026-03-31".into(),
        min_sequence: report.last_sequence,
    };
    let rate = client
        .get_automation_rate(period.clone())
        .await
        .expect("rate")
        .into_inner();
    assert_eq!(
        (rate.automated, rate.needing_officer),
        (u64::from(automated), u64::from(officer))
    );
    let speed = client
        .get_speed_of_processing(period)
        .await
        .expect("speed")
        .into_inner();
    let new_ctr = speed
        .measures
        .iter()
        .find(|m| m.measure == "new_claim" && m.kind == ClaimKind::CouncilTaxReduction as i32)
        .expect("new CTR claims");
    // Every CTR claim decided was received 7 April and decided 10 April: 3 days.
    let decided_ctr = records() as u64
        - u64::from(expected(Mix::Unmatched) + expected(Mix::NotDecided) + expected(Mix::HousingBenefit));
    assert_eq!((new_ctr.decisions, new_ctr.average_days_tenths), (decided_ctr, 30));
    let changes = speed.measures.iter().find(|m| m.measure == "change").expect("changes");
    assert_eq!(
        (changes.decisions, changes.automated),
        (
            u64::from(expected(Mix::BandChange)),
            u64::from(expected(Mix::BandChange))
        )
    );

    // The partnership's benefits drivers (issue 7): live claims, and UC records handled
    // (matched or not) counted from the events.
    let drivers = benefits_drivers(&app).await;
    let claims = records() as u64 - u64::from(expected(Mix::Unmatched));
    // Claims assessed: every claim decided, and every change re-awarded by rule.
    let assessed = claims - u64::from(expected(Mix::NotDecided)) + u64::from(expected(Mix::BandChange));
    assert_eq!(drivers, (claims, records() as u64, assessed));

    // The same file again changes nothing.
    let stream_before = stream_last_sequence(&nats).await;
    let again = import(&mut client, &bytes, "uc-2025-06-02-again", 0).await;
    assert!(again.already_imported);
    assert_eq!(
        (again.automated, again.needing_officer, again.digest),
        (automated, officer, report.digest)
    );
    assert_eq!(stream_last_sequence(&nats).await, stream_before);

    // A second day's file: three records the first file carried (already handled), and two
    // records for one claim listed latest first. They are applied in date order: band 2 from
    // 20 May, then back to band 1 from 25 May, so the claim ends on band 1 (80%).
    let same_band = (0..records()).find(|i| mix_of(*i) == Mix::SameBand).expect("one");
    let mut second = String::from(HEADER);
    second.push('\n');
    for index in 0..3 {
        second.push_str(&format_record(&record(index)));
        second.push('\n');
    }
    for (id, effective, earned) in [
        ("UC-LATER", "2025-05-25", "390.00"),
        ("UC-EARLIER", "2025-05-20", "520.00"),
    ] {
        let mut r = record(same_band);
        r.record_id = id.into();
        r.effective_date = effective.parse().expect("date");
        r.earned_income = pence(earned);
        second.push_str(&format_record(&r));
        second.push('\n');
    }
    let report2 = import(&mut client, second.as_bytes(), "uc-2025-06-03", 0).await;
    assert_eq!((report2.already_handled, report2.reassessed), (3, 2));
    let view = client
        .get_claim(GetClaimRequest {
            council: COUNCIL.into(),
            claim_id: claim_id(same_band),
            min_sequence: report2.last_sequence,
        })
        .await
        .expect("claim")
        .into_inner();
    let awards: Vec<(String, u32)> = view
        .awards
        .iter()
        .map(|a| (a.from.clone(), a.figures.as_ref().map_or(0, |f| f.band)))
        .collect();
    assert_eq!(
        awards,
        [("2025-04-07", 1), ("2025-05-20", 2), ("2025-05-25", 1)].map(|(from, band)| (from.to_owned(), band))
    );

    // A file without a valid header is refused whole, naming the field.
    let refused = client
        .import_uc_file(futures::stream::iter([UcFileChunk {
            request_id: "uc-bad".into(),
            council: COUNCIL.into(),
            file_date: FILE_DATE.into(),
            data: b"not,a,header\n".to_vec(),
            ..UcFileChunk::default()
        }]))
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), Code::InvalidArgument);
    app.stop().await;
}

/// Half up, as the charge rounds: `value / divisor` to the nearest whole.
fn round_half_up(value: i128, divisor: i128) -> i64 {
    i64::try_from((2 * value + divisor) / (2 * divisor)).expect("fits")
}

/// The account's next commit, as the CTR link writes it (waits on the subject, no polling).
async fn next_account_commit(subscriber: &mut async_nats::Subscriber) -> Vec<String> {
    let message = tokio::time::timeout(std::time::Duration::from_secs(30), subscriber.next())
        .await
        .expect("the CTR link updated the account within 30 s")
        .expect("subscription open");
    let envelope: serde_json::Value = serde_json::from_slice(&message.payload).expect("a commit envelope");
    envelope["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|event| event["type"].as_str().expect("type").to_owned())
        .collect()
}

async fn reduction_on_bill(app: &precept_testkit::TestApp, nats: &TestNats, account_id: &str) -> (i64, i64) {
    let commits = crate::helpers::commits(&async_nats::connect(nats.url()).await.expect("nats"), COUNCIL).await;
    let last = commits.last().map_or(0, |(sequence, _)| *sequence);
    let summary = app
        .billing()
        .await
        .get_account_summary(precept_api::proto::GetAccountSummaryRequest {
            council: COUNCIL.into(),
            account_id: account_id.into(),
            as_of: "2025-06-01".into(),
            min_sequence: last,
        })
        .await
        .expect("summary")
        .into_inner();
    let year = summary.years.iter().find(|y| y.year == "2025/26").expect("billed year");
    let charge = year.charge.as_ref().expect("charge");
    (charge.reduction_pence, charge.net_pence)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_ctr_award_reduces_the_council_tax_bill_and_its_end_restores_it() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council(COUNCIL)]).await;
    app.setup()
        .await
        .set_year_settings(precept_api::proto::SetYearSettingsRequest {
            request_id: "ct-2025".into(),
            council: COUNCIL.into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            settings: Some(crate::billing::settings()),
            correlation_id: String::new(),
        })
        .await
        .expect("council tax settings");
    crate::helpers::register_test_property(&app, COUNCIL).await;
    let account_id = app
        .council_tax()
        .await
        .open_account(crate::helpers::open_request("open-ctr", COUNCIL, 1))
        .await
        .expect("open")
        .into_inner()
        .account_id;
    app.billing()
        .await
        .issue_bill(precept_api::proto::IssueBillRequest {
            request_id: "bill-ctr".into(),
            council: COUNCIL.into(),
            account_id: account_id.clone(),
            year: "2025/26".into(),
            issue_date: "2025-03-10".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("billed");
    // Band D at Tonbridge's preceptors without the parish: £222.32 + £1,691.19 + £270.15 +
    // £94.86 = £2,278.52 for the year.
    let band_d: i128 = 22_232 + 169_119 + 27_015 + 9_486;
    let mut client = app.benefits().await;
    set_up(&mut client).await;
    let nats_client = async_nats::connect(nats.url()).await.expect("nats");
    let mut subscriber = nats_client
        .subscribe(format!("precept.{COUNCIL}.ct-account.{account_id}"))
        .await
        .expect("subscribe");
    let claim = claim_id(1_000_000);
    client
        .receive_claim(ReceiveClaimRequest {
            request_id: "receive-ctr".into(),
            council: COUNCIL.into(),
            claim_id: claim.clone(),
            kind: ClaimKind::CouncilTaxReduction as i32,
            claimant_id: Uuid::new_v4().to_string(),
            nino: nino(999_999),
            received: "2025-04-07".into(),
            claimed_from: "2025-04-01".into(),
            pension_age: false,
            account_id: account_id.clone(),
            correlation_id: String::new(),
        })
        .await
        .expect("received");
    client
        .decide_claim(DecideClaimRequest {
            request_id: "decide-ctr".into(),
            council: COUNCIL.into(),
            claim_id: claim.clone(),
            on: "2025-04-10".into(),
            circumstances: Some(ctr_circumstances("80.00")),
            correlation_id: String::new(),
        })
        .await
        .expect("decided");
    // The link sets the claim's award on the account and the account issues a revised bill.
    let events = next_account_commit(&mut subscriber).await;
    assert!(events.contains(&"ReductionSet".to_owned()), "{events:?}");
    assert!(events.contains(&"BillIssued".to_owned()), "{events:?}");
    // Swale band 1: 80% of the year's £2,278.52 = £1,822.816 -> £1,822.82; £455.70 to pay.
    let reduced = round_half_up(band_d * 8_000, 10_000);
    assert_eq!(
        reduction_on_bill(&app, &nats, &account_id).await,
        (reduced, 227_852 - reduced)
    );

    // The claim ends from 1 October: 183 days reduced (1 April to 30 September).
    client
        .end_claim(precept_api::proto::EndClaimRequest {
            request_id: "end-ctr".into(),
            council: COUNCIL.into(),
            claim_id: claim,
            on: "2025-10-02".into(),
            from: "2025-10-01".into(),
            reason: "moved_away".into(),
            overpayment_class: String::new(),
            could_have_realised: false,
            correlation_id: String::new(),
        })
        .await
        .expect("ended");
    let events = next_account_commit(&mut subscriber).await;
    assert!(events.contains(&"ReductionSet".to_owned()), "{events:?}");
    let reduced = round_half_up(band_d * 183 * 8_000, 365 * 10_000);
    assert_eq!(
        reduction_on_bill(&app, &nats, &account_id).await,
        (reduced, 227_852 - reduced)
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_benefits_requests_name_every_bad_field_and_store_nothing() {
    use crate::helpers::bad_fields;
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council(COUNCIL)]).await;
    let mut client = app.benefits().await;
    let nats_client = async_nats::connect(nats.url()).await.expect("nats");
    let before = crate::helpers::commits(&nats_client, COUNCIL).await.len();

    let bad_settings = client
        .set_benefit_settings(SetBenefitSettingsRequest {
            request_id: "settings-bad".into(),
            council: COUNCIL.into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            national_figures: "1999/00".into(),
            working_age: Some(precept_api::proto::BandedScheme {
                income_basis: "vibes".into(),
                ..precept_api::proto::BandedScheme::default()
            }),
            recovery_standard_pence: -1,
            ..SetBenefitSettingsRequest::default()
        })
        .await
        .expect_err("refused");
    assert_eq!(
        bad_fields(&bad_settings),
        [
            "national_figures",
            "working_age.income_basis",
            "recovery_standard_pence"
        ]
    );

    // A malformed NINO is named but never echoed back.
    let bad_claim = client
        .receive_claim(ReceiveClaimRequest {
            request_id: "receive-bad".into(),
            council: COUNCIL.into(),
            claim_id: "not-a-uuid".into(),
            kind: 0,
            claimant_id: String::new(),
            nino: "ZZ12345".into(),
            received: "2025-02-30".into(),
            claimed_from: "2025-04-01".into(),
            ..ReceiveClaimRequest::default()
        })
        .await
        .expect_err("refused");
    assert_eq!(
        bad_fields(&bad_claim),
        ["nino", "claim_id", "kind", "claimant_id", "received"]
    );
    assert!(
        !format!("{bad_claim:?}").contains("ZZ12345"),
        "the NINO must not be echoed"
    );

    // Circumstances are checked field by field, with their paths.
    set_up(&mut client).await;
    client
        .receive_claim(ReceiveClaimRequest {
            request_id: "receive-hb".into(),
            council: COUNCIL.into(),
            claim_id: claim_id(1),
            kind: ClaimKind::HousingBenefit as i32,
            claimant_id: Uuid::new_v4().to_string(),
            nino: nino(1),
            received: "2025-04-07".into(),
            claimed_from: "2025-04-07".into(),
            pension_age: true,
            ..ReceiveClaimRequest::default()
        })
        .await
        .expect("received");
    let after_receipt = crate::helpers::commits(&nats_client, COUNCIL).await.len();
    let bad_decision = client
        .decide_claim(DecideClaimRequest {
            request_id: "decide-bad".into(),
            council: COUNCIL.into(),
            claim_id: claim_id(1),
            on: "2025-04-10".into(),
            circumstances: Some(Circumstances {
                household: Some(Household {
                    children: 99,
                    ..household()
                }),
                weekly_earnings_pence: -5,
                size_criteria_bp: 999,
                non_dependants: vec![precept_api::proto::NonDependant {
                    circumstance: "lodger".into(),
                    gross_weekly_income_pence: 0,
                }],
                ..Circumstances::default()
            }),
            correlation_id: String::new(),
        })
        .await
        .expect_err("refused");
    assert_eq!(
        bad_fields(&bad_decision),
        [
            "circumstances.household.children",
            "circumstances.weekly_earnings_pence",
            "circumstances.non_dependants.circumstance",
            "circumstances.size_criteria_bp",
        ]
    );
    // A domain refusal names its field too: paying a claim not yet decided (the decision above
    // was refused, so nothing was awarded).
    let out_of_order = client
        .pay_housing_benefit(precept_api::proto::PayHousingBenefitRequest {
            request_id: "pay-bad".into(),
            council: COUNCIL.into(),
            claim_id: claim_id(1),
            from: "2025-04-07".into(),
            correlation_id: String::new(),
        })
        .await
        .expect_err("refused");
    assert_eq!(out_of_order.code(), Code::FailedPrecondition);
    let field = tonic_types::StatusExt::get_details_bad_request(&out_of_order)
        .and_then(|details| details.field_violations.first().map(|v| v.field.clone()));
    assert_eq!(field.as_deref(), Some("claim_id"));
    assert!(
        out_of_order.message().contains("received"),
        "{}",
        out_of_order.message()
    );

    let empty = client
        .import_uc_file(futures::stream::iter([UcFileChunk {
            request_id: "uc-empty".into(),
            council: COUNCIL.into(),
            file_date: FILE_DATE.into(),
            ..UcFileChunk::default()
        }]))
        .await
        .expect_err("refused");
    assert_eq!(bad_fields(&empty), ["data"]);

    // Only the settings and the one good claim were stored.
    assert_eq!(before, 0);
    assert_eq!(
        crate::helpers::commits(&nats_client, COUNCIL).await.len(),
        after_receipt
    );
    assert_eq!(after_receipt, 2);
    app.stop().await;
}
