//! Requests to change a Council Tax account, in the imperative.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use super::event::HoldLifted;
use crate::calendar::FinancialYear;
use crate::charge::{BillingContext, DiscountKind, ExemptionClass, PremiumBasis};
use crate::ids::{PartyId, PaymentId, Uprn};
use crate::instalments::InstalmentPlan;
use crate::money::Pence;
use crate::recovery::{Hold, RecoveryAction, RecoveryPolicy};

/// A request to change a Council Tax account.
#[derive(Debug, Clone)]
pub enum AccountCommand {
    /// Open a new account.
    OpenAccount(OpenAccount),
    /// Credit a payment to the account.
    PostPayment(PostPayment),
    /// Issue the first demand notice for a year (annual billing, or a later first bill).
    IssueBill(IssueBill),
    /// Record a change of circumstances and issue revised notices for every year it changes.
    ChangeCircumstances(ChangeCircumstances),
    /// Change the instalment plan and re-spread unpaid instalments of current and later years.
    ChangeInstalmentPlan(ChangeInstalmentPlan),
    /// Reverse a payment that did not clear (a returned Direct Debit or cheque).
    ReversePayment(ReversePayment),
    /// Pay unallocated credit back to the payer.
    RefundCredit(RefundCredit),
    /// Apply unallocated credit to a year's charge.
    CarryForwardCredit(CarryForwardCredit),
    /// Take the day's recovery step on each billed year (the recovery run, REFERENCE §1.10).
    RunRecovery(RunRecovery),
    /// A recovery officer's action on one year.
    Recovery(YearAction),
    /// Hold recovery on the whole account.
    PlaceHold(Hold),
    /// Lift a hold.
    LiftHold(HoldLifted),
}

/// The recovery run's command for one account on one run date.
#[derive(Debug, Clone)]
pub struct RunRecovery {
    /// The run date.
    pub date: NaiveDate,
    /// The next hearing the court has given the council, if any.
    pub hearing: Option<NaiveDate>,
    /// The council's recovery parameters.
    pub policy: Arc<RecoveryPolicy>,
}

/// An officer's action on one year.
#[derive(Debug, Clone)]
pub struct YearAction {
    /// The year.
    pub year: FinancialYear,
    /// The action.
    pub action: RecoveryAction,
    /// The council's recovery parameters (the agent fee scale).
    pub policy: Arc<RecoveryPolicy>,
}

/// Open an account for a liability at a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAccount {
    /// The chargeable dwelling.
    pub property: Uprn,
    /// First day of liability (REFERENCE §1.1: the move-in day).
    pub liability_start: NaiveDate,
    /// Everyone jointly and severally liable from the start, by id; at least one.
    pub liable_parties: Vec<PartyId>,
    /// Balance carried over from a previous system; zero for a new liability.
    pub balance_brought_forward_pence: Pence,
    /// How the account pays.
    pub instalment_plan: InstalmentPlan,
}

/// Credit a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPayment {
    /// Identifies the payment; posting the same payment twice is refused.
    pub payment_id: PaymentId,
    /// Must be positive.
    pub amount_pence: Pence,
    /// How the money came in.
    pub method: PaymentMethod,
    /// The payer's or channel's reference.
    pub reference: PaymentReference,
    /// The business date the money was received.
    pub received_on: NaiveDate,
    /// The year the payer appropriated the payment to; otherwise the oldest debt is paid first.
    pub appropriate_to: Option<FinancialYear>,
}

/// Issue a year's first demand notice. Nothing happens if the year is already billed, so an
/// interrupted billing run can be run again.
#[derive(Debug, Clone)]
pub struct IssueBill {
    /// The year.
    pub year: FinancialYear,
    /// Date of issue (the instalment rules depend on it).
    pub issue_date: NaiveDate,
    /// The property's bands and the council's settings.
    pub context: Arc<BillingContext>,
}

/// A change of circumstances, effective from its own dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CircumstanceChange {
    /// The liable party moves out: liability ends the day before (REFERENCE §1.1).
    MoveOut {
        /// The move-out date.
        move_out: NaiveDate,
    },
    /// A discount from a date (REFERENCE §1.6).
    AwardDiscount {
        /// Which.
        kind: DiscountKind,
        /// First day.
        from: NaiveDate,
        /// Last day, if known.
        to: Option<NaiveDate>,
    },
    /// The current discount ends.
    EndDiscount {
        /// Its last day.
        last_day: NaiveDate,
    },
    /// An exemption from a date (REFERENCE §1.7).
    AwardExemption {
        /// Class letter.
        class: ExemptionClass,
        /// First day.
        from: NaiveDate,
        /// Last day, if known.
        to: Option<NaiveDate>,
    },
    /// The current exemption ends.
    EndExemption {
        /// Its last day.
        last_day: NaiveDate,
    },
    /// A premium from a date (REFERENCE §1.8).
    StartPremium {
        /// Why.
        basis: PremiumBasis,
        /// First day.
        from: NaiveDate,
        /// Last day, if known.
        to: Option<NaiveDate>,
    },
    /// The current premium ends.
    EndPremium {
        /// Its last day.
        last_day: NaiveDate,
    },
    /// A CTR claim's award periods, replacing the claim's earlier ones (REFERENCE §3.3).
    SetReduction {
        /// The claim.
        claim: crate::ids::ClaimId,
        /// Its periods (each naming the claim); empty to withdraw.
        periods: Vec<crate::charge::Period<crate::charge::Reduction>>,
    },
    /// Nothing about the account changed, but its context did (a band change, amended
    /// settings): recompute every billed year.
    Recalculate,
}

/// Record a change and issue revised notices.
#[derive(Debug, Clone)]
pub struct ChangeCircumstances {
    /// The change.
    pub change: CircumstanceChange,
    /// Date revised notices are issued.
    pub notice_date: NaiveDate,
    /// Bands and settings for every year the account has been billed for.
    pub context: Arc<BillingContext>,
}

/// Change how the account pays.
#[derive(Debug, Clone)]
pub struct ChangeInstalmentPlan {
    /// The new plan.
    pub plan: InstalmentPlan,
    /// Date the revised notices are issued.
    pub notice_date: NaiveDate,
    /// Settings (the allowed instalment days).
    pub context: Arc<BillingContext>,
}

/// Why a payment is reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReversalReason {
    /// An unpaid Direct Debit (ARUDD).
    DirectDebitReturned,
    /// A cheque returned unpaid.
    ChequeReturned,
    /// Posted to the wrong account; it will be posted again to the right one.
    Misposted,
}

/// Reverse a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReversePayment {
    /// The payment.
    pub payment_id: PaymentId,
    /// Why.
    pub reason: ReversalReason,
    /// Business date of the reversal.
    pub reversed_on: NaiveDate,
}

/// Refund credit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundCredit {
    /// Identifies the refund (same id space as payments).
    pub refund_id: PaymentId,
    /// Positive, at most the unallocated credit.
    pub amount_pence: Pence,
    /// Business date.
    pub refunded_on: NaiveDate,
}

/// Carry credit forward to a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarryForwardCredit {
    /// The year whose charge the credit pays.
    pub year: FinancialYear,
    /// Positive, at most the unallocated credit and the year's outstanding charge.
    pub amount_pence: Pence,
    /// Business date.
    pub on: NaiveDate,
}

/// How a payment reached the council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PaymentMethod {
    /// Collected by Direct Debit (the usual instalment method).
    DirectDebit,
    /// Debit or credit card, online or by phone.
    Card,
    /// Bank transfer or standing order.
    BankTransfer,
    /// Cash or card at a Post Office or PayPoint outlet.
    PayPoint,
    /// Cheque.
    Cheque,
    /// Cash at a council office.
    Cash,
}

/// The reference a payment arrived with: 1 to 35 printable ASCII characters.
///
/// 35 is the longest reference the UK payment schemes carry; the limit also keeps free text
/// (which could hold personal data) short.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PaymentReference(String);

/// Why a payment reference was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("payment reference must be 1-35 printable ASCII characters")]
pub struct MalformedPaymentReference;

impl PaymentReference {
    /// The longest reference accepted.
    pub const LENGTH_MAX: usize = 35;

    /// Parses a reference.
    ///
    /// # Errors
    /// [`MalformedPaymentReference`] when empty, too long, or not printable ASCII.
    pub fn parse(text: &str) -> Result<Self, MalformedPaymentReference> {
        let printable = text.bytes().all(|b| (0x20..0x7f).contains(&b));
        if text.is_empty() || text.len() > Self::LENGTH_MAX || !printable || text.trim().is_empty() {
            return Err(MalformedPaymentReference);
        }
        Ok(PaymentReference(text.to_owned()))
    }

    /// The reference as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PaymentReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
