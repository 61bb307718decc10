//! Decisions that issue demand notices: the first bill for a year, revised bills after a
//! change of circumstances (REFERENCE §1.4: every change re-computes the year), and plan changes.

use chrono::NaiveDate;

use super::command::{ChangeCircumstances, ChangeInstalmentPlan, CircumstanceChange, IssueBill};
use super::error::AccountError;
use super::event::{
    AccountEvent, AllocationReleased, BillIssued, LiabilityEnded, NoticeKind, PeriodEnded, PeriodStarted, ReductionSet,
};
use super::state::{AccountState, OpenAccountState};
use crate::calendar::FinancialYear;
use crate::charge::{BillingContext, Period, PreceptorShare, YearCharge, year_charge};
use crate::council_year::LocalPolicy;
use crate::instalments::{first_notice, revised_notice};
use crate::money::Pence;

fn policy(context: &BillingContext, year: FinancialYear) -> Result<&LocalPolicy, AccountError> {
    context
        .years
        .get(&year)
        .and_then(|history| history.latest())
        .map(|settings| &settings.policy)
        .ok_or(AccountError::Charge(crate::charge::ChargeError::YearNotSetUp(year)))
}

/// The first notice for a year; nothing if the year is billed already or no day is liable.
pub(super) fn issue_bill(account: &OpenAccountState, bill: IssueBill) -> Result<Vec<AccountEvent>, AccountError> {
    if account.years.contains_key(&bill.year) {
        return Ok(Vec::new());
    }
    let Some(charge) = year_charge(bill.year, &account.liability(), &bill.context)? else {
        return Ok(Vec::new());
    };
    let policy = policy(&bill.context, bill.year)?;
    let instalments = first_notice(
        bill.year,
        bill.issue_date,
        charge.net,
        account.plan,
        &policy.instalment_rules(),
    );
    Ok(vec![AccountEvent::BillIssued(BillIssued {
        year: bill.year,
        notice_number: account.notices_issued + 1,
        kind: NoticeKind::First,
        issue_date: bill.issue_date,
        charge,
        instalments,
    })])
}

/// Records the change, then re-computes every billed year and issues a revised notice for each
/// whose charge moved; money paid beyond a reduced charge is released to credit.
pub(super) fn change_circumstances(
    state: &AccountState,
    change: ChangeCircumstances,
) -> Result<Vec<AccountEvent>, AccountError> {
    let account = state.as_open().ok_or(AccountError::AccountNotOpen)?;
    let mut events = circumstance_events(account, &change.change)?;
    let after = events
        .iter()
        .try_fold(state.clone(), |state, event| state.apply(event))?;
    let after = after.as_open().ok_or(AccountError::AccountNotOpen)?;
    events.extend(revisions(after, change.notice_date, &change.context)?);
    Ok(events)
}

/// A new plan, and revised instalments for the current and later billed years.
pub(super) fn change_plan(
    state: &AccountState,
    change: ChangeInstalmentPlan,
) -> Result<Vec<AccountEvent>, AccountError> {
    let account = state.as_open().ok_or(AccountError::AccountNotOpen)?;
    let year = FinancialYear::containing(change.notice_date);
    let offered = change
        .context
        .years
        .range(year..)
        .filter_map(|(_, history)| history.latest())
        .all(|settings| settings.policy.instalment_days.contains(&change.plan.day));
    if !offered {
        return Err(AccountError::InstalmentDayNotOffered(change.plan.day));
    }
    if account.plan == change.plan {
        return Ok(Vec::new());
    }
    let mut events = vec![AccountEvent::InstalmentPlanChosen(change.plan)];
    let mut notices = account.notices_issued;
    for (billed_year, billed) in account.years.range(year..) {
        let policy = policy(&change.context, *billed_year)?;
        let instalments = revised_notice(
            *billed_year,
            &billed.instalments,
            change.notice_date,
            billed.charge.net,
            Some(change.plan.day),
            &policy.instalment_rules(),
        );
        if instalments != billed.instalments {
            notices += 1;
            events.push(AccountEvent::BillIssued(BillIssued {
                year: *billed_year,
                notice_number: notices,
                kind: NoticeKind::Revised,
                issue_date: change.notice_date,
                charge: billed.charge.clone(),
                instalments,
            }));
        }
    }
    Ok(events)
}

fn revisions(
    account: &OpenAccountState,
    notice_date: NaiveDate,
    context: &BillingContext,
) -> Result<Vec<AccountEvent>, AccountError> {
    let mut events = Vec::new();
    let mut notices = account.notices_issued;
    for (year, billed) in &account.years {
        // No liable day left in the year (a backdated move-out): the year's charge is nil.
        let charge = year_charge(*year, &account.liability(), context)?.unwrap_or_else(|| nil(&billed.charge));
        if charge == billed.charge {
            continue;
        }
        let policy = policy(context, *year)?;
        let instalments = revised_notice(
            *year,
            &billed.instalments,
            notice_date,
            charge.net,
            None,
            &policy.instalment_rules(),
        );
        let ceiling = charge.net + billed.recovery.net_costs();
        if billed.paid > ceiling {
            events.push(AccountEvent::AllocationReleased(AllocationReleased {
                year: *year,
                amount: billed.paid - ceiling,
            }));
        }
        notices += 1;
        events.push(AccountEvent::BillIssued(BillIssued {
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

/// The charge of a year with no liable day, keeping the preceptors (each at nil).
fn nil(previous: &YearCharge) -> YearCharge {
    YearCharge {
        year: previous.year,
        liable_days: 0,
        segments: Vec::new(),
        gross: Pence::ZERO,
        exemption: Pence::ZERO,
        discount: Pence::ZERO,
        premium: Pence::ZERO,
        reduction: Pence::ZERO,
        net: Pence::ZERO,
        preceptors: previous
            .preceptors
            .iter()
            .map(|share| PreceptorShare {
                amount: Pence::ZERO,
                ..share.clone()
            })
            .collect(),
    }
}

fn check_period<T>(
    account: &OpenAccountState,
    existing: &[Period<T>],
    from: NaiveDate,
    to: Option<NaiveDate>,
    what: &'static str,
) -> Result<(), AccountError> {
    if from < account.liability_start {
        return Err(AccountError::BadDate("a period cannot start before the liability"));
    }
    if to.is_some_and(|to| to < from) {
        return Err(AccountError::BadDate("a period cannot end before it starts"));
    }
    let candidate = Period { from, to, value: () };
    if existing.iter().any(|period| period.overlaps(&candidate)) {
        return Err(AccountError::Overlap(what));
    }
    Ok(())
}

fn open_period<T>(periods: &[Period<T>], last_day: NaiveDate, what: &'static str) -> Result<PeriodEnded, AccountError> {
    let period = periods
        .iter()
        .find(|period| period.to.is_none())
        .ok_or(AccountError::NoOpenPeriod(what))?;
    if last_day < period.from {
        return Err(AccountError::BadDate("a period cannot end before it starts"));
    }
    Ok(PeriodEnded {
        from: period.from,
        last_day,
    })
}

fn circumstance_events(
    account: &OpenAccountState,
    change: &CircumstanceChange,
) -> Result<Vec<AccountEvent>, AccountError> {
    let event = match change.clone() {
        CircumstanceChange::MoveOut { move_out } => {
            if account.liability_last_day.is_some() {
                return Err(AccountError::LiabilityAlreadyEnded);
            }
            if move_out <= account.liability_start {
                return Err(AccountError::BadDate("move_out must be after the liability start"));
            }
            let last_day = move_out
                .pred_opt()
                .expect("a move-out after the start has a day before it");
            AccountEvent::LiabilityEnded(LiabilityEnded { move_out, last_day })
        }
        CircumstanceChange::AwardDiscount { kind, from, to } => {
            check_period(account, &account.discounts, from, to, "discount")?;
            AccountEvent::DiscountAwarded(PeriodStarted { value: kind, from, to })
        }
        CircumstanceChange::EndDiscount { last_day } => {
            AccountEvent::DiscountEnded(open_period(&account.discounts, last_day, "discount")?)
        }
        CircumstanceChange::AwardExemption { class, from, to } => {
            check_period(account, &account.exemptions, from, to, "exemption")?;
            AccountEvent::ExemptionAwarded(PeriodStarted { value: class, from, to })
        }
        CircumstanceChange::EndExemption { last_day } => {
            AccountEvent::ExemptionEnded(open_period(&account.exemptions, last_day, "exemption")?)
        }
        CircumstanceChange::StartPremium { basis, from, to } => {
            check_period(account, &account.premiums, from, to, "premium")?;
            AccountEvent::PremiumStarted(PeriodStarted { value: basis, from, to })
        }
        CircumstanceChange::EndPremium { last_day } => {
            AccountEvent::PremiumEnded(open_period(&account.premiums, last_day, "premium")?)
        }
        CircumstanceChange::SetReduction { claim, periods } => {
            let periods = within_liability(account, periods);
            check_reductions(account, claim, &periods)?;
            let current: Vec<_> = account
                .reductions
                .iter()
                .filter(|period| period.value.claim == claim)
                .cloned()
                .collect();
            if current == periods {
                return Ok(Vec::new());
            }
            AccountEvent::ReductionSet(ReductionSet { claim, periods })
        }
        CircumstanceChange::Recalculate => return Ok(Vec::new()),
    };
    Ok(vec![event])
}

/// A claim's periods must each name it, be in order without overlapping, lie inside the
/// liability, and not overlap another claim's (one CTR award at a time on an account).
fn check_reductions(
    account: &OpenAccountState,
    claim: crate::ids::ClaimId,
    periods: &[Period<crate::charge::Reduction>],
) -> Result<(), AccountError> {
    for (index, period) in periods.iter().enumerate() {
        if period.value.claim != claim || period.value.percent_bp > 10_000 || period.value.weekly_less.get() < 0 {
            return Err(AccountError::BadDate(
                "a reduction must name its claim and a percentage up to 100%",
            ));
        }
        if period.to.is_some_and(|to| to < period.from) {
            return Err(AccountError::BadDate("a reduction cannot end before it starts"));
        }
        if periods[..index].iter().any(|earlier| earlier.overlaps(period)) {
            return Err(AccountError::Overlap("reduction"));
        }
        let others = account.reductions.iter().filter(|other| other.value.claim != claim);
        if others.clone().any(|other| other.overlaps(period)) {
            return Err(AccountError::Overlap("reduction"));
        }
    }
    Ok(())
}

/// An award reduces only days the account is liable for: a backdated award that starts
/// before the move-in (or runs past the move-out) applies to the liable days within it.
fn within_liability(
    account: &OpenAccountState,
    periods: Vec<Period<crate::charge::Reduction>>,
) -> Vec<Period<crate::charge::Reduction>> {
    periods
        .into_iter()
        .filter_map(|mut period| {
            period.from = period.from.max(account.liability_start);
            period.to = match (period.to, account.liability_last_day) {
                (Some(to), Some(last)) => Some(to.min(last)),
                (to, last) => to.or(last),
            };
            period.to.is_none_or(|to| to >= period.from).then_some(period)
        })
        .collect()
}
