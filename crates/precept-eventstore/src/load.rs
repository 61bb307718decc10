//! Loading an aggregate: the commits after a starting point, read through [`SubjectCommits`].
//!
//! One round trip reads the subject's last message; if the snapshot already ends there the load
//! is done. Otherwise each commit after the snapshot costs one direct get. Hot aggregates never
//! come here (the command handler's cache holds them), and snapshots keep the tail short.

use precept_app::{Loaded, StoreError};

use crate::codec::StoredAggregate;
use crate::layout;
use crate::store::{JetStreamEventStore, fold_commit};
use crate::subject::SubjectCommits;

/// Folds into `loaded` every commit on the aggregate's subject after `loaded.position`.
pub(crate) async fn load_after<A: StoredAggregate>(
    store: &JetStreamEventStore,
    council: &str,
    aggregate_id: &str,
    mut loaded: Loaded<A::State>,
) -> Result<Loaded<A::State>, StoreError> {
    let subject = layout::subject(council, A::KIND, aggregate_id);
    let mut commits = SubjectCommits::open(store, council, subject).await?;
    let last_sequence = commits.last_sequence();
    if last_sequence == loaded.position.last_sequence {
        return Ok(loaded);
    }
    if last_sequence < loaded.position.last_sequence {
        // A snapshot from a future the stream does not have: the stream was recreated under it.
        // Distrust the snapshot and rebuild from the start.
        loaded = Loaded::default();
    }
    let retention = store.config.request_retention;
    commits.skip_through(loaded.position.last_sequence);
    while let Some(commit) = commits.next().await? {
        fold_commit::<A>(&mut loaded, commit.sequence, &commit.envelope, retention)?;
    }
    Ok(loaded)
}
