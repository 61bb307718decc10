//! Stored encodings of the partnership agreement (`partnership-agreement`), schema version 1:
//! `MemberJoined`, `MemberServicesChanged`, `MemberLeft`. Services are snake_case names.

use chrono::NaiveDate;
use precept_app::{RequestLog, StreamPosition};
use precept_domain::AggregateKind;
use precept_domain::CouncilCode;
use precept_domain::partnership::agreement::{AgreementId, AgreementState};
use precept_domain::partnership::{Agreement, AgreementEvent, Service};
use serde::{Deserialize, Serialize};

use super::json::{from_value, invalid, to_value};
use super::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const JOINED: &str = "MemberJoined";
const CHANGED: &str = "MemberServicesChanged";
const LEFT: &str = "MemberLeft";

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ServiceV1 {
    CouncilTax,
    BusinessRates,
    Benefits,
    Recovery,
    Fraud,
}

impl From<Service> for ServiceV1 {
    fn from(service: Service) -> Self {
        match service {
            Service::CouncilTax => ServiceV1::CouncilTax,
            Service::BusinessRates => ServiceV1::BusinessRates,
            Service::Benefits => ServiceV1::Benefits,
            Service::Recovery => ServiceV1::Recovery,
            Service::Fraud => ServiceV1::Fraud,
        }
    }
}

impl From<ServiceV1> for Service {
    fn from(service: ServiceV1) -> Self {
        match service {
            ServiceV1::CouncilTax => Service::CouncilTax,
            ServiceV1::BusinessRates => Service::BusinessRates,
            ServiceV1::Benefits => Service::Benefits,
            ServiceV1::Recovery => Service::Recovery,
            ServiceV1::Fraud => Service::Fraud,
        }
    }
}

/// `MemberJoined` and `MemberServicesChanged`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
struct ServicesV1 {
    member: String,
    services: Vec<ServiceV1>,
    from: NaiveDate,
}

/// `MemberLeft`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
struct LeftV1 {
    member: String,
    last_day: NaiveDate,
}

fn member(text: &str) -> Result<CouncilCode, DecodeError> {
    CouncilCode::parse(text).map_err(invalid("member"))
}

fn services_v1(member: &CouncilCode, services: &[Service], from: NaiveDate) -> ServicesV1 {
    ServicesV1 {
        member: member.as_str().to_owned(),
        services: services.iter().map(|service| (*service).into()).collect(),
        from,
    }
}

impl StoredAggregate for Agreement {
    fn encode_event(event: &AgreementEvent) -> EncodedEvent {
        let (event_type, data) = match event {
            AgreementEvent::Joined { member, services, from } => {
                (JOINED, to_value(&services_v1(member, services, *from)))
            }
            AgreementEvent::ServicesChanged { member, services, from } => {
                (CHANGED, to_value(&services_v1(member, services, *from)))
            }
            AgreementEvent::Left { member, last_day } => (
                LEFT,
                to_value(&LeftV1 {
                    member: member.as_str().to_owned(),
                    last_day: *last_day,
                }),
            ),
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema: 1,
            data,
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<AgreementEvent, DecodeError> {
        let services = |dto: ServicesV1| -> Result<_, DecodeError> {
            Ok((
                member(&dto.member)?,
                dto.services.into_iter().map(Service::from).collect(),
                dto.from,
            ))
        };
        match (event.event_type.as_str(), event.schema) {
            (JOINED, 1) => {
                let (member, services, from) = services(from_value(&event.data, JOINED)?)?;
                Ok(AgreementEvent::Joined { member, services, from })
            }
            (CHANGED, 1) => {
                let (member, services, from) = services(from_value(&event.data, CHANGED)?)?;
                Ok(AgreementEvent::ServicesChanged { member, services, from })
            }
            (LEFT, 1) => {
                let left: LeftV1 = from_value(&event.data, LEFT)?;
                Ok(AgreementEvent::Left {
                    member: member(&left.member)?,
                    last_day: left.last_day,
                })
            }
            (other, version) => Err(DecodeError::Unknown {
                what: "partnership-agreement event",
                name: other.to_owned(),
                version,
            }),
        }
    }

    fn parse_id(text: &str) -> Result<AgreementId, DecodeError> {
        if text == AgreementId.to_string() {
            Ok(AgreementId)
        } else {
            Err(DecodeError::InvalidField { field: "aggregate_id" })
        }
    }

    fn encode_snapshot(state: &AgreementState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(AgreementState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fixed forever.
    const GOLDEN_V1: &str = r#"{"type":"MemberJoined","schema":1,"data":{"member":"maidstone","services":["council_tax","business_rates","benefits"],"from":"2008-04-01"}}
{"type":"MemberServicesChanged","schema":1,"data":{"member":"swale","services":["council_tax","recovery","fraud"],"from":"2024-04-01"}}
{"type":"MemberLeft","schema":1,"data":{"member":"tunbridge-wells","last_day":"2026-03-31"}}"#;

    #[test]
    fn agreement_events_v1_match_the_golden_text() {
        let code = |text: &str| CouncilCode::parse(text).expect("code");
        let date = |text: &str| text.parse::<NaiveDate>().expect("date");
        let events = [
            AgreementEvent::Joined {
                member: code("maidstone"),
                services: vec![Service::CouncilTax, Service::BusinessRates, Service::Benefits],
                from: date("2008-04-01"),
            },
            AgreementEvent::ServicesChanged {
                member: code("swale"),
                services: vec![Service::CouncilTax, Service::Recovery, Service::Fraud],
                from: date("2024-04-01"),
            },
            AgreementEvent::Left {
                member: code("tunbridge-wells"),
                last_day: date("2026-03-31"),
            },
        ];
        let lines: Vec<String> = events
            .iter()
            .map(|event| serde_json::to_string(&Agreement::encode_event(event)).expect("encodes"))
            .collect();
        assert_eq!(lines.join("\n"), GOLDEN_V1);
        for (line, event) in GOLDEN_V1.lines().zip(&events) {
            let encoded: EncodedEvent = serde_json::from_str(line).expect("parses");
            assert_eq!(&Agreement::decode_event(&encoded).expect("decodes"), event);
        }
        assert!(Agreement::parse_id("agreement").is_ok());
        assert!(Agreement::parse_id("other").is_err());
    }
}
