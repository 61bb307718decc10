//! The audit service through gRPC against a real nats-server: an account's history with its
//! metadata, its state as known at an instant against its state as effective on a date around a
//! backdated correction, a state from every family, the live subscription, and bad requests.

use std::time::Duration;

use chrono::{DateTime, Utc};
use precept_api::council_tax::ACTOR_HEADER;
use precept_api::proto::audit_client::AuditClient;
use precept_api::proto::change_circumstances_request::Change;
use precept_api::proto::{
    AggregateStateView, AppointAgentRequest, AuditCommit, AwardDiscount, ChangeCircumstancesRequest, DiscountKind,
    GetHistoryRequest, GetStateAsEffectiveAtRequest, GetStateAsKnownAtRequest, JoinPartnershipRequest,
    PartnershipService, SetBenefitSettingsRequest, SubscribeEventsRequest,
};
use precept_testkit::{AuthChannel, TestApp, TestDatabase, TestNats, council, spawn_app};
use serde_json::Value;
use tonic::Code;

use crate::helpers::{bad_fields, open_request, payment_request, register_test_property};

/// The longest any test here waits for the next commit on a subscription.
const NEXT_COMMIT_WAIT_MAX: Duration = Duration::from_secs(30);

const ACTOR: &str = "audit-test-client";
const CORRELATION: &str = "3b0f7a52-6c1e-4d8a-9f21-5e7d0c4b8a19";

/// Opens an account liable from 1 April 2025, asked for by [`ACTOR`]; returns its id.
async fn open_account(app: &TestApp, request_id: &str) -> String {
    let mut open = open_request(request_id, "swale", 1);
    open.correlation_id = CORRELATION.to_owned();
    let mut request = tonic::Request::new(open);
    request
        .metadata_mut()
        .insert(ACTOR_HEADER, ACTOR.parse().expect("an ASCII actor"));
    app.council_tax()
        .await
        .open_account(request)
        .await
        .expect("account opens")
        .into_inner()
        .account_id
}

/// Records a single person discount from 1 May 2025, on 10 June: a backdated correction.
async fn backdate_discount(app: &TestApp, account_id: &str) {
    app.billing()
        .await
        .change_circumstances(ChangeCircumstancesRequest {
            request_id: "discount-backdated".into(),
            council: "swale".into(),
            account_id: account_id.to_owned(),
            notice_date: "2025-06-10".into(),
            correlation_id: CORRELATION.into(),
            change: Some(Change::AwardDiscount(AwardDiscount {
                kind: DiscountKind::SinglePerson as i32,
                from: "2025-05-01".into(),
                to: String::new(),
            })),
        })
        .await
        .expect("discount recorded");
}

fn history_request(kind: &str, aggregate_id: &str) -> GetHistoryRequest {
    GetHistoryRequest {
        council: "swale".into(),
        kind: kind.into(),
        aggregate_id: aggregate_id.into(),
        ..GetHistoryRequest::default()
    }
}

async fn known_at(audit: &mut AuditClient<AuthChannel>, account_id: &str, at: DateTime<Utc>) -> AggregateStateView {
    audit
        .get_state_as_known_at(GetStateAsKnownAtRequest {
            council: "swale".into(),
            kind: "ct-account".into(),
            aggregate_id: account_id.into(),
            as_known_at: at.to_rfc3339(),
        })
        .await
        .expect("state as known")
        .into_inner()
}

async fn effective_on(
    audit: &mut AuditClient<AuthChannel>,
    account_id: &str,
    date: &str,
) -> Result<AggregateStateView, tonic::Status> {
    audit
        .get_state_as_effective_at(GetStateAsEffectiveAtRequest {
            council: "swale".into(),
            kind: "ct-account".into(),
            aggregate_id: account_id.into(),
            effective_on: date.into(),
        })
        .await
        .map(tonic::Response::into_inner)
}

fn state(view: &AggregateStateView) -> Value {
    serde_json::from_str(&view.state_json).expect("state_json is JSON")
}

/// The account's discount periods in a state view (`AccountState::Open`'s serde form).
fn discounts(view: &AggregateStateView) -> Vec<Value> {
    state(view)["Open"]["discounts"]
        .as_array()
        .expect("an open account's state lists its discounts")
        .clone()
}

fn recorded_at(commit: &AuditCommit) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&commit.recorded_at)
        .expect("recorded_at is RFC 3339")
        .to_utc()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accounts_history_shows_every_event_with_who_when_and_why() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council("swale")]).await;
    register_test_property(&app, "swale").await;
    let account_id = open_account(&app, "open-audited").await;
    backdate_discount(&app, &account_id).await;

    let mut audit = app.audit().await;
    let history = audit
        .get_history(history_request("ct-account", &account_id))
        .await
        .expect("history")
        .into_inner();
    assert_eq!(history.next_from_version, 0, "one page holds it all");
    let [opened, discounted] = history.commits.as_slice() else {
        panic!("two commits, got {:?}", history.commits);
    };
    for commit in [opened, discounted] {
        assert_eq!(
            (
                commit.council.as_str(),
                commit.kind.as_str(),
                commit.aggregate_id.as_str()
            ),
            ("swale", "ct-account", account_id.as_str())
        );
        assert_eq!(commit.correlation_id, CORRELATION);
    }
    // The credential, then the officer or process the calling system named.
    assert!(opened.actor.ends_with(&format!(":{ACTOR}")), "{}", opened.actor);
    assert_eq!(opened.request_id, "open-audited");
    assert_eq!(opened.effective_date, "2025-04-01");
    assert_eq!(opened.causation_id, "");
    let opened_events: Vec<(u64, &str, u32)> = opened
        .events
        .iter()
        .map(|event| (event.version, event.r#type.as_str(), event.schema))
        .collect();
    assert_eq!(opened_events, [(1, "AccountOpened", 2), (2, "LiablePartyAdded", 1)]);
    let payload: Value = serde_json::from_str(&opened.events[0].payload_json).expect("payload is JSON");
    assert_eq!(payload["liability_start"], "2025-04-01");
    assert_eq!(payload["account_id"], account_id.as_str());
    assert_eq!(discounted.request_id, "discount-backdated");
    assert_eq!(discounted.effective_date, "2025-05-01");
    assert_eq!(discounted.events[0].r#type, "DiscountAwarded");
    assert_eq!(discounted.events[0].version, 3);
    assert!(discounted.sequence > opened.sequence);
    assert!(recorded_at(discounted) > recorded_at(opened));

    // Paged one commit at a time, the pages chain by version.
    let first = audit
        .get_history(GetHistoryRequest {
            page_size: 1,
            ..history_request("ct-account", &account_id)
        })
        .await
        .expect("first page")
        .into_inner();
    assert_eq!(first.commits, std::slice::from_ref(opened));
    assert_eq!(first.next_from_version, 3);
    let second = audit
        .get_history(GetHistoryRequest {
            page_size: 1,
            from_version: first.next_from_version,
            ..history_request("ct-account", &account_id)
        })
        .await
        .expect("second page")
        .into_inner();
    assert_eq!(
        (second.commits, second.next_from_version),
        (vec![discounted.clone()], 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backdated_correction_is_absent_as_known_before_it_and_present_as_effective_after_it() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council("swale")]).await;
    register_test_property(&app, "swale").await;
    let account_id = open_account(&app, "open-corrected").await;
    backdate_discount(&app, &account_id).await;
    let mut audit = app.audit().await;
    let history = audit
        .get_history(history_request("ct-account", &account_id))
        .await
        .expect("history")
        .into_inner();
    let correction = history.commits.last().expect("the correction is recorded");
    let corrected_at = recorded_at(correction);

    // As known: the instant before the correction was recorded, nobody knew of the discount.
    let before = known_at(&mut audit, &account_id, corrected_at - chrono::Duration::nanoseconds(1)).await;
    assert_eq!(discounts(&before), Vec::<Value>::new());
    assert_eq!(
        (before.version, before.commits_folded, before.commits_left_out),
        (2, 1, 1)
    );
    assert_eq!(before.last_sequence, history.commits[0].sequence);
    let after = known_at(&mut audit, &account_id, corrected_at).await;
    assert_eq!(discounts(&after).len(), 1);
    assert_eq!((after.version, after.last_sequence), (3, correction.sequence));

    // As effective, known now: in force from 1 May whenever it was recorded.
    let in_june = effective_on(&mut audit, &account_id, "2025-06-01")
        .await
        .expect("state");
    let discount = &discounts(&in_june)[0];
    assert_eq!(
        (&discount["from"], &discount["value"]),
        (&Value::from("2025-05-01"), &Value::from("SinglePerson"))
    );
    assert_eq!((in_june.version, in_june.commits_left_out), (3, 0));
    let in_april = effective_on(&mut audit, &account_id, "2025-04-15")
        .await
        .expect("state");
    assert_eq!(discounts(&in_april), Vec::<Value>::new());
    assert_eq!(state(&in_april)["Open"]["liability_start"], "2025-04-01");
    assert_eq!((in_april.version, in_april.commits_left_out), (2, 1));
    let before_liability = effective_on(&mut audit, &account_id, "2025-03-31")
        .await
        .expect_err("nothing was in force before the liability began");
    assert_eq!(before_liability.code(), Code::NotFound, "{before_liability:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_family_has_a_state_folded_from_its_stream() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council("swale"), council("maidstone")]).await;
    register_test_property(&app, "swale").await;
    app.business_rates()
        .await
        .appoint_agent(AppointAgentRequest {
            request_id: "agency".into(),
            council: "swale".into(),
            agent: "maidstone".into(),
            from: "2025-04-01".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("agent appointed");
    app.benefits()
        .await
        .set_benefit_settings(SetBenefitSettingsRequest {
            request_id: "benefit-settings".into(),
            council: "swale".into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            national_figures: "2025/26".into(),
            recovery_standard_pence: 1_155,
            recovery_fraud_pence: 1_925,
            uc_tolerance_weekly_pence: 1_500,
            uc_max_backdate_days: 31,
            backdating_pension_age_months: 3,
            backdating_working_age_months: 1,
            ..SetBenefitSettingsRequest::default()
        })
        .await
        .expect("benefit settings");
    app.partnership()
        .await
        .join_partnership(JoinPartnershipRequest {
            request_id: "join-swale".into(),
            member: "swale".into(),
            services: vec![PartnershipService::CouncilTax as i32],
            from: "2025-04-01".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("joined");

    let mut audit = app.audit().await;
    let mut state_of = async |council: &str, kind: &str, aggregate_id: &str| {
        let view = audit
            .get_state_as_known_at(GetStateAsKnownAtRequest {
                council: council.into(),
                kind: kind.into(),
                aggregate_id: aggregate_id.into(),
                as_known_at: Utc::now().to_rfc3339(),
            })
            .await
            .unwrap_or_else(|status| panic!("{kind} {aggregate_id}: {status:?}"))
            .into_inner();
        assert_eq!((view.version, view.commits_folded), (1, 1), "{kind}: {view:?}");
        state(&view)
    };
    let property = state_of("swale", "ct-property", "100062557744").await;
    assert_eq!(property["bands"]["1993-04-01"], "D", "{property}");
    let agency = state_of("swale", "nndr-agency", "maidstone").await;
    assert_eq!(agency["periods"], serde_json::json!([["2025-04-01", null]]));
    let benefits = state_of("swale", "benefits-year", "2025-26").await;
    assert_eq!(benefits["versions"][0][0], "2025-04-01", "{benefits}");
    let agreement = state_of("partnership", "partnership-agreement", "agreement").await;
    assert!(agreement["members"].get("swale").is_some(), "{agreement}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscription_delivers_stored_commits_from_a_sequence_then_new_ones() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council("swale")]).await;
    register_test_property(&app, "swale").await;
    let first = open_account(&app, "open-first").await;
    let second = open_account(&app, "open-second").await;

    // From sequence 2: the first account's opening and the second's, not the property.
    let mut commits = app
        .audit()
        .await
        .subscribe_events(SubscribeEventsRequest {
            council: "swale".into(),
            from_sequence: 2,
        })
        .await
        .expect("subscribed")
        .into_inner();
    let mut next = async || {
        tokio::time::timeout(NEXT_COMMIT_WAIT_MAX, commits.message())
            .await
            .expect("a commit arrives in time")
            .expect("the subscription carries on")
            .expect("the subscription is open")
    };
    let stored: Vec<AuditCommit> = vec![next().await, next().await];
    let seen: Vec<(u64, &str)> = stored
        .iter()
        .map(|commit| (commit.sequence, commit.aggregate_id.as_str()))
        .collect();
    assert_eq!(seen, [(2, first.as_str()), (3, second.as_str())]);
    assert!(stored[0].actor.ends_with(&format!(":{ACTOR}")), "{}", stored[0].actor);
    assert_eq!(stored[0].events[0].r#type, "AccountOpened");

    // A payment stored after subscribing arrives too, with its metadata and events.
    app.council_tax()
        .await
        .post_payment(payment_request("pay-live", "swale", &second, 5_000))
        .await
        .expect("payment");
    let live = next().await;
    assert_eq!((live.sequence, live.aggregate_id.as_str()), (4, second.as_str()));
    assert_eq!(live.request_id, "pay-live");
    assert_eq!(live.effective_date, "2025-05-01");
    let types: Vec<&str> = live.events.iter().map(|event| event.r#type.as_str()).collect();
    assert_eq!(types, ["PaymentPosted", "PaymentAllocated"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_audit_requests_name_their_fields_and_unknown_aggregates_are_not_found() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council("swale")]).await;
    let mut audit = app.audit().await;

    let history = |council: &str, kind: &str, id: &str, page_size: u32| GetHistoryRequest {
        council: council.into(),
        kind: kind.into(),
        aggregate_id: id.into(),
        page_size,
        ..GetHistoryRequest::default()
    };
    let account = "6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11";
    for (request, fields) in [
        (history("nowhere", "ct-account", account, 0), vec!["council"]),
        (history("swale", "ct-accounts", account, 0), vec!["kind"]),
        (history("swale", "cost-pool", "2025-26", 0), vec!["kind"]),
        (history("partnership", "ct-account", account, 0), vec!["kind"]),
        (
            history("swale", "ct-account", "", 5_000),
            vec!["aggregate_id", "page_size"],
        ),
        (history("", "", "", 0), vec!["council", "kind", "aggregate_id"]),
    ] {
        let status = audit.get_history(request.clone()).await.expect_err("refused");
        assert_eq!(bad_fields(&status), fields, "{request:?}");
    }
    // An id that does not parse for its kind is refused by the kind's own parser; a subject
    // wildcard can never get through.
    for (kind, id) in [("ct-account", "not-a-uuid"), ("ct-property", ">"), ("uc-import", "*")] {
        let status = audit
            .get_history(history("swale", kind, id, 0))
            .await
            .expect_err("refused");
        assert_eq!(bad_fields(&status), ["aggregate_id"], "{kind} {id}");
    }
    let missing = audit
        .get_history(history("swale", "ct-account", account, 0))
        .await
        .expect_err("no such account");
    assert_eq!(missing.code(), Code::NotFound, "{missing:?}");

    let status = audit
        .get_state_as_known_at(GetStateAsKnownAtRequest {
            council: "swale".into(),
            kind: "ct-account".into(),
            aggregate_id: account.into(),
            as_known_at: "2025-06-10 09:30".into(),
        })
        .await
        .expect_err("refused");
    assert_eq!(bad_fields(&status), ["as_known_at"]);
    let status = audit
        .get_state_as_effective_at(GetStateAsEffectiveAtRequest {
            council: "swale".into(),
            kind: "nndr-year".into(),
            aggregate_id: "2025/2026".into(),
            effective_on: "2025-13-01".into(),
        })
        .await
        .expect_err("refused");
    assert_eq!(bad_fields(&status), ["effective_on"]);
    let status = audit
        .subscribe_events(SubscribeEventsRequest {
            council: "Swale".into(),
            from_sequence: 0,
        })
        .await
        .expect_err("refused");
    assert_eq!(bad_fields(&status), ["council"]);
}
