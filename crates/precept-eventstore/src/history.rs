//! [`AggregateHistory`] over JetStream: one aggregate's commits read back from its subject, and
//! its state folded from a cut of them.
//!
//! Nothing here touches snapshots or the request log: an audit answer is folded from the
//! stored commits themselves, through the same decoders (and so the same upcasting) as the
//! command side. The live feed of a whole council stream is in `subscription.rs`.

use futures::StreamExt;
use precept_app::StreamPosition;
use precept_app::history::{
    AggregateHistory, AggregateRef, CommitSubscription, FoldedState, HistoryCommit, HistoryError, HistoryEvent,
    HistoryPage, StateCut,
};
use precept_domain::CouncilCode;

use crate::codec::DecodedCommit;
use crate::kinds::{FoldError, KindCodec};
use crate::layout;
use crate::store::JetStreamEventStore;
use crate::subject::SubjectCommits;
use crate::{classify, subscription};

impl JetStreamEventStore {
    /// A reader over the aggregate's subject, after checking its id with the kind's parser.
    async fn open_subject(&self, aggregate: &AggregateRef) -> Result<SubjectCommits, HistoryError> {
        let kind = aggregate.kind.as_str();
        let id = (KindCodec::of(aggregate.kind).canonical_id)(&aggregate.aggregate_id)
            .map_err(|_| HistoryError::InvalidId { kind })?;
        let council = aggregate.council.as_str();
        let commits = SubjectCommits::open(self, council, layout::subject(council, kind, &id)).await?;
        if commits.last_sequence() == 0 {
            return Err(HistoryError::NotFound {
                council: council.to_owned(),
                kind,
                aggregate_id: id,
            });
        }
        Ok(commits)
    }
}

/// A stored commit as the audit shows it: metadata and events exactly as recorded.
pub(crate) fn history_commit(commit: DecodedCommit) -> HistoryCommit {
    let envelope = commit.envelope;
    let events = envelope
        .events
        .into_iter()
        .zip(envelope.first_version..)
        .map(|(event, version)| HistoryEvent {
            version,
            event_type: event.event_type,
            schema: event.schema,
            payload_json: event.data.get().to_owned(),
        })
        .collect();
    HistoryCommit {
        sequence: commit.sequence,
        council: envelope.council,
        kind: envelope.kind,
        aggregate_id: envelope.aggregate_id,
        actor: envelope.actor,
        recorded_at: envelope.recorded_at,
        effective_date: envelope.effective_date,
        request_id: envelope.request_id,
        correlation_id: envelope.correlation_id,
        causation_id: envelope.causation_id,
        events,
    }
}

/// Splits an aggregate's commits into those inside `cut` and a count of the rest.
async fn commits_in_cut(
    commits: &mut SubjectCommits,
    cut: StateCut,
) -> Result<(Vec<DecodedCommit>, u64), HistoryError> {
    let (mut inside, mut left_out) = (Vec::new(), 0);
    while let Some(commit) = commits.next().await? {
        let included = cut.includes(commit.envelope.recorded_at, commit.envelope.effective_date);
        // Known-at is a prefix: once one commit was recorded after the instant, so were the
        // rest as far as the command side could have seen them then.
        if included && (left_out == 0 || !cut.stops_at_first_outside()) {
            inside.push(commit);
        } else {
            left_out += 1;
        }
    }
    Ok((inside, left_out))
}

impl AggregateHistory for JetStreamEventStore {
    async fn history(&self, aggregate: &AggregateRef, page: HistoryPage) -> Result<Vec<HistoryCommit>, HistoryError> {
        let mut commits = self.open_subject(aggregate).await?;
        let mut found = Vec::new();
        while found.len() < page.commits_max {
            let Some(commit) = commits.next().await? else { break };
            // A page starts with the commit holding `from_version`, so a commit is never split.
            if commit.envelope.last_version() >= page.from_version {
                found.push(history_commit(commit));
            }
        }
        Ok(found)
    }

    async fn state(&self, aggregate: &AggregateRef, cut: StateCut) -> Result<FoldedState, HistoryError> {
        let mut commits = self.open_subject(aggregate).await?;
        let (inside, left_out) = commits_in_cut(&mut commits, cut).await?;
        let Some(last) = inside.last() else {
            return Err(HistoryError::NothingInCut {
                kind: aggregate.kind.as_str(),
                aggregate_id: aggregate.aggregate_id.clone(),
            });
        };
        let position = StreamPosition {
            version: last.envelope.last_version(),
            last_sequence: last.sequence,
        };
        let last_recorded_at = last.envelope.recorded_at;
        let state_json = (KindCodec::of(aggregate.kind).fold)(&inside).map_err(|error| match error {
            FoldError::Decode { sequence, error } => HistoryError::Store(classify::corrupt(sequence, error)),
            // A prefix of history was accepted once, so it must fold again: if it does not, the
            // history or the code is wrong. An effective-date cut can leave out a commit that a
            // later-recorded, earlier-dated one depends on; that is the question's limit, not
            // corruption.
            FoldError::Apply { sequence, reason } if cut.stops_at_first_outside() => {
                HistoryError::Store(precept_app::StoreError::Corrupt { sequence, reason })
            }
            FoldError::Apply { sequence, .. } => HistoryError::NotFoldable { sequence },
        })?;
        Ok(FoldedState {
            state_json,
            position,
            last_recorded_at,
            commits_folded: inside.len() as u64,
            commits_left_out: left_out,
        })
    }

    async fn subscribe(&self, council: &CouncilCode, from_sequence: u64) -> Result<CommitSubscription, HistoryError> {
        let commits = subscription::follow(self, council.as_str(), from_sequence).await?;
        Ok(commits
            .map(|commit| commit.map(history_commit).map_err(HistoryError::Store))
            .boxed())
    }
}
