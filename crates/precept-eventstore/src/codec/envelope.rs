//! The commit envelope, version 1: one JSON document per JetStream message.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::DecodeError;

/// The envelope's encoding name; a new envelope shape gets a new name.
pub const COMMIT_ENCODING_V1: &str = "precept.commit.v1";

/// One event inside a commit.
///
/// The payload is kept as raw JSON text: encoding writes each DTO straight to text (no
/// intermediate `Value` map on the command path) and decoding parses it straight into the DTO.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EncodedEvent {
    /// Event type, e.g. `PaymentPosted`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Schema version of `data` for this event type.
    pub schema: u32,
    /// The payload, as JSON text.
    pub data: Box<serde_json::value::RawValue>,
}

/// Everything stored about one commit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommitEnvelopeV1 {
    /// Always [`COMMIT_ENCODING_V1`].
    pub encoding: String,
    /// Council code.
    pub council: String,
    /// Aggregate kind.
    pub kind: String,
    /// Aggregate id as text.
    pub aggregate_id: String,
    /// Version of the first event (versions count events from 1).
    pub first_version: u64,
    /// The caller's request id (also the message's `Nats-Msg-Id`).
    pub request_id: String,
    /// Digest of the request, to refuse a reused request id.
    pub fingerprint: String,
    /// Business process id.
    pub correlation_id: Uuid,
    /// What caused this commit, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// Who asked (a credential or process id).
    pub actor: String,
    /// Stamped by the adapter, UTC.
    pub recorded_at: DateTime<Utc>,
    /// Business effective date, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_date: Option<NaiveDate>,
    /// The events, in order; never empty.
    pub events: Vec<EncodedEvent>,
}

/// A decoded envelope with the stream sequence it was read at.
#[derive(Debug, Clone)]
pub struct DecodedCommit {
    /// Stream sequence.
    pub sequence: u64,
    /// The envelope.
    pub envelope: CommitEnvelopeV1,
}

impl CommitEnvelopeV1 {
    /// The version after this commit.
    pub fn last_version(&self) -> u64 {
        self.first_version + self.events.len() as u64 - 1
    }
}

/// Decodes a stored commit message.
///
/// # Errors
/// [`DecodeError::Malformed`] for bad JSON, [`DecodeError::Unknown`] for another encoding,
/// [`DecodeError::InvalidField`] for an empty commit or a zero version.
pub fn decode_commit(sequence: u64, payload: &[u8]) -> Result<DecodedCommit, DecodeError> {
    let envelope: CommitEnvelopeV1 = serde_json::from_slice(payload).map_err(|source| DecodeError::Malformed {
        what: "commit envelope",
        source,
    })?;
    if envelope.encoding != COMMIT_ENCODING_V1 {
        return Err(DecodeError::Unknown {
            what: "commit encoding",
            name: envelope.encoding,
            version: 0,
        });
    }
    if envelope.events.is_empty() {
        return Err(DecodeError::InvalidField { field: "events" });
    }
    if envelope.first_version == 0 {
        return Err(DecodeError::InvalidField { field: "first_version" });
    }
    Ok(DecodedCommit { sequence, envelope })
}
