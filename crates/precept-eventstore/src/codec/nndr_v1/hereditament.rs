//! `nndr-hereditament`: `HereditamentListed`, `RateableValueAltered`, `HereditamentRemoved`.

use chrono::NaiveDate;
use precept_app::{RequestLog, StreamPosition};
use precept_domain::AggregateKind;
use precept_domain::Uprn;
use precept_domain::nndr::hereditament::{Hereditament, HereditamentEvent, HereditamentState, PropertyClass, Removal};
use serde::{Deserialize, Serialize};

use crate::codec::json::{from_value, invalid, to_value};
use crate::codec::values_v1::parse_uprn;
use crate::codec::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const LISTED: &str = "HereditamentListed";
const ALTERED: &str = "RateableValueAltered";
const REMOVED: &str = "HereditamentRemoved";

#[derive(Debug, Serialize, Deserialize)]
struct ListedV1 {
    rateable_value: u32,
    industrial: bool,
    rhl_use: bool,
    listed_building: bool,
    effective_from: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize)]
struct AlteredV1 {
    rateable_value: u32,
    effective_from: NaiveDate,
    schedule_reference: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum RemovalV1 {
    Split,
    Merged,
    Deleted,
}

#[derive(Debug, Serialize, Deserialize)]
struct RemovedV1 {
    effective_from: NaiveDate,
    reason: RemovalV1,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    successor_uprns: Vec<u64>,
}

impl RemovedV1 {
    fn into_domain(self) -> Result<HereditamentEvent, DecodeError> {
        let successors = self
            .successor_uprns
            .into_iter()
            .map(|uprn| parse_uprn(uprn, "successor_uprns"))
            .collect::<Result<Vec<Uprn>, _>>()?;
        let reason = match (self.reason, successors.as_slice()) {
            (RemovalV1::Split, _) => Removal::Split(successors),
            (RemovalV1::Merged, [into]) => Removal::Merged(*into),
            (RemovalV1::Merged, _) => {
                return Err(DecodeError::InvalidField {
                    field: "successor_uprns",
                });
            }
            (RemovalV1::Deleted, _) => Removal::Deleted,
        };
        Ok(HereditamentEvent::Removed {
            effective_from: self.effective_from,
            reason,
        })
    }
}

impl StoredAggregate for Hereditament {
    fn encode_event(event: &HereditamentEvent) -> EncodedEvent {
        let (event_type, data) = match event {
            HereditamentEvent::Listed {
                rateable_value,
                class,
                effective_from,
            } => (
                LISTED,
                to_value(&ListedV1 {
                    rateable_value: *rateable_value,
                    industrial: class.industrial,
                    rhl_use: class.rhl_use,
                    listed_building: class.listed_building,
                    effective_from: *effective_from,
                }),
            ),
            HereditamentEvent::ValueAltered {
                rateable_value,
                effective_from,
                schedule_reference,
            } => (
                ALTERED,
                to_value(&AlteredV1 {
                    rateable_value: *rateable_value,
                    effective_from: *effective_from,
                    schedule_reference: schedule_reference.clone(),
                }),
            ),
            HereditamentEvent::Removed { effective_from, reason } => {
                let (reason, successor_uprns) = match reason {
                    Removal::Split(into) => (RemovalV1::Split, into.iter().map(|uprn| uprn.get()).collect()),
                    Removal::Merged(into) => (RemovalV1::Merged, vec![into.get()]),
                    Removal::Deleted => (RemovalV1::Deleted, Vec::new()),
                };
                (
                    REMOVED,
                    to_value(&RemovedV1 {
                        effective_from: *effective_from,
                        reason,
                        successor_uprns,
                    }),
                )
            }
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema: 1,
            data,
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<HereditamentEvent, DecodeError> {
        match (event.event_type.as_str(), event.schema) {
            (LISTED, 1) => {
                let listed = from_value::<ListedV1>(&event.data, LISTED)?;
                Ok(HereditamentEvent::Listed {
                    rateable_value: listed.rateable_value,
                    class: PropertyClass {
                        industrial: listed.industrial,
                        rhl_use: listed.rhl_use,
                        listed_building: listed.listed_building,
                    },
                    effective_from: listed.effective_from,
                })
            }
            (ALTERED, 1) => {
                let altered = from_value::<AlteredV1>(&event.data, ALTERED)?;
                Ok(HereditamentEvent::ValueAltered {
                    rateable_value: altered.rateable_value,
                    effective_from: altered.effective_from,
                    schedule_reference: altered.schedule_reference,
                })
            }
            (REMOVED, 1) => from_value::<RemovedV1>(&event.data, REMOVED)?.into_domain(),
            (other, version) => Err(DecodeError::Unknown {
                what: "nndr-hereditament event",
                name: other.to_owned(),
                version,
            }),
        }
    }

    /// Canonical digits only, so one hereditament has one subject.
    fn parse_id(text: &str) -> Result<Uprn, DecodeError> {
        let uprn = Uprn::parse(text).map_err(invalid("aggregate_id"))?;
        if uprn.to_string() != text {
            return Err(DecodeError::InvalidField { field: "aggregate_id" });
        }
        Ok(uprn)
    }

    fn encode_snapshot(state: &HereditamentState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(HereditamentState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}
