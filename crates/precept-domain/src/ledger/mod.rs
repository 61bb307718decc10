//! The money side of an account, shared by Council Tax and business rates accounts: billed
//! years with their instalments, payments and their allocation, credit, refunds, and the
//! recovery of each year (REFERENCE §1.9-1.11; §2.9-2.10 say business rates follow the same
//! rules).
//!
//! An account kind keeps its own facts (a dwelling's liability, a hereditament's occupation)
//! and its own charge type; it implements [`Ledger`] over its state, and the decisions here
//! produce the shared money events, which each kind wraps in its own event enum.
//!
//! Not here: how a year's charge is computed, or how events are stored.

mod decide;
mod fold;
mod recovery;

pub use decide::{MoneyEvent, carry_forward, post_payment, refund, reverse_payment};
pub use fold::{LedgerEvent, LedgerMut, Notice};
pub use recovery::{act, lift_hold, place_hold, run};

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::account::{Debt, PaymentRecord};
use crate::calendar::FinancialYear;
use crate::ids::PaymentId;
use crate::instalments::Instalment;
use crate::money::Pence;
use crate::recovery::{DebtView, Hold, YearRecovery};

/// A year's charge as the ledger sees it: only what is payable matters here.
pub trait Charged {
    /// What the latest notice says is payable for the year.
    fn net(&self) -> Pence;
}

/// One year on an account: the latest notice's charge, its instalments, what has been paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BilledYear<C> {
    /// The charge on the latest notice.
    pub charge: C,
    /// Its instalments.
    pub instalments: Vec<Instalment>,
    /// Issue date of the latest notice.
    pub issued_on: NaiveDate,
    /// Paid to this year (never more than the charge and costs).
    pub paid: Pence,
    /// Recovery of this year (REFERENCE §1.10, §2.10).
    #[serde(default)]
    pub recovery: YearRecovery,
}

impl<C: Charged> BilledYear<C> {
    /// Charge and recovery costs not yet paid or written off.
    pub fn outstanding(&self) -> Pence {
        self.charge.net() + self.recovery.net_costs() - self.paid
    }

    /// The year's debt as the recovery stage machine sees it.
    pub fn debt_view(&self) -> DebtView<'_> {
        DebtView {
            instalments: &self.instalments,
            paid: self.paid,
            outstanding: self.outstanding(),
        }
    }

    /// Each instalment with what has been paid towards it: money paid to the year covers
    /// instalments in due order (REFERENCE §1.9).
    pub fn paid_by_instalment(&self) -> impl Iterator<Item = (&Instalment, Pence)> + '_ {
        let mut covered = self.paid.max(Pence::ZERO);
        self.instalments.iter().map(move |instalment| {
            let paid = instalment.amount.min(covered);
            covered = covered - paid;
            (instalment, paid)
        })
    }

    /// The due date of the first instalment not fully paid.
    pub fn first_unpaid_due(&self) -> Option<NaiveDate> {
        self.paid_by_instalment()
            .find(|(instalment, paid)| *paid < instalment.amount)
            .map(|(instalment, _)| instalment.due)
    }
}

/// What the shared money decisions read from an account.
pub trait Ledger {
    /// The kind's charge.
    type Charge: Charged;

    /// Billed years.
    fn years(&self) -> &BTreeMap<FinancialYear, BilledYear<Self::Charge>>;
    /// Positive means the payer owes the council.
    fn balance(&self) -> Pence;
    /// Money held that pays no debt yet.
    fn credit(&self) -> Pence;
    /// Sundry debt charged and paid.
    fn sundry(&self) -> (Pence, Pence);
    /// Every payment posted.
    fn payments(&self) -> &BTreeMap<PaymentId, PaymentRecord>;
    /// Every refund made.
    fn refunds(&self) -> &BTreeSet<PaymentId>;
    /// Recovery holds in force.
    fn holds(&self) -> &[Hold];

    /// What is still owed on a debt.
    fn outstanding(&self, debt: Debt) -> Pence {
        match debt {
            Debt::Sundry => {
                let (charged, paid) = self.sundry();
                charged - paid
            }
            Debt::Year(year) => self.years().get(&year).map_or(Pence::ZERO, BilledYear::outstanding),
        }
    }

    /// What has been paid to a debt.
    fn paid(&self, debt: Debt) -> Pence {
        match debt {
            Debt::Sundry => self.sundry().1,
            Debt::Year(year) => self.years().get(&year).map_or(Pence::ZERO, |y| y.paid),
        }
    }

    /// Every debt, oldest first.
    fn debts(&self) -> Vec<Debt> {
        std::iter::once(Debt::Sundry)
            .chain(self.years().keys().map(|year| Debt::Year(*year)))
            .collect()
    }
}

/// Implements [`Ledger`] for an account state holding the ledger's fields under their usual
/// names (`years`, `credit`, `sundry_charged`, `sundry_paid`, `payments`, `refunds`, `holds`,
/// `notices_issued`, and the balance under the name given), and gives it `ledger_mut`, the
/// mutable view the shared fold writes through: every account kind stays in step.
macro_rules! impl_ledger {
    ($state:ty, $charge:ty, $balance:ident) => {
        impl $crate::ledger::Ledger for $state {
            type Charge = $charge;

            fn years(
                &self,
            ) -> &std::collections::BTreeMap<$crate::calendar::FinancialYear, $crate::ledger::BilledYear<$charge>> {
                &self.years
            }

            fn balance(&self) -> $crate::money::Pence {
                self.$balance
            }

            fn credit(&self) -> $crate::money::Pence {
                self.credit
            }

            fn sundry(&self) -> ($crate::money::Pence, $crate::money::Pence) {
                (self.sundry_charged, self.sundry_paid)
            }

            fn payments(&self) -> &std::collections::BTreeMap<$crate::ids::PaymentId, $crate::account::PaymentRecord> {
                &self.payments
            }

            fn refunds(&self) -> &std::collections::BTreeSet<$crate::ids::PaymentId> {
                &self.refunds
            }

            fn holds(&self) -> &[$crate::recovery::Hold] {
                &self.holds
            }
        }

        impl $state {
            /// The ledger's fields, for folding money events.
            fn ledger_mut(&mut self) -> $crate::ledger::LedgerMut<'_, $charge> {
                $crate::ledger::LedgerMut {
                    years: &mut self.years,
                    balance: &mut self.$balance,
                    sundry_charged: &mut self.sundry_charged,
                    sundry_paid: &mut self.sundry_paid,
                    credit: &mut self.credit,
                    payments: &mut self.payments,
                    refunds: &mut self.refunds,
                    holds: &mut self.holds,
                    notices_issued: &mut self.notices_issued,
                }
            }
        }
    };
}

pub(crate) use impl_ledger;
