//! The state of a Council Tax account, folded from its events.
//!
//! Money is kept as a ledger of debts (each year's charge, and sundry debt) with what has been
//! paid to each, plus unallocated credit. The balance always equals
//! `sum(charged) - sum(paid) - credit`; a property test holds the fold to that.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::error::AccountError;
use super::event::AccountEvent;
use crate::calendar::FinancialYear;
use crate::charge::{DiscountKind, ExemptionClass, Liability, Period, PremiumBasis, Reduction, YearCharge};
use crate::ids::{AccountId, PartyId, PaymentId, Uprn};
use crate::instalments::InstalmentPlan;
use crate::ledger::{BilledYear, Charged, LedgerEvent, Notice};
use crate::money::Pence;
use crate::recovery::Hold;

/// The most parties one account holds. Joint liability in practice means a couple or a few
/// sharers; the bound keeps one account's state and commits small.
pub const LIABLE_PARTIES_MAX: usize = 16;

/// The largest balance magnitude Precept accepts: £10bn in pence, far above any real account,
/// and far below `i64::MAX`, so sums of many accounts cannot overflow either.
pub const BALANCE_MAGNITUDE_MAX: Pence = Pence::new(1_000_000_000_000);

/// A Council Tax account as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AccountState {
    /// No events yet.
    #[default]
    NotOpened,
    /// Opened.
    Open(Box<OpenAccountState>),
}

/// One year on the account: the latest notice and what has been paid to it.
pub type YearAccount = BilledYear<YearCharge>;

impl Charged for YearCharge {
    fn net(&self) -> Pence {
        self.net
    }
}

/// A payment as the account remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
    /// Amount.
    pub amount: Pence,
    /// Reversed already.
    pub reversed: bool,
}

/// An open account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenAccountState {
    /// The account.
    pub account_id: AccountId,
    /// The chargeable dwelling.
    pub property: Uprn,
    /// First day of liability.
    pub liability_start: NaiveDate,
    /// Last day of liability once the taxpayer has moved out.
    pub liability_last_day: Option<NaiveDate>,
    /// Jointly and severally liable parties, in the order they were added.
    pub liable_parties: Vec<PartyId>,
    /// Positive means the taxpayer owes the council; negative is a credit.
    pub balance_owed_pence: Pence,
    /// How the account pays.
    pub plan: InstalmentPlan,
    /// Discount periods.
    pub discounts: Vec<Period<DiscountKind>>,
    /// Exemption periods.
    pub exemptions: Vec<Period<ExemptionClass>>,
    /// Premium periods.
    pub premiums: Vec<Period<PremiumBasis>>,
    /// Council Tax Reduction periods, each naming its claim.
    #[serde(default)]
    pub reductions: Vec<Period<Reduction>>,
    /// Billed years.
    pub years: BTreeMap<FinancialYear, YearAccount>,
    /// Sundry debt charged (migrated arrears, reversals of refunded money).
    pub sundry_charged: Pence,
    /// Paid to sundry debt.
    pub sundry_paid: Pence,
    /// Money held that pays no debt yet.
    pub credit: Pence,
    /// Every payment posted, so that a payment is never credited twice. Ordered (as are
    /// `refunds`) so the state serialises the same way every time: read models store it as a
    /// document, and a rebuild must reproduce that byte for byte (`precept replay --verify`).
    pub payments: BTreeMap<PaymentId, PaymentRecord>,
    /// Every refund made.
    pub refunds: BTreeSet<PaymentId>,
    /// Notices issued so far.
    pub notices_issued: u32,
    /// Recovery holds in force (REFERENCE §1.10): the run skips the account while any is.
    #[serde(default)]
    pub holds: Vec<Hold>,
}

impl OpenAccountState {
    /// The liability facts the charge is computed from.
    pub fn liability(&self) -> Liability<'_> {
        Liability {
            start: self.liability_start,
            last_day: self.liability_last_day,
            discounts: &self.discounts,
            exemptions: &self.exemptions,
            premiums: &self.premiums,
            reductions: &self.reductions,
        }
    }
}

crate::ledger::impl_ledger!(OpenAccountState, YearCharge, balance_owed_pence);

fn end_period<T>(periods: &mut [Period<T>], from: NaiveDate, last_day: NaiveDate) -> Result<(), AccountError> {
    let period = periods
        .iter_mut()
        .find(|period| period.from == from)
        .ok_or(AccountError::NoOpenPeriod("period"))?;
    period.to = Some(last_day);
    Ok(())
}

impl AccountState {
    /// Folds one event into the state.
    ///
    /// # Errors
    /// An [`AccountError`] when the event does not fit the history before it: a sign of
    /// corrupt history, reported, never ignored.
    pub fn apply(self, event: &AccountEvent) -> Result<AccountState, AccountError> {
        let mut account = match (self, event) {
            (AccountState::NotOpened, AccountEvent::AccountOpened(opened)) => {
                let brought_forward = opened.balance_brought_forward_pence;
                return Ok(AccountState::Open(Box::new(OpenAccountState {
                    account_id: opened.account_id,
                    property: opened.property,
                    liability_start: opened.liability_start,
                    liability_last_day: None,
                    liable_parties: Vec::new(),
                    balance_owed_pence: brought_forward,
                    plan: InstalmentPlan::default(),
                    discounts: Vec::new(),
                    exemptions: Vec::new(),
                    premiums: Vec::new(),
                    reductions: Vec::new(),
                    years: BTreeMap::new(),
                    sundry_charged: brought_forward.max(Pence::ZERO),
                    sundry_paid: Pence::ZERO,
                    credit: (-brought_forward).max(Pence::ZERO),
                    payments: BTreeMap::new(),
                    refunds: BTreeSet::new(),
                    notices_issued: 0,
                    holds: Vec::new(),
                })));
            }
            (AccountState::Open(_), AccountEvent::AccountOpened(_)) => return Err(AccountError::AccountAlreadyOpen),
            (AccountState::NotOpened, _) => return Err(AccountError::AccountNotOpen),
            (AccountState::Open(account), _) => account,
        };
        match event {
            AccountEvent::AccountOpened(_) => unreachable!("handled above"),
            AccountEvent::LiablePartyAdded(added) => account.liable_parties.push(added.party_id),
            AccountEvent::PaymentPosted(posted) => account.ledger_mut().apply(LedgerEvent::PaymentPosted(posted))?,
            AccountEvent::PaymentAllocated(allocated) => {
                account.ledger_mut().apply(LedgerEvent::PaymentAllocated(allocated))?;
            }
            AccountEvent::InstalmentPlanChosen(plan) => account.plan = *plan,
            AccountEvent::LiabilityEnded(ended) => account.liability_last_day = Some(ended.last_day),
            AccountEvent::DiscountAwarded(started) => account.discounts.push(Period {
                from: started.from,
                to: started.to,
                value: started.value,
            }),
            AccountEvent::ExemptionAwarded(started) => account.exemptions.push(Period {
                from: started.from,
                to: started.to,
                value: started.value,
            }),
            AccountEvent::PremiumStarted(started) => account.premiums.push(Period {
                from: started.from,
                to: started.to,
                value: started.value,
            }),
            AccountEvent::DiscountEnded(ended) => end_period(&mut account.discounts, ended.from, ended.last_day)?,
            AccountEvent::ExemptionEnded(ended) => end_period(&mut account.exemptions, ended.from, ended.last_day)?,
            AccountEvent::PremiumEnded(ended) => end_period(&mut account.premiums, ended.from, ended.last_day)?,
            AccountEvent::ReductionSet(set) => {
                account.reductions.retain(|period| period.value.claim != set.claim);
                account.reductions.extend(set.periods.iter().cloned());
                account.reductions.sort_by_key(|period| period.from);
            }
            AccountEvent::BillIssued(bill) => account.ledger_mut().notice(Notice {
                year: bill.year,
                number: bill.notice_number,
                issued_on: bill.issue_date,
                charge: bill.charge.clone(),
                instalments: bill.instalments.clone(),
            })?,
            AccountEvent::AllocationReleased(released) => {
                account.ledger_mut().apply(LedgerEvent::AllocationReleased(released))?;
            }
            AccountEvent::PaymentReversed(reversed) => {
                account.ledger_mut().apply(LedgerEvent::PaymentReversed(reversed))?;
            }
            AccountEvent::CreditRefunded(refund) => account.ledger_mut().apply(LedgerEvent::CreditRefunded(refund))?,
            AccountEvent::CreditCarriedForward(carried) => {
                account.ledger_mut().apply(LedgerEvent::CreditCarriedForward(carried))?;
            }
            AccountEvent::Recovery(recorded) => account.ledger_mut().apply(LedgerEvent::Recovery(recorded))?,
            AccountEvent::HoldPlaced(hold) => account.ledger_mut().apply(LedgerEvent::HoldPlaced(hold))?,
            AccountEvent::HoldLifted(lifted) => account.ledger_mut().apply(LedgerEvent::HoldLifted(lifted))?,
        }
        Ok(AccountState::Open(account))
    }

    /// The open account, if it is open.
    pub fn as_open(&self) -> Option<&OpenAccountState> {
        match self {
            AccountState::Open(account) => Some(account),
            AccountState::NotOpened => None,
        }
    }
}
