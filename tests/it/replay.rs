//! `precept replay` as a library: a rebuild matches the live read model; `--verify` finds no
//! drift on an untouched read model and exactly the altered cell after one is changed by hand;
//! a used database is refused as a target; the live projector's consumer is left alone.

use futures::StreamExt;
use precept_api::proto::{
    GetAccountBalanceRequest, OpenAccountRequest, PaymentMethod, PostPaymentRequest, RegisterPropertyRequest,
    RunAnnualBillingRequest, SetYearSettingsRequest,
};
use precept_projections::replay::Unobserved;
use precept_projections::{Drift, ReadStore};
use precept_server::replay::{ReplaySource, VerifyTarget};
use precept_testkit::{TestApp, TestDatabase, TestNats, council, spawn_app};
use uuid::Uuid;

/// Writes a small but varied history for `swale` through gRPC: the year's settings, `accounts`
/// properties (UPRNs from `first_uprn`) and accounts (request ids tagged with `tag`), an
/// annual billing run, and two payments per account. Waits until the live read model has folded all of it; returns the
/// account ids and the last sequence written.
pub(crate) async fn write_history(app: &TestApp, tag: &str, first_uprn: usize, accounts: usize) -> (Vec<String>, u64) {
    let (mut setup, mut billing, council_tax) = (app.setup().await, app.billing().await, app.council_tax().await);
    setup
        .set_year_settings(SetYearSettingsRequest {
            request_id: "settings-2025".into(),
            council: "swale".into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            settings: Some(crate::billing::settings()),
            correlation_id: String::new(),
        })
        .await
        .expect("settings");
    let opened: Vec<(String, u64)> = futures::stream::iter(0..accounts)
        .map(|n| {
            let (mut setup, mut council_tax) = (setup.clone(), council_tax.clone());
            let uprn = (first_uprn + n).to_string();
            async move {
                setup
                    .register_property(RegisterPropertyRequest {
                        request_id: format!("property-{tag}-{n}"),
                        council: "swale".into(),
                        uprn: uprn.clone(),
                        address_reference: format!("BLPU-{tag}-{n}"),
                        band: ["A", "B", "C", "D", "E", "F", "G", "H"][n % 8].into(),
                        parish_area: if n % 3 == 0 { "boughton" } else { "" }.into(),
                        effective_from: "1993-04-01".into(),
                        correlation_id: String::new(),
                    })
                    .await
                    .expect("property");
                let opened = council_tax
                    .open_account(OpenAccountRequest {
                        request_id: format!("open-{tag}-{n}"),
                        council: "swale".into(),
                        uprn,
                        liability_start: "2020-06-01".into(),
                        liable_party_ids: vec![Uuid::new_v4().to_string()],
                        ..OpenAccountRequest::default()
                    })
                    .await
                    .expect("open")
                    .into_inner();
                (opened.account_id, opened.commit.expect("receipt").sequence)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let mut run = billing
        .run_annual_billing(RunAnnualBillingRequest {
            request_id: format!("run-{tag}"),
            council: "swale".into(),
            year: "2025/26".into(),
            issue_date: "2025-03-10".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("run starts")
        .into_inner();
    while let Some(update) = run.next().await {
        update.expect("run progress");
    }
    let ids: Vec<String> = opened.into_iter().map(|(id, _)| id).collect();
    let mut last = 0;
    for round in 0..2 {
        let paid: Vec<u64> = futures::stream::iter(ids.iter().cloned().enumerate())
            .map(|(n, account_id)| {
                let mut council_tax = council_tax.clone();
                async move {
                    council_tax
                        .post_payment(payment(&format!("pay-{tag}-{round}-{n}"), &account_id, 1_000 + n))
                        .await
                        .expect("payment")
                        .into_inner()
                        .commit
                        .expect("receipt")
                        .sequence
                }
            })
            .buffer_unordered(16)
            .collect()
            .await;
        last = last.max(paid.into_iter().max().unwrap_or(0));
    }
    // Reading with the last sequence waits for the live projector to fold everything.
    balance(app, &ids[0], last).await;
    (ids, last)
}

pub(crate) fn payment(request_id: &str, account_id: &str, amount_pence: usize) -> PostPaymentRequest {
    PostPaymentRequest {
        request_id: request_id.to_owned(),
        council: "swale".into(),
        account_id: account_id.to_owned(),
        payment_id: Uuid::new_v4().to_string(),
        amount_pence: i64::try_from(amount_pence).expect("small"),
        method: PaymentMethod::Card as i32,
        reference: "CARD".into(),
        received_on: "2025-05-01".into(),
        ..PostPaymentRequest::default()
    }
}

/// An account's balance as the service answers it, once it has folded `min_sequence`.
pub(crate) async fn balance(app: &TestApp, account_id: &str, min_sequence: u64) -> i64 {
    app.council_tax()
        .await
        .get_account_balance(GetAccountBalanceRequest {
            council: "swale".into(),
            account_id: account_id.to_owned(),
            min_sequence,
        })
        .await
        .expect("balance answers")
        .into_inner()
        .balance_owed_pence
}

pub(crate) fn source(nats: &TestNats) -> ReplaySource {
    ReplaySource::new(nats.url(), vec![council("swale")], None).expect("every known projector")
}

async fn verify_finds_no_drift_then_exactly_the_altered_cell(live: TestDatabase) {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let app = spawn_app(&nats.url(), live.url(), &[council("swale")]).await;
    let (ids, _) = write_history(&app, "a", 300_000, 40).await;
    let target = VerifyTarget {
        live_url: live.url().to_owned(),
        scratch_url: None,
        limit: 100,
    };

    // The live service keeps running (its projector too) while verify reads it.
    let clean = precept_server::replay::verify(&source(&nats), &target, &Unobserved)
        .await
        .expect("verify runs");
    assert!(clean.is_clean(), "untouched read model drifted: {:?}", clean.drifts);
    assert!(clean.tables > 10 && clean.live_rows > 200, "{clean:?}");

    let victim = &ids[7];
    let stored = ReadStore::open_existing(live.url()).await.expect("live database");
    let before = stored
        .account_balance("swale", victim)
        .await
        .expect("row")
        .expect("the account has a row")
        .balance_owed_pence;
    alter_balance(&stored, victim, before + 1).await;

    let drifted = precept_server::replay::verify(&source(&nats), &target, &Unobserved)
        .await
        .expect("verify runs");
    assert_eq!(
        drifted.drifts,
        vec![Drift::Value {
            table: "ct_accounts".into(),
            key: vec![
                ("council".into(), "swale".into()),
                ("account_id".into(), victim.clone())
            ],
            column: "balance_owed_pence".into(),
            live: Some((before + 1).to_string()),
            rebuilt: Some(before.to_string()),
        }]
    );
    assert_eq!(drifted.more, 0);
    stored.close().await;
    app.stop().await;
}

/// Changes one cell behind Precept's back, as corruption or a stray hand would.
pub(crate) async fn alter_balance(store: &ReadStore, account_id: &str, balance_owed_pence: i64) {
    const SQL: &str = "UPDATE ct_accounts SET balance_owed_pence = $1 WHERE council = 'swale' AND account_id = $2";
    let changed = match store.pool() {
        precept_projections::ReadPool::Sqlite(pool) => sqlx::query(SQL)
            .bind(balance_owed_pence)
            .bind(account_id)
            .execute(&pool)
            .await
            .expect("update")
            .rows_affected(),
        precept_projections::ReadPool::Postgres(pool) => sqlx::query(SQL)
            .bind(balance_owed_pence)
            .bind(account_id)
            .execute(&pool)
            .await
            .expect("update")
            .rows_affected(),
    };
    assert_eq!(changed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_finds_no_drift_then_exactly_the_altered_cell_on_sqlite() {
    verify_finds_no_drift_then_exactly_the_altered_cell(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_finds_no_drift_then_exactly_the_altered_cell_on_postgres() {
    // The scratch database is the default temporary SQLite file: a comparison across backends.
    verify_finds_no_drift_then_exactly_the_altered_cell(TestDatabase::postgres().await).await;
}

async fn a_replay_matches_the_live_read_model(live: TestDatabase, rebuilt: TestDatabase) {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let app = spawn_app(&nats.url(), live.url(), &[council("swale")]).await;
    let (_, last) = write_history(&app, "b", 300_000, 30).await;
    let durable_before = projector_consumer_floor(&nats).await;

    let summary = precept_server::replay::replay(&source(&nats), rebuilt.url(), &Unobserved)
        .await
        .expect("replay");
    assert_eq!(summary.commits, last, "every commit from sequence 1 is folded once");
    assert_eq!(
        summary.checkpoints,
        vec![("ct-billing".to_owned(), council("swale"), last)]
    );
    // The live projector's durable consumer did not move.
    assert_eq!(projector_consumer_floor(&nats).await, durable_before);

    // Stopped cleanly, the live read model is at its final checkpoint: compare the two.
    app.stop().await;
    let live = ReadStore::open_read_only(live.url()).await.expect("live");
    let rebuilt_store = ReadStore::open_existing(rebuilt.url()).await.expect("rebuilt");
    let mut snapshot = live.snapshot().await.expect("snapshot");
    let report = snapshot.compare_with(&rebuilt_store, 100).await.expect("compare");
    assert!(report.is_clean(), "{:?}", report.drifts);
    assert!(report.live_rows > 150, "{report:?}");
    snapshot.close().await.expect("close");

    // A second replay into the same database is refused: it is no longer fresh.
    let refused = precept_server::replay::replay(&source(&nats), rebuilt.url(), &Unobserved)
        .await
        .expect_err("a used target is refused");
    assert!(format!("{refused:#}").contains("not fresh"), "{refused:#}");
    // An unknown projector is refused by name.
    let unknown = ReplaySource::new(nats.url(), vec![council("swale")], Some("ct-nothing")).expect_err("unknown");
    assert!(unknown.to_string().contains("ct-billing"), "{unknown}");
}

/// The acknowledgement floor of the live projector's durable consumer.
async fn projector_consumer_floor(nats: &TestNats) -> u64 {
    let context = async_nats::jetstream::new(nats.client().await);
    let stream = context
        .get_stream(precept_eventstore::stream_name("swale"))
        .await
        .expect("stream");
    let mut consumer: async_nats::jetstream::consumer::PullConsumer = stream
        .get_consumer("projector-ct-billing")
        .await
        .expect("the live projector's consumer");
    consumer.info().await.expect("consumer info").ack_floor.stream_sequence
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replay_into_postgres_matches_a_live_sqlite_read_model() {
    a_replay_matches_the_live_read_model(TestDatabase::sqlite(), TestDatabase::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replay_into_sqlite_matches_a_live_postgres_read_model() {
    a_replay_matches_the_live_read_model(TestDatabase::postgres().await, TestDatabase::sqlite()).await;
}
