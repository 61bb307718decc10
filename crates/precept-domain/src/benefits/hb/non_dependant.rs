//! Non-dependant deductions (REFERENCE §3.2 for HB, §3.3 for pension-age CTR): who a
//! non-dependant is, and the weekly tables by year.
//!
//! What this is: the circumstances the tables distinguish, the table shape with its lookup and
//! checks, and the published tables as named constructors.
//! What this is not: banded CTR schemes' flat deductions (see `ctr`), or the rule for a
//! non-dependant couple (one deduction between them; not in REFERENCE): the caller lists one
//! of the two.

use crate::money::Pence;

use super::NonDependant;
use super::parameters::{first_failing, weekly_amount_ok};

/// Who a non-dependant is, as far as the deduction tables care (REFERENCE §3.2, §3.3).
///
/// The variants are facts about the person, not table rows, because the HB and pension-age
/// CTR tables treat the same person differently (25+ on income support is a flat HB deduction
/// but nil for CTR); each [`NonDependantTable`] lists the variants it charges nothing for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum NonDependantCircumstance {
    /// Aged 18 or over and not in remunerative work (or working under 16 hours a week), on
    /// none of the benefits below: the out-of-work amount.
    NotWorking,
    /// In remunerative work of 16 hours or more a week: the deduction follows gross weekly
    /// income.
    Working16Hours,
    /// On income support or income-based JSA aged 25 or over, or on income-related ESA in its
    /// main phase (any age): the out-of-work amount for HB, nil for pension-age CTR.
    LegacyIncomeBenefit,
    /// Aged 25 or over on Universal Credit without earnings: the out-of-work amount (REFERENCE
    /// §3.3 does not list UC among the CTR nil cases).
    UniversalCreditNoEarnings,
    /// On Pension Credit; or aged 18 to 24 on income support, income-based JSA or Universal
    /// Credit with no earnings; or aged 18 to 24 in the assessment phase of income-related
    /// ESA: nil.
    PensionCreditOrYoungOnBenefit,
}

/// One income band of a deduction table: from this gross weekly income (inclusive), this
/// deduction.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NonDependantBand {
    /// The lowest gross weekly income in the band (the published "£183–265.99" starts at £183.00).
    pub from: Pence,
    /// The weekly deduction.
    pub deduction: Pence,
}

/// A weekly non-dependant deduction table (REFERENCE §3.2 for HB, §3.3 for pension-age CTR).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NonDependantTable {
    /// The flat deduction for a non-dependant out of work (or working under 16 hours).
    pub out_of_work: Pence,
    /// Bands for those working 16 hours or more, lowest first; the first starts at £0.00 (in
    /// the published tables it equals `out_of_work`, but it is a separate figure).
    pub working_bands: Vec<NonDependantBand>,
    /// Circumstances for which the table deducts nothing.
    pub nil: Vec<NonDependantCircumstance>,
}

fn bands(out_of_work: i64, rows: &[(i64, i64)]) -> Vec<NonDependantBand> {
    std::iter::once((0, out_of_work))
        .chain(rows.iter().copied())
        .map(|(from, deduction)| NonDependantBand {
            from: Pence::new(from),
            deduction: Pence::new(deduction),
        })
        .collect()
}

impl NonDependantTable {
    fn hb(out_of_work: i64, rows: &[(i64, i64)]) -> Self {
        NonDependantTable {
            out_of_work: Pence::new(out_of_work),
            working_bands: bands(out_of_work, rows),
            nil: vec![NonDependantCircumstance::PensionCreditOrYoungOnBenefit],
        }
    }

    fn ctr(out_of_work: i64, rows: &[(i64, i64)]) -> Self {
        NonDependantTable {
            out_of_work: Pence::new(out_of_work),
            working_bands: bands(out_of_work, rows),
            // REFERENCE §3.3: nil for Pension Credit, IS, JSA(IB) and ESA(IR), at any age.
            nil: vec![
                NonDependantCircumstance::PensionCreditOrYoungOnBenefit,
                NonDependantCircumstance::LegacyIncomeBenefit,
            ],
        }
    }

    /// HB, 2023/24 (REFERENCE §3.2).
    pub fn hb_england_2023_24() -> Self {
        Self::hb(
            1_810,
            &[
                (16_200, 4_160),
                (23_600, 5_710),
                (30_800, 9_340),
                (41_000, 10_635),
                (51_100, 11_675),
            ],
        )
    }

    /// HB, 2024/25 (REFERENCE §3.2).
    pub fn hb_england_2024_25() -> Self {
        Self::hb(
            1_930,
            &[
                (17_600, 4_440),
                (25_600, 6_095),
                (33_400, 9_965),
                (44_500, 11_350),
                (55_400, 12_455),
            ],
        )
    }

    /// HB, 2025/26 (REFERENCE §3.2).
    pub fn hb_england_2025_26() -> Self {
        Self::hb(
            1_965,
            &[
                (18_300, 4_515),
                (26_600, 6_200),
                (34_800, 10_135),
                (46_300, 11_545),
                (57_700, 12_665),
            ],
        )
    }

    /// Pension-age CTR, 2024/25 (REFERENCE §3.3).
    pub fn ctr_england_2024_25() -> Self {
        Self::ctr(490, &[(25_600, 1_005), (44_500, 1_260), (55_400, 1_510)])
    }

    /// Pension-age CTR, 2025/26 (REFERENCE §3.3).
    pub fn ctr_england_2025_26() -> Self {
        Self::ctr(500, &[(26_600, 1_020), (46_300, 1_280), (57_700, 1_535)])
    }

    /// The weekly deduction for one non-dependant: nil for the table's nil cases, the income
    /// band's amount for someone working 16 hours or more, otherwise the out-of-work amount.
    pub fn deduction(&self, nd: &NonDependant) -> Pence {
        if self.nil.contains(&nd.circumstance) {
            return Pence::ZERO;
        }
        if nd.circumstance != NonDependantCircumstance::Working16Hours {
            return self.out_of_work;
        }
        self.working_bands
            .iter()
            .rev()
            .find(|band| band.from <= nd.gross_weekly_income)
            .map_or(self.out_of_work, |band| band.deduction)
    }

    /// Checks the amounts are in range and the bands start at £0.00 and rise.
    ///
    /// # Errors
    /// `out_of_work` or `working_bands`.
    pub fn validate(&self) -> Result<(), &'static str> {
        let bands = &self.working_bands;
        let bands_ok = bands.first().is_some_and(|first| first.from == Pence::ZERO)
            && bands.windows(2).all(|pair| pair[0].from < pair[1].from)
            && bands.iter().all(|band| weekly_amount_ok(band.deduction));
        first_failing(&[
            ("out_of_work", weekly_amount_ok(self.out_of_work)),
            ("working_bands", bands_ok),
        ])
    }
}
