//! Council Tax Reduction (REFERENCE §3.3): a council's scheme (a local banded scheme for
//! working age, the national scheme for pension age) and the weekly assessment.
//!
//! What this is: [`assess_ctr`], a pure function from weekly circumstances to a
//! [`CtrAssessment`] that says how the award reduces the Council Tax charge, and the
//! helpers a change of circumstances needs ([`band_for`], [`banded_income`]).
//! What this is not: the charge itself (the charge module applies the reduction day by day),
//! award periods, backdating, the working-age means-tested (taper) schemes some councils
//! still run, protected groups, two-child limits or the minimum income floor, and the
//! pension-age second adult rebate (Class C), which is not assessed yet.
//!
//! One shape for every scheme: the reduction for a day is
//! `max(0, percent_bp × the day's liability after discounts − weekly_less ÷ 7)`.
//! Banded schemes set the band's percentage and take their flat non-dependant deductions off
//! *after* the percentage (the common reading; REFERENCE leaves it to the scheme). The
//! pension-age scheme allows 100% of liability less non-dependant deductions and the taper.

mod banded;
mod councils;
mod pension;

pub use banded::{BandGrid, BandedScheme, FlatNonDependant, HouseholdMatch, IncomeBasis};
pub use pension::PensionAgeScheme;

use crate::benefits::hb::{self, Household, NonDependant};
use crate::money::{ExactPence, Pence, Rounding, apportion};

/// A council's CTR scheme for a year: its own working-age scheme and the national
/// pension-age one.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CtrScheme {
    /// The local working-age banded scheme.
    pub working_age: BandedScheme,
    /// The national pension-age scheme.
    pub pension_age: PensionAgeScheme,
}

impl CtrScheme {
    /// Checks both schemes.
    ///
    /// # Errors
    /// The dotted name of the first field that fails, e.g. `working_age.grids.upper_limits` or
    /// `pension_age.taper_bp`.
    pub fn validate(&self) -> Result<(), &'static str> {
        banded::validate_working_age(&self.working_age)?;
        pension::validate_pension_age(&self.pension_age)
    }
}

/// A claim's circumstances for one week.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CtrCircumstances {
    /// The household; `pension_age` picks the scheme.
    pub household: Household,
    /// Net weekly earnings of the claimant and partner, before any disregard.
    pub weekly_earnings: Pence,
    /// Other weekly income that counts under the scheme.
    pub other_weekly_income: Pence,
    /// Capital of the claimant and partner.
    pub capital: Pence,
    /// On a passporting benefit (IS, JSA(IB), ESA(IR), maximum UC with no other income; for
    /// pension age, Pension Credit guarantee credit).
    pub passported: bool,
    /// Non-dependants in the home; banded schemes read only whether each works 16 hours or more.
    pub non_dependants: Vec<NonDependant>,
    /// The claimant or partner is blind or gets a qualifying care benefit: no non-dependant
    /// deductions under either scheme.
    pub non_dependant_exempt: bool,
}

/// Why an assessment reduces nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CtrRefusal {
    /// Capital is above the scheme's limit.
    CapitalAboveLimit,
    /// The banded scheme has no grid for this household type.
    NoGridForHousehold,
    /// Income falls in a 0% band or above every band.
    IncomeTooHigh,
}

/// How an award reduces the Council Tax charge (see the module docs for the formula).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CtrAssessment {
    /// The band, 1-based; banded schemes only, and `None` when no band applies.
    pub band: Option<u8>,
    /// The share of the day's liability (after discounts) reduced, basis points.
    pub percent_bp: u32,
    /// Weekly amount taken off the percentage: non-dependant deductions, plus the taper for
    /// pension age.
    pub weekly_less: Pence,
    /// The income that was banded or tapered; nil when passported.
    pub weekly_income: Pence,
    /// Tariff income from capital inside `weekly_income` (pension age only).
    pub tariff_income: Pence,
    /// Income above the applicable amount (pension age only).
    pub excess_income: Pence,
    /// The taper's share of excess income (pension age only).
    pub taper: Pence,
    /// The weekly non-dependant deductions.
    pub non_dependant_deductions: Pence,
    /// Why nothing is reduced, if so.
    pub refusal: Option<CtrRefusal>,
}

impl CtrAssessment {
    /// The exact reduction for one day whose liability after discounts is `daily_liability`:
    /// `max(0, percent × liability − weekly_less ÷ 7)`. Kept exact; the charge rounds once
    /// for the period.
    pub fn daily_reduction(&self, daily_liability: ExactPence) -> ExactPence {
        let share = ExactPence::new(i128::from(self.percent_bp), i128::from(hb::WHOLE_BP)) * daily_liability;
        let less = ExactPence::new(i128::from(self.weekly_less.get()), 7);
        (share - less).max(ExactPence::from_integer(0))
    }
}

/// The income a banded scheme bands: earnings less the scheme's earnings disregard (never
/// below nil), plus other income unless the scheme counts earnings only.
pub fn banded_income(scheme: &BandedScheme, weekly_earnings: Pence, other_weekly_income: Pence) -> Pence {
    let earnings = (weekly_earnings - scheme.earnings_disregard).max(Pence::ZERO);
    match scheme.income_basis {
        IncomeBasis::AllIncome => earnings + other_weekly_income.max(Pence::ZERO),
        IncomeBasis::EarningsOnly => earnings,
    }
}

/// The 1-based band for a weekly income: band 1 when passported, otherwise the first band of
/// the household's grid whose inclusive upper limit the income does not exceed. `None` when
/// no grid matches the household or the income is above every limit. Two incomes with the
/// same band give the same award, so a change inside a band needs no new award.
pub fn band_for(scheme: &BandedScheme, household: &Household, passported: bool, weekly_income: Pence) -> Option<u8> {
    if passported {
        return Some(1);
    }
    let grid = scheme.grid_for(household)?;
    let index = grid
        .upper_limits
        .iter()
        .position(|limit| limit.is_none_or(|limit| weekly_income <= limit))?;
    u8::try_from(index + 1).ok()
}

/// Assesses one week under the scheme for the claimant's age (REFERENCE §3.3).
pub fn assess_ctr(scheme: &CtrScheme, c: &CtrCircumstances) -> CtrAssessment {
    if c.household.pension_age {
        assess_pension_age(&scheme.pension_age, c)
    } else {
        assess_banded(&scheme.working_age, c)
    }
}

fn refused(refusal: CtrRefusal, weekly_income: Pence, non_dependant_deductions: Pence) -> CtrAssessment {
    CtrAssessment {
        band: None,
        percent_bp: 0,
        weekly_less: non_dependant_deductions,
        weekly_income,
        tariff_income: Pence::ZERO,
        excess_income: Pence::ZERO,
        taper: Pence::ZERO,
        non_dependant_deductions,
        refusal: Some(refusal),
    }
}

/// A banded scheme: capital test, then the band's percentage, with flat non-dependant
/// deductions taken off after it.
fn assess_banded(scheme: &BandedScheme, c: &CtrCircumstances) -> CtrAssessment {
    let waived = c.non_dependant_exempt || (scheme.disregard_non_dependants_if_disabled && c.household.disabled);
    let non_dependant_deductions = if waived {
        Pence::ZERO
    } else {
        c.non_dependants
            .iter()
            .map(|nd| scheme.non_dependant.deduction(nd))
            .sum()
    };
    // Passported income is not assessed: the passporting benefit has already tested it.
    let weekly_income = if c.passported {
        Pence::ZERO
    } else {
        banded_income(scheme, c.weekly_earnings, c.other_weekly_income)
    };
    let capital_tested = !c.passported || scheme.capital_limit_applies_to_passported;
    if capital_tested && c.capital > scheme.capital_limit {
        return refused(CtrRefusal::CapitalAboveLimit, weekly_income, non_dependant_deductions);
    }
    if !c.passported && scheme.grid_for(&c.household).is_none() {
        return refused(CtrRefusal::NoGridForHousehold, weekly_income, non_dependant_deductions);
    }
    let band = band_for(scheme, &c.household, c.passported, weekly_income);
    let percent_bp = band.map_or(0, |band| scheme.percent_bp(band));
    // pct × (liability − ND) = pct × liability − pct × ND: the deduction scaled by the band.
    let weekly_less = if scheme.non_dependants_before_percentage {
        apportion(
            non_dependant_deductions,
            i64::from(percent_bp),
            10_000,
            Rounding::HalfUp,
        )
    } else {
        non_dependant_deductions
    };
    CtrAssessment {
        band,
        percent_bp,
        weekly_less,
        weekly_income,
        tariff_income: Pence::ZERO,
        excess_income: Pence::ZERO,
        taper: Pence::ZERO,
        non_dependant_deductions,
        refusal: (percent_bp == 0).then_some(CtrRefusal::IncomeTooHigh),
    }
}

/// The pension-age scheme: Class A (income within the applicable amount: maximum CTR, 100%
/// of liability less non-dependant deductions) and Class B (the taper on excess income too).
/// Whether anything is left depends on the liability, so no refusal is given but capital.
fn assess_pension_age(scheme: &PensionAgeScheme, c: &CtrCircumstances) -> CtrAssessment {
    let non_dependant_deductions =
        hb::non_dependant_deductions(&scheme.non_dependant, &c.non_dependants, c.non_dependant_exempt);
    let capital_band = &scheme.capital.pension_age;
    // Guarantee credit lifts the capital limit and means income is not assessed.
    let income = if c.passported {
        hb::AssessedIncome::default()
    } else {
        let tariff = capital_band.tariff_income(c.capital);
        hb::assess_income(
            &c.household,
            c.weekly_earnings,
            c.other_weekly_income,
            tariff,
            &scheme.earnings_disregards,
        )
    };
    if !c.passported && capital_band.above_limit(c.capital) {
        return refused(CtrRefusal::CapitalAboveLimit, income.total, non_dependant_deductions);
    }
    let applicable = scheme.applicable.for_household(&c.household);
    let excess_income = (income.total - applicable).max(Pence::ZERO);
    let taper = hb::share(excess_income, scheme.taper_bp);
    CtrAssessment {
        band: None,
        percent_bp: 10_000,
        weekly_less: non_dependant_deductions + taper,
        weekly_income: income.total,
        tariff_income: income.tariff_income,
        excess_income,
        taper,
        non_dependant_deductions,
        refusal: None,
    }
}
