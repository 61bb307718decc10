//! The national pension-age CTR scheme's figures (REFERENCE §3.3; Council Tax Reduction
//! Schemes (Prescribed Requirements) (England) Regulations 2012).
//!
//! What this is: the taper, applicable amounts, capital rules, non-dependant table and second
//! adult rebate percentage, with the published figures as named constructors.
//! What this is not: the assessment (see the parent module).

use crate::benefits::hb::{
    ApplicableAmounts, CapitalRules, EarningsDisregards, NonDependantTable, nested, validate_shared,
};

/// The pension-age scheme's parameters for a year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PensionAgeScheme {
    /// The share of excess income taken off maximum CTR, basis points (2000 = 20%: the
    /// long-standing CTB taper, **unconfirmed** for England, REFERENCE §3.3 and §8).
    pub taper_bp: u32,
    /// Applicable amounts (the same structure as pension-age HB).
    pub applicable: ApplicableAmounts,
    /// Capital rules (the pension-age band applies: £16,000 limit unless on guarantee credit).
    pub capital: CapitalRules,
    /// The CTR non-dependant deduction table.
    pub non_dependant: NonDependantTable,
    /// The most a second adult rebate (Class C) can be, basis points (2500). Kept for the
    /// record; the rebate itself is not assessed yet (see `assess_ctr`).
    pub second_adult_rebate_bp: u32,
    /// Earnings disregards, as for HB.
    pub earnings_disregards: EarningsDisregards,
}

impl PensionAgeScheme {
    fn england(non_dependant: NonDependantTable) -> Self {
        PensionAgeScheme {
            taper_bp: 2_000,
            applicable: ApplicableAmounts::england_2025_26(),
            capital: CapitalRules::england(),
            non_dependant,
            second_adult_rebate_bp: 2_500,
            earnings_disregards: EarningsDisregards::england(),
        }
    }

    /// England 2024/25. REFERENCE gives only the 2025/26 applicable amounts, so those stand in
    /// here: set the year's own before assessing 2024/25 claims for real.
    pub fn england_2024_25() -> Self {
        Self::england(NonDependantTable::ctr_england_2024_25())
    }

    /// England 2025/26 (REFERENCE §3.2, §3.3).
    pub fn england_2025_26() -> Self {
        Self::england(NonDependantTable::ctr_england_2025_26())
    }

    /// Checks every figure is in a sane range.
    ///
    /// # Errors
    /// The dotted name of the first field out of range, e.g. `non_dependant.working_bands`.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.taper_bp > 10_000 {
            return Err("taper_bp");
        }
        if self.second_adult_rebate_bp > 10_000 {
            return Err("second_adult_rebate_bp");
        }
        validate_shared(
            &self.applicable,
            &self.capital,
            &self.non_dependant,
            &self.earnings_disregards,
        )
    }
}

/// The names [`PensionAgeScheme::validate`] returns, under `pension_age`.
pub(super) fn validate_pension_age(scheme: &PensionAgeScheme) -> Result<(), &'static str> {
    nested!(
        "pension_age",
        scheme.validate(),
        [
            "taper_bp",
            "second_adult_rebate_bp",
            "applicable.single_pension_age_before_2021",
            "applicable.single_pension_age_from_2021",
            "applicable.couple_pension_age_before_2021",
            "applicable.couple_pension_age_from_2021",
            "applicable.single_working_age",
            "applicable.couple_working_age",
            "applicable.child",
            "applicable.disabled_child_premium",
            "applicable.carer_premium",
            "applicable.enhanced_disability_single",
            "applicable.enhanced_disability_couple",
            "applicable.enhanced_disability_child",
            "capital.pension_age.disregarded",
            "capital.pension_age.limit",
            "capital.pension_age.step",
            "capital.pension_age.tariff_per_step",
            "capital.working_age.disregarded",
            "capital.working_age.limit",
            "capital.working_age.step",
            "capital.working_age.tariff_per_step",
            "non_dependant.out_of_work",
            "non_dependant.working_bands",
            "earnings_disregards.lone_parent",
            "earnings_disregards.disabled",
            "earnings_disregards.couple",
            "earnings_disregards.single"
        ]
    )
}
