//! Durable, resumable subscriptions for projectors: one pull consumer per council and projector.
//!
//! The projector's own checkpoint (stored with its rows) is the truth about where it is. On
//! open, the durable consumer is reused if it stopped cleanly at that checkpoint, and
//! recreated from the checkpoint otherwise (a rebuilt database, a crash between the SQL commit
//! and the acknowledgement, or messages left in flight by a projector that died). In-flight work is bounded by `max_ack_pending` and by the
//! batch size; acknowledgement is cumulative (`AckPolicy::All`): one ack per batch.
//!
//! Replays (`precept replay`, and a read-model switch catching up) read through an ordered
//! consumer instead: ephemeral, unacknowledged, gone when the feed is dropped, so a rebuild
//! never moves a live projector's durable consumer.

use std::time::Duration;

use async_nats::jetstream::{self, consumer};
use futures::{FutureExt, StreamExt};
use precept_app::{CommitFeed, FeedCommit, FeedError, FeedEvents, FeedSource};
use precept_domain::CouncilCode;
use precept_domain::account::CouncilTaxAccount;
use precept_domain::aggregate::AggregateKind;
use precept_domain::benefits::claim::BenefitClaim;
use precept_domain::benefits::settings::BenefitYear;
use precept_domain::benefits::uc_import::UcImport;
use precept_domain::council_year::CouncilYear;
use precept_domain::nndr::account::NndrAccount;
use precept_domain::nndr::agency::Agency;
use precept_domain::nndr::hereditament::Hereditament;
use precept_domain::nndr::settings::NndrYearSettings;
use precept_domain::property::Property;

use crate::codec::{CommitEnvelopeV1, DecodeError, DecodedCommit, StoredAggregate, decode_commit};
use crate::store::JetStreamEventStore;

/// Unacknowledged messages a projector may hold; bounds memory and redelivery after a crash.
pub const FEED_ACK_PENDING_MAX: i64 = 20_000;

/// Opens projector feeds on the council streams.
#[derive(Clone)]
pub struct JetStreamFeedSource {
    context: jetstream::Context,
}

impl JetStreamFeedSource {
    /// Feeds over `store`'s connection.
    pub fn new(store: JetStreamEventStore) -> Self {
        JetStreamFeedSource {
            context: store.context().clone(),
        }
    }

    /// Feeds over a bare connection, for tools that only read the streams (`precept replay`):
    /// unlike [`JetStreamEventStore::connect`] this creates and updates nothing on the server.
    pub fn from_client(client: async_nats::Client) -> Self {
        JetStreamFeedSource {
            context: jetstream::new(client),
        }
    }

    async fn stream(&self, council: &CouncilCode) -> Result<jetstream::stream::Stream, FeedError> {
        self.context
            .get_stream(crate::layout::stream_name(council.as_str()))
            .await
            .map_err(|error| match error.kind() {
                jetstream::context::GetStreamErrorKind::JetStream(inner)
                    if inner.error_code() == jetstream::ErrorCode::STREAM_NOT_FOUND =>
                {
                    FeedError::Unavailable(format!("no stream for council {council}"))
                }
                _ => unavailable(error),
            })
    }
}

fn unavailable(error: impl std::fmt::Display) -> FeedError {
    FeedError::Unavailable(error.to_string())
}

impl FeedSource for JetStreamFeedSource {
    type Feed = JetStreamFeed;

    async fn resume(&self, council: &CouncilCode, name: &str) -> Result<JetStreamFeed, FeedError> {
        let stream = self.stream(council).await?;
        let durable = format!("process-{name}");
        // Resume exactly after the last acknowledged commit. Messages delivered but never
        // acknowledged (the process stopped or failed mid-batch) would otherwise come back only
        // after `ack_wait`, behind newer ones whose acknowledgement (`AckPolicy::All`) would
        // cover them unprocessed: so a consumer with any in flight is recreated at its floor.
        let floor = match stream.consumer_info(&durable).await {
            Ok(info) if info.delivered.stream_sequence == info.ack_floor.stream_sequence => None,
            Ok(info) => Some(info.ack_floor.stream_sequence),
            // Only a consumer that does not exist starts from the beginning; any other failure
            // (a timeout at start-up) must not throw its position away.
            Err(error) if error.kind() == jetstream::context::ConsumerInfoErrorKind::NotFound => Some(0),
            Err(error) => return Err(unavailable(error)),
        };
        if let Some(floor) = floor {
            recreate(&stream, &durable, format!("process manager {name}"), floor).await?;
        }
        follow(&stream, &durable).await
    }

    async fn open(
        &self,
        council: &CouncilCode,
        projector: &str,
        after_sequence: u64,
    ) -> Result<JetStreamFeed, FeedError> {
        let stream = self.stream(council).await?;
        let durable = format!("projector-{projector}");
        // Reuse the consumer only after a clean stop: acknowledged exactly up to the checkpoint
        // and nothing delivered beyond it. Messages handed to a projector that died would
        // otherwise wait out `ack_wait` before being redelivered.
        let reusable = match stream.consumer_info(&durable).await {
            Ok(info) => {
                info.ack_floor.stream_sequence == after_sequence && info.delivered.stream_sequence == after_sequence
            }
            Err(_) => false,
        };
        if !reusable {
            recreate(
                &stream,
                &durable,
                format!("read model projector {projector}"),
                after_sequence,
            )
            .await?;
        }
        follow(&stream, &durable).await
    }

    async fn replay(&self, council: &CouncilCode, after_sequence: u64) -> Result<JetStreamFeed, FeedError> {
        let stream = self.stream(council).await?;
        let config = consumer::pull::OrderedConfig {
            description: Some("read model replay".to_owned()),
            deliver_policy: start_after(after_sequence),
            ..Default::default()
        };
        let consumer = stream.create_consumer(config).await.map_err(unavailable)?;
        let messages = consumer.messages().await.map_err(unavailable)?;
        Ok(JetStreamFeed {
            messages: Messages::Ordered(messages),
            last: None,
        })
    }

    async fn last_sequence(&self, council: &CouncilCode) -> Result<u64, FeedError> {
        // Fetching the stream asks the server for its info: one request, as fresh as it gets.
        let stream = self.stream(council).await?;
        Ok(stream.cached_info().state.last_sequence)
    }
}

/// (Re)creates the durable consumer `durable` delivering every commit after `after`.
async fn recreate(
    stream: &jetstream::stream::Stream,
    durable: &str,
    description: String,
    after: u64,
) -> Result<(), FeedError> {
    // Deleting a consumer forgets a position, never an event (streams deny delete).
    let _ = stream.delete_consumer(durable).await;
    let config = consumer::pull::Config {
        durable_name: Some(durable.to_owned()),
        description: Some(description),
        deliver_policy: start_after(after),
        ack_policy: consumer::AckPolicy::All,
        ack_wait: Duration::from_secs(60),
        max_ack_pending: FEED_ACK_PENDING_MAX,
        ..Default::default()
    };
    stream.create_consumer(config).await.map_err(unavailable)?;
    Ok(())
}

/// Delivers every commit after sequence `after`.
fn start_after(after: u64) -> consumer::DeliverPolicy {
    if after == 0 {
        consumer::DeliverPolicy::All
    } else {
        consumer::DeliverPolicy::ByStartSequence {
            start_sequence: after + 1,
        }
    }
}

/// Pulls from the durable consumer `durable` in batches.
async fn follow(stream: &jetstream::stream::Stream, durable: &str) -> Result<JetStreamFeed, FeedError> {
    let consumer: consumer::PullConsumer = stream.get_consumer(durable).await.map_err(unavailable)?;
    let messages = consumer
        .stream()
        .max_messages_per_batch(1_000)
        .heartbeat(Duration::from_secs(5))
        .expires(Duration::from_secs(30))
        .messages()
        .await
        .map_err(unavailable)?;
    Ok(JetStreamFeed {
        messages: Messages::Durable(messages),
        last: None,
    })
}

/// Where a feed's messages come from.
// One per open feed, never in a collection: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Messages {
    /// A durable consumer, acknowledged batch by batch.
    Durable(consumer::pull::Stream),
    /// An ordered consumer (replays): no acknowledgements.
    Ordered(consumer::pull::Ordered),
}

impl Messages {
    /// The next message; `None` when the subscription ended.
    async fn next(&mut self) -> Option<Result<jetstream::Message, FeedError>> {
        match self {
            Messages::Durable(messages) => messages.next().await.map(|result| result.map_err(unavailable)),
            Messages::Ordered(messages) => messages.next().await.map(|result| result.map_err(unavailable)),
        }
    }
}

/// One projector's subscription to one council stream.
pub struct JetStreamFeed {
    messages: Messages,
    last: Option<jetstream::Message>,
}

impl JetStreamFeed {
    fn decode(message: &jetstream::Message) -> Result<FeedCommit, FeedError> {
        let sequence = message.info().map_err(unavailable)?.stream_sequence;
        let corrupt = |reason: String| FeedError::Corrupt { sequence, reason };
        let DecodedCommit { envelope, .. } =
            decode_commit(sequence, &message.payload).map_err(|error| corrupt(error.to_string()))?;
        let council = CouncilCode::parse(&envelope.council).map_err(|error| corrupt(error.to_string()))?;
        let events = match envelope.kind.as_str() {
            CouncilTaxAccount::KIND => decode_events::<CouncilTaxAccount>(&envelope).map(FeedEvents::CouncilTaxAccount),
            CouncilYear::KIND => decode_events::<CouncilYear>(&envelope).map(FeedEvents::CouncilYear),
            Property::KIND => decode_events::<Property>(&envelope).map(FeedEvents::Property),
            NndrAccount::KIND => decode_events::<NndrAccount>(&envelope).map(FeedEvents::NndrAccount),
            Hereditament::KIND => decode_events::<Hereditament>(&envelope).map(FeedEvents::Hereditament),
            NndrYearSettings::KIND => decode_events::<NndrYearSettings>(&envelope).map(FeedEvents::NndrYear),
            Agency::KIND => decode_events::<Agency>(&envelope).map(FeedEvents::Agency),
            BenefitClaim::KIND => decode_events::<BenefitClaim>(&envelope).map(FeedEvents::BenefitClaim),
            BenefitYear::KIND => decode_events::<BenefitYear>(&envelope).map(FeedEvents::BenefitYear),
            UcImport::KIND => decode_events::<UcImport>(&envelope).map(FeedEvents::UcImport),
            other => return Err(corrupt(format!("unknown aggregate kind {other:?}"))),
        }
        .map_err(|error| corrupt(error.to_string()))?;
        Ok(FeedCommit {
            council,
            sequence,
            kind: envelope.kind,
            aggregate_id: envelope.aggregate_id,
            first_version: envelope.first_version,
            recorded_at: envelope.recorded_at,
            effective_date: envelope.effective_date,
            events,
        })
    }
}

/// Decodes every event of a commit as events of aggregate kind `A`.
fn decode_events<A: StoredAggregate>(envelope: &CommitEnvelopeV1) -> Result<Vec<A::Event>, DecodeError> {
    envelope.events.iter().map(A::decode_event).collect()
}

impl CommitFeed for JetStreamFeed {
    async fn next_batch(&mut self, batch_max: usize, idle: Duration) -> Result<Vec<FeedCommit>, FeedError> {
        let first = match tokio::time::timeout(idle, self.messages.next()).await {
            Err(_elapsed) => return Ok(Vec::new()),
            Ok(None) => return Err(FeedError::Unavailable("subscription ended".into())),
            Ok(Some(message)) => message?,
        };
        let mut batch = vec![Self::decode(&first)?];
        let mut last = first;
        // Take what has already arrived, without waiting: batches grow under load and stay
        // small (low latency) when the system is quiet.
        while batch.len() < batch_max {
            match self.messages.next().now_or_never() {
                Some(Some(message)) => {
                    let message = message?;
                    batch.push(Self::decode(&message)?);
                    last = message;
                }
                Some(None) | None => break,
            }
        }
        // Only a durable consumer is acknowledged; a replay's ordered consumer has no acks.
        if matches!(self.messages, Messages::Durable(_)) {
            self.last = Some(last);
        }
        Ok(batch)
    }

    async fn ack_through(&mut self, sequence: u64) -> Result<(), FeedError> {
        let Some(message) = self.last.take() else {
            return Ok(());
        };
        let last_sequence = message.info().map_err(unavailable)?.stream_sequence;
        debug_assert_eq!(last_sequence, sequence, "projectors acknowledge whole batches");
        // AckPolicy::All: acknowledging the batch's last message acknowledges all before it.
        message.double_ack().await.map_err(unavailable)
    }
}
