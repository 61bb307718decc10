//! Recovery on an account: `RecoveryStepRecorded` (one step on one year; the step's kind in
//! `"step"`), `RecoveryHoldPlaced` and `RecoveryHoldLifted`. Money in `*_pence`, dates as
//! `YYYY-MM-DD`, enums as snake_case words, firm and employer references as short codes.

use chrono::NaiveDate;
use precept_domain::Pence;
use precept_domain::account::{HoldLifted, RecoveryRecorded};
use precept_domain::instalments::Instalment;
use precept_domain::recovery::{
    AgentFeeIncurred, AgentStage, ArrangementMade, BalanceDemanded, BenefitDeductionRequested, EarningsAttached, Hold,
    HoldReason, LiabilityOrderGranted, PayPeriod, RecoveryEvent, ReferredToAgent, RemedyEnded, RemedyOutcome,
    RemedyStarted, ReminderIssued, SummonsIssued, TrackedRemedy, WriteOffReason, WrittenOff,
};
use serde::{Deserialize, Serialize};

use crate::codec::DecodeError;
use crate::codec::json::Dto;
use crate::codec::values_v1::{parse_code, parse_year, year_text};

/// `RecoveryStepRecorded`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RecoveryStepV1 {
    year: String,
    #[serde(flatten)]
    step: StepV1,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
enum StepV1 {
    ReminderIssued {
        number: u32,
        issued: NaiveDate,
        arrears_pence: i64,
        covers_due_through: NaiveDate,
        pay_by: NaiveDate,
        balance_due_on: NaiveDate,
    },
    ReminderComplied {
        on: NaiveDate,
    },
    InstalmentRightLost(DemandV1),
    FinalNoticeIssued(DemandV1),
    SummonsIssued {
        issued: NaiveDate,
        hearing: NaiveDate,
        costs_pence: i64,
        amount_pence: i64,
    },
    SummonsWithdrawn {
        on: NaiveDate,
    },
    LiabilityOrderGranted {
        on: NaiveDate,
        costs_pence: i64,
        amount_pence: i64,
    },
    Cleared {
        on: NaiveDate,
    },
    ArrangementMade {
        on: NaiveDate,
        instalments: Vec<PaymentV1>,
        paid_at_start_pence: i64,
    },
    ArrangementKept {
        on: NaiveDate,
    },
    ArrangementBroken {
        on: NaiveDate,
        missed: NaiveDate,
    },
    ReferredToAgent {
        on: NaiveDate,
        firm: String,
        debt_pence: i64,
        compliance_fee_pence: i64,
    },
    AgentFeeIncurred {
        on: NaiveDate,
        stage: AgentStageV1,
        fee_pence: i64,
    },
    RemedyEnded {
        on: NaiveDate,
        outcome: OutcomeV1,
    },
    EarningsAttached {
        on: NaiveDate,
        employer: String,
        period: PeriodV1,
    },
    BenefitDeductionRequested {
        on: NaiveDate,
        weekly_amount_pence: i64,
    },
    RemedyStarted {
        on: NaiveDate,
        remedy: TrackedV1,
    },
    WrittenOff {
        on: NaiveDate,
        amount_pence: i64,
        reason: WriteOffV1,
    },
}

#[derive(Debug, Serialize, Deserialize)]
struct DemandV1 {
    on: NaiveDate,
    balance_pence: i64,
    summons_from: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize)]
struct PaymentV1 {
    due: NaiveDate,
    amount_pence: i64,
}

/// Maps a domain enum to its stored word and back, both ways by hand.
macro_rules! stored_enum {
    ($stored:ident, $domain:ty, { $($variant:ident),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum $stored { $($variant),+ }

        impl From<$domain> for $stored {
            fn from(value: $domain) -> Self {
                match value { $(<$domain>::$variant => $stored::$variant),+ }
            }
        }

        impl From<$stored> for $domain {
            fn from(value: $stored) -> Self {
                match value { $($stored::$variant => <$domain>::$variant),+ }
            }
        }
    };
}

stored_enum!(AgentStageV1, AgentStage, { Compliance, Enforcement, Sale });
stored_enum!(OutcomeV1, RemedyOutcome, { Recalled, ReturnedUnpaid, Paid });
stored_enum!(PeriodV1, PayPeriod, { Weekly, Monthly, Daily });
stored_enum!(TrackedV1, TrackedRemedy, { ChargingOrder, Bankruptcy, Committal });
stored_enum!(WriteOffV1, WriteOffReason, { Insolvency, Deceased, GoneAway, Uneconomic });
stored_enum!(HoldReasonV1, HoldReason, { Dispute, Vulnerability, BenefitClaimPending });

impl DemandV1 {
    fn from_domain(demand: &BalanceDemanded) -> Self {
        DemandV1 {
            on: demand.on,
            balance_pence: demand.balance.get(),
            summons_from: demand.summons_from,
        }
    }

    fn into_domain(self) -> BalanceDemanded {
        BalanceDemanded {
            on: self.on,
            balance: Pence::new(self.balance_pence),
            summons_from: self.summons_from,
        }
    }
}

impl Dto<RecoveryRecorded> for RecoveryStepV1 {
    fn from_domain(recorded: &RecoveryRecorded) -> Self {
        RecoveryStepV1 {
            year: year_text(recorded.year),
            step: step_from_domain(&recorded.event),
        }
    }

    fn into_domain(self) -> Result<RecoveryRecorded, DecodeError> {
        Ok(RecoveryRecorded {
            year: parse_year(&self.year, "year")?,
            event: step_into_domain(self.step)?,
        })
    }
}

fn step_from_domain(event: &RecoveryEvent) -> StepV1 {
    match event {
        RecoveryEvent::ReminderIssued(r) => StepV1::ReminderIssued {
            number: r.number,
            issued: r.issued,
            arrears_pence: r.arrears.get(),
            covers_due_through: r.covers_due_through,
            pay_by: r.pay_by,
            balance_due_on: r.balance_due_on,
        },
        RecoveryEvent::ReminderComplied { on } => StepV1::ReminderComplied { on: *on },
        RecoveryEvent::InstalmentRightLost(d) => StepV1::InstalmentRightLost(DemandV1::from_domain(d)),
        RecoveryEvent::FinalNoticeIssued(d) => StepV1::FinalNoticeIssued(DemandV1::from_domain(d)),
        RecoveryEvent::SummonsIssued(s) => StepV1::SummonsIssued {
            issued: s.issued,
            hearing: s.hearing,
            costs_pence: s.costs.get(),
            amount_pence: s.amount.get(),
        },
        RecoveryEvent::SummonsWithdrawn { on } => StepV1::SummonsWithdrawn { on: *on },
        RecoveryEvent::LiabilityOrderGranted(o) => StepV1::LiabilityOrderGranted {
            on: o.on,
            costs_pence: o.costs.get(),
            amount_pence: o.amount.get(),
        },
        RecoveryEvent::Cleared { on } => StepV1::Cleared { on: *on },
        RecoveryEvent::ArrangementMade(a) => StepV1::ArrangementMade {
            on: a.on,
            instalments: a
                .instalments
                .iter()
                .map(|i| PaymentV1 {
                    due: i.due,
                    amount_pence: i.amount.get(),
                })
                .collect(),
            paid_at_start_pence: a.paid_at_start.get(),
        },
        RecoveryEvent::ArrangementKept { on } => StepV1::ArrangementKept { on: *on },
        RecoveryEvent::ArrangementBroken { on, missed } => StepV1::ArrangementBroken {
            on: *on,
            missed: *missed,
        },
        RecoveryEvent::ReferredToAgent(r) => StepV1::ReferredToAgent {
            on: r.on,
            firm: r.firm.as_str().to_owned(),
            debt_pence: r.debt.get(),
            compliance_fee_pence: r.compliance_fee.get(),
        },
        RecoveryEvent::AgentFeeIncurred(f) => StepV1::AgentFeeIncurred {
            on: f.on,
            stage: f.stage.into(),
            fee_pence: f.fee.get(),
        },
        RecoveryEvent::RemedyEnded(e) => StepV1::RemedyEnded {
            on: e.on,
            outcome: e.outcome.into(),
        },
        RecoveryEvent::EarningsAttached(e) => StepV1::EarningsAttached {
            on: e.on,
            employer: e.employer.as_str().to_owned(),
            period: e.period.into(),
        },
        RecoveryEvent::BenefitDeductionRequested(b) => StepV1::BenefitDeductionRequested {
            on: b.on,
            weekly_amount_pence: b.weekly_amount.get(),
        },
        RecoveryEvent::RemedyStarted(s) => StepV1::RemedyStarted {
            on: s.on,
            remedy: s.remedy.into(),
        },
        RecoveryEvent::WrittenOff(w) => StepV1::WrittenOff {
            on: w.on,
            amount_pence: w.amount.get(),
            reason: w.reason.into(),
        },
    }
}

fn step_into_domain(step: StepV1) -> Result<RecoveryEvent, DecodeError> {
    Ok(match step {
        StepV1::ReminderIssued {
            number,
            issued,
            arrears_pence,
            covers_due_through,
            pay_by,
            balance_due_on,
        } => RecoveryEvent::ReminderIssued(ReminderIssued {
            number,
            issued,
            arrears: Pence::new(arrears_pence),
            covers_due_through,
            pay_by,
            balance_due_on,
        }),
        StepV1::ReminderComplied { on } => RecoveryEvent::ReminderComplied { on },
        StepV1::InstalmentRightLost(d) => RecoveryEvent::InstalmentRightLost(d.into_domain()),
        StepV1::FinalNoticeIssued(d) => RecoveryEvent::FinalNoticeIssued(d.into_domain()),
        StepV1::SummonsIssued {
            issued,
            hearing,
            costs_pence,
            amount_pence,
        } => RecoveryEvent::SummonsIssued(SummonsIssued {
            issued,
            hearing,
            costs: Pence::new(costs_pence),
            amount: Pence::new(amount_pence),
        }),
        StepV1::SummonsWithdrawn { on } => RecoveryEvent::SummonsWithdrawn { on },
        StepV1::LiabilityOrderGranted {
            on,
            costs_pence,
            amount_pence,
        } => RecoveryEvent::LiabilityOrderGranted(LiabilityOrderGranted {
            on,
            costs: Pence::new(costs_pence),
            amount: Pence::new(amount_pence),
        }),
        StepV1::Cleared { on } => RecoveryEvent::Cleared { on },
        StepV1::ArrangementMade {
            on,
            instalments,
            paid_at_start_pence,
        } => RecoveryEvent::ArrangementMade(ArrangementMade {
            on,
            instalments: instalments
                .into_iter()
                .map(|p| Instalment {
                    due: p.due,
                    amount: Pence::new(p.amount_pence),
                })
                .collect(),
            paid_at_start: Pence::new(paid_at_start_pence),
        }),
        StepV1::ArrangementKept { on } => RecoveryEvent::ArrangementKept { on },
        StepV1::ArrangementBroken { on, missed } => RecoveryEvent::ArrangementBroken { on, missed },
        StepV1::ReferredToAgent {
            on,
            firm,
            debt_pence,
            compliance_fee_pence,
        } => RecoveryEvent::ReferredToAgent(ReferredToAgent {
            on,
            firm: parse_code(&firm, "firm")?,
            debt: Pence::new(debt_pence),
            compliance_fee: Pence::new(compliance_fee_pence),
        }),
        StepV1::AgentFeeIncurred { on, stage, fee_pence } => RecoveryEvent::AgentFeeIncurred(AgentFeeIncurred {
            on,
            stage: stage.into(),
            fee: Pence::new(fee_pence),
        }),
        StepV1::RemedyEnded { on, outcome } => RecoveryEvent::RemedyEnded(RemedyEnded {
            on,
            outcome: outcome.into(),
        }),
        StepV1::EarningsAttached { on, employer, period } => RecoveryEvent::EarningsAttached(EarningsAttached {
            on,
            employer: parse_code(&employer, "employer")?,
            period: period.into(),
        }),
        StepV1::BenefitDeductionRequested {
            on,
            weekly_amount_pence,
        } => RecoveryEvent::BenefitDeductionRequested(BenefitDeductionRequested {
            on,
            weekly_amount: Pence::new(weekly_amount_pence),
        }),
        StepV1::RemedyStarted { on, remedy } => RecoveryEvent::RemedyStarted(RemedyStarted {
            on,
            remedy: remedy.into(),
        }),
        StepV1::WrittenOff {
            on,
            amount_pence,
            reason,
        } => RecoveryEvent::WrittenOff(WrittenOff {
            on,
            amount: Pence::new(amount_pence),
            reason: reason.into(),
        }),
    })
}

/// `RecoveryHoldPlaced`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct HoldPlacedV1 {
    reason: HoldReasonV1,
    from: NaiveDate,
}

impl Dto<Hold> for HoldPlacedV1 {
    fn from_domain(hold: &Hold) -> Self {
        HoldPlacedV1 {
            reason: hold.reason.into(),
            from: hold.from,
        }
    }

    fn into_domain(self) -> Result<Hold, DecodeError> {
        Ok(Hold {
            reason: self.reason.into(),
            from: self.from,
        })
    }
}

/// `RecoveryHoldLifted`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct HoldLiftedV1 {
    reason: HoldReasonV1,
    on: NaiveDate,
}

impl Dto<HoldLifted> for HoldLiftedV1 {
    fn from_domain(lifted: &HoldLifted) -> Self {
        HoldLiftedV1 {
            reason: lifted.reason.into(),
            on: lifted.on,
        }
    }

    fn into_domain(self) -> Result<HoldLifted, DecodeError> {
        Ok(HoldLifted {
            reason: self.reason.into(),
            on: self.on,
        })
    }
}
