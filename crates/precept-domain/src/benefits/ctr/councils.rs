//! Published banded schemes from REFERENCE §3.3, as named constructors.
//!
//! What this is: the grids and percentages exactly as REFERENCE tables them, with every
//! figure REFERENCE does not give marked as a placeholder a council must configure.
//! What this is not: a register of schemes in force; a council's scheme is its own
//! configuration, versioned by year, and these are starting points and test fixtures.
//!
//! Limits are inclusive upper limits in pence: "£95.01–£140" is the band whose limit is
//! £140.00, and the band above starts one penny later.

use crate::money::Pence;

use super::banded::{BandGrid, BandedScheme, FlatNonDependant, HouseholdMatch, IncomeBasis};

/// A capital limit for the schemes whose limit REFERENCE does not give: the national £16,000,
/// so a placeholder never refuses anyone the council's own (usually lower) limit would not.
const CAPITAL_LIMIT_PLACEHOLDER: Pence = Pence::new(1_600_000);

/// A grid whose last band is open: `limits` are the closed bands' upper limits in pence.
fn grid(partner: Option<bool>, children_min: u8, children_max: Option<u8>, limits: &[i64]) -> BandGrid {
    BandGrid {
        household: HouseholdMatch {
            partner,
            children_min,
            children_max,
        },
        upper_limits: limits
            .iter()
            .map(|limit| Some(Pence::new(*limit)))
            .chain(std::iter::once(None))
            .collect(),
    }
}

impl BandedScheme {
    /// Swale Borough Council from 1 April 2023 (REFERENCE §3.3): five bands, 80% at most;
    /// non-dependants £5 out of work or under 16 hours, £10 working, none where the claimant
    /// gets DLA or PIP.
    ///
    /// Assumptions a council must check before use:
    /// - Band 4's upper limit is printed "£27x" (truncated in the source); £270.00 is this
    ///   constructor's assumption.
    /// - Only the single person's row is published. The couple, one-child and two-or-more-children
    ///   grids repeat the single limits as **placeholders** (separate grids, so each can be set).
    /// - The capital limit and any earnings disregard are not in REFERENCE: £16,000 and nil
    ///   are placeholders.
    pub fn swale_2023() -> Self {
        let single = [9_500, 14_000, 19_000, 27_000];
        BandedScheme {
            band_percent_bp: vec![8_000, 6_000, 4_000, 2_000, 0],
            grids: vec![
                grid(Some(false), 0, Some(0), &single),
                // Placeholders: REFERENCE's table is truncated for these groups.
                grid(Some(true), 0, Some(0), &single),
                grid(None, 1, Some(1), &single),
                grid(None, 2, None, &single),
            ],
            capital_limit: CAPITAL_LIMIT_PLACEHOLDER,
            capital_limit_applies_to_passported: false,
            non_dependant: FlatNonDependant {
                out_of_work: Pence::new(500),
                working: Pence::new(1_000),
            },
            income_basis: IncomeBasis::AllIncome,
            earnings_disregard: Pence::ZERO,
            disregard_non_dependants_if_disabled: true,
            non_dependants_before_percentage: false,
        }
    }

    /// Medway Council from 2022 (REFERENCE §3.3): six bands, 65% at most. The capital limit,
    /// non-dependant deductions and earnings disregard are not in REFERENCE: £16,000, nil and
    /// nil are placeholders.
    pub fn medway_2022() -> Self {
        BandedScheme {
            band_percent_bp: vec![6_500, 5_500, 4_500, 3_500, 2_000, 0],
            grids: vec![
                grid(Some(false), 0, Some(0), &[11_399, 16_699, 21_999, 27_399, 32_099]),
                grid(Some(true), 0, Some(0), &[15_399, 20_799, 26_099, 31_499, 36_799]),
                grid(None, 1, Some(1), &[21_399, 27_399, 33_199, 39_299, 45_099]),
                grid(None, 2, None, &[28_499, 34_499, 40_399, 46_299, 53_499]),
            ],
            capital_limit: CAPITAL_LIMIT_PLACEHOLDER,
            capital_limit_applies_to_passported: false,
            non_dependant: FlatNonDependant {
                out_of_work: Pence::ZERO,
                working: Pence::ZERO,
            },
            income_basis: IncomeBasis::AllIncome,
            earnings_disregard: Pence::ZERO,
            disregard_non_dependants_if_disabled: false,
            non_dependants_before_percentage: false,
        }
    }

    /// Dorset Council 2024/25 (REFERENCE §3.3): six bands, 100% at most; passported claimants
    /// in band 1. "Family" is a single claimant or couple with children. The capital limit,
    /// non-dependant deductions and earnings disregard are not in REFERENCE: £16,000, nil and
    /// nil are placeholders.
    pub fn dorset_2024_25() -> Self {
        BandedScheme {
            band_percent_bp: vec![10_000, 8_000, 6_000, 4_000, 2_000, 0],
            grids: vec![
                grid(Some(false), 0, Some(0), &[9_200, 12_700, 16_200, 19_700, 23_200]),
                grid(Some(true), 0, Some(0), &[14_500, 18_500, 22_500, 26_500, 30_500]),
                grid(None, 1, Some(1), &[17_000, 21_000, 25_000, 29_000, 33_000]),
                grid(None, 2, Some(2), &[23_500, 27_500, 31_500, 35_500, 39_500]),
                grid(None, 3, None, &[30_000, 34_000, 38_000, 42_000, 46_000]),
            ],
            capital_limit: CAPITAL_LIMIT_PLACEHOLDER,
            capital_limit_applies_to_passported: false,
            non_dependant: FlatNonDependant {
                out_of_work: Pence::ZERO,
                working: Pence::ZERO,
            },
            income_basis: IncomeBasis::AllIncome,
            earnings_disregard: Pence::ZERO,
            disregard_non_dependants_if_disabled: false,
            non_dependants_before_percentage: false,
        }
    }

    /// Tunbridge Wells Borough Council (Mid Kent design) from 1 April 2021 (REFERENCE §3.3):
    /// earnings only, benefits ignored; 80% at most; capital limit £10,000; non-dependants £5
    /// out of work, £10 working.
    ///
    /// Band 1 is "UC/state benefits only", i.e. no earnings: its limit is £0.00. Band 2 is
    /// "< £77.81", so its limit is £77.80. Earnings above band 5 fall in a sixth band at 0%,
    /// which REFERENCE implies but does not print. No earnings disregard is given: nil.
    pub fn tunbridge_wells_2021() -> Self {
        BandedScheme {
            band_percent_bp: vec![8_000, 6_500, 5_000, 2_500, 1_000, 0],
            grids: vec![
                grid(None, 0, Some(0), &[0, 7_780, 15_561, 23_343, 31_123]),
                grid(None, 1, Some(2), &[0, 9_528, 19_082, 28_636, 38_139]),
                grid(None, 3, None, &[0, 10_858, 21_742, 32_626, 43_509]),
            ],
            capital_limit: Pence::new(1_000_000),
            capital_limit_applies_to_passported: false,
            non_dependant: FlatNonDependant {
                out_of_work: Pence::new(500),
                working: Pence::new(1_000),
            },
            income_basis: IncomeBasis::EarningsOnly,
            earnings_disregard: Pence::ZERO,
            disregard_non_dependants_if_disabled: false,
            non_dependants_before_percentage: false,
        }
    }
}
