//! The `precept.v1.Audit` service: stored history, states at a cut, and a live commit feed.
//!
//! Every answer comes from the event streams through precept-app's history port, never from a
//! read model. This module parses and validates requests and converts answers
//! (`audit_convert`); it decides nothing about history itself.

use std::collections::HashSet;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use precept_app::history::{AggregateHistory, AggregateRef, HistoryKind, HistoryPage, StateCut};
use precept_domain::CouncilCode;
use tokio_stream::{Stream, StreamExt};
use tonic::{Request, Response, Status};

use crate::audit_convert;
use crate::proto::audit_server::Audit;
use crate::proto::{
    AggregateHistory as HistoryPageMessage, AggregateStateView, AuditCommit, GetHistoryRequest,
    GetStateAsEffectiveAtRequest, GetStateAsKnownAtRequest, SubscribeEventsRequest,
};
use crate::status;
use crate::validate::Violations;

/// Commits in a history page when the caller does not say.
const HISTORY_PAGE_DEFAULT: usize = 100;
/// The most commits one history page may hold.
const HISTORY_PAGE_MAX: usize = 1_000;

/// The service, over the history port.
pub struct AuditApi<H> {
    history: Arc<H>,
    councils: Arc<HashSet<CouncilCode>>,
}

impl<H> AuditApi<H> {
    /// A service for the partnership's `councils` (and the partnership stream).
    pub fn new(history: Arc<H>, councils: Arc<HashSet<CouncilCode>>) -> Self {
        AuditApi { history, councils }
    }
}

/// A stream to read: one of the councils, or the partnership stream by its reserved code.
///
/// Either way the caller's scope must reach it: a council's credential reads its own stream,
/// and only a partnership-scoped one reads the partnership stream.
fn stream_council(v: &mut Violations, value: &str, councils: &HashSet<CouncilCode>) -> Option<CouncilCode> {
    if value == CouncilCode::PARTNERSHIP {
        // `CouncilCode::parse` refuses the reserved code, so it cannot go through `v.council`.
        let partnership = CouncilCode::partnership();
        v.scoped("council", &partnership);
        return Some(partnership);
    }
    v.council("council", value, councils)
}

/// The council, kind and id fields every per-aggregate request carries.
fn aggregate(v: &mut Violations, councils: &HashSet<CouncilCode>, fields: (&str, &str, &str)) -> Option<AggregateRef> {
    let (council, kind, aggregate_id) = fields;
    let council = stream_council(v, council, councils);
    let kind = v
        .required("kind", kind)
        .and_then(|kind| match HistoryKind::parse(kind) {
            Some(kind) => Some(kind),
            None => {
                let known: Vec<&str> = HistoryKind::ALL.into_iter().map(HistoryKind::as_str).collect();
                v.add("kind", format!("unknown kind {kind:?}; one of {}", known.join(", ")));
                None
            }
        });
    let aggregate_id = v.required("aggregate_id", aggregate_id);
    let (council, kind, aggregate_id) = (council?, kind?, aggregate_id?);
    if kind.is_partnership_wide() != (council == CouncilCode::partnership()) {
        let stream = if kind.is_partnership_wide() {
            "the partnership stream"
        } else {
            "a council's stream"
        };
        v.add("kind", format!("{} aggregates live in {stream}", kind.as_str()));
        return None;
    }
    v.touch(kind.as_str(), aggregate_id);
    Some(AggregateRef {
        council,
        kind,
        aggregate_id: aggregate_id.to_owned(),
    })
}

/// An instant written RFC 3339 with an offset.
fn instant(v: &mut Violations, field: &str, text: &str) -> Option<DateTime<Utc>> {
    let text = v.required(field, text)?;
    match DateTime::parse_from_rfc3339(text) {
        Ok(at) => Some(at.to_utc()),
        Err(_) => {
            v.add(field, "must be an RFC 3339 instant, e.g. 2025-06-10T09:30:00Z");
            None
        }
    }
}

fn page_size(v: &mut Violations, requested: u32) -> Option<usize> {
    match usize::try_from(requested) {
        Ok(0) => Some(HISTORY_PAGE_DEFAULT),
        Ok(size) if size <= HISTORY_PAGE_MAX => Some(size),
        _ => {
            v.add("page_size", format!("must be at most {HISTORY_PAGE_MAX}"));
            None
        }
    }
}

impl<H: AggregateHistory> AuditApi<H> {
    async fn state(&self, aggregate: AggregateRef, cut: StateCut) -> Result<Response<AggregateStateView>, Status> {
        let folded = self.history.state(&aggregate, cut).await.map_err(status::history)?;
        Ok(Response::new(audit_convert::state(&aggregate, folded)))
    }
}

#[tonic::async_trait]
impl<H: AggregateHistory> Audit for AuditApi<H> {
    #[tracing::instrument(skip_all, fields(council = %request.get_ref().council, kind = %request.get_ref().kind, aggregate_id = %request.get_ref().aggregate_id))]
    async fn get_history(&self, request: Request<GetHistoryRequest>) -> Result<Response<HistoryPageMessage>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let aggregate = aggregate(&mut v, &self.councils, (&body.council, &body.kind, &body.aggregate_id));
        let size = page_size(&mut v, body.page_size);
        v.finish()?;
        let (Some(aggregate), Some(size)) = (aggregate, size) else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        // One commit more than the page: whether it exists says if there is a next page.
        let page = HistoryPage {
            from_version: body.from_version,
            commits_max: size + 1,
        };
        let mut commits = self.history.history(&aggregate, page).await.map_err(status::history)?;
        let next_from_version = if commits.len() > size {
            commits.truncate(size);
            commits.last().map_or(0, |commit| commit.last_version() + 1)
        } else {
            0
        };
        Ok(Response::new(HistoryPageMessage {
            commits: commits.into_iter().map(audit_convert::commit).collect(),
            next_from_version,
        }))
    }

    #[tracing::instrument(skip_all, fields(council = %request.get_ref().council, kind = %request.get_ref().kind, aggregate_id = %request.get_ref().aggregate_id))]
    async fn get_state_as_known_at(
        &self,
        request: Request<GetStateAsKnownAtRequest>,
    ) -> Result<Response<AggregateStateView>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let aggregate = aggregate(&mut v, &self.councils, (&body.council, &body.kind, &body.aggregate_id));
        let at = instant(&mut v, "as_known_at", &body.as_known_at);
        v.finish()?;
        let (Some(aggregate), Some(at)) = (aggregate, at) else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        self.state(aggregate, StateCut::KnownAt(at)).await
    }

    #[tracing::instrument(skip_all, fields(council = %request.get_ref().council, kind = %request.get_ref().kind, aggregate_id = %request.get_ref().aggregate_id))]
    async fn get_state_as_effective_at(
        &self,
        request: Request<GetStateAsEffectiveAtRequest>,
    ) -> Result<Response<AggregateStateView>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let aggregate = aggregate(&mut v, &self.councils, (&body.council, &body.kind, &body.aggregate_id));
        let on = v.date("effective_on", &body.effective_on);
        v.finish()?;
        let (Some(aggregate), Some(on)) = (aggregate, on) else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        self.state(aggregate, StateCut::EffectiveOn(on)).await
    }

    type SubscribeEventsStream = Pin<Box<dyn Stream<Item = Result<AuditCommit, Status>> + Send>>;

    #[tracing::instrument(skip_all, fields(council = %request.get_ref().council, from_sequence = request.get_ref().from_sequence))]
    async fn subscribe_events(
        &self,
        request: Request<SubscribeEventsRequest>,
    ) -> Result<Response<Self::SubscribeEventsStream>, Status> {
        let body = request.get_ref();
        let mut v = Violations::for_request(&request);
        let council = stream_council(&mut v, &body.council, &self.councils);
        v.finish()?;
        let Some(council) = council else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let commits = self
            .history
            .subscribe(&council, body.from_sequence)
            .await
            .map_err(status::history)?;
        // The stream ends when the client goes away: tonic drops it, and with it the consumer.
        let commits = commits.map(|commit| commit.map(audit_convert::commit).map_err(status::history));
        Ok(Response::new(Box::pin(commits)))
    }
}
