//! The access log on JetStream: stream `PRECEPT_ACCESS`, one message per access, subject
//! `precept-access.<council>.<kind>.<id>.<credential>`, so a subject access request filters
//! on the account and a review of one credential filters on the last token.
//!
//! It is not a read model: replaying read models never touches it, and like the council
//! streams it denies delete and purge.
//!
//! Writes leave the request path at once: records go down a channel to one writer task that
//! publishes them and checks their acknowledgements in batches.

use async_nats::jetstream::{self, consumer, stream};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use precept_app::StoreError;
use precept_app::access::{AccessLog, AccessQuery, AccessRecord};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::classify;
use crate::config::{EventStoreConfig, StorageKind};

/// The stream's name.
pub const ACCESS_STREAM: &str = "PRECEPT_ACCESS";
const PREFIX: &str = "precept-access";
/// Acknowledgements awaited together, at most.
const ACK_BATCH: usize = 512;

enum Message {
    Record(AccessRecord),
    Flush(oneshot::Sender<()>),
}

/// The access log adapter. Cheap to clone.
#[derive(Clone)]
pub struct JetStreamAccessLog {
    stream: stream::Stream,
    sender: mpsc::UnboundedSender<Message>,
}

#[derive(Serialize, Deserialize)]
struct RecordV1 {
    at: DateTime<Utc>,
    credential: String,
    method: String,
    council: String,
    kind: String,
    id: String,
    outcome: String,
}

impl JetStreamAccessLog {
    /// Creates or updates the stream and starts the writer.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn open(context: &jetstream::Context, config: &EventStoreConfig) -> Result<Self, StoreError> {
        let stream = context
            .get_or_create_stream(stream::Config {
                name: ACCESS_STREAM.to_owned(),
                description: Some("who read or changed which account (data protection)".to_owned()),
                subjects: vec![format!("{PREFIX}.>")],
                storage: match config.storage {
                    StorageKind::File => stream::StorageType::File,
                    StorageKind::Memory => stream::StorageType::Memory,
                },
                num_replicas: config.replicas,
                deny_delete: true,
                deny_purge: true,
                ..Default::default()
            })
            .await
            .map_err(classify::unavailable)?;
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write(context.clone(), receiver));
        Ok(JetStreamAccessLog { stream, sender })
    }

    /// Waits until every record queued so far is stored.
    pub async fn flush(&self) {
        let (done, flushed) = oneshot::channel();
        if self.sender.send(Message::Flush(done)).is_ok() {
            let _ = flushed.await;
        }
    }
}

/// A subject token: the value itself, or `-` where a character would break the subject.
fn token(value: &str) -> &str {
    let safe = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':'));
    if safe { value } else { "-" }
}

fn subject(record: &AccessRecord) -> String {
    format!(
        "{PREFIX}.{}.{}.{}.{}",
        token(&record.council),
        token(&record.kind),
        token(&record.id),
        token(&record.credential)
    )
}

async fn write(context: jetstream::Context, mut receiver: mpsc::UnboundedReceiver<Message>) {
    let mut pending = Vec::new();
    while let Some(message) = receiver.recv().await {
        match message {
            Message::Record(record) => {
                let payload = serde_json::to_vec(&RecordV1 {
                    at: record.at,
                    credential: record.credential.clone(),
                    method: record.method.clone(),
                    council: record.council.clone(),
                    kind: record.kind.clone(),
                    id: record.id.clone(),
                    outcome: record.outcome.clone(),
                })
                .expect("a record always serialises");
                match context.publish(subject(&record), Bytes::from(payload)).await {
                    Ok(ack) => pending.push(ack),
                    Err(error) => tracing::error!(%error, credential = %record.credential, "access record not sent"),
                }
            }
            Message::Flush(done) => {
                settle(&mut pending).await;
                let _ = done.send(());
            }
        }
        if pending.len() >= ACK_BATCH || receiver.is_empty() {
            settle(&mut pending).await;
        }
    }
    settle(&mut pending).await;
}

async fn settle(pending: &mut Vec<jetstream::context::PublishAckFuture>) {
    for ack in futures::future::join_all(pending.drain(..).map(std::future::IntoFuture::into_future)).await {
        if let Err(error) = ack {
            tracing::error!(%error, "access record not stored");
        }
    }
}

fn filter(query: &AccessQuery) -> String {
    match query {
        AccessQuery::Subject { council, kind, id } => {
            format!("{PREFIX}.{}.{}.{}.*", token(council), token(kind), token(id))
        }
        AccessQuery::Credential(credential) => format!("{PREFIX}.*.*.*.{}", token(credential)),
    }
}

impl AccessLog for JetStreamAccessLog {
    fn record(&self, record: AccessRecord) {
        if self.sender.send(Message::Record(record)).is_err() {
            tracing::error!("access log writer has stopped");
        }
    }

    async fn query(&self, query: &AccessQuery, limit: usize) -> Result<Vec<AccessRecord>, StoreError> {
        self.flush().await;
        let filter = filter(query);
        let matching = count(&self.stream, &filter).await?;
        let wanted = matching.min(limit);
        if wanted == 0 {
            return Ok(Vec::new());
        }
        let consumer = self
            .stream
            .create_consumer(consumer::pull::OrderedConfig {
                filter_subject: filter,
                deliver_policy: consumer::DeliverPolicy::All,
                ..Default::default()
            })
            .await
            .map_err(classify::unavailable)?;
        let mut messages = consumer.messages().await.map_err(classify::unavailable)?;
        let mut records = Vec::with_capacity(wanted);
        while records.len() < wanted {
            let Some(message) = messages.next().await else { break };
            let message = message.map_err(classify::unavailable)?;
            let stored: RecordV1 = serde_json::from_slice(&message.payload).map_err(|error| StoreError::Corrupt {
                sequence: 0,
                reason: format!("access record: {error}"),
            })?;
            records.push(AccessRecord {
                at: stored.at,
                credential: stored.credential,
                method: stored.method,
                council: stored.council,
                kind: stored.kind,
                id: stored.id,
                outcome: stored.outcome,
            });
        }
        Ok(records)
    }
}

/// How many stored records match `filter`, from the stream's per-subject counts.
async fn count(stream: &stream::Stream, filter: &str) -> Result<usize, StoreError> {
    let mut subjects = stream.info_with_subjects(filter).await.map_err(classify::unavailable)?;
    let mut total = 0_usize;
    while let Some(entry) = subjects.next().await {
        let (_, n) = entry.map_err(classify::unavailable)?;
        total += n;
    }
    Ok(total)
}
