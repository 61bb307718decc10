//! Optimistic concurrency: many writers on one account, all succeed, nothing lost or doubled.

use precept_testkit::{TestDatabase, TestNats, council, spawn_app, spawn_with, test_settings};

use crate::helpers::{commits, open_request, payment_request, register_test_property};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_payments_to_one_account_all_land_exactly_once() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let councils = [council("swale")];
    // Two service instances share the streams, as two replicas behind a load balancer would:
    // within one instance commands on an account queue up; between instances they race, and
    // the expected-sequence check plus retries must sort it out.
    let first = spawn_app(&nats.url(), database.url(), &councils).await;
    // One instance per read-model database runs the projectors (Settings::run_projectors).
    let second = spawn_with(test_settings(&nats.url(), database.url(), &councils).with_projectors(false)).await;
    register_test_property(&first, "swale").await;
    let opened = first
        .council_tax()
        .await
        .open_account(open_request("open-hot", "swale", 1))
        .await
        .expect("open")
        .into_inner();
    let account_id = opened.account_id.clone();

    let mut tasks = Vec::new();
    for n in 0..50i64 {
        let app_address = if n % 2 == 0 {
            first.address.clone()
        } else {
            second.address.clone()
        };
        let account_id = account_id.clone();
        let token = first.token.clone();
        tasks.push(tokio::spawn(async move {
            let channel = tonic::transport::Channel::from_shared(app_address)
                .expect("uri")
                .connect()
                .await
                .expect("connect");
            let channel = tonic::service::interceptor::InterceptedService::new(
                channel,
                precept_testkit::Bearer::new(Some(&token)).expect("an ASCII token"),
            );
            let mut client = precept_api::proto::council_tax_accounts_client::CouncilTaxAccountsClient::new(channel);
            let request = payment_request(&format!("pay-{n}"), "swale", &account_id, 100 + n);
            client
                .post_payment(request)
                .await
                .map(|response| response.into_inner().commit.expect("receipt").sequence)
        }));
    }
    let mut last_sequence = 0;
    for task in tasks {
        let sequence = task.await.expect("task").expect("every payment succeeds after retries");
        last_sequence = last_sequence.max(sequence);
    }

    let expected_total: i64 = (0..50).map(|n| 100 + n).sum();
    let mut query = first.council_tax().await;
    let balance = query
        .get_account_balance(precept_api::proto::GetAccountBalanceRequest {
            council: "swale".into(),
            account_id: account_id.clone(),
            min_sequence: last_sequence,
        })
        .await
        .expect("balance")
        .into_inner();
    assert_eq!(balance.balance_owed_pence, -expected_total);
    assert_eq!(balance.payments_count, 50);

    let client = nats.client().await;
    let stored = commits(&client, "swale").await;
    let payment_events: usize = stored
        .iter()
        .filter(|(_, commit)| commit.aggregate_id == account_id)
        .flat_map(|(_, commit)| commit.events.iter())
        .filter(|event| event.event_type == "PaymentPosted")
        .count();
    assert_eq!(payment_events, 50);
    // Versions are contiguous: 2 events at opening (account + party), then two per payment
    // (the payment and its allocation).
    let versions: Vec<u64> = stored
        .iter()
        .filter(|(_, c)| c.aggregate_id == account_id)
        .map(|(_, c)| c.first_version)
        .collect();
    assert_eq!(
        versions,
        std::iter::once(1).chain((3..=101).step_by(2)).collect::<Vec<u64>>()
    );
    first.stop().await;
    second.stop().await;
}
