//! The business case for a council joining (issue 7): every member's cost before and after,
//! side by side, from the same cost lines with the newcomer's drivers added.

use std::collections::BTreeMap;

use super::apportion::{ApportionError, Basis, CostLine, apportion};
use crate::ids::CouncilCode;
use crate::money::Pence;

/// A proposed member: its drivers (or units) per driver-based line, and the new fixed splits
/// the partners would agree for fixed lines (a line left out keeps its old split, and the
/// newcomer pays nothing of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The council proposing to join.
    pub member: CouncilCode,
    /// Its driver count per line name.
    pub drivers: BTreeMap<String, u64>,
    /// New fixed splits per line name.
    pub fixed: BTreeMap<String, Vec<(CouncilCode, u32)>>,
    /// What the pool grows by per line name (the newcomer's own staff, licences...).
    pub added_cost: BTreeMap<String, Pence>,
}

/// One member's total before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberComparison {
    /// The member.
    pub member: CouncilCode,
    /// Its cost now (zero for the newcomer).
    pub before: Pence,
    /// Its cost with the newcomer.
    pub after: Pence,
}

impl MemberComparison {
    /// What it saves (negative: what it pays more).
    pub fn saving(&self) -> Pence {
        self.before - self.after
    }
}

fn with_newcomer(line: &CostLine, proposal: &Proposal) -> CostLine {
    let mut line = line.clone();
    line.amount = line.amount + proposal.added_cost.get(&line.name).copied().unwrap_or(Pence::ZERO);
    let driver = proposal.drivers.get(&line.name).copied().unwrap_or(0);
    match &mut line.basis {
        Basis::Fixed(shares) => {
            if let Some(split) = proposal.fixed.get(&line.name) {
                *shares = split.clone();
            }
        }
        Basis::Drivers(drivers) => drivers.push((proposal.member.clone(), driver)),
        Basis::PerUnit { units, .. } => units.push((proposal.member.clone(), driver)),
    }
    line
}

fn totals(lines: &[CostLine]) -> Result<BTreeMap<CouncilCode, Pence>, ApportionError> {
    let mut totals = BTreeMap::new();
    for line in lines {
        for share in apportion(line)? {
            let total = totals.entry(share.member).or_insert(Pence::ZERO);
            *total = *total + share.amount;
        }
    }
    Ok(totals)
}

/// Every member's cost before and after the proposal, members in code order.
///
/// # Errors
/// [`ApportionError`] from a line that cannot be shared either way.
pub fn what_if(lines: &[CostLine], proposal: &Proposal) -> Result<Vec<MemberComparison>, ApportionError> {
    let before = totals(lines)?;
    let joined: Vec<CostLine> = lines.iter().map(|line| with_newcomer(line, proposal)).collect();
    let after = totals(&joined)?;
    let mut members: Vec<&CouncilCode> = before.keys().chain(after.keys()).collect();
    members.sort();
    members.dedup();
    Ok(members
        .into_iter()
        .map(|member| MemberComparison {
            member: member.clone(),
            before: before.get(member).copied().unwrap_or(Pence::ZERO),
            after: after.get(member).copied().unwrap_or(Pence::ZERO),
        })
        .collect())
}
