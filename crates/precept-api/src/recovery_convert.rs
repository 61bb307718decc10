//! Conversions for the recovery service: officers' actions and holds from their messages
//! (each field checked and named), and the read model's views to messages.

use precept_app::council_tax::{ListedStep, RecoveryProgress, RecoveryStepView, RecoveryYearView, StageTotals};
use precept_domain::council_year::ShortCode;
use precept_domain::instalments::Instalment;
use precept_domain::recovery::{
    ARRANGEMENT_INSTALMENTS_MAX, AgentStage, HoldReason, PayPeriod, RecoveryAction, RemedyOutcome, TrackedRemedy,
    WriteOffReason,
};
use precept_domain::{FinancialYear, Pence};

use crate::proto::{self, recovery_action_request::Action};
use crate::validate::Violations;

/// The action in a request, or `None` with every problem recorded.
pub(crate) fn action_from(v: &mut Violations, action: Option<&Action>) -> Option<RecoveryAction> {
    let Some(action) = action else {
        v.add("action", "one action is required");
        return None;
    };
    match action {
        Action::MakeArrangement(a) => arrangement(v, a),
        Action::ReferToAgent(a) => {
            let on = v.date("refer_to_agent.on", &a.on);
            let firm = code(v, "refer_to_agent.firm", &a.firm);
            Some(RecoveryAction::ReferToAgent { on: on?, firm: firm? })
        }
        Action::RecordAgentStage(a) => {
            let on = v.date("record_agent_stage.on", &a.on);
            let stage = match proto::AgentStage::try_from(a.stage) {
                Ok(proto::AgentStage::Enforcement) => Some(AgentStage::Enforcement),
                Ok(proto::AgentStage::Sale) => Some(AgentStage::Sale),
                _ => unspecified(v, "record_agent_stage.stage", "an agent stage"),
            };
            Some(RecoveryAction::RecordAgentStage { on: on?, stage: stage? })
        }
        Action::AttachEarnings(a) => {
            let on = v.date("attach_earnings.on", &a.on);
            let employer = code(v, "attach_earnings.employer", &a.employer);
            let period = match proto::PayPeriod::try_from(a.period) {
                Ok(proto::PayPeriod::Weekly) => Some(PayPeriod::Weekly),
                Ok(proto::PayPeriod::Monthly) => Some(PayPeriod::Monthly),
                Ok(proto::PayPeriod::Daily) => Some(PayPeriod::Daily),
                _ => unspecified(v, "attach_earnings.period", "a pay period"),
            };
            Some(RecoveryAction::AttachEarnings {
                on: on?,
                employer: employer?,
                period: period?,
            })
        }
        Action::RequestBenefitDeduction(a) => {
            let on = v.date("request_benefit_deduction.on", &a.on);
            let weekly = positive(
                v,
                "request_benefit_deduction.weekly_amount_pence",
                a.weekly_amount_pence,
            );
            Some(RecoveryAction::RequestBenefitDeduction {
                on: on?,
                weekly_amount: weekly?,
            })
        }
        Action::StartRemedy(a) => {
            let on = v.date("start_remedy.on", &a.on);
            let remedy = match proto::TrackedRemedy::try_from(a.remedy) {
                Ok(proto::TrackedRemedy::ChargingOrder) => Some(TrackedRemedy::ChargingOrder),
                Ok(proto::TrackedRemedy::Bankruptcy) => Some(TrackedRemedy::Bankruptcy),
                Ok(proto::TrackedRemedy::Committal) => Some(TrackedRemedy::Committal),
                _ => unspecified(v, "start_remedy.remedy", "a remedy"),
            };
            Some(RecoveryAction::StartRemedy {
                on: on?,
                remedy: remedy?,
            })
        }
        Action::EndRemedy(a) => {
            let on = v.date("end_remedy.on", &a.on);
            let outcome = match proto::RemedyOutcome::try_from(a.outcome) {
                Ok(proto::RemedyOutcome::Recalled) => Some(RemedyOutcome::Recalled),
                Ok(proto::RemedyOutcome::ReturnedUnpaid) => Some(RemedyOutcome::ReturnedUnpaid),
                Ok(proto::RemedyOutcome::Paid) => Some(RemedyOutcome::Paid),
                _ => unspecified(v, "end_remedy.outcome", "an outcome"),
            };
            Some(RecoveryAction::EndRemedy {
                on: on?,
                outcome: outcome?,
            })
        }
        Action::WriteOff(a) => {
            let on = v.date("write_off.on", &a.on);
            let amount = positive(v, "write_off.amount_pence", a.amount_pence);
            let reason = match proto::WriteOffReason::try_from(a.reason) {
                Ok(proto::WriteOffReason::Insolvency) => Some(WriteOffReason::Insolvency),
                Ok(proto::WriteOffReason::Deceased) => Some(WriteOffReason::Deceased),
                Ok(proto::WriteOffReason::GoneAway) => Some(WriteOffReason::GoneAway),
                Ok(proto::WriteOffReason::Uneconomic) => Some(WriteOffReason::Uneconomic),
                _ => unspecified(v, "write_off.reason", "a reason"),
            };
            Some(RecoveryAction::WriteOff {
                on: on?,
                amount: amount?,
                reason: reason?,
            })
        }
    }
}

fn arrangement(v: &mut Violations, a: &proto::MakeArrangement) -> Option<RecoveryAction> {
    let on = v.date("make_arrangement.on", &a.on);
    if a.payments.is_empty() || a.payments.len() > ARRANGEMENT_INSTALMENTS_MAX {
        v.add(
            "make_arrangement.payments",
            format!("must hold 1 to {ARRANGEMENT_INSTALMENTS_MAX} payments"),
        );
        return None;
    }
    let mut instalments = Vec::with_capacity(a.payments.len());
    for (index, payment) in a.payments.iter().enumerate() {
        let due = v.date(&format!("make_arrangement.payments[{index}].due"), &payment.due);
        let amount = positive(
            v,
            &format!("make_arrangement.payments[{index}].amount_pence"),
            payment.amount_pence,
        );
        if let (Some(due), Some(amount)) = (due, amount) {
            instalments.push(Instalment { due, amount });
        }
    }
    let complete = instalments.len() == a.payments.len();
    complete.then_some(RecoveryAction::MakeArrangement { on: on?, instalments })
}

fn code(v: &mut Violations, field: &str, text: &str) -> Option<ShortCode> {
    v.required(field, text)
        .and_then(|text| v.check(field, ShortCode::parse(text)))
}

fn positive(v: &mut Violations, field: &str, pence: i64) -> Option<Pence> {
    if pence <= 0 {
        v.add(field, "must be positive");
        return None;
    }
    Some(Pence::new(pence))
}

fn unspecified<T>(v: &mut Violations, field: &str, what: &str) -> Option<T> {
    v.add(field, format!("must be {what} other than UNSPECIFIED"));
    None
}

/// A hold reason.
pub(crate) fn hold_reason(v: &mut Violations, reason: i32) -> Option<HoldReason> {
    match proto::HoldReason::try_from(reason) {
        Ok(proto::HoldReason::Dispute) => Some(HoldReason::Dispute),
        Ok(proto::HoldReason::Vulnerability) => Some(HoldReason::Vulnerability),
        Ok(proto::HoldReason::BenefitClaimPending) => Some(HoldReason::BenefitClaimPending),
        _ => unspecified(v, "reason", "a hold reason"),
    }
}

/// A page token: the last step's "sequence.position".
pub(crate) fn page_after(v: &mut Violations, token: &str) -> Option<Option<(u64, u32)>> {
    if token.is_empty() {
        return Some(None);
    }
    let parsed = token
        .split_once('.')
        .and_then(|(sequence, position)| Some((sequence.parse().ok()?, position.parse().ok()?)));
    if parsed.is_none() {
        v.add("page_token", "must be a token from an earlier page");
    }
    parsed.map(Some)
}

/// A page size: 100 by default, at most 1,000.
pub(crate) fn page_size(v: &mut Violations, size: u32) -> u32 {
    if size > 1_000 {
        v.add("page_size", "must be at most 1000");
    }
    if size == 0 { 100 } else { size.min(1_000) }
}

fn year_text(year: i32) -> String {
    FinancialYear::starting(year).map_or_else(|_| year.to_string(), |year| year.to_string())
}

fn date_text(date: Option<chrono::NaiveDate>) -> String {
    date.map(|day| day.to_string()).unwrap_or_default()
}

pub(crate) fn year_to(year: RecoveryYearView) -> proto::RecoveryYear {
    proto::RecoveryYear {
        account_id: year.account_id,
        year: year_text(year.year),
        stage: year.stage,
        reminders: year.reminders,
        hearing: date_text(year.hearing),
        liability_order_on: date_text(year.liability_order_on),
        outstanding_pence: year.outstanding_pence,
        costs_pence: year.costs_pence,
        written_off_pence: year.written_off_pence,
        agent_fees_pence: year.agent_fees_pence,
        arrangement: year.arrangement,
        remedy: year.remedy.unwrap_or_default(),
        counterparty: year.counterparty.unwrap_or_default(),
        on_hold: year.on_hold,
    }
}

pub(crate) fn step_to(step: RecoveryStepView) -> proto::RecoveryStep {
    proto::RecoveryStep {
        account_id: step.account_id,
        year: year_text(step.year),
        kind: step.kind,
        date: step.date.to_string(),
        amount_pence: step.amount_pence,
        costs_pence: step.costs_pence,
        pay_by: date_text(step.pay_by),
        hearing: date_text(step.hearing),
        counterparty: step.counterparty.unwrap_or_default(),
        detail: step.detail,
        sequence: step.sequence,
    }
}

/// A page of steps; a full page gets a token for the next.
pub(crate) fn step_page(mut steps: Vec<ListedStep>, page_size: u32) -> proto::RecoveryStepPage {
    let more = steps.len() > page_size as usize;
    steps.truncate(page_size as usize);
    let next_page_token = match steps.last() {
        Some(last) if more => format!("{}.{}", last.step.sequence, last.step.position),
        _ => String::new(),
    };
    proto::RecoveryStepPage {
        steps: steps
            .into_iter()
            .map(|listed| proto::ListedRecoveryStep {
                step: Some(step_to(listed.step)),
                now: listed.now.map(year_to),
            })
            .collect(),
        next_page_token,
    }
}

pub(crate) fn totals_to(totals: StageTotals) -> proto::StageTotals {
    proto::StageTotals {
        stage: totals.stage,
        accounts: totals.accounts,
        outstanding_pence: totals.outstanding_pence,
        costs_pence: totals.costs_pence,
    }
}

pub(crate) fn progress_to(progress: &RecoveryProgress) -> proto::RecoveryRunProgress {
    proto::RecoveryRunProgress {
        examined: progress.examined,
        stepped: progress.stepped,
        steps: progress.steps,
        failed: progress.failed,
        finished: progress.finished,
        last_sequence: progress.last_sequence,
        failures: progress
            .failures
            .iter()
            .map(|(account, reason)| proto::RecoveryRunFailure {
                account_id: account.to_string(),
                reason: reason.clone(),
            })
            .collect(),
    }
}
