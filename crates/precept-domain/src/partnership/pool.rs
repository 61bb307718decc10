//! A year's cost pool (`cost-pool`, in the partnership stream, id `2025-26`): the budgeted
//! lines with how each is shared, the actuals as they are known, and the tolerance within
//! which estimated shares stand (REFERENCE §5.3).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures::future::BoxFuture;

use super::drivers::{Driver, DriverValues, LineBasis, LineSpec};
use crate::aggregate::{Aggregate, AggregateKind};
use crate::council_year::CouncilYearId;
use crate::ids::CouncilCode;
use crate::money::Pence;

/// The tolerance REFERENCE §5.3 reports in practice: 3 percentage points.
pub const TOLERANCE_BP_DEFAULT: u32 = 300;

/// A change to a year's pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolCommand {
    /// Add or replace a line (by name).
    SetLine(LineSpec),
    /// Record a line's actual cost.
    RecordActual {
        /// The line.
        name: String,
        /// Its actual cost.
        amount: Pence,
        /// As known on.
        on: NaiveDate,
    },
    /// Remove a line.
    RemoveLine {
        /// The line.
        name: String,
    },
    /// Set the re-adjustment tolerance, basis points.
    SetTolerance(u32),
    /// Record the drivers the budget's shares are estimated on (REFERENCE §5.3).
    SetEstimate(DriverEstimate),
}

/// The drivers a year's shares were estimated on at budget time, by driver and member.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DriverEstimate {
    /// The day they were measured.
    pub on: NaiveDate,
    /// Values by driver and member.
    pub values: Vec<(Driver, CouncilCode, u64)>,
}

impl DriverEstimate {
    /// As driver values.
    pub fn driver_values(&self) -> DriverValues {
        DriverValues(
            self.values
                .iter()
                .map(|(driver, member, value)| ((*driver, member.clone()), *value))
                .collect(),
        )
    }
}

/// Something that happened to a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolEvent {
    /// A line was added or replaced.
    LineSet(LineSpec),
    /// A line's actual cost was recorded.
    ActualRecorded {
        /// The line.
        name: String,
        /// Its actual cost.
        amount: Pence,
        /// As known on.
        on: NaiveDate,
    },
    /// A line was removed.
    LineRemoved {
        /// The line.
        name: String,
    },
    /// The tolerance was set.
    ToleranceSet(u32),
    /// The budget's driver estimate was recorded.
    EstimateSet(DriverEstimate),
}

/// A line with its actual cost, once recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoolLine {
    /// The line as configured (its amount is the budget).
    pub spec: LineSpec,
    /// The actual cost, once known.
    pub actual: Option<Pence>,
}

/// A year's pool as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoolState {
    /// Lines by name.
    pub lines: BTreeMap<String, PoolLine>,
    /// Re-adjustment tolerance, basis points.
    pub tolerance_bp: u32,
    /// The drivers the budget's shares are estimated on, once recorded.
    #[serde(default)]
    pub estimate: Option<DriverEstimate>,
}

impl Default for PoolState {
    fn default() -> Self {
        PoolState {
            lines: BTreeMap::new(),
            tolerance_bp: TOLERANCE_BP_DEFAULT,
            estimate: None,
        }
    }
}

/// Why a pool change was refused; each names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// A bad value.
    #[error("{0} is out of range")]
    Field(&'static str),
    /// A line not in the pool.
    #[error("no line named {0:?}")]
    NoLine(String),
}

fn valid_name(name: &str) -> bool {
    !name.trim().is_empty() && name.len() <= 64 && name.bytes().all(|b| (0x20..0x7f).contains(&b))
}

fn check_line(spec: &LineSpec) -> Result<(), PoolError> {
    if !valid_name(&spec.name) {
        return Err(PoolError::Field("name"));
    }
    if spec.amount.get() < 0 {
        return Err(PoolError::Field("amount_pence"));
    }
    match &spec.basis {
        LineBasis::Fixed(shares) => {
            let total: u64 = shares.iter().map(|(_, bp)| u64::from(*bp)).sum();
            let mut members: Vec<_> = shares.iter().map(|(member, _)| member).collect();
            members.sort();
            members.dedup();
            if total != 10_000 || members.len() != shares.len() {
                return Err(PoolError::Field("fixed_shares"));
            }
        }
        LineBasis::PerUnit { rate, .. } if rate.get() < 0 => return Err(PoolError::Field("rate_pence")),
        LineBasis::PerUnit { .. } | LineBasis::Driver(_) => {}
    }
    let bounds_ok = spec.limits.iter().all(|(_, limits)| {
        let positive = limits.floor.is_none_or(|f| f.get() >= 0) && limits.cap.is_none_or(|c| c.get() >= 0);
        let ordered = match (limits.floor, limits.cap) {
            (Some(floor), Some(cap)) => floor <= cap,
            _ => true,
        };
        positive && ordered
    });
    if !bounds_ok {
        return Err(PoolError::Field("limits"));
    }
    Ok(())
}

fn decide(state: &PoolState, command: PoolCommand) -> Result<Vec<PoolEvent>, PoolError> {
    match command {
        PoolCommand::SetLine(spec) => {
            check_line(&spec)?;
            if state.lines.get(&spec.name).is_some_and(|line| line.spec == spec) {
                return Ok(Vec::new());
            }
            Ok(vec![PoolEvent::LineSet(spec)])
        }
        PoolCommand::RecordActual { name, amount, on } => {
            if !state.lines.contains_key(&name) {
                return Err(PoolError::NoLine(name));
            }
            if amount.get() < 0 {
                return Err(PoolError::Field("amount_pence"));
            }
            Ok(vec![PoolEvent::ActualRecorded { name, amount, on }])
        }
        PoolCommand::RemoveLine { name } => {
            if !state.lines.contains_key(&name) {
                return Err(PoolError::NoLine(name));
            }
            Ok(vec![PoolEvent::LineRemoved { name }])
        }
        PoolCommand::SetTolerance(bp) => {
            if bp > 10_000 {
                return Err(PoolError::Field("tolerance_bp"));
            }
            Ok(vec![PoolEvent::ToleranceSet(bp)])
        }
        PoolCommand::SetEstimate(estimate) => {
            if state.estimate.as_ref() == Some(&estimate) {
                return Ok(Vec::new());
            }
            Ok(vec![PoolEvent::EstimateSet(estimate)])
        }
    }
}

/// The cost pool aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct CostPool;

impl Aggregate for CostPool {
    type Id = CouncilYearId;
    type State = PoolState;
    type Event = PoolEvent;
    type Command = PoolCommand;
    type Error = PoolError;

    fn apply(mut state: PoolState, event: PoolEvent) -> Result<PoolState, PoolError> {
        match event {
            PoolEvent::LineSet(spec) => {
                let actual = state.lines.get(&spec.name).and_then(|line| line.actual);
                state.lines.insert(spec.name.clone(), PoolLine { spec, actual });
            }
            PoolEvent::ActualRecorded { name, amount, .. } => {
                state.lines.get_mut(&name).ok_or(PoolError::NoLine(name))?.actual = Some(amount);
            }
            PoolEvent::LineRemoved { name } => {
                state.lines.remove(&name);
            }
            PoolEvent::ToleranceSet(bp) => state.tolerance_bp = bp,
            PoolEvent::EstimateSet(estimate) => state.estimate = Some(estimate),
        }
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        _id: &'s CouncilYearId,
        state: &'s PoolState,
        command: PoolCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<PoolEvent>>, PoolError>> {
        Box::pin(futures::future::ready(decide(state, command).map(Some)))
    }
}

impl AggregateKind for CostPool {
    const KIND: &'static str = "cost-pool";

    fn effective_date(event: &PoolEvent) -> Option<NaiveDate> {
        match event {
            PoolEvent::ActualRecorded { on, .. } => Some(*on),
            PoolEvent::EstimateSet(estimate) => Some(estimate.on),
            PoolEvent::LineSet(_) | PoolEvent::LineRemoved { .. } | PoolEvent::ToleranceSet(_) => None,
        }
    }
}
