//! Facts about a Council Tax account, in the past tense.
//!
//! These are domain types, not the stored format: precept-eventstore owns the versioned
//! encodings and converts by hand, so renaming a field here never rewrites history.

use chrono::NaiveDate;

use super::command::{PaymentMethod, PaymentReference, ReversalReason};
use crate::calendar::FinancialYear;
use crate::charge::{DiscountKind, ExemptionClass, PremiumBasis, YearCharge};
use crate::ids::{AccountId, PartyId, PaymentId, Uprn};
use crate::instalments::{Instalment, InstalmentPlan};
use crate::money::Pence;
use crate::recovery::{Hold, HoldReason, RecoveryEvent};

/// A CTR claim's award periods, as its latest decision left them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReductionSet {
    /// The claim (the claim's own events name this account).
    pub claim: crate::ids::ClaimId,
    /// Its periods; empty when the claim no longer reduces anything.
    pub periods: Vec<crate::charge::Period<crate::charge::Reduction>>,
}

/// Something that happened to a Council Tax account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountEvent {
    /// The account was opened for a liability at a property.
    AccountOpened(AccountOpened),
    /// A party became jointly and severally liable on the account (REFERENCE §1.5).
    LiablePartyAdded(LiablePartyAdded),
    /// A payment was received and credited to the account.
    PaymentPosted(PaymentPosted),
    /// Where a payment's money went (always right after its `PaymentPosted`).
    PaymentAllocated(PaymentAllocated),
    /// The account's instalment plan was chosen or changed.
    InstalmentPlanChosen(InstalmentPlan),
    /// Liability ended on move-out.
    LiabilityEnded(LiabilityEnded),
    /// A discount period began.
    DiscountAwarded(PeriodStarted<DiscountKind>),
    /// The current discount's last day was set.
    DiscountEnded(PeriodEnded),
    /// An exemption period began.
    ExemptionAwarded(PeriodStarted<ExemptionClass>),
    /// The current exemption's last day was set.
    ExemptionEnded(PeriodEnded),
    /// A premium period began.
    PremiumStarted(PeriodStarted<PremiumBasis>),
    /// The current premium's last day was set.
    PremiumEnded(PeriodEnded),
    /// A CTR claim's award periods on the account were set, replacing that claim's earlier
    /// ones (REFERENCE §3.3).
    ReductionSet(ReductionSet),
    /// A demand notice (first or revised) was issued for a year.
    BillIssued(BillIssued),
    /// A year's charge fell below what had been paid to it; the excess became credit.
    AllocationReleased(AllocationReleased),
    /// A payment was reversed.
    PaymentReversed(PaymentReversed),
    /// Credit was refunded.
    CreditRefunded(CreditRefunded),
    /// Credit was applied to a year.
    CreditCarriedForward(CreditCarriedForward),
    /// A recovery step for a year (REFERENCE §1.10).
    Recovery(RecoveryRecorded),
    /// Recovery was held for the account.
    HoldPlaced(Hold),
    /// A hold was lifted.
    HoldLifted(HoldLifted),
}

/// A recovery step on one year of the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryRecorded {
    /// The year.
    pub year: FinancialYear,
    /// The step.
    pub event: RecoveryEvent,
}

/// A hold lifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldLifted {
    /// The hold's reason (one hold per reason).
    pub reason: HoldReason,
    /// Lifted on.
    pub on: NaiveDate,
}

/// The account was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountOpened {
    /// The account.
    pub account_id: AccountId,
    /// The chargeable dwelling.
    pub property: Uprn,
    /// First day of liability (REFERENCE §1.1: a new occupier is liable from the move-in day).
    pub liability_start: NaiveDate,
    /// Balance carried over from a previous system at migration; positive means owed to the council.
    pub balance_brought_forward_pence: Pence,
}

/// A liable party was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiablePartyAdded {
    /// The party, by id only.
    pub party_id: PartyId,
    /// The first day the party is liable.
    pub liable_from: NaiveDate,
}

/// A payment was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPosted {
    /// The payment's own id, unique on the account.
    pub payment_id: PaymentId,
    /// Always positive: reversals are events of their own.
    pub amount_pence: Pence,
    /// How the money came in.
    pub method: PaymentMethod,
    /// The payer's or channel's reference, as printed on the statement.
    pub reference: PaymentReference,
    /// The business date the money was received.
    pub received_on: NaiveDate,
}

/// A debt a payment can pay: a year's charge, or sundry debt (a migrated balance, a reversal
/// of money already refunded).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Debt {
    /// Sundry debt; the oldest, so paid first.
    Sundry,
    /// A year's Council Tax.
    Year(FinancialYear),
}

/// An amount applied to a debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Allocation {
    /// The debt.
    pub debt: Debt,
    /// The amount.
    pub amount: Pence,
}

/// Where a payment went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentAllocated {
    /// The payment.
    pub payment_id: PaymentId,
    /// True when the payer appropriated it to a year (REFERENCE §1.9 allocation).
    pub appropriated: bool,
    /// Amounts applied to debts.
    pub allocations: Vec<Allocation>,
    /// What was left over: credit on the account.
    pub unallocated: Pence,
}

/// Liability ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiabilityEnded {
    /// The move-out date.
    pub move_out: NaiveDate,
    /// The last liable day: the day before the move-out (REFERENCE §1.1, §1.4).
    pub last_day: NaiveDate,
}

/// A period of a fact began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodStarted<T> {
    /// The fact.
    pub value: T,
    /// First day.
    pub from: NaiveDate,
    /// Last day, if known.
    pub to: Option<NaiveDate>,
}

/// The open period of a fact ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodEnded {
    /// Its first day (identifies the period).
    pub from: NaiveDate,
    /// Its last day.
    pub last_day: NaiveDate,
}

/// Whether a notice is a year's first or a revision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum NoticeKind {
    /// The year's first notice (the annual bill, or a first bill later in the year).
    First,
    /// A revised notice after a change.
    Revised,
}

/// A demand notice, with everything on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillIssued {
    /// The year.
    pub year: FinancialYear,
    /// Counts the account's notices from 1.
    pub notice_number: u32,
    /// First or revised.
    pub kind: NoticeKind,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// The charge and its breakdown.
    pub charge: YearCharge,
    /// The instalments; they sum to the net charge.
    pub instalments: Vec<Instalment>,
}

/// Paid money moved off a year into credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationReleased {
    /// The year.
    pub year: FinancialYear,
    /// The amount now credit.
    pub amount: Pence,
}

/// A payment was reversed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReversed {
    /// The payment.
    pub payment_id: PaymentId,
    /// Its amount.
    pub amount: Pence,
    /// Why.
    pub reason: ReversalReason,
    /// Business date.
    pub reversed_on: NaiveDate,
    /// Taken back from unallocated credit first.
    pub from_credit: Pence,
    /// Then taken back from debts it had paid, newest debt first.
    pub deallocations: Vec<Allocation>,
    /// Any rest (money already refunded) becomes sundry debt.
    pub sundry_debit: Pence,
}

/// Credit was refunded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRefunded {
    /// The refund.
    pub refund_id: PaymentId,
    /// Amount.
    pub amount: Pence,
    /// Business date.
    pub refunded_on: NaiveDate,
}

/// Credit was applied to a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCarriedForward {
    /// The year.
    pub year: FinancialYear,
    /// Amount.
    pub amount: Pence,
    /// Business date.
    pub on: NaiveDate,
}

macro_rules! money_event {
    ($($variant:ident),*) => {
        $(impl From<$variant> for AccountEvent {
            fn from(event: $variant) -> Self {
                AccountEvent::$variant(event)
            }
        })*
    };
}

money_event!(
    PaymentPosted,
    PaymentAllocated,
    PaymentReversed,
    CreditRefunded,
    CreditCarriedForward
);
