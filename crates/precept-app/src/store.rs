//! The event store port, as the command path needs it.
//!
//! `eventually_core`'s `EventStore` trait is implemented by the adapter too, but it has no room
//! for request metadata, stream sequences or idempotency; this port is the richer contract the
//! command handler uses.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use precept_domain::{AggregateKind, CouncilCode};

use crate::error::StoreError;
use crate::meta::{CommitOutcome, RequestLog, RequestMeta};

/// Where an aggregate's history ends.
///
/// `version` counts the aggregate's events; `last_sequence` is the council stream sequence of
/// its newest commit (0 when it has none). JetStream's optimistic concurrency check compares
/// sequences, while callers think in versions: this pair maps one to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamPosition {
    /// Number of events in the aggregate's history.
    pub version: u64,
    /// Stream sequence of the aggregate's last commit; 0 for none.
    pub last_sequence: u64,
}

/// An aggregate as loaded: its state, where its history ends, and the requests it has served.
#[derive(Debug, Clone)]
pub struct Loaded<S> {
    /// Folded state.
    pub state: S,
    /// End of history.
    pub position: StreamPosition,
    /// Requests already carried out (the durable idempotency record).
    pub requests: RequestLog,
}

impl<S: Default> Default for Loaded<S> {
    fn default() -> Self {
        Loaded {
            state: S::default(),
            position: StreamPosition::default(),
            requests: RequestLog::default(),
        }
    }
}

/// One command's events, to be stored as a single commit or not at all.
#[derive(Debug)]
pub struct NewCommit<'a, A: AggregateKind> {
    /// Whose stream.
    pub council: &'a CouncilCode,
    /// Which aggregate.
    pub aggregate_id: &'a A::Id,
    /// The events, in order; never empty.
    pub events: &'a [A::Event],
    /// Who asked, and the idempotency key.
    pub meta: &'a RequestMeta,
    /// Business date the change takes effect, where the domain has one.
    pub effective_date: Option<NaiveDate>,
    /// Where the caller believes the history ends.
    pub expected: StreamPosition,
}

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppendOutcome {
    /// The commit was stored.
    Stored {
        /// Where it landed.
        outcome: CommitOutcome,
        /// The instant the adapter stamped on it.
        recorded_at: DateTime<Utc>,
    },
    /// A commit with this request id was already stored (JetStream's duplicate window caught
    /// it); nothing new was written. The caller reloads to answer from the original.
    AlreadyStored {
        /// Sequence of the original commit.
        sequence: u64,
    },
}

/// Streams of one aggregate kind: load, append, snapshot.
pub trait AggregateStore<A: AggregateKind>: Send + Sync + 'static {
    /// Loads an aggregate: the latest snapshot, if any, plus the commits after it.
    ///
    /// # Errors
    /// [`StoreError::UnknownCouncil`], [`StoreError::Unavailable`], [`StoreError::Corrupt`],
    /// [`StoreError::SequenceOverflow`].
    fn load(
        &self,
        council: &CouncilCode,
        aggregate_id: &A::Id,
    ) -> impl Future<Output = Result<Loaded<A::State>, StoreError>> + Send;

    /// Appends one commit if the aggregate's history still ends at `commit.expected`.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when another commit got there first; [`StoreError::Unavailable`]
    /// and the other infrastructure variants otherwise.
    fn append(&self, commit: NewCommit<'_, A>) -> impl Future<Output = Result<AppendOutcome, StoreError>> + Send;

    /// Saves a snapshot of a loaded aggregate so later loads start from it.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`]; a failed snapshot only makes the next cold load slower.
    fn save_snapshot(
        &self,
        council: &CouncilCode,
        aggregate_id: &A::Id,
        loaded: &Loaded<A::State>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
