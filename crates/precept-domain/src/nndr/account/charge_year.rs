//! A business rates account's charge for a year: the year is cut into periods in which the
//! rateable value, occupation and reliefs stay the same, each period is charged with
//! [`crate::nndr::nndr_charge`] (so each is rounded once), and the year is their sum.
//! Liability is daily (REFERENCE §2.1), so a change on any day starts a new period.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::command::NndrContext;
use super::state::OpenNndrAccount;
use crate::calendar::FinancialYear;
use crate::ledger::Charged;
use crate::money::Pence;
use crate::nndr::{NndrCharge, Occupation, PropertyFacts, ReliefClaims, nndr_charge};

/// One period of the year with constant facts, and its charge.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NndrPeriod {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Rateable value.
    pub rateable_value: u32,
    /// Occupied.
    pub occupied: bool,
    /// The charge for the period.
    pub charge: NndrCharge,
}

/// A year's charge: the periods and their totals.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NndrYearCharge {
    /// Year.
    pub year: FinancialYear,
    /// Periods.
    pub periods: Vec<NndrPeriod>,
    /// Gross (RV × multiplier for the liable days).
    pub gross: Pence,
    /// Multiplier supplement.
    pub supplement: Pence,
    /// Transitional relief.
    pub transitional: Pence,
    /// Empty property relief.
    pub empty_relief: Pence,
    /// Mandatory charitable relief.
    pub charity_relief: Pence,
    /// Small business rate relief.
    pub sbrr: Pence,
    /// Discretionary top-up.
    pub charity_top_up: Pence,
    /// Retail, hospitality and leisure relief.
    pub rhl_relief: Pence,
    /// Payable.
    pub net: Pence,
}

impl Charged for NndrYearCharge {
    fn net(&self) -> Pence {
        self.net
    }
}

impl NndrYearCharge {
    /// A year with no liable day.
    pub fn nil(year: FinancialYear) -> Self {
        Self::from_periods(year, Vec::new())
    }

    /// Liable days.
    pub fn liable_days(&self) -> i64 {
        self.periods.iter().map(|period| period.charge.days).sum()
    }

    /// The year's charge from its periods: the totals are their sums.
    pub fn from_periods(year: FinancialYear, periods: Vec<NndrPeriod>) -> Self {
        let total =
            |part: fn(&NndrCharge) -> Pence| periods.iter().map(|p| part(&p.charge)).fold(Pence::ZERO, |a, b| a + b);
        NndrYearCharge {
            year,
            gross: total(|c| c.gross),
            supplement: total(|c| c.supplement),
            transitional: total(|c| c.transitional),
            empty_relief: total(|c| c.empty_relief),
            charity_relief: total(|c| c.charity_relief),
            sbrr: total(|c| c.sbrr),
            charity_top_up: total(|c| c.charity_top_up),
            rhl_relief: total(|c| c.rhl_relief),
            net: total(|c| c.net),
            periods,
        }
    }
}

/// Why a year could not be charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NndrChargeError {
    /// No settings for the year.
    #[error("business rates settings for {0} are not set up")]
    YearNotSetUp(FinancialYear),
    /// The hereditament is not listed.
    #[error("the hereditament is not listed")]
    NotListed,
}

/// The year's charge, or `None` when no day of it is liable.
///
/// # Errors
/// [`NndrChargeError`] when the settings or the hereditament are missing.
pub fn year_charge(
    account: &OpenNndrAccount,
    year: FinancialYear,
    context: &NndrContext,
) -> Result<Option<NndrYearCharge>, NndrChargeError> {
    let settings = context.years.get(&year).ok_or(NndrChargeError::YearNotSetUp(year))?;
    let hereditament = &context.hereditament;
    let listed_from = hereditament.listed_from().ok_or(NndrChargeError::NotListed)?;
    let first = year.first_day().max(account.liability_start).max(listed_from);
    let last = [
        Some(year.last_day()),
        account.liability_last_day,
        hereditament.last_day(),
    ]
    .into_iter()
    .flatten()
    .min()
    .expect("the year's last day is always there");
    if first > last {
        return Ok(None);
    }
    let mut starts: BTreeSet<NaiveDate> = BTreeSet::from([first]);
    let inside = |date: &NaiveDate| (first..=last).contains(date);
    starts.extend(hereditament.values.keys().copied().filter(inside));
    starts.extend(account.occupation.iter().map(|(from, _)| *from).filter(inside));
    starts.extend(account.reliefs.iter().map(|(from, _)| *from).filter(inside));
    // A mid-year change of the settings (a corrected multiplier) applies from its date.
    starts.extend(settings.effective_dates().filter(inside));
    let starts: Vec<NaiveDate> = starts.into_iter().collect();
    let mut periods = Vec::with_capacity(starts.len());
    let mut rhl_used = Pence::ZERO;
    for (index, from) in starts.iter().enumerate() {
        let to = starts.get(index + 1).and_then(|next| next.pred_opt()).unwrap_or(last);
        let rateable_value = hereditament.value_on(*from).unwrap_or(0);
        let occupation = account.occupation_on(*from, hereditament.class.industrial);
        let mut claims = account.reliefs_on(*from);
        claims.rhl_cap_used = claims.rhl_cap_used + rhl_used;
        let facts = PropertyFacts {
            rateable_value,
            rhl_use: hereditament.class.rhl_use,
            occupation,
            listed_building: hereditament.class.listed_building,
            from: *from,
            to,
        };
        let national = &settings.on(*from).ok_or(NndrChargeError::YearNotSetUp(year))?.national;
        let charge = nndr_charge(national, &facts, &claims);
        rhl_used = rhl_used + charge.rhl_relief;
        periods.push(NndrPeriod {
            from: *from,
            to,
            rateable_value,
            occupied: occupation == Occupation::Occupied,
            charge,
        });
    }
    Ok(Some(NndrYearCharge::from_periods(year, periods)))
}

impl OpenNndrAccount {
    /// Occupied, or empty since the day it became empty, on `date`. A run of "empty"
    /// entries is one empty spell (a corrected date or a repeated report does not restart
    /// the free months, REFERENCE §2.6): it counts from the first of them.
    pub fn occupation_on(&self, date: NaiveDate, industrial: bool) -> Occupation {
        let Some(index) = self.occupation.iter().rposition(|(from, _)| *from <= date) else {
            return Occupation::Occupied;
        };
        if self.occupation[index].1 {
            return Occupation::Occupied;
        }
        let first = self.occupation[..index]
            .iter()
            .rposition(|(_, occupied)| *occupied)
            .map_or(0, |occupied| occupied + 1);
        Occupation::Empty {
            since: self.occupation[first].0,
            industrial,
        }
    }

    /// The reliefs on `date`.
    pub fn reliefs_on(&self, date: NaiveDate) -> ReliefClaims {
        self.reliefs
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map(|(_, claims)| *claims)
            .unwrap_or_default()
    }
}
