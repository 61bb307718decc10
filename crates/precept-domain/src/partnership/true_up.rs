//! Whether to re-adjust a year's shares to actual drivers (REFERENCE §5.3): partners estimate
//! the split at budget time, measure actual drivers later, and re-adjust only when a member's
//! actual share differs from its estimated share by more than a tolerance (3 percentage points
//! in the practice seen; a parameter here).

use crate::ids::CouncilCode;
use crate::money::ExactPence;

/// The decision, with the largest movement found (basis points, exact).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrueUp {
    /// Within tolerance: the estimated shares stand.
    KeepEstimate {
        /// The member that moved most, and by how much.
        largest: Option<(CouncilCode, ExactPence)>,
    },
    /// Beyond tolerance: share by the actual drivers.
    UseActual {
        /// The member that moved most, and by how much.
        largest: (CouncilCode, ExactPence),
    },
}

fn shares(drivers: &[(CouncilCode, u64)]) -> Vec<(CouncilCode, ExactPence)> {
    let total: i128 = drivers.iter().map(|(_, count)| i128::from(*count)).sum();
    drivers
        .iter()
        .map(|(member, count)| {
            let bp = if total == 0 {
                ExactPence::from_integer(0)
            } else {
                ExactPence::new(i128::from(*count) * 10_000, total)
            };
            (member.clone(), bp)
        })
        .collect()
}

/// Compares each member's share of `estimate` and `actual` drivers (members missing from one
/// side count as zero there) against `tolerance_bp`.
pub fn true_up(estimate: &[(CouncilCode, u64)], actual: &[(CouncilCode, u64)], tolerance_bp: u32) -> TrueUp {
    let estimated = shares(estimate);
    let actual = shares(actual);
    let mut members: Vec<&CouncilCode> = estimated.iter().chain(&actual).map(|(member, _)| member).collect();
    members.sort();
    members.dedup();
    let share_of = |list: &[(CouncilCode, ExactPence)], member: &CouncilCode| {
        list.iter()
            .find(|(m, _)| m == member)
            .map_or(ExactPence::from_integer(0), |(_, bp)| *bp)
    };
    let largest = members
        .into_iter()
        .map(|member| {
            let moved = share_of(&actual, member) - share_of(&estimated, member);
            (
                member.clone(),
                if moved < ExactPence::from_integer(0) {
                    -moved
                } else {
                    moved
                },
            )
        })
        .max_by(|a, b| a.1.cmp(&b.1));
    match largest {
        Some(largest) if largest.1 > ExactPence::from_integer(i128::from(tolerance_bp)) => {
            TrueUp::UseActual { largest }
        }
        largest => TrueUp::KeepEstimate { largest },
    }
}
