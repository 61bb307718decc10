//! Upcasting `AccountOpened` from schema 1 to schema 2: the signed balance becomes a balance
//! with its direction in its name, and a schema-1 event decodes to the same domain event as
//! the schema-2 event it upcasts to.

use expect_test::expect;
use precept_domain::Pence;
use precept_domain::account::AccountOpened;

use super::opening::{AccountOpenedV1, AccountOpenedV2};
use super::*;

fn event(schema: u32, data: &str) -> EncodedEvent {
    EncodedEvent {
        event_type: "AccountOpened".into(),
        schema,
        data: serde_json::value::RawValue::from_string(data.to_owned()).expect("fixture JSON"),
    }
}

fn v1(balance_pence: i64) -> String {
    format!(
        r#"{{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","uprn":100062557744,"liability_start":"2025-04-01","balance_brought_forward_pence":{balance_pence}}}"#
    )
}

/// The schema-2 payload a schema-1 payload upcasts to.
fn upcast_text(v1_payload: &str) -> String {
    let old: AccountOpenedV1 = serde_json::from_str(v1_payload).expect("schema-1 payload parses");
    let new: AccountOpenedV2 = old.upcast();
    serde_json::to_string(&new).expect("encodes")
}

fn opened(event: &EncodedEvent) -> AccountOpened {
    match CouncilTaxAccount::decode_event(event) {
        Ok(AccountEvent::AccountOpened(opened)) => opened,
        other => panic!("expected AccountOpened, got {other:?}"),
    }
}

#[test]
fn a_positive_schema_1_balance_upcasts_to_money_owed() {
    expect![[r#"{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","uprn":100062557744,"liability_start":"2025-04-01","brought_forward":{"owed_pence":1250}}"#]]
    .assert_eq(&upcast_text(&v1(1250)));
}

#[test]
fn a_negative_schema_1_balance_upcasts_to_credit() {
    expect![[r#"{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","uprn":100062557744,"liability_start":"2025-04-01","brought_forward":{"credit_pence":800}}"#]]
    .assert_eq(&upcast_text(&v1(-800)));
}

#[test]
fn a_zero_schema_1_balance_upcasts_to_nothing_brought_forward() {
    expect![[
        r#"{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","uprn":100062557744,"liability_start":"2025-04-01"}"#
    ]]
    .assert_eq(&upcast_text(&v1(0)));
}

#[test]
fn schema_1_decodes_to_the_current_domain_event_with_the_balance_it_recorded() {
    for balance in [1250, -800, 0] {
        let old = opened(&event(1, &v1(balance)));
        assert_eq!(old.balance_brought_forward_pence, Pence::new(balance));
        assert_eq!(old.liability_start.to_string(), "2025-04-01");
        // The schema-1 event and the schema-2 event it upcasts to are the same fact.
        assert_eq!(old, opened(&event(2, &upcast_text(&v1(balance)))));
        // And a new write of that fact is the schema-2 text.
        let written = CouncilTaxAccount::encode_event(&AccountEvent::AccountOpened(old));
        assert_eq!(
            (written.schema, written.data.get()),
            (2, upcast_text(&v1(balance)).as_str())
        );
    }
}

#[test]
fn schema_2_refuses_a_balance_that_is_zero_or_too_large() {
    let prefix = r#"{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","uprn":100062557744,"liability_start":"2025-04-01","brought_forward":"#;
    for bad in [
        r#"{"owed_pence":0}"#,
        r#"{"credit_pence":9223372036854775808}"#,
        r#"{"owed_pence":-5}"#,
        r#"{"owed_pence":5,"credit_pence":5}"#,
    ] {
        let result = CouncilTaxAccount::decode_event(&event(2, &format!("{prefix}{bad}}}")));
        assert!(
            matches!(
                result,
                Err(DecodeError::InvalidField { .. } | DecodeError::Malformed { .. })
            ),
            "{bad} decoded: {result:?}"
        );
    }
}
