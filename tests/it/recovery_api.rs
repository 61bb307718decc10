//! Recovery through gRPC on both read-model backends: a council's own timetable stored with
//! its settings, the streamed run and its re-run, holds, a payment inside a reminder's
//! window and before a hearing, officers' actions after liability orders, the caseload,
//! notices, summons list and agent referral file against this test's own tally, and bad
//! input refused field by field with nothing written (REFERENCE §1.10).

use futures::StreamExt;
use precept_api::proto::council_tax_recovery_client::CouncilTaxRecoveryClient;
use precept_api::proto::recovery_action_request::Action;
use precept_api::proto::{
    AgentStage, ArrangementPayment, AttachEarnings, BandRatio, EndRemedy, GetAccountRecoveryRequest,
    GetAgentReferralsRequest, GetCaseloadRequest, GetSummonsListRequest, GetYearSettingsRequest, HoldReason,
    LiftHoldRequest, ListNoticesRequest, LocalPolicy, MakeArrangement, OpenAccountRequest, PayPeriod, PlaceHoldRequest,
    Preceptor, PreceptorKind, RecordAgentStage, RecoveryActionRequest, RecoveryRunProgress, RecoveryTimetable,
    ReferToAgent, RegisterPropertyRequest, RemedyOutcome, RunAnnualBillingRequest, RunRecoveryRequest,
    SetYearSettingsRequest, StartRemedy, TrackedRemedy, WriteOff, WriteOffReason, YearSettings,
};
use precept_testkit::AuthChannel;
use precept_testkit::{TestApp, TestDatabase, TestNats, council, spawn_app};

use crate::helpers::{bad_fields, payment_request};

const ACCOUNTS: usize = 6;
/// Band D £2,000 at band D: ten instalments of £200 from 1 April.
const CHARGE: i64 = 200_000;
const INSTALMENT: i64 = 20_000;
const SUMMONS_COSTS: i64 = 7_000;
const ORDER_COSTS: i64 = 3_000;

fn account(index: usize) -> String {
    format!("00000000-0000-4000-8000-0000000000{index:02}")
}

fn timetable() -> RecoveryTimetable {
    RecoveryTimetable {
        reminder_after_days: 14,
        reminder_pay_days: 7,
        balance_due_days: 14,
        reminders_per_year: 2,
        final_notice_days: 7,
        summons_notice_days: 14,
        arrangement_grace_days: 7,
        agent_compliance_pence: 7_500,
        agent_enforcement_pence: 23_500,
        agent_sale_pence: 11_000,
        agent_percentage_bp: 750,
        agent_percentage_threshold_pence: 150_000,
    }
}

fn settings(recovery: RecoveryTimetable) -> YearSettings {
    YearSettings {
        bands: ["A", "B", "C", "D", "E", "F", "G", "H"]
            .iter()
            .zip([6, 7, 8, 9, 11, 13, 15, 18])
            .map(|(band, numerator)| BandRatio {
                band: (*band).into(),
                numerator,
                denominator: 9,
            })
            .collect(),
        preceptors: vec![Preceptor {
            code: "swale".into(),
            kind: PreceptorKind::BillingAuthority as i32,
            parish_area: String::new(),
            band_d_pence: CHARGE,
        }],
        policy: Some(LocalPolicy {
            single_person_discount_bp: 2_500,
            all_disregarded_discount_bp: 5_000,
            long_term_empty_premiums: vec![],
            second_home_premium_bp: 0,
            instalment_days: vec![1],
            late_twelve_rule: 0,
            instalment_minimum_pence: 500,
            summons_costs_pence: SUMMONS_COSTS,
            liability_order_costs_pence: ORDER_COSTS,
            recovery: Some(recovery),
        }),
    }
}

async fn set_up(app: &TestApp) {
    let mut setup = app.setup().await;
    let mut bad = timetable();
    bad.reminder_pay_days = 3;
    let refused = setup
        .set_year_settings(settings_request("settings-bad", settings(bad)))
        .await
        .expect_err("a 3-day reminder window is refused");
    assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{refused:?}");
    setup
        .set_year_settings(settings_request("settings-2025", settings(timetable())))
        .await
        .expect("settings");
    let stored = setup
        .get_year_settings(GetYearSettingsRequest {
            council: "swale".into(),
            year: "2025/26".into(),
        })
        .await
        .expect("settings read back")
        .into_inner();
    let policy = stored.versions[0].settings.as_ref().and_then(|s| s.policy.as_ref());
    assert_eq!(policy.and_then(|p| p.recovery), Some(timetable()), "timetable stored");
    let mut accounts = app.council_tax().await;
    for index in 0..ACCOUNTS {
        let uprn = format!("1000000000{index:02}");
        setup
            .register_property(RegisterPropertyRequest {
                request_id: format!("property-{index}"),
                council: "swale".into(),
                uprn: uprn.clone(),
                address_reference: format!("BLPU-{index}"),
                band: "D".into(),
                parish_area: String::new(),
                effective_from: "1993-04-01".into(),
                correlation_id: String::new(),
            })
            .await
            .expect("property");
        accounts
            .open_account(OpenAccountRequest {
                request_id: format!("open-{index}"),
                council: "swale".into(),
                account_id: account(index),
                uprn,
                liability_start: "2020-06-01".into(),
                liable_party_ids: vec![format!("00000000-0000-4000-9000-0000000000{index:02}")],
                instalment_day: 1,
                ..OpenAccountRequest::default()
            })
            .await
            .expect("open");
    }
    let mut billing = app.billing().await;
    let mut run = billing
        .run_annual_billing(RunAnnualBillingRequest {
            request_id: "annual".into(),
            council: "swale".into(),
            year: "2025/26".into(),
            issue_date: "2025-03-10".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("billing")
        .into_inner();
    while let Some(update) = run.next().await {
        update.expect("billing progress");
    }
}

fn settings_request(request_id: &str, settings: YearSettings) -> SetYearSettingsRequest {
    SetYearSettingsRequest {
        request_id: request_id.into(),
        council: "swale".into(),
        year: "2025/26".into(),
        effective_from: "2025-04-01".into(),
        settings: Some(settings),
        correlation_id: String::new(),
    }
}

async fn run(
    client: &mut CouncilTaxRecoveryClient<AuthChannel>,
    request_id: &str,
    date: &str,
    hearing: &str,
) -> RecoveryRunProgress {
    let mut stream = client
        .run_recovery(RunRecoveryRequest {
            request_id: request_id.into(),
            council: "swale".into(),
            run_date: date.into(),
            hearing: hearing.into(),
            correlation_id: String::new(),
        })
        .await
        .expect("run starts")
        .into_inner();
    let mut last = None;
    while let Some(update) = stream.next().await {
        last = Some(update.expect("progress"));
    }
    let last = last.expect("a final report");
    assert!(last.finished && last.failed == 0, "{date}: {last:?}");
    last
}

fn action(request_id: &str, index: usize, action: Action) -> RecoveryActionRequest {
    RecoveryActionRequest {
        request_id: request_id.into(),
        council: "swale".into(),
        account_id: account(index),
        year: "2025/26".into(),
        action: Some(action),
        correlation_id: String::new(),
    }
}

async fn pay(app: &TestApp, request_id: &str, index: usize, amount: i64, on: &str) -> u64 {
    let mut payment = payment_request(request_id, "swale", &account(index), amount);
    payment.received_on = on.into();
    let posted = app.council_tax().await.post_payment(payment).await.expect("payment");
    posted.into_inner().commit.map_or(0, |commit| commit.sequence)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn recovery_through_grpc_on_sqlite() {
    recovery_through_grpc(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn recovery_through_grpc_on_postgres() {
    recovery_through_grpc(TestDatabase::postgres().await).await;
}

async fn recovery_through_grpc(database: TestDatabase) {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let app = spawn_app(&nats.url(), database.url(), &[council("swale")]).await;
    set_up(&app).await;
    let mut client = app.recovery().await;

    // April's instalment is missed by everyone: six first reminders, once only.
    let first = run(&mut client, "run-0415", "2025-04-15", "").await;
    assert_eq!((first.examined, first.stepped), (ACCOUNTS as u64, ACCOUNTS as u64));
    let again = run(&mut client, "run-0415-again", "2025-04-15", "").await;
    assert_eq!(again.stepped, 0, "a re-run issues nothing");
    let notices = client
        .list_notices(ListNoticesRequest {
            council: "swale".into(),
            on: "2025-04-15".into(),
            page_size: 4,
            min_sequence: first.last_sequence,
            ..ListNoticesRequest::default()
        })
        .await
        .expect("notices")
        .into_inner();
    assert_eq!(notices.steps.len(), 4, "first page");
    let rest = client
        .list_notices(ListNoticesRequest {
            council: "swale".into(),
            on: "2025-04-15".into(),
            page_size: 4,
            page_token: notices.next_page_token.clone(),
            ..ListNoticesRequest::default()
        })
        .await
        .expect("notices")
        .into_inner();
    assert_eq!(
        (rest.steps.len(), rest.next_page_token.as_str()),
        (2, ""),
        "second page"
    );
    for listed in notices.steps.iter().chain(&rest.steps) {
        let step = listed.step.as_ref().expect("step");
        assert_eq!(
            (step.kind.as_str(), step.amount_pence, step.pay_by.as_str()),
            ("reminder_issued", INSTALMENT, "2025-04-22")
        );
    }

    // Account 5 is held; account 4 pays inside its reminder's window.
    client
        .place_hold(PlaceHoldRequest {
            request_id: "hold-5".into(),
            council: "swale".into(),
            account_id: account(5),
            reason: HoldReason::Vulnerability as i32,
            from: "2025-04-16".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("hold");
    pay(&app, "pay-4", 4, INSTALMENT, "2025-04-20").await;
    let lost = run(&mut client, "run-0423", "2025-04-23", "").await;
    assert_eq!(
        lost.steps, 5,
        "four lose instalments, one complied, the held account untouched"
    );
    let summonsed = run(&mut client, "run-0429", "2025-04-29", "2025-05-14").await;
    assert_eq!(summonsed.steps, 4);

    // Account 3 pays the balance and summons costs before the hearing.
    pay(&app, "pay-3", 3, CHARGE + SUMMONS_COSTS, "2025-05-05").await;
    let withdrawn = run(&mut client, "run-0505", "2025-05-05", "").await;
    assert_eq!(withdrawn.steps, 1, "withdrawn");
    let list = client
        .get_summons_list(GetSummonsListRequest {
            council: "swale".into(),
            hearing: "2025-05-14".into(),
            min_sequence: withdrawn.last_sequence,
            ..GetSummonsListRequest::default()
        })
        .await
        .expect("summons list")
        .into_inner();
    let stages: Vec<(String, i64)> = list
        .steps
        .iter()
        .map(|listed| {
            let now = listed.now.as_ref().expect("position");
            (now.stage.clone(), listed.step.as_ref().expect("step").amount_pence)
        })
        .collect();
    let summons_amount = CHARGE + SUMMONS_COSTS;
    assert_eq!(
        stages,
        vec![
            ("summonsed".to_owned(), summons_amount),
            ("summonsed".to_owned(), summons_amount),
            ("summonsed".to_owned(), summons_amount),
            ("cleared".to_owned(), summons_amount),
        ]
    );
    let orders = run(&mut client, "run-0514", "2025-05-14", "").await;
    assert_eq!(orders.steps, 3, "liability orders at the hearing");

    let last_action = officers_actions(&mut client).await;
    bad_input_is_refused(&mut client, last_action).await;
    caseload_matches_the_tally(&mut client, last_action).await;

    // Lifting the hold lets the run take account 5's next step.
    let lifted = client
        .lift_hold(LiftHoldRequest {
            request_id: "lift-5".into(),
            council: "swale".into(),
            account_id: account(5),
            reason: HoldReason::Vulnerability as i32,
            on: "2025-06-02".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("lift")
        .into_inner();
    let resumed = run(&mut client, "run-0602", "2025-06-02", "").await;
    let recovery = account_recovery(&mut client, 5, resumed.last_sequence.max(lifted.sequence)).await;
    let kinds: Vec<&str> = recovery.steps.iter().map(|step| step.kind.as_str()).collect();
    assert_eq!(kinds.first(), Some(&"reminder_issued"));
    assert!(kinds.len() > 1, "a step after the hold was lifted: {kinds:?}");
    assert!(!recovery.years[0].on_hold);
    app.stop().await;
}

async fn account_recovery(
    client: &mut CouncilTaxRecoveryClient<AuthChannel>,
    index: usize,
    min_sequence: u64,
) -> precept_api::proto::AccountRecovery {
    client
        .get_account_recovery(GetAccountRecoveryRequest {
            council: "swale".into(),
            account_id: account(index),
            min_sequence,
        })
        .await
        .expect("account recovery")
        .into_inner()
}

/// After the orders: an agent referral with its fees and recall, an arrangement, an
/// attachment of earnings (so no second remedy), and a write-off.
async fn officers_actions(client: &mut CouncilTaxRecoveryClient<AuthChannel>) -> u64 {
    let on = |date: &str| date.to_owned();
    let refer = Action::ReferToAgent(ReferToAgent {
        on: on("2025-05-20"),
        firm: "marstons".into(),
    });
    client
        .take_recovery_action(action("refer-0", 0, refer))
        .await
        .expect("refer");
    let enforcement = Action::RecordAgentStage(RecordAgentStage {
        on: on("2025-06-01"),
        stage: AgentStage::Enforcement as i32,
    });
    let enforced = client
        .take_recovery_action(action("enforce-0", 0, enforcement))
        .await
        .expect("enforcement stage")
        .into_inner();
    let referred = client
        .get_agent_referrals(GetAgentReferralsRequest {
            council: "swale".into(),
            from: "2025-05-01".into(),
            to: "2025-05-31".into(),
            firm: "marstons".into(),
            min_sequence: enforced.sequence,
            ..GetAgentReferralsRequest::default()
        })
        .await
        .expect("referrals")
        .into_inner();
    let order = CHARGE + SUMMONS_COSTS + ORDER_COSTS;
    assert_eq!(referred.steps.len(), 1);
    let step = referred.steps[0].step.as_ref().expect("step");
    assert_eq!(
        (step.amount_pence, step.costs_pence),
        (order, 7_500),
        "debt and compliance fee"
    );
    // §1.10 Remedy 1: £235 + 7.5% of the debt above £1,500.
    let percentage = ((order - 150_000) * 750 + 5_000) / 10_000;
    let now = referred.steps[0].now.as_ref().expect("position");
    assert_eq!(now.agent_fees_pence, 7_500 + 23_500 + percentage);
    let recall = Action::EndRemedy(EndRemedy {
        on: on("2025-06-10"),
        outcome: RemedyOutcome::Recalled as i32,
    });
    client
        .take_recovery_action(action("recall-0", 0, recall))
        .await
        .expect("recall");

    let payments = ["2025-06-01", "2025-07-01", "2025-08-01"]
        .iter()
        .map(|due| ArrangementPayment {
            due: (*due).into(),
            amount_pence: order / 3,
        })
        .collect();
    let arrangement = Action::MakeArrangement(MakeArrangement {
        on: on("2025-05-20"),
        payments,
    });
    client
        .take_recovery_action(action("arrange-1", 1, arrangement))
        .await
        .expect("arrangement");

    let attach = Action::AttachEarnings(AttachEarnings {
        on: on("2025-05-20"),
        employer: "acme-ltd".into(),
        period: PayPeriod::Monthly as i32,
    });
    client
        .take_recovery_action(action("attach-2", 2, attach))
        .await
        .expect("attach");
    let second = Action::StartRemedy(StartRemedy {
        on: on("2025-05-21"),
        remedy: TrackedRemedy::ChargingOrder as i32,
    });
    let refused = client
        .take_recovery_action(action("charge-2", 2, second))
        .await
        .expect_err("one remedy at a time");
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition, "{refused:?}");
    let too_much = Action::WriteOff(WriteOff {
        on: on("2025-05-22"),
        amount_pence: order + 1,
        reason: WriteOffReason::Uneconomic as i32,
    });
    let refused = client
        .take_recovery_action(action("write-off-2-too-much", 2, too_much))
        .await
        .expect_err("no more than is owed");
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition, "{refused:?}");
    let write_off = Action::WriteOff(WriteOff {
        on: on("2025-05-22"),
        amount_pence: 5_000,
        reason: WriteOffReason::Uneconomic as i32,
    });
    client
        .take_recovery_action(action("write-off-2", 2, write_off))
        .await
        .expect("write-off")
        .into_inner()
        .sequence
}

async fn bad_input_is_refused(client: &mut CouncilTaxRecoveryClient<AuthChannel>, written: u64) {
    let before = account_recovery(client, 2, written).await.steps.len();
    let mut no_action = action("bad-1", 2, Action::EndRemedy(EndRemedy::default()));
    no_action.action = None;
    let status = client.take_recovery_action(no_action).await.expect_err("no action");
    assert_eq!(bad_fields(&status), ["action"]);
    let payments = vec![
        ArrangementPayment {
            due: "2025-06-01".into(),
            amount_pence: 100,
        },
        ArrangementPayment {
            due: "2025-13-01".into(),
            amount_pence: 0,
        },
    ];
    let arrangement = Action::MakeArrangement(MakeArrangement {
        on: "2025-05-20".into(),
        payments,
    });
    let mut bad = action("bad-2", 2, arrangement);
    bad.year = "2025".into();
    let status = client.take_recovery_action(bad).await.expect_err("bad fields");
    assert_eq!(
        bad_fields(&status),
        [
            "year",
            "make_arrangement.payments[1].due",
            "make_arrangement.payments[1].amount_pence"
        ]
    );
    let status = client
        .run_recovery(RunRecoveryRequest {
            request_id: "bad-run".into(),
            council: "swale".into(),
            run_date: "2025-05-20".into(),
            hearing: "2025-05-19".into(),
            correlation_id: String::new(),
        })
        .await
        .expect_err("hearing before the run");
    assert_eq!(bad_fields(&status), ["hearing"]);
    let status = client
        .run_recovery(RunRecoveryRequest {
            request_id: "bad-run-soon".into(),
            council: "swale".into(),
            run_date: "2025-05-20".into(),
            hearing: "2025-05-30".into(),
            correlation_id: String::new(),
        })
        .await
        .expect_err("a hearing 10 days away is too soon for a summons");
    assert_eq!(bad_fields(&status), ["hearing"]);
    let status = client
        .place_hold(PlaceHoldRequest {
            request_id: "bad-hold".into(),
            council: "swale".into(),
            account_id: account(2),
            from: "2025-05-20".into(),
            ..PlaceHoldRequest::default()
        })
        .await
        .expect_err("no reason");
    assert_eq!(bad_fields(&status), ["reason"]);
    let status = client
        .list_notices(ListNoticesRequest {
            council: "swale".into(),
            on: "2025-05-20".into(),
            page_token: "next".into(),
            page_size: 5_000,
            ..ListNoticesRequest::default()
        })
        .await
        .expect_err("bad page");
    assert_eq!(bad_fields(&status), ["page_size", "page_token"]);
    assert_eq!(
        account_recovery(client, 2, 0).await.steps.len(),
        before,
        "nothing written"
    );
}

/// The caseload against this test's own tally of where each account stands.
async fn caseload_matches_the_tally(client: &mut CouncilTaxRecoveryClient<AuthChannel>, written: u64) {
    let caseload = client
        .get_caseload(GetCaseloadRequest {
            council: "swale".into(),
            year: "2025/26".into(),
            min_sequence: written,
        })
        .await
        .expect("caseload")
        .into_inner();
    let order = CHARGE + SUMMONS_COSTS + ORDER_COSTS;
    let stages: Vec<(&str, u64, i64, i64)> = caseload
        .stages
        .iter()
        .map(|t| (t.stage.as_str(), t.accounts, t.outstanding_pence, t.costs_pence))
        .collect();
    assert_eq!(
        stages,
        vec![
            // Account 5: held at its first reminder.
            ("first_reminder", 1, CHARGE, 0),
            // Account 4: paid April inside the window.
            ("instalments_resumed", 1, CHARGE - INSTALMENT, 0),
            // Accounts 0-2, less account 2's £50 write-off.
            (
                "liability_order",
                3,
                3 * order - 5_000,
                3 * (SUMMONS_COSTS + ORDER_COSTS)
            ),
            // Account 3: paid before the hearing; the summons costs stay charged and paid.
            ("cleared", 1, 0, SUMMONS_COSTS),
        ]
    );
    let remedies: Vec<(&str, u64)> = caseload
        .remedies
        .iter()
        .map(|t| (t.stage.as_str(), t.accounts))
        .collect();
    assert_eq!(
        remedies,
        vec![("attachment_of_earnings", 1)],
        "the agent case was recalled"
    );
    assert_eq!((caseload.on_hold, caseload.arrangements), (1, 1));
}
