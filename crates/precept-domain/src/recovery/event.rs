//! Facts of recovery for one account-year, in the past tense, with every date and amount.
//!
//! Domain types, not the stored format: precept-eventstore owns the versioned encodings.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::attachment::PayPeriod;
use super::policy::AgentStage;
use crate::council_year::ShortCode;
use crate::instalments::Instalment;
use crate::money::Pence;

/// A recovery step taken for one year of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecoveryEvent {
    /// A reminder notice for missed instalments (reg 23(1)).
    ReminderIssued(ReminderIssued),
    /// The reminder's arrears were paid within its window: instalments continue.
    ReminderComplied {
        /// The run date that saw it.
        on: NaiveDate,
    },
    /// A reminder was not met: the right to instalments is lost (reg 23(3)).
    InstalmentRightLost(BalanceDemanded),
    /// The default after the year's last reminder: a final notice, whole balance due (reg 23(4)).
    FinalNoticeIssued(BalanceDemanded),
    /// A summons, with the council's costs added to the debt.
    SummonsIssued(SummonsIssued),
    /// The balance and costs were paid before the hearing (reg 34(5)).
    SummonsWithdrawn {
        /// The run date that saw it.
        on: NaiveDate,
    },
    /// The court granted a liability order, with its costs added to the debt.
    LiabilityOrderGranted(LiabilityOrderGranted),
    /// Everything demanded was paid: recovery for the year is over.
    Cleared {
        /// The run date that saw it.
        on: NaiveDate,
    },
    /// A payment plan that holds recovery while kept.
    ArrangementMade(ArrangementMade),
    /// Every arrangement instalment was paid.
    ArrangementKept {
        /// The run date that saw it.
        on: NaiveDate,
    },
    /// An arrangement instalment was missed: recovery resumes.
    ArrangementBroken {
        /// The run date that saw it.
        on: NaiveDate,
        /// The due date of the instalment missed.
        missed: NaiveDate,
    },
    /// The debt was referred to an enforcement agent firm (compliance stage).
    ReferredToAgent(ReferredToAgent),
    /// The agent reached a later fee stage.
    AgentFeeIncurred(AgentFeeIncurred),
    /// A remedy in force (an agent case, an attachment, a deduction, a tracked stage) ended.
    RemedyEnded(RemedyEnded),
    /// An attachment of earnings order was served on the employer (CT only).
    EarningsAttached(EarningsAttached),
    /// Deductions from benefit were applied for (CT only).
    BenefitDeductionRequested(BenefitDeductionRequested),
    /// A charging order, bankruptcy or committal stage was started.
    RemedyStarted(RemedyStarted),
    /// Debt written off.
    WrittenOff(WrittenOff),
}

impl RecoveryEvent {
    /// The business date the step took effect.
    pub fn date(&self) -> NaiveDate {
        match self {
            RecoveryEvent::ReminderIssued(reminder) => reminder.issued,
            RecoveryEvent::InstalmentRightLost(demand) | RecoveryEvent::FinalNoticeIssued(demand) => demand.on,
            RecoveryEvent::SummonsIssued(summons) => summons.issued,
            RecoveryEvent::LiabilityOrderGranted(order) => order.on,
            RecoveryEvent::ArrangementMade(made) => made.on,
            RecoveryEvent::ReferredToAgent(referral) => referral.on,
            RecoveryEvent::AgentFeeIncurred(fee) => fee.on,
            RecoveryEvent::RemedyEnded(ended) => ended.on,
            RecoveryEvent::EarningsAttached(order) => order.on,
            RecoveryEvent::BenefitDeductionRequested(request) => request.on,
            RecoveryEvent::RemedyStarted(started) => started.on,
            RecoveryEvent::WrittenOff(written) => written.on,
            RecoveryEvent::ReminderComplied { on }
            | RecoveryEvent::SummonsWithdrawn { on }
            | RecoveryEvent::Cleared { on }
            | RecoveryEvent::ArrangementKept { on }
            | RecoveryEvent::ArrangementBroken { on, .. } => *on,
        }
    }
}

/// A reminder notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderIssued {
    /// First or second in the year.
    pub number: u32,
    /// Issue date.
    pub issued: NaiveDate,
    /// Instalments due and unpaid at issue.
    pub arrears: Pence,
    /// The latest instalment due date the arrears include.
    pub covers_due_through: NaiveDate,
    /// Pay the arrears by this day.
    pub pay_by: NaiveDate,
    /// If not, the whole balance is due on this day.
    pub balance_due_on: NaiveDate,
}

/// The whole balance demanded (instalments lost, or a final notice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceDemanded {
    /// Date of the loss or the notice.
    pub on: NaiveDate,
    /// The balance now due.
    pub balance: Pence,
    /// The first day a summons may be sought.
    pub summons_from: NaiveDate,
}

/// A summons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummonsIssued {
    /// Issue date.
    pub issued: NaiveDate,
    /// Hearing date (at least the policy's notice days later).
    pub hearing: NaiveDate,
    /// Costs added.
    pub costs: Pence,
    /// Balance with the costs: what must be paid before the hearing to stop the application.
    pub amount: Pence,
}

/// A liability order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiabilityOrderGranted {
    /// The hearing date.
    pub on: NaiveDate,
    /// Costs added.
    pub costs: Pence,
    /// The sum the order is for (balance and all costs).
    pub amount: Pence,
}

/// An arrangement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrangementMade {
    /// Agreed on.
    pub on: NaiveDate,
    /// Agreed payments.
    pub instalments: Vec<Instalment>,
    /// Paid to the year when agreed: later payments count towards the arrangement.
    pub paid_at_start: Pence,
}

/// A referral to an enforcement agent firm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferredToAgent {
    /// Referral date.
    pub on: NaiveDate,
    /// The firm (one of the partnership's contracts), by code.
    pub firm: ShortCode,
    /// The sum to be recovered, as referred.
    pub debt: Pence,
    /// The compliance fee the agent adds.
    pub compliance_fee: Pence,
}

/// A later agent fee stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentFeeIncurred {
    /// Date.
    pub on: NaiveDate,
    /// Enforcement or sale.
    pub stage: AgentStage,
    /// The fee, from the scale.
    pub fee: Pence,
}

/// Why a remedy ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemedyOutcome {
    /// The council recalled the case (an agent case, say, for a vulnerability).
    Recalled,
    /// Returned unable to recover (no goods, gone away, employment ended).
    ReturnedUnpaid,
    /// Returned with the debt paid.
    Paid,
}

/// A remedy ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemedyEnded {
    /// Date.
    pub on: NaiveDate,
    /// Why.
    pub outcome: RemedyOutcome,
}

/// An attachment of earnings order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarningsAttached {
    /// Served on.
    pub on: NaiveDate,
    /// The employer, by the council's reference (no personal data).
    pub employer: ShortCode,
    /// How often the debtor is paid.
    pub period: PayPeriod,
}

/// An application for deductions from benefit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitDeductionRequested {
    /// Applied on.
    pub on: NaiveDate,
    /// The weekly amount DWP deducts (set by DWP; a parameter, REFERENCE §8).
    pub weekly_amount: Pence,
}

/// Remedies tracked as stages (REFERENCE §1.10 Remedy 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TrackedRemedy {
    /// Charging order (LO debt of at least £1,000).
    ChargingOrder,
    /// Bankruptcy petition (debt over £5,000).
    Bankruptcy,
    /// Committal proceedings (wilful refusal or culpable neglect).
    Committal,
}

/// A tracked remedy started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemedyStarted {
    /// Date.
    pub on: NaiveDate,
    /// Which.
    pub remedy: TrackedRemedy,
}

/// Why debt was written off (REFERENCE §1.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WriteOffReason {
    /// Insolvency or bankruptcy.
    Insolvency,
    /// Death with no estate.
    Deceased,
    /// The debtor cannot be traced.
    GoneAway,
    /// Uneconomic to pursue.
    Uneconomic,
}

/// A write-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenOff {
    /// Date.
    pub on: NaiveDate,
    /// Amount.
    pub amount: Pence,
    /// Why.
    pub reason: WriteOffReason,
}
