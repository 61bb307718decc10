//! The effective-dated facts a charge is computed from: periods of discount, exemption and
//! premium on an account, and the context (property band, year settings) around it.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::calendar::FinancialYear;
use crate::council_year::YearHistory;
use crate::property::PropertyState;

/// A fact that holds from a day to a day (both included), or from a day onwards.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Period<T> {
    /// First day.
    pub from: NaiveDate,
    /// Last day; `None` while it continues.
    pub to: Option<NaiveDate>,
    /// The fact.
    pub value: T,
}

impl<T> Period<T> {
    /// Whether the period holds on `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }

    /// Whether two periods share a day.
    pub fn overlaps<U>(&self, other: &Period<U>) -> bool {
        self.from <= other.to.unwrap_or(NaiveDate::MAX) && other.from <= self.to.unwrap_or(NaiveDate::MAX)
    }
}

/// A discount on the charge (REFERENCE §1.6). Levels are council policy, set per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DiscountKind {
    /// One counted adult: 25%.
    SinglePerson,
    /// Every resident disregarded: 50%.
    AllDisregarded,
}

/// An exemption class letter (REFERENCE §1.7: B and D to W; A and C were abolished in 2013).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ExemptionClass(char);

/// Why an exemption class was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("exemption class must be one of B, D-W")]
pub struct UnknownExemptionClass;

impl ExemptionClass {
    /// Parses a class letter.
    ///
    /// # Errors
    /// [`UnknownExemptionClass`].
    pub fn parse(text: &str) -> Result<Self, UnknownExemptionClass> {
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(letter @ ('B' | 'D'..='W')), None) => Ok(ExemptionClass(letter)),
            _ => Err(UnknownExemptionClass),
        }
    }

    /// The letter.
    pub fn letter(self) -> char {
        self.0
    }
}

impl fmt::Display for ExemptionClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a premium applies (REFERENCE §1.8). The level comes from council policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PremiumBasis {
    /// Unoccupied and substantially unfurnished since a date. The date belongs to the property:
    /// a buyer inherits the empty period, so it may be before the account started.
    LongTermEmpty {
        /// First day the dwelling was empty.
        empty_since: NaiveDate,
    },
    /// Furnished, no one's main residence.
    SecondHome,
}

/// A Council Tax Reduction award on the account (REFERENCE §3.3), as its claim decided it:
/// each day's reduction is `percent_bp` of the day's charge after discounts and premiums,
/// less `weekly_less` / 7, never below nothing. The claim is named so each side of the award
/// links to the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Reduction {
    /// The CTR claim.
    pub claim: crate::ids::ClaimId,
    /// Share of the charge reduced, basis points.
    pub percent_bp: u32,
    /// Weekly amount taken off the reduction (non-dependant deductions, the pension-age taper).
    pub weekly_less: crate::money::Pence,
}

/// The liability facts of one account.
#[derive(Debug, Clone, Copy)]
pub struct Liability<'a> {
    /// First liable day.
    pub start: NaiveDate,
    /// Last liable day, once the liability has ended.
    pub last_day: Option<NaiveDate>,
    /// Discount periods (never overlapping).
    pub discounts: &'a [Period<DiscountKind>],
    /// Exemption periods (never overlapping).
    pub exemptions: &'a [Period<ExemptionClass>],
    /// Premium periods (never overlapping).
    pub premiums: &'a [Period<PremiumBasis>],
    /// Council Tax Reduction periods (never overlapping).
    pub reductions: &'a [Period<Reduction>],
}

/// What a charge needs from outside the account: the property's bands and parish, and the
/// council's settings for each year.
#[derive(Debug, Clone, Default)]
pub struct BillingContext {
    /// The property the account is at.
    pub property: Arc<PropertyState>,
    /// Settings by year.
    pub years: BTreeMap<FinancialYear, Arc<YearHistory>>,
}
