//! Stored encodings of a year's cost pool (`cost-pool`), schema version 1: `CostLineSet`,
//! `CostLineActualRecorded`, `CostLineRemoved`, `ToleranceSet`.

use chrono::NaiveDate;
use precept_app::{RequestLog, StreamPosition};
use precept_domain::council_year::CouncilYearId;
use precept_domain::partnership::{
    CostPool, Driver, DriverEstimate, Limits, LineBasis, LineSpec, PoolEvent, PoolState,
};
use precept_domain::{AggregateKind, CouncilCode, Pence};
use serde::{Deserialize, Serialize};

use super::json::{from_value, invalid, to_value};
use super::partnership_v1::ServiceV1;
use super::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const LINE_SET: &str = "CostLineSet";
const ACTUAL: &str = "CostLineActualRecorded";
const REMOVED: &str = "CostLineRemoved";
const TOLERANCE: &str = "ToleranceSet";
const ESTIMATE: &str = "DriverEstimateSet";

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DriverV1 {
    LiveCouncilTaxAccounts,
    Hereditaments,
    BenefitClaims,
    RateableValue,
    BillsIssued,
    PaymentsProcessed,
    RecoveryActions,
    UcRecordsHandled,
    ClaimsAssessed,
}

impl From<Driver> for DriverV1 {
    fn from(driver: Driver) -> Self {
        match driver {
            Driver::LiveCouncilTaxAccounts => DriverV1::LiveCouncilTaxAccounts,
            Driver::Hereditaments => DriverV1::Hereditaments,
            Driver::BenefitClaims => DriverV1::BenefitClaims,
            Driver::RateableValue => DriverV1::RateableValue,
            Driver::BillsIssued => DriverV1::BillsIssued,
            Driver::PaymentsProcessed => DriverV1::PaymentsProcessed,
            Driver::RecoveryActions => DriverV1::RecoveryActions,
            Driver::UcRecordsHandled => DriverV1::UcRecordsHandled,
            Driver::ClaimsAssessed => DriverV1::ClaimsAssessed,
        }
    }
}

impl From<DriverV1> for Driver {
    fn from(driver: DriverV1) -> Self {
        match driver {
            DriverV1::LiveCouncilTaxAccounts => Driver::LiveCouncilTaxAccounts,
            DriverV1::Hereditaments => Driver::Hereditaments,
            DriverV1::BenefitClaims => Driver::BenefitClaims,
            DriverV1::RateableValue => Driver::RateableValue,
            DriverV1::BillsIssued => Driver::BillsIssued,
            DriverV1::PaymentsProcessed => Driver::PaymentsProcessed,
            DriverV1::RecoveryActions => Driver::RecoveryActions,
            DriverV1::UcRecordsHandled => Driver::UcRecordsHandled,
            DriverV1::ClaimsAssessed => Driver::ClaimsAssessed,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
enum BasisV1 {
    Fixed { shares: Vec<ShareV1> },
    Driver { driver: DriverV1 },
    PerUnit { rate_pence: i64, driver: DriverV1 },
}

#[derive(Debug, Serialize, Deserialize)]
struct ShareV1 {
    member: String,
    bp: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct LimitV1 {
    member: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    floor_pence: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cap_pence: Option<i64>,
}

/// `CostLineSet`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
struct LineSetV1 {
    name: String,
    service: ServiceV1,
    amount_pence: i64,
    #[serde(flatten)]
    basis: BasisV1,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    limits: Vec<LimitV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ActualV1 {
    name: String,
    amount_pence: i64,
    on: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize)]
struct RemovedV1 {
    name: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct ToleranceV1 {
    tolerance_bp: u32,
}

/// `DriverEstimateSet`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
struct EstimateV1 {
    on: NaiveDate,
    values: Vec<EstimateValueV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct EstimateValueV1 {
    driver: DriverV1,
    member: String,
    value: u64,
}

fn estimate_v1(estimate: &DriverEstimate) -> EstimateV1 {
    EstimateV1 {
        on: estimate.on,
        values: estimate
            .values
            .iter()
            .map(|(driver, member, value)| EstimateValueV1 {
                driver: (*driver).into(),
                member: member.as_str().to_owned(),
                value: *value,
            })
            .collect(),
    }
}

fn estimate_from_v1(estimate: EstimateV1) -> Result<DriverEstimate, DecodeError> {
    Ok(DriverEstimate {
        on: estimate.on,
        values: estimate
            .values
            .into_iter()
            .map(|v| Ok((v.driver.into(), member(&v.member)?, v.value)))
            .collect::<Result<_, DecodeError>>()?,
    })
}

fn member(text: &str) -> Result<CouncilCode, DecodeError> {
    CouncilCode::parse(text).map_err(invalid("member"))
}

fn line_v1(spec: &LineSpec) -> LineSetV1 {
    let basis = match &spec.basis {
        LineBasis::Fixed(shares) => BasisV1::Fixed {
            shares: shares
                .iter()
                .map(|(member, bp)| ShareV1 {
                    member: member.as_str().to_owned(),
                    bp: *bp,
                })
                .collect(),
        },
        LineBasis::Driver(driver) => BasisV1::Driver {
            driver: (*driver).into(),
        },
        LineBasis::PerUnit { rate, driver } => BasisV1::PerUnit {
            rate_pence: rate.get(),
            driver: (*driver).into(),
        },
    };
    LineSetV1 {
        name: spec.name.clone(),
        service: spec.service.into(),
        amount_pence: spec.amount.get(),
        basis,
        limits: spec
            .limits
            .iter()
            .map(|(member, limits)| LimitV1 {
                member: member.as_str().to_owned(),
                floor_pence: limits.floor.map(Pence::get),
                cap_pence: limits.cap.map(Pence::get),
            })
            .collect(),
    }
}

fn line_from_v1(line: LineSetV1) -> Result<LineSpec, DecodeError> {
    let basis = match line.basis {
        BasisV1::Fixed { shares } => LineBasis::Fixed(
            shares
                .into_iter()
                .map(|share| Ok((member(&share.member)?, share.bp)))
                .collect::<Result<_, DecodeError>>()?,
        ),
        BasisV1::Driver { driver } => LineBasis::Driver(driver.into()),
        BasisV1::PerUnit { rate_pence, driver } => LineBasis::PerUnit {
            rate: Pence::new(rate_pence),
            driver: driver.into(),
        },
    };
    let limits = line
        .limits
        .into_iter()
        .map(|limit| {
            Ok((
                member(&limit.member)?,
                Limits {
                    floor: limit.floor_pence.map(Pence::new),
                    cap: limit.cap_pence.map(Pence::new),
                },
            ))
        })
        .collect::<Result<_, DecodeError>>()?;
    Ok(LineSpec {
        name: line.name,
        service: line.service.into(),
        amount: Pence::new(line.amount_pence),
        basis,
        limits,
    })
}

impl StoredAggregate for CostPool {
    fn encode_event(event: &PoolEvent) -> EncodedEvent {
        let (event_type, data) = match event {
            PoolEvent::LineSet(spec) => (LINE_SET, to_value(&line_v1(spec))),
            PoolEvent::ActualRecorded { name, amount, on } => (
                ACTUAL,
                to_value(&ActualV1 {
                    name: name.clone(),
                    amount_pence: amount.get(),
                    on: *on,
                }),
            ),
            PoolEvent::LineRemoved { name } => (REMOVED, to_value(&RemovedV1 { name: name.clone() })),
            PoolEvent::ToleranceSet(bp) => (TOLERANCE, to_value(&ToleranceV1 { tolerance_bp: *bp })),
            PoolEvent::EstimateSet(estimate) => (ESTIMATE, to_value(&estimate_v1(estimate))),
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema: 1,
            data,
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<PoolEvent, DecodeError> {
        match (event.event_type.as_str(), event.schema) {
            (LINE_SET, 1) => Ok(PoolEvent::LineSet(line_from_v1(from_value(&event.data, LINE_SET)?)?)),
            (ACTUAL, 1) => {
                let actual: ActualV1 = from_value(&event.data, ACTUAL)?;
                Ok(PoolEvent::ActualRecorded {
                    name: actual.name,
                    amount: Pence::new(actual.amount_pence),
                    on: actual.on,
                })
            }
            (REMOVED, 1) => Ok(PoolEvent::LineRemoved {
                name: from_value::<RemovedV1>(&event.data, REMOVED)?.name,
            }),
            (ESTIMATE, 1) => Ok(PoolEvent::EstimateSet(estimate_from_v1(from_value(
                &event.data,
                ESTIMATE,
            )?)?)),
            (TOLERANCE, 1) => Ok(PoolEvent::ToleranceSet(
                from_value::<ToleranceV1>(&event.data, TOLERANCE)?.tolerance_bp,
            )),
            (other, version) => Err(DecodeError::Unknown {
                what: "cost-pool event",
                name: other.to_owned(),
                version,
            }),
        }
    }

    fn parse_id(text: &str) -> Result<CouncilYearId, DecodeError> {
        text.parse().map_err(invalid("aggregate_id"))
    }

    fn encode_snapshot(state: &PoolState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(PoolState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}

#[cfg(test)]
mod tests {
    use precept_domain::partnership::Service;

    use super::*;

    /// Fixed forever.
    const GOLDEN_V1: &str = r#"{"type":"CostLineSet","schema":1,"data":{"name":"ICT licences","service":"council_tax","amount_pence":20000000,"basis":"fixed","shares":[{"member":"maidstone","bp":5000},{"member":"swale","bp":5000}]}}
{"type":"CostLineSet","schema":1,"data":{"name":"staff","service":"benefits","amount_pence":100000000,"basis":"driver","driver":"benefit_claims","limits":[{"member":"swale","cap_pence":40000000}]}}
{"type":"CostLineSet","schema":1,"data":{"name":"enforcement","service":"recovery","amount_pence":0,"basis":"per_unit","rate_pence":1250,"driver":"recovery_actions"}}
{"type":"CostLineActualRecorded","schema":1,"data":{"name":"staff","amount_pence":103000000,"on":"2026-04-30"}}
{"type":"CostLineRemoved","schema":1,"data":{"name":"ICT licences"}}
{"type":"ToleranceSet","schema":1,"data":{"tolerance_bp":300}}
{"type":"DriverEstimateSet","schema":1,"data":{"on":"2025-03-01","values":[{"driver":"claims_assessed","member":"swale","value":2104},{"driver":"benefit_claims","member":"maidstone","value":1308}]}}"#;

    #[test]
    fn cost_pool_events_v1_match_the_golden_text() {
        let code = |text: &str| CouncilCode::parse(text).expect("code");
        let events = [
            PoolEvent::LineSet(LineSpec {
                name: "ICT licences".into(),
                service: Service::CouncilTax,
                amount: Pence::new(20_000_000),
                basis: LineBasis::Fixed(vec![(code("maidstone"), 5_000), (code("swale"), 5_000)]),
                limits: Vec::new(),
            }),
            PoolEvent::LineSet(LineSpec {
                name: "staff".into(),
                service: Service::Benefits,
                amount: Pence::new(100_000_000),
                basis: LineBasis::Driver(Driver::BenefitClaims),
                limits: vec![(
                    code("swale"),
                    Limits {
                        floor: None,
                        cap: Some(Pence::new(40_000_000)),
                    },
                )],
            }),
            PoolEvent::LineSet(LineSpec {
                name: "enforcement".into(),
                service: Service::Recovery,
                amount: Pence::ZERO,
                basis: LineBasis::PerUnit {
                    rate: Pence::new(1_250),
                    driver: Driver::RecoveryActions,
                },
                limits: Vec::new(),
            }),
            PoolEvent::ActualRecorded {
                name: "staff".into(),
                amount: Pence::new(103_000_000),
                on: "2026-04-30".parse().expect("date"),
            },
            PoolEvent::LineRemoved {
                name: "ICT licences".into(),
            },
            PoolEvent::ToleranceSet(300),
            PoolEvent::EstimateSet(DriverEstimate {
                on: "2025-03-01".parse().expect("date"),
                values: vec![
                    (Driver::ClaimsAssessed, code("swale"), 2_104),
                    (Driver::BenefitClaims, code("maidstone"), 1_308),
                ],
            }),
        ];
        let lines: Vec<String> = events
            .iter()
            .map(|event| serde_json::to_string(&CostPool::encode_event(event)).expect("encodes"))
            .collect();
        assert_eq!(lines.join("\n"), GOLDEN_V1);
        for (line, event) in GOLDEN_V1.lines().zip(&events) {
            let encoded: EncodedEvent = serde_json::from_str(line).expect("parses");
            assert_eq!(&CostPool::decode_event(&encoded).expect("decodes"), event);
        }
    }
}
