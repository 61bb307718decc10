//! Request builders and stream inspection shared by the end-to-end tests.

use async_nats::jetstream;
use futures::StreamExt;
use precept_api::proto::{OpenAccountRequest, PaymentMethod, PostPaymentRequest, RegisterPropertyRequest};
use precept_eventstore::codec::{CommitEnvelopeV1, decode_commit};
use precept_testkit::TestApp;
use tonic_types::StatusExt;
use uuid::Uuid;

/// The property `open_request` opens accounts at (UPRN 100062557744); accounts open only at a
/// property the council has registered.
pub async fn register_test_property(app: &TestApp, council: &str) {
    app.setup()
        .await
        .register_property(RegisterPropertyRequest {
            request_id: format!("property-{council}"),
            council: council.to_owned(),
            uprn: "100062557744".to_owned(),
            address_reference: "BLPU-TEST".to_owned(),
            band: "D".to_owned(),
            parish_area: String::new(),
            effective_from: "1993-04-01".to_owned(),
            correlation_id: String::new(),
        })
        .await
        .expect("test property registers");
}

pub fn open_request(request_id: &str, council: &str, parties: usize) -> OpenAccountRequest {
    OpenAccountRequest {
        request_id: request_id.to_owned(),
        council: council.to_owned(),
        account_id: String::new(),
        uprn: "100062557744".to_owned(),
        liability_start: "2025-04-01".to_owned(),
        liable_party_ids: (0..parties).map(|_| Uuid::new_v4().to_string()).collect(),
        balance_brought_forward_pence: 0,
        correlation_id: String::new(),
        ..OpenAccountRequest::default()
    }
}

pub fn payment_request(request_id: &str, council: &str, account_id: &str, amount_pence: i64) -> PostPaymentRequest {
    PostPaymentRequest {
        request_id: request_id.to_owned(),
        council: council.to_owned(),
        account_id: account_id.to_owned(),
        payment_id: Uuid::new_v4().to_string(),
        amount_pence,
        method: PaymentMethod::DirectDebit as i32,
        reference: "DD-TEST".to_owned(),
        received_on: "2025-05-01".to_owned(),
        correlation_id: String::new(),
        ..PostPaymentRequest::default()
    }
}

/// Every commit in a council's stream, decoded, in order.
pub async fn commits(client: &async_nats::Client, council: &str) -> Vec<(u64, CommitEnvelopeV1)> {
    let context = jetstream::new(client.clone());
    let mut stream = context
        .get_stream(precept_eventstore::stream_name(council))
        .await
        .expect("council stream exists");
    let last = stream.info().await.expect("stream info").state.last_sequence;
    if last == 0 {
        return Vec::new();
    }
    let consumer = stream
        .create_consumer(jetstream::consumer::pull::OrderedConfig::default())
        .await
        .expect("ordered consumer");
    let mut messages = consumer.messages().await.expect("messages");
    let mut commits = Vec::new();
    while let Some(message) = messages.next().await {
        let message = message.expect("message");
        let sequence = message.info().expect("info").stream_sequence;
        let commit = decode_commit(sequence, &message.payload).expect("every stored commit decodes");
        commits.push((sequence, commit.envelope));
        if sequence >= last {
            break;
        }
    }
    commits
}

/// The fields an `INVALID_ARGUMENT` status names, in order (asserting the code).
pub fn bad_fields(status: &tonic::Status) -> Vec<String> {
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    status
        .get_details_bad_request()
        .expect("bad request details")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect()
}
