//! Folding the money events into an account's ledger, once for every account kind: the
//! balance always equals `sum(charged) - sum(paid) - credit`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::{BilledYear, Charged};
use crate::account::{
    AccountError, Allocation, AllocationReleased, CreditCarriedForward, CreditRefunded, Debt, HoldLifted,
    PaymentAllocated, PaymentPosted, PaymentRecord, PaymentReversed, RecoveryRecorded,
};
use crate::calendar::FinancialYear;
use crate::ids::PaymentId;
use crate::instalments::Instalment;
use crate::money::Pence;
use crate::recovery::Hold;

/// A money event, borrowed from an account kind's own event enum.
#[derive(Debug, Clone, Copy)]
pub enum LedgerEvent<'a> {
    /// A payment came in.
    PaymentPosted(&'a PaymentPosted),
    /// Where it went.
    PaymentAllocated(&'a PaymentAllocated),
    /// A payment was reversed.
    PaymentReversed(&'a PaymentReversed),
    /// Credit refunded.
    CreditRefunded(&'a CreditRefunded),
    /// Credit applied to a year.
    CreditCarriedForward(&'a CreditCarriedForward),
    /// Paid money moved off a year into credit.
    AllocationReleased(&'a AllocationReleased),
    /// A recovery step.
    Recovery(&'a RecoveryRecorded),
    /// A hold placed.
    HoldPlaced(&'a Hold),
    /// A hold lifted.
    HoldLifted(&'a HoldLifted),
}

/// A notice, as the ledger records it.
#[derive(Debug, Clone)]
pub struct Notice<C> {
    /// The year.
    pub year: FinancialYear,
    /// Its number on the account.
    pub number: u32,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// The charge.
    pub charge: C,
    /// Its instalments.
    pub instalments: Vec<Instalment>,
}

/// Mutable access to an account's ledger fields, for folding.
pub struct LedgerMut<'a, C> {
    /// Billed years.
    pub years: &'a mut BTreeMap<FinancialYear, BilledYear<C>>,
    /// Balance owed.
    pub balance: &'a mut Pence,
    /// Sundry debt charged.
    pub sundry_charged: &'a mut Pence,
    /// Paid to sundry debt.
    pub sundry_paid: &'a mut Pence,
    /// Unallocated credit.
    pub credit: &'a mut Pence,
    /// Payments posted.
    pub payments: &'a mut BTreeMap<PaymentId, PaymentRecord>,
    /// Refunds made.
    pub refunds: &'a mut BTreeSet<PaymentId>,
    /// Holds in force.
    pub holds: &'a mut Vec<Hold>,
    /// Notices issued.
    pub notices_issued: &'a mut u32,
}

impl<C: Charged> LedgerMut<'_, C> {
    fn add_paid(&mut self, allocation: &Allocation, sign: i64) -> Result<(), AccountError> {
        let delta = Pence::new(allocation.amount.get() * sign);
        match allocation.debt {
            Debt::Sundry => *self.sundry_paid = *self.sundry_paid + delta,
            Debt::Year(year) => {
                let billed = self.years.get_mut(&year).ok_or(AccountError::YearNotBilled(year))?;
                billed.paid = billed.paid + delta;
            }
        }
        Ok(())
    }

    fn adjust_balance(&mut self, delta: Pence) -> Result<(), AccountError> {
        *self.balance = self.balance.checked_add(delta).ok_or(AccountError::BalanceOutOfRange)?;
        Ok(())
    }

    /// Records a notice: the year's charge is replaced; what was paid to it and its recovery
    /// (costs and stage) stand.
    ///
    /// # Errors
    /// [`AccountError::BalanceOutOfRange`].
    pub fn notice(&mut self, notice: Notice<C>) -> Result<(), AccountError> {
        let previous = self.years.remove(&notice.year);
        let before = previous.as_ref().map_or(Pence::ZERO, |year| year.charge.net());
        self.adjust_balance(notice.charge.net() - before)?;
        let (paid, recovery) = previous.map(|year| (year.paid, year.recovery)).unwrap_or_default();
        let billed = BilledYear {
            charge: notice.charge,
            instalments: notice.instalments,
            issued_on: notice.issued_on,
            paid,
            recovery,
        };
        self.years.insert(notice.year, billed);
        *self.notices_issued = notice.number;
        Ok(())
    }

    /// Folds one money event.
    ///
    /// # Errors
    /// An [`AccountError`] when the event does not fit the ledger (corrupt history).
    pub fn apply(&mut self, event: LedgerEvent<'_>) -> Result<(), AccountError> {
        match event {
            LedgerEvent::PaymentPosted(posted) => {
                self.adjust_balance(-posted.amount_pence)?;
                let record = PaymentRecord {
                    amount: posted.amount_pence,
                    reversed: false,
                };
                self.payments.insert(posted.payment_id, record);
            }
            LedgerEvent::PaymentAllocated(allocated) => {
                for allocation in &allocated.allocations {
                    self.add_paid(allocation, 1)?;
                }
                *self.credit = *self.credit + allocated.unallocated;
            }
            LedgerEvent::AllocationReleased(released) => {
                let allocation = Allocation {
                    debt: Debt::Year(released.year),
                    amount: released.amount,
                };
                self.add_paid(&allocation, -1)?;
                *self.credit = *self.credit + released.amount;
            }
            LedgerEvent::PaymentReversed(reversed) => {
                self.adjust_balance(reversed.amount)?;
                *self.credit = *self.credit - reversed.from_credit;
                for allocation in &reversed.deallocations {
                    self.add_paid(allocation, -1)?;
                }
                *self.sundry_charged = *self.sundry_charged + reversed.sundry_debit;
                let payment = self
                    .payments
                    .get_mut(&reversed.payment_id)
                    .ok_or(AccountError::PaymentNotFound(reversed.payment_id))?;
                payment.reversed = true;
            }
            LedgerEvent::CreditRefunded(refund) => {
                self.adjust_balance(refund.amount)?;
                *self.credit = *self.credit - refund.amount;
                self.refunds.insert(refund.refund_id);
            }
            LedgerEvent::CreditCarriedForward(carried) => {
                *self.credit = *self.credit - carried.amount;
                let allocation = Allocation {
                    debt: Debt::Year(carried.year),
                    amount: carried.amount,
                };
                self.add_paid(&allocation, 1)?;
            }
            LedgerEvent::Recovery(recorded) => {
                let year = self
                    .years
                    .get_mut(&recorded.year)
                    .ok_or(AccountError::YearNotBilled(recorded.year))?;
                let before = year.recovery.net_costs();
                year.recovery.apply(&recorded.event);
                let delta = year.recovery.net_costs() - before;
                self.adjust_balance(delta)?;
            }
            LedgerEvent::HoldPlaced(hold) => self.holds.push(*hold),
            LedgerEvent::HoldLifted(lifted) => self.holds.retain(|hold| hold.reason != lifted.reason),
        }
        Ok(())
    }
}
