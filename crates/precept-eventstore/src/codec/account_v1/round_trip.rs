//! Round trips (domain -> stored -> domain) for every account event shape, the checks decoding
//! makes with the domain's parsers, and the account snapshot.

use std::collections::BTreeSet;

use precept_domain::AggregateKind;
use precept_domain::account::AccountEvent;

use super::fixtures::{VARIANT_COUNT, history, recovery_steps, variant, variations};
use super::*;
use crate::codec::snapshot::testing::{assert_shape, position_and_requests};

fn round_trip(event: &AccountEvent) -> AccountEvent {
    let encoded = CouncilTaxAccount::encode_event(event);
    assert_eq!(
        encoded.event_type,
        variant(event),
        "stored type names follow the domain's"
    );
    let newest = if matches!(event, AccountEvent::AccountOpened(_)) {
        2
    } else {
        1
    };
    assert_eq!(encoded.schema, newest, "every event is written at its newest schema");
    // Through text, as in a stored commit.
    let text = serde_json::to_string(&encoded).expect("encodes");
    let parsed: EncodedEvent = serde_json::from_str(&text).expect("parses");
    CouncilTaxAccount::decode_event(&parsed).expect("decodes")
}

#[test]
fn every_account_event_variant_round_trips() {
    let events: Vec<AccountEvent> = history()
        .into_iter()
        .chain(variations())
        .chain(recovery_steps())
        .collect();
    let covered: BTreeSet<&str> = events.iter().map(variant).collect();
    assert_eq!(covered.len(), VARIANT_COUNT, "every variant has a fixture");
    for event in &events {
        assert_eq!(&round_trip(event), event);
    }
}

fn with_data(event_type: &str, data: &str) -> EncodedEvent {
    EncodedEvent {
        event_type: event_type.into(),
        schema: 1,
        data: serde_json::value::RawValue::from_string(data.into()).expect("valid JSON"),
    }
}

fn invalid_field(event: &EncodedEvent) -> &'static str {
    match CouncilTaxAccount::decode_event(event) {
        Err(DecodeError::InvalidField { field }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[test]
fn values_the_domain_refuses_are_reported_by_field() {
    let cases = [
        ("ExemptionAwarded", r#"{"class":"A","from":"2025-04-01"}"#, "class"),
        (
            "PremiumStarted",
            r#"{"basis":"long_term_empty","from":"2025-04-01"}"#,
            "empty_since",
        ),
        (
            "PremiumStarted",
            r#"{"basis":"second_home","empty_since":"2024-01-01","from":"2025-04-01"}"#,
            "empty_since",
        ),
        (
            "PaymentAllocated",
            r#"{"payment_id":"00000000-0000-4000-9000-000000000007","appropriated":false,"allocations":[{"debt":"year","amount_pence":1}],"unallocated_pence":0}"#,
            "allocation.year",
        ),
        (
            "PaymentAllocated",
            r#"{"payment_id":"00000000-0000-4000-9000-000000000007","appropriated":false,"allocations":[{"debt":"sundry","year":"2025/26","amount_pence":1}],"unallocated_pence":0}"#,
            "allocation.year",
        ),
        (
            "PaymentAllocated",
            r#"{"payment_id":"00000000-0000-0000-0000-000000000000","appropriated":false,"allocations":[],"unallocated_pence":0}"#,
            "payment_id",
        ),
        (
            "CreditCarriedForward",
            r#"{"year":"2025/27","amount_pence":1,"on":"2025-04-01"}"#,
            "year",
        ),
        (
            "CreditRefunded",
            r#"{"refund_id":"00000000-0000-0000-0000-000000000000","amount_pence":1,"refunded_on":"2025-04-01"}"#,
            "refund_id",
        ),
    ];
    for (event_type, data, field) in cases {
        assert_eq!(
            invalid_field(&with_data(event_type, data)),
            field,
            "{event_type} {data}"
        );
    }
}

#[test]
fn bad_values_inside_a_bill_are_reported_by_field() {
    let bill = history()
        .into_iter()
        .find(|event| matches!(event, AccountEvent::BillIssued(_)))
        .expect("the history has a bill");
    let text = CouncilTaxAccount::encode_event(&bill).data.get().to_owned();
    let cases = [
        (r#""band":"D""#, r#""band":"J""#, "segment.band"),
        (r#""exemption":"E""#, r#""exemption":"C""#, "segment.exemption"),
        (r#""code":"kcc""#, r#""code":"KCC""#, "preceptor.code"),
        (
            r#""year":"2025/26","liable_days""#,
            r#""year":"1900/01","liable_days""#,
            "charge.year",
        ),
    ];
    for (good, bad, field) in cases {
        assert!(text.contains(good), "fixture text holds {good}");
        let corrupted = with_data("BillIssued", &text.replacen(good, bad, 1));
        assert_eq!(invalid_field(&corrupted), field);
    }
}

#[test]
fn malformed_payloads_are_reported_as_malformed() {
    let missing_field = with_data("LiabilityEnded", r#"{"move_out":"2026-02-01"}"#);
    assert!(matches!(
        CouncilTaxAccount::decode_event(&missing_field),
        Err(DecodeError::Malformed {
            what: "LiabilityEnded",
            ..
        })
    ));
    let unknown_enum = with_data("InstalmentPlanChosen", r#"{"length":"eleven","day":1}"#);
    assert!(matches!(
        CouncilTaxAccount::decode_event(&unknown_enum),
        Err(DecodeError::Malformed { .. })
    ));
}

#[test]
fn account_snapshots_round_trip_as_v2_and_v1_snapshots_are_ignored() {
    let state = CouncilTaxAccount::fold(AccountState::default(), &history()).expect("valid history");
    assert!(
        state
            .as_open()
            .is_some_and(|open| !open.payments.is_empty() && !open.years.is_empty())
    );
    let (position, requests) = position_and_requests();
    let bytes = CouncilTaxAccount::encode_snapshot(&state, position, &requests);
    assert_shape(&bytes, "ct-account");
    assert_eq!(
        CouncilTaxAccount::decode_snapshot(&bytes),
        Some((state, position, requests.clone()))
    );
    let not_opened = CouncilTaxAccount::encode_snapshot(&AccountState::NotOpened, position, &requests);
    assert_eq!(
        CouncilTaxAccount::decode_snapshot(&not_opened),
        Some((AccountState::NotOpened, position, requests))
    );
    // What the previous build wrote: ignored, so the loader rebuilds from events.
    let v1 = br#"{"encoding":"precept.snapshot.ct-account.v1","version":3,"last_sequence":17,"state":{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","uprn":100062557744,"liability_start":"2025-04-01","liable_parties":[],"balance_owed_pence":0,"payment_ids":[]},"requests":[]}"#;
    assert_eq!(CouncilTaxAccount::decode_snapshot(v1), None);
    let other_kind =
        crate::codec::snapshot::encode("ct-year", &AccountState::NotOpened, position, &RequestLog::default());
    assert_eq!(CouncilTaxAccount::decode_snapshot(&other_kind), None);
}

#[test]
fn account_ids_parse_from_subject_tokens() {
    let id = "6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11";
    assert_eq!(
        CouncilTaxAccount::parse_id(id).map(|id| id.to_string()).ok(),
        Some(id.to_owned())
    );
    assert!(matches!(
        CouncilTaxAccount::parse_id("not-a-uuid"),
        Err(DecodeError::InvalidField { field: "aggregate_id" })
    ));
}
