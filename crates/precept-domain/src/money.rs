//! Money as an integer count of pence, and the single rounding point for proportions.
//!
//! What this is: [`Pence`], a signed `i64` amount whose sign is given meaning by the name of the
//! field that holds it (`balance_owed_pence`: positive means the taxpayer owes the council).
//! What this is not: a currency library. There is one currency, no floats, and formatting as
//! "£1,234.56" exists only for messages and tests.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

/// An amount of money in pence.
///
/// `Add`, `Sub` and `Sum` panic on overflow rather than wrap: an overflowing council tax balance
/// is a programmer error, never an operating condition. Use the `checked_*` methods on input
/// that has not been bounded yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct Pence(i64);

impl Pence {
    /// Zero pence.
    pub const ZERO: Pence = Pence(0);

    /// Wraps a count of pence.
    pub const fn new(pence: i64) -> Self {
        Pence(pence)
    }

    /// The count of pence.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Adds, or returns `None` on overflow.
    pub fn checked_add(self, other: Pence) -> Option<Pence> {
        self.0.checked_add(other.0).map(Pence)
    }

    /// Subtracts, or returns `None` on overflow.
    pub fn checked_sub(self, other: Pence) -> Option<Pence> {
        self.0.checked_sub(other.0).map(Pence)
    }

    /// Whether the amount is strictly greater than zero.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl Add for Pence {
    type Output = Pence;
    fn add(self, other: Pence) -> Pence {
        self.checked_add(other)
            .expect("pence addition overflowed i64: amounts are bounded at the edge")
    }
}

impl Sub for Pence {
    type Output = Pence;
    fn sub(self, other: Pence) -> Pence {
        self.checked_sub(other)
            .expect("pence subtraction overflowed i64: amounts are bounded at the edge")
    }
}

impl Neg for Pence {
    type Output = Pence;
    fn neg(self) -> Pence {
        Pence(
            self.0
                .checked_neg()
                .expect("negating i64::MIN pence: amounts are bounded at the edge"),
        )
    }
}

impl Sum for Pence {
    fn sum<I: Iterator<Item = Pence>>(iter: I) -> Pence {
        iter.fold(Pence::ZERO, Add::add)
    }
}

impl fmt::Display for Pence {
    /// Formats as pounds with thousands separators, e.g. `-£1,234.56`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let pounds = (abs / 100).to_string();
        let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
        for (index, digit) in pounds.chars().enumerate() {
            if index > 0 && (pounds.len() - index).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}£{grouped}.{:02}", abs % 100)
    }
}

/// Why a string is not an amount of pounds and pence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseMoneyError {
    /// The text is not of the form `1234.56`, `1234.5` or `1234`, optionally signed.
    #[error("amount must look like 1234.56")]
    Malformed,
    /// The amount does not fit in 64 bits of pence.
    #[error("amount is too large")]
    TooLarge,
}

impl FromStr for Pence {
    type Err = ParseMoneyError;

    /// Parses an exact decimal pounds amount such as `"1234.56"`; never goes through a float.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (pounds, pence) = match unsigned.split_once('.') {
            Some((pounds, pence)) => (pounds, pence),
            None => (unsigned, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if pounds.is_empty() || !all_digits(pounds) || !all_digits(pence) || pence.len() > 2 {
            return Err(ParseMoneyError::Malformed);
        }
        let pounds: i64 = pounds.parse().map_err(|_| ParseMoneyError::TooLarge)?;
        let pence_part: i64 = match pence.len() {
            0 => 0,
            1 => pence.parse::<i64>().map_err(|_| ParseMoneyError::Malformed)? * 10,
            _ => pence.parse().map_err(|_| ParseMoneyError::Malformed)?,
        };
        let total = pounds
            .checked_mul(100)
            .and_then(|p| p.checked_add(pence_part))
            .ok_or(ParseMoneyError::TooLarge)?;
        Ok(Pence(if negative { -total } else { total }))
    }
}

/// Builds an amount from an exact pounds string; for tests and fixtures.
///
/// # Panics
/// If the text is not a valid amount: fixtures are written by hand and must be right.
pub fn gbp(text: &str) -> Pence {
    text.parse()
        .unwrap_or_else(|error| panic!("fixture amount {text:?} is invalid: {error}"))
}

/// How a proportion that does not come out in whole pence is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Half a penny and above rounds away from zero (the convention on bills).
    HalfUp,
    /// Always towards zero (truncation), for splits whose remainder is placed explicitly.
    Down,
}

/// `amount × numerator ÷ denominator`, rounded as asked.
///
/// This is the one place in Precept where money is multiplied by a proportion (daily
/// apportionment, discounts, band ratios). It works in `i128` so no intermediate overflows.
///
/// # Panics
/// If `denominator` is zero, or the result does not fit in `i64` pence: both are programmer
/// errors, since proportions used here are at most a few multiples of the amount.
pub fn apportion(amount: Pence, numerator: i64, denominator: i64, rounding: Rounding) -> Pence {
    assert!(denominator != 0, "apportion denominator must not be zero");
    let product = i128::from(amount.0) * i128::from(numerator);
    let denominator = i128::from(denominator);
    let quotient = product / denominator;
    let remainder = product % denominator;
    let rounded = match rounding {
        Rounding::Down => quotient,
        Rounding::HalfUp => {
            // Compare twice the remainder with the divisor, on magnitudes, so that halves round
            // away from zero for both signs.
            if 2 * remainder.abs() >= denominator.abs() {
                quotient + if (product < 0) == (denominator < 0) { 1 } else { -1 }
            } else {
                quotient
            }
        }
    };
    Pence(i64::try_from(rounded).expect("apportioned amount fits in i64 pence"))
}

/// An exact amount of pence as a fraction: charges are summed exactly and rounded once.
pub type ExactPence = num_rational::Ratio<i128>;

/// The one rounding rule for charges: an exact amount to the nearest penny, halves away from
/// zero (REFERENCE §1.4 says round at the period level, never per day; the commercial
/// convention is unconfirmed, so this one is documented in docs/COUNCIL-TAX.md and used
/// everywhere a charge is rounded).
///
/// # Panics
/// If the result does not fit in `i64` pence (a programmer error: charges are bounded).
pub fn round_half_up(value: ExactPence) -> Pence {
    Pence(i64::try_from(value.round().to_integer()).expect("rounded charge fits in i64 pence"))
}

/// Splits `total` into parts proportional to `weights` that sum to `total` exactly.
///
/// Each part is first rounded down; the pence left over go one each to the parts with the
/// largest fractional remainders, earlier parts first on ties (the remainder rule). Weights
/// must be non-negative and not all zero; an empty or all-zero weight list yields zeros.
pub fn split_exact(total: Pence, weights: &[ExactPence]) -> Vec<Pence> {
    let sum: ExactPence = weights.iter().copied().sum();
    if weights.is_empty() || sum == ExactPence::from_integer(0) {
        return vec![Pence::ZERO; weights.len()];
    }
    let magnitude = i128::from(total.0.abs());
    let sign = if total.0 < 0 { -1 } else { 1 };
    let exact: Vec<ExactPence> = weights.iter().map(|w| *w * magnitude / sum).collect();
    let mut parts: Vec<i128> = exact.iter().map(|e| e.floor().to_integer()).collect();
    let placed: i128 = parts.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| exact[*b].fract().cmp(&exact[*a].fract()).then(a.cmp(b)));
    for index in order.into_iter().take(usize::try_from(magnitude - placed).unwrap_or(0)) {
        parts[index] += 1;
    }
    parts
        .into_iter()
        .map(|p| Pence(i64::try_from(p * sign).expect("a part never exceeds the total")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_format_with_pound_sign_and_separators() {
        assert_eq!(gbp("1234.56").to_string(), "£1,234.56");
        assert_eq!(gbp("-0.05").to_string(), "-£0.05");
        assert_eq!(gbp("1000000").to_string(), "£1,000,000.00");
        assert_eq!(gbp("999.9").to_string(), "£999.90");
    }

    #[test]
    fn malformed_amounts_are_rejected() {
        for text in ["", ".5", "1.234", "1,000", "£5", "1e3", "--1", "12a"] {
            assert_eq!(text.parse::<Pence>(), Err(ParseMoneyError::Malformed), "{text:?}");
        }
        assert_eq!("99999999999999999999".parse::<Pence>(), Err(ParseMoneyError::TooLarge));
    }

    #[test]
    fn band_ratio_example_from_reference_rounds_half_up() {
        // REFERENCE §1.2: Band D £1,447.25 gives Band A £964.83, E £1,768.86, H £2,894.50.
        let band_d = gbp("1447.25");
        assert_eq!(apportion(band_d, 6, 9, Rounding::HalfUp), gbp("964.83"));
        assert_eq!(apportion(band_d, 11, 9, Rounding::HalfUp), gbp("1768.86"));
        assert_eq!(apportion(band_d, 18, 9, Rounding::HalfUp), gbp("2894.50"));
    }

    #[test]
    fn half_pennies_round_away_from_zero_for_both_signs() {
        assert_eq!(apportion(Pence(1), 1, 2, Rounding::HalfUp), Pence(1));
        assert_eq!(apportion(Pence(-1), 1, 2, Rounding::HalfUp), Pence(-1));
        assert_eq!(apportion(Pence(1), 1, 2, Rounding::Down), Pence(0));
    }

    proptest! {
        #[test]
        fn formatting_then_parsing_round_trips(pence in -1_000_000_000_000i64..1_000_000_000_000) {
            let text = Pence(pence).to_string().replace(['£', ','], "");
            prop_assert_eq!(text.parse::<Pence>(), Ok(Pence(pence)));
        }

        #[test]
        fn a_split_into_a_part_and_its_complement_sums_to_the_whole(
            amount in -100_000_000i64..100_000_000, part in 0i64..=366, whole in 1i64..=366,
        ) {
            prop_assume!(part <= whole);
            let first = apportion(Pence(amount), part, whole, Rounding::HalfUp);
            let rest = Pence(amount) - first;
            prop_assert_eq!(first + rest, Pence(amount));
            prop_assert!((first.get() * whole - amount * part).abs() * 2 <= whole.abs());
        }
    }
}
