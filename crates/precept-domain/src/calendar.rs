//! Financial years and the date arithmetic the rules need.
//!
//! A financial year runs 1 April to 31 March (REFERENCE.md conventions): "2025/26" is
//! 1 April 2025 to 31 March 2026. Council Tax settings, bills and instalments are per year.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};

/// A financial year, named by the calendar year it starts in (2025 is "2025/26").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct FinancialYear(i32);

/// Why a financial year was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("financial year must be written 2025/26 or 2025-26, between 1993/94 and 2199/00")]
pub struct MalformedYear;

impl FinancialYear {
    /// Council Tax began on 1 April 1993 (REFERENCE §1.1).
    pub const FIRST: i32 = 1993;
    /// A bound far beyond any real bill, so date arithmetic never overflows.
    pub const LAST: i32 = 2199;

    /// The year starting in April of `start_year`.
    ///
    /// # Errors
    /// [`MalformedYear`] outside 1993..=2199.
    pub fn starting(start_year: i32) -> Result<Self, MalformedYear> {
        if (Self::FIRST..=Self::LAST).contains(&start_year) {
            Ok(FinancialYear(start_year))
        } else {
            Err(MalformedYear)
        }
    }

    /// The year a date falls in.
    pub fn containing(date: NaiveDate) -> Self {
        let start = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        FinancialYear(start)
    }

    /// The calendar year it starts in.
    pub fn start_year(self) -> i32 {
        self.0
    }

    /// 1 April.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).expect("1 April exists in every supported year")
    }

    /// 31 March of the next calendar year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).expect("31 March exists in every supported year")
    }

    /// 365, or 366 when the year holds 29 February (REFERENCE §1.4).
    pub fn days(self) -> i64 {
        days_inclusive(self.first_day(), self.last_day())
    }

    /// The next year.
    pub fn next(self) -> Self {
        FinancialYear(self.0 + 1)
    }

    /// Whether `date` falls in this year.
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}", self.0, (self.0 + 1) % 100)
    }
}

impl FromStr for FinancialYear {
    type Err = MalformedYear;

    /// Accepts "2025/26" and "2025-26" (the subject-safe form); the second part must follow.
    fn from_str(text: &str) -> Result<Self, MalformedYear> {
        let (first, second) = text.split_once(['/', '-']).ok_or(MalformedYear)?;
        let start: i32 = first.parse().map_err(|_| MalformedYear)?;
        let end: i32 = second.parse().map_err(|_| MalformedYear)?;
        if first.len() != 4 || second.len() != 2 || end != (start + 1) % 100 {
            return Err(MalformedYear);
        }
        FinancialYear::starting(start)
    }
}

/// Days from `from` to `to`, both included; 0 when `to` is before `from`.
pub fn days_inclusive(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days().max(-1) + 1
}

/// `date` plus `months` calendar months, on `day` of that month (days past the month's end
/// fall on its last day, so day 31 is never skipped).
pub fn month_day(date: NaiveDate, months: u32, day: u32) -> NaiveDate {
    let first = date
        .with_day(1)
        .and_then(|first| first.checked_add_months(Months::new(months)))
        .expect("supported dates are far from chrono's limits");
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .expect("supported dates are far from chrono's limits");
    first.with_day(day.min(last.day())).unwrap_or(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("fixture date is valid")
    }

    #[test]
    fn years_name_parse_and_bound() {
        let year: FinancialYear = "2025/26".parse().expect("valid");
        assert_eq!(year.to_string(), "2025/26");
        assert_eq!("2025-26".parse::<FinancialYear>(), Ok(year));
        assert_eq!("1999/00".parse::<FinancialYear>().map(|y| y.start_year()), Ok(1999));
        for bad in ["2025/27", "2025", "25/26", "2025/2026", "1992/93", "abcd/ef"] {
            assert_eq!(bad.parse::<FinancialYear>(), Err(MalformedYear), "{bad}");
        }
    }

    #[test]
    fn years_run_april_to_march_with_leap_days_counted() {
        let year = FinancialYear::containing(date("2024-02-29"));
        assert_eq!(year.to_string(), "2023/24");
        assert_eq!(year.days(), 366);
        assert_eq!(FinancialYear::containing(date("2025-04-01")).days(), 365);
        assert!(year.contains(date("2024-03-31")) && !year.contains(date("2024-04-01")));
    }

    #[test]
    fn inclusive_day_counts_follow_reference_1_4() {
        // REFERENCE §1.4: 3 May to 11 November inclusive is 193 days.
        assert_eq!(days_inclusive(date("2025-05-03"), date("2025-11-11")), 193);
        assert_eq!(days_inclusive(date("2025-05-03"), date("2025-05-02")), 0);
    }

    #[test]
    fn month_days_clamp_to_month_end() {
        assert_eq!(month_day(date("2025-03-18"), 1, 1), date("2025-04-01"));
        assert_eq!(month_day(date("2025-01-31"), 1, 31), date("2025-02-28"));
        assert_eq!(month_day(date("2025-04-15"), 0, 23), date("2025-04-23"));
    }
}
