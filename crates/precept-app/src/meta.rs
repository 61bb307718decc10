//! Who asked for a change, and the record that makes a retried request harmless.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

/// Why request metadata was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetaError {
    /// Request ids are 1-128 characters of `A-Z a-z 0-9 . _ : -`.
    #[error("request id must be 1-128 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'")]
    MalformedRequestId,
    /// Actors are 1-64 characters of the same alphabet.
    #[error("actor must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', ':' or '-'")]
    MalformedActor,
}

fn token_ok(text: &str, length_max: usize) -> bool {
    !text.is_empty()
        && text.len() <= length_max
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// The caller's id for one request; retrying with the same id never repeats the change.
///
/// It becomes the JetStream `Nats-Msg-Id` header, so its alphabet excludes whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(String);

impl RequestId {
    /// The longest request id accepted.
    pub const LENGTH_MAX: usize = 128;

    /// Parses a request id.
    ///
    /// # Errors
    /// [`MetaError::MalformedRequestId`].
    pub fn parse(text: &str) -> Result<Self, MetaError> {
        if token_ok(text, Self::LENGTH_MAX) {
            Ok(RequestId(text.to_owned()))
        } else {
            Err(MetaError::MalformedRequestId)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who made a change: a client credential's id or a system process, never a person's name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Actor(String);

impl Actor {
    /// Parses an actor id.
    ///
    /// # Errors
    /// [`MetaError::MalformedActor`].
    pub fn parse(text: &str) -> Result<Self, MetaError> {
        if token_ok(text, 64) {
            Ok(Actor(text.to_owned()))
        } else {
            Err(MetaError::MalformedActor)
        }
    }

    /// The actor as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A digest of a request's content, so that a request id reused for a different request is
/// refused instead of answered with the first request's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub String);

/// Everything about a request that is not the command itself; stored on every commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMeta {
    /// The caller's idempotency key.
    pub request_id: RequestId,
    /// Groups every commit that one business process caused.
    pub correlation_id: Uuid,
    /// The commit or message that caused this one, if any.
    pub causation_id: Option<Uuid>,
    /// Who asked.
    pub actor: Actor,
    /// Digest of the request.
    pub fingerprint: Fingerprint,
}

/// Where a commit landed: enough to answer the caller, and to answer a retry identically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitOutcome {
    /// The commit's sequence in its council's stream.
    pub sequence: u64,
    /// The aggregate's version after the commit (its number of events).
    pub version: u64,
    /// How many events the commit holds.
    pub event_count: u32,
}

/// A request the aggregate has already carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Digest of the original request.
    pub fingerprint: Fingerprint,
    /// What it produced.
    pub outcome: CommitOutcome,
    /// When it was stored.
    pub recorded_at: DateTime<Utc>,
}

/// The requests an aggregate has carried out recently, rebuilt from its commits' envelopes.
///
/// This is the durable idempotency record: it lives in the commits themselves (and so in
/// snapshots), which makes it exactly as durable as the change it guards and never out of
/// step with it. Entries older than the retention, measured back from the aggregate's newest
/// commit, are dropped so the record stays small on busy accounts.
#[derive(Debug, Clone, Default)]
pub struct RequestLog {
    entries: HashMap<RequestId, RecordedRequest>,
    oldest: Option<DateTime<Utc>>,
}

impl PartialEq for RequestLog {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Eq for RequestLog {}

impl RequestLog {
    /// The record of a request, if the aggregate carried it out.
    pub fn get(&self, request_id: &RequestId) -> Option<&RecordedRequest> {
        self.entries.get(request_id)
    }

    /// Records a request, then forgets those recorded more than `retention` before it.
    pub fn record(&mut self, request_id: RequestId, request: RecordedRequest, retention: Duration) {
        let horizon = request.recorded_at.checked_sub_signed(retention);
        let recorded_at = request.recorded_at;
        self.entries.insert(request_id, request);
        self.oldest = Some(self.oldest.map_or(recorded_at, |oldest| oldest.min(recorded_at)));
        // Prune only when something has aged out, not on every command: a full scan per
        // commit would cost more than the commit on accounts with long histories.
        if let (Some(horizon), Some(oldest)) = (horizon, self.oldest)
            && oldest < horizon
        {
            self.entries.retain(|_, kept| kept.recorded_at >= horizon);
            self.oldest = self.entries.values().map(|kept| kept.recorded_at).min();
        }
    }

    /// Every recorded request, for snapshots.
    pub fn iter(&self) -> impl Iterator<Item = (&RequestId, &RecordedRequest)> {
        self.entries.iter()
    }

    /// How many requests are recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_header_safe_tokens() {
        assert!(RequestId::parse("pay-2025-05-01:000123").is_ok());
        for bad in ["", "has space", "new\nline", "ünï", &"x".repeat(129)] {
            assert_eq!(RequestId::parse(bad), Err(MetaError::MalformedRequestId), "{bad:?}");
        }
    }

    #[test]
    fn the_request_log_forgets_only_what_is_older_than_the_retention() {
        let at =
            |minutes: i64| DateTime::<Utc>::from_timestamp(1_750_000_000 + minutes * 60, 0).expect("valid instant");
        let record = |minutes| RecordedRequest {
            fingerprint: Fingerprint("f".into()),
            outcome: CommitOutcome {
                sequence: 1,
                version: 1,
                event_count: 1,
            },
            recorded_at: at(minutes),
        };
        let mut log = RequestLog::default();
        let id = |n: u8| RequestId::parse(&format!("r{n}")).expect("valid id");
        log.record(id(1), record(0), Duration::minutes(60));
        log.record(id(2), record(30), Duration::minutes(60));
        log.record(id(3), record(61), Duration::minutes(60));
        assert!(log.get(&id(1)).is_none());
        assert!(log.get(&id(2)).is_some() && log.get(&id(3)).is_some());
    }
}
