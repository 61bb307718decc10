//! [`JetStreamEventStore`]: the command path's port over JetStream.

use std::collections::HashMap;
use std::sync::Arc;

use async_nats::jetstream::{self, message::PublishMessage, stream};
use bytes::Bytes;
use precept_app::{AggregateStore, AppendOutcome, Clock, CommitOutcome, Loaded, NewCommit, StoreError, StreamPosition};
use precept_domain::CouncilCode;
use tokio::sync::RwLock;

use crate::classify;
use crate::codec::{COMMIT_ENCODING_V1, CommitEnvelopeV1, StoredAggregate};
use crate::config::{EventStoreConfig, StorageKind};
use crate::layout;
use crate::snapshot::SnapshotStore;

/// A cold load that had to read this many events past its snapshot writes a new snapshot.
const SNAPSHOT_AFTER_TAIL_EVENTS: u64 = 20;

/// The event store: council streams, commits, snapshots.
///
/// Cheap to clone; all clones share one NATS connection.
#[derive(Clone)]
pub struct JetStreamEventStore {
    pub(crate) context: jetstream::Context,
    pub(crate) config: EventStoreConfig,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) snapshots: SnapshotStore,
    /// Stream handles by council code, so the hot path never asks the server for stream info.
    streams: Arc<RwLock<HashMap<String, stream::Stream>>>,
}

impl JetStreamEventStore {
    /// Connects the store to a NATS server and makes sure its snapshot bucket exists.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] if the server cannot be reached or refuses.
    pub async fn connect(
        client: async_nats::Client,
        config: EventStoreConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let context = jetstream::ContextBuilder::new()
            .timeout(config.request_timeout)
            .max_ack_inflight(config.publish_inflight_max)
            .backpressure_on_inflight(true)
            .build(client);
        let snapshots = SnapshotStore::open(&context, &config).await?;
        Ok(JetStreamEventStore {
            context,
            config,
            clock,
            snapshots,
            streams: Arc::default(),
        })
    }

    /// The JetStream context, for tests and benchmarks that measure the raw server.
    pub fn context(&self) -> &jetstream::Context {
        &self.context
    }

    /// Creates or updates the stream for each council, and the partnership stream.
    ///
    /// Streams deny delete and purge: history is append-only, and a corrected fact is a new event.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn ensure_streams(&self, councils: &[CouncilCode]) -> Result<(), StoreError> {
        let codes = councils
            .iter()
            .map(CouncilCode::as_str)
            .chain([layout::PARTNERSHIP_CODE]);
        for code in codes {
            let config = stream::Config {
                name: layout::stream_name(code),
                subjects: vec![layout::council_subjects(code)],
                storage: match self.config.storage {
                    StorageKind::File => stream::StorageType::File,
                    StorageKind::Memory => stream::StorageType::Memory,
                },
                num_replicas: self.config.replicas,
                duplicate_window: self.config.duplicate_window,
                deny_delete: true,
                deny_purge: true,
                allow_rollup: false,
                allow_direct: true,
                ..Default::default()
            };
            let stream = match self.context.get_stream(&config.name).await {
                Ok(_) => {
                    self.context
                        .update_stream(&config)
                        .await
                        .map_err(classify::unavailable)?;
                    self.context
                        .get_stream(&config.name)
                        .await
                        .map_err(classify::unavailable)?
                }
                Err(_) => self
                    .context
                    .create_stream(config)
                    .await
                    .map_err(classify::unavailable)?,
            };
            self.streams.write().await.insert(code.to_owned(), stream);
        }
        Ok(())
    }

    /// The stream handle of a council, from the cache filled by [`Self::ensure_streams`].
    pub(crate) async fn stream(&self, council: &str) -> Result<stream::Stream, StoreError> {
        if let Some(stream) = self.streams.read().await.get(council) {
            return Ok(stream.clone());
        }
        let stream = self
            .context
            .get_stream(layout::stream_name(council))
            .await
            .map_err(|_| StoreError::UnknownCouncil {
                council: council.to_owned(),
            })?;
        self.streams.write().await.insert(council.to_owned(), stream.clone());
        Ok(stream)
    }

    /// The envelope a commit would be stored as; lets benchmarks size their raw payloads.
    pub fn encode_for_benchmark<A: StoredAggregate>(&self, commit: &NewCommit<'_, A>) -> CommitEnvelopeV1 {
        self.envelope(commit)
    }

    /// Encodes a commit as its stored envelope; recorded_at is stamped here, by the adapter.
    pub(crate) fn envelope<A: StoredAggregate>(&self, commit: &NewCommit<'_, A>) -> CommitEnvelopeV1 {
        CommitEnvelopeV1 {
            encoding: COMMIT_ENCODING_V1.to_owned(),
            council: commit.council.as_str().to_owned(),
            kind: A::KIND.to_owned(),
            aggregate_id: commit.aggregate_id.to_string(),
            first_version: commit.expected.version + 1,
            request_id: commit.meta.request_id.as_str().to_owned(),
            fingerprint: commit.meta.fingerprint.0.clone(),
            correlation_id: commit.meta.correlation_id,
            causation_id: commit.meta.causation_id,
            actor: commit.meta.actor.as_str().to_owned(),
            recorded_at: self.clock.now(),
            effective_date: commit.effective_date,
            events: commit.events.iter().map(A::encode_event).collect(),
        }
    }

    /// Publishes one commit with the optimistic-concurrency and de-duplication headers.
    async fn publish<A: StoredAggregate>(&self, commit: &NewCommit<'_, A>) -> Result<AppendOutcome, StoreError> {
        assert!(
            !commit.events.is_empty(),
            "the command handler never appends an empty commit"
        );
        let envelope = self.envelope(commit);
        let payload = serde_json::to_vec(&envelope).expect("commit envelopes are always serialisable");
        let council = commit.council.as_str();
        let subject = layout::subject(council, A::KIND, &envelope.aggregate_id);
        let publish = PublishMessage::build()
            .payload(Bytes::from(payload))
            .message_id(commit.meta.request_id.as_str())
            .expected_last_subject_sequence(commit.expected.last_sequence);
        let expected_sequence = commit.expected.last_sequence;
        let ack = self
            .context
            .send_publish(subject.clone(), publish)
            .await
            .map_err(|error| classify::publish(error, expected_sequence, council))?
            .await
            .map_err(|error| classify::publish(error, expected_sequence, council))?;
        if ack.duplicate {
            return self.check_duplicate(council, &subject, ack.sequence).await;
        }
        let event_count = u32::try_from(commit.events.len()).expect("a commit holds far fewer than u32::MAX events");
        let outcome = CommitOutcome {
            sequence: ack.sequence,
            version: commit.expected.version + u64::from(event_count),
            event_count,
        };
        Ok(AppendOutcome::Stored {
            outcome,
            recorded_at: envelope.recorded_at,
        })
    }

    /// A duplicate acknowledgement names the original's sequence; make sure it was for this
    /// aggregate, since a request id reused on another aggregate must not pass as a retry.
    async fn check_duplicate(&self, council: &str, subject: &str, sequence: u64) -> Result<AppendOutcome, StoreError> {
        let stream = self.stream(council).await?;
        let original =
            classify::direct_get(stream.direct_get(sequence).await, council)?.ok_or_else(|| StoreError::Corrupt {
                sequence,
                reason: "duplicate points at a missing message".into(),
            })?;
        if original.subject.as_str() != subject {
            return Err(StoreError::RequestIdUsedElsewhere);
        }
        Ok(AppendOutcome::AlreadyStored { sequence })
    }
}

impl<A: StoredAggregate> AggregateStore<A> for JetStreamEventStore {
    async fn load(&self, council: &CouncilCode, aggregate_id: &A::Id) -> Result<Loaded<A::State>, StoreError> {
        let start = match self
            .snapshots
            .get::<A>(council.as_str(), &aggregate_id.to_string())
            .await
        {
            Some((state, position, requests)) => Loaded {
                state,
                position,
                requests,
            },
            None => Loaded::default(),
        };
        let start_version = start.position.version;
        let loaded = crate::load::load_after::<A>(self, council.as_str(), &aggregate_id.to_string(), start).await?;
        if loaded.position.version - start_version >= SNAPSHOT_AFTER_TAIL_EVENTS {
            // A long tail was read one direct get per commit; snapshot it (off the load path)
            // so the next cold load of this aggregate is two round trips.
            let (store, council, aggregate_id, snapshot) =
                (self.clone(), council.clone(), aggregate_id.clone(), loaded.clone());
            tokio::spawn(async move {
                if let Err(error) = AggregateStore::<A>::save_snapshot(&store, &council, &aggregate_id, &snapshot).await
                {
                    tracing::warn!(%council, %aggregate_id, %error, "snapshot after a long load not saved");
                }
            });
        }
        Ok(loaded)
    }

    async fn append(&self, commit: NewCommit<'_, A>) -> Result<AppendOutcome, StoreError> {
        self.publish(&commit).await
    }

    async fn save_snapshot(
        &self,
        council: &CouncilCode,
        aggregate_id: &A::Id,
        loaded: &Loaded<A::State>,
    ) -> Result<(), StoreError> {
        let bytes = A::encode_snapshot(&loaded.state, loaded.position, &loaded.requests);
        self.snapshots
            .put(
                &layout::snapshot_key(council.as_str(), A::KIND, &aggregate_id.to_string()),
                bytes,
            )
            .await
    }
}

/// Applies a decoded commit to a loaded aggregate: state, position and request log.
pub(crate) fn fold_commit<A: StoredAggregate>(
    loaded: &mut Loaded<A::State>,
    sequence: u64,
    envelope: &CommitEnvelopeV1,
    retention: chrono::Duration,
) -> Result<(), StoreError> {
    if envelope.first_version != loaded.position.version + 1 {
        return Err(StoreError::Corrupt {
            sequence,
            reason: format!(
                "commit starts at version {} after version {}",
                envelope.first_version, loaded.position.version
            ),
        });
    }
    let events = envelope
        .events
        .iter()
        .map(A::decode_event)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| classify::corrupt(sequence, error))?;
    let state = A::fold(std::mem::take(&mut loaded.state), &events).map_err(|error| StoreError::Corrupt {
        sequence,
        reason: error.to_string(),
    })?;
    loaded.state = state;
    let event_count = u32::try_from(events.len()).expect("a commit holds far fewer than u32::MAX events");
    loaded.position = StreamPosition {
        version: envelope.last_version(),
        last_sequence: sequence,
    };
    if let Ok(request_id) = precept_app::RequestId::parse(&envelope.request_id) {
        let recorded = precept_app::RecordedRequest {
            fingerprint: precept_app::Fingerprint(envelope.fingerprint.clone()),
            outcome: CommitOutcome {
                sequence,
                version: envelope.last_version(),
                event_count,
            },
            recorded_at: envelope.recorded_at,
        };
        loaded.requests.record(request_id, recorded, retention);
    }
    Ok(())
}
