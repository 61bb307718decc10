//! A request sent three times is carried out once and answered identically each time, inside
//! JetStream's duplicate window and after it.

use std::time::Duration;

use async_nats::jetstream::{self, message::PublishMessage};
use precept_api::proto::GetAccountBalanceRequest;
use precept_testkit::{TestDatabase, TestNats, council, spawn_with, test_settings};

use crate::helpers::{commits, open_request, payment_request, register_test_property};

const WINDOW: Duration = Duration::from_secs(1);

/// Waits until a duplicate window that opened now has closed, by asking the server: a probe
/// stream with the same window re-sends one message id until it is no longer a duplicate.
async fn wait_for_duplicate_window_to_pass(client: &async_nats::Client) {
    let context = jetstream::new(client.clone());
    context
        .create_stream(jetstream::stream::Config {
            name: "WINDOW_PROBE".into(),
            subjects: vec!["window-probe".into()],
            duplicate_window: WINDOW,
            ..Default::default()
        })
        .await
        .expect("probe stream");
    let probe = || PublishMessage::build().payload("probe".into()).message_id("probe");
    context
        .send_publish("window-probe", probe())
        .await
        .expect("publish")
        .await
        .expect("ack");
    let mut interval = tokio::time::interval(Duration::from_millis(100));
    for _ in 0..100 {
        interval.tick().await;
        let ack = context
            .send_publish("window-probe", probe())
            .await
            .expect("publish")
            .await
            .expect("ack");
        if !ack.duplicate {
            return;
        }
    }
    panic!("the duplicate window never closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_sent_three_times_is_stored_once_and_answered_identically() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let councils = [council("swale")];
    let settings = |projectors| {
        let mut settings = test_settings(&nats.url(), database.url(), &councils).with_projectors(projectors);
        settings.duplicate_window = WINDOW;
        settings
    };
    let first = spawn_with(settings(true)).await;
    let second = spawn_with(settings(false)).await;
    register_test_property(&first, "swale").await;
    let mut a = first.council_tax().await;
    let mut b = second.council_tax().await;
    let account_id = a
        .open_account(open_request("open-1", "swale", 1))
        .await
        .expect("open")
        .into_inner()
        .account_id;
    // Instance B caches the account as of this payment, so it will be stale after A's next one.
    b.post_payment(payment_request("pay-0", "swale", &account_id, 1_000))
        .await
        .expect("pay-0");

    let request = payment_request("pay-1", "swale", &account_id, 2_500);
    let original = a.post_payment(request.clone()).await.expect("first send").into_inner();
    // Inside the window, to the stale instance: its append is caught by Nats-Msg-Id.
    let inside = b.post_payment(request.clone()).await.expect("second send");
    assert_eq!(
        inside
            .metadata()
            .get("x-precept-replayed")
            .map(|v| v.to_str().expect("ascii")),
        Some("true")
    );
    wait_for_duplicate_window_to_pass(&nats.client().await).await;
    // After the window, to an instance that has never seen the account: the durable record
    // (the request log in the account's history) answers it.
    let third = spawn_with(settings(false)).await;
    let after = third
        .council_tax()
        .await
        .post_payment(request.clone())
        .await
        .expect("third send");
    assert_eq!(
        after
            .metadata()
            .get("x-precept-replayed")
            .map(|v| v.to_str().expect("ascii")),
        Some("true")
    );

    assert_eq!(inside.into_inner(), original);
    assert_eq!(after.into_inner(), original);
    let stored = commits(&nats.client().await, "swale").await;
    assert_eq!(
        stored.iter().filter(|(_, commit)| commit.request_id == "pay-1").count(),
        1
    );

    // The same request id with different content is refused, not replayed.
    let mut altered = request.clone();
    altered.amount_pence = 9_999;
    let refused = a.post_payment(altered).await.expect_err("reused request id");
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition);

    let sequence = original.commit.expect("receipt").sequence;
    let balance = a
        .get_account_balance(GetAccountBalanceRequest {
            council: "swale".into(),
            account_id,
            min_sequence: sequence,
        })
        .await
        .expect("balance")
        .into_inner();
    assert_eq!((balance.balance_owed_pence, balance.payments_count), (-3_500, 2));
    first.stop().await;
    second.stop().await;
    third.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retrying_an_open_account_without_an_account_id_names_the_same_account() {
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_with(test_settings(&nats.url(), database.url(), &[council("swale")])).await;
    register_test_property(&app, "swale").await;
    let mut client = app.council_tax().await;
    let request = open_request("open-retry", "swale", 2);
    let first = client.open_account(request.clone()).await.expect("first").into_inner();
    let second = client.open_account(request).await.expect("retry").into_inner();
    assert_eq!(first, second);
    let stored = commits(&nats.client().await, "swale").await;
    assert_eq!(
        stored
            .iter()
            .filter(|(_, commit)| commit.request_id == "open-retry")
            .count(),
        1
    );
    app.stop().await;
}
