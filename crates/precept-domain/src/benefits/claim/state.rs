//! A claim as its events describe it, and the fold.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::ClaimError;
use super::event::ClaimEvent;
use super::types::{
    AwardPeriod, Circumstances, ClaimDetails, Figures, Overpayment, RecoveryMethod, UcOutcome, WorkReason,
};

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ClaimStatus {
    /// Not yet received.
    #[default]
    None,
    /// Received, not yet decided.
    Received,
    /// Waiting for evidence.
    AwaitingEvidence,
    /// Awarded and in payment.
    Awarded,
    /// Refused.
    Refused,
    /// Payment suspended.
    Suspended,
    /// Ended.
    Ended,
}

impl ClaimStatus {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ClaimStatus::None => "none",
            ClaimStatus::Received => "received",
            ClaimStatus::AwaitingEvidence => "awaiting_evidence",
            ClaimStatus::Awarded => "awarded",
            ClaimStatus::Refused => "refused",
            ClaimStatus::Suspended => "suspended",
            ClaimStatus::Ended => "ended",
        }
    }

    /// From [`ClaimStatus::code`] (a received claim's statuses; not `none`).
    pub fn parse(code: &str) -> Option<Self> {
        [
            ClaimStatus::Received,
            ClaimStatus::AwaitingEvidence,
            ClaimStatus::Awarded,
            ClaimStatus::Refused,
            ClaimStatus::Suspended,
            ClaimStatus::Ended,
        ]
        .into_iter()
        .find(|status| status.code() == code)
    }

    /// Not yet decided.
    pub fn undecided(self) -> bool {
        matches!(self, ClaimStatus::Received | ClaimStatus::AwaitingEvidence)
    }
}

/// A claim.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ClaimState {
    /// What was claimed.
    pub details: Option<ClaimDetails>,
    /// Where it stands.
    pub status: ClaimStatus,
    /// The day the claim was first decided (awarded or refused).
    pub decided: Option<NaiveDate>,
    /// The day of its latest decision (award, refusal, reassessment or end).
    #[serde(default)]
    pub last_decided: Option<NaiveDate>,
    /// The circumstances last assessed.
    pub circumstances: Option<Circumstances>,
    /// Awards in date order; a reassessment from a date replaces those after it.
    pub awards: Vec<AwardPeriod>,
    /// First day without benefit, once ended.
    pub ended_from: Option<NaiveDate>,
    /// First day of Housing Benefit paid.
    #[serde(default)]
    pub paid_from: Option<NaiveDate>,
    /// Last day of Housing Benefit paid.
    pub paid_through: Option<NaiveDate>,
    /// Housing Benefit paid in all (gross of deductions towards overpayments).
    #[serde(default)]
    pub paid_total: crate::money::Pence,
    /// Overpayments by number.
    pub overpayments: Vec<Overpayment>,
    /// UC notifications handled, with what was done (a repeat changes nothing).
    pub uc_handled: BTreeMap<String, UcOutcome>,
    /// Work items still open.
    pub open_work: BTreeMap<String, WorkReason>,
}

impl ClaimState {
    /// The award in force on `date`, if any.
    pub fn award_on(&self, date: NaiveDate) -> Option<&AwardPeriod> {
        if self.ended_from.is_some_and(|end| date >= end) {
            return None;
        }
        self.awards.iter().rev().find(|award| award.from <= date)
    }

    /// The latest award's figures.
    pub fn current_figures(&self) -> Option<&Figures> {
        self.awards.last().map(|award| &award.figures)
    }

    /// An overpayment by number.
    pub fn overpayment(&self, number: u32) -> Option<&Overpayment> {
        self.overpayments.iter().find(|o| o.number == number)
    }

    fn overpayment_mut(&mut self, number: u32) -> Result<&mut Overpayment, ClaimError> {
        self.overpayments
            .iter_mut()
            .find(|o| o.number == number)
            .ok_or(ClaimError::NoOverpayment(number))
    }

    fn set_award(&mut self, from: NaiveDate, figures: Figures, on: NaiveDate) {
        self.awards.retain(|award| award.from < from);
        self.awards.push(AwardPeriod {
            from,
            figures,
            decided_on: Some(on),
        });
    }

    /// The first day the latest decision's awards cover: a later notification reaching before
    /// it would rewrite that decision.
    pub fn latest_decision_from(&self) -> Option<NaiveDate> {
        let latest = self.awards.last()?.decided_on;
        self.awards
            .iter()
            .rev()
            .take_while(|award| award.decided_on == latest)
            .last()
            .map(|award| award.from)
    }
}

/// Folds one event.
pub(super) fn apply(mut state: ClaimState, event: ClaimEvent) -> Result<ClaimState, ClaimError> {
    match event {
        ClaimEvent::Received(details) => {
            state.details = Some(details);
            state.status = ClaimStatus::Received;
        }
        ClaimEvent::EvidenceRequested { .. } => state.status = ClaimStatus::AwaitingEvidence,
        ClaimEvent::EvidenceReceived { .. } => state.status = ClaimStatus::Received,
        ClaimEvent::Awarded {
            on,
            from,
            circumstances,
            figures,
        } => {
            state.decided.get_or_insert(on);
            state.last_decided = Some(on);
            state.circumstances = Some(circumstances);
            state.set_award(from, figures, on);
            state.status = ClaimStatus::Awarded;
        }
        ClaimEvent::Refused { on, .. } => {
            state.decided.get_or_insert(on);
            state.last_decided = Some(on);
            state.status = ClaimStatus::Refused;
        }
        ClaimEvent::Reassessed {
            on,
            from,
            circumstances,
            figures,
        } => {
            state.last_decided = Some(on);
            state.circumstances = Some(circumstances);
            state.set_award(from, figures, on);
        }
        ClaimEvent::Suspended { .. } => state.status = ClaimStatus::Suspended,
        ClaimEvent::Resumed { .. } => state.status = ClaimStatus::Awarded,
        ClaimEvent::Ended { on, from, .. } => {
            state.last_decided = Some(on);
            state.ended_from = Some(from);
            state.status = ClaimStatus::Ended;
        }
        ClaimEvent::HbPaid {
            from, through, gross, ..
        } => {
            state.paid_from.get_or_insert(from);
            state.paid_through = Some(through);
            state.paid_total = state.paid_total + gross;
        }
        ClaimEvent::OverpaymentReduced { number, by, .. } => {
            let overpayment = state.overpayment_mut(number)?;
            overpayment.amount = overpayment.amount - by;
        }
        ClaimEvent::OverpaymentIdentified(overpayment) => state.overpayments.push(overpayment),
        ClaimEvent::OverpaymentRecovered { number, amount, .. } => {
            let overpayment = state.overpayment_mut(number)?;
            overpayment.recovered = overpayment.recovered + amount;
        }
        ClaimEvent::OverpaymentInvoiced { number, .. } => {
            state.overpayment_mut(number)?.method = RecoveryMethod::Invoice
        }
        ClaimEvent::OverpaymentWrittenOff { number, amount, .. } => {
            let overpayment = state.overpayment_mut(number)?;
            overpayment.written_off = overpayment.written_off + amount;
        }
        ClaimEvent::UcNotificationHandled { record_id, outcome, .. } => {
            state.uc_handled.insert(record_id, outcome);
        }
        ClaimEvent::WorkItemRaised { item, reason, .. } => {
            state.open_work.insert(item, reason);
        }
        ClaimEvent::WorkItemClosed { item, .. } => {
            state.open_work.remove(&item);
        }
        ClaimEvent::ChangeReported { .. } | ClaimEvent::FraudReferred { .. } => {}
    }
    Ok(state)
}
