//! Facts about a business rates account, in the past tense. Money events are the shared
//! ledger's ([`crate::account`] types), so payments read the same on either kind of account.

use chrono::NaiveDate;

use super::charge_year::NndrYearCharge;
use crate::account::{
    AllocationReleased, CreditCarriedForward, CreditRefunded, HoldLifted, NoticeKind, PaymentAllocated, PaymentPosted,
    PaymentReversed, RecoveryRecorded,
};
use crate::calendar::FinancialYear;
use crate::ids::{AccountId, PartyId, Uprn};
use crate::instalments::{Instalment, InstalmentPlan};
use crate::nndr::ReliefClaims;
use crate::recovery::Hold;

/// Something that happened to a business rates account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NndrEvent {
    /// Opened for a ratepayer's liability at a hereditament.
    Opened(NndrAccountOpened),
    /// Occupied or empty from a date.
    OccupationChanged(OccupationChanged),
    /// The reliefs the council has decided the ratepayer qualifies for, from a date.
    ReliefsChanged(ReliefsChanged),
    /// Liability ended.
    LiabilityEnded {
        /// Last liable day.
        last_day: NaiveDate,
    },
    /// Instalment plan chosen (12 on request, REFERENCE §2.9).
    InstalmentPlanChosen(InstalmentPlan),
    /// A demand notice.
    BillIssued(NndrBillIssued),
    /// Paid money moved off a year into credit.
    AllocationReleased(AllocationReleased),
    /// A payment came in.
    PaymentPosted(PaymentPosted),
    /// Where it went.
    PaymentAllocated(PaymentAllocated),
    /// A payment was reversed.
    PaymentReversed(PaymentReversed),
    /// Credit refunded.
    CreditRefunded(CreditRefunded),
    /// Credit applied to a year.
    CreditCarriedForward(CreditCarriedForward),
    /// A recovery step (REFERENCE §2.10).
    Recovery(RecoveryRecorded),
    /// Recovery held.
    HoldPlaced(Hold),
    /// Hold lifted.
    HoldLifted(HoldLifted),
}

/// The account was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NndrAccountOpened {
    /// The account.
    pub account_id: AccountId,
    /// The hereditament.
    pub hereditament: Uprn,
    /// The ratepayer (occupier, or owner while empty), by id.
    pub ratepayer: PartyId,
    /// First liable day.
    pub liability_start: NaiveDate,
    /// Occupied from the start, or empty since this day (a new owner does not restart the
    /// free months, REFERENCE §2.6).
    pub empty_since: Option<NaiveDate>,
}

/// Occupation changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OccupationChanged {
    /// First day.
    pub from: NaiveDate,
    /// Occupied from then, or empty.
    pub occupied: bool,
}

/// Reliefs changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReliefsChanged {
    /// First day.
    pub from: NaiveDate,
    /// The reliefs from then.
    pub claims: ReliefClaims,
}

/// A business rates demand notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NndrBillIssued {
    /// The year.
    pub year: FinancialYear,
    /// Counts the account's notices from 1.
    pub notice_number: u32,
    /// First or revised.
    pub kind: NoticeKind,
    /// Issue date.
    pub issue_date: NaiveDate,
    /// The charge with its reliefs.
    pub charge: NndrYearCharge,
    /// Instalments; they sum to the net charge.
    pub instalments: Vec<Instalment>,
}

macro_rules! wraps {
    ($($variant:ident),*) => {
        $(impl From<$variant> for NndrEvent {
            fn from(event: $variant) -> Self {
                NndrEvent::$variant(event)
            }
        })*
    };
}

wraps!(
    PaymentPosted,
    PaymentAllocated,
    PaymentReversed,
    CreditRefunded,
    CreditCarriedForward
);
