//! Following a whole council stream from a sequence, live: the audit's subscription.
//!
//! An ordered consumer: ephemeral, unacknowledged, recreated by the client at the right place
//! if a message is missed, and removed by the server 30 seconds after nobody pulls from it (the
//! client's fixed inactivity threshold for ordered consumers), so a subscriber that went away
//! leaves nothing behind. It is never one of the projectors' or process managers' durable
//! consumers (`feed.rs`), whose positions are theirs alone.

use async_nats::jetstream::consumer::{self, DeliverPolicy};
use futures::{Stream, StreamExt};
use precept_app::StoreError;

use crate::classify;
use crate::codec::{DecodedCommit, decode_commit};
use crate::store::JetStreamEventStore;

/// Every commit of `council`'s stream from `from_sequence` on (0 and 1 both mean the start),
/// then each new one as it is stored, until the stream is dropped.
///
/// # Errors
/// [`StoreError::UnknownCouncil`] or [`StoreError::Unavailable`] when the consumer cannot be
/// made; later failures, and commits that do not decode, arrive as items.
pub(crate) async fn follow(
    store: &JetStreamEventStore,
    council: &str,
    from_sequence: u64,
) -> Result<impl Stream<Item = Result<DecodedCommit, StoreError>> + Send + 'static, StoreError> {
    let stream = store.stream(council).await?;
    let config = consumer::pull::OrderedConfig {
        description: Some("audit subscription".to_owned()),
        deliver_policy: if from_sequence <= 1 {
            DeliverPolicy::All
        } else {
            DeliverPolicy::ByStartSequence {
                start_sequence: from_sequence,
            }
        },
        ..Default::default()
    };
    let consumer = stream.create_consumer(config).await.map_err(classify::unavailable)?;
    let messages = consumer.messages().await.map_err(classify::unavailable)?;
    Ok(messages.map(|message| {
        let message = message.map_err(classify::unavailable)?;
        let sequence = message.info().map_err(classify::unavailable)?.stream_sequence;
        decode_commit(sequence, &message.payload).map_err(|error| classify::corrupt(sequence, error))
    }))
}
