//! Helpers every service shares: request metadata, fingerprints, receipts.

use precept_app::{Actor, CommandOutcome, Fingerprint, RequestId, RequestMeta};
use prost::Message;
use sha2::{Digest, Sha256};
use tonic::{Request, Response};
use uuid::Uuid;

use crate::proto::CommitReceipt;
use crate::validate::Violations;

/// Response metadata key set to "true" when an answer replays an earlier identical request.
pub const REPLAYED_HEADER: &str = "x-precept-replayed";

/// Request metadata key naming the calling client (until credentials arrive with issue 8).
pub const ACTOR_HEADER: &str = "x-precept-actor";

/// A digest of the request, binding a request id to one request's content.
pub(crate) fn fingerprint(method: &str, request: &impl Message) -> Fingerprint {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(request.encode_to_vec());
    let digest = hasher.finalize();
    Fingerprint(digest.iter().take(16).map(|byte| format!("{byte:02x}")).collect())
}

pub(crate) fn actor<T>(request: &Request<T>, violations: &mut Violations) -> Option<Actor> {
    match request.metadata().get(ACTOR_HEADER).map(|value| value.to_str()) {
        None => Some(Actor::parse("anonymous").expect("a constant, valid actor")),
        Some(Ok(text)) => violations.check(ACTOR_HEADER, Actor::parse(text)),
        Some(Err(_)) => {
            violations.add(ACTOR_HEADER, "must be ASCII");
            None
        }
    }
}

pub(crate) fn uuid_or_new(violations: &mut Violations, field: &str, text: &str) -> Option<Uuid> {
    if text.is_empty() {
        return Some(Uuid::new_v4());
    }
    violations.check(field, Uuid::try_parse(text).map_err(|_| "must be a UUID"))
}

pub(crate) fn receipt(outcome: &CommandOutcome) -> CommitReceipt {
    CommitReceipt {
        sequence: outcome.commit.sequence,
        version: outcome.commit.version,
    }
}

pub(crate) fn answer<T>(message: T, outcome: &CommandOutcome) -> Response<T> {
    let mut response = Response::new(message);
    if outcome.replayed {
        response
            .metadata_mut()
            .insert(REPLAYED_HEADER, tonic::metadata::MetadataValue::from_static("true"));
    }
    response
}

/// Parses the metadata fields every command carries.
pub(crate) fn parse_meta(
    violations: &mut Violations,
    request_id: &str,
    correlation_id: &str,
    actor: Option<Actor>,
    fingerprint: Fingerprint,
) -> Option<RequestMeta> {
    let request_id = violations
        .required("request_id", request_id)
        .and_then(|id| violations.check("request_id", RequestId::parse(id)));
    let correlation_id = uuid_or_new(violations, "correlation_id", correlation_id);
    Some(RequestMeta {
        request_id: request_id?,
        correlation_id: correlation_id?,
        causation_id: None,
        actor: actor?,
        fingerprint,
    })
}

/// Parses the metadata of a command request in one call.
pub(crate) fn command_meta<T: Message>(
    violations: &mut Violations,
    request: &Request<T>,
    method: &str,
    request_id: &str,
    correlation_id: &str,
) -> Option<RequestMeta> {
    let actor = actor(request, violations);
    parse_meta(
        violations,
        request_id,
        correlation_id,
        actor,
        fingerprint(method, request.get_ref()),
    )
}
