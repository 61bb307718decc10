//! The property aggregate (`ct-property`): a chargeable dwelling, its band over time.
//!
//! Bands come from the Valuation Office's schedules (REFERENCE §0 "VOA", §1.2); a change is
//! effective from a date, often in the past, and every account at the property is re-billed
//! from that date. The property holds no personal data: an address reference (the council's
//! gazetteer key), never the address text.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures::future::BoxFuture;

use crate::aggregate::{Aggregate, AggregateKind};
use crate::council_year::{Band, ShortCode};
use crate::ids::Uprn;

/// A request to change a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyCommand {
    /// Enter the property in the council's list.
    Register {
        /// The gazetteer or BLPU reference (1-64 printable ASCII).
        address_reference: String,
        /// Band from `effective_from`.
        band: Band,
        /// Parish area, where the property is in a parished area.
        parish_area: Option<ShortCode>,
        /// First day the band applies.
        effective_from: NaiveDate,
    },
    /// Apply a band change from a valuation list schedule.
    ChangeBand {
        /// The new band.
        band: Band,
        /// First day it applies (may be in the past: backdated).
        effective_from: NaiveDate,
        /// The schedule's reference, kept for audit (1-64 printable ASCII).
        schedule_reference: String,
    },
}

/// Something that happened to a property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyEvent {
    /// The property was registered.
    Registered {
        /// The property.
        uprn: Uprn,
        /// Gazetteer reference.
        address_reference: String,
        /// Band from `effective_from`.
        band: Band,
        /// Parish area.
        parish_area: Option<ShortCode>,
        /// First day.
        effective_from: NaiveDate,
    },
    /// The band changed from a date.
    BandChanged {
        /// New band.
        band: Band,
        /// From.
        effective_from: NaiveDate,
        /// Schedule reference.
        schedule_reference: String,
    },
}

/// A property as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PropertyState {
    /// Gazetteer reference; `None` until registered.
    pub address_reference: Option<String>,
    /// Parish area.
    pub parish_area: Option<ShortCode>,
    /// Band by the first day it applies.
    pub bands: BTreeMap<NaiveDate, Band>,
}

impl PropertyState {
    /// The band on `date`: the latest change on or before it, or the earliest band for days
    /// before the first (a dwelling has a band from 1993 even if registered here later).
    pub fn band_on(&self, date: NaiveDate) -> Option<Band> {
        self.bands
            .range(..=date)
            .next_back()
            .or_else(|| self.bands.iter().next())
            .map(|(_, band)| *band)
    }

    /// Whether the property is registered.
    pub fn is_registered(&self) -> bool {
        self.address_reference.is_some()
    }
}

/// Why a property command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PropertyError {
    /// Registering twice.
    #[error("property is already registered")]
    AlreadyRegistered,
    /// Changing a property not registered.
    #[error("property is not registered")]
    NotRegistered,
    /// A reference is empty, too long or not printable ASCII.
    #[error("{0} must be 1-64 printable ASCII characters")]
    Reference(&'static str),
    /// Stored history does not fit.
    #[error("property history is inconsistent")]
    Inconsistent,
}

fn valid_reference(text: &str) -> bool {
    !text.trim().is_empty() && text.len() <= 64 && text.bytes().all(|b| (0x20..0x7f).contains(&b))
}

/// The property aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct Property;

impl Aggregate for Property {
    type Id = Uprn;
    type State = PropertyState;
    type Event = PropertyEvent;
    type Command = PropertyCommand;
    type Error = PropertyError;

    fn apply(mut state: PropertyState, event: PropertyEvent) -> Result<PropertyState, PropertyError> {
        match event {
            PropertyEvent::Registered {
                address_reference,
                band,
                parish_area,
                effective_from,
                ..
            } => {
                if state.is_registered() {
                    return Err(PropertyError::Inconsistent);
                }
                state.address_reference = Some(address_reference);
                state.parish_area = parish_area;
                state.bands.insert(effective_from, band);
            }
            PropertyEvent::BandChanged {
                band, effective_from, ..
            } => {
                if !state.is_registered() {
                    return Err(PropertyError::Inconsistent);
                }
                state.bands.insert(effective_from, band);
            }
        }
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        id: &'s Uprn,
        state: &'s PropertyState,
        command: PropertyCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<PropertyEvent>>, PropertyError>> {
        Box::pin(futures::future::ready(decide(*id, state, command).map(Some)))
    }
}

fn decide(uprn: Uprn, state: &PropertyState, command: PropertyCommand) -> Result<Vec<PropertyEvent>, PropertyError> {
    match command {
        PropertyCommand::Register {
            address_reference,
            band,
            parish_area,
            effective_from,
        } => {
            if state.is_registered() {
                return Err(PropertyError::AlreadyRegistered);
            }
            if !valid_reference(&address_reference) {
                return Err(PropertyError::Reference("address_reference"));
            }
            Ok(vec![PropertyEvent::Registered {
                uprn,
                address_reference,
                band,
                parish_area,
                effective_from,
            }])
        }
        PropertyCommand::ChangeBand {
            band,
            effective_from,
            schedule_reference,
        } => {
            if !state.is_registered() {
                return Err(PropertyError::NotRegistered);
            }
            if !valid_reference(&schedule_reference) {
                return Err(PropertyError::Reference("schedule_reference"));
            }
            if state.bands.get(&effective_from) == Some(&band) {
                return Ok(Vec::new());
            }
            Ok(vec![PropertyEvent::BandChanged {
                band,
                effective_from,
                schedule_reference,
            }])
        }
    }
}

impl AggregateKind for Property {
    const KIND: &'static str = "ct-property";

    fn effective_date(event: &PropertyEvent) -> Option<NaiveDate> {
        match event {
            PropertyEvent::Registered { effective_from, .. } | PropertyEvent::BandChanged { effective_from, .. } => {
                Some(*effective_from)
            }
        }
    }
}
