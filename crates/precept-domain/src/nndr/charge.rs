//! One hereditament's business rates for a liable period in a year, with its reliefs.
//!
//! The order (REFERENCE §2.3; the statutory ordering is unconfirmed there, so this one is
//! ours, documented in docs/NNDR.md and tested):
//! 1. **gross** = RV × multiplier × liable days ÷ days in the year;
//! 2. **transitional relief** (§2.8): the increase above the previous year's bill, inflated
//!    and capped by size band; or, in a year with a supplement (2026/27), the supplement on
//!    the multiplier where no transitional relief is given. The reliefs below are fractions of
//!    this chargeable amount;
//! 3. **empty property relief** for unoccupied days inside the free months (3, or 6 for
//!    qualifying industrial premises), or the whole period when exempt (RV below the empty
//!    exemption value, a listed building, or an exemption the council accepted); the
//!    occupied-only reliefs below do not apply to empty property;
//! 4. **mandatory relief**: charitable 80% of the chargeable amount, or else small business rate relief on
//!    the ratepayer's main property (the two do not combine, §2.4);
//! 5. **discretionary relief**: a charity top-up (basis points of the chargeable amount, at most
//!    what is left),
//!    then RHL relief on what remains, capped at the business's cash cap less what its group
//!    has had elsewhere.
//!
//! Every line is an exact fraction, rounded half up cumulatively (a line is the difference of
//! two rounded running totals), so reliefs never exceed what they relieve and gross plus
//! supplement less transitional relief and the other reliefs is the net, to the penny.

use chrono::{Months, NaiveDate};

use super::parameters::{Multiplier, MultiplierKind, NndrYear, SbrrTaper};
use crate::calendar::days_inclusive;
use crate::money::{ExactPence, Pence, round_half_up};

/// Occupied or empty, for the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Occupation {
    /// Occupied: the occupier is liable.
    Occupied,
    /// Empty: the owner is liable after the free months.
    Empty {
        /// The day it became empty (a change of owner does not restart the free months).
        since: NaiveDate,
        /// Qualifying industrial premises (6 months free rather than 3).
        industrial: bool,
    },
}

/// The facts of the hereditament for one liable period within a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PropertyFacts {
    /// Rateable value, whole pounds.
    pub rateable_value: u32,
    /// Wholly or mainly used for qualifying retail, hospitality or leisure (§2.2, §2.7).
    pub rhl_use: bool,
    /// Occupied or empty.
    pub occupation: Occupation,
    /// A listed building: exempt while empty, indefinitely (REFERENCE §2.6).
    pub listed_building: bool,
    /// First liable day.
    pub from: NaiveDate,
    /// Last liable day (same financial year as `from`).
    pub to: NaiveDate,
}

/// What the ratepayer qualifies for, as decided by the council.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ReliefClaims {
    /// SBRR on this property as the ratepayer's main (or only) one (§2.4's tests met).
    pub sbrr: bool,
    /// A charity or CASC using it wholly or mainly for its purposes (§2.5).
    pub charity: bool,
    /// The council's discretionary top-up, basis points of the chargeable amount.
    pub charity_top_up_bp: u32,
    /// RHL relief already granted to the business's group this year elsewhere.
    pub rhl_cap_used: Pence,
    /// Empty and exempt indefinitely for a reason the council has accepted (charity next use,
    /// occupation prohibited by law, owner insolvent or an executor: REFERENCE §2.6).
    pub empty_exempt: bool,
    /// The previous year's annual bill that transitional relief caps this year's increase
    /// against (REFERENCE §2.8); `None` when not eligible (e.g. listed after the revaluation).
    pub transitional_base: Option<Pence>,
}

/// A charge and every relief in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NndrCharge {
    /// The multiplier that applied.
    pub multiplier_kind: MultiplierKind,
    /// Its value, tenths of a penny per pound.
    pub multiplier: Multiplier,
    /// Liable days.
    pub days: i64,
    /// RV × multiplier for the days.
    pub gross: Pence,
    /// The multiplier supplement for the days (2026/27, when no transitional relief).
    pub supplement: Pence,
    /// Transitional relief: the increase above the cap.
    pub transitional: Pence,
    /// Empty property relief.
    pub empty_relief: Pence,
    /// Mandatory charitable relief.
    pub charity_relief: Pence,
    /// Small business rate relief.
    pub sbrr: Pence,
    /// Discretionary charity top-up.
    pub charity_top_up: Pence,
    /// Retail, hospitality and leisure relief.
    pub rhl_relief: Pence,
    /// What is payable.
    pub net: Pence,
}

fn ratio(numerator: i128, denominator: i128) -> ExactPence {
    ExactPence::new(numerator, denominator)
}

/// The share of relief SBRR gives at `rv` (1 at or below the full threshold, 0 from the
/// zero threshold, a straight line between: REFERENCE §2.4).
fn sbrr_share(taper: SbrrTaper, rv: u32) -> ExactPence {
    if rv <= taper.full_up_to {
        ratio(1, 1)
    } else if rv >= taper.zero_from {
        ratio(0, 1)
    } else {
        ratio(
            i128::from(taper.zero_from - rv),
            i128::from(taper.zero_from - taper.full_up_to),
        )
    }
}

/// Days of `from..=to` inside the empty free months (the whole period if exempt).
fn free_days(year: &NndrYear, facts: &PropertyFacts, exempt: bool) -> i64 {
    let Occupation::Empty { since, industrial } = facts.occupation else {
        return 0;
    };
    let days = days_inclusive(facts.from, facts.to);
    if facts.rateable_value < year.empty.exempt_below || facts.listed_building || exempt {
        return days;
    }
    let months = if industrial {
        year.empty.industrial_months
    } else {
        year.empty.months
    };
    let free_until = since.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX);
    if free_until <= facts.from {
        return 0;
    }
    let last_free = free_until.pred_opt().unwrap_or(NaiveDate::MIN).min(facts.to);
    days_inclusive(facts.from, last_free).max(0)
}

/// Reliefs granted so far against a gross charge. Each is rounded cumulatively (the rounded
/// running total less the rounded total before it), so together they never exceed the
/// rounded gross and a bill's lines add up exactly.
struct Grants {
    gross: ExactPence,
    granted: ExactPence,
}

impl Grants {
    fn new(gross: ExactPence) -> Self {
        Grants {
            gross,
            granted: ratio(0, 1),
        }
    }

    fn remaining(&self) -> ExactPence {
        self.gross - self.granted
    }

    fn take(&mut self, relief: ExactPence) -> Pence {
        let relief = relief.min(self.remaining()).max(ratio(0, 1));
        let before = round_half_up(self.granted);
        self.granted += relief;
        round_half_up(self.granted) - before
    }
}

/// The cap transitional relief puts on the period's charge: the previous year's bill, inflated,
/// plus the year's allowed increase, for the period's days.
fn transitional_cap(year: &NndrYear, facts: &PropertyFacts, base: Pence, days: i64) -> Option<ExactPence> {
    let caps = year.transitional?;
    let factor = (10_000 + i128::from(caps.inflation_bp)) * (10_000 + i128::from(caps.cap_bp(facts.rateable_value)));
    Some(ratio(
        i128::from(base.get()) * factor * i128::from(days),
        100_000_000 * i128::from(year.year.days()),
    ))
}

/// The charge for a liable period (REFERENCE §2.3 order, as set out in the module docs).
pub fn nndr_charge(year: &NndrYear, facts: &PropertyFacts, claims: &ReliefClaims) -> NndrCharge {
    let occupied = facts.occupation == Occupation::Occupied;
    let (multiplier_kind, multiplier) = year
        .multipliers
        .applicable(facts.rateable_value, facts.rhl_use, occupied);
    let days = days_inclusive(facts.from, facts.to).max(0);
    let per_day = |tenths: u32| {
        ratio(
            i128::from(facts.rateable_value) * i128::from(tenths) * i128::from(days),
            10 * i128::from(year.year.days()),
        )
    };
    let gross = per_day(multiplier.0);
    // Transitional relief caps an increase; a bill that falls passes through (§2.8).
    let cap = claims
        .transitional_base
        .and_then(|base| transitional_cap(year, facts, base, days));
    let transitional = cap.map_or(ratio(0, 1), |cap| (gross - cap).max(ratio(0, 1)));
    let supplement = match year.supplement {
        Some(extra) if transitional == ratio(0, 1) => per_day(extra.0),
        _ => ratio(0, 1),
    };
    let chargeable = gross + supplement - transitional;
    let mut grants = Grants::new(chargeable);
    let empty_share = if days == 0 {
        ratio(0, 1)
    } else {
        ratio(
            i128::from(free_days(year, facts, claims.empty_exempt)),
            i128::from(days),
        )
    };
    let empty_relief = grants.take(chargeable * empty_share);
    let bp = |bp: u32| ratio(i128::from(bp), 10_000);
    let (charity_relief, sbrr, charity_top_up) = if !occupied {
        (Pence::ZERO, Pence::ZERO, Pence::ZERO)
    } else if claims.charity {
        let mandatory = grants.take(chargeable * bp(year.charity_mandatory_bp));
        (
            mandatory,
            Pence::ZERO,
            grants.take(chargeable * bp(claims.charity_top_up_bp)),
        )
    } else if claims.sbrr {
        let share = sbrr_share(year.sbrr, facts.rateable_value);
        (Pence::ZERO, grants.take(chargeable * share), Pence::ZERO)
    } else {
        (Pence::ZERO, Pence::ZERO, Pence::ZERO)
    };
    let rhl_relief = match year.rhl {
        Some(rhl) if occupied && facts.rhl_use => {
            let cap = (rhl.cash_cap - claims.rhl_cap_used).max(Pence::ZERO);
            let relief = (grants.remaining() * bp(rhl.relief_bp)).min(ratio(i128::from(cap.get()), 1));
            grants.take(relief)
        }
        _ => Pence::ZERO,
    };
    // Each line is a difference of rounded running totals, so the lines add up exactly.
    let gross_rounded = round_half_up(gross);
    let with_supplement = round_half_up(gross + supplement);
    let chargeable = round_half_up(chargeable);
    let reliefs = empty_relief + charity_relief + sbrr + charity_top_up + rhl_relief;
    NndrCharge {
        multiplier_kind,
        multiplier,
        days,
        gross: gross_rounded,
        supplement: with_supplement - gross_rounded,
        transitional: with_supplement - chargeable,
        empty_relief,
        charity_relief,
        sbrr,
        charity_top_up,
        rhl_relief,
        net: (chargeable - reliefs).max(Pence::ZERO),
    }
}
