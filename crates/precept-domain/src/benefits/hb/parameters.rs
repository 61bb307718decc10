//! The figures a Housing Benefit assessment reads (REFERENCE §3.2), as parameters.
//!
//! What this is: applicable amounts, capital rules and earnings disregards, and the year's
//! [`HbParameters`] that gather them with the non-dependant table; each has the published
//! figures as named constructors and checks that keep a council's own figures in range.
//! What this is not: the assessment itself (see the parent module), or a store of figures by
//! date; the caller picks the parameters in force for the benefit week.
//!
//! The pension-age Council Tax Reduction scheme (REFERENCE §3.3) reuses the applicable amounts,
//! capital rules and disregards, so these types are shared with `ctr`.

use crate::money::Pence;

use super::{CapitalRules, EarningsDisregardKind, Household, NonDependantTable};

/// The most any weekly amount in these tables may be: far above every published figure, so a
/// typing slip (pounds keyed as pence times a hundred) is refused rather than paid.
const WEEKLY_AMOUNT_MAX: Pence = Pence::new(1_000_000);

pub(super) fn weekly_amount_ok(amount: Pence) -> bool {
    (Pence::ZERO..=WEEKLY_AMOUNT_MAX).contains(&amount)
}

pub(super) fn first_failing(checks: &[(&'static str, bool)]) -> Result<(), &'static str> {
    match checks.iter().find(|(_, ok)| !ok) {
        Some((field, _)) => Err(field),
        None => Ok(()),
    }
}

/// Weekly applicable amounts: the personal allowances and premiums that stand for a
/// household's living needs (REFERENCE §3.2).
///
/// REFERENCE gives the pension-age figures of the 2025/26 CTR scheme, which has the same
/// structure as pension-age HB; it gives no working-age figures (see
/// [`ApplicableAmounts::england_2025_26`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ApplicableAmounts {
    /// Single person who reached pension age before 1 April 2021 (£244.40).
    pub single_pension_age_before_2021: Pence,
    /// Single person who reached pension age on or after 1 April 2021 (£227.10).
    pub single_pension_age_from_2021: Pence,
    /// Couple, pension age reached before 1 April 2021 (£366.00).
    pub couple_pension_age_before_2021: Pence,
    /// Couple, pension age reached on or after 1 April 2021 (£346.60).
    pub couple_pension_age_from_2021: Pence,
    /// Working-age single claimant or lone parent aged 25 or over (not in REFERENCE).
    pub single_working_age: Pence,
    /// Working-age couple (not in REFERENCE).
    pub couple_working_age: Pence,
    /// Each dependent child (£84.66).
    pub child: Pence,
    /// Each disabled child (£81.37).
    pub disabled_child_premium: Pence,
    /// Carer premium (£46.40).
    pub carer_premium: Pence,
    /// Enhanced disability premium, single claimant (£21.20).
    pub enhanced_disability_single: Pence,
    /// Enhanced disability premium, couple (£30.25).
    pub enhanced_disability_couple: Pence,
    /// Enhanced disability premium, each child who qualifies (£32.75).
    pub enhanced_disability_child: Pence,
}

impl ApplicableAmounts {
    /// The 2025/26 figures (REFERENCE §3.2). The working-age personal allowances (£92.05 single
    /// or lone parent aged 25 or over, £144.65 couple) are not in REFERENCE: they are the
    /// 2025/26 income-related benefit rates from general knowledge, **unconfirmed**, and the
    /// lower under-25 rate is not modelled.
    pub fn england_2025_26() -> Self {
        ApplicableAmounts {
            single_pension_age_before_2021: Pence::new(24_440),
            single_pension_age_from_2021: Pence::new(22_710),
            couple_pension_age_before_2021: Pence::new(36_600),
            couple_pension_age_from_2021: Pence::new(34_660),
            single_working_age: Pence::new(9_205),
            couple_working_age: Pence::new(14_465),
            child: Pence::new(8_466),
            disabled_child_premium: Pence::new(8_137),
            carer_premium: Pence::new(4_640),
            enhanced_disability_single: Pence::new(2_120),
            enhanced_disability_couple: Pence::new(3_025),
            enhanced_disability_child: Pence::new(3_275),
        }
    }

    /// The household's weekly applicable amount: its personal allowance plus every premium its
    /// flags give. Counts of disabled children are capped at the number of children, so an
    /// inconsistent record cannot inflate the amount.
    pub fn for_household(&self, household: &Household) -> Pence {
        let personal = match (
            household.pension_age,
            household.partner,
            household.reached_pension_age_before_2021,
        ) {
            (true, false, true) => self.single_pension_age_before_2021,
            (true, false, false) => self.single_pension_age_from_2021,
            (true, true, true) => self.couple_pension_age_before_2021,
            (true, true, false) => self.couple_pension_age_from_2021,
            (false, false, _) => self.single_working_age,
            (false, true, _) => self.couple_working_age,
        };
        let children = household.children;
        let times = |amount: Pence, count: u8| Pence::new(amount.get() * i64::from(count.min(children)));
        let enhanced_adult = match (household.enhanced_disability, household.partner) {
            (false, _) => Pence::ZERO,
            (true, false) => self.enhanced_disability_single,
            (true, true) => self.enhanced_disability_couple,
        };
        let carer = if household.carer {
            self.carer_premium
        } else {
            Pence::ZERO
        };
        personal
            + times(self.child, children)
            + times(self.disabled_child_premium, household.disabled_children)
            + times(self.enhanced_disability_child, household.enhanced_disability_children)
            + carer
            + enhanced_adult
    }

    /// Checks every amount is between nil and £10,000 a week.
    ///
    /// # Errors
    /// The name of the first amount out of range.
    pub fn validate(&self) -> Result<(), &'static str> {
        first_failing(&[
            (
                "single_pension_age_before_2021",
                weekly_amount_ok(self.single_pension_age_before_2021),
            ),
            (
                "single_pension_age_from_2021",
                weekly_amount_ok(self.single_pension_age_from_2021),
            ),
            (
                "couple_pension_age_before_2021",
                weekly_amount_ok(self.couple_pension_age_before_2021),
            ),
            (
                "couple_pension_age_from_2021",
                weekly_amount_ok(self.couple_pension_age_from_2021),
            ),
            ("single_working_age", weekly_amount_ok(self.single_working_age)),
            ("couple_working_age", weekly_amount_ok(self.couple_working_age)),
            ("child", weekly_amount_ok(self.child)),
            ("disabled_child_premium", weekly_amount_ok(self.disabled_child_premium)),
            ("carer_premium", weekly_amount_ok(self.carer_premium)),
            (
                "enhanced_disability_single",
                weekly_amount_ok(self.enhanced_disability_single),
            ),
            (
                "enhanced_disability_couple",
                weekly_amount_ok(self.enhanced_disability_couple),
            ),
            (
                "enhanced_disability_child",
                weekly_amount_ok(self.enhanced_disability_child),
            ),
        ])
    }
}

/// Weekly earnings disregards (REFERENCE §3.2).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EarningsDisregards {
    /// Lone parent (£25).
    pub lone_parent: Pence,
    /// Claimant or partner disabled (£20).
    pub disabled: Pence,
    /// Couple (£10).
    pub couple: Pence,
    /// Single person (£5).
    pub single: Pence,
}

impl EarningsDisregards {
    /// England's figures (REFERENCE §3.2).
    pub fn england() -> Self {
        EarningsDisregards {
            lone_parent: Pence::new(2_500),
            disabled: Pence::new(2_000),
            couple: Pence::new(1_000),
            single: Pence::new(500),
        }
    }

    /// The weekly amount for a kind.
    pub fn amount(&self, kind: EarningsDisregardKind) -> Pence {
        match kind {
            EarningsDisregardKind::LoneParent => self.lone_parent,
            EarningsDisregardKind::Disabled => self.disabled,
            EarningsDisregardKind::Couple => self.couple,
            EarningsDisregardKind::Single => self.single,
        }
    }

    /// Checks every amount is between nil and £10,000 a week.
    ///
    /// # Errors
    /// The name of the first amount out of range.
    pub fn validate(&self) -> Result<(), &'static str> {
        first_failing(&[
            ("lone_parent", weekly_amount_ok(self.lone_parent)),
            ("disabled", weekly_amount_ok(self.disabled)),
            ("couple", weekly_amount_ok(self.couple)),
            ("single", weekly_amount_ok(self.single)),
        ])
    }
}

/// Everything national that decides an HB assessment for a year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HbParameters {
    /// The share of excess income taken off maximum HB, basis points (6500 = 65%).
    pub taper_bp: u32,
    /// Awards below this are not paid (50p a week: **unconfirmed**, REFERENCE §3.2 and §8).
    pub minimum_award: Pence,
    /// Applicable amounts.
    pub applicable: ApplicableAmounts,
    /// Capital rules.
    pub capital: CapitalRules,
    /// Non-dependant deductions.
    pub non_dependant: NonDependantTable,
    /// Earnings disregards.
    pub earnings_disregards: EarningsDisregards,
}

impl HbParameters {
    fn england(non_dependant: NonDependantTable) -> Self {
        HbParameters {
            taper_bp: 6_500,
            minimum_award: Pence::new(50),
            applicable: ApplicableAmounts::england_2025_26(),
            capital: CapitalRules::england(),
            non_dependant,
            earnings_disregards: EarningsDisregards::england(),
        }
    }

    /// England 2023/24. REFERENCE gives only the 2025/26 applicable amounts, so those stand
    /// in here: set the year's own before assessing 2023/24 claims for real.
    pub fn england_2023_24() -> Self {
        Self::england(NonDependantTable::hb_england_2023_24())
    }

    /// England 2024/25, with the 2025/26 applicable amounts standing in (see
    /// [`HbParameters::england_2023_24`]).
    pub fn england_2024_25() -> Self {
        Self::england(NonDependantTable::hb_england_2024_25())
    }

    /// England 2025/26 (REFERENCE §3.2).
    pub fn england_2025_26() -> Self {
        Self::england(NonDependantTable::hb_england_2025_26())
    }

    /// Checks every figure is in a sane range, so arithmetic on them cannot overflow and a
    /// typing slip cannot pay or refuse a whole caseload.
    ///
    /// # Errors
    /// The dotted name of the first field out of range, e.g. `non_dependant.working_bands`.
    pub fn validate(&self) -> Result<(), &'static str> {
        first_failing(&[
            ("taper_bp", self.taper_bp <= 10_000),
            ("minimum_award", weekly_amount_ok(self.minimum_award)),
        ])?;
        validate_shared(
            &self.applicable,
            &self.capital,
            &self.non_dependant,
            &self.earnings_disregards,
        )
    }
}

/// The checks HB parameters and the pension-age CTR scheme share, with their field names.
pub(crate) fn validate_shared(
    applicable: &ApplicableAmounts,
    capital: &CapitalRules,
    non_dependant: &NonDependantTable,
    earnings_disregards: &EarningsDisregards,
) -> Result<(), &'static str> {
    nested!(
        "applicable",
        applicable.validate(),
        [
            "single_pension_age_before_2021",
            "single_pension_age_from_2021",
            "couple_pension_age_before_2021",
            "couple_pension_age_from_2021",
            "single_working_age",
            "couple_working_age",
            "child",
            "disabled_child_premium",
            "carer_premium",
            "enhanced_disability_single",
            "enhanced_disability_couple",
            "enhanced_disability_child"
        ]
    )?;
    nested!(
        "capital",
        capital.validate(),
        [
            "pension_age.disregarded",
            "pension_age.limit",
            "pension_age.step",
            "pension_age.tariff_per_step",
            "working_age.disregarded",
            "working_age.limit",
            "working_age.step",
            "working_age.tariff_per_step"
        ]
    )?;
    nested!(
        "non_dependant",
        non_dependant.validate(),
        ["out_of_work", "working_bands"]
    )?;
    nested!(
        "earnings_disregards",
        earnings_disregards.validate(),
        ["lone_parent", "disabled", "couple", "single"]
    )
}
