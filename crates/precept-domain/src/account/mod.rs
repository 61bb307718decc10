//! The Council Tax account aggregate: a liability at a property, its notices, and its money.
//!
//! An account is one liability (one or more jointly and severally liable parties) at one
//! property from a start date until move-out, across as many years as it lasts. It holds the
//! effective-dated circumstances (discounts, exemptions, premiums), every demand notice with its
//! charge breakdown and instalments, and a ledger of payments and their allocation.
//!
//! Not here: storage or transport, and the property's band or the council's settings, which
//! arrive inside commands as a [`crate::charge::BillingContext`] so decisions stay pure.

mod billing;
mod command;
mod decide;
mod error;
mod event;
mod state;

#[cfg(test)]
mod recovery_tests;
#[cfg(test)]
mod tests;

pub use command::{
    AccountCommand, CarryForwardCredit, ChangeCircumstances, ChangeInstalmentPlan, CircumstanceChange, IssueBill,
    MalformedPaymentReference, OpenAccount, PaymentMethod, PaymentReference, PostPayment, RefundCredit, ReversalReason,
    ReversePayment, RunRecovery, YearAction,
};
pub use error::AccountError;
pub use event::{
    AccountEvent, AccountOpened, Allocation, AllocationReleased, BillIssued, CreditCarriedForward, CreditRefunded,
    Debt, HoldLifted, LiabilityEnded, LiablePartyAdded, NoticeKind, PaymentAllocated, PaymentPosted, PaymentReversed,
    PeriodEnded, PeriodStarted, RecoveryRecorded, ReductionSet,
};
pub use state::{
    AccountState, BALANCE_MAGNITUDE_MAX, LIABLE_PARTIES_MAX, OpenAccountState, PaymentRecord, YearAccount,
};

use chrono::NaiveDate;
use futures::future::BoxFuture;

use crate::aggregate::{Aggregate, AggregateKind};
use crate::ids::AccountId;
use crate::ledger;

/// The Council Tax account aggregate (a unit type: all data lives in [`AccountState`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct CouncilTaxAccount;

impl AccountState {
    /// Decides what a command does to this account.
    ///
    /// # Errors
    /// The [`AccountError`] naming the rule that refuses the command.
    pub fn decide(&self, id: AccountId, command: AccountCommand) -> Result<Vec<AccountEvent>, AccountError> {
        if let AccountCommand::OpenAccount(open) = command {
            return decide::open(self, id, open);
        }
        let account = self.as_open().ok_or(AccountError::AccountNotOpen)?;
        match command {
            AccountCommand::OpenAccount(_) => unreachable!("handled above"),
            AccountCommand::PostPayment(payment) => ledger::post_payment(account, payment),
            AccountCommand::IssueBill(bill) => billing::issue_bill(account, bill),
            AccountCommand::ChangeCircumstances(change) => billing::change_circumstances(self, change),
            AccountCommand::ChangeInstalmentPlan(change) => billing::change_plan(self, change),
            AccountCommand::ReversePayment(reversal) => ledger::reverse_payment(account, reversal),
            AccountCommand::RefundCredit(refund) => ledger::refund(account, refund),
            AccountCommand::CarryForwardCredit(carry) => ledger::carry_forward(account, carry),
            AccountCommand::RunRecovery(run) => Ok(ledger::run(account, &run)
                .into_iter()
                .map(AccountEvent::Recovery)
                .collect()),
            AccountCommand::Recovery(action) => Ok(vec![AccountEvent::Recovery(ledger::act(account, action)?)]),
            AccountCommand::PlaceHold(hold) => Ok(vec![AccountEvent::HoldPlaced(ledger::place_hold(account, hold)?)]),
            AccountCommand::LiftHold(lifted) => Ok(vec![AccountEvent::HoldLifted(ledger::lift_hold(account, lifted)?)]),
        }
    }
}

impl Aggregate for CouncilTaxAccount {
    type Id = AccountId;
    type State = AccountState;
    type Event = AccountEvent;
    type Command = AccountCommand;
    type Error = AccountError;

    fn apply(state: AccountState, event: AccountEvent) -> Result<AccountState, AccountError> {
        state.apply(&event)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        id: &'s AccountId,
        state: &'s AccountState,
        command: AccountCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<AccountEvent>>, AccountError>> {
        // Deciding is pure and synchronous; the boxed future is only what the trait asks for.
        Box::pin(futures::future::ready(state.decide(*id, command).map(Some)))
    }
}

impl AggregateKind for CouncilTaxAccount {
    const KIND: &'static str = "ct-account";

    fn effective_date(event: &AccountEvent) -> Option<NaiveDate> {
        match event {
            AccountEvent::AccountOpened(opened) => Some(opened.liability_start),
            AccountEvent::LiablePartyAdded(added) => Some(added.liable_from),
            AccountEvent::PaymentPosted(posted) => Some(posted.received_on),
            AccountEvent::LiabilityEnded(ended) => Some(ended.last_day),
            AccountEvent::DiscountAwarded(started) => Some(started.from),
            AccountEvent::ExemptionAwarded(started) => Some(started.from),
            AccountEvent::PremiumStarted(started) => Some(started.from),
            AccountEvent::DiscountEnded(ended)
            | AccountEvent::ExemptionEnded(ended)
            | AccountEvent::PremiumEnded(ended) => Some(ended.last_day),
            AccountEvent::BillIssued(bill) => Some(bill.issue_date),
            AccountEvent::ReductionSet(set) => set.periods.first().map(|period| period.from),
            AccountEvent::PaymentReversed(reversed) => Some(reversed.reversed_on),
            AccountEvent::CreditRefunded(refund) => Some(refund.refunded_on),
            AccountEvent::CreditCarriedForward(carried) => Some(carried.on),
            AccountEvent::Recovery(recorded) => Some(recorded.event.date()),
            AccountEvent::HoldPlaced(hold) => Some(hold.from),
            AccountEvent::HoldLifted(lifted) => Some(lifted.on),
            AccountEvent::PaymentAllocated(_)
            | AccountEvent::InstalmentPlanChosen(_)
            | AccountEvent::AllocationReleased(_) => None,
        }
    }
}
