//! Splitting a billing authority's receipts between the bodies they belong to (REFERENCE
//! §5.4): Council Tax pro rata to each body's precept; business rates by the retention shares
//! (REFERENCE §2.11), before tariffs, top-ups, levy and safety net, which are not modelled.

use crate::money::{ExactPence, Pence, split_exact};

/// Business rates retention shares, basis points summing to 10,000, by body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionShares(pub Vec<(String, u32)>);

impl RetentionShares {
    /// Two-tier shire, county not the fire authority: 50/40/9/1 (REFERENCE §2.11).
    pub fn two_tier_shire() -> Self {
        RetentionShares(vec![
            ("central".into(), 5_000),
            ("billing_authority".into(), 4_000),
            ("county".into(), 900),
            ("fire".into(), 100),
        ])
    }

    /// Two-tier shire, county the fire authority: 50/40/10.
    pub fn two_tier_shire_county_fire() -> Self {
        RetentionShares(vec![
            ("central".into(), 5_000),
            ("billing_authority".into(), 4_000),
            ("county".into(), 1_000),
        ])
    }

    /// Whether the shares add up to the whole.
    pub fn is_whole(&self) -> bool {
        self.0.iter().map(|(_, bp)| u64::from(*bp)).sum::<u64>() == 10_000
    }
}

/// Splits `receipts` by `weights` (precept amounts, or retention basis points), to the penny,
/// with the remainder rule of [`split_exact`].
pub fn split_receipts(receipts: Pence, weights: &[(String, i64)]) -> Vec<(&str, Pence)> {
    let exact: Vec<ExactPence> = weights
        .iter()
        .map(|(_, weight)| ExactPence::from_integer(i128::from((*weight).max(0))))
        .collect();
    weights
        .iter()
        .map(|(body, _)| body.as_str())
        .zip(split_exact(receipts, &exact))
        .collect()
}
