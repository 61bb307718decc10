//! How capital counts in HB and the pension-age CTR scheme (REFERENCE §3.2, §3.3): the
//! amount ignored, tariff income above it, and the limit.
//!
//! What this is: [`CapitalRules`] per age group with England's figures and their checks.
//! What this is not: the valuation of capital, or its disregards (property lived in, etc.).

use crate::money::Pence;

use super::Household;
use super::parameters::{first_failing, weekly_amount_ok};

/// How capital counts for one age group (REFERENCE §3.2): an amount ignored, a weekly tariff
/// income for each step (or part of a step) above it, and a limit above which there is no
/// award.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CapitalBand {
    /// Capital ignored altogether (£10,000 pension age, £6,000 working age).
    pub disregarded: Pence,
    /// Capital above this means no award unless passported (£16,000).
    pub limit: Pence,
    /// The slice of capital that produces one tariff amount (£500 pension age, £250 working age).
    pub step: Pence,
    /// Weekly tariff income per step or part of a step (£1).
    pub tariff_per_step: Pence,
}

impl CapitalBand {
    /// The weekly tariff income from `capital`: one `tariff_per_step` for every `step` or part
    /// of a step above `disregarded`, counting capital only up to `limit` (above the limit the
    /// claim fails anyway, and the figure stays bounded).
    pub fn tariff_income(&self, capital: Pence) -> Pence {
        let counted = capital.min(self.limit).get() - self.disregarded.get();
        if counted <= 0 {
            return Pence::ZERO;
        }
        // "Or part": any capital into a step counts for the whole step, so round the count up.
        let steps = (counted + self.step.get() - 1) / self.step.get();
        Pence::new(self.tariff_per_step.get() * steps)
    }

    /// Whether `capital` is above the limit.
    pub fn above_limit(&self, capital: Pence) -> bool {
        capital > self.limit
    }

    /// Checks the amounts are non-negative, ordered and the step is positive.
    ///
    /// # Errors
    /// The name of the first field out of range.
    pub fn validate(&self) -> Result<(), &'static str> {
        let capital_max = Pence::new(100_000_000);
        first_failing(&[
            ("disregarded", (Pence::ZERO..=capital_max).contains(&self.disregarded)),
            ("limit", self.disregarded <= self.limit && self.limit <= capital_max),
            ("step", (Pence::new(1)..=capital_max).contains(&self.step)),
            ("tariff_per_step", weekly_amount_ok(self.tariff_per_step)),
        ])
    }
}

/// Capital rules for pension-age and working-age claimants.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CapitalRules {
    /// Claimant (or partner) of State Pension age.
    pub pension_age: CapitalBand,
    /// Working-age claimant.
    pub working_age: CapitalBand,
}

impl CapitalRules {
    /// England's rules (REFERENCE §3.2): pension age £10,000 ignored and £1 a week per £500 or
    /// part; working age £6,000 ignored and £1 per £250 or part; both limited at £16,000.
    pub fn england() -> Self {
        CapitalRules {
            pension_age: CapitalBand {
                disregarded: Pence::new(1_000_000),
                limit: Pence::new(1_600_000),
                step: Pence::new(50_000),
                tariff_per_step: Pence::new(100),
            },
            working_age: CapitalBand {
                disregarded: Pence::new(600_000),
                limit: Pence::new(1_600_000),
                step: Pence::new(25_000),
                tariff_per_step: Pence::new(100),
            },
        }
    }

    /// The band for a household.
    pub fn for_household(&self, household: &Household) -> &CapitalBand {
        if household.pension_age {
            &self.pension_age
        } else {
            &self.working_age
        }
    }

    /// Checks both bands.
    ///
    /// # Errors
    /// The dotted name of the first field out of range, e.g. `pension_age.step`.
    pub fn validate(&self) -> Result<(), &'static str> {
        nested!(
            "pension_age",
            self.pension_age.validate(),
            ["disregarded", "limit", "step", "tariff_per_step"]
        )?;
        nested!(
            "working_age",
            self.working_age.validate(),
            ["disregarded", "limit", "step", "tariff_per_step"]
        )
    }
}
