//! What happens to a claim. Every decision carries the circumstances and figures it used.

use chrono::NaiveDate;

use super::types::{
    ChangeSource, Circumstances, ClaimDetails, Figures, FraudBody, Overpayment, RecoveryMethod, UcOutcome, WorkReason,
};
use crate::money::Pence;

/// Something that happened to a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimEvent {
    /// The claim was received.
    Received(ClaimDetails),
    /// Evidence was asked for.
    EvidenceRequested {
        /// When.
        on: NaiveDate,
        /// What, as codes or short descriptions (no personal data).
        items: Vec<String>,
    },
    /// The evidence asked for arrived.
    EvidenceReceived {
        /// When.
        on: NaiveDate,
    },
    /// Benefit was awarded.
    Awarded {
        /// Decision date.
        on: NaiveDate,
        /// First day of the award.
        from: NaiveDate,
        /// What was assessed.
        circumstances: Circumstances,
        /// The figures.
        figures: Figures,
    },
    /// The claim was refused.
    Refused {
        /// Decision date.
        on: NaiveDate,
        /// The assessment that found no entitlement, if one was made.
        figures: Option<Figures>,
        /// Reason codes.
        reasons: Vec<String>,
    },
    /// A change of circumstances was reported (REFERENCE §3.4: both dates kept).
    ChangeReported {
        /// The day the council learned of it.
        reported: NaiveDate,
        /// The day it takes effect.
        effective: NaiveDate,
        /// Who told us.
        source: ChangeSource,
    },
    /// The award was recalculated from a date.
    Reassessed {
        /// Decision date.
        on: NaiveDate,
        /// First day of the new figures.
        from: NaiveDate,
        /// What was assessed.
        circumstances: Circumstances,
        /// The figures.
        figures: Figures,
    },
    /// Payment was suspended.
    Suspended {
        /// When.
        on: NaiveDate,
        /// Reason code.
        reason: String,
    },
    /// A suspension was lifted.
    Resumed {
        /// When.
        on: NaiveDate,
    },
    /// The claim ended.
    Ended {
        /// Decision date.
        on: NaiveDate,
        /// First day without benefit.
        from: NaiveDate,
        /// Reason code.
        reason: String,
    },
    /// A week (or part) of Housing Benefit was paid.
    HbPaid {
        /// First day paid.
        from: NaiveDate,
        /// Last day paid.
        through: NaiveDate,
        /// Entitlement for the days.
        gross: Pence,
        /// Deducted towards overpayments.
        deducted: Pence,
    },
    /// A backdated change reached benefit already paid (REFERENCE §3.5).
    OverpaymentIdentified(Overpayment),
    /// A later change in the claimant's favour reduced an overpayment (HB reg 104's offset).
    OverpaymentReduced {
        /// Which.
        number: u32,
        /// By how much.
        by: Pence,
        /// Decision date.
        on: NaiveDate,
    },
    /// Money came back against an overpayment.
    OverpaymentRecovered {
        /// Which.
        number: u32,
        /// How much.
        amount: Pence,
        /// How.
        method: RecoveryMethod,
        /// When.
        on: NaiveDate,
    },
    /// An overpayment was invoiced instead of deducted.
    OverpaymentInvoiced {
        /// Which.
        number: u32,
        /// When.
        on: NaiveDate,
    },
    /// What was left of an overpayment was written off.
    OverpaymentWrittenOff {
        /// Which.
        number: u32,
        /// How much.
        amount: Pence,
        /// When.
        on: NaiveDate,
        /// Reason code.
        reason: String,
    },
    /// Suspected fraud was referred (REFERENCE §3.6).
    FraudReferred {
        /// When.
        on: NaiveDate,
        /// To whom.
        to: FraudBody,
        /// Reason code.
        reason: String,
    },
    /// A UC notification was handled (by rule or by raising a work item).
    UcNotificationHandled {
        /// DWP's record id.
        record_id: String,
        /// The file's date.
        file_date: NaiveDate,
        /// What was done.
        outcome: UcOutcome,
    },
    /// Something needs an officer.
    WorkItemRaised {
        /// The item's id (the UC record id for notifications).
        item: String,
        /// When.
        on: NaiveDate,
        /// Why.
        reason: WorkReason,
    },
    /// An officer dealt with a work item.
    WorkItemClosed {
        /// The item.
        item: String,
        /// When.
        on: NaiveDate,
    },
}

impl ClaimEvent {
    /// The business date the event takes effect.
    pub fn effective_date(&self) -> Option<NaiveDate> {
        Some(match self {
            ClaimEvent::Received(details) => details.received,
            ClaimEvent::Awarded { from, .. } | ClaimEvent::Reassessed { from, .. } | ClaimEvent::Ended { from, .. } => {
                *from
            }
            ClaimEvent::ChangeReported { effective, .. } => *effective,
            ClaimEvent::HbPaid { from, .. } => *from,
            ClaimEvent::OverpaymentIdentified(overpayment) => overpayment.from,
            ClaimEvent::EvidenceRequested { on, .. }
            | ClaimEvent::EvidenceReceived { on }
            | ClaimEvent::Refused { on, .. }
            | ClaimEvent::Suspended { on, .. }
            | ClaimEvent::Resumed { on }
            | ClaimEvent::OverpaymentRecovered { on, .. }
            | ClaimEvent::OverpaymentReduced { on, .. }
            | ClaimEvent::OverpaymentInvoiced { on, .. }
            | ClaimEvent::OverpaymentWrittenOff { on, .. }
            | ClaimEvent::FraudReferred { on, .. }
            | ClaimEvent::WorkItemRaised { on, .. }
            | ClaimEvent::WorkItemClosed { on, .. } => *on,
            ClaimEvent::UcNotificationHandled { file_date, .. } => *file_date,
        })
    }
}
