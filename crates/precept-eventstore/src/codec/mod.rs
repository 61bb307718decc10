//! Stored encodings: the long-lived contract between Precept and its history.
//!
//! Every message in a council stream is one commit, encoded as a [`CommitEnvelopeV1`] in
//! JSON. Each event inside names its type and schema version; the payload of each version is a
//! hand-written DTO in this module, converted to and from the domain type by hand, so the
//! domain can evolve without rewriting history.
//!
//! Rules (STYLE §7): add fields only with defaults; never rename or reuse a field; a new
//! meaning is a new event type or schema version; old versions keep decoding (upcast here).
//! Every shipped encoding has a golden test whose text never changes.
//!
//! Upcasting: when an event's payload needs a new shape (a renamed or reshaped field, a value
//! whose meaning must be spelled out), the event gets schema version n+1 and:
//! - the encoder writes only the newest schema, whose DTO is the only one converted to the
//!   domain type;
//! - each older schema keeps its own DTO, now decode-only, with an `upcast` method to the next
//!   schema's DTO, so `decode_event` reads a stored version with its own DTO and upcasts it step
//!   by step to the newest before building the domain value;
//! - the old schema's golden text stays, and now also proves the upcast: decoding it must still
//!   give the same domain value; a codec test pins the upcast text for each case of the rule.
//!
//! Stored history is never rewritten: an old commit keeps its old bytes, the audit API shows
//! them as stored, and every reader (the command side's load, the projectors' feed, the audit's
//! state folds) upcasts them on the way in through `decode_event`. So far one event has two
//! schemas: `ct-account`'s `AccountOpened` (see `account_v1::opening`).
//!
//! Value conventions in event payloads: dates as `YYYY-MM-DD`, money as integer pence in
//! fields named `*_pence`, ids as hyphenated UUIDs (UPRNs as numbers), enums as snake_case
//! strings, bands and exemption classes as their letter, financial years as `"2025/26"`.
//! Decoding checks values with the domain's own parsers.
//!
//! Snapshots are different: a cache, not history. They hold the domain state's own serde form
//! under a versioned encoding name (see `snapshot`), and an unreadable one is simply ignored.

pub mod account_v1;
pub mod benefits_v1;
pub mod cost_pool_v1;
pub mod council_year_v1;
pub mod credential_v1;
mod envelope;
mod json;
pub mod nndr_v1;
pub mod partnership_v1;
pub mod property_v1;
mod snapshot;
mod values_v1;

pub use envelope::{COMMIT_ENCODING_V1, CommitEnvelopeV1, DecodedCommit, EncodedEvent, decode_commit};

use precept_app::RequestLog;
use precept_app::StreamPosition;
use precept_domain::AggregateKind;

/// Why stored bytes could not be turned back into domain values.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Not the JSON shape expected.
    #[error("malformed {what}: {source}")]
    Malformed {
        /// What was being decoded.
        what: &'static str,
        /// The parser's complaint.
        #[source]
        source: serde_json::Error,
    },
    /// An encoding or event type this build does not know.
    #[error("unknown {what} {name:?} version {version}")]
    Unknown {
        /// Envelope, event or snapshot.
        what: &'static str,
        /// Its type name.
        name: String,
        /// Its schema version.
        version: u32,
    },
    /// Decoded, but a value inside is not valid (an id, an amount, a reference).
    #[error("invalid field {field}")]
    InvalidField {
        /// The field.
        field: &'static str,
    },
}

/// An aggregate kind whose events and snapshots this adapter knows how to store.
pub trait StoredAggregate: AggregateKind {
    /// Encodes one event (its type name, schema version and payload).
    fn encode_event(event: &Self::Event) -> EncodedEvent;

    /// Decodes one event of any shipped schema version, upcasting older ones.
    ///
    /// # Errors
    /// [`DecodeError`].
    fn decode_event(event: &EncodedEvent) -> Result<Self::Event, DecodeError>;

    /// Parses an aggregate id from its subject token.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`].
    fn parse_id(text: &str) -> Result<Self::Id, DecodeError>;

    /// Encodes a snapshot of the state (with the position and request log alongside).
    fn encode_snapshot(state: &Self::State, position: StreamPosition, requests: &RequestLog) -> Vec<u8>;

    /// Decodes a snapshot; `None` for an encoding this build does not know (the caller then
    /// rebuilds from events, so an old snapshot never blocks a load).
    fn decode_snapshot(bytes: &[u8]) -> Option<(Self::State, StreamPosition, RequestLog)>;
}
