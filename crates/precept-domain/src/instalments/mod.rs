//! Instalment plans for Council Tax demand notices (SI 1992/613 Sch 1; REFERENCE §1.9).
//!
//! - How many: 10 for notices issued before or in April; from May to December one less than
//!   the whole months left after the month of issue; from January one. A taxpayer who asked
//!   for 12 gets 12 if the notice is issued by 15 April, and after that what the council's
//!   `late_twelve_rule` says (the statutory wording is unconfirmed).
//! - When: monthly on the account's chosen day, the first at least 14 days after issue, none
//!   after 31 March; a single instalment falls 14 days after issue.
//! - How much: whole pounds with the first taking the difference (Sch 1 para 2(5)-(6)); never
//!   an instalment under the council's minimum (£5, para 2(7)/3).
//! - Revised notices keep instalments already due and re-spread the rest (para 10).

use chrono::{Datelike, Days, NaiveDate};

use crate::calendar::{FinancialYear, month_day};
use crate::council_year::{LateTwelveRule, LocalPolicy};

use crate::money::Pence;

/// Days a notice allows before its first instalment is due (REFERENCE §1.9).
pub const NOTICE_DAYS: u64 = 14;

/// The taxpayer's choice of plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PlanLength {
    /// The statutory scheme (10 for an annual bill).
    Statutory,
    /// Twelve monthly instalments on request (reg 21(1C)); persists until withdrawn.
    Twelve,
}

/// How an account pays: plan length and the day of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct InstalmentPlan {
    /// Plan length.
    pub length: PlanLength,
    /// Day of the month instalments fall on (one of the council's `instalment_days`).
    pub day: u32,
}

impl Default for InstalmentPlan {
    fn default() -> Self {
        InstalmentPlan {
            length: PlanLength::Statutory,
            day: 1,
        }
    }
}

/// The local choices instalment plans depend on, shared by Council Tax and business rates
/// (whose 12-instalment and minimum rules have the same shape, REFERENCE §2.9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstalmentRules {
    /// What a request for 12 gets after 15 April.
    pub late_twelve_rule: LateTwelveRule,
    /// Smallest instalment before instalments are merged.
    pub minimum: Pence,
}

impl LocalPolicy {
    /// The Council Tax instalment rules in this policy.
    pub fn instalment_rules(&self) -> InstalmentRules {
        InstalmentRules {
            late_twelve_rule: self.late_twelve_rule,
            minimum: self.instalment_minimum,
        }
    }
}

/// One instalment of a demand notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Instalment {
    /// Due date.
    pub due: NaiveDate,
    /// Amount.
    pub amount: Pence,
}

/// The instalments of a first demand notice for `year` issued on `issue` for `total`.
pub fn first_notice(
    year: FinancialYear,
    issue: NaiveDate,
    total: Pence,
    plan: InstalmentPlan,
    policy: &InstalmentRules,
) -> Vec<Instalment> {
    let count = instalment_count(year, issue, plan, policy);
    // A single statutory instalment falls 14 days after issue, whatever the chosen day.
    let dates = if count == 1 {
        Vec::new()
    } else {
        monthly_dates(year, issue, plan.day)
    };
    schedule(total, count, dates, issue, policy.minimum)
}

/// A revised notice for a new `total` issued on `issue`: instalments already due (before the
/// earliest date a new one could fall) are kept, capped so they never exceed the total; the
/// rest is spread over the remaining dates, or over new monthly dates on `new_day` to March.
pub fn revised_notice(
    year: FinancialYear,
    previous: &[Instalment],
    issue: NaiveDate,
    total: Pence,
    new_day: Option<u32>,
    policy: &InstalmentRules,
) -> Vec<Instalment> {
    let earliest = earliest_due(issue);
    let mut kept = Vec::new();
    let mut demanded = Pence::ZERO;
    for instalment in previous.iter().filter(|i| i.due < earliest) {
        let amount = instalment.amount.min(total - demanded);
        if amount.is_positive() {
            kept.push(Instalment {
                due: instalment.due,
                amount,
            });
            demanded = demanded + amount;
        }
    }
    let dates: Vec<NaiveDate> = match new_day {
        // New dates start in the month after the last instalment kept: never two in a month.
        Some(day) => monthly_dates(year, issue, day)
            .into_iter()
            .filter(|date| {
                kept.last()
                    .is_none_or(|last: &Instalment| (date.year(), date.month()) > (last.due.year(), last.due.month()))
            })
            .collect(),
        None => previous.iter().map(|i| i.due).filter(|due| *due >= earliest).collect(),
    };
    let count = u32::try_from(dates.len()).unwrap_or(u32::MAX);
    kept.extend(schedule(total - demanded, count, dates, issue, policy.minimum));
    kept
}

/// The statutory count, with the 12-instalment request applied.
pub fn instalment_count(year: FinancialYear, issue: NaiveDate, plan: InstalmentPlan, policy: &InstalmentRules) -> u32 {
    let months_left = months_after(year, issue);
    let statutory = if issue < year.first_day() || (issue.month() == 4 && year.contains(issue)) {
        10
    } else if months_left >= 3 {
        months_left - 1
    } else {
        1
    };
    match plan.length {
        PlanLength::Statutory => statutory,
        PlanLength::Twelve => {
            let mid_april = year.first_day().with_day(15).expect("15 April exists");
            if issue <= mid_april {
                12
            } else {
                match policy.late_twelve_rule {
                    LateTwelveRule::WholeMonthsRemaining => months_left.max(1),
                    LateTwelveRule::Statutory => statutory,
                }
            }
        }
    }
}

/// Whole months of the year after the month of issue (12 for a notice before the year).
fn months_after(year: FinancialYear, issue: NaiveDate) -> u32 {
    if issue < year.first_day() {
        return 12;
    }
    if issue > year.last_day() {
        return 0;
    }
    // April is month 0 of the year, March month 11.
    let index = (issue.month() + 12 - 4) % 12;
    11 - index
}

fn earliest_due(issue: NaiveDate) -> NaiveDate {
    issue
        .checked_add_days(Days::new(NOTICE_DAYS))
        .expect("supported dates are far from chrono's limits")
}

/// Monthly dates on `day` from the first that allows the notice period, up to 31 March.
fn monthly_dates(year: FinancialYear, issue: NaiveDate, day: u32) -> Vec<NaiveDate> {
    let earliest = earliest_due(issue).max(year.first_day());
    let mut dates = Vec::with_capacity(12);
    for months in 0..13 {
        let date = month_day(earliest, months, day);
        if date > year.last_day() {
            break;
        }
        if date >= earliest {
            dates.push(date);
        }
    }
    dates
}

/// `total` over at most `count` of `dates`, after the minimum-instalment rule; a single
/// instalment 14 days after issue when no date is left.
fn schedule(total: Pence, count: u32, dates: Vec<NaiveDate>, issue: NaiveDate, minimum: Pence) -> Vec<Instalment> {
    if !total.is_positive() {
        return Vec::new();
    }
    let mut dates = dates;
    if dates.is_empty() {
        dates.push(earliest_due(issue));
    }
    let count = usize::try_from(count.max(1)).unwrap_or(usize::MAX).min(dates.len());
    let amounts = split_instalments(total, count, minimum);
    dates
        .into_iter()
        .zip(amounts)
        .map(|(due, amount)| Instalment { due, amount })
        .collect()
}

/// Splits `total` into at most `count` instalments (REFERENCE §1.9).
///
/// The count first drops to the greatest n with n x minimum <= total (one instalment below
/// twice the minimum). If the total divides into whole pounds, instalments are equal;
/// otherwise instalments 2..n are the total / n rounded to the nearest pound and the first
/// takes the difference. Should rounding up leave the first at or below zero, one fewer
/// instalment is used.
pub fn split_instalments(total: Pence, count: usize, minimum: Pence) -> Vec<Pence> {
    if !total.is_positive() || count == 0 {
        return Vec::new();
    }
    let c = i128::from(total.get());
    let mut d = i128::try_from(count).unwrap_or(i128::MAX);
    let min = i128::from(minimum.get().max(1));
    d = if c < 2 * min { 1 } else { d.min(c / min) };
    loop {
        if c % (100 * d) == 0 {
            let each = Pence::new(i64::try_from(c / d).expect("an instalment fits the total"));
            return vec![each; usize::try_from(d).expect("count came from a usize")];
        }
        // Nearest whole pound of C/D, halves up: (2C + 100D) / (200D) pounds.
        let later = (2 * c + 100 * d) / (200 * d) * 100;
        let first = c - (d - 1) * later;
        if first > 0 || d == 1 {
            let mut amounts = vec![Pence::new(i64::try_from(first).expect("fits")); 1];
            amounts.extend(std::iter::repeat_n(
                Pence::new(i64::try_from(later).expect("fits")),
                usize::try_from(d - 1).expect("count came from a usize"),
            ));
            return amounts;
        }
        d -= 1;
    }
}

#[cfg(test)]
mod tests;
