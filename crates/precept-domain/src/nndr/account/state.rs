//! The state of a business rates account, folded from its events: the facts its charge
//! depends on, and the shared ledger (years billed, payments, credit, recovery). The balance
//! always equals `sum(charged) - sum(paid) - credit`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::charge_year::NndrYearCharge;
use super::event::NndrEvent;
use crate::account::{AccountError, PaymentRecord};
use crate::calendar::FinancialYear;
use crate::ids::{AccountId, PartyId, PaymentId, Uprn};
use crate::instalments::InstalmentPlan;
use crate::ledger::{BilledYear, LedgerEvent, Notice};
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
    /// Payments posted; ordered (as are `refunds`) so the state serialises the same way every
    /// time, as the read model's document must for a rebuild to match it.
    pub payments: BTreeMap<PaymentId, PaymentRecord>,
    /// Refunds made.
    pub refunds: BTreeSet<PaymentId>,
    /// Notices issued.
    pub notices_issued: u32,
    /// Recovery holds in force.
    pub holds: Vec<Hold>,
}

crate::ledger::impl_ledger!(OpenNndrAccount, NndrYearCharge, balance);

/// Sets `value` from `from`, keeping the list in date order (a second change on the same
/// day replaces the first).
fn set_from<T>(list: &mut Vec<(NaiveDate, T)>, from: NaiveDate, value: T) {
    match list.binary_search_by_key(&from, |(date, _)| *date) {
        Ok(index) => list[index].1 = value,
        Err(index) => list.insert(index, (from, value)),
    }
}

impl OpenNndrAccount {
    /// Folds one event into the open account.
    pub(crate) fn apply_event(&mut self, event: &NndrEvent) -> Result<(), AccountError> {
        match event {
            NndrEvent::Opened(_) => return Err(AccountError::AccountAlreadyOpen),
            NndrEvent::OccupationChanged(changed) => set_from(&mut self.occupation, changed.from, changed.occupied),
            NndrEvent::ReliefsChanged(changed) => set_from(&mut self.reliefs, changed.from, changed.claims),
            NndrEvent::LiabilityEnded { last_day } => self.liability_last_day = Some(*last_day),
            NndrEvent::InstalmentPlanChosen(plan) => self.plan = *plan,
            NndrEvent::BillIssued(bill) => self.ledger_mut().notice(Notice {
                year: bill.year,
                number: bill.notice_number,
                issued_on: bill.issue_date,
                charge: bill.charge.clone(),
                instalments: bill.instalments.clone(),
            })?,
            NndrEvent::AllocationReleased(e) => self.ledger_mut().apply(LedgerEvent::AllocationReleased(e))?,
            NndrEvent::PaymentPosted(e) => self.ledger_mut().apply(LedgerEvent::PaymentPosted(e))?,
            NndrEvent::PaymentAllocated(e) => self.ledger_mut().apply(LedgerEvent::PaymentAllocated(e))?,
            NndrEvent::PaymentReversed(e) => self.ledger_mut().apply(LedgerEvent::PaymentReversed(e))?,
            NndrEvent::CreditRefunded(e) => self.ledger_mut().apply(LedgerEvent::CreditRefunded(e))?,
            NndrEvent::CreditCarriedForward(e) => self.ledger_mut().apply(LedgerEvent::CreditCarriedForward(e))?,
            NndrEvent::Recovery(e) => self.ledger_mut().apply(LedgerEvent::Recovery(e))?,
            NndrEvent::HoldPlaced(e) => self.ledger_mut().apply(LedgerEvent::HoldPlaced(e))?,
            NndrEvent::HoldLifted(e) => self.ledger_mut().apply(LedgerEvent::HoldLifted(e))?,
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
                    payments: BTreeMap::new(),
                    refunds: BTreeSet::new(),
                    notices_issued: 0,
                    holds: Vec::new(),
                })))
            }
            (NndrAccountState::NotOpened, _) => Err(AccountError::AccountNotOpen),
            (NndrAccountState::Open(mut account), event) => {
                account.apply_event(event)?;
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
