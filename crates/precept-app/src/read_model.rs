//! The read-model administration port: moving a running service onto a rebuilt read model.
//!
//! What this is: the contract the Admin gRPC service calls ([`ReadModelSwitch`]) and its
//! outcome and refusals. What this is not: how the switch is done (precept-projections'
//! `ReadModelSwitcher` stops the projector, catches the new database up and swaps it in).

use std::future::Future;

use precept_domain::CouncilCode;

/// Where a switched read model stands per council.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchOutcome {
    /// Each council's checkpoint in the new read model when it was swapped in.
    pub checkpoints: Vec<(CouncilCode, u64)>,
    /// Commits the switch folded into the new read model to bring it level with the old one.
    pub caught_up_commits: u64,
}

/// Why a switch was refused or failed. On any error the service keeps its old read model.
#[derive(Debug, thiserror::Error)]
pub enum SwitchError {
    /// The URL names no supported database.
    #[error("database url must start with sqlite: or postgres:")]
    UnsupportedUrl,
    /// The database is not a Precept read model this build can use.
    #[error("not a migrated Precept read model: {0}")]
    NotAReadModel(String),
    /// A council's stream has commits but the database has no checkpoint for it.
    #[error("the read model has not been replayed for council {council} (run `precept replay` into it first)")]
    NotReplayed {
        /// The council.
        council: CouncilCode,
    },
    /// The database claims commits the stream does not have: it was built from other streams.
    #[error(
        "the read model's checkpoint {checkpoint} for council {council} is beyond its stream's last sequence {stream_last}"
    )]
    AheadOfStream {
        /// The council.
        council: CouncilCode,
        /// The database's checkpoint.
        checkpoint: u64,
        /// The stream's last sequence.
        stream_last: u64,
    },
    /// This instance runs no projectors, so it cannot keep a new read model current.
    #[error("this instance runs no projectors; switch the instance that does")]
    NoProjector,
    /// Another switch is under way.
    #[error("a read-model switch is already in progress")]
    InProgress,
    /// The new database or the event feed could not be reached or failed.
    #[error("read-model switch failed: {0}")]
    Unavailable(String),
}

/// Switches a running service's read model.
pub trait ReadModelSwitch: Send + Sync + 'static {
    /// Moves queries and projectors onto the read model at `database_url` without stopping
    /// queries: the new database must already hold a replay of the streams; it is caught up
    /// with the live one before any query reads it.
    ///
    /// # Errors
    /// [`SwitchError`]; the service keeps its old read model.
    fn switch_read_model(&self, database_url: &str) -> impl Future<Output = Result<SwitchOutcome, SwitchError>> + Send;
}
