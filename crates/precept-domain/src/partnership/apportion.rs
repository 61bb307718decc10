//! One cost line shared between members (REFERENCE §5.3).
//!
//! - **Fixed**: agreed percentages (basis points summing to 10,000).
//! - **Drivers**: in proportion to counts (live accounts, hereditaments, claims, bills issued,
//!   payments processed...), or any weight such as rateable value.
//! - **Per unit**: a charge per unit of work bought in; the line's total is the charges' sum.
//!
//! Caps and floors bind a member's share; what a bound member does not take (or must take)
//! is shared among the others by the same basis, round after round until no bound is broken.
//! The exact shares are then rounded with the one remainder rule, [`split_exact`]: each share
//! rounded down, the pence left go one each to the largest fractional remainders, earlier
//! members (in the line's order) first on ties. Shares always sum to the line to the penny.

use crate::ids::CouncilCode;
use crate::money::{ExactPence, Pence, split_exact};

/// How a line is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// Agreed basis points per member, summing to 10,000.
    Fixed(Vec<(CouncilCode, u32)>),
    /// In proportion to each member's driver.
    Drivers(Vec<(CouncilCode, u64)>),
    /// A charge per unit: each member pays `rate` × its units.
    PerUnit {
        /// The charge per unit.
        rate: Pence,
        /// Units per member.
        units: Vec<(CouncilCode, u64)>,
    },
}

/// A member's bounds on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Limits {
    /// The least it pays.
    pub floor: Option<Pence>,
    /// The most it pays.
    pub cap: Option<Pence>,
}

/// A cost line: a budget or actual amount and how it is shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostLine {
    /// The line's name (staff, ICT licences, accommodation, enforcement contract, postage...).
    pub name: String,
    /// The amount to share (ignored for a per-unit line, whose total is its charges).
    pub amount: Pence,
    /// How it is shared.
    pub basis: Basis,
    /// Bounds by member, where agreed.
    pub limits: Vec<(CouncilCode, Limits)>,
}

/// A member's share of a line, with the driver that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineShare {
    /// The member.
    pub member: CouncilCode,
    /// Basis points, driver count or units, as the basis has it.
    pub driver: u64,
    /// What it pays.
    pub amount: Pence,
    /// Whether a cap or floor set the amount.
    pub bound: bool,
}

/// Why a line could not be shared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApportionError {
    /// No members, or a member twice.
    #[error("a line needs each member once")]
    Members,
    /// Fixed percentages not summing to 100%.
    #[error("fixed shares must sum to 10000 basis points")]
    FixedShares,
    /// Every driver zero: nothing to share by.
    #[error("every driver is zero")]
    NoDrivers,
    /// A negative amount, a floor above a cap, or bounds no split can meet.
    #[error("{0}")]
    Bounds(&'static str),
}

impl CostLine {
    /// The members and their weights, in the line's order.
    fn weights(&self) -> Vec<(CouncilCode, u64)> {
        match &self.basis {
            Basis::Fixed(shares) => shares.iter().map(|(m, bp)| (m.clone(), u64::from(*bp))).collect(),
            Basis::Drivers(drivers) => drivers.clone(),
            Basis::PerUnit { units, .. } => units.clone(),
        }
    }

    /// What the line comes to: its amount, or for a per-unit line the charges' sum.
    pub fn total(&self) -> Pence {
        match &self.basis {
            Basis::PerUnit { rate, units } => units
                .iter()
                .map(|(_, count)| Pence::new(rate.get() * i64::try_from(*count).unwrap_or(i64::MAX)))
                .sum(),
            Basis::Fixed(_) | Basis::Drivers(_) => self.amount,
        }
    }

    fn limits_of(&self, member: &CouncilCode) -> Limits {
        self.limits
            .iter()
            .find(|(m, _)| m == member)
            .map(|(_, limits)| *limits)
            .unwrap_or_default()
    }
}

fn exact(pence: Pence) -> ExactPence {
    ExactPence::from_integer(i128::from(pence.get()))
}

/// Shares a line (see the module docs for the rules).
///
/// # Errors
/// [`ApportionError`] naming what is wrong with the line.
pub fn apportion(line: &CostLine) -> Result<Vec<LineShare>, ApportionError> {
    let weights = line.weights();
    let mut seen = std::collections::HashSet::new();
    if weights.is_empty() || !weights.iter().all(|(member, _)| seen.insert(member.clone())) {
        return Err(ApportionError::Members);
    }
    if let Basis::Fixed(shares) = &line.basis
        && shares.iter().map(|(_, bp)| u64::from(*bp)).sum::<u64>() != 10_000
    {
        return Err(ApportionError::FixedShares);
    }
    if weights.iter().all(|(_, weight)| *weight == 0) {
        return Err(ApportionError::NoDrivers);
    }
    let total = line.total();
    if total.get() < 0 {
        return Err(ApportionError::Bounds("the amount must not be negative"));
    }
    let limits: Vec<Limits> = weights.iter().map(|(member, _)| line.limits_of(member)).collect();
    if limits
        .iter()
        .any(|l| matches!((l.floor, l.cap), (Some(floor), Some(cap)) if floor > cap))
    {
        return Err(ApportionError::Bounds("a floor is above its cap"));
    }
    let amounts = bounded_shares(total, &weights, &limits)?;
    let bound: Vec<bool> = amounts.iter().map(|(_, bound)| *bound).collect();
    let exact_amounts: Vec<ExactPence> = amounts.into_iter().map(|(amount, _)| amount).collect();
    let rounded = split_exact(total, &exact_amounts);
    Ok(weights
        .into_iter()
        .zip(rounded)
        .zip(bound)
        .map(|(((member, driver), amount), bound)| LineShare {
            member,
            driver,
            amount,
            bound,
        })
        .collect())
}

/// Exact shares by weight, with bounds applied round by round: a member whose share breaks
/// its bound is fixed at it, and the rest is shared again among the free members.
fn bounded_shares(
    total: Pence,
    weights: &[(CouncilCode, u64)],
    limits: &[Limits],
) -> Result<Vec<(ExactPence, bool)>, ApportionError> {
    let mut fixed: Vec<Option<ExactPence>> = vec![None; weights.len()];
    for _ in 0..=weights.len() {
        let taken: ExactPence = fixed.iter().flatten().copied().sum();
        let left = exact(total) - taken;
        let free_weight: i128 = weights
            .iter()
            .zip(&fixed)
            .filter(|(_, fixed)| fixed.is_none())
            .map(|((_, weight), _)| i128::from(*weight))
            .sum();
        let share = |weight: u64| {
            if free_weight == 0 {
                ExactPence::from_integer(0)
            } else {
                left * ExactPence::new(i128::from(weight), free_weight)
            }
        };
        let mut moved = false;
        for (index, (_, weight)) in weights.iter().enumerate() {
            if fixed[index].is_some() {
                continue;
            }
            let amount = share(*weight);
            let limit = limits[index];
            if let Some(cap) = limit.cap.filter(|cap| amount > exact(*cap)) {
                fixed[index] = Some(exact(cap));
                moved = true;
            } else if let Some(floor) = limit.floor.filter(|floor| amount < exact(*floor)) {
                fixed[index] = Some(exact(floor));
                moved = true;
            }
        }
        if !moved {
            let shares: Vec<(ExactPence, bool)> = weights
                .iter()
                .zip(&fixed)
                .map(|((_, weight), fixed)| fixed.map_or((share(*weight), false), |amount| (amount, true)))
                .collect();
            let sum: ExactPence = shares.iter().map(|(amount, _)| *amount).sum();
            let negative = shares.iter().any(|(amount, _)| *amount < ExactPence::from_integer(0));
            return if sum == exact(total) && !negative {
                Ok(shares)
            } else {
                Err(ApportionError::Bounds("the caps and floors cannot all be met"))
            };
        }
    }
    Err(ApportionError::Bounds("the caps and floors cannot all be met"))
}
