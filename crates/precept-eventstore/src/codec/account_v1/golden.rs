//! Golden tests: the text of each shipped encoding is fixed forever. If one of these fails,
//! the change broke compatibility with stored history; add a new schema version instead.

use super::fixtures::{VARIANT_COUNT, history, variant};
use super::*;
use crate::codec::envelope::{COMMIT_ENCODING_V1, CommitEnvelopeV1, decode_commit};
use expect_test::expect;
use precept_domain::account::{AccountOpened, LiablePartyAdded, PaymentMethod, PaymentPosted, PaymentReference};
use precept_domain::{PartyId, PaymentId, Pence, Uprn};
use uuid::Uuid;

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).expect("fixture uuid")
}

fn events() -> Vec<AccountEvent> {
    vec![
        AccountEvent::AccountOpened(AccountOpened {
            account_id: AccountId::from_uuid(uuid("6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11")).expect("id"),
            property: Uprn::parse("100062557744").expect("uprn"),
            liability_start: "2025-04-01".parse().expect("date"),
            balance_brought_forward_pence: Pence::new(-1250),
        }),
        AccountEvent::LiablePartyAdded(LiablePartyAdded {
            party_id: PartyId::from_uuid(uuid("00000000-0000-4000-8000-000000000001")).expect("id"),
            liable_from: "2025-04-01".parse().expect("date"),
        }),
        AccountEvent::PaymentPosted(PaymentPosted {
            payment_id: PaymentId::from_uuid(uuid("00000000-0000-4000-9000-000000000007")).expect("id"),
            amount_pence: Pence::new(12_756),
            method: PaymentMethod::DirectDebit,
            reference: PaymentReference::parse("DD 2025-05").expect("reference"),
            received_on: "2025-05-01".parse().expect("date"),
        }),
    ]
}

const GOLDEN_EVENTS_V1: &str = r#"[{"type":"AccountOpened","schema":1,"data":{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","uprn":100062557744,"liability_start":"2025-04-01","balance_brought_forward_pence":-1250}},{"type":"LiablePartyAdded","schema":1,"data":{"party_id":"00000000-0000-4000-8000-000000000001","liable_from":"2025-04-01"}},{"type":"PaymentPosted","schema":1,"data":{"payment_id":"00000000-0000-4000-9000-000000000007","amount_pence":12756,"method":"direct_debit","reference":"DD 2025-05","received_on":"2025-05-01"}}]"#;

/// `AccountOpened` of [`events`] at schema 2, the schema written since it replaced schema 1
/// (see `opening`). Fixed forever.
const GOLDEN_ACCOUNT_OPENED_V2: &str = r#"{"type":"AccountOpened","schema":2,"data":{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","uprn":100062557744,"liability_start":"2025-04-01","brought_forward":{"credit_pence":1250}}}"#;

#[test]
fn account_events_encode_to_the_golden_text_of_their_current_schema() {
    let encoded: Vec<EncodedEvent> = events().iter().map(CouncilTaxAccount::encode_event).collect();
    let text = serde_json::to_string(&encoded[0]).expect("encodes");
    assert_eq!(text, GOLDEN_ACCOUNT_OPENED_V2);
    // The others are still written at schema 1, exactly as first shipped.
    let rest = serde_json::to_string(&encoded[1..]).expect("encodes");
    let second = GOLDEN_EVENTS_V1
        .find(r#"{"type":"LiablePartyAdded""#)
        .expect("the golden text holds a LiablePartyAdded");
    assert_eq!(rest, format!("[{}", &GOLDEN_EVENTS_V1[second..]));
}

#[test]
fn account_opened_v2_golden_text_decodes_to_the_domain_event() {
    let encoded: EncodedEvent = serde_json::from_str(GOLDEN_ACCOUNT_OPENED_V2).expect("golden text parses");
    let decoded = CouncilTaxAccount::decode_event(&encoded).expect("golden text decodes");
    assert_eq!(decoded, events()[0]);
}

#[test]
fn account_events_v1_golden_text_decodes_to_the_domain_events() {
    let encoded: Vec<EncodedEvent> = serde_json::from_str(GOLDEN_EVENTS_V1).expect("golden text parses");
    let decoded: Vec<AccountEvent> = encoded
        .iter()
        .map(CouncilTaxAccount::decode_event)
        .collect::<Result<_, _>>()
        .expect("golden text decodes");
    assert_eq!(decoded, events());
}

#[test]
fn commit_envelope_v1_golden_text_decodes() {
    let golden = r#"{"encoding":"precept.commit.v1","council":"swale","kind":"ct-account","aggregate_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","first_version":1,"request_id":"open-1","fingerprint":"ab12","correlation_id":"11111111-1111-4111-8111-111111111111","actor":"client-swale","recorded_at":"2025-04-01T09:30:00Z","effective_date":"2025-04-01","events":[{"type":"LiablePartyAdded","schema":1,"data":{"party_id":"00000000-0000-4000-8000-000000000001","liable_from":"2025-04-01"}}]}"#;
    let commit = decode_commit(42, golden.as_bytes()).expect("golden envelope decodes");
    let envelope: &CommitEnvelopeV1 = &commit.envelope;
    assert_eq!(envelope.encoding, COMMIT_ENCODING_V1);
    assert_eq!(
        (commit.sequence, envelope.first_version, envelope.last_version()),
        (42, 1, 1)
    );
    assert_eq!(envelope.causation_id, None);
    let reencoded = serde_json::to_string(envelope).expect("encodes");
    expect![[r#"{"encoding":"precept.commit.v1","council":"swale","kind":"ct-account","aggregate_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","first_version":1,"request_id":"open-1","fingerprint":"ab12","correlation_id":"11111111-1111-4111-8111-111111111111","actor":"client-swale","recorded_at":"2025-04-01T09:30:00Z","effective_date":"2025-04-01","events":[{"type":"LiablePartyAdded","schema":1,"data":{"party_id":"00000000-0000-4000-8000-000000000001","liable_from":"2025-04-01"}}]}"#]].assert_eq(&reencoded);
}

#[test]
fn unknown_event_types_and_versions_are_reported() {
    let unknown = EncodedEvent {
        event_type: "PaymentPosted".into(),
        schema: 9,
        data: serde_json::value::RawValue::from_string("{}".into()).expect("valid JSON"),
    };
    assert!(matches!(
        CouncilTaxAccount::decode_event(&unknown),
        Err(DecodeError::Unknown { version: 9, .. })
    ));
}

/// Event types added after the first three, one example each (from the fixture history).
fn later_events() -> Vec<AccountEvent> {
    let first_three = ["AccountOpened", "LiablePartyAdded", "PaymentPosted"];
    let mut seen = Vec::new();
    history()
        .into_iter()
        .filter(|event| {
            let name = variant(event);
            let new = !first_three.contains(&name) && !seen.contains(&name);
            seen.push(name);
            new
        })
        .collect()
}

/// Golden text of [`later_events`], one event per line. Fixed forever.
const GOLDEN_LATER_EVENTS_V1: &str = r#"{"type":"InstalmentPlanChosen","schema":1,"data":{"length":"twelve","day":15}}
{"type":"BillIssued","schema":1,"data":{"year":"2025/26","notice_number":1,"kind":"first","issue_date":"2025-03-18","charge":{"year":"2025/26","liable_days":365,"segments":[{"from":"2025-04-01","to":"2025-06-30","band":"D","band_d_total_pence":226415,"discount":{"kind":"single_person","level_bp":2500}},{"from":"2025-07-01","to":"2025-09-30","band":"D","band_d_total_pence":226415,"exemption":"E"},{"from":"2025-10-01","to":"2026-03-31","band":"D","band_d_total_pence":226415,"premium":{"basis":"long_term_empty","empty_since":"2023-09-30","level_bp":10000}}],"gross_pence":226415,"exemption_pence":57068,"discount_pence":14032,"premium_pence":113828,"net_pence":269143,"preceptors":[{"code":"swale","kind":"billing_authority","amount_pence":26914},{"code":"kcc","kind":"county","amount_pence":242229}]},"instalments":[{"due":"2025-04-15","amount_pence":134643},{"due":"2025-05-15","amount_pence":134500}]}}
{"type":"PaymentAllocated","schema":1,"data":{"payment_id":"00000000-0000-4000-9000-000000000007","appropriated":false,"allocations":[{"debt":"year","year":"2025/26","amount_pence":12000}],"unallocated_pence":756}}
{"type":"DiscountAwarded","schema":1,"data":{"kind":"single_person","from":"2025-04-01"}}
{"type":"DiscountEnded","schema":1,"data":{"from":"2025-04-01","last_day":"2025-06-30"}}
{"type":"ExemptionAwarded","schema":1,"data":{"class":"E","from":"2025-07-01","to":"2025-12-31"}}
{"type":"ExemptionEnded","schema":1,"data":{"from":"2025-07-01","last_day":"2025-09-30"}}
{"type":"PremiumStarted","schema":1,"data":{"basis":"long_term_empty","empty_since":"2023-09-30","from":"2025-10-01"}}
{"type":"PremiumEnded","schema":1,"data":{"from":"2025-10-01","last_day":"2026-01-31"}}
{"type":"AllocationReleased","schema":1,"data":{"year":"2025/26","amount_pence":2000}}
{"type":"CreditCarriedForward","schema":1,"data":{"year":"2025/26","amount_pence":500,"on":"2025-10-07"}}
{"type":"CreditRefunded","schema":1,"data":{"refund_id":"00000000-0000-4000-9000-000000000008","amount_pence":1000,"refunded_on":"2025-10-08"}}
{"type":"PaymentReversed","schema":1,"data":{"payment_id":"00000000-0000-4000-9000-000000000007","amount_pence":12756,"reason":"direct_debit_returned","reversed_on":"2025-10-09","from_credit_pence":2506,"deallocations":[{"debt":"year","year":"2025/26","amount_pence":10250}],"sundry_debit_pence":0}}
{"type":"LiabilityEnded","schema":1,"data":{"move_out":"2026-02-01","last_day":"2026-01-31"}}
{"type":"RecoveryHoldPlaced","schema":1,"data":{"reason":"dispute","from":"2026-02-02"}}
{"type":"RecoveryHoldLifted","schema":1,"data":{"reason":"dispute","on":"2026-02-09"}}
{"type":"RecoveryStepRecorded","schema":1,"data":{"year":"2025/26","step":"reminder_issued","number":1,"issued":"2026-02-10","arrears_pence":13450,"covers_due_through":"2025-05-15","pay_by":"2026-02-17","balance_due_on":"2026-02-24"}}
{"type":"ReductionSet","schema":1,"data":{"claim":"7c9e6679-7425-40de-944b-e07fc1f90ae7","periods":[{"from":"2025-04-01","to":"2026-01-31","percent_bp":8000,"weekly_less_pence":500}]}}"#;

#[test]
fn later_account_events_v1_encode_to_the_golden_text_and_decode_back() {
    let events = later_events();
    assert_eq!(events.len(), VARIANT_COUNT - 3, "one example of every later event type");
    let lines: Vec<String> = events
        .iter()
        .map(|event| serde_json::to_string(&CouncilTaxAccount::encode_event(event)).expect("encodes"))
        .collect();
    let text = lines.join("\n");
    assert_eq!(text, GOLDEN_LATER_EVENTS_V1);
    let decoded: Vec<AccountEvent> = GOLDEN_LATER_EVENTS_V1
        .lines()
        .map(|line| {
            let encoded: EncodedEvent = serde_json::from_str(line).expect("golden line parses");
            CouncilTaxAccount::decode_event(&encoded).expect("golden line decodes")
        })
        .collect();
    assert_eq!(decoded, events);
}
