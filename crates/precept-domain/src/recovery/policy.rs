//! The council's recovery parameters: the statutory timetable's day counts, costs, and the
//! enforcement agent fee scale (REFERENCE §1.10). Every figure is a parameter: councils set
//! costs locally, practice differs on when a reminder goes out, and the fee scale has a
//! pending uplift whose amounts and date are unconfirmed (REFERENCE §8).

use chrono::{Days, NaiveDate};

use crate::money::Pence;

/// Day counts and costs for one council's recovery.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecoveryPolicy {
    /// Days after a missed instalment's due date before its reminder (practice: about 14).
    pub reminder_after_days: u32,
    /// Days from a reminder's issue to pay the arrears (reg 23(1): 7).
    pub reminder_pay_days: u32,
    /// Days from a reminder's issue until the whole balance falls due if it is not met
    /// (reg 23(3): the 7 days to pay and a further 7).
    pub balance_due_days: u32,
    /// Reminders in a year before a further default brings a final notice (CT: 2; NNDR: 1,
    /// REFERENCE §2.10).
    pub reminders_per_year: u32,
    /// Days from a final notice before a summons may be sought (reg 33: 7; some councils 14).
    pub final_notice_days: u32,
    /// Least days between a summons and its hearing (REFERENCE §1.10: 14).
    pub summons_notice_days: u32,
    /// Costs added at summons (set locally, REFERENCE §1.10).
    pub summons_costs: Pence,
    /// Costs added at the liability order.
    pub liability_order_costs: Pence,
    /// Days an arrangement instalment may be late before the arrangement counts as broken.
    pub arrangement_grace_days: u32,
    /// The enforcement agent fee scale.
    pub agent_fees: AgentFeeScale,
}

/// The Taking Control of Goods (Fees) Regulations 2014 scale (REFERENCE §1.10 Remedy 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgentFeeScale {
    /// Compliance stage fixed fee (£75).
    pub compliance: Pence,
    /// Enforcement stage fixed fee (£235).
    pub enforcement: Pence,
    /// Sale or disposal stage fixed fee (£110).
    pub sale: Pence,
    /// Percentage fee on the sum above the threshold, basis points (7.5% = 750).
    pub percentage_bp: u32,
    /// The threshold above which the percentage applies (£1,500).
    pub percentage_threshold: Pence,
}

/// An enforcement agent fee stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AgentStage {
    /// The case was received and a notice of enforcement sent.
    Compliance,
    /// First attendance at the property.
    Enforcement,
    /// Attendance to remove goods or prepare a sale.
    Sale,
}

impl AgentFeeScale {
    /// The 2014 scale as in force at the sources seen (REFERENCE §1.10).
    pub fn england_2014() -> Self {
        AgentFeeScale {
            compliance: Pence::new(7_500),
            enforcement: Pence::new(23_500),
            sale: Pence::new(11_000),
            percentage_bp: 750,
            percentage_threshold: Pence::new(150_000),
        }
    }

    /// The fee for reaching `stage` on a case whose sum to be recovered is `debt`: the fixed
    /// fee, plus for enforcement and sale the percentage of the sum above the threshold,
    /// rounded half up to the penny (REFERENCE §1.10: £2,000 at enforcement → £235 + £37.50).
    pub fn fee(&self, stage: AgentStage, debt: Pence) -> Pence {
        let (fixed, with_percentage) = match stage {
            AgentStage::Compliance => (self.compliance, false),
            AgentStage::Enforcement => (self.enforcement, true),
            AgentStage::Sale => (self.sale, true),
        };
        if !with_percentage {
            return fixed;
        }
        let above = (debt - self.percentage_threshold).max(Pence::ZERO).get();
        let percentage = (above * i64::from(self.percentage_bp) + 5_000) / 10_000;
        fixed + Pence::new(percentage)
    }
}

/// Why a recovery policy was refused; names the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("recovery.{0} is out of range")]
pub struct PolicyOutOfRange(pub &'static str);

impl RecoveryPolicy {
    /// The common English Council Tax practice, with the given local costs.
    pub fn council_tax(summons_costs: Pence, liability_order_costs: Pence) -> Self {
        RecoveryPolicy {
            reminder_after_days: 14,
            reminder_pay_days: 7,
            balance_due_days: 14,
            reminders_per_year: 2,
            final_notice_days: 7,
            summons_notice_days: 14,
            summons_costs,
            liability_order_costs,
            arrangement_grace_days: 7,
            agent_fees: AgentFeeScale::england_2014(),
        }
    }

    /// The earliest hearing a summons issued on `issued` may name (REFERENCE §1.10: at least
    /// the summons notice days later).
    pub fn earliest_hearing(&self, issued: NaiveDate) -> NaiveDate {
        after(issued, self.summons_notice_days)
    }

    /// Checks each figure is in a sane range.
    ///
    /// # Errors
    /// [`PolicyOutOfRange`] naming the field.
    pub fn validate(&self) -> Result<(), PolicyOutOfRange> {
        let days = [
            ("reminder_after_days", self.reminder_after_days, 1, 90),
            ("reminder_pay_days", self.reminder_pay_days, 7, 60),
            // reg 23(3): the days to pay and a further 7.
            (
                "balance_due_days",
                self.balance_due_days,
                self.reminder_pay_days + 7,
                90,
            ),
            ("reminders_per_year", self.reminders_per_year, 1, 2),
            ("final_notice_days", self.final_notice_days, 7, 60),
            ("summons_notice_days", self.summons_notice_days, 14, 90),
            ("arrangement_grace_days", self.arrangement_grace_days, 0, 60),
        ];
        for (field, value, min, max) in days {
            if !(min..=max).contains(&value) {
                return Err(PolicyOutOfRange(field));
            }
        }
        let limit = Pence::new(100_000);
        let fees = [
            ("summons_costs", self.summons_costs),
            ("liability_order_costs", self.liability_order_costs),
            ("agent_fees.compliance", self.agent_fees.compliance),
            ("agent_fees.enforcement", self.agent_fees.enforcement),
            ("agent_fees.sale", self.agent_fees.sale),
        ];
        for (field, amount) in fees {
            if amount.get() < 0 || amount > limit {
                return Err(PolicyOutOfRange(field));
            }
        }
        if self.agent_fees.percentage_bp > 10_000 {
            return Err(PolicyOutOfRange("agent_fees.percentage_bp"));
        }
        if self.agent_fees.percentage_threshold.get() < 0 {
            return Err(PolicyOutOfRange("agent_fees.percentage_threshold"));
        }
        Ok(())
    }
}

/// `date` plus `days`.
pub(crate) fn after(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` minus `days`.
pub(crate) fn before(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN)
}
