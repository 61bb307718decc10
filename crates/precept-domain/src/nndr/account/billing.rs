//! Decisions that issue business rates notices: the year's first, revisions after a change
//! (every change recomputes each billed year, REFERENCE §2.1: backdated values reach closed
//! years), and plan changes (12 instalments on request, REFERENCE §2.9). Instalments follow
//! the shared rules in [`crate::instalments`].

use chrono::NaiveDate;

use super::NndrAccountError;
use super::charge_year::{NndrYearCharge, year_charge};
use super::command::{NndrChange, NndrContext};
use super::event::{NndrBillIssued, NndrEvent, OccupationChanged, ReliefsChanged};
use super::state::OpenNndrAccount;
use crate::account::{AccountError, AllocationReleased, NoticeKind};
use crate::calendar::FinancialYear;
use crate::instalments::{InstalmentPlan, InstalmentRules, first_notice, revised_notice};
use crate::nndr::settings::NndrSettings;

/// The instalment rules in force on the notice's date.
fn rules(context: &NndrContext, year: FinancialYear, notice: NaiveDate) -> Result<InstalmentRules, NndrAccountError> {
    context
        .years
        .get(&year)
        .and_then(|history| history.on(notice))
        .map(NndrSettings::instalment_rules)
        .ok_or(NndrAccountError::Charge(super::NndrChargeError::YearNotSetUp(year)))
}

pub(super) fn issue_bill(
    account: &OpenNndrAccount,
    year: FinancialYear,
    issue_date: NaiveDate,
    context: &NndrContext,
) -> Result<Vec<NndrEvent>, NndrAccountError> {
    if account.years.contains_key(&year) {
        return Ok(Vec::new());
    }
    let Some(charge) = year_charge(account, year, context)? else {
        return Ok(Vec::new());
    };
    let instalments = first_notice(
        year,
        issue_date,
        charge.net,
        account.plan,
        &rules(context, year, issue_date)?,
    );
    Ok(vec![NndrEvent::BillIssued(NndrBillIssued {
        year,
        notice_number: account.notices_issued + 1,
        kind: NoticeKind::First,
        issue_date,
        charge,
        instalments,
    })])
}

pub(super) fn change(
    account: &OpenNndrAccount,
    change: NndrChange,
    notice_date: NaiveDate,
    context: &NndrContext,
) -> Result<Vec<NndrEvent>, NndrAccountError> {
    let fact = match change {
        NndrChange::Occupation { from, occupied } => {
            Some(NndrEvent::OccupationChanged(OccupationChanged { from, occupied }))
        }
        NndrChange::Reliefs { from, claims } => Some(NndrEvent::ReliefsChanged(ReliefsChanged { from, claims })),
        NndrChange::EndLiability { last_day } => {
            if account.liability_last_day.is_some() {
                return Err(AccountError::LiabilityAlreadyEnded.into());
            }
            if last_day < account.liability_start {
                return Err(NndrAccountError::BeforeLiability);
            }
            Some(NndrEvent::LiabilityEnded { last_day })
        }
        NndrChange::Recalculate => None,
    };
    if let NndrChange::Occupation { from, .. } | NndrChange::Reliefs { from, .. } = change
        && (from < account.liability_start || account.liability_last_day.is_some_and(|last| from > last))
    {
        return Err(NndrAccountError::BeforeLiability);
    }
    let mut changed = account.clone();
    let mut events = Vec::new();
    if let Some(fact) = fact {
        changed.apply_event(&fact)?;
        events.push(fact);
    }
    events.extend(revisions(&changed, notice_date, context)?);
    Ok(events)
}

fn revisions(
    account: &OpenNndrAccount,
    notice_date: NaiveDate,
    context: &NndrContext,
) -> Result<Vec<NndrEvent>, NndrAccountError> {
    let mut events = Vec::new();
    let mut notices = account.notices_issued;
    for (year, billed) in &account.years {
        let charge = year_charge(account, *year, context)?.unwrap_or_else(|| NndrYearCharge::nil(*year));
        if charge == billed.charge {
            continue;
        }
        let rules = rules(context, *year, notice_date)?;
        let instalments = revised_notice(*year, &billed.instalments, notice_date, charge.net, None, &rules);
        let ceiling = charge.net + billed.recovery.net_costs();
        if billed.paid > ceiling {
            events.push(NndrEvent::AllocationReleased(AllocationReleased {
                year: *year,
                amount: billed.paid - ceiling,
            }));
        }
        notices += 1;
        events.push(NndrEvent::BillIssued(NndrBillIssued {
            year: *year,
            notice_number: notices,
            kind: NoticeKind::Revised,
            issue_date: notice_date,
            charge,
            instalments,
        }));
    }
    Ok(events)
}

pub(super) fn change_plan(
    account: &OpenNndrAccount,
    plan: InstalmentPlan,
    notice_date: NaiveDate,
    context: &NndrContext,
) -> Result<Vec<NndrEvent>, NndrAccountError> {
    if plan == account.plan {
        return Ok(Vec::new());
    }
    let mut events = vec![NndrEvent::InstalmentPlanChosen(plan)];
    let mut notices = account.notices_issued;
    let current = FinancialYear::containing(notice_date);
    for (year, billed) in account.years.range(current..) {
        let rules = rules(context, *year, notice_date)?;
        let instalments = revised_notice(
            *year,
            &billed.instalments,
            notice_date,
            billed.charge.net,
            Some(plan.day),
            &rules,
        );
        if instalments != billed.instalments {
            notices += 1;
            events.push(NndrEvent::BillIssued(NndrBillIssued {
                year: *year,
                notice_number: notices,
                kind: NoticeKind::Revised,
                issue_date: notice_date,
                charge: billed.charge.clone(),
                instalments,
            }));
        }
    }
    Ok(events)
}
