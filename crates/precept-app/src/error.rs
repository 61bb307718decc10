//! Errors at the application boundary: business rejections apart from infrastructure faults.

/// An infrastructure fault from the event store, classified once by the adapter.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another commit reached the aggregate first; reload and decide again.
    #[error("aggregate moved on: expected its last commit at sequence {expected_sequence}")]
    Conflict {
        /// The sequence the append expected.
        expected_sequence: u64,
    },
    /// No stream exists for the council.
    #[error("no stream for council {council}")]
    UnknownCouncil {
        /// The council code asked for.
        council: String,
    },
    /// The request id was already used for a commit on a different aggregate.
    #[error("request id already used for another aggregate")]
    RequestIdUsedElsewhere,
    /// Stored data could not be decoded or does not fit the aggregate.
    #[error("stored history is corrupt at sequence {sequence}: {reason}")]
    Corrupt {
        /// Where.
        sequence: u64,
        /// What is wrong (no personal data: ids and type names only).
        reason: String,
    },
    /// A sequence or version exceeded what a caller's integer type holds.
    #[error("sequence {value} does not fit in {target}")]
    SequenceOverflow {
        /// The value.
        value: u64,
        /// The type it had to fit.
        target: &'static str,
    },
    /// NATS could not be reached or did not answer in time.
    #[error("event store unavailable: {0}")]
    Unavailable(String),
}

impl StoreError {
    /// Whether a retry of the whole command might succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}

/// Why a command was not carried out.
#[derive(Debug, thiserror::Error)]
pub enum CommandError<E> {
    /// The business rules refused it.
    #[error(transparent)]
    Rejected(E),
    /// The request id was used before for a different request.
    #[error("request id was already used for a different request")]
    RequestIdReused,
    /// Optimistic concurrency retries ran out; the client may retry the whole command.
    #[error("aggregate too busy: gave up after {attempts} attempts")]
    ConcurrencyExhausted {
        /// How many appends were tried.
        attempts: u32,
    },
    /// The event store failed.
    #[error(transparent)]
    Store(StoreError),
}
