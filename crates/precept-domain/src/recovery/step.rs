//! The recovery run's decision for one account-year on one run date: at most one step.
//!
//! Pure and deterministic: the same state, debt and date give the same answer, and a step
//! moves the stage on, so running the same date again finds nothing more to do.

use chrono::NaiveDate;

use super::event::{BalanceDemanded, LiabilityOrderGranted, RecoveryEvent, ReminderIssued, SummonsIssued};
use super::policy::{RecoveryPolicy, after, before};
use super::state::{Arrangement, Stage, YearRecovery};
use crate::instalments::Instalment;
use crate::money::Pence;

/// What the account says about one year's debt.
#[derive(Debug, Clone, Copy)]
pub struct DebtView<'a> {
    /// The instalments on the latest notice.
    pub instalments: &'a [Instalment],
    /// Paid to the year; it covers instalments in due order (REFERENCE §1.9).
    pub paid: Pence,
    /// Still owed for the year: the charge and costs, less payments and write-offs.
    pub outstanding: Pence,
}

impl DebtView<'_> {
    /// Instalments due on or before `day` and not yet covered by payments.
    pub fn arrears_through(&self, day: NaiveDate) -> Pence {
        let due: Pence = self
            .instalments
            .iter()
            .filter(|instalment| instalment.due <= day)
            .map(|instalment| instalment.amount)
            .sum();
        (due - self.paid)
            .max(Pence::ZERO)
            .min(self.outstanding.max(Pence::ZERO))
    }
}

/// The run's inputs besides the account: the date, and the hearing summonses go to.
#[derive(Debug, Clone, Copy)]
pub struct RunDay<'a> {
    /// The run date (a business date; never the wall clock).
    pub date: NaiveDate,
    /// The next hearing the court has given the council, if any.
    pub hearing: Option<NaiveDate>,
    /// The council's parameters.
    pub policy: &'a RecoveryPolicy,
}

/// The step the run takes for this year today, if any.
pub fn next_step(recovery: &YearRecovery, debt: &DebtView<'_>, day: &RunDay<'_>) -> Option<RecoveryEvent> {
    if let Some(arrangement) = &recovery.arrangement {
        return arrangement_step(arrangement, debt, day);
    }
    let today = day.date;
    let policy = day.policy;
    let settled = !debt.outstanding.is_positive();
    match recovery.stage {
        Stage::Instalments | Stage::Cleared if settled => None,
        Stage::Instalments => default_step(recovery, debt, day),
        // A reminder's window: paying the arrears by `pay_by` keeps the instalments (reg 23(3)).
        Stage::Reminded {
            pay_by, balance_due_on, ..
        } => {
            if today <= pay_by {
                return None;
            }
            let covered = recovery
                .noticed_through
                .is_none_or(|through| debt.arrears_through(through).get() == 0);
            Some(if covered || settled {
                RecoveryEvent::ReminderComplied { on: today }
            } else {
                RecoveryEvent::InstalmentRightLost(BalanceDemanded {
                    on: today,
                    balance: debt.outstanding,
                    summons_from: balance_due_on.max(today),
                })
            })
        }
        Stage::BalanceDue { .. } | Stage::LiabilityOrder { .. } if settled => {
            Some(RecoveryEvent::Cleared { on: today })
        }
        Stage::BalanceDue { summons_from, .. } => {
            let hearing = day
                .hearing
                .filter(|hearing| *hearing >= policy.earliest_hearing(today))?;
            (today >= summons_from).then(|| {
                RecoveryEvent::SummonsIssued(SummonsIssued {
                    issued: today,
                    hearing,
                    costs: policy.summons_costs,
                    amount: debt.outstanding + policy.summons_costs,
                })
            })
        }
        // Paying the balance and costs before the hearing stops the application (reg 34(5)).
        Stage::Summonsed { .. } if settled => Some(RecoveryEvent::SummonsWithdrawn { on: today }),
        Stage::Summonsed { hearing } => (today >= hearing).then(|| {
            RecoveryEvent::LiabilityOrderGranted(LiabilityOrderGranted {
                on: hearing,
                costs: policy.liability_order_costs,
                amount: debt.outstanding + policy.liability_order_costs,
            })
        }),
        Stage::LiabilityOrder { .. } | Stage::Cleared => None,
    }
}

/// A missed instalment while paying by instalments: a reminder while the year's allowance
/// lasts, then a final notice with the whole balance due (reg 23(1), 23(4)).
fn default_step(recovery: &YearRecovery, debt: &DebtView<'_>, day: &RunDay<'_>) -> Option<RecoveryEvent> {
    let policy = day.policy;
    let today = day.date;
    let missed_by = before(today, policy.reminder_after_days);
    if !debt.arrears_through(missed_by).is_positive() {
        return None;
    }
    if recovery.reminders < policy.reminders_per_year {
        let covers = debt
            .instalments
            .iter()
            .map(|instalment| instalment.due)
            .filter(|due| *due <= today)
            .max()
            .unwrap_or(missed_by);
        return Some(RecoveryEvent::ReminderIssued(ReminderIssued {
            number: recovery.reminders + 1,
            issued: today,
            arrears: debt.arrears_through(today),
            covers_due_through: covers,
            pay_by: after(today, policy.reminder_pay_days),
            balance_due_on: after(today, policy.balance_due_days),
        }));
    }
    Some(RecoveryEvent::FinalNoticeIssued(BalanceDemanded {
        on: today,
        balance: debt.outstanding,
        summons_from: after(today, policy.final_notice_days),
    }))
}

/// An arrangement holds recovery while payments keep pace with it (REFERENCE §1.10).
fn arrangement_step(arrangement: &Arrangement, debt: &DebtView<'_>, day: &RunDay<'_>) -> Option<RecoveryEvent> {
    let paid_since = debt.paid - arrangement.paid_at_start;
    let total: Pence = arrangement.instalments.iter().map(|instalment| instalment.amount).sum();
    if paid_since >= total || !debt.outstanding.is_positive() {
        return Some(RecoveryEvent::ArrangementKept { on: day.date });
    }
    let late_by = before(day.date, day.policy.arrangement_grace_days);
    let mut expected = Pence::ZERO;
    for instalment in arrangement
        .instalments
        .iter()
        .filter(|instalment| instalment.due < late_by)
    {
        expected = expected + instalment.amount;
        if paid_since < expected {
            return Some(RecoveryEvent::ArrangementBroken {
                on: day.date,
                missed: instalment.due,
            });
        }
    }
    None
}
