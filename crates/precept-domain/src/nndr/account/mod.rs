//! The business rates account aggregate (`nndr-account`): one ratepayer's liability at one
//! hereditament from a date, its occupation and reliefs over time, its notices, and the
//! shared money ledger (payments, credit, refunds, recovery) that Council Tax accounts use.
//!
//! Not here: the hereditament's values or the year's settings, which arrive in commands as
//! an [`NndrContext`]; who may send a command (the application service decides).

mod billing;
mod charge_year;
mod command;
mod event;
mod state;

#[cfg(test)]
mod tests;

pub use charge_year::{NndrChargeError, NndrPeriod, NndrYearCharge, year_charge};
pub use command::{NndrChange, NndrCommand, NndrContext, OpenNndr};
pub use event::{NndrAccountOpened, NndrBillIssued, NndrEvent, OccupationChanged, ReliefsChanged};
pub use state::{NndrAccountState, NndrYearAccount, OpenNndrAccount};

use chrono::NaiveDate;
use futures::future::BoxFuture;

use crate::account::AccountError;
use crate::aggregate::{Aggregate, AggregateKind};
use crate::ids::AccountId;
use crate::ledger;
use crate::recovery::RecoveryAction;

/// Why a business rates command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NndrAccountError {
    /// A rule shared with Council Tax accounts (payments, credit, recovery, holds).
    #[error(transparent)]
    Account(#[from] AccountError),
    /// The charge could not be computed.
    #[error(transparent)]
    Charge(#[from] NndrChargeError),
    /// Attachment of earnings and deductions from benefits are Council Tax powers only
    /// (REFERENCE §2.10).
    #[error("{0} is not available for business rates")]
    RemedyNotAvailable(&'static str),
    /// A change dated outside the liability.
    #[error("the change is dated outside the account's liability")]
    BeforeLiability,
    /// An account opened as empty from a day after its liability starts (the days between
    /// would be neither).
    #[error("empty_since must not be after liability_start")]
    EmptySince,
}

/// The business rates account aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct NndrAccount;

impl NndrAccountState {
    /// Decides what a command does.
    ///
    /// # Errors
    /// The [`NndrAccountError`] naming the rule that refuses it.
    pub fn decide(&self, id: AccountId, command: NndrCommand) -> Result<Vec<NndrEvent>, NndrAccountError> {
        if let NndrCommand::Open(open) = command {
            if self.as_open().is_some() {
                return Err(AccountError::AccountAlreadyOpen.into());
            }
            if open.empty_since.is_some_and(|since| since > open.liability_start) {
                return Err(NndrAccountError::EmptySince);
            }
            let mut events = vec![NndrEvent::Opened(NndrAccountOpened {
                account_id: id,
                hereditament: open.hereditament,
                ratepayer: open.ratepayer,
                liability_start: open.liability_start,
                empty_since: open.empty_since,
            })];
            if open.reliefs != crate::nndr::ReliefClaims::default() {
                events.push(NndrEvent::ReliefsChanged(ReliefsChanged {
                    from: open.liability_start,
                    claims: open.reliefs,
                }));
            }
            if open.plan != crate::instalments::InstalmentPlan::default() {
                events.push(NndrEvent::InstalmentPlanChosen(open.plan));
            }
            return Ok(events);
        }
        let account = self.as_open().ok_or(AccountError::AccountNotOpen)?;
        Ok(match command {
            NndrCommand::Open(_) => unreachable!("handled above"),
            NndrCommand::IssueBill {
                year,
                issue_date,
                context,
            } => billing::issue_bill(account, year, issue_date, &context)?,
            NndrCommand::Change {
                change,
                notice_date,
                context,
            } => billing::change(account, change, notice_date, &context)?,
            NndrCommand::ChangePlan {
                plan,
                notice_date,
                context,
            } => billing::change_plan(account, plan, notice_date, &context)?,
            NndrCommand::PostPayment(payment) => ledger::post_payment(account, payment)?,
            NndrCommand::ReversePayment(reversal) => ledger::reverse_payment(account, reversal)?,
            NndrCommand::RefundCredit(refund) => ledger::refund(account, refund)?,
            NndrCommand::CarryForwardCredit(carry) => ledger::carry_forward(account, carry)?,
            NndrCommand::RunRecovery(run) => ledger::run(account, &run)
                .into_iter()
                .map(NndrEvent::Recovery)
                .collect(),
            NndrCommand::Recovery(action) => {
                match action.action {
                    RecoveryAction::AttachEarnings { .. } => {
                        return Err(NndrAccountError::RemedyNotAvailable("attachment of earnings"));
                    }
                    RecoveryAction::RequestBenefitDeduction { .. } => {
                        return Err(NndrAccountError::RemedyNotAvailable("deduction from benefits"));
                    }
                    _ => {}
                }
                vec![NndrEvent::Recovery(ledger::act(account, action)?)]
            }
            NndrCommand::PlaceHold(hold) => vec![NndrEvent::HoldPlaced(ledger::place_hold(account, hold)?)],
            NndrCommand::LiftHold(lifted) => vec![NndrEvent::HoldLifted(ledger::lift_hold(account, lifted)?)],
        })
    }
}

impl Aggregate for NndrAccount {
    type Id = AccountId;
    type State = NndrAccountState;
    type Event = NndrEvent;
    type Command = NndrCommand;
    type Error = NndrAccountError;

    fn apply(state: NndrAccountState, event: NndrEvent) -> Result<NndrAccountState, NndrAccountError> {
        Ok(state.apply(&event)?)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        id: &'s AccountId,
        state: &'s NndrAccountState,
        command: NndrCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<NndrEvent>>, NndrAccountError>> {
        Box::pin(futures::future::ready(state.decide(*id, command).map(Some)))
    }
}

impl AggregateKind for NndrAccount {
    const KIND: &'static str = "nndr-account";

    fn effective_date(event: &NndrEvent) -> Option<NaiveDate> {
        match event {
            NndrEvent::Opened(opened) => Some(opened.liability_start),
            NndrEvent::OccupationChanged(changed) => Some(changed.from),
            NndrEvent::ReliefsChanged(changed) => Some(changed.from),
            NndrEvent::LiabilityEnded { last_day } => Some(*last_day),
            NndrEvent::BillIssued(bill) => Some(bill.issue_date),
            NndrEvent::PaymentPosted(posted) => Some(posted.received_on),
            NndrEvent::PaymentReversed(reversed) => Some(reversed.reversed_on),
            NndrEvent::CreditRefunded(refund) => Some(refund.refunded_on),
            NndrEvent::CreditCarriedForward(carried) => Some(carried.on),
            NndrEvent::Recovery(recorded) => Some(recorded.event.date()),
            NndrEvent::HoldPlaced(hold) => Some(hold.from),
            NndrEvent::HoldLifted(lifted) => Some(lifted.on),
            NndrEvent::InstalmentPlanChosen(_) | NndrEvent::PaymentAllocated(_) | NndrEvent::AllocationReleased(_) => {
                None
            }
        }
    }
}
