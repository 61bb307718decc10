//! Decisions on opening an account and on money: payments, reversals, refunds, carry-forward.

use std::collections::HashSet;

use super::command::{CarryForwardCredit, OpenAccount, PostPayment, RefundCredit, ReversePayment};
use super::error::AccountError;
use super::event::{
    AccountEvent, AccountOpened, Allocation, CreditCarriedForward, CreditRefunded, Debt, LiablePartyAdded,
    PaymentAllocated, PaymentPosted, PaymentReversed,
};
use super::state::{AccountState, BALANCE_MAGNITUDE_MAX, LIABLE_PARTIES_MAX, OpenAccountState};
use crate::ids::AccountId;
use crate::instalments::InstalmentPlan;

pub(super) fn open(state: &AccountState, id: AccountId, open: OpenAccount) -> Result<Vec<AccountEvent>, AccountError> {
    if state.as_open().is_some() {
        return Err(AccountError::AccountAlreadyOpen);
    }
    if open.liable_parties.is_empty() {
        return Err(AccountError::NoLiableParty);
    }
    if open.liable_parties.len() > LIABLE_PARTIES_MAX {
        return Err(AccountError::TooManyLiableParties {
            max: LIABLE_PARTIES_MAX,
        });
    }
    let mut seen = HashSet::with_capacity(open.liable_parties.len());
    if let Some(duplicate) = open.liable_parties.iter().find(|party| !seen.insert(**party)) {
        return Err(AccountError::DuplicateLiableParty(*duplicate));
    }
    if open.balance_brought_forward_pence.get().abs() > BALANCE_MAGNITUDE_MAX.get() {
        return Err(AccountError::BalanceOutOfRange);
    }
    // One event for the account and one per party: a single command, committed all or
    // nothing by the event store, so an account is never seen without its liable parties.
    let mut events = Vec::with_capacity(2 + open.liable_parties.len());
    events.push(AccountEvent::AccountOpened(AccountOpened {
        account_id: id,
        property: open.property,
        liability_start: open.liability_start,
        balance_brought_forward_pence: open.balance_brought_forward_pence,
    }));
    events.extend(open.liable_parties.into_iter().map(|party_id| {
        AccountEvent::LiablePartyAdded(LiablePartyAdded {
            party_id,
            liable_from: open.liability_start,
        })
    }));
    if open.instalment_plan != InstalmentPlan::default() {
        events.push(AccountEvent::InstalmentPlanChosen(open.instalment_plan));
    }
    Ok(events)
}

/// REFERENCE §1.9 allocation: a payment appropriated to a year pays that year (any excess is
/// credit); otherwise it pays the oldest debt first, then the next, and the rest is credit.
pub(super) fn post_payment(
    account: &OpenAccountState,
    payment: PostPayment,
) -> Result<Vec<AccountEvent>, AccountError> {
    if !payment.amount_pence.is_positive() {
        return Err(AccountError::PaymentAmountNotPositive);
    }
    if account.payments.contains_key(&payment.payment_id) || account.refunds.contains(&payment.payment_id) {
        return Err(AccountError::PaymentAlreadyPosted(payment.payment_id));
    }
    account
        .balance_owed_pence
        .checked_sub(payment.amount_pence)
        .filter(|balance| balance.get().abs() <= BALANCE_MAGNITUDE_MAX.get())
        .ok_or(AccountError::BalanceOutOfRange)?;
    let debts: Vec<Debt> = match payment.appropriate_to {
        Some(year) if account.years.contains_key(&year) => vec![Debt::Year(year)],
        Some(year) => return Err(AccountError::YearNotBilled(year)),
        None => account.debts().collect(),
    };
    let mut left = payment.amount_pence;
    let mut allocations = Vec::new();
    for debt in debts {
        let amount = left.min(account.outstanding(debt));
        if amount.is_positive() {
            allocations.push(Allocation { debt, amount });
            left = left - amount;
        }
    }
    Ok(vec![
        AccountEvent::PaymentPosted(PaymentPosted {
            payment_id: payment.payment_id,
            amount_pence: payment.amount_pence,
            method: payment.method,
            reference: payment.reference,
            received_on: payment.received_on,
        }),
        AccountEvent::PaymentAllocated(PaymentAllocated {
            payment_id: payment.payment_id,
            appropriated: payment.appropriate_to.is_some(),
            allocations,
            unallocated: left,
        }),
    ])
}

/// A reversed payment takes its money back from credit first, then from the newest debts
/// paid; money already refunded cannot be taken back, so that part becomes sundry debt.
pub(super) fn reverse_payment(
    account: &OpenAccountState,
    reversal: ReversePayment,
) -> Result<Vec<AccountEvent>, AccountError> {
    let record = account
        .payments
        .get(&reversal.payment_id)
        .ok_or(AccountError::PaymentNotFound(reversal.payment_id))?;
    if record.reversed {
        return Err(AccountError::PaymentAlreadyReversed(reversal.payment_id));
    }
    let from_credit = record.amount.min(account.credit);
    let mut left = record.amount - from_credit;
    let mut deallocations = Vec::new();
    for debt in account.debts().rev() {
        let amount = left.min(account.paid(debt));
        if amount.is_positive() {
            deallocations.push(Allocation { debt, amount });
            left = left - amount;
        }
    }
    Ok(vec![AccountEvent::PaymentReversed(PaymentReversed {
        payment_id: reversal.payment_id,
        amount: record.amount,
        reason: reversal.reason,
        reversed_on: reversal.reversed_on,
        from_credit,
        deallocations,
        sundry_debit: left,
    })])
}

/// REFERENCE §1.11: credit may be refunded.
pub(super) fn refund(account: &OpenAccountState, refund: RefundCredit) -> Result<Vec<AccountEvent>, AccountError> {
    if account.refunds.contains(&refund.refund_id) || account.payments.contains_key(&refund.refund_id) {
        return Err(AccountError::RefundIdUsed(refund.refund_id));
    }
    if !refund.amount_pence.is_positive() {
        return Err(AccountError::PaymentAmountNotPositive);
    }
    if refund.amount_pence > account.credit {
        return Err(AccountError::CreditInsufficient);
    }
    Ok(vec![AccountEvent::CreditRefunded(CreditRefunded {
        refund_id: refund.refund_id,
        amount: refund.amount_pence,
        refunded_on: refund.refunded_on,
    })])
}

/// REFERENCE §1.11: credit may be carried forward to pay a year's charge.
pub(super) fn carry_forward(
    account: &OpenAccountState,
    carry: CarryForwardCredit,
) -> Result<Vec<AccountEvent>, AccountError> {
    if !account.years.contains_key(&carry.year) {
        return Err(AccountError::YearNotBilled(carry.year));
    }
    if !carry.amount_pence.is_positive() {
        return Err(AccountError::PaymentAmountNotPositive);
    }
    if carry.amount_pence > account.credit {
        return Err(AccountError::CreditInsufficient);
    }
    if carry.amount_pence > account.outstanding(Debt::Year(carry.year)) {
        return Err(AccountError::ExceedsOutstanding);
    }
    Ok(vec![AccountEvent::CreditCarriedForward(CreditCarriedForward {
        year: carry.year,
        amount: carry.amount_pence,
        on: carry.on,
    })])
}
