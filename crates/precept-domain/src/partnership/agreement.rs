//! The partnership agreement (`partnership-agreement`, in the partnership stream): who the
//! members are, which services each takes, and when they joined or left (REFERENCE §5.1-5.2).
//! Shares of a year's costs are worked out only among the members taking the service on the
//! day the drivers are measured.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures::future::BoxFuture;

use crate::aggregate::{Aggregate, AggregateKind};
use crate::ids::CouncilCode;

/// A service the partnership runs for a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Service {
    /// Council Tax billing and collection.
    CouncilTax,
    /// Business rates billing and collection.
    BusinessRates,
    /// Housing Benefit and Council Tax Reduction.
    Benefits,
    /// Recovery and enforcement.
    Recovery,
    /// Fraud investigation.
    Fraud,
}

/// The agreement's id: there is one per partnership (`agreement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AgreementId;

impl std::fmt::Display for AgreementId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("agreement")
    }
}

/// A change to the agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgreementCommand {
    /// A council joins, taking `services`, from a date.
    Join {
        /// The council.
        member: CouncilCode,
        /// The services it takes (at least one).
        services: Vec<Service>,
        /// First day.
        from: NaiveDate,
    },
    /// A member changes the services it takes, from a date.
    ChangeServices {
        /// The member.
        member: CouncilCode,
        /// The services from then.
        services: Vec<Service>,
        /// First day.
        from: NaiveDate,
    },
    /// A member leaves.
    Leave {
        /// The member.
        member: CouncilCode,
        /// Its last day.
        last_day: NaiveDate,
    },
}

/// Something that happened to the agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgreementEvent {
    /// A council joined.
    Joined {
        /// The council.
        member: CouncilCode,
        /// Its services.
        services: Vec<Service>,
        /// First day.
        from: NaiveDate,
    },
    /// A member's services changed.
    ServicesChanged {
        /// The member.
        member: CouncilCode,
        /// Its services from then.
        services: Vec<Service>,
        /// First day.
        from: NaiveDate,
    },
    /// A member left.
    Left {
        /// The member.
        member: CouncilCode,
        /// Its last day.
        last_day: NaiveDate,
    },
}

/// One member's history in the agreement.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Membership {
    /// Services taken from each date, in date order.
    pub services: Vec<(NaiveDate, Vec<Service>)>,
    /// Last day, once it has left.
    pub left: Option<NaiveDate>,
}

impl Membership {
    /// The services taken on `date` (none before joining or after leaving).
    pub fn services_on(&self, date: NaiveDate) -> &[Service] {
        if self.left.is_some_and(|last| date > last) {
            return &[];
        }
        self.services
            .iter()
            .rev()
            .find(|(from, _)| *from <= date)
            .map_or(&[], |(_, services)| services.as_slice())
    }
}

/// The agreement as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct AgreementState {
    /// Every council that has been a member.
    pub members: BTreeMap<CouncilCode, Membership>,
}

impl AgreementState {
    /// The members taking `service` on `date`, in code order.
    pub fn taking(&self, service: Service, date: NaiveDate) -> Vec<CouncilCode> {
        self.members
            .iter()
            .filter(|(_, membership)| membership.services_on(date).contains(&service))
            .map(|(member, _)| member.clone())
            .collect()
    }
}

/// Why an agreement change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AgreementError {
    /// Joining twice while a member.
    #[error("council {0} is already a member")]
    AlreadyMember(CouncilCode),
    /// Changing or leaving while not a member.
    #[error("council {0} is not a member")]
    NotMember(CouncilCode),
    /// No services, or a service twice.
    #[error("services: at least one, each once")]
    Services,
    /// A date before the member's last change.
    #[error("the date is before the member's last change")]
    Date,
    /// Stored history does not fit.
    #[error("agreement history is inconsistent")]
    Inconsistent,
}

/// The partnership agreement aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Agreement;

fn check_services(services: &[Service]) -> Result<(), AgreementError> {
    let mut sorted = services.to_vec();
    sorted.sort();
    sorted.dedup();
    if services.is_empty() || sorted.len() != services.len() {
        return Err(AgreementError::Services);
    }
    Ok(())
}

fn decide(state: &AgreementState, command: AgreementCommand) -> Result<Vec<AgreementEvent>, AgreementError> {
    let current = |member: &CouncilCode| state.members.get(member).filter(|m| m.left.is_none());
    let last_change = |membership: &Membership| membership.services.last().map(|(from, _)| *from);
    match command {
        AgreementCommand::Join { member, services, from } => {
            if current(&member).is_some() {
                return Err(AgreementError::AlreadyMember(member));
            }
            check_services(&services)?;
            if state
                .members
                .get(&member)
                .and_then(|m| m.left)
                .is_some_and(|left| from <= left)
            {
                return Err(AgreementError::Date);
            }
            Ok(vec![AgreementEvent::Joined { member, services, from }])
        }
        AgreementCommand::ChangeServices { member, services, from } => {
            let membership = current(&member).ok_or_else(|| AgreementError::NotMember(member.clone()))?;
            check_services(&services)?;
            if last_change(membership).is_some_and(|last| from <= last) {
                return Err(AgreementError::Date);
            }
            Ok(vec![AgreementEvent::ServicesChanged { member, services, from }])
        }
        AgreementCommand::Leave { member, last_day } => {
            let membership = current(&member).ok_or_else(|| AgreementError::NotMember(member.clone()))?;
            if last_change(membership).is_some_and(|last| last_day < last) {
                return Err(AgreementError::Date);
            }
            Ok(vec![AgreementEvent::Left { member, last_day }])
        }
    }
}

impl Aggregate for Agreement {
    type Id = AgreementId;
    type State = AgreementState;
    type Event = AgreementEvent;
    type Command = AgreementCommand;
    type Error = AgreementError;

    fn apply(mut state: AgreementState, event: AgreementEvent) -> Result<AgreementState, AgreementError> {
        match event {
            AgreementEvent::Joined { member, services, from } => {
                let membership = state.members.entry(member).or_default();
                // A council rejoining took nothing between leaving and rejoining.
                if let Some(next) = membership.left.take().and_then(|left| left.succ_opt()) {
                    membership.services.push((next, Vec::new()));
                }
                membership.services.push((from, services));
            }
            AgreementEvent::ServicesChanged { member, services, from } => state
                .members
                .get_mut(&member)
                .ok_or(AgreementError::Inconsistent)?
                .services
                .push((from, services)),
            AgreementEvent::Left { member, last_day } => {
                state.members.get_mut(&member).ok_or(AgreementError::Inconsistent)?.left = Some(last_day);
            }
        }
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        _id: &'s AgreementId,
        state: &'s AgreementState,
        command: AgreementCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<AgreementEvent>>, AgreementError>> {
        Box::pin(futures::future::ready(decide(state, command).map(Some)))
    }
}

impl AggregateKind for Agreement {
    const KIND: &'static str = "partnership-agreement";

    fn effective_date(event: &AgreementEvent) -> Option<NaiveDate> {
        match event {
            AgreementEvent::Joined { from, .. } | AgreementEvent::ServicesChanged { from, .. } => Some(*from),
            AgreementEvent::Left { last_day, .. } => Some(*last_day),
        }
    }
}
