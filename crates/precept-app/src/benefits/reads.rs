//! The benefits read side as the application sees it: finding claims by hashed NINO for the
//! UC import, and the caseload views.

use std::collections::HashMap;
use std::future::Future;

use chrono::NaiveDate;
use precept_domain::CouncilCode;
use precept_domain::benefits::claim::{ClaimKind, ClaimStatus, NinoHash};
use precept_domain::ids::ClaimId;

use crate::query::QueryError;

/// A claim as the directory knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRef {
    /// The claim.
    pub claim: ClaimId,
    /// Its benefit.
    pub kind: ClaimKind,
    /// Where it stands.
    pub status: ClaimStatus,
    /// When it was received.
    pub received: NaiveDate,
}

/// Finds claims by hashed NINO.
pub trait ClaimDirectory: Send + Sync + 'static {
    /// The claims for each hash, once the read model includes `min_sequence`.
    ///
    /// # Errors
    /// [`QueryError`].
    fn claims_by_nino(
        &self,
        council: &CouncilCode,
        hashes: &[NinoHash],
        min_sequence: u64,
    ) -> impl Future<Output = Result<HashMap<NinoHash, Vec<ClaimRef>>, QueryError>> + Send;
}

/// The claim a notification is for, among a NINO's claims: a live CTR claim first (UC
/// income is what working-age CTR schemes band), then any CTR claim, then the newest other.
pub fn choose_claim(claims: &[ClaimRef]) -> Option<&ClaimRef> {
    let rank = |claim: &ClaimRef| {
        let ctr = claim.kind == ClaimKind::CouncilTaxReduction;
        let live = matches!(claim.status, ClaimStatus::Awarded | ClaimStatus::Suspended);
        (ctr && live, ctr, claim.received)
    };
    claims.iter().max_by_key(|claim| rank(claim))
}

/// Live claims of one benefit and status received in one age band.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseloadCount {
    /// The benefit.
    pub kind: ClaimKind,
    /// Where they stand.
    pub status: ClaimStatus,
    /// Their age band: weeks since received, `0` (under 2), `2`, `4`, `8` (and over).
    pub age_weeks_from: u32,
    /// How many.
    pub claims: u64,
}

/// A work item waiting for an officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkItemView {
    /// The claim id, or the digest of the file whose record matched no claim.
    pub source: String,
    /// The item (a UC record id).
    pub item: String,
    /// Why.
    pub reason: precept_domain::benefits::claim::WorkReason,
    /// When raised.
    pub raised: NaiveDate,
}

/// Decisions of one measure over a period (REFERENCE §3.4): the average is `total_days /
/// decisions`, calendar days from receipt to decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpeedOfProcessing {
    /// `new_claim` or `change`.
    pub measure: String,
    /// The benefit.
    pub kind: ClaimKind,
    /// Decisions made.
    pub decisions: u64,
    /// Their days, summed.
    pub total_days: u64,
    /// Of which made by rule, with no officer.
    pub automated: u64,
}

/// One imported file's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportView {
    /// The file's digest.
    pub digest: String,
    /// Its date.
    pub file_date: NaiveDate,
    /// Data lines.
    pub lines: u64,
    /// Handled by rule.
    pub automated: u64,
    /// Sent to officers (including unmatched).
    pub needing_officer: u64,
    /// Of which no claim matched.
    pub unmatched: u64,
    /// Lines refused.
    pub rejected: u64,
    /// Records already handled from an earlier file.
    pub already_handled: u64,
}

/// Overpayments of one class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverpaymentTotals {
    /// The class code.
    pub class: String,
    /// How many.
    pub count: u64,
    /// Overpaid.
    pub amount_pence: i64,
    /// Recovered.
    pub recovered_pence: i64,
    /// Written off.
    pub written_off_pence: i64,
    /// Still to recover.
    pub outstanding_pence: i64,
}

/// A claim as the read model holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimView {
    /// The folded claim.
    pub state: precept_domain::benefits::claim::ClaimState,
    /// The last commit folded into it.
    pub as_of_sequence: u64,
}

/// Queries over the benefits read model; each waits for `min_sequence` first.
pub trait BenefitReads: Send + Sync + 'static {
    /// One claim.
    ///
    /// # Errors
    /// [`QueryError`].
    fn claim(
        &self,
        council: &CouncilCode,
        claim: &ClaimId,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Option<ClaimView>, QueryError>> + Send;

    /// Live claims (not refused or ended) by benefit, status and age on `on`.
    ///
    /// # Errors
    /// [`QueryError`].
    fn caseload(
        &self,
        council: &CouncilCode,
        on: NaiveDate,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Vec<CaseloadCount>, QueryError>> + Send;

    /// Open work items, oldest first, after `after` (raised, source, item) for paging.
    ///
    /// # Errors
    /// [`QueryError`].
    fn work_queue(
        &self,
        council: &CouncilCode,
        after: Option<(NaiveDate, String, String)>,
        limit: u32,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Vec<WorkItemView>, QueryError>> + Send;

    /// Speed of processing for decisions made in `from..=to`.
    ///
    /// # Errors
    /// [`QueryError`].
    fn speed_of_processing(
        &self,
        council: &CouncilCode,
        period: (NaiveDate, NaiveDate),
        min_sequence: u64,
    ) -> impl Future<Output = Result<Vec<SpeedOfProcessing>, QueryError>> + Send;

    /// Files imported with dates in `from..=to`, in date order.
    ///
    /// # Errors
    /// [`QueryError`].
    fn imports(
        &self,
        council: &CouncilCode,
        period: (NaiveDate, NaiveDate),
        min_sequence: u64,
    ) -> impl Future<Output = Result<Vec<ImportView>, QueryError>> + Send;

    /// Overpayments by class.
    ///
    /// # Errors
    /// [`QueryError`].
    fn overpayments(
        &self,
        council: &CouncilCode,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Vec<OverpaymentTotals>, QueryError>> + Send;
}
