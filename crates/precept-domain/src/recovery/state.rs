//! Where recovery stands for one account-year, folded from its [`RecoveryEvent`]s.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::attachment::PayPeriod;
use super::event::{RecoveryEvent, RemedyOutcome, TrackedRemedy};
use crate::council_year::ShortCode;
use crate::instalments::Instalment;
use crate::money::Pence;

/// The statutory stage (REFERENCE §1.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Stage {
    /// Paying by instalments (no notice outstanding).
    #[default]
    Instalments,
    /// A reminder is outstanding.
    Reminded {
        /// First or second.
        number: u32,
        /// Pay the arrears by this day.
        pay_by: NaiveDate,
        /// Or the balance is due on this day.
        balance_due_on: NaiveDate,
    },
    /// The right to instalments is lost; the balance is due.
    BalanceDue {
        /// After a final notice (rather than an unmet reminder).
        final_notice: bool,
        /// The first day a summons may be sought.
        summons_from: NaiveDate,
    },
    /// Summonsed.
    Summonsed {
        /// The hearing.
        hearing: NaiveDate,
    },
    /// A liability order is in force.
    LiabilityOrder {
        /// Granted on.
        granted: NaiveDate,
        /// Its amount.
        amount: Pence,
    },
    /// Everything demanded was paid.
    Cleared,
}

/// The remedy in force after a liability order, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Remedy {
    /// With an enforcement agent firm.
    Agent {
        /// The firm.
        firm: ShortCode,
        /// The sum referred.
        debt: Pence,
    },
    /// Attachment of earnings.
    Earnings {
        /// The employer reference.
        employer: ShortCode,
        /// Pay period.
        period: PayPeriod,
    },
    /// Deductions from benefit.
    Benefit {
        /// Weekly amount.
        weekly_amount: Pence,
    },
    /// A tracked stage.
    Tracked(TrackedRemedy),
}

/// An arrangement in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arrangement {
    /// Agreed payments.
    pub instalments: Vec<Instalment>,
    /// Paid to the year when agreed.
    pub paid_at_start: Pence,
}

/// Recovery of one account-year.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct YearRecovery {
    /// The stage.
    pub stage: Stage,
    /// Reminders issued in the year (reg 23 counts per year).
    pub reminders: u32,
    /// The latest instalment due date a notice has covered.
    pub noticed_through: Option<NaiveDate>,
    /// Council costs added (summons, liability order): part of the year's debt.
    pub costs: Pence,
    /// Written off: no longer owed.
    pub written_off: Pence,
    /// The arrangement in force.
    pub arrangement: Option<Arrangement>,
    /// The remedy in force.
    pub remedy: Option<Remedy>,
    /// Fees the enforcement agent added (owed to the agent, not to the council).
    pub agent_fees: Pence,
}

impl YearRecovery {
    /// Folds one event in. Recovery events carry everything they need, so folding never fails.
    pub fn apply(&mut self, event: &RecoveryEvent) {
        match event {
            RecoveryEvent::ReminderIssued(reminder) => {
                self.reminders = reminder.number;
                self.noticed_through = Some(reminder.covers_due_through);
                self.stage = Stage::Reminded {
                    number: reminder.number,
                    pay_by: reminder.pay_by,
                    balance_due_on: reminder.balance_due_on,
                };
            }
            RecoveryEvent::ReminderComplied { .. } => self.stage = Stage::Instalments,
            RecoveryEvent::SummonsWithdrawn { .. } => self.stage = Stage::Cleared,
            RecoveryEvent::InstalmentRightLost(demand) | RecoveryEvent::FinalNoticeIssued(demand) => {
                self.stage = Stage::BalanceDue {
                    final_notice: matches!(event, RecoveryEvent::FinalNoticeIssued(_)),
                    summons_from: demand.summons_from,
                };
            }
            RecoveryEvent::SummonsIssued(summons) => {
                self.costs = self.costs + summons.costs;
                self.stage = Stage::Summonsed {
                    hearing: summons.hearing,
                };
            }
            RecoveryEvent::LiabilityOrderGranted(order) => {
                self.costs = self.costs + order.costs;
                self.stage = Stage::LiabilityOrder {
                    granted: order.on,
                    amount: order.amount,
                };
            }
            RecoveryEvent::Cleared { .. } => {
                self.stage = Stage::Cleared;
                self.remedy = None;
            }
            RecoveryEvent::ArrangementMade(made) => {
                self.arrangement = Some(Arrangement {
                    instalments: made.instalments.clone(),
                    paid_at_start: made.paid_at_start,
                });
            }
            RecoveryEvent::ArrangementKept { .. } | RecoveryEvent::ArrangementBroken { .. } => self.arrangement = None,
            RecoveryEvent::ReferredToAgent(referral) => {
                self.agent_fees = self.agent_fees + referral.compliance_fee;
                self.remedy = Some(Remedy::Agent {
                    firm: referral.firm.clone(),
                    debt: referral.debt,
                });
            }
            RecoveryEvent::AgentFeeIncurred(fee) => self.agent_fees = self.agent_fees + fee.fee,
            RecoveryEvent::RemedyEnded(ended) => {
                self.remedy = None;
                if ended.outcome == RemedyOutcome::Paid {
                    self.stage = Stage::Cleared;
                }
            }
            RecoveryEvent::EarningsAttached(order) => {
                self.remedy = Some(Remedy::Earnings {
                    employer: order.employer.clone(),
                    period: order.period,
                });
            }
            RecoveryEvent::BenefitDeductionRequested(request) => {
                self.remedy = Some(Remedy::Benefit {
                    weekly_amount: request.weekly_amount,
                });
            }
            RecoveryEvent::RemedyStarted(started) => self.remedy = Some(Remedy::Tracked(started.remedy)),
            RecoveryEvent::WrittenOff(written) => self.written_off = self.written_off + written.amount,
        }
    }

    /// What recovery adds to the year's debt: council costs less write-offs.
    pub fn net_costs(&self) -> Pence {
        self.costs - self.written_off
    }

    /// The stage's name, as the read model and API show it.
    pub fn stage_name(&self) -> &'static str {
        match self.stage {
            Stage::Instalments if self.reminders == 0 => "none",
            Stage::Instalments => "instalments_resumed",
            Stage::Reminded { number: 1, .. } => "first_reminder",
            Stage::Reminded { .. } => "second_reminder",
            Stage::BalanceDue { final_notice: true, .. } => "final_notice",
            Stage::BalanceDue { .. } => "instalments_lost",
            Stage::Summonsed { .. } => "summonsed",
            Stage::LiabilityOrder { .. } => "liability_order",
            Stage::Cleared => "cleared",
        }
    }
}
