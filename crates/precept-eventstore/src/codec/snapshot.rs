//! Snapshot encoding, version 2, shared by every aggregate kind.
//!
//! A snapshot is a disposable cache of a folded state, never history: the domain's state types
//! derive serde precisely so they can be written here directly, without hand-written DTOs. The
//! document is `{ "encoding": "precept.snapshot.<kind>.v2", "position": {..}, "requests": [..],
//! "state": <the state> }`. Decoding yields `None` for any other encoding and for anything that
//! does not parse (an older build's state shape, say): the loader then rebuilds from events.

use chrono::{DateTime, Utc};
use precept_app::{CommitOutcome, Fingerprint, RecordedRequest, RequestId, RequestLog, StreamPosition};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The snapshot encoding name for an aggregate kind.
pub(crate) fn encoding_name(kind: &str) -> String {
    format!("precept.snapshot.{kind}.v2")
}

/// Encodes a snapshot of `state` for aggregate kind `kind`.
pub(crate) fn encode<S: Serialize>(kind: &str, state: &S, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
    let mut requests: Vec<RequestV1> = requests.iter().map(RequestV1::from).collect();
    // The log is a map; sorting makes equal logs encode to equal bytes.
    requests.sort_unstable_by(|a, b| a.request_id.cmp(&b.request_id));
    let snapshot = SnapshotOut {
        encoding: encoding_name(kind),
        position: PositionV1::from(position),
        requests,
        state,
    };
    serde_json::to_vec(&snapshot).expect("snapshot states are plain data with string map keys: always serialisable")
}

/// Decodes a snapshot written by [`encode`] for the same `kind`; `None` for anything else.
pub(crate) fn decode<S: DeserializeOwned>(kind: &str, bytes: &[u8]) -> Option<(S, StreamPosition, RequestLog)> {
    let snapshot: SnapshotIn<S> = serde_json::from_slice(bytes).ok()?;
    if snapshot.encoding != encoding_name(kind) {
        return None;
    }
    let mut requests = RequestLog::default();
    for request in snapshot.requests {
        let (id, recorded) = request.into_domain()?;
        // The log was pruned when the snapshot was taken; keep every entry it holds.
        requests.record(id, recorded, chrono::Duration::MAX);
    }
    Some((snapshot.state, snapshot.position.into(), requests))
}

#[derive(Serialize)]
struct SnapshotOut<'a, S> {
    encoding: String,
    position: PositionV1,
    requests: Vec<RequestV1>,
    state: &'a S,
}

#[derive(Deserialize)]
struct SnapshotIn<S> {
    encoding: String,
    position: PositionV1,
    requests: Vec<RequestV1>,
    state: S,
}

/// Where the snapshotted history ends.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct PositionV1 {
    version: u64,
    last_sequence: u64,
}

impl From<StreamPosition> for PositionV1 {
    fn from(position: StreamPosition) -> Self {
        PositionV1 {
            version: position.version,
            last_sequence: position.last_sequence,
        }
    }
}

impl From<PositionV1> for StreamPosition {
    fn from(position: PositionV1) -> Self {
        StreamPosition {
            version: position.version,
            last_sequence: position.last_sequence,
        }
    }
}

/// One entry of the request log.
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

/// Fixtures and checks the kinds' snapshot tests share.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A position and a request log with two entries.
    pub(crate) fn position_and_requests() -> (StreamPosition, RequestLog) {
        let position = StreamPosition {
            version: 3,
            last_sequence: 17,
        };
        let mut requests = RequestLog::default();
        for (id, sequence, at) in [
            ("req-1", 9, "2025-04-20T09:00:00Z"),
            ("req-2", 17, "2025-05-01T10:00:00Z"),
        ] {
            let recorded = RecordedRequest {
                fingerprint: Fingerprint(format!("f00d{sequence}")),
                outcome: CommitOutcome {
                    sequence,
                    version: 3,
                    event_count: 1,
                },
                recorded_at: at.parse().expect("fixture instant"),
            };
            requests.record(
                RequestId::parse(id).expect("fixture id"),
                recorded,
                chrono::Duration::days(30),
            );
        }
        (position, requests)
    }

    /// Checks the document's top-level shape and encoding name.
    pub(crate) fn assert_shape(bytes: &[u8], kind: &str) {
        let document: serde_json::Value = serde_json::from_slice(bytes).expect("snapshot is JSON");
        let object = document.as_object().expect("snapshot is an object");
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["encoding", "position", "requests", "state"]);
        assert_eq!(document["encoding"], format!("precept.snapshot.{kind}.v2"));
        assert_eq!(
            document["position"],
            serde_json::json!({"version": 3, "last_sequence": 17})
        );
    }
}

#[cfg(test)]
mod tests {
    use super::testing::position_and_requests;
    use super::*;

    #[test]
    fn requests_are_written_in_id_order_with_their_outcomes() {
        let (position, requests) = position_and_requests();
        assert_eq!(requests.len(), 2, "both requests are within the retention");
        let bytes = encode("ct-test", &42_u32, position, &requests);
        let text = String::from_utf8(bytes).expect("JSON is UTF-8");
        expect_test::expect![[r#"{"encoding":"precept.snapshot.ct-test.v2","position":{"version":3,"last_sequence":17},"requests":[{"request_id":"req-1","fingerprint":"f00d9","sequence":9,"version":3,"event_count":1,"recorded_at":"2025-04-20T09:00:00Z"},{"request_id":"req-2","fingerprint":"f00d17","sequence":17,"version":3,"event_count":1,"recorded_at":"2025-05-01T10:00:00Z"}],"state":42}"#]].assert_eq(&text);
        assert_eq!(
            decode::<u32>("ct-test", text.as_bytes()),
            Some((42, position, requests))
        );
    }

    #[test]
    fn other_kinds_versions_and_unparseable_documents_are_ignored() {
        let (position, requests) = position_and_requests();
        let bytes = encode("ct-test", &42_u32, position, &requests);
        assert_eq!(decode::<u32>("ct-other", &bytes), None);
        assert_eq!(decode::<String>("ct-test", &bytes), None, "a state of another shape");
        let v1 = br#"{"encoding":"precept.snapshot.ct-test.v1","position":{"version":3,"last_sequence":17},"requests":[],"state":42}"#;
        assert_eq!(decode::<u32>("ct-test", v1), None);
        assert_eq!(decode::<u32>("ct-test", b"not json"), None);
        let bad_request = br#"{"encoding":"precept.snapshot.ct-test.v2","position":{"version":3,"last_sequence":17},"requests":[{"request_id":"has space","fingerprint":"f","sequence":1,"version":1,"event_count":1,"recorded_at":"2025-04-01T09:00:00Z"}],"state":42}"#;
        assert_eq!(decode::<u32>("ct-test", bad_request), None);
    }
}
