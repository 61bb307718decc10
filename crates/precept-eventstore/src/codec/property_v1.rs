//! Stored encodings of the property (`ct-property`), schema version 1: `PropertyRegistered`
//! and `PropertyBandChanged`.
//!
//! The stored type names carry the `Property` prefix that the domain's variant names leave to
//! their enum, so each reads on its own in a commit. Bands are letters; a parish area is a
//! short code; references are free text, as the domain holds them.

use chrono::NaiveDate;
use precept_app::{RequestLog, StreamPosition};
use precept_domain::AggregateKind;
use precept_domain::Uprn;
use precept_domain::property::{Property, PropertyEvent, PropertyState};
use serde::{Deserialize, Serialize};

use super::json::{from_value, invalid, to_value};
use super::values_v1::{band_text, parse_band, parse_code, parse_uprn};
use super::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const REGISTERED: &str = "PropertyRegistered";
const BAND_CHANGED: &str = "PropertyBandChanged";

/// `PropertyRegistered`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
struct PropertyRegisteredV1 {
    uprn: u64,
    address_reference: String,
    band: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parish_area: Option<String>,
    effective_from: NaiveDate,
}

impl PropertyRegisteredV1 {
    fn into_domain(self) -> Result<PropertyEvent, DecodeError> {
        Ok(PropertyEvent::Registered {
            uprn: parse_uprn(self.uprn, "uprn")?,
            address_reference: self.address_reference,
            band: parse_band(&self.band, "band")?,
            parish_area: self
                .parish_area
                .map(|area| parse_code(&area, "parish_area"))
                .transpose()?,
            effective_from: self.effective_from,
        })
    }
}

/// `PropertyBandChanged`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
struct PropertyBandChangedV1 {
    band: String,
    effective_from: NaiveDate,
    schedule_reference: String,
}

impl PropertyBandChangedV1 {
    fn into_domain(self) -> Result<PropertyEvent, DecodeError> {
        Ok(PropertyEvent::BandChanged {
            band: parse_band(&self.band, "band")?,
            effective_from: self.effective_from,
            schedule_reference: self.schedule_reference,
        })
    }
}

impl StoredAggregate for Property {
    fn encode_event(event: &PropertyEvent) -> EncodedEvent {
        let (event_type, data) = match event {
            PropertyEvent::Registered {
                uprn,
                address_reference,
                band,
                parish_area,
                effective_from,
            } => (
                REGISTERED,
                to_value(&PropertyRegisteredV1 {
                    uprn: uprn.get(),
                    address_reference: address_reference.clone(),
                    band: band_text(*band),
                    parish_area: parish_area.as_ref().map(|area| area.as_str().to_owned()),
                    effective_from: *effective_from,
                }),
            ),
            PropertyEvent::BandChanged {
                band,
                effective_from,
                schedule_reference,
            } => (
                BAND_CHANGED,
                to_value(&PropertyBandChangedV1 {
                    band: band_text(*band),
                    effective_from: *effective_from,
                    schedule_reference: schedule_reference.clone(),
                }),
            ),
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema: 1,
            data,
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<PropertyEvent, DecodeError> {
        match (event.event_type.as_str(), event.schema) {
            (REGISTERED, 1) => from_value::<PropertyRegisteredV1>(&event.data, REGISTERED)?.into_domain(),
            (BAND_CHANGED, 1) => from_value::<PropertyBandChangedV1>(&event.data, BAND_CHANGED)?.into_domain(),
            (other, schema) => Err(DecodeError::Unknown {
                what: "ct-property event",
                name: other.to_owned(),
                version: schema,
            }),
        }
    }

    /// Accepts only the canonical digits (no leading zeros), so one property has one subject.
    fn parse_id(text: &str) -> Result<Uprn, DecodeError> {
        let uprn = Uprn::parse(text).map_err(invalid("aggregate_id"))?;
        if uprn.to_string() != text {
            return Err(DecodeError::InvalidField { field: "aggregate_id" });
        }
        Ok(uprn)
    }

    fn encode_snapshot(state: &PropertyState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(PropertyState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}

#[cfg(test)]
mod tests;
