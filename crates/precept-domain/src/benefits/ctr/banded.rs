//! Working-age banded (income-grid) CTR schemes (REFERENCE §3.3 "Banded (income-grid)
//! schemes"): the scheme's parameters and their checks.
//!
//! What this is: the percentages per band, the grids of inclusive upper income limits per
//! household type, and the scheme's capital limit, flat non-dependant deductions and income
//! rules. What this is not: the assessment (see the parent module) or any particular
//! council's figures (see `councils`).

use crate::benefits::hb::{Household, NonDependant, NonDependantCircumstance, nested};
use crate::money::Pence;

/// The most bands a scheme may have: real schemes have five or six, and band numbers are `u8`.
const BANDS_MAX: usize = 20;

/// Which household types a grid applies to. A field left open (`None`) matches anything.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HouseholdMatch {
    /// `Some(true)` for couples only, `Some(false)` for single claimants only.
    pub partner: Option<bool>,
    /// The fewest children.
    pub children_min: u8,
    /// The most children; `None` for no upper bound ("2 or more").
    pub children_max: Option<u8>,
}

impl HouseholdMatch {
    /// Whether a household is of this type.
    pub fn matches(&self, household: &Household) -> bool {
        self.partner.is_none_or(|partner| partner == household.partner)
            && household.children >= self.children_min
            && self.children_max.is_none_or(|max| household.children <= max)
    }
}

/// One household type's income grid.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BandGrid {
    /// The household types it applies to.
    pub household: HouseholdMatch,
    /// The inclusive upper limit of weekly income for each band, band 1 first; `None` for no
    /// limit (only the last band may have none). An income above every limit is in no band.
    pub upper_limits: Vec<Option<Pence>>,
}

/// A scheme's flat weekly non-dependant deductions (banded schemes do not use the national
/// income table).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FlatNonDependant {
    /// For a non-dependant out of work or working under 16 hours (any circumstance other than
    /// working 16 hours or more, benefits included).
    pub out_of_work: Pence,
    /// For a non-dependant working 16 hours or more.
    pub working: Pence,
}

impl FlatNonDependant {
    /// The deduction for one non-dependant.
    pub fn deduction(&self, nd: &NonDependant) -> Pence {
        if nd.circumstance == NonDependantCircumstance::Working16Hours {
            self.working
        } else {
            self.out_of_work
        }
    }
}

/// Which income a scheme bands (REFERENCE §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IncomeBasis {
    /// Net weekly household income: earnings and other income that counts.
    AllIncome,
    /// Employment earnings only; benefits are ignored (the Mid Kent design).
    EarningsOnly,
}

/// A working-age banded CTR scheme.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BandedScheme {
    /// The reduction for each band, basis points, band 1 first, e.g. `[8000, 6000, 4000, 2000, 0]`.
    pub band_percent_bp: Vec<u32>,
    /// Income grids; the first whose household type matches is used.
    pub grids: Vec<BandGrid>,
    /// Capital above this refuses the claim.
    pub capital_limit: Pence,
    /// Whether the capital limit also refuses passported claimants. Most schemes rely on the
    /// passporting benefit's own capital test, so the named constructors say `false`.
    pub capital_limit_applies_to_passported: bool,
    /// Flat non-dependant deductions.
    pub non_dependant: FlatNonDependant,
    /// Which income is banded.
    pub income_basis: IncomeBasis,
    /// Weekly earnings disregarded before banding.
    pub earnings_disregard: Pence,
    /// No non-dependant deductions when the claimant or partner is disabled (gets DLA or PIP).
    pub disregard_non_dependants_if_disabled: bool,
    /// Whether non-dependant deductions come off the liability before the band's percentage
    /// (`pct × (liability − ND)`, as REFERENCE §3.3 writes it) rather than off the reduction
    /// after it (`pct × liability − ND`, the default). A local scheme choice.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub non_dependants_before_percentage: bool,
}

impl BandedScheme {
    /// The grid for a household: the first that matches.
    pub fn grid_for(&self, household: &Household) -> Option<&BandGrid> {
        self.grids.iter().find(|grid| grid.household.matches(household))
    }

    /// The reduction for a 1-based band, basis points; nil for a band the scheme lacks.
    pub fn percent_bp(&self, band: u8) -> u32 {
        usize::from(band)
            .checked_sub(1)
            .and_then(|index| self.band_percent_bp.get(index))
            .copied()
            .unwrap_or(0)
    }

    /// Checks the scheme is well formed: percentages within 100% and falling band by band,
    /// one limit per band, limits rising, and amounts in range.
    ///
    /// # Errors
    /// The dotted name of the first field that fails, e.g. `grids.upper_limits`.
    pub fn validate(&self) -> Result<(), &'static str> {
        let percents = &self.band_percent_bp;
        let percents_ok = (1..=BANDS_MAX).contains(&percents.len())
            && percents.iter().all(|bp| *bp <= 10_000)
            && percents.windows(2).all(|pair| pair[0] >= pair[1]);
        let households_ok = self.grids.iter().all(|grid| {
            let household = &grid.household;
            household.children_max.is_none_or(|max| household.children_min <= max)
        });
        let limits_ok = self
            .grids
            .iter()
            .all(|grid| grid.upper_limits.len() == percents.len() && limits_rise(&grid.upper_limits));
        let amount_ok = |amount: Pence| (Pence::ZERO..=Pence::new(1_000_000)).contains(&amount);
        let checks = [
            ("band_percent_bp", percents_ok),
            ("grids", !self.grids.is_empty()),
            ("grids.household", households_ok),
            ("grids.upper_limits", limits_ok),
            (
                "capital_limit",
                (Pence::ZERO..=Pence::new(100_000_000)).contains(&self.capital_limit),
            ),
            ("non_dependant.out_of_work", amount_ok(self.non_dependant.out_of_work)),
            ("non_dependant.working", amount_ok(self.non_dependant.working)),
            ("earnings_disregard", amount_ok(self.earnings_disregard)),
        ];
        match checks.into_iter().find(|(_, ok)| !ok) {
            Some((field, _)) => Err(field),
            None => Ok(()),
        }
    }
}

/// Limits are non-negative and strictly rising, and only the last may be open.
fn limits_rise(limits: &[Option<Pence>]) -> bool {
    let Some((last, rest)) = limits.split_last() else {
        return false;
    };
    let Some(mut closed) = rest.iter().copied().collect::<Option<Vec<Pence>>>() else {
        return false;
    };
    closed.extend(*last);
    closed.first().is_none_or(|first| *first >= Pence::ZERO) && closed.windows(2).all(|pair| pair[0] < pair[1])
}

/// The names [`BandedScheme::validate`] returns, under `working_age`.
pub(super) fn validate_working_age(scheme: &BandedScheme) -> Result<(), &'static str> {
    nested!(
        "working_age",
        scheme.validate(),
        [
            "band_percent_bp",
            "grids",
            "grids.household",
            "grids.upper_limits",
            "capital_limit",
            "non_dependant.out_of_work",
            "non_dependant.working",
            "earnings_disregard"
        ]
    )
}
