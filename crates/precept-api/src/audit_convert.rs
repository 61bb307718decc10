//! Conversions for the audit service: stored history and folded states into protobuf.

use chrono::SecondsFormat;
use precept_app::history::{AggregateRef, FoldedState, HistoryCommit, HistoryEvent};

use crate::proto::{AggregateStateView, AuditCommit, AuditEvent};

/// An instant as the audit writes it: RFC 3339, UTC, with as many fractional digits as needed.
fn instant(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn event(event: HistoryEvent) -> AuditEvent {
    AuditEvent {
        version: event.version,
        r#type: event.event_type,
        schema: event.schema,
        payload_json: event.payload_json,
    }
}

/// A commit with all its metadata and events.
pub(crate) fn commit(commit: HistoryCommit) -> AuditCommit {
    AuditCommit {
        sequence: commit.sequence,
        council: commit.council,
        kind: commit.kind,
        aggregate_id: commit.aggregate_id,
        actor: commit.actor,
        recorded_at: instant(commit.recorded_at),
        effective_date: commit.effective_date.map(|date| date.to_string()).unwrap_or_default(),
        request_id: commit.request_id,
        correlation_id: commit.correlation_id.to_string(),
        causation_id: commit.causation_id.map(|id| id.to_string()).unwrap_or_default(),
        events: commit.events.into_iter().map(event).collect(),
    }
}

/// A folded state, named by the aggregate it belongs to.
pub(crate) fn state(aggregate: &AggregateRef, folded: FoldedState) -> AggregateStateView {
    AggregateStateView {
        council: aggregate.council.to_string(),
        kind: aggregate.kind.as_str().to_owned(),
        aggregate_id: aggregate.aggregate_id.clone(),
        state_json: folded.state_json,
        version: folded.position.version,
        last_sequence: folded.position.last_sequence,
        last_recorded_at: instant(folded.last_recorded_at),
        commits_folded: folded.commits_folded,
        commits_left_out: folded.commits_left_out,
    }
}
