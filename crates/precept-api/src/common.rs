//! Helpers every service shares: request metadata, fingerprints, receipts.

use chrono::NaiveDate;
use precept_app::{Actor, CommandOutcome, Fingerprint, RequestId, RequestMeta};
use prost::Message;
use sha2::{Digest, Sha256};
use tonic::{Request, Response};
use uuid::Uuid;

use precept_domain::{AccountId, CouncilCode, FinancialYear};

use crate::proto::CommitReceipt;
use crate::status::IntoStatus;
use crate::validate::Violations;

/// Response metadata key set to "true" when an answer replays an earlier identical request.
pub const REPLAYED_HEADER: &str = "x-precept-replayed";

/// Request metadata key naming the officer or process within the calling system (an id);
/// recorded after the credential's id.
pub const ACTOR_HEADER: &str = "x-precept-actor";

/// Request metadata key naming the council asking, where it may differ from the council
/// whose data a request concerns (an agent collecting business rates for another council).
/// Until credentials arrive with issue 8 the header is trusted; then the credential's
/// council replaces it.
pub const COUNCIL_HEADER: &str = "x-precept-council";

/// A digest of the request, binding a request id to one request's content.
pub(crate) fn fingerprint(method: &str, request: &impl Message) -> Fingerprint {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(request.encode_to_vec());
    let digest = hasher.finalize();
    Fingerprint(digest.iter().take(16).map(|byte| format!("{byte:02x}")).collect())
}

/// Who a command is recorded as made by: the credential, and after a colon the officer or
/// process the calling system names in `x-precept-actor` (an id, never a name), if any.
pub(crate) fn actor<T>(request: &Request<T>, violations: &mut Violations) -> Option<Actor> {
    use crate::validate::CarriesCaller as _;
    let credential = request
        .caller()
        .map_or_else(|| "anonymous".to_owned(), |caller| caller.credential.to_string());
    match request.metadata().get(ACTOR_HEADER).map(|value| value.to_str()) {
        None => Some(Actor::parse(&credential).expect("credential ids are valid actors")),
        Some(Ok(text)) => {
            let text = format!("{credential}:{text}");
            violations.check(ACTOR_HEADER, Actor::parse(&text))
        }
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

/// A command's answer: its receipt, or the status its failure maps to.
pub(crate) fn reply<E: IntoStatus>(
    outcome: Result<CommandOutcome, E>,
) -> Result<Response<CommitReceipt>, tonic::Status> {
    let outcome = outcome.map_err(IntoStatus::into_status)?;
    Ok(answer(receipt(&outcome), &outcome))
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

/// An average in tenths, rounded half up: `total / count` × 10 (0 with nothing counted), as
/// speed-of-processing days are reported.
pub(crate) fn average_tenths(total: u64, count: u64) -> u64 {
    (total * 10 + count / 2).checked_div(count).unwrap_or(0)
}

/// A required financial year, "2025/26".
pub(crate) fn required_year(v: &mut Violations, field: &str, text: &str) -> Option<FinancialYear> {
    v.required(field, text)
        .and_then(|text| v.check(field, text.parse::<FinancialYear>()))
}

/// An optional date: empty is `Some(None)`, a bad date is `None` (recorded).
pub(crate) fn optional_date(v: &mut Violations, field: &str, text: &str) -> Option<Option<NaiveDate>> {
    if text.is_empty() {
        Some(None)
    } else {
        v.date(field, text).map(Some)
    }
}

/// A run date and the optional hearing after it (recovery runs).
pub(crate) fn run_date_and_hearing(
    v: &mut Violations,
    run_date: &str,
    hearing: &str,
) -> (Option<NaiveDate>, Option<Option<NaiveDate>>) {
    let date = v.date("run_date", run_date);
    let hearing = optional_date(v, "hearing", hearing);
    if let (Some(date), Some(Some(hearing))) = (date, hearing)
        && hearing <= date
    {
        v.add("hearing", "must be after run_date");
    }
    (date, hearing)
}

/// A `from` and `to` date, `to` not before `from`.
pub(crate) fn date_range(v: &mut Violations, from: &str, to: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let from = v.date("from", from);
    let to = v.date("to", to);
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        v.add("to", "must not be before from");
    }
    (from, to)
}

/// A required id, parsed.
pub(crate) fn id<T>(
    v: &mut Violations,
    field: &str,
    text: &str,
    parse: fn(&str) -> Result<T, precept_domain::IdError>,
) -> Option<T> {
    let parsed = v.required(field, text).and_then(|text| v.check(field, parse(text)))?;
    if let Some(kind) = subject_kind(field) {
        v.touch(kind, text);
    }
    Some(parsed)
}

/// The access log's name for the kind of subject an id field names: accounts (Council Tax
/// and business rates), benefit claims, and properties (dwellings and hereditaments by UPRN).
pub(crate) fn subject_kind(field: &str) -> Option<&'static str> {
    match field {
        "account_id" => Some("account"),
        "claim_id" => Some("claim"),
        "uprn" => Some("property"),
        _ => None,
    }
}

/// Streams a long run's progress: each update published on `updates` while `running` runs,
/// then its final result. The run carries on if the caller goes away (running it again is
/// always safe), so it is spawned rather than driven by the response stream.
pub(crate) fn stream_progress<P, M, E>(
    mut updates: tokio::sync::watch::Receiver<P>,
    running: impl Future<Output = Result<P, E>> + Send + 'static,
    message: fn(&P) -> M,
    finished: fn(&P) -> bool,
) -> tokio_stream::wrappers::ReceiverStream<Result<M, tonic::Status>>
where
    P: Clone + Send + Sync + 'static,
    M: Send + 'static,
    E: IntoStatus + Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        tokio::pin!(running);
        loop {
            tokio::select! {
                result = &mut running => {
                    let last = result.map(|done| message(&done)).map_err(IntoStatus::into_status);
                    let _ = sender.send(last).await;
                    break;
                }
                Ok(()) = updates.changed() => {
                    let current = updates.borrow_and_update().clone();
                    if !finished(&current) {
                        let _ = sender.send(Ok(message(&current))).await;
                    }
                }
            }
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(receiver)
}

/// The fields every account command carries.
pub(crate) fn account_target<T: prost::Message>(
    v: &mut Violations,
    request: &Request<T>,
    (method, councils): (&str, &impl crate::validate::KnownCouncils),
    (request_id, council, account, correlation): (&str, &str, &str, &str),
) -> (Option<RequestMeta>, Option<CouncilCode>, Option<AccountId>) {
    let meta = command_meta(v, request, method, request_id, correlation);
    let council = v.council("council", council, councils);
    let account = id(v, "account_id", account, AccountId::parse);
    (meta, council, account)
}
