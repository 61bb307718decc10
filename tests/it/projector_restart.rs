//! A projector killed mid-run and restarted produces exactly what a clean rebuild produces.

use std::sync::Arc;

use precept_app::{CommandHandler, HandlerConfig, RequestMeta, SystemClock};
use precept_domain::account::{
    AccountCommand, CouncilTaxAccount, OpenAccount, PaymentMethod, PaymentReference, PostPayment,
};
use precept_domain::{AccountId, CouncilCode, PartyId, PaymentId, Pence, Uprn};
use precept_eventstore::{EventStoreConfig, JetStreamEventStore, JetStreamFeedSource};
use precept_projections::billing::PROJECTOR;
use precept_projections::{Projector, ProjectorConfig, ReadStore};
use precept_testkit::{TestDatabase, TestNats, council};
use uuid::Uuid;

fn meta(request: String) -> RequestMeta {
    precept_testkit::request_meta(&request)
}

/// Writes `accounts` accounts with a few payments each in every council; returns the last
/// sequence of each council's stream.
async fn write_history(store: Arc<JetStreamEventStore>, councils: &[CouncilCode], accounts: usize) -> Vec<u64> {
    let handler = Arc::new(CommandHandler::new(CouncilTaxAccount, store, HandlerConfig::default()));
    let mut last = vec![0; councils.len()];
    for (index, council) in councils.iter().enumerate() {
        let mut tasks = Vec::new();
        for n in 0..accounts {
            let (handler, council) = (Arc::clone(&handler), council.clone());
            tasks.push(tokio::spawn(async move {
                let id = AccountId::from_uuid(Uuid::new_v4()).expect("id");
                let open = AccountCommand::OpenAccount(OpenAccount {
                    property: Uprn::parse(&format!("{}", 100_000 + n)).expect("uprn"),
                    liability_start: "2025-04-01".parse().expect("date"),
                    liable_parties: vec![PartyId::from_uuid(Uuid::new_v4()).expect("id")],
                    balance_brought_forward_pence: Pence::new(50_000),
                    instalment_plan: Default::default(),
                });
                let mut sequence = handler
                    .execute(&council, &id, open, &meta(format!("open-{n}")))
                    .await
                    .expect("open")
                    .commit
                    .sequence;
                for p in 0..(n % 5) {
                    let payment = AccountCommand::PostPayment(PostPayment {
                        payment_id: PaymentId::from_uuid(Uuid::new_v4()).expect("id"),
                        amount_pence: Pence::new(1_000 + i64::try_from(p).expect("small")),
                        method: PaymentMethod::Card,
                        reference: PaymentReference::parse("CARD").expect("reference"),
                        received_on: "2025-05-01".parse().expect("date"),
                        appropriate_to: None,
                    });
                    sequence = handler
                        .execute(&council, &id, payment, &meta(format!("pay-{n}-{p}")))
                        .await
                        .expect("pay")
                        .commit
                        .sequence;
                }
                sequence
            }));
        }
        for task in tasks {
            last[index] = last[index].max(task.await.expect("task"));
        }
    }
    last
}

async fn run_to_end(feeds: &Arc<JetStreamFeedSource>, read: &ReadStore, councils: &[CouncilCode], last: &[u64]) {
    let projector = Projector::start(Arc::clone(feeds), read.clone(), councils, small_batches())
        .await
        .expect("projector");
    for (council, sequence) in councils.iter().zip(last) {
        projector.caught_up(council, *sequence).await.expect("caught up");
    }
    projector.shutdown().await;
}

fn small_batches() -> ProjectorConfig {
    // Small batches make many transactions, so the kill lands mid-run.
    ProjectorConfig {
        batch_max: 25,
        ..ProjectorConfig::new(PROJECTOR)
    }
}

async fn killed_projector_matches_a_clean_rebuild(first: TestDatabase, second: TestDatabase) {
    let nats = TestNats::start().await;
    let councils = [council("swale"), council("maidstone")];
    let store = Arc::new(
        JetStreamEventStore::connect(nats.client().await, EventStoreConfig::default(), Arc::new(SystemClock))
            .await
            .expect("store"),
    );
    store.ensure_streams(&councils).await.expect("streams");
    let last = write_history(Arc::clone(&store), &councils, 200).await;
    let feeds = Arc::new(JetStreamFeedSource::new((*store).clone()));

    let killed = ReadStore::connect(first.url()).await.expect("first database");
    let projector = Projector::start(Arc::clone(&feeds), killed.clone(), &councils, small_batches())
        .await
        .expect("projector");
    // Kill it once it is a quarter of the way through the first council.
    projector.caught_up(&councils[0], last[0] / 4).await.expect("progress");
    projector.abort().await;
    let partial = killed.checkpoint(PROJECTOR, "swale").await.expect("checkpoint");
    assert!(partial < last[0], "the kill came mid-run");
    run_to_end(&feeds, &killed, &councils, &last).await;

    let rebuilt = ReadStore::connect(second.url()).await.expect("second database");
    run_to_end(&feeds, &rebuilt, &councils, &last).await;

    assert_eq!(killed.all_balances().await.expect("rows").len(), 400);
    assert_eq!(
        killed.balances_checksum().await.expect("checksum"),
        rebuilt.balances_checksum().await.expect("checksum")
    );
    let total: i64 = killed
        .all_balances()
        .await
        .expect("rows")
        .iter()
        .map(|row| row.balance_owed_pence)
        .sum();
    // 400 accounts brought forward £500 each; payments of £10.00 + p pence, n % 5 of them.
    let paid: i64 = (0..200i64)
        .map(|n| (0..n % 5).map(|p| 1_000 + p).sum::<i64>())
        .sum::<i64>()
        * 2;
    assert_eq!(total, 400 * 50_000 - paid);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_sqlite_projector_matches_a_clean_rebuild() {
    killed_projector_matches_a_clean_rebuild(TestDatabase::sqlite(), TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_postgres_projector_matches_a_clean_rebuild() {
    killed_projector_matches_a_clean_rebuild(TestDatabase::postgres().await, TestDatabase::postgres().await).await;
}
