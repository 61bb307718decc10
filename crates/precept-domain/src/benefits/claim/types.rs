//! The values a claim is made of: what was claimed, the circumstances assessed, the figures
//! decided, overpayments and work items.

use chrono::NaiveDate;

use crate::benefits::ctr::{CtrAssessment, CtrCircumstances};
use crate::benefits::hb::{HbAssessment, HbCircumstances};
use crate::benefits::overpayment::OverpaymentClass;
use crate::ids::{AccountId, PartyId};
use crate::money::Pence;

/// Which benefit is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    /// Housing Benefit (REFERENCE §3.1: pension age, or supported or temporary accommodation).
    HousingBenefit,
    /// Council Tax Reduction (REFERENCE §3.3).
    CouncilTaxReduction,
}

impl ClaimKind {
    /// Stable code for storage and the API.
    pub fn code(self) -> &'static str {
        match self {
            ClaimKind::HousingBenefit => "hb",
            ClaimKind::CouncilTaxReduction => "ctr",
        }
    }

    /// From [`ClaimKind::code`].
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "hb" => Some(ClaimKind::HousingBenefit),
            "ctr" => Some(ClaimKind::CouncilTaxReduction),
            _ => None,
        }
    }
}

/// A keyed hash of a claimant's National Insurance number: lets a UC notification find its
/// claim without the number itself ever being stored (the key stays with the adapter).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct NinoHash(String);

impl NinoHash {
    /// Wraps 64 lowercase hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        crate::benefits::is_sha256_hex(text).then(|| NinoHash(text.to_owned()))
    }

    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What was claimed, as received.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClaimDetails {
    /// Which benefit.
    pub kind: ClaimKind,
    /// The claimant, by id.
    pub claimant: PartyId,
    /// The claimant's NINO, hashed.
    pub nino_hash: NinoHash,
    /// The day the council received the claim (REFERENCE §3.4: speed of processing counts
    /// from here, even a non-working day).
    pub received: NaiveDate,
    /// The day benefit is asked from (backdating, REFERENCE §3.2).
    pub claimed_from: NaiveDate,
    /// Whether the claimant has reached State Pension age.
    pub pension_age: bool,
    /// The Council Tax account a CTR award reduces (CTR claims only).
    pub account: Option<AccountId>,
}

/// The circumstances an assessment used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Circumstances {
    /// For Housing Benefit.
    Hb(HbCircumstances),
    /// For Council Tax Reduction.
    Ctr(CtrCircumstances),
}

/// The figures a decision used (REFERENCE §3.2, §3.3): every one kept with the decision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Figures {
    /// A Housing Benefit assessment.
    Hb(HbAssessment),
    /// A Council Tax Reduction assessment.
    Ctr(CtrAssessment),
}

impl Figures {
    /// The weekly Housing Benefit awarded (zero for CTR, which reduces a charge instead).
    pub fn weekly_hb(&self) -> Pence {
        match self {
            Figures::Hb(assessment) => assessment.weekly_award,
            Figures::Ctr(_) => Pence::ZERO,
        }
    }

    /// Whether the figures award anything.
    pub fn awards_something(&self) -> bool {
        match self {
            Figures::Hb(assessment) => assessment.weekly_award.is_positive(),
            Figures::Ctr(assessment) => assessment.percent_bp > 0,
        }
    }
}

/// An award from a date until the next one (or the claim's end).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AwardPeriod {
    /// First day.
    pub from: NaiveDate,
    /// The decision's figures.
    pub figures: Figures,
    /// The day of the decision that made it (one decision may make several periods, where
    /// the settings change).
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
}

/// Where a change of circumstances came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ChangeSource {
    /// The claimant or an officer.
    Reported,
    /// A UC notification, by record id.
    UcNotification(String),
}

/// How an overpayment is being recovered (REFERENCE §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryMethod {
    /// Deducted from ongoing HB, at the year's weekly rates.
    Deduction,
    /// Invoiced as a sundry debt.
    Invoice,
}

impl RecoveryMethod {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            RecoveryMethod::Deduction => "deduction",
            RecoveryMethod::Invoice => "invoice",
        }
    }
}

/// An overpayment of Housing Benefit (REFERENCE §3.5).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Overpayment {
    /// Its number on the claim, from 1.
    pub number: u32,
    /// Its class, which decides recoverability and subsidy.
    pub class: OverpaymentClass,
    /// First day overpaid.
    pub from: NaiveDate,
    /// Last day overpaid.
    pub through: NaiveDate,
    /// How much.
    pub amount: Pence,
    /// Whether it is to be recovered.
    pub recoverable: bool,
    /// How it is being recovered.
    pub method: RecoveryMethod,
    /// Recovered so far.
    pub recovered: Pence,
    /// Written off.
    pub written_off: Pence,
}

impl Overpayment {
    /// What is still to be recovered.
    pub fn outstanding(&self) -> Pence {
        if self.recoverable {
            self.amount - self.recovered - self.written_off
        } else {
            Pence::ZERO
        }
    }
}

/// Who a fraud referral goes to (REFERENCE §3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FraudBody {
    /// HB fraud: DWP's Single Fraud Investigation Service.
    Dwp,
    /// CTR fraud stays with the council's own fraud team.
    Council,
}

/// Why a UC notification needs an officer (REFERENCE §4 "Why not everything can be automated").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkReason {
    /// No claim matches the NINO: identity and liability must be established first.
    NoMatchingClaim,
    /// The claim is Housing Benefit: UC starting may mean HB stops (REFERENCE §3.1).
    HousingBenefitClaim,
    /// The claim is not in payment (not yet decided, suspended, refused or ended).
    ClaimNotLive,
    /// UC has ended.
    UcEnded,
    /// The household differs from the one assessed (partner or children).
    HouseholdChanged,
    /// Effective earlier than the council's rules allow without an officer.
    Backdated,
    /// The new income falls in another band and the council re-awards by hand.
    BandChanged,
    /// A pension-age claimant: the national scheme, not UC income.
    PensionAge,
}

impl WorkReason {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            WorkReason::NoMatchingClaim => "no_matching_claim",
            WorkReason::HousingBenefitClaim => "housing_benefit_claim",
            WorkReason::ClaimNotLive => "claim_not_live",
            WorkReason::UcEnded => "uc_ended",
            WorkReason::HouseholdChanged => "household_changed",
            WorkReason::Backdated => "backdated",
            WorkReason::BandChanged => "band_changed",
            WorkReason::PensionAge => "pension_age",
        }
    }

    /// Every reason, for tests and listings.
    pub const ALL: [WorkReason; 8] = [
        WorkReason::NoMatchingClaim,
        WorkReason::HousingBenefitClaim,
        WorkReason::ClaimNotLive,
        WorkReason::UcEnded,
        WorkReason::HouseholdChanged,
        WorkReason::Backdated,
        WorkReason::BandChanged,
        WorkReason::PensionAge,
    ];

    /// From [`WorkReason::code`].
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.code() == code)
    }
}

/// What an automatically handled UC notification did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UcOutcome {
    /// The new income is in the same band: no new award needed (REFERENCE §3.3).
    SameBand,
    /// The new income is within the council's tolerance of the one assessed.
    WithinTolerance,
    /// Re-awarded automatically from the notification's effective date.
    Reassessed,
    /// Sent to an officer.
    WorkItem(WorkReason),
}

impl UcOutcome {
    /// Whether no officer was needed.
    pub fn automated(self) -> bool {
        !matches!(self, UcOutcome::WorkItem(_))
    }

    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            UcOutcome::SameBand => "same_band",
            UcOutcome::WithinTolerance => "within_tolerance",
            UcOutcome::Reassessed => "reassessed",
            UcOutcome::WorkItem(_) => "work_item",
        }
    }
}

/// The facts of a UC notification a claim needs: the record without the NINO.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UcFacts {
    /// DWP's record id.
    pub record_id: String,
    /// New award, change or termination.
    pub kind: crate::benefits::uc_file::UcNotificationKind,
    /// From when it applies.
    pub effective_date: NaiveDate,
    /// Earned income in the assessment period (monthly).
    pub earned_income: Pence,
    /// Unearned income in the assessment period (monthly).
    pub unearned_income: Pence,
    /// Whether the claimant has a partner on the claim.
    pub partner: bool,
    /// Children on the claim.
    pub children: u8,
    /// Whether DWP treats the award as passporting (full-rate UC, no other income).
    pub passported: bool,
}
