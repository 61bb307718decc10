//! Switching a running service onto a rebuilt read model (`Admin/SwitchReadModel`): queries
//! keep answering throughout, read-your-writes holds across the switch, and afterwards the
//! projector writes and the queries read the new database; a database that is not a replayed
//! Precept read model is refused and the service carries on as before.

use precept_api::proto::{GetAccountBalanceRequest, SwitchReadModelRequest};
use precept_projections::ReadStore;
use precept_projections::replay::Unobserved;
use precept_testkit::{TestDatabase, TestNats, council, spawn_app};
use tokio::sync::watch;

use crate::replay::{alter_balance, balance, payment, source, write_history};

/// Reads and writes issued while the switch runs stop after this many each, if not told sooner.
const ATTEMPTS_MAX: u64 = 100_000;

async fn switching_keeps_queries_answering(live: TestDatabase, next: TestDatabase) {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let app = spawn_app(&nats.url(), live.url(), &[council("swale")]).await;
    let (ids, _) = write_history(&app, "a", 300_000, 20).await;
    precept_server::replay::replay(&source(&nats), next.url(), &Unobserved)
        .await
        .expect("replay");
    // More history after the replay: the rebuilt database is now behind the live one.
    let (_, before_switch) = write_history(&app, "b", 400_000, 10).await;

    // A reader and a writer (each payment read back at its own sequence) run through the switch.
    let (stop, stopped) = watch::channel(false);
    let (reads_done, mut reads) = watch::channel(0u64);
    let reader = {
        let (mut client, stopped, account) = (app.council_tax().await, stopped.clone(), ids[0].clone());
        tokio::spawn(async move {
            for count in 1..=ATTEMPTS_MAX {
                if *stopped.borrow() {
                    break;
                }
                client
                    .get_account_balance(GetAccountBalanceRequest {
                        council: "swale".into(),
                        account_id: account.clone(),
                        min_sequence: 0,
                    })
                    .await
                    .expect("a read during the switch answers");
                reads_done.send_replace(count);
            }
        })
    };
    let writer = {
        let (mut client, stopped, account) = (app.council_tax().await, stopped.clone(), ids[1].clone());
        tokio::spawn(async move {
            let mut written = 0;
            for n in 0..ATTEMPTS_MAX {
                if *stopped.borrow() {
                    break;
                }
                let sequence = client
                    .post_payment(payment(&format!("during-{n}"), &account, 100))
                    .await
                    .expect("a payment during the switch")
                    .into_inner()
                    .commit
                    .expect("receipt")
                    .sequence;
                let row = client
                    .get_account_balance(GetAccountBalanceRequest {
                        council: "swale".into(),
                        account_id: account.clone(),
                        min_sequence: sequence,
                    })
                    .await
                    .expect("the payment reads back during the switch")
                    .into_inner();
                assert!(row.as_of_sequence >= sequence, "read-your-writes across the switch");
                written += 1;
            }
            written
        })
    };
    reads.wait_for(|count| *count >= 5).await.expect("the reader runs");

    let switched = app
        .admin()
        .await
        .switch_read_model(SwitchReadModelRequest {
            database_url: next.url().to_owned(),
        })
        .await
        .expect("the switch is accepted")
        .into_inner();
    let at_switch = *reads.borrow();
    reads
        .wait_for(|count| *count >= at_switch + 5)
        .await
        .expect("reads go on after the switch");
    stop.send_replace(true);
    reader.await.expect("reader");
    let written = writer.await.expect("writer");
    assert!(written > 0, "payments were taken during the switch");
    assert_eq!(switched.checkpoints.len(), 1);
    assert!(switched.checkpoints[0].sequence >= before_switch, "{switched:?}");
    assert!(
        switched.caught_up_commits > 0,
        "the rebuilt database was caught up: {switched:?}"
    );

    // After the switch, new commands are folded into the new database only...
    let (after_ids, after_switch) = write_history(&app, "c", 500_000, 3).await;
    let (old, new) = (
        ReadStore::open_existing(live.url()).await.expect("old database"),
        ReadStore::open_existing(next.url()).await.expect("new database"),
    );
    let account = &after_ids[0];
    assert!(new.account_balance("swale", account).await.expect("row").is_some());
    assert!(old.account_balance("swale", account).await.expect("row").is_none());
    assert!(new.checkpoint("ct-billing", "swale").await.expect("checkpoint") >= after_switch);
    assert!(old.checkpoint("ct-billing", "swale").await.expect("checkpoint") < after_switch);
    // ... and queries read it: a cell changed there by hand is what the service answers.
    alter_balance(&new, account, 12_345).await;
    assert_eq!(balance(&app, account, 0).await, 12_345);
    old.close().await;
    new.close().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn switching_from_sqlite_to_a_postgres_rebuild_keeps_queries_answering() {
    switching_keeps_queries_answering(TestDatabase::sqlite(), TestDatabase::postgres().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn switching_from_postgres_to_a_sqlite_rebuild_keeps_queries_answering() {
    switching_keeps_queries_answering(TestDatabase::postgres().await, TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_switch_is_refused_unless_the_database_is_a_replayed_read_model() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let live = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), live.url(), &[council("swale")]).await;
    let (ids, last) = write_history(&app, "a", 300_000, 5).await;
    let mut admin = app.admin().await;
    let switch_to = |url: &str| SwitchReadModelRequest {
        database_url: url.to_owned(),
    };

    // Migrated but never replayed.
    let fresh = TestDatabase::sqlite();
    ReadStore::connect(fresh.url()).await.expect("migrated").close().await;
    let refused = admin
        .switch_read_model(switch_to(fresh.url()))
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition, "{refused:?}");
    assert!(refused.message().contains("not been replayed"), "{refused:?}");

    // Not a Precept read model at all: an empty database.
    let empty = TestDatabase::postgres().await;
    let refused = admin
        .switch_read_model(switch_to(empty.url()))
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), tonic::Code::FailedPrecondition, "{refused:?}");
    assert!(refused.message().contains("no migrations table"), "{refused:?}");

    // Not a database URL.
    let refused = admin
        .switch_read_model(switch_to("mysql://localhost/precept"))
        .await
        .expect_err("refused");
    assert_eq!(crate::helpers::bad_fields(&refused), ["database_url"]);

    // The service carries on with its own read model, projector included.
    let sequence = app
        .council_tax()
        .await
        .post_payment(payment("after-refusals", &ids[0], 500))
        .await
        .expect("payment")
        .into_inner()
        .commit
        .expect("receipt")
        .sequence;
    assert!(sequence > last);
    balance(&app, &ids[0], sequence).await;
    app.stop().await;
}
