//! `nndr-agency`: `AgentAppointed`, `AgencyEnded`.

use chrono::NaiveDate;
use precept_app::{RequestLog, StreamPosition};
use precept_domain::AggregateKind;
use precept_domain::CouncilCode;
use precept_domain::nndr::agency::{Agency, AgencyEvent, AgencyState};
use serde::{Deserialize, Serialize};

use crate::codec::json::{from_value, invalid, to_value};
use crate::codec::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const APPOINTED: &str = "AgentAppointed";
const ENDED: &str = "AgencyEnded";

#[derive(Debug, Serialize, Deserialize)]
struct AppointedV1 {
    from: NaiveDate,
}

#[derive(Debug, Serialize, Deserialize)]
struct EndedV1 {
    last_day: NaiveDate,
}

impl StoredAggregate for Agency {
    fn encode_event(event: &AgencyEvent) -> EncodedEvent {
        let (event_type, data) = match event {
            AgencyEvent::Appointed { from } => (APPOINTED, to_value(&AppointedV1 { from: *from })),
            AgencyEvent::Ended { last_day } => (ENDED, to_value(&EndedV1 { last_day: *last_day })),
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema: 1,
            data,
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<AgencyEvent, DecodeError> {
        match (event.event_type.as_str(), event.schema) {
            (APPOINTED, 1) => Ok(AgencyEvent::Appointed {
                from: from_value::<AppointedV1>(&event.data, APPOINTED)?.from,
            }),
            (ENDED, 1) => Ok(AgencyEvent::Ended {
                last_day: from_value::<EndedV1>(&event.data, ENDED)?.last_day,
            }),
            (other, version) => Err(DecodeError::Unknown {
                what: "nndr-agency event",
                name: other.to_owned(),
                version,
            }),
        }
    }

    fn parse_id(text: &str) -> Result<CouncilCode, DecodeError> {
        CouncilCode::parse(text).map_err(invalid("aggregate_id"))
    }

    fn encode_snapshot(state: &AgencyState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(AgencyState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}
