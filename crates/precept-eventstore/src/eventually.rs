//! The `eventually` 0.4 core traits over the same streams.
//!
//! [`CouncilStreams`] is one council's streams of one aggregate kind seen through
//! `eventually_core`'s `EventStore` and `EventSubscriber`. It exists so code written against
//! those traits can read and write Precept's history; Precept's own command path uses the
//! richer [`precept_app::AggregateStore`] port, because these traits have no place for request
//! ids, actors or stream sequences.
//!
//! Mapping: `eventually` versions are per-aggregate event counts (as ours are) and sequence
//! numbers are council stream sequences. Both are `u32` there and `u64` here; a value that does
//! not fit is an error ([`crate::to_u32`]), never a silent wrap. `remove` is refused: history is
//! append-only. Appends made through this API carry a fresh request id and the actor
//! `eventually-api`.

use std::marker::PhantomData;
use std::sync::Arc;

use async_nats::jetstream::consumer;
use eventually_core::store::{AppendError, EventStore, EventStream, Expected, Persisted, Select};
use eventually_core::subscription::{EventStream as SubscriberStream, EventSubscriber};
use futures::future::BoxFuture;
use futures::{StreamExt, TryStreamExt};
use precept_app::{
    Actor, AggregateStore, AppendOutcome, Fingerprint, Loaded, NewCommit, RequestId, RequestMeta, StoreError,
};
use precept_domain::CouncilCode;
use uuid::Uuid;

use crate::classify;
use crate::codec::{StoredAggregate, decode_commit};
use crate::layout;
use crate::store::JetStreamEventStore;
use crate::to_u32;

/// Errors through the `eventually` traits.
#[derive(Debug, thiserror::Error)]
pub enum EventuallyError {
    /// The store failed or reported a conflict.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The expected version did not match.
    #[error("expected version {expected}, found {actual}")]
    VersionMismatch {
        /// Asked for.
        expected: u32,
        /// Found.
        actual: u64,
    },
    /// Streams deny delete: history is append-only.
    #[error("history is append-only: aggregates cannot be removed")]
    AppendOnly,
}

impl AppendError for EventuallyError {
    fn is_conflict_error(&self) -> bool {
        matches!(
            self,
            EventuallyError::VersionMismatch { .. } | EventuallyError::Store(StoreError::Conflict { .. })
        )
    }
}

/// One council's aggregates of kind `A`, through the `eventually` traits.
pub struct CouncilStreams<A> {
    store: JetStreamEventStore,
    council: CouncilCode,
    actor: Arc<Actor>,
    kind: PhantomData<fn() -> A>,
}

impl<A> Clone for CouncilStreams<A> {
    fn clone(&self) -> Self {
        CouncilStreams {
            store: self.store.clone(),
            council: self.council.clone(),
            actor: Arc::clone(&self.actor),
            kind: PhantomData,
        }
    }
}

impl<A: StoredAggregate> CouncilStreams<A> {
    /// The streams of `council` in `store`.
    pub fn new(store: JetStreamEventStore, council: CouncilCode) -> Self {
        let actor = Actor::parse("eventually-api").expect("a constant, valid actor id");
        CouncilStreams {
            store,
            council,
            actor: Arc::new(actor),
            kind: PhantomData,
        }
    }

    fn persisted(
        &self,
        id: &A::Id,
        sequence: u64,
        version: u64,
        event: A::Event,
    ) -> Result<Persisted<A::Id, A::Event>, EventuallyError> {
        Ok(Persisted::from(id.clone(), event)
            .version(to_u32(version)?)
            .sequence_number(to_u32(sequence)?))
    }

    async fn append_events(
        &self,
        id: A::Id,
        expected: Expected,
        events: Vec<A::Event>,
    ) -> Result<u32, EventuallyError> {
        let loaded: Loaded<A::State> = AggregateStore::<A>::load(&self.store, &self.council, &id).await?;
        if let Expected::Exact(version) = expected
            && u64::from(version) != loaded.position.version
        {
            return Err(EventuallyError::VersionMismatch {
                expected: version,
                actual: loaded.position.version,
            });
        }
        if events.is_empty() {
            return Ok(to_u32(loaded.position.version)?);
        }
        let request_id = RequestId::parse(&Uuid::new_v4().to_string()).expect("a UUID is a valid request id");
        let meta = RequestMeta {
            request_id,
            correlation_id: Uuid::new_v4(),
            causation_id: None,
            actor: (*self.actor).clone(),
            fingerprint: Fingerprint("eventually-api".into()),
        };
        let commit = NewCommit::<A> {
            council: &self.council,
            aggregate_id: &id,
            events: &events,
            meta: &meta,
            effective_date: events.first().and_then(A::effective_date),
            expected: loaded.position,
        };
        match AggregateStore::<A>::append(&self.store, commit).await? {
            AppendOutcome::Stored { outcome, .. } => Ok(to_u32(outcome.version)?),
            AppendOutcome::AlreadyStored { sequence } => Err(StoreError::Corrupt {
                sequence,
                reason: "fresh request id reported as duplicate".into(),
            }
            .into()),
        }
    }

    /// Every event of this kind whose commit matches `subject`, from `from_sequence` on, read
    /// by direct gets until the stream has no more.
    async fn read(
        &self,
        subject: String,
        from_sequence: u64,
    ) -> Result<Vec<Persisted<A::Id, A::Event>>, EventuallyError> {
        let council = self.council.as_str();
        let stream = self.store.stream(council).await?;
        let mut persisted = Vec::new();
        let mut next = from_sequence.max(1);
        while let Some(message) = classify::direct_get(
            stream.direct_get_next_for_subject(subject.as_str(), Some(next)).await,
            council,
        )? {
            let commit = decode_commit(message.sequence, &message.payload)
                .map_err(|error| classify::corrupt(message.sequence, error))?;
            let id = A::parse_id(&commit.envelope.aggregate_id)
                .map_err(|error| classify::corrupt(message.sequence, error))?;
            for (offset, encoded) in commit.envelope.events.iter().enumerate() {
                let event = A::decode_event(encoded).map_err(|error| classify::corrupt(message.sequence, error))?;
                persisted.push(self.persisted(
                    &id,
                    message.sequence,
                    commit.envelope.first_version + offset as u64,
                    event,
                )?);
            }
            next = message.sequence + 1;
        }
        Ok(persisted)
    }
}

impl<A: StoredAggregate> EventStore for CouncilStreams<A> {
    type SourceId = A::Id;
    type Event = A::Event;
    type Error = EventuallyError;

    fn append(
        &mut self,
        source_id: A::Id,
        version: Expected,
        events: Vec<A::Event>,
    ) -> BoxFuture<'_, Result<u32, EventuallyError>> {
        Box::pin(self.append_events(source_id, version, events))
    }

    fn stream(
        &self,
        source_id: A::Id,
        select: Select,
    ) -> BoxFuture<'_, Result<EventStream<'_, Self>, EventuallyError>> {
        Box::pin(async move {
            let subject = layout::subject(self.council.as_str(), A::KIND, &source_id.to_string());
            let events = self.read(subject, 1).await?;
            let from_version = match select {
                Select::All => 0,
                Select::From(version) => version,
            };
            let selected = events
                .into_iter()
                .filter(move |event| event.version() >= from_version)
                .map(Ok);
            Ok(futures::stream::iter(selected).boxed())
        })
    }

    fn stream_all(&self, select: Select) -> BoxFuture<'_, Result<EventStream<'_, Self>, EventuallyError>> {
        Box::pin(async move {
            let subject = layout::subject(self.council.as_str(), A::KIND, ">");
            let from_sequence = match select {
                Select::All => 1,
                Select::From(sequence) => u64::from(sequence),
            };
            let events = self.read(subject, from_sequence).await?;
            Ok(futures::stream::iter(events.into_iter().map(Ok)).boxed())
        })
    }

    fn remove(&mut self, _source_id: A::Id) -> BoxFuture<'_, Result<(), EventuallyError>> {
        Box::pin(futures::future::ready(Err(EventuallyError::AppendOnly)))
    }
}

use eventually_core::versioning::Versioned;

impl<A: StoredAggregate> EventSubscriber for CouncilStreams<A> {
    type SourceId = A::Id;
    type Event = A::Event;
    type Error = EventuallyError;

    /// Events committed from now on, for as long as the stream is polled.
    fn subscribe_all(&self) -> BoxFuture<'_, Result<SubscriberStream<'_, Self>, EventuallyError>> {
        Box::pin(async move {
            let council = self.council.as_str();
            let stream = self.store.stream(council).await?;
            let ordered = stream
                .create_consumer(consumer::pull::OrderedConfig {
                    filter_subject: layout::subject(council, A::KIND, ">"),
                    deliver_policy: consumer::DeliverPolicy::New,
                    ..Default::default()
                })
                .await
                .map_err(classify::unavailable)?;
            let messages = ordered.messages().await.map_err(classify::unavailable)?;
            let this = self.clone();
            let events = messages
                .map_err(|error| EventuallyError::Store(classify::unavailable(error)))
                .and_then(move |message| {
                    let this = this.clone();
                    async move {
                        let sequence = message.info().map_err(classify::unavailable)?.stream_sequence;
                        let commit = decode_commit(sequence, &message.payload)
                            .map_err(|error| classify::corrupt(sequence, error))?;
                        let id = A::parse_id(&commit.envelope.aggregate_id)
                            .map_err(|error| classify::corrupt(sequence, error))?;
                        commit
                            .envelope
                            .events
                            .iter()
                            .enumerate()
                            .map(|(offset, encoded)| {
                                let event =
                                    A::decode_event(encoded).map_err(|error| classify::corrupt(sequence, error))?;
                                this.persisted(&id, sequence, commit.envelope.first_version + offset as u64, event)
                            })
                            .collect::<Result<Vec<_>, _>>()
                    }
                })
                .map_ok(|events| futures::stream::iter(events.into_iter().map(Ok)))
                .try_flatten();
            Ok(events.boxed())
        })
    }
}
