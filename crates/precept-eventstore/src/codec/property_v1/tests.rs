//! Golden text, round trips, decoding checks, ids and snapshots for `ct-property`.

use precept_domain::council_year::{Band, ShortCode};

use super::*;
use crate::codec::snapshot::testing::{assert_shape, position_and_requests};

fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture date")
}

fn registered(parish_area: Option<&str>) -> PropertyEvent {
    PropertyEvent::Registered {
        uprn: Uprn::parse("100062557744").expect("uprn"),
        address_reference: "BLPU 100062557744".into(),
        band: Band::C,
        parish_area: parish_area.map(|area| ShortCode::parse(area).expect("code")),
        effective_from: date("1993-04-01"),
    }
}

fn band_changed() -> PropertyEvent {
    PropertyEvent::BandChanged {
        band: Band::I,
        effective_from: date("2025-06-01"),
        schedule_reference: "VOA/2025/0042".into(),
    }
}

/// Golden text: one event per line, registration then band change. Fixed forever.
const GOLDEN_EVENTS_V1: &str = r#"{"type":"PropertyRegistered","schema":1,"data":{"uprn":100062557744,"address_reference":"BLPU 100062557744","band":"C","parish_area":"boughton","effective_from":"1993-04-01"}}
{"type":"PropertyBandChanged","schema":1,"data":{"band":"I","effective_from":"2025-06-01","schedule_reference":"VOA/2025/0042"}}"#;

#[test]
fn property_events_v1_encode_to_the_golden_text_and_decode_back() {
    let events = [registered(Some("boughton")), band_changed()];
    let lines: Vec<String> = events
        .iter()
        .map(|event| serde_json::to_string(&Property::encode_event(event)).expect("encodes"))
        .collect();
    let text = lines.join("\n");
    assert_eq!(text, GOLDEN_EVENTS_V1);
    let decoded: Vec<PropertyEvent> = GOLDEN_EVENTS_V1
        .lines()
        .map(|line| {
            let encoded: EncodedEvent = serde_json::from_str(line).expect("golden line parses");
            Property::decode_event(&encoded).expect("golden line decodes")
        })
        .collect();
    assert_eq!(decoded, events);
}

#[test]
fn every_property_event_variant_round_trips() {
    for event in [registered(Some("boughton")), registered(None), band_changed()] {
        let encoded = Property::encode_event(&event);
        assert_eq!(encoded.schema, 1);
        assert_eq!(Property::decode_event(&encoded).ok(), Some(event));
    }
}

#[test]
fn values_the_domain_refuses_are_reported_by_field() {
    let cases = [
        (
            "PropertyRegistered",
            r#"{"uprn":0,"address_reference":"x","band":"A","effective_from":"1993-04-01"}"#,
            "uprn",
        ),
        (
            "PropertyRegistered",
            r#"{"uprn":1,"address_reference":"x","band":"Z","effective_from":"1993-04-01"}"#,
            "band",
        ),
        (
            "PropertyRegistered",
            r#"{"uprn":1,"address_reference":"x","band":"A","parish_area":"Bad Area","effective_from":"1993-04-01"}"#,
            "parish_area",
        ),
        (
            "PropertyBandChanged",
            r#"{"band":"","effective_from":"2025-06-01","schedule_reference":"x"}"#,
            "band",
        ),
    ];
    for (event_type, data, field) in cases {
        let event = EncodedEvent {
            event_type: event_type.into(),
            schema: 1,
            data: serde_json::value::RawValue::from_string(data.into()).expect("valid JSON"),
        };
        assert!(
            matches!(Property::decode_event(&event), Err(DecodeError::InvalidField { field: f }) if f == field),
            "{data}"
        );
    }
    let unknown = EncodedEvent {
        event_type: "Registered".into(),
        schema: 1,
        data: serde_json::value::RawValue::from_string("{}".into()).expect("valid JSON"),
    };
    assert!(matches!(
        Property::decode_event(&unknown),
        Err(DecodeError::Unknown { .. })
    ));
}

#[test]
fn property_ids_are_canonical_uprns() {
    assert_eq!(
        Property::parse_id("100062557744").map(Uprn::get).ok(),
        Some(100_062_557_744)
    );
    for bad in ["0100062557744", "012", "0", "", "12a", "1234567890123"] {
        assert!(
            matches!(
                Property::parse_id(bad),
                Err(DecodeError::InvalidField { field: "aggregate_id" })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn property_snapshots_round_trip() {
    let state = Property::fold(
        PropertyState::default(),
        &[registered(Some("boughton")), band_changed()],
    )
    .expect("valid history");
    assert_eq!(state.band_on(date("2025-07-01")), Some(Band::I));
    let (position, requests) = position_and_requests();
    let bytes = Property::encode_snapshot(&state, position, &requests);
    assert_shape(&bytes, "ct-property");
    assert_eq!(
        Property::decode_snapshot(&bytes),
        Some((state, position, requests.clone()))
    );
    let empty = Property::encode_snapshot(&PropertyState::default(), position, &requests);
    assert_eq!(
        Property::decode_snapshot(&empty),
        Some((PropertyState::default(), position, requests))
    );
    assert_eq!(Property::decode_snapshot(b"{}"), None);
}
