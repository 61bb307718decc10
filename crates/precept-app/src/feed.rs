//! The event feed port: how projectors receive decoded commits from a council's stream.
//!
//! A feed is a durable, resumable subscription for one projector on one council. It hands out
//! commits in stream order in bounded batches; the projector writes its rows and checkpoint in
//! one transaction, then acknowledges through the batch's last sequence.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use precept_domain::CouncilCode;
use precept_domain::account::AccountEvent;
use precept_domain::benefits::claim::ClaimEvent;
use precept_domain::benefits::settings::BenefitSettingsSet;
use precept_domain::benefits::uc_import::ImportEvent;
use precept_domain::council_year::YearSettingsSet;
use precept_domain::nndr::account::NndrEvent;
use precept_domain::nndr::agency::AgencyEvent;
use precept_domain::nndr::hereditament::HereditamentEvent;
use precept_domain::nndr::settings::NndrSettingsSet;
use precept_domain::property::PropertyEvent;

/// A decoded commit as a projector sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedCommit {
    /// Whose stream.
    pub council: CouncilCode,
    /// The commit's stream sequence: the projector's checkpoint.
    pub sequence: u64,
    /// Aggregate kind (`ct-account`, ...).
    pub kind: String,
    /// Aggregate id as text.
    pub aggregate_id: String,
    /// Version of the first event in the commit.
    pub first_version: u64,
    /// When the adapter stored it.
    pub recorded_at: DateTime<Utc>,
    /// Business effective date, where there is one.
    pub effective_date: Option<NaiveDate>,
    /// The events, decoded.
    pub events: FeedEvents,
}

/// The decoded events of a commit, by aggregate kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEvents {
    /// Council Tax account events.
    CouncilTaxAccount(Vec<AccountEvent>),
    /// Council-year settings events.
    CouncilYear(Vec<YearSettingsSet>),
    /// Property events.
    Property(Vec<PropertyEvent>),
    /// Business rates account events.
    NndrAccount(Vec<NndrEvent>),
    /// Hereditament events.
    Hereditament(Vec<HereditamentEvent>),
    /// Business rates year settings events.
    NndrYear(Vec<NndrSettingsSet>),
    /// Agency events.
    Agency(Vec<AgencyEvent>),
    /// Benefit claim events.
    BenefitClaim(Vec<ClaimEvent>),
    /// Benefits year settings events.
    BenefitYear(Vec<BenefitSettingsSet>),
    /// UC import events.
    UcImport(Vec<ImportEvent>),
}

/// Why the feed failed.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// A stored commit could not be decoded.
    #[error("commit at sequence {sequence} cannot be decoded: {reason}")]
    Corrupt {
        /// Where.
        sequence: u64,
        /// Why (type names and ids only).
        reason: String,
    },
    /// NATS could not be reached, or the subscription broke.
    #[error("event feed unavailable: {0}")]
    Unavailable(String),
}

/// A durable subscription for one projector on one council.
pub trait CommitFeed: Send {
    /// Waits for the next commits after the last acknowledged one: at least one, at most
    /// `batch_max`; returns an empty batch if `idle` passes with nothing new.
    ///
    /// # Errors
    /// [`FeedError`].
    fn next_batch(
        &mut self,
        batch_max: usize,
        idle: std::time::Duration,
    ) -> impl Future<Output = Result<Vec<FeedCommit>, FeedError>> + Send;

    /// Acknowledges every commit up to and including `sequence`.
    ///
    /// # Errors
    /// [`FeedError::Unavailable`].
    fn ack_through(&mut self, sequence: u64) -> impl Future<Output = Result<(), FeedError>> + Send;
}

/// Opens feeds.
pub trait FeedSource: Send + Sync + 'static {
    /// The feed type.
    type Feed: CommitFeed + 'static;

    /// Opens (creating or repositioning as needed) the durable feed named `projector` on
    /// `council`'s stream, delivering commits with sequence greater than `after_sequence`.
    ///
    /// # Errors
    /// [`FeedError`].
    fn open(
        &self,
        council: &CouncilCode,
        projector: &str,
        after_sequence: u64,
    ) -> impl Future<Output = Result<Self::Feed, FeedError>> + Send;

    /// Opens the durable feed named `name` on `council`'s stream where it last acknowledged,
    /// or from the start if it is new: for process managers, whose position lives in the feed
    /// itself because their effects are commands, idempotent by request id, not rows.
    ///
    /// # Errors
    /// [`FeedError`].
    fn resume(&self, council: &CouncilCode, name: &str) -> impl Future<Output = Result<Self::Feed, FeedError>> + Send;

    /// Opens a throwaway feed on `council`'s stream delivering commits with sequence greater
    /// than `after_sequence`, for rebuilding a read model: it moves no durable feed (a live
    /// projector's position is untouched), and acknowledging it does nothing.
    ///
    /// # Errors
    /// [`FeedError`].
    fn replay(
        &self,
        council: &CouncilCode,
        after_sequence: u64,
    ) -> impl Future<Output = Result<Self::Feed, FeedError>> + Send;

    /// The council stream's last sequence now: lets callers wait for a projector to catch up.
    ///
    /// # Errors
    /// [`FeedError::Unavailable`].
    fn last_sequence(&self, council: &CouncilCode) -> impl Future<Output = Result<u64, FeedError>> + Send;
}
