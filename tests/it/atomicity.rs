//! A command's events are stored all together or not at all, even when the server is killed
//! while commands are in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use precept_app::{AggregateStore, CommandHandler, HandlerConfig, RequestMeta, SystemClock};
use precept_domain::account::{AccountCommand, AccountState, CouncilTaxAccount, OpenAccount};
use precept_domain::{AccountId, PartyId, Pence, Uprn};
use precept_eventstore::{EventStoreConfig, JetStreamEventStore};
use precept_testkit::{TestNats, council};
use tokio::sync::Notify;
use uuid::Uuid;

use crate::helpers::commits;

const PARTIES: usize = 16;

async fn store(nats: &TestNats) -> JetStreamEventStore {
    let config = EventStoreConfig {
        request_timeout: Duration::from_secs(2),
        ..EventStoreConfig::default()
    };
    let store = JetStreamEventStore::connect(nats.client().await, config, Arc::new(SystemClock))
        .await
        .expect("store");
    store.ensure_streams(&[council("swale")]).await.expect("streams");
    store
}

fn open_command() -> AccountCommand {
    AccountCommand::OpenAccount(OpenAccount {
        property: Uprn::parse("100062557744").expect("uprn"),
        liability_start: "2025-04-01".parse().expect("date"),
        liable_parties: (0..PARTIES)
            .map(|_| PartyId::from_uuid(Uuid::new_v4()).expect("id"))
            .collect(),
        balance_brought_forward_pence: Pence::new(12_345),
        instalment_plan: Default::default(),
    })
}

fn meta(n: usize) -> RequestMeta {
    precept_testkit::request_meta(&format!("open-{n}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_mid_command_never_leaves_half_a_command_stored() {
    let mut nats = TestNats::start().await;
    let store = Arc::new(store(&nats).await);
    let handler = Arc::new(CommandHandler::new(
        CouncilTaxAccount,
        Arc::clone(&store),
        HandlerConfig {
            attempts_max: 1,
            ..HandlerConfig::default()
        },
    ));
    let swale = council("swale");
    let ids: Vec<AccountId> = (0..300)
        .map(|_| AccountId::from_uuid(Uuid::new_v4()).expect("id"))
        .collect();
    let acked = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(Notify::new());
    let mut tasks = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let (handler, swale, id, acked, enough) = (
            Arc::clone(&handler),
            swale.clone(),
            *id,
            Arc::clone(&acked),
            Arc::clone(&enough),
        );
        tasks.push(tokio::spawn(async move {
            let result = handler.execute(&swale, &id, open_command(), &meta(n)).await;
            if result.is_ok() && acked.fetch_add(1, Ordering::SeqCst) + 1 == 40 {
                enough.notify_one();
            }
            result.is_ok()
        }));
    }
    // Kill the server once some commands are acknowledged and others are still in flight.
    enough.notified().await;
    nats.kill().await;
    let mut succeeded = Vec::new();
    for (task, id) in tasks.into_iter().zip(&ids) {
        if task.await.expect("task") {
            succeeded.push(*id);
        }
    }
    nats.restart().await;

    let store = store_after_restart(&nats).await;
    let mut opened = 0;
    for id in &ids {
        let loaded = AggregateStore::<CouncilTaxAccount>::load(&store, &swale, id)
            .await
            .expect("load after restart");
        match loaded.state {
            AccountState::NotOpened => assert_eq!(loaded.position.version, 0),
            AccountState::Open(account) => {
                assert_eq!(
                    account.liable_parties.len(),
                    PARTIES,
                    "an account is never stored without all its parties"
                );
                assert_eq!(loaded.position.version, 1 + PARTIES as u64);
                opened += 1;
            }
        }
    }
    for id in &succeeded {
        let loaded = AggregateStore::<CouncilTaxAccount>::load(&store, &swale, id)
            .await
            .expect("load");
        assert!(
            matches!(loaded.state, AccountState::Open(_)),
            "every acknowledged command survived the kill"
        );
    }
    let stored = commits(&nats.client().await, "swale").await;
    assert_eq!(stored.len(), opened);
    assert!(stored.iter().all(|(_, commit)| commit.events.len() == 1 + PARTIES));
    assert!(succeeded.len() >= 40 && opened >= succeeded.len());
}

async fn store_after_restart(nats: &TestNats) -> JetStreamEventStore {
    let store = JetStreamEventStore::connect(nats.client().await, EventStoreConfig::default(), Arc::new(SystemClock))
        .await
        .expect("store after restart");
    store
        .ensure_streams(&[council("swale")])
        .await
        .expect("streams survive the restart");
    store
}
