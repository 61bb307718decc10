//! Pure derivations of the recovery rows: a step row per recovery event, and a position row
//! per account-year that has had any recovery, taken from the folded account.
//!
//! Names here are the read model's vocabulary (and the API's), chosen for people reading a
//! caseload report; the stored event encoding has its own, versioned, in precept-eventstore.

use chrono::NaiveDate;
use precept_app::council_tax::{RecoveryStepView, RecoveryYearView};
use precept_domain::account::OpenAccountState;
use precept_domain::recovery::{
    AgentStage, PayPeriod, RecoveryEvent, Remedy, RemedyOutcome, Stage, TrackedRemedy, WriteOffReason, YearRecovery,
};

/// Step kinds that are notices to the taxpayer, for the day's print or e-mail file.
pub(crate) const NOTICE_KINDS: [&str; 4] = [
    "reminder_issued",
    "final_notice_issued",
    "summons_issued",
    "liability_order_granted",
];

/// The step row for one recovery event (sequence and position filled in by the caller).
pub(crate) fn step_row(account_id: &str, year: i32, event: &RecoveryEvent) -> RecoveryStepView {
    let mut row = RecoveryStepView {
        sequence: 0,
        position: 0,
        account_id: account_id.to_owned(),
        year,
        kind: step_kind(event).to_owned(),
        date: event.date(),
        amount_pence: 0,
        costs_pence: 0,
        pay_by: None,
        hearing: None,
        counterparty: None,
        detail: String::new(),
    };
    match event {
        RecoveryEvent::ReminderIssued(reminder) => {
            row.amount_pence = reminder.arrears.get();
            row.pay_by = Some(reminder.pay_by);
            row.detail = format!(
                "reminder {}; whole balance due on {} if not paid",
                reminder.number, reminder.balance_due_on
            );
        }
        RecoveryEvent::InstalmentRightLost(demand) | RecoveryEvent::FinalNoticeIssued(demand) => {
            row.amount_pence = demand.balance.get();
            row.detail = format!("balance due; summons from {}", demand.summons_from);
        }
        RecoveryEvent::SummonsIssued(summons) => {
            row.amount_pence = summons.amount.get();
            row.costs_pence = summons.costs.get();
            row.hearing = Some(summons.hearing);
        }
        RecoveryEvent::LiabilityOrderGranted(order) => {
            row.amount_pence = order.amount.get();
            row.costs_pence = order.costs.get();
        }
        RecoveryEvent::ArrangementMade(made) => {
            row.amount_pence = made.instalments.iter().map(|i| i.amount.get()).sum();
            row.detail = match (made.instalments.first(), made.instalments.last()) {
                (Some(first), Some(last)) => {
                    format!("{} payments, {} to {}", made.instalments.len(), first.due, last.due)
                }
                _ => "no payments".to_owned(),
            };
        }
        RecoveryEvent::ArrangementBroken { missed, .. } => row.detail = format!("payment due {missed} missed"),
        RecoveryEvent::ReferredToAgent(referral) => {
            row.amount_pence = referral.debt.get();
            row.costs_pence = referral.compliance_fee.get();
            row.counterparty = Some(referral.firm.as_str().to_owned());
            row.detail = "compliance fee added by the agent".to_owned();
        }
        RecoveryEvent::AgentFeeIncurred(fee) => {
            row.costs_pence = fee.fee.get();
            row.detail = format!("{} fee added by the agent", agent_stage(fee.stage));
        }
        RecoveryEvent::RemedyEnded(ended) => row.detail = outcome(ended.outcome).to_owned(),
        RecoveryEvent::EarningsAttached(order) => {
            row.counterparty = Some(order.employer.as_str().to_owned());
            row.detail = format!("{} pay", pay_period(order.period));
        }
        RecoveryEvent::BenefitDeductionRequested(request) => {
            row.amount_pence = request.weekly_amount.get();
            row.detail = "weekly deduction".to_owned();
        }
        RecoveryEvent::RemedyStarted(started) => row.detail = tracked(started.remedy).to_owned(),
        RecoveryEvent::WrittenOff(written) => {
            row.amount_pence = written.amount.get();
            row.detail = write_off_reason(written.reason).to_owned();
        }
        RecoveryEvent::ReminderComplied { .. }
        | RecoveryEvent::SummonsWithdrawn { .. }
        | RecoveryEvent::Cleared { .. }
        | RecoveryEvent::ArrangementKept { .. } => {}
    }
    row
}

/// The position rows of an account: one per year with any recovery.
pub(crate) fn year_rows(account_id: &str, account: &OpenAccountState) -> Vec<RecoveryYearView> {
    let on_hold = !account.holds.is_empty();
    account
        .years
        .iter()
        .filter(|(_, billed)| billed.recovery != YearRecovery::default())
        .map(|(year, billed)| {
            let recovery = &billed.recovery;
            let (remedy, counterparty) = remedy(recovery.remedy.as_ref());
            RecoveryYearView {
                account_id: account_id.to_owned(),
                year: year.start_year(),
                stage: recovery.stage_name().to_owned(),
                reminders: recovery.reminders,
                hearing: match recovery.stage {
                    Stage::Summonsed { hearing } => Some(hearing),
                    _ => None,
                },
                liability_order_on: liability_order_on(recovery),
                outstanding_pence: billed.outstanding().get(),
                costs_pence: recovery.costs.get(),
                written_off_pence: recovery.written_off.get(),
                agent_fees_pence: recovery.agent_fees.get(),
                arrangement: recovery.arrangement.is_some(),
                remedy: remedy.map(str::to_owned),
                counterparty,
                on_hold,
            }
        })
        .collect()
}

fn liability_order_on(recovery: &YearRecovery) -> Option<NaiveDate> {
    match recovery.stage {
        Stage::LiabilityOrder { granted, .. } => Some(granted),
        _ => None,
    }
}

fn remedy(remedy: Option<&Remedy>) -> (Option<&'static str>, Option<String>) {
    match remedy {
        None => (None, None),
        Some(Remedy::Agent { firm, .. }) => (Some("agent"), Some(firm.as_str().to_owned())),
        Some(Remedy::Earnings { employer, .. }) => (Some("attachment_of_earnings"), Some(employer.as_str().to_owned())),
        Some(Remedy::Benefit { .. }) => (Some("benefit_deduction"), None),
        Some(Remedy::Tracked(remedy)) => (Some(tracked(*remedy)), None),
    }
}

fn step_kind(event: &RecoveryEvent) -> &'static str {
    match event {
        RecoveryEvent::ReminderIssued(_) => "reminder_issued",
        RecoveryEvent::ReminderComplied { .. } => "reminder_complied",
        RecoveryEvent::InstalmentRightLost(_) => "instalment_right_lost",
        RecoveryEvent::FinalNoticeIssued(_) => "final_notice_issued",
        RecoveryEvent::SummonsIssued(_) => "summons_issued",
        RecoveryEvent::SummonsWithdrawn { .. } => "summons_withdrawn",
        RecoveryEvent::LiabilityOrderGranted(_) => "liability_order_granted",
        RecoveryEvent::Cleared { .. } => "cleared",
        RecoveryEvent::ArrangementMade(_) => "arrangement_made",
        RecoveryEvent::ArrangementKept { .. } => "arrangement_kept",
        RecoveryEvent::ArrangementBroken { .. } => "arrangement_broken",
        RecoveryEvent::ReferredToAgent(_) => "referred_to_agent",
        RecoveryEvent::AgentFeeIncurred(_) => "agent_fee_incurred",
        RecoveryEvent::RemedyEnded(_) => "remedy_ended",
        RecoveryEvent::EarningsAttached(_) => "earnings_attached",
        RecoveryEvent::BenefitDeductionRequested(_) => "benefit_deduction_requested",
        RecoveryEvent::RemedyStarted(_) => "remedy_started",
        RecoveryEvent::WrittenOff(_) => "written_off",
    }
}

fn tracked(remedy: TrackedRemedy) -> &'static str {
    match remedy {
        TrackedRemedy::ChargingOrder => "charging_order",
        TrackedRemedy::Bankruptcy => "bankruptcy",
        TrackedRemedy::Committal => "committal",
    }
}

fn agent_stage(stage: AgentStage) -> &'static str {
    match stage {
        AgentStage::Compliance => "compliance",
        AgentStage::Enforcement => "enforcement",
        AgentStage::Sale => "sale",
    }
}

fn outcome(outcome: RemedyOutcome) -> &'static str {
    match outcome {
        RemedyOutcome::Recalled => "recalled",
        RemedyOutcome::ReturnedUnpaid => "returned unpaid",
        RemedyOutcome::Paid => "paid",
    }
}

fn pay_period(period: PayPeriod) -> &'static str {
    match period {
        PayPeriod::Weekly => "weekly",
        PayPeriod::Monthly => "monthly",
        PayPeriod::Daily => "daily",
    }
}

fn write_off_reason(reason: WriteOffReason) -> &'static str {
    match reason {
        WriteOffReason::Insolvency => "insolvency",
        WriteOffReason::Deceased => "deceased",
        WriteOffReason::GoneAway => "gone away",
        WriteOffReason::Uneconomic => "uneconomic",
    }
}

/// Stages in the order a caseload report lists them.
pub(crate) const STAGE_ORDER: [&str; 9] = [
    "none",
    "first_reminder",
    "second_reminder",
    "instalments_resumed",
    "instalments_lost",
    "final_notice",
    "summonsed",
    "liability_order",
    "cleared",
];
