//! The history port: an aggregate's stored commits, read back for audit.
//!
//! What this is: [`AggregateHistory`], which the event store adapter implements, and the plain
//! types it answers with: every commit of one aggregate with its metadata and its events as
//! stored ([`HistoryCommit`]), the aggregate's state folded from a chosen part of its history
//! ([`FoldedState`], chosen by a [`StateCut`]), and a live feed of a council's commits.
//! What this is not: the command path (that loads through `AggregateStore`, with snapshots and
//! the request log) or a read model. History is read from the streams themselves, so an answer
//! here is the record, not a projection of it.
//!
//! Two clocks (STYLE §4): `recorded_at` is when Precept stored a commit; the effective date is
//! the business date it takes effect. A backdated correction is recorded late with an early
//! effective date, so "as known at" and "as effective at" are different questions.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use futures::stream::BoxStream;
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
use precept_domain::partnership::agreement::Agreement;
use precept_domain::partnership::pool::CostPool;
use precept_domain::property::Property;
use uuid::Uuid;

use crate::error::StoreError;
use crate::store::StreamPosition;

/// Every aggregate kind whose history can be read, by its stored kind name.
///
/// The adapter matches on this without a catch-all, so a kind added here cannot compile until
/// it can be read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HistoryKind {
    /// `ct-year`: a council's Council Tax settings for a year.
    CouncilYear,
    /// `ct-property`: a dwelling and its bands.
    Property,
    /// `ct-account`: a Council Tax account.
    CouncilTaxAccount,
    /// `nndr-year`: business rates settings for a year.
    NndrYear,
    /// `nndr-hereditament`: a hereditament and its rateable values.
    Hereditament,
    /// `nndr-account`: a business rates account.
    NndrAccount,
    /// `nndr-agency`: an agent council's appointment.
    Agency,
    /// `benefits-year`: benefits settings for a year.
    BenefitYear,
    /// `benefit-claim`: a Housing Benefit or Council Tax Reduction claim.
    BenefitClaim,
    /// `uc-import`: one UC notification file.
    UcImport,
    /// `partnership-agreement`: the partnership's membership (partnership stream only).
    Agreement,
    /// `cost-pool`: a year's shared costs (partnership stream only).
    CostPool,
}

impl HistoryKind {
    /// Every kind, in the order docs/ARCHITECTURE.md lists them.
    pub const ALL: [HistoryKind; 12] = [
        HistoryKind::CouncilYear,
        HistoryKind::Property,
        HistoryKind::CouncilTaxAccount,
        HistoryKind::NndrYear,
        HistoryKind::Hereditament,
        HistoryKind::NndrAccount,
        HistoryKind::Agency,
        HistoryKind::BenefitYear,
        HistoryKind::BenefitClaim,
        HistoryKind::UcImport,
        HistoryKind::Agreement,
        HistoryKind::CostPool,
    ];

    /// The kind's name in subjects, from the domain's own constant.
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryKind::CouncilYear => CouncilYear::KIND,
            HistoryKind::Property => Property::KIND,
            HistoryKind::CouncilTaxAccount => CouncilTaxAccount::KIND,
            HistoryKind::NndrYear => NndrYearSettings::KIND,
            HistoryKind::Hereditament => Hereditament::KIND,
            HistoryKind::NndrAccount => NndrAccount::KIND,
            HistoryKind::Agency => Agency::KIND,
            HistoryKind::BenefitYear => BenefitYear::KIND,
            HistoryKind::BenefitClaim => BenefitClaim::KIND,
            HistoryKind::UcImport => UcImport::KIND,
            HistoryKind::Agreement => Agreement::KIND,
            HistoryKind::CostPool => CostPool::KIND,
        }
    }

    /// The kind named `text`, if there is one.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Whether the kind lives in the partnership stream rather than a council's.
    pub fn is_partnership_wide(self) -> bool {
        matches!(self, HistoryKind::Agreement | HistoryKind::CostPool)
    }
}

/// One aggregate: whose stream, which kind, which id (as text; the adapter parses it with
/// the kind's own id parser, so a malformed id can never become a subject wildcard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregateRef {
    /// The stream: a council, or [`CouncilCode::partnership`].
    pub council: CouncilCode,
    /// The kind.
    pub kind: HistoryKind,
    /// The id as the caller wrote it.
    pub aggregate_id: String,
}

/// One event of a commit, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEvent {
    /// The aggregate's version after this event.
    pub version: u64,
    /// Stored event type, e.g. `PaymentPosted`.
    pub event_type: String,
    /// Schema version of the payload.
    pub schema: u32,
    /// The stored payload, JSON text (never upcast: this is the record).
    pub payload_json: String,
}

/// One commit with everything recorded about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryCommit {
    /// Stream sequence.
    pub sequence: u64,
    /// Council code of the stream (`partnership` for the partnership stream).
    pub council: String,
    /// Aggregate kind.
    pub kind: String,
    /// Aggregate id.
    pub aggregate_id: String,
    /// Who asked (a credential or process id).
    pub actor: String,
    /// When the adapter stored it.
    pub recorded_at: DateTime<Utc>,
    /// Business effective date, where the commit has one.
    pub effective_date: Option<NaiveDate>,
    /// The caller's idempotency key.
    pub request_id: String,
    /// Business process id.
    pub correlation_id: Uuid,
    /// What caused the commit, if anything.
    pub causation_id: Option<Uuid>,
    /// The events, in order; never empty.
    pub events: Vec<HistoryEvent>,
}

impl HistoryCommit {
    /// The aggregate's version after this commit.
    pub fn last_version(&self) -> u64 {
        self.events.last().map_or(0, |event| event.version)
    }
}

/// Which part of an aggregate's history a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryPage {
    /// The first version wanted: the page starts with the commit holding it.
    pub from_version: u64,
    /// At most this many commits.
    pub commits_max: usize,
}

/// Which of an aggregate's commits a state is folded from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateCut {
    /// What Precept knew at this instant: the commits recorded at or before it. Commits are
    /// taken in stream order up to the first one recorded later, so the state is always a
    /// prefix of the history, exactly as the command side saw it then.
    KnownAt(DateTime<Utc>),
    /// Business time, as known now: the commits whose effective date is on or before this
    /// date, in stream order, including corrections recorded since with earlier dates. A
    /// commit without an effective date (a bill's allocation, a plan choice) counts as
    /// effective on the UTC date it was recorded.
    EffectiveOn(NaiveDate),
}

impl StateCut {
    /// Whether a commit recorded at `recorded_at` with `effective_date` falls inside the cut.
    pub fn includes(&self, recorded_at: DateTime<Utc>, effective_date: Option<NaiveDate>) -> bool {
        match *self {
            StateCut::KnownAt(instant) => recorded_at <= instant,
            StateCut::EffectiveOn(date) => effective_date.unwrap_or_else(|| recorded_at.date_naive()) <= date,
        }
    }

    /// Whether the first commit outside the cut ends it (known-at is a prefix of history;
    /// effective-at skips later-dated commits and carries on).
    pub fn stops_at_first_outside(&self) -> bool {
        matches!(self, StateCut::KnownAt(_))
    }
}

/// An aggregate's state folded from part of its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoldedState {
    /// The domain state's serde form, as JSON text.
    pub state_json: String,
    /// The last commit folded: its version and sequence.
    pub position: StreamPosition,
    /// When that commit was recorded.
    pub last_recorded_at: DateTime<Utc>,
    /// How many commits were folded.
    pub commits_folded: u64,
    /// How many of the aggregate's commits the cut left out.
    pub commits_left_out: u64,
}

/// Why history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The id is not a valid id of the kind.
    #[error("not a valid {kind} id")]
    InvalidId {
        /// The kind's name.
        kind: &'static str,
    },
    /// The aggregate has no commits at all.
    #[error("no {kind} {aggregate_id} in {council}")]
    NotFound {
        /// The stream.
        council: String,
        /// The kind's name.
        kind: &'static str,
        /// The id.
        aggregate_id: String,
    },
    /// The aggregate has commits, but none inside the cut: it did not exist then.
    #[error("no commit of {kind} {aggregate_id} falls inside the cut")]
    NothingInCut {
        /// The kind's name.
        kind: &'static str,
        /// The id.
        aggregate_id: String,
    },
    /// The commits inside an effective-date cut do not fold on their own: one depends on a
    /// commit dated after the cut (a payment received before a later-starting liability).
    #[error("the commit at sequence {sequence} does not fold without commits effective later")]
    NotFoldable {
        /// The commit that did not apply.
        sequence: u64,
    },
    /// The event store failed, or stored history does not decode.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A council's commits as they are stored, from a sequence on, then live.
pub type CommitSubscription = BoxStream<'static, Result<HistoryCommit, HistoryError>>;

/// Reading stored history back: one aggregate's commits, its state at a cut, and a council's
/// stream as it grows.
pub trait AggregateHistory: Send + Sync + 'static {
    /// One page of an aggregate's commits, oldest first.
    ///
    /// # Errors
    /// [`HistoryError::InvalidId`], [`HistoryError::NotFound`], [`HistoryError::Store`].
    fn history(
        &self,
        aggregate: &AggregateRef,
        page: HistoryPage,
    ) -> impl Future<Output = Result<Vec<HistoryCommit>, HistoryError>> + Send;

    /// The aggregate's state folded, with the domain's own `apply` after upcasting, from the
    /// commits inside `cut`.
    ///
    /// # Errors
    /// [`HistoryError::InvalidId`], [`HistoryError::NotFound`], [`HistoryError::NothingInCut`],
    /// [`HistoryError::NotFoldable`], [`HistoryError::Store`].
    fn state(
        &self,
        aggregate: &AggregateRef,
        cut: StateCut,
    ) -> impl Future<Output = Result<FoldedState, HistoryError>> + Send;

    /// Every commit of `council`'s stream from `from_sequence` on (1 and 0 both mean the
    /// start), continuing with new commits as they are stored until the subscription is
    /// dropped. Reads through an ephemeral consumer: nothing is left behind on the server.
    ///
    /// # Errors
    /// [`HistoryError::Store`] if the stream cannot be followed; later failures arrive as
    /// items of the subscription.
    fn subscribe(
        &self,
        council: &CouncilCode,
        from_sequence: u64,
    ) -> impl Future<Output = Result<CommitSubscription, HistoryError>> + Send;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str) -> DateTime<Utc> {
        text.parse().expect("fixture instant")
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("fixture date")
    }

    #[test]
    fn every_kind_parses_from_its_own_name_and_nothing_else_does() {
        for kind in HistoryKind::ALL {
            assert_eq!(HistoryKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(HistoryKind::parse("ct-accounts"), None);
        assert_eq!(HistoryKind::parse(""), None);
        let partnership: Vec<&str> = HistoryKind::ALL
            .into_iter()
            .filter(|kind| kind.is_partnership_wide())
            .map(HistoryKind::as_str)
            .collect();
        assert_eq!(partnership, ["partnership-agreement", "cost-pool"]);
    }

    #[test]
    fn known_at_counts_recorded_time_only() {
        let cut = StateCut::KnownAt(instant("2025-06-10T12:00:00Z"));
        let backdated = Some(date("2025-04-01"));
        assert!(cut.includes(instant("2025-06-10T12:00:00Z"), None));
        assert!(!cut.includes(instant("2025-06-10T12:00:00.000001Z"), backdated));
        assert!(cut.stops_at_first_outside());
    }

    #[test]
    fn effective_at_counts_the_business_date_or_else_the_recorded_utc_date() {
        let cut = StateCut::EffectiveOn(date("2025-05-01"));
        assert!(cut.includes(instant("2025-09-01T09:00:00Z"), Some(date("2025-05-01"))));
        assert!(!cut.includes(instant("2025-04-01T09:00:00Z"), Some(date("2025-05-02"))));
        assert!(cut.includes(instant("2025-05-01T23:59:59Z"), None));
        assert!(!cut.includes(instant("2025-05-02T00:00:00Z"), None));
        assert!(!cut.stops_at_first_outside());
    }
}
