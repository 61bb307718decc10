//! An agency (`nndr-agency`): another partner council billing and collecting this billing
//! authority's business rates on its behalf, from a date (one council did so for a
//! neighbour's 1,800 premises from 2005). Kept in the billing authority's stream, one
//! aggregate per agent council (the id is the agent's council code), because only the
//! billing authority appoints or ends it.
//!
//! What an agent may do is the application service's rule: bill, take payments and run
//! recovery on the authority's accounts, never change its settings.

use chrono::NaiveDate;
use futures::future::BoxFuture;

use crate::aggregate::{Aggregate, AggregateKind};
use crate::ids::CouncilCode;

/// A request about an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyCommand {
    /// Appoint the agent from a date.
    Appoint {
        /// First day.
        from: NaiveDate,
    },
    /// End the agency.
    End {
        /// Last day.
        last_day: NaiveDate,
    },
}

/// Something that happened to an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyEvent {
    /// Appointed.
    Appointed {
        /// First day.
        from: NaiveDate,
    },
    /// Ended.
    Ended {
        /// Last day.
        last_day: NaiveDate,
    },
}

/// Periods of agency, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct AgencyState {
    /// First and last day of each period; the last is open while in force.
    pub periods: Vec<(NaiveDate, Option<NaiveDate>)>,
}

impl AgencyState {
    /// Whether the agent acts on `date`.
    pub fn acts_on(&self, date: NaiveDate) -> bool {
        self.periods
            .iter()
            .any(|(from, to)| *from <= date && to.is_none_or(|to| date <= to))
    }

    /// Whether an agency is open (appointed and not ended).
    pub fn in_force(&self) -> bool {
        self.periods.last().is_some_and(|(_, to)| to.is_none())
    }
}

/// Why an agency command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgencyError {
    /// Appointing while in force.
    #[error("the agency is already in force")]
    InForce,
    /// Ending one not in force, or before it began.
    #[error("no agency in force ends on that day")]
    NotInForce,
    /// A council appointing itself.
    #[error("a council cannot be its own agent")]
    OwnAgent,
    /// Stored history does not fit.
    #[error("agency history is inconsistent")]
    Inconsistent,
}

/// The agency aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Agency;

impl Aggregate for Agency {
    type Id = CouncilCode;
    type State = AgencyState;
    type Event = AgencyEvent;
    type Command = AgencyCommand;
    type Error = AgencyError;

    fn apply(mut state: AgencyState, event: AgencyEvent) -> Result<AgencyState, AgencyError> {
        match event {
            AgencyEvent::Appointed { from } => state.periods.push((from, None)),
            AgencyEvent::Ended { last_day } => {
                let open = state.periods.last_mut().ok_or(AgencyError::Inconsistent)?;
                open.1 = Some(last_day);
            }
        }
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        _id: &'s CouncilCode,
        state: &'s AgencyState,
        command: AgencyCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<AgencyEvent>>, AgencyError>> {
        let decided = match command {
            AgencyCommand::Appoint { .. } if state.in_force() => Err(AgencyError::InForce),
            AgencyCommand::Appoint { from } => Ok(vec![AgencyEvent::Appointed { from }]),
            AgencyCommand::End { last_day } => match state.periods.last() {
                Some((from, None)) if *from <= last_day => Ok(vec![AgencyEvent::Ended { last_day }]),
                _ => Err(AgencyError::NotInForce),
            },
        };
        Box::pin(futures::future::ready(decided.map(Some)))
    }
}

impl AggregateKind for Agency {
    const KIND: &'static str = "nndr-agency";

    fn effective_date(event: &AgencyEvent) -> Option<NaiveDate> {
        match event {
            AgencyEvent::Appointed { from } => Some(*from),
            AgencyEvent::Ended { last_day } => Some(*last_day),
        }
    }
}
