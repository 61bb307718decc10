//! The hereditament aggregate (`nndr-hereditament`): a rateable unit on the local rating
//! list, its rateable value over time, and its end when it is split, merged or deleted
//! (REFERENCE §2.1). Values arrive from the VOA's schedules effective from dates, often in the
//! past; every account at the hereditament is then re-billed from that date.
//!
//! The id is the hereditament's UPRN. No personal data: the ratepayer lives on the account.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures::future::BoxFuture;

use crate::aggregate::{Aggregate, AggregateKind};
use crate::ids::Uprn;

/// What decides the property-side reliefs and multipliers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PropertyClass {
    /// Qualifying industrial premises: 6 months' empty relief, not 3 (REFERENCE §2.6).
    pub industrial: bool,
    /// Wholly or mainly retail, hospitality or leisure use (REFERENCE §2.2, §2.7).
    pub rhl_use: bool,
    /// A listed building: exempt from empty rates indefinitely (REFERENCE §2.6).
    #[serde(default)]
    pub listed_building: bool,
}

/// Why a hereditament left the list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Removal {
    /// Split into these new hereditaments.
    Split(Vec<Uprn>),
    /// Merged into this one.
    Merged(Uprn),
    /// Deleted (demolished, no longer rateable).
    Deleted,
}

/// A request to change a hereditament.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HereditamentCommand {
    /// Enter it in the list.
    List {
        /// Rateable value, whole pounds.
        rateable_value: u32,
        /// Class.
        class: PropertyClass,
        /// First day on the list.
        effective_from: NaiveDate,
    },
    /// Apply a schedule's new rateable value from a date (may be backdated).
    AlterValue {
        /// New value, whole pounds.
        rateable_value: u32,
        /// First day it applies.
        effective_from: NaiveDate,
        /// The schedule's reference, kept for audit.
        schedule_reference: String,
    },
    /// Take it off the list from a date.
    Remove {
        /// First day it is no longer on the list.
        effective_from: NaiveDate,
        /// Why.
        reason: Removal,
    },
}

/// Something that happened to a hereditament.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HereditamentEvent {
    /// Listed.
    Listed {
        /// Rateable value.
        rateable_value: u32,
        /// Class.
        class: PropertyClass,
        /// From.
        effective_from: NaiveDate,
    },
    /// Value altered from a date.
    ValueAltered {
        /// Value.
        rateable_value: u32,
        /// From.
        effective_from: NaiveDate,
        /// Schedule reference.
        schedule_reference: String,
    },
    /// Removed from the list.
    Removed {
        /// From.
        effective_from: NaiveDate,
        /// Why.
        reason: Removal,
    },
}

/// A hereditament as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct HereditamentState {
    /// Rateable value by the first day it applies; empty until listed.
    pub values: BTreeMap<NaiveDate, u32>,
    /// Class.
    pub class: PropertyClass,
    /// First day off the list, and why.
    pub removed: Option<(NaiveDate, Removal)>,
}

impl HereditamentState {
    /// Whether it has been listed.
    pub fn is_listed(&self) -> bool {
        !self.values.is_empty()
    }

    /// The first day on the list.
    pub fn listed_from(&self) -> Option<NaiveDate> {
        self.values.keys().next().copied()
    }

    /// The last day on the list, once removed.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.removed.as_ref().and_then(|(from, _)| from.pred_opt())
    }

    /// The value on `date`, `None` before it was listed.
    pub fn value_on(&self, date: NaiveDate) -> Option<u32> {
        self.values.range(..=date).next_back().map(|(_, value)| *value)
    }

    /// The latest value.
    pub fn current_value(&self) -> Option<u32> {
        self.values.values().next_back().copied()
    }
}

/// Why a hereditament command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HereditamentError {
    /// Listing twice.
    #[error("hereditament is already listed")]
    AlreadyListed,
    /// Changing one not listed.
    #[error("hereditament is not listed")]
    NotListed,
    /// Changing one already removed.
    #[error("hereditament was removed from the list")]
    Removed,
    /// A value of nothing, or above the largest accepted.
    #[error("rateable_value must be from 1 to {max}")]
    ValueTooLarge {
        /// The largest accepted.
        max: u32,
    },
    /// A date before the hereditament was listed.
    #[error("effective_from is before the hereditament was listed")]
    BeforeListing,
    /// An empty or over-long schedule reference.
    #[error("schedule_reference must be 1-64 printable ASCII characters")]
    Reference,
    /// A split into nothing, or into itself.
    #[error("a split names at least one new hereditament, none of them this one")]
    Split,
    /// Stored history does not fit.
    #[error("hereditament history is inconsistent")]
    Inconsistent,
}

/// The largest rateable value accepted: £100m, above any single hereditament in England.
pub const RATEABLE_VALUE_MAX: u32 = 100_000_000;

fn valid_reference(text: &str) -> bool {
    !text.trim().is_empty() && text.len() <= 64 && text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// The hereditament aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Hereditament;

impl Aggregate for Hereditament {
    type Id = Uprn;
    type State = HereditamentState;
    type Event = HereditamentEvent;
    type Command = HereditamentCommand;
    type Error = HereditamentError;

    fn apply(mut state: HereditamentState, event: HereditamentEvent) -> Result<HereditamentState, HereditamentError> {
        match event {
            HereditamentEvent::Listed {
                rateable_value,
                class,
                effective_from,
            } => {
                if state.is_listed() {
                    return Err(HereditamentError::Inconsistent);
                }
                state.class = class;
                state.values.insert(effective_from, rateable_value);
            }
            HereditamentEvent::ValueAltered {
                rateable_value,
                effective_from,
                ..
            } => {
                state.values.insert(effective_from, rateable_value);
            }
            HereditamentEvent::Removed { effective_from, reason } => state.removed = Some((effective_from, reason)),
        }
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        id: &'s Uprn,
        state: &'s HereditamentState,
        command: HereditamentCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<HereditamentEvent>>, HereditamentError>> {
        Box::pin(futures::future::ready(decide(*id, state, command).map(Some)))
    }
}

fn check_value(rateable_value: u32) -> Result<(), HereditamentError> {
    if rateable_value == 0 || rateable_value > RATEABLE_VALUE_MAX {
        return Err(HereditamentError::ValueTooLarge {
            max: RATEABLE_VALUE_MAX,
        });
    }
    Ok(())
}

fn decide(
    id: Uprn,
    state: &HereditamentState,
    command: HereditamentCommand,
) -> Result<Vec<HereditamentEvent>, HereditamentError> {
    if let HereditamentCommand::List {
        rateable_value,
        class,
        effective_from,
    } = command
    {
        if state.is_listed() {
            return Err(HereditamentError::AlreadyListed);
        }
        check_value(rateable_value)?;
        return Ok(vec![HereditamentEvent::Listed {
            rateable_value,
            class,
            effective_from,
        }]);
    }
    let listed_from = state.listed_from().ok_or(HereditamentError::NotListed)?;
    if state.removed.is_some() {
        return Err(HereditamentError::Removed);
    }
    match command {
        HereditamentCommand::List { .. } => unreachable!("handled above"),
        HereditamentCommand::AlterValue {
            rateable_value,
            effective_from,
            schedule_reference,
        } => {
            check_value(rateable_value)?;
            if effective_from < listed_from {
                return Err(HereditamentError::BeforeListing);
            }
            if !valid_reference(&schedule_reference) {
                return Err(HereditamentError::Reference);
            }
            if state.values.get(&effective_from) == Some(&rateable_value) {
                return Ok(Vec::new());
            }
            Ok(vec![HereditamentEvent::ValueAltered {
                rateable_value,
                effective_from,
                schedule_reference,
            }])
        }
        HereditamentCommand::Remove { effective_from, reason } => {
            if effective_from <= listed_from {
                return Err(HereditamentError::BeforeListing);
            }
            if let Removal::Split(into) = &reason
                && (into.is_empty() || into.contains(&id))
            {
                return Err(HereditamentError::Split);
            }
            if reason == Removal::Merged(id) {
                return Err(HereditamentError::Split);
            }
            Ok(vec![HereditamentEvent::Removed { effective_from, reason }])
        }
    }
}

impl AggregateKind for Hereditament {
    const KIND: &'static str = "nndr-hereditament";

    fn effective_date(event: &HereditamentEvent) -> Option<NaiveDate> {
        match event {
            HereditamentEvent::Listed { effective_from, .. }
            | HereditamentEvent::ValueAltered { effective_from, .. }
            | HereditamentEvent::Removed { effective_from, .. } => Some(*effective_from),
        }
    }
}
