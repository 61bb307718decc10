//! Schema evolution end to end: accounts stored before `AccountOpened` schema 2 existed (raw
//! schema-1 commits, published through the real subject and header layout) still load on the
//! command side, take new commands, and fold into the read model, each through the upcast.

use std::sync::Arc;

use async_nats::HeaderMap;
use precept_api::proto::{GetAccountBalanceRequest, GetHistoryRequest, GetStateAsKnownAtRequest};
use precept_app::SystemClock;
use precept_eventstore::{EventStoreConfig, JetStreamEventStore, subject};
use precept_testkit::{TestDatabase, TestNats, council, spawn_app};
use uuid::Uuid;

use crate::helpers::payment_request;

/// A commit exactly as a build before schema 2 wrote it: `AccountOpened` and
/// `LiablePartyAdded` at schema 1, the balance as one signed number.
fn schema_1_opening(account_id: &str, balance_brought_forward_pence: i64) -> String {
    format!(
        r#"{{"encoding":"precept.commit.v1","council":"swale","kind":"ct-account","aggregate_id":"{account_id}","first_version":1,"request_id":"legacy-{account_id}","fingerprint":"0f0f","correlation_id":"{correlation}","actor":"migration","recorded_at":"2025-03-20T10:00:00Z","effective_date":"2024-04-01","events":[{{"type":"AccountOpened","schema":1,"data":{{"account_id":"{account_id}","uprn":100062557744,"liability_start":"2024-04-01","balance_brought_forward_pence":{balance_brought_forward_pence}}}}},{{"type":"LiablePartyAdded","schema":1,"data":{{"party_id":"{party}","liable_from":"2024-04-01"}}}}]}}"#,
        correlation = Uuid::new_v4(),
        party = Uuid::new_v4(),
    )
}

/// Publishes a first commit the way the event store does: on the aggregate's subject, with
/// the request id as `Nats-Msg-Id` and no earlier commit expected. Returns its sequence.
async fn publish_first_commit(store: &JetStreamEventStore, account_id: &str, payload: String) -> u64 {
    let mut headers = HeaderMap::new();
    headers.insert("Nats-Msg-Id", format!("legacy-{account_id}").as_str());
    headers.insert("Nats-Expected-Last-Subject-Sequence", "0");
    store
        .context()
        .publish_with_headers(subject("swale", "ct-account", account_id), headers, payload.into())
        .await
        .expect("published")
        .await
        .expect("stored")
        .sequence
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_opened_at_schema_1_load_take_commands_and_project_through_the_upcast() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let store = JetStreamEventStore::connect(nats.client().await, EventStoreConfig::default(), Arc::new(SystemClock))
        .await
        .expect("store");
    store.ensure_streams(&[council("swale")]).await.expect("streams");
    let owing = Uuid::new_v4().to_string();
    let in_credit = Uuid::new_v4().to_string();
    publish_first_commit(&store, &owing, schema_1_opening(&owing, 1_250)).await;
    let credit_sequence = publish_first_commit(&store, &in_credit, schema_1_opening(&in_credit, -800)).await;

    // The service starts on the old history: its projector folds both commits from the start.
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council("swale")]).await;

    // (i) The command side loads the old account and decides on it: 1,250 owed, so a 20.00
    // payment clears the migrated debt and leaves 7.50 in credit.
    let paid = app
        .council_tax()
        .await
        .post_payment(payment_request("pay-after-upcast", "swale", &owing, 2_000))
        .await
        .expect("a command on a schema-1 account is accepted")
        .into_inner()
        .commit
        .expect("receipt");
    assert_eq!(paid.version, 4, "opened, party added, payment posted and allocated");
    let audit_state = app
        .audit()
        .await
        .get_state_as_known_at(GetStateAsKnownAtRequest {
            council: "swale".into(),
            kind: "ct-account".into(),
            aggregate_id: owing.clone(),
            as_known_at: chrono::Utc::now().to_rfc3339(),
        })
        .await
        .expect("state")
        .into_inner();
    let state: serde_json::Value = serde_json::from_str(&audit_state.state_json).expect("JSON");
    assert_eq!(state["Open"]["balance_owed_pence"], -750, "{state}");

    // (ii) The read model folded the schema-1 commits into the rows the current encoding gives.
    let mut accounts = app.council_tax().await;
    let mut balance = async |account_id: &str, min_sequence: u64| {
        accounts
            .get_account_balance(GetAccountBalanceRequest {
                council: "swale".into(),
                account_id: account_id.to_owned(),
                min_sequence,
            })
            .await
            .expect("balance")
            .into_inner()
    };
    let owing_row = balance(&owing, paid.sequence).await;
    assert_eq!(
        (
            owing_row.balance_owed_pence,
            owing_row.payments_count,
            owing_row.version,
            owing_row.liability_start.as_str(),
            owing_row.liable_party_count,
        ),
        (-750, 1, 4, "2024-04-01", 1)
    );
    let credit_row = balance(&in_credit, credit_sequence).await;
    assert_eq!(
        (
            credit_row.balance_owed_pence,
            credit_row.payments_count,
            credit_row.version
        ),
        (-800, 0, 2)
    );

    // History is never rewritten: the old commit is still schema 1, as it was stored.
    let history = app
        .audit()
        .await
        .get_history(GetHistoryRequest {
            council: "swale".into(),
            kind: "ct-account".into(),
            aggregate_id: in_credit.clone(),
            ..GetHistoryRequest::default()
        })
        .await
        .expect("history")
        .into_inner();
    let opened = &history.commits[0].events[0];
    assert_eq!((opened.r#type.as_str(), opened.schema), ("AccountOpened", 1));
    assert!(
        opened.payload_json.contains(r#""balance_brought_forward_pence":-800"#),
        "{}",
        opened.payload_json
    );
}
