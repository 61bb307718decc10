//! Money decisions shared by every account kind: payments and their allocation, reversals,
//! refunds and carrying credit forward (REFERENCE §1.9, §1.11).

use super::Ledger;
use crate::account::{
    AccountError, Allocation, BALANCE_MAGNITUDE_MAX, CarryForwardCredit, CreditCarriedForward, CreditRefunded, Debt,
    PaymentAllocated, PaymentPosted, PaymentReversed, PostPayment, RefundCredit, ReversePayment,
};

/// An account kind's event enum, able to carry the shared money events.
pub trait MoneyEvent:
    From<PaymentPosted> + From<PaymentAllocated> + From<PaymentReversed> + From<CreditRefunded> + From<CreditCarriedForward>
{
}

impl<E> MoneyEvent for E where
    E: From<PaymentPosted>
        + From<PaymentAllocated>
        + From<PaymentReversed>
        + From<CreditRefunded>
        + From<CreditCarriedForward>
{
}

/// REFERENCE §1.9 allocation: a payment appropriated to a year pays that year (any excess is
/// credit); otherwise it pays the oldest debt first, then the next, and the rest is credit.
pub fn post_payment<L: Ledger, E: MoneyEvent>(account: &L, payment: PostPayment) -> Result<Vec<E>, AccountError> {
    if !payment.amount_pence.is_positive() {
        return Err(AccountError::PaymentAmountNotPositive);
    }
    if account.payments().contains_key(&payment.payment_id) || account.refunds().contains(&payment.payment_id) {
        return Err(AccountError::PaymentAlreadyPosted(payment.payment_id));
    }
    account
        .balance()
        .checked_sub(payment.amount_pence)
        .filter(|balance| balance.get().abs() <= BALANCE_MAGNITUDE_MAX.get())
        .ok_or(AccountError::BalanceOutOfRange)?;
    let debts: Vec<Debt> = match payment.appropriate_to {
        Some(year) if account.years().contains_key(&year) => vec![Debt::Year(year)],
        Some(year) => return Err(AccountError::YearNotBilled(year)),
        None => account.debts(),
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
        E::from(PaymentPosted {
            payment_id: payment.payment_id,
            amount_pence: payment.amount_pence,
            method: payment.method,
            reference: payment.reference,
            received_on: payment.received_on,
        }),
        E::from(PaymentAllocated {
            payment_id: payment.payment_id,
            appropriated: payment.appropriate_to.is_some(),
            allocations,
            unallocated: left,
        }),
    ])
}

/// A reversed payment takes its money back from credit first, then from the newest debts
/// paid; money already refunded cannot be taken back, so that part becomes sundry debt.
pub fn reverse_payment<L: Ledger, E: MoneyEvent>(
    account: &L,
    reversal: ReversePayment,
) -> Result<Vec<E>, AccountError> {
    let record = account
        .payments()
        .get(&reversal.payment_id)
        .ok_or(AccountError::PaymentNotFound(reversal.payment_id))?;
    if record.reversed {
        return Err(AccountError::PaymentAlreadyReversed(reversal.payment_id));
    }
    let from_credit = record.amount.min(account.credit());
    let mut left = record.amount - from_credit;
    let mut deallocations = Vec::new();
    for debt in account.debts().into_iter().rev() {
        let amount = left.min(account.paid(debt));
        if amount.is_positive() {
            deallocations.push(Allocation { debt, amount });
            left = left - amount;
        }
    }
    Ok(vec![E::from(PaymentReversed {
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
pub fn refund<L: Ledger, E: MoneyEvent>(account: &L, refund: RefundCredit) -> Result<Vec<E>, AccountError> {
    if account.refunds().contains(&refund.refund_id) || account.payments().contains_key(&refund.refund_id) {
        return Err(AccountError::RefundIdUsed(refund.refund_id));
    }
    if !refund.amount_pence.is_positive() {
        return Err(AccountError::PaymentAmountNotPositive);
    }
    if refund.amount_pence > account.credit() {
        return Err(AccountError::CreditInsufficient);
    }
    Ok(vec![E::from(CreditRefunded {
        refund_id: refund.refund_id,
        amount: refund.amount_pence,
        refunded_on: refund.refunded_on,
    })])
}

/// REFERENCE §1.11: credit may be carried forward to pay a year's charge.
pub fn carry_forward<L: Ledger, E: MoneyEvent>(account: &L, carry: CarryForwardCredit) -> Result<Vec<E>, AccountError> {
    if !account.years().contains_key(&carry.year) {
        return Err(AccountError::YearNotBilled(carry.year));
    }
    if !carry.amount_pence.is_positive() {
        return Err(AccountError::PaymentAmountNotPositive);
    }
    if carry.amount_pence > account.credit() {
        return Err(AccountError::CreditInsufficient);
    }
    if carry.amount_pence > account.outstanding(Debt::Year(carry.year)) {
        return Err(AccountError::ExceedsOutstanding);
    }
    Ok(vec![E::from(CreditCarriedForward {
        year: carry.year,
        amount: carry.amount_pence,
        on: carry.on,
    })])
}
