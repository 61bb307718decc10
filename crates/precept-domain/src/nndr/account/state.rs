//! The state of a business rates account, folded from its events: the facts its charge
//! depends on, and the shared ledger (years billed, payments, credit, recovery). The balance
//! always equals `sum(charged) - sum(paid) - credit`.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::charge_year::NndrYearCharge;
use super::event::NndrEvent;
use crate::account::{AccountError, Allocation, Debt, PaymentRecord};
use crate::calendar::FinancialYear;
use crate::ids::{AccountId, PartyId, PaymentId, Uprn};
use crate::instalments::InstalmentPlan;
use crate::ledger::{BilledYear, Ledger};
use crate::money::Pence;
use crate::nndr::ReliefClaims;
use crate::recovery::Hold;

/// A billed business rates year.
pub type NndrYearAccount = BilledYear<NndrYearCharge>;

/// A business rates account as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum NndrAccountState {
    /// No events yet.
    #[default]
    NotOpened,
    /// Opened.
    Open(Box<OpenNndrAccount>),
}

/// An open account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenNndrAccount {
    /// Account.
    pub account_id: AccountId,
    /// Hereditament.
    pub hereditament: Uprn,
    /// Ratepayer.
    pub ratepayer: PartyId,
    /// First liable day.
    pub liability_start: NaiveDate,
    /// Last liable day, once ended.
    pub liability_last_day: Option<NaiveDate>,
    /// Occupied (true) or empty from each date, in date order.
    pub occupation: Vec<(NaiveDate, bool)>,
    /// Reliefs from each date, in date order.
    pub reliefs: Vec<(NaiveDate, ReliefClaims)>,
    /// Instalment plan.
    pub plan: InstalmentPlan,
    /// Billed years.
    pub years: BTreeMap<FinancialYear, NndrYearAccount>,
    /// Positive means the ratepayer owes the council.
    pub balance: Pence,
    /// Sundry debt charged (reversals of refunded money).
    pub sundry_charged: Pence,
    /// Paid to sundry debt.
    pub sundry_paid: Pence,
    /// Unallocated credit.
    pub credit: Pence,
    /// Payments posted.
    pub payments: HashMap<PaymentId, PaymentRecord>,
    /// Refunds made.
    pub refunds: HashSet<PaymentId>,
    /// Notices issued.
    pub notices_issued: u32,
    /// Recovery holds in force.
    pub holds: Vec<Hold>,
}

impl Ledger for OpenNndrAccount {
    type Charge = NndrYearCharge;

    fn years(&self) -> &BTreeMap<FinancialYear, NndrYearAccount> {
        &self.years
    }

    fn balance(&self) -> Pence {
        self.balance
    }

    fn credit(&self) -> Pence {
        self.credit
    }

    fn sundry(&self) -> (Pence, Pence) {
        (self.sundry_charged, self.sundry_paid)
    }

    fn payments(&self) -> &HashMap<PaymentId, PaymentRecord> {
        &self.payments
    }

    fn refunds(&self) -> &HashSet<PaymentId> {
        &self.refunds
    }

    fn holds(&self) -> &[Hold] {
        &self.holds
    }
}

/// Sets `value` from `from`, keeping the list in date order (a second change on the same
/// day replaces the first).
fn set_from<T>(list: &mut Vec<(NaiveDate, T)>, from: NaiveDate, value: T) {
    match list.binary_search_by_key(&from, |(date, _)| *date) {
        Ok(index) => list[index].1 = value,
        Err(index) => list.insert(index, (from, value)),
    }
}

impl OpenNndrAccount {
    fn add_paid(&mut self, allocation: &Allocation, sign: i64) -> Result<(), AccountError> {
        let delta = Pence::new(allocation.amount.get() * sign);
        match allocation.debt {
            Debt::Sundry => self.sundry_paid = self.sundry_paid + delta,
            Debt::Year(year) => {
                let billed = self.years.get_mut(&year).ok_or(AccountError::YearNotBilled(year))?;
                billed.paid = billed.paid + delta;
            }
        }
        Ok(())
    }

    fn adjust_balance(&mut self, delta: Pence) -> Result<(), AccountError> {
        self.balance = self.balance.checked_add(delta).ok_or(AccountError::BalanceOutOfRange)?;
        Ok(())
    }

    fn apply(&mut self, event: &NndrEvent) -> Result<(), AccountError> {
        match event {
            NndrEvent::Opened(_) => return Err(AccountError::AccountAlreadyOpen),
            NndrEvent::OccupationChanged(changed) => set_from(&mut self.occupation, changed.from, changed.occupied),
            NndrEvent::ReliefsChanged(changed) => set_from(&mut self.reliefs, changed.from, changed.claims),
            NndrEvent::LiabilityEnded { last_day } => self.liability_last_day = Some(*last_day),
            NndrEvent::InstalmentPlanChosen(plan) => self.plan = *plan,
            NndrEvent::BillIssued(bill) => {
                let previous = self.years.get(&bill.year).map_or(Pence::ZERO, |y| y.charge.net);
                self.adjust_balance(bill.charge.net - previous)?;
                let (paid, recovery) = self
                    .years
                    .remove(&bill.year)
                    .map(|year| (year.paid, year.recovery))
                    .unwrap_or_default();
                let billed = BilledYear {
                    charge: bill.charge.clone(),
                    instalments: bill.instalments.clone(),
                    issued_on: bill.issue_date,
                    paid,
                    recovery,
                };
                self.years.insert(bill.year, billed);
                self.notices_issued = bill.notice_number;
            }
            NndrEvent::AllocationReleased(released) => {
                let allocation = Allocation {
                    debt: Debt::Year(released.year),
                    amount: released.amount,
                };
                self.add_paid(&allocation, -1)?;
                self.credit = self.credit + released.amount;
            }
            NndrEvent::PaymentPosted(posted) => {
                self.adjust_balance(-posted.amount_pence)?;
                let record = PaymentRecord {
                    amount: posted.amount_pence,
                    reversed: false,
                };
                self.payments.insert(posted.payment_id, record);
            }
            NndrEvent::PaymentAllocated(allocated) => {
                for allocation in &allocated.allocations {
                    self.add_paid(allocation, 1)?;
                }
                self.credit = self.credit + allocated.unallocated;
            }
            NndrEvent::PaymentReversed(reversed) => {
                self.adjust_balance(reversed.amount)?;
                self.credit = self.credit - reversed.from_credit;
                for allocation in &reversed.deallocations {
                    self.add_paid(allocation, -1)?;
                }
                self.sundry_charged = self.sundry_charged + reversed.sundry_debit;
                let payment = self
                    .payments
                    .get_mut(&reversed.payment_id)
                    .ok_or(AccountError::PaymentNotFound(reversed.payment_id))?;
                payment.reversed = true;
            }
            NndrEvent::CreditRefunded(refund) => {
                self.adjust_balance(refund.amount)?;
                self.credit = self.credit - refund.amount;
                self.refunds.insert(refund.refund_id);
            }
            NndrEvent::CreditCarriedForward(carried) => {
                self.credit = self.credit - carried.amount;
                let allocation = Allocation {
                    debt: Debt::Year(carried.year),
                    amount: carried.amount,
                };
                self.add_paid(&allocation, 1)?;
            }
            NndrEvent::Recovery(recorded) => {
                let year = self
                    .years
                    .get_mut(&recorded.year)
                    .ok_or(AccountError::YearNotBilled(recorded.year))?;
                let before = year.recovery.net_costs();
                year.recovery.apply(&recorded.event);
                let delta = year.recovery.net_costs() - before;
                self.adjust_balance(delta)?;
            }
            NndrEvent::HoldPlaced(hold) => self.holds.push(*hold),
            NndrEvent::HoldLifted(lifted) => self.holds.retain(|hold| hold.reason != lifted.reason),
        }
        Ok(())
    }
}

impl NndrAccountState {
    /// Folds one event.
    ///
    /// # Errors
    /// An [`AccountError`] when the event does not fit the history before it.
    pub fn apply(self, event: &NndrEvent) -> Result<NndrAccountState, AccountError> {
        match (self, event) {
            (NndrAccountState::NotOpened, NndrEvent::Opened(opened)) => {
                let occupation_from = opened.empty_since.unwrap_or(opened.liability_start);
                Ok(NndrAccountState::Open(Box::new(OpenNndrAccount {
                    account_id: opened.account_id,
                    hereditament: opened.hereditament,
                    ratepayer: opened.ratepayer,
                    liability_start: opened.liability_start,
                    liability_last_day: None,
                    occupation: vec![(occupation_from, opened.empty_since.is_none())],
                    reliefs: Vec::new(),
                    plan: InstalmentPlan::default(),
                    years: BTreeMap::new(),
                    balance: Pence::ZERO,
                    sundry_charged: Pence::ZERO,
                    sundry_paid: Pence::ZERO,
                    credit: Pence::ZERO,
                    payments: HashMap::new(),
                    refunds: HashSet::new(),
                    notices_issued: 0,
                    holds: Vec::new(),
                })))
            }
            (NndrAccountState::NotOpened, _) => Err(AccountError::AccountNotOpen),
            (NndrAccountState::Open(mut account), event) => {
                account.apply(event)?;
                Ok(NndrAccountState::Open(account))
            }
        }
    }

    /// The open account, if open.
    pub fn as_open(&self) -> Option<&OpenNndrAccount> {
        match self {
            NndrAccountState::Open(account) => Some(account),
            NndrAccountState::NotOpened => None,
        }
    }
}
