//! Loading an aggregate: the commits after a starting point, by chained direct gets.
//!
//! One round trip reads the subject's last message; if the snapshot already ends there the load
//! is done. Otherwise each commit after the snapshot costs one direct get. Hot aggregates never
//! come here (the command handler's cache holds them), and snapshots keep the tail short.

use precept_app::{Loaded, StoreError};

use crate::classify;
use crate::codec::{StoredAggregate, decode_commit};
use crate::layout;
use crate::store::{JetStreamEventStore, fold_commit};

/// Folds into `loaded` every commit on the aggregate's subject after `loaded.position`.
pub(crate) async fn load_after<A: StoredAggregate>(
    store: &JetStreamEventStore,
    council: &str,
    aggregate_id: &str,
    mut loaded: Loaded<A::State>,
) -> Result<Loaded<A::State>, StoreError> {
    let stream = store.stream(council).await?;
    let subject = layout::subject(council, A::KIND, aggregate_id);
    let Some(last) = classify::direct_get(stream.direct_get_last_for_subject(subject.as_str()).await, council)? else {
        return Ok(loaded);
    };
    if last.sequence == loaded.position.last_sequence {
        return Ok(loaded);
    }
    if last.sequence < loaded.position.last_sequence {
        // A snapshot from a future the stream does not have: the stream was recreated under it.
        // Distrust the snapshot and rebuild from the start.
        loaded = Loaded::default();
    }
    let retention = store.config.request_retention;
    let mut next_sequence = loaded.position.last_sequence + 1;
    loop {
        let message = if next_sequence == last.sequence {
            last.clone()
        } else {
            let found = stream
                .direct_get_next_for_subject(subject.as_str(), Some(next_sequence))
                .await;
            classify::direct_get(found, council)?.ok_or_else(|| StoreError::Corrupt {
                sequence: next_sequence,
                reason: "subject's last message vanished while loading".into(),
            })?
        };
        let commit = decode_commit(message.sequence, &message.payload)
            .map_err(|error| classify::corrupt(message.sequence, error))?;
        fold_commit::<A>(&mut loaded, commit.sequence, &commit.envelope, retention)?;
        if message.sequence >= last.sequence {
            return Ok(loaded);
        }
        next_sequence = message.sequence + 1;
    }
}
