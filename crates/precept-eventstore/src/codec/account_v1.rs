//! Stored encodings of the Council Tax account (`ct-account`), schema version 1.

use chrono::{DateTime, NaiveDate, Utc};
use precept_app::{CommitOutcome, Fingerprint, RecordedRequest, RequestId, RequestLog, StreamPosition};
use precept_domain::account::{
    AccountEvent, AccountOpened, AccountState, CouncilTaxAccount, LiablePartyAdded, OpenAccountState, PaymentMethod,
    PaymentPosted, PaymentReference,
};
use precept_domain::{AccountId, PartyId, PaymentId, Pence, Uprn};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{DecodeError, EncodedEvent, StoredAggregate};

const OPENED: &str = "AccountOpened";
const PARTY_ADDED: &str = "LiablePartyAdded";
const PAYMENT_POSTED: &str = "PaymentPosted";
const SNAPSHOT_ENCODING: &str = "precept.snapshot.ct-account.v1";

#[derive(Debug, Serialize, Deserialize)]
struct AccountOpenedV1 {
    account_id: Uuid,
    uprn: u64,
    liability_start: NaiveDate,
    balance_brought_forward_pence: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct LiablePartyAddedV1 {
    party_id: Uuid,
    liable_from: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize)]
struct PaymentPostedV1 {
    payment_id: Uuid,
    amount_pence: i64,
    method: MethodV1,
    reference: String,
    received_on: NaiveDate,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum MethodV1 {
    DirectDebit,
    Card,
    BankTransfer,
    PayPoint,
    Cheque,
    Cash,
}

impl From<PaymentMethod> for MethodV1 {
    fn from(method: PaymentMethod) -> Self {
        match method {
            PaymentMethod::DirectDebit => MethodV1::DirectDebit,
            PaymentMethod::Card => MethodV1::Card,
            PaymentMethod::BankTransfer => MethodV1::BankTransfer,
            PaymentMethod::PayPoint => MethodV1::PayPoint,
            PaymentMethod::Cheque => MethodV1::Cheque,
            PaymentMethod::Cash => MethodV1::Cash,
        }
    }
}

impl From<MethodV1> for PaymentMethod {
    fn from(method: MethodV1) -> Self {
        match method {
            MethodV1::DirectDebit => PaymentMethod::DirectDebit,
            MethodV1::Card => PaymentMethod::Card,
            MethodV1::BankTransfer => PaymentMethod::BankTransfer,
            MethodV1::PayPoint => PaymentMethod::PayPoint,
            MethodV1::Cheque => PaymentMethod::Cheque,
            MethodV1::Cash => PaymentMethod::Cash,
        }
    }
}

fn to_value<T: Serialize>(dto: &T) -> Box<serde_json::value::RawValue> {
    serde_json::value::to_raw_value(dto).expect("event DTOs hold only strings, integers and dates: always serialisable")
}

fn from_value<T: for<'de> Deserialize<'de>>(
    value: &serde_json::value::RawValue,
    what: &'static str,
) -> Result<T, DecodeError> {
    serde_json::from_str(value.get()).map_err(|source| DecodeError::Malformed { what, source })
}

fn invalid(field: &'static str) -> impl Fn(precept_domain::IdError) -> DecodeError {
    move |_| DecodeError::InvalidField { field }
}

impl StoredAggregate for CouncilTaxAccount {
    fn encode_event(event: &AccountEvent) -> EncodedEvent {
        let (event_type, data) = match event {
            AccountEvent::AccountOpened(opened) => (
                OPENED,
                to_value(&AccountOpenedV1 {
                    account_id: opened.account_id.as_uuid(),
                    uprn: opened.property.get(),
                    liability_start: opened.liability_start,
                    balance_brought_forward_pence: opened.balance_brought_forward_pence.get(),
                }),
            ),
            AccountEvent::LiablePartyAdded(added) => (
                PARTY_ADDED,
                to_value(&LiablePartyAddedV1 {
                    party_id: added.party_id.as_uuid(),
                    liable_from: added.liable_from,
                }),
            ),
            AccountEvent::PaymentPosted(posted) => (
                PAYMENT_POSTED,
                to_value(&PaymentPostedV1 {
                    payment_id: posted.payment_id.as_uuid(),
                    amount_pence: posted.amount_pence.get(),
                    method: posted.method.into(),
                    reference: posted.reference.as_str().to_owned(),
                    received_on: posted.received_on,
                }),
            ),
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema: 1,
            data,
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<AccountEvent, DecodeError> {
        match (event.event_type.as_str(), event.schema) {
            (OPENED, 1) => {
                let dto: AccountOpenedV1 = from_value(&event.data, OPENED)?;
                Ok(AccountEvent::AccountOpened(AccountOpened {
                    account_id: AccountId::from_uuid(dto.account_id).map_err(invalid("account_id"))?,
                    property: Uprn::parse(&dto.uprn.to_string()).map_err(invalid("uprn"))?,
                    liability_start: dto.liability_start,
                    balance_brought_forward_pence: Pence::new(dto.balance_brought_forward_pence),
                }))
            }
            (PARTY_ADDED, 1) => {
                let dto: LiablePartyAddedV1 = from_value(&event.data, PARTY_ADDED)?;
                Ok(AccountEvent::LiablePartyAdded(LiablePartyAdded {
                    party_id: PartyId::from_uuid(dto.party_id).map_err(invalid("party_id"))?,
                    liable_from: dto.liable_from,
                }))
            }
            (PAYMENT_POSTED, 1) => {
                let dto: PaymentPostedV1 = from_value(&event.data, PAYMENT_POSTED)?;
                Ok(AccountEvent::PaymentPosted(PaymentPosted {
                    payment_id: PaymentId::from_uuid(dto.payment_id).map_err(invalid("payment_id"))?,
                    amount_pence: Pence::new(dto.amount_pence),
                    method: dto.method.into(),
                    reference: PaymentReference::parse(&dto.reference)
                        .map_err(|_| DecodeError::InvalidField { field: "reference" })?,
                    received_on: dto.received_on,
                }))
            }
            (other, schema) => Err(DecodeError::Unknown {
                what: "ct-account event",
                name: other.to_owned(),
                version: schema,
            }),
        }
    }

    fn parse_id(text: &str) -> Result<AccountId, DecodeError> {
        AccountId::parse(text).map_err(invalid("aggregate_id"))
    }

    fn encode_snapshot(state: &AccountState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        let snapshot = SnapshotV1 {
            encoding: SNAPSHOT_ENCODING.to_owned(),
            version: position.version,
            last_sequence: position.last_sequence,
            state: state.as_open().map(OpenStateV1::from),
            requests: requests.iter().map(RequestV1::from).collect(),
        };
        serde_json::to_vec(&snapshot).expect("snapshot DTOs hold only strings, integers and dates: always serialisable")
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(AccountState, StreamPosition, RequestLog)> {
        let snapshot: SnapshotV1 = serde_json::from_slice(bytes).ok()?;
        if snapshot.encoding != SNAPSHOT_ENCODING {
            return None;
        }
        let state = match snapshot.state {
            None => AccountState::NotOpened,
            Some(open) => AccountState::Open(open.into_domain()?),
        };
        let mut requests = RequestLog::default();
        for request in snapshot.requests {
            let (id, recorded) = request.into_domain()?;
            // The log was pruned when the snapshot was taken; keep every entry it holds.
            requests.record(id, recorded, chrono::Duration::MAX);
        }
        Some((
            state,
            StreamPosition {
                version: snapshot.version,
                last_sequence: snapshot.last_sequence,
            },
            requests,
        ))
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct SnapshotV1 {
    encoding: String,
    version: u64,
    last_sequence: u64,
    state: Option<OpenStateV1>,
    requests: Vec<RequestV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct OpenStateV1 {
    account_id: Uuid,
    uprn: u64,
    liability_start: NaiveDate,
    liable_parties: Vec<Uuid>,
    balance_owed_pence: i64,
    payment_ids: Vec<Uuid>,
}

impl From<&OpenAccountState> for OpenStateV1 {
    fn from(open: &OpenAccountState) -> Self {
        let mut payment_ids: Vec<Uuid> = open.payment_ids.iter().map(PaymentId::as_uuid).collect();
        payment_ids.sort_unstable();
        OpenStateV1 {
            account_id: open.account_id.as_uuid(),
            uprn: open.property.get(),
            liability_start: open.liability_start,
            liable_parties: open.liable_parties.iter().map(PartyId::as_uuid).collect(),
            balance_owed_pence: open.balance_owed_pence.get(),
            payment_ids,
        }
    }
}

impl OpenStateV1 {
    fn into_domain(self) -> Option<OpenAccountState> {
        Some(OpenAccountState {
            account_id: AccountId::from_uuid(self.account_id).ok()?,
            property: Uprn::parse(&self.uprn.to_string()).ok()?,
            liability_start: self.liability_start,
            liable_parties: self
                .liable_parties
                .into_iter()
                .map(PartyId::from_uuid)
                .collect::<Result<_, _>>()
                .ok()?,
            balance_owed_pence: Pence::new(self.balance_owed_pence),
            payment_ids: self
                .payment_ids
                .into_iter()
                .map(PaymentId::from_uuid)
                .collect::<Result<_, _>>()
                .ok()?,
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct RequestV1 {
    request_id: String,
    fingerprint: String,
    sequence: u64,
    version: u64,
    event_count: u32,
    recorded_at: DateTime<Utc>,
}

impl From<(&RequestId, &RecordedRequest)> for RequestV1 {
    fn from((id, recorded): (&RequestId, &RecordedRequest)) -> Self {
        RequestV1 {
            request_id: id.as_str().to_owned(),
            fingerprint: recorded.fingerprint.0.clone(),
            sequence: recorded.outcome.sequence,
            version: recorded.outcome.version,
            event_count: recorded.outcome.event_count,
            recorded_at: recorded.recorded_at,
        }
    }
}

impl RequestV1 {
    fn into_domain(self) -> Option<(RequestId, RecordedRequest)> {
        let id = RequestId::parse(&self.request_id).ok()?;
        let outcome = CommitOutcome {
            sequence: self.sequence,
            version: self.version,
            event_count: self.event_count,
        };
        Some((
            id,
            RecordedRequest {
                fingerprint: Fingerprint(self.fingerprint),
                outcome,
                recorded_at: self.recorded_at,
            },
        ))
    }
}

#[cfg(test)]
mod golden {
    //! Golden tests: the text of each shipped encoding is fixed forever. If one of these fails,
    //! the change broke compatibility with stored history; add a new schema version instead.

    use super::*;
    use crate::codec::envelope::{COMMIT_ENCODING_V1, CommitEnvelopeV1, decode_commit};
    use expect_test::expect;
    use precept_domain::AggregateKind;

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

    #[test]
    fn account_events_v1_encode_to_the_golden_text() {
        let encoded: Vec<EncodedEvent> = events().iter().map(CouncilTaxAccount::encode_event).collect();
        let text = serde_json::to_string(&encoded).expect("encodes");
        assert_eq!(text, GOLDEN_EVENTS_V1);
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
    fn snapshots_round_trip_and_unknown_encodings_are_ignored() {
        let state = CouncilTaxAccount::fold(AccountState::default(), &events()).expect("valid history");
        let position = StreamPosition {
            version: 3,
            last_sequence: 17,
        };
        let mut requests = RequestLog::default();
        let recorded = RecordedRequest {
            fingerprint: Fingerprint("f00d".into()),
            outcome: CommitOutcome {
                sequence: 17,
                version: 3,
                event_count: 1,
            },
            recorded_at: "2025-05-01T10:00:00Z".parse().expect("instant"),
        };
        requests.record(
            RequestId::parse("pay-1").expect("id"),
            recorded,
            chrono::Duration::days(30),
        );
        let bytes = CouncilTaxAccount::encode_snapshot(&state, position, &requests);
        assert_eq!(
            CouncilTaxAccount::decode_snapshot(&bytes),
            Some((state, position, requests))
        );
        assert_eq!(
            CouncilTaxAccount::decode_snapshot(br#"{"encoding":"precept.snapshot.ct-account.v0"}"#),
            None
        );
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
}
