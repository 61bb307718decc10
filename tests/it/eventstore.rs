//! The event store's contract, against a real nats-server: typed conflicts, append-only
//! streams, snapshots, and the `eventually` traits.

use std::sync::Arc;

use eventually_core::store::{AppendError, EventStore, Expected, Select};
use eventually_core::subscription::EventSubscriber;
use eventually_core::versioning::Versioned;
use futures::{StreamExt, TryStreamExt};
use precept_app::{
    AggregateStore, AppendOutcome, CommandHandler, HandlerConfig, NewCommit, RequestMeta, StoreError, StreamPosition,
    SystemClock,
};
use precept_domain::account::{
    AccountCommand, AccountEvent, AccountState, CouncilTaxAccount, OpenAccount, PaymentMethod, PaymentPosted,
    PaymentReference, PostPayment,
};
use precept_domain::{AccountId, PartyId, PaymentId, Pence, Uprn};
use precept_eventstore::eventually::{CouncilStreams, EventuallyError};
use precept_eventstore::{EventStoreConfig, JetStreamEventStore};
use precept_testkit::{TestNats, council};
use uuid::Uuid;

async fn store(nats: &TestNats) -> JetStreamEventStore {
    let store = JetStreamEventStore::connect(nats.client().await, EventStoreConfig::default(), Arc::new(SystemClock))
        .await
        .expect("store");
    store.ensure_streams(&[council("swale")]).await.expect("streams");
    store
}

fn meta(request: &str) -> RequestMeta {
    precept_testkit::request_meta(request)
}

fn open() -> AccountCommand {
    AccountCommand::OpenAccount(OpenAccount {
        property: Uprn::parse("100062557744").expect("uprn"),
        liability_start: "2025-04-01".parse().expect("date"),
        liable_parties: vec![PartyId::from_uuid(Uuid::new_v4()).expect("id")],
        balance_brought_forward_pence: Pence::ZERO,
        instalment_plan: Default::default(),
    })
}

fn payment_event(pence: i64) -> AccountEvent {
    AccountEvent::PaymentPosted(PaymentPosted {
        payment_id: PaymentId::from_uuid(Uuid::new_v4()).expect("id"),
        amount_pence: Pence::new(pence),
        method: PaymentMethod::Cash,
        reference: PaymentReference::parse("CASH").expect("reference"),
        received_on: "2025-06-01".parse().expect("date"),
    })
}

fn pay(pence: i64) -> AccountCommand {
    let AccountEvent::PaymentPosted(event) = payment_event(pence) else {
        unreachable!("built as a payment")
    };
    AccountCommand::PostPayment(PostPayment {
        payment_id: event.payment_id,
        amount_pence: event.amount_pence,
        method: event.method,
        reference: event.reference,
        received_on: event.received_on,
        appropriate_to: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_expected_position_is_a_typed_conflict_and_writes_nothing() {
    let nats = TestNats::start().await;
    let store = store(&nats).await;
    let swale = council("swale");
    let id = AccountId::from_uuid(Uuid::new_v4()).expect("id");
    let handler = CommandHandler::new(CouncilTaxAccount, Arc::new(store.clone()), HandlerConfig::default());
    handler.execute(&swale, &id, open(), &meta("open")).await.expect("open");
    let loaded = AggregateStore::<CouncilTaxAccount>::load(&store, &swale, &id)
        .await
        .expect("load");
    let events = [payment_event(100)];
    let append = |request: &'static str, expected: StreamPosition| {
        let store = store.clone();
        let (swale, events) = (swale.clone(), events.clone());
        async move {
            let meta = meta(request);
            let commit = NewCommit::<CouncilTaxAccount> {
                council: &swale,
                aggregate_id: &id,
                events: &events,
                meta: &meta,
                effective_date: None,
                expected,
            };
            AggregateStore::<CouncilTaxAccount>::append(&store, commit).await
        }
    };
    let first = append("pay-a", loaded.position).await.expect("first append");
    assert!(matches!(first, AppendOutcome::Stored { .. }));
    let second = append("pay-b", loaded.position).await;
    assert!(
        matches!(second, Err(StoreError::Conflict { expected_sequence }) if expected_sequence == loaded.position.last_sequence)
    );
    let after = AggregateStore::<CouncilTaxAccount>::load(&store, &swale, &id)
        .await
        .expect("load");
    assert_eq!(after.position.version, loaded.position.version + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn council_streams_refuse_delete_and_purge() {
    let nats = TestNats::start().await;
    let store = store(&nats).await;
    let handler = CommandHandler::new(CouncilTaxAccount, Arc::new(store.clone()), HandlerConfig::default());
    let id = AccountId::from_uuid(Uuid::new_v4()).expect("id");
    let commit = handler
        .execute(&council("swale"), &id, open(), &meta("open"))
        .await
        .expect("open")
        .commit;
    let mut stream = store.context().get_stream("PRECEPT_SWALE").await.expect("stream");
    assert!(
        stream.delete_message(commit.sequence).await.is_err(),
        "delete is denied"
    );
    assert!(stream.purge().await.is_err(), "purge is denied");
    let info = stream.info().await.expect("info");
    assert_eq!(info.state.messages, 1);
    assert!(info.config.deny_delete && info.config.deny_purge);
    assert!(
        store.context().get_stream("PRECEPT_PARTNERSHIP").await.is_ok(),
        "the partnership stream exists"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loading_from_a_snapshot_gives_the_same_state_as_replaying_every_commit() {
    let nats = TestNats::start().await;
    let store = store(&nats).await;
    let swale = council("swale");
    let id = AccountId::from_uuid(Uuid::new_v4()).expect("id");
    let config = HandlerConfig {
        snapshot_every_events: 10,
        ..HandlerConfig::default()
    };
    let handler = CommandHandler::new(CouncilTaxAccount, Arc::new(store.clone()), config);
    handler.execute(&swale, &id, open(), &meta("open")).await.expect("open");
    for n in 0..25 {
        handler
            .execute(&swale, &id, pay(100 + n), &meta(&format!("pay-{n}")))
            .await
            .expect("pay");
    }
    // Snapshots are written in the background, each from its own task, so they can land out
    // of order (version 40's after version 50's) and the bucket's current value may be any of
    // them. The watch starts from that current value: wait for any snapshot at all; loading
    // from whichever it is must give the replayed state.
    let bucket = store
        .context()
        .get_key_value("precept_snapshots")
        .await
        .expect("bucket");
    let key = format!("swale.ct-account.{id}");
    let mut watch = bucket.watch_with_history(&key).await.expect("watch");
    let landed = tokio::time::timeout(std::time::Duration::from_secs(60), watch.next())
        .await
        .expect("a snapshot lands within a minute (is the snapshot bucket writable?)");
    let entry = landed.expect("watch open").expect("entry");
    assert!(
        String::from_utf8_lossy(&entry.value).contains("\"version\":"),
        "a snapshot"
    );
    let from_snapshot = AggregateStore::<CouncilTaxAccount>::load(&store, &swale, &id)
        .await
        .expect("load");
    let replayed = CouncilStreams::<CouncilTaxAccount>::new(store.clone(), swale.clone());
    let events: Vec<AccountEvent> = replayed
        .stream(id, Select::All)
        .await
        .expect("stream")
        .map_ok(|persisted| persisted.take())
        .try_collect()
        .await
        .expect("events");
    let folded = CouncilTaxAccount::fold_events(&events);
    assert_eq!(from_snapshot.state, folded);
    // Two events at opening, then a payment and its allocation per payment.
    assert_eq!(from_snapshot.position.version, 52);
    let AccountState::Open(account) = folded else {
        panic!("account is open")
    };
    assert_eq!(
        account.balance_owed_pence,
        Pence::new(-(0..25).map(|n| 100 + n).sum::<i64>())
    );
}

trait FoldEvents {
    fn fold_events(events: &[AccountEvent]) -> AccountState;
}

impl FoldEvents for CouncilTaxAccount {
    fn fold_events(events: &[AccountEvent]) -> AccountState {
        use precept_domain::AggregateKind;
        CouncilTaxAccount::fold(AccountState::default(), events).expect("history folds")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eventually_traits_append_read_conflict_and_refuse_removal() {
    let nats = TestNats::start().await;
    let store = store(&nats).await;
    let mut streams = CouncilStreams::<CouncilTaxAccount>::new(store.clone(), council("swale"));
    let subscriber = streams.clone();
    let mut live = subscriber.subscribe_all().await.expect("subscribe");
    let id = AccountId::from_uuid(Uuid::new_v4()).expect("id");
    let AccountCommand::OpenAccount(open) = open() else {
        unreachable!("built as an opening")
    };
    let opening = AccountState::default()
        .decide(id, AccountCommand::OpenAccount(open))
        .expect("decides");
    let version = streams
        .append(id, Expected::Exact(0), opening.clone())
        .await
        .expect("append");
    assert_eq!(version, 2);
    let conflict = streams
        .append(id, Expected::Exact(0), opening)
        .await
        .expect_err("stale version");
    assert!(conflict.is_conflict_error());
    streams
        .append(id, Expected::Exact(2), vec![payment_event(700)])
        .await
        .expect("append at version 2");

    let persisted: Vec<_> = streams
        .stream(id, Select::All)
        .await
        .expect("stream")
        .try_collect()
        .await
        .expect("events");
    assert_eq!(persisted.iter().map(Versioned::version).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(persisted[0].sequence_number(), 1);
    assert_eq!(
        persisted[2].sequence_number(),
        2,
        "the payment is the second commit in the stream"
    );
    let from_version_3: Vec<_> = streams
        .stream(id, Select::From(3))
        .await
        .expect("stream")
        .try_collect()
        .await
        .expect("events");
    assert_eq!(from_version_3.len(), 1);
    let all: Vec<_> = streams
        .stream_all(Select::From(2))
        .await
        .expect("stream all")
        .try_collect()
        .await
        .expect("events");
    assert_eq!(all.len(), 1);
    assert!(matches!(streams.remove(id).await, Err(EventuallyError::AppendOnly)));

    let received: Vec<_> = live.by_ref().take(3).try_collect().await.expect("live events");
    assert_eq!(received.iter().map(Versioned::version).collect::<Vec<_>>(), [1, 2, 3]);
}

/// The partnership-wide stream holds the partnership agreement (issue 7): commands append to
/// `PRECEPT_PARTNERSHIP`, and a fresh handler (no cache) loads the same state back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_partnership_agreement_lives_in_the_partnership_stream() {
    use precept_domain::CouncilCode;
    use precept_domain::partnership::agreement::AgreementId;
    use precept_domain::partnership::{Agreement, AgreementCommand, Service};

    let nats = TestNats::start().await;
    let store = Arc::new(store(&nats).await);
    let partnership = CouncilCode::partnership();
    let handler = CommandHandler::new(Agreement, Arc::clone(&store), HandlerConfig::default());
    let join = |member: &str, services: Vec<Service>| AgreementCommand::Join {
        member: council(member),
        services,
        from: "2025-04-01".parse().expect("date"),
    };
    let first = handler
        .execute(
            &partnership,
            &AgreementId,
            join("maidstone", vec![Service::CouncilTax]),
            &meta("join-1"),
        )
        .await
        .expect("joined");
    handler
        .execute(
            &partnership,
            &AgreementId,
            join("swale", vec![Service::CouncilTax, Service::Benefits]),
            &meta("join-2"),
        )
        .await
        .expect("joined");
    let refused = handler
        .execute(
            &partnership,
            &AgreementId,
            join("swale", vec![Service::CouncilTax]),
            &meta("join-3"),
        )
        .await;
    assert!(refused.is_err(), "a member cannot join twice");
    let fresh = CommandHandler::new(Agreement, Arc::clone(&store), HandlerConfig::default());
    let state = fresh.state(&partnership, &AgreementId).await.expect("loads");
    let on = "2025-05-01".parse().expect("date");
    assert_eq!(
        state.taking(Service::CouncilTax, on),
        [council("maidstone"), council("swale")]
    );
    assert_eq!(state.taking(Service::Benefits, on), [council("swale")]);
    assert!(first.commit.sequence > 0);
    let stream = nats
        .client()
        .await
        .request("$JS.API.STREAM.INFO.PRECEPT_PARTNERSHIP", "".into())
        .await
        .expect("stream info");
    let info: serde_json::Value = serde_json::from_slice(&stream.payload).expect("json");
    assert_eq!(info["state"]["messages"], 2, "two commits in the partnership stream");
}
