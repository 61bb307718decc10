//! The weekly Housing Benefit assessment (REFERENCE §3.2).
//!
//! What this is: a pure function from a claim's weekly circumstances and the year's
//! [`HbParameters`] to an [`HbAssessment`] that keeps every figure it used (eligible rent,
//! non-dependant deductions, applicable amount, income after disregards and tariff income,
//! the 65% taper), so a decision notice can show its working.
//! What this is not: the claim's history or award periods (the caller assesses each benefit
//! week's circumstances), who may claim (REFERENCE §3.1), backdating, how HB is paid, or the
//! working-age benefit cap, which needs the DWP's figure and is left to the caller.
//!
//! Amounts are whole pence a week. Two proportions are rounded, each once and half up: the
//! taper on excess income and the size-criteria reduction (see [`eligible_rent`]).

use crate::money::{Pence, Rounding, apportion};

pub use capital::{CapitalBand, CapitalRules};
pub use non_dependant::{NonDependantBand, NonDependantCircumstance, NonDependantTable};
pub(crate) use parameters::validate_shared;
pub use parameters::{ApplicableAmounts, EarningsDisregards, HbParameters};

/// Turns a nested validator's field name into a dotted path under `$prefix`; names not listed
/// fall back to the prefix alone, which still points at the right part.
macro_rules! nested {
    ($prefix:literal, $result:expr, [$($name:literal),* $(,)?]) => {
        $result.map_err(|field| match field {
            $($name => concat!($prefix, ".", $name),)*
            _ => $prefix,
        })
    };
}
pub(crate) use nested;

mod capital;
mod non_dependant;
mod parameters;

/// Basis points in a whole (10000 = 100%).
pub(crate) const WHOLE_BP: i64 = 10_000;

/// Who is in the household, as far as allowances, premiums and disregards care.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Household {
    /// The claimant has a partner living with them.
    pub partner: bool,
    /// Dependent children.
    pub children: u8,
    /// The claimant (or partner) has reached State Pension age, so the pension-age rules apply.
    pub pension_age: bool,
    /// Pension age was reached before 1 April 2021 (the higher personal allowance).
    pub reached_pension_age_before_2021: bool,
    /// The claimant or partner is disabled (gets a disability benefit such as DLA or PIP):
    /// the £20 earnings disregard, and some banded CTR schemes waive non-dependant deductions.
    pub disabled: bool,
    /// The claimant or partner qualifies for the carer premium.
    pub carer: bool,
    /// The claimant or partner qualifies for the enhanced disability premium.
    pub enhanced_disability: bool,
    /// Children who qualify for the disabled child premium.
    pub disabled_children: u8,
    /// Children who qualify for the enhanced disability premium.
    pub enhanced_disability_children: u8,
}

/// The rent side of a claim, weekly.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RentFigures {
    /// The rent the tenancy charges.
    pub contractual_rent: Pence,
    /// Ineligible service charges and fuel, taken off first.
    pub ineligible_charges: Pence,
    /// The Local Housing Allowance or rent officer figure, for private tenants.
    pub lha_cap: Option<Pence>,
    /// The size-criteria reduction for a working-age social tenant, basis points: 0, 1400
    /// (one spare bedroom) or 2500 (two or more).
    pub size_criteria_bp: u32,
}

/// Another adult living in the home who is not a partner, child or lodger.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NonDependant {
    /// Their circumstances, which pick the table row.
    pub circumstance: NonDependantCircumstance,
    /// Their gross weekly income (read only when they work 16 hours or more).
    pub gross_weekly_income: Pence,
}

/// A claim's circumstances for one benefit week.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HbCircumstances {
    /// The household.
    pub household: Household,
    /// The rent.
    pub rent: RentFigures,
    /// Net weekly earnings of the claimant and partner, before the earnings disregard.
    pub weekly_earnings: Pence,
    /// Other weekly income that counts (pensions, other benefits), after any disregards that
    /// are not modelled here.
    pub other_weekly_income: Pence,
    /// Capital of the claimant and partner.
    pub capital: Pence,
    /// On a passporting benefit (IS, income-based JSA, income-related ESA, Pension Credit
    /// guarantee credit): income and capital are not assessed.
    pub passported: bool,
    /// Non-dependants in the home.
    pub non_dependants: Vec<NonDependant>,
    /// The claimant or partner is blind or gets a qualifying care benefit, so no
    /// non-dependant deduction applies (standard rule; wording **unconfirmed**, REFERENCE §3.2).
    pub non_dependant_exempt: bool,
}

/// Which weekly earnings disregard applies (REFERENCE §3.2); overpayment recovery adds half
/// of it to the maximum weekly deduction (REFERENCE §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum EarningsDisregardKind {
    /// Lone parent (£25).
    LoneParent,
    /// Claimant or partner disabled (£20).
    Disabled,
    /// Couple (£10).
    Couple,
    /// Single person (£5).
    Single,
}

impl EarningsDisregardKind {
    /// The kind for a household: the most generous one it qualifies for, since a claimant gets
    /// one disregard and the larger ones exist for the harder cases.
    pub fn for_household(household: &Household) -> Self {
        if !household.partner && household.children > 0 {
            EarningsDisregardKind::LoneParent
        } else if household.disabled {
            EarningsDisregardKind::Disabled
        } else if household.partner {
            EarningsDisregardKind::Couple
        } else {
            EarningsDisregardKind::Single
        }
    }
}

/// The earnings disregard kind that applies to a claim's circumstances.
pub fn earnings_disregard_kind(c: &HbCircumstances) -> EarningsDisregardKind {
    EarningsDisregardKind::for_household(&c.household)
}

/// Why an assessment awards nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum HbRefusal {
    /// Capital is above the limit and the claimant is not passported.
    CapitalAboveLimit,
    /// Non-dependant deductions take up the whole eligible rent (or there is none).
    NoMaximumBenefit,
    /// The taper on excess income takes up the whole maximum benefit.
    IncomeTooHigh,
    /// The award would be below the minimum award.
    BelowMinimumAward,
}

/// The outcome of an assessment, with every figure used.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HbAssessment {
    /// Rent less ineligible charges, capped and reduced for size criteria.
    pub eligible_rent: Pence,
    /// The sum of the weekly non-dependant deductions.
    pub non_dependant_deductions: Pence,
    /// Maximum HB: eligible rent less non-dependant deductions, never below nil.
    pub maximum: Pence,
    /// The household's applicable amount (worked out even when passported, for the notice).
    pub applicable_amount: Pence,
    /// The earnings disregarded (no more than the earnings).
    pub earnings_disregard: Pence,
    /// Income after disregards, including tariff income; nil when passported.
    pub assessed_income: Pence,
    /// Tariff income from capital; nil when passported.
    pub tariff_income: Pence,
    /// Assessed income above the applicable amount.
    pub excess_income: Pence,
    /// The taper's share of excess income.
    pub taper: Pence,
    /// The weekly award; nil whenever `refusal` is set.
    pub weekly_award: Pence,
    /// Why nothing is awarded, if so.
    pub refusal: Option<HbRefusal>,
}

/// Eligible rent (REFERENCE §3.2): contractual rent less ineligible charges (never below
/// nil), capped at the LHA figure when there is one, then reduced by the size criteria for a
/// working-age tenant (the rule does not apply at pension age, whatever the figure says).
///
/// The size-criteria reduction rounds the rent that stays eligible half up, so a half penny
/// goes to the tenant; the convention is not in REFERENCE.
pub fn eligible_rent(rent: &RentFigures, pension_age: bool) -> Pence {
    let net = (rent.contractual_rent - rent.ineligible_charges).max(Pence::ZERO);
    let capped = rent.lha_cap.map_or(net, |cap| net.min(cap.max(Pence::ZERO)));
    if pension_age || rent.size_criteria_bp == 0 {
        return capped;
    }
    let kept_bp = WHOLE_BP - i64::from(rent.size_criteria_bp).min(WHOLE_BP);
    apportion(capped, kept_bp, WHOLE_BP, Rounding::HalfUp)
}

/// The sum of non-dependant deductions, nil when the claimant is exempt. Shared with the
/// pension-age CTR scheme, which uses its own table.
pub(crate) fn non_dependant_deductions(
    table: &NonDependantTable,
    non_dependants: &[NonDependant],
    exempt: bool,
) -> Pence {
    if exempt {
        return Pence::ZERO;
    }
    non_dependants.iter().map(|nd| table.deduction(nd)).sum()
}

/// Weekly income as assessed: earnings after the disregard, other income, tariff income.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct AssessedIncome {
    /// Earnings disregarded.
    pub(crate) earnings_disregard: Pence,
    /// Tariff income from capital.
    pub(crate) tariff_income: Pence,
    /// The total that is compared with the applicable amount.
    pub(crate) total: Pence,
}

/// Assesses weekly income the way HB and the pension-age CTR scheme both do (REFERENCE §3.2).
pub(crate) fn assess_income(
    household: &Household,
    weekly_earnings: Pence,
    other_weekly_income: Pence,
    tariff_income: Pence,
    disregards: &EarningsDisregards,
) -> AssessedIncome {
    let earnings = weekly_earnings.max(Pence::ZERO);
    let earnings_disregard = disregards
        .amount(EarningsDisregardKind::for_household(household))
        .min(earnings);
    AssessedIncome {
        earnings_disregard,
        tariff_income,
        total: earnings - earnings_disregard + other_weekly_income + tariff_income,
    }
}

/// `bp` basis points of `amount`, rounded half up: the one rounding of a taper.
pub(crate) fn share(amount: Pence, bp: u32) -> Pence {
    apportion(amount, i64::from(bp), WHOLE_BP, Rounding::HalfUp)
}

/// Assesses one benefit week (REFERENCE §3.2).
///
/// Maximum HB is eligible rent less non-dependant deductions. A passported claimant gets the
/// maximum; anyone else loses 65% (the taper) of income above the applicable amount. Capital
/// above the limit refuses a claimant who is not passported, and an award below the minimum
/// is not paid. Figures are worked out even when the claim is refused, so the notice can
/// show them.
pub fn assess_hb(c: &HbCircumstances, p: &HbParameters) -> HbAssessment {
    let eligible_rent = eligible_rent(&c.rent, c.household.pension_age);
    let non_dependant_deductions =
        non_dependant_deductions(&p.non_dependant, &c.non_dependants, c.non_dependant_exempt);
    let maximum = (eligible_rent - non_dependant_deductions).max(Pence::ZERO);
    let applicable_amount = p.applicable.for_household(&c.household);
    let capital_band = p.capital.for_household(&c.household);
    // Passporting benefits have already tested income and capital, so neither is assessed.
    let income = if c.passported {
        AssessedIncome::default()
    } else {
        let tariff = capital_band.tariff_income(c.capital);
        assess_income(
            &c.household,
            c.weekly_earnings,
            c.other_weekly_income,
            tariff,
            &p.earnings_disregards,
        )
    };
    let excess_income = (income.total - applicable_amount).max(Pence::ZERO);
    let taper = share(excess_income, p.taper_bp);
    let tapered = (maximum - taper).max(Pence::ZERO);
    let refusal = if !c.passported && capital_band.above_limit(c.capital) {
        Some(HbRefusal::CapitalAboveLimit)
    } else if maximum == Pence::ZERO {
        Some(HbRefusal::NoMaximumBenefit)
    } else if tapered == Pence::ZERO {
        Some(HbRefusal::IncomeTooHigh)
    } else if tapered < p.minimum_award {
        Some(HbRefusal::BelowMinimumAward)
    } else {
        None
    };
    HbAssessment {
        eligible_rent,
        non_dependant_deductions,
        maximum,
        applicable_amount,
        earnings_disregard: income.earnings_disregard,
        assessed_income: income.total,
        tariff_income: income.tariff_income,
        excess_income,
        taper,
        weekly_award: if refusal.is_some() { Pence::ZERO } else { tapered },
        refusal,
    }
}
