//! Folding benefit commits into rows, in memory, for one batch.

use std::collections::HashMap;

use chrono::NaiveDate;
use precept_app::{FeedCommit, FeedEvents};
use precept_domain::AggregateKind;
use precept_domain::benefits::claim::{BenefitClaim, ChangeSource, ClaimEvent, ClaimState, Figures};
use precept_domain::benefits::uc_import::ImportEvent;

use crate::billing::fold::UnexpectedEvent;

/// A claim row: its folded state and the last commit in it.
#[derive(Debug, Clone)]
pub(crate) struct ClaimRow {
    pub state: ClaimState,
    pub last_sequence: i64,
}

/// A work item raised.
#[derive(Debug, Clone)]
pub(crate) struct WorkRow {
    pub source: String,
    pub item: String,
    pub reason: &'static str,
    pub raised: NaiveDate,
}

/// A decision for speed of processing (REFERENCE §3.4).
#[derive(Debug, Clone)]
pub(crate) struct DecisionRow {
    pub sequence: i64,
    pub position: i64,
    pub claim_id: String,
    pub claim_kind: &'static str,
    pub measure: &'static str,
    pub received: NaiveDate,
    pub decided: NaiveDate,
    pub automated: bool,
}

/// A file's outcome counts.
#[derive(Debug, Clone)]
pub(crate) struct ImportRow {
    pub digest: String,
    pub file_date: NaiveDate,
    pub lines: i64,
    pub automated: i64,
    pub needing_officer: i64,
    pub unmatched: i64,
    pub rejected: i64,
    pub already_handled: i64,
}

/// Everything one batch changed in the benefits tables.
#[derive(Debug, Default)]
pub(crate) struct BenefitsFolded {
    pub claims: HashMap<String, ClaimRow>,
    pub raised: Vec<WorkRow>,
    pub closed: Vec<(String, String, NaiveDate)>,
    pub decisions: Vec<DecisionRow>,
    pub imports: Vec<ImportRow>,
    /// UC records handled per day (the partnership's activity driver).
    pub uc_handled: HashMap<NaiveDate, i64>,
}

/// Whether a commit is for this read model.
pub(crate) fn is_benefits(commit: &FeedCommit) -> bool {
    matches!(commit.events, FeedEvents::BenefitClaim(_) | FeedEvents::UcImport(_))
}

fn sql_int(value: u64) -> i64 {
    i64::try_from(value).expect("stream sequences stay below i64::MAX")
}

fn count(value: u32) -> i64 {
    i64::from(value)
}

impl BenefitsFolded {
    /// Folds one commit (claims must already be loaded into `claims` where they exist).
    pub(crate) fn fold(&mut self, commit: &FeedCommit) -> Result<(), UnexpectedEvent> {
        match &commit.events {
            FeedEvents::BenefitClaim(events) => self.fold_claim(commit, events),
            FeedEvents::UcImport(events) => {
                for event in events {
                    self.fold_import(commit, event);
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn fold_claim(&mut self, commit: &FeedCommit, events: &[ClaimEvent]) -> Result<(), UnexpectedEvent> {
        let unexpected = |reason: String| UnexpectedEvent {
            sequence: commit.sequence,
            aggregate_id: commit.aggregate_id.clone(),
            reason,
        };
        let mut row = self.claims.remove(&commit.aggregate_id).unwrap_or(ClaimRow {
            state: ClaimState::default(),
            last_sequence: 0,
        });
        if row.last_sequence >= sql_int(commit.sequence) {
            self.claims.insert(commit.aggregate_id.clone(), row);
            return Ok(());
        }
        let mut reported: Option<(NaiveDate, bool)> = None;
        for (position, event) in events.iter().enumerate() {
            let details = row.state.details.clone();
            row.state = BenefitClaim::fold(row.state, std::iter::once(event)).map_err(|e| unexpected(e.to_string()))?;
            let details = details.or_else(|| row.state.details.clone());
            let kind = details.as_ref().map_or("unknown", |d| d.kind.code());
            let decision = |measure, received, decided, automated| DecisionRow {
                sequence: sql_int(commit.sequence),
                position: i64::try_from(position).unwrap_or(i64::MAX),
                claim_id: commit.aggregate_id.clone(),
                claim_kind: kind,
                measure,
                received,
                decided,
                automated,
            };
            match event {
                ClaimEvent::Awarded { on, .. } | ClaimEvent::Refused { on, .. } => {
                    if let Some(details) = &details {
                        self.decisions.push(decision("new_claim", details.received, *on, false));
                    }
                }
                ClaimEvent::ChangeReported {
                    reported: day, source, ..
                } => {
                    reported = Some((*day, matches!(source, ChangeSource::UcNotification(_))));
                }
                ClaimEvent::Reassessed { on, .. } => {
                    if let Some((day, automated)) = reported.take() {
                        self.decisions.push(decision("change", day, *on, automated));
                    }
                }
                ClaimEvent::UcNotificationHandled { file_date, .. } => {
                    *self.uc_handled.entry(*file_date).or_default() += 1;
                }
                ClaimEvent::WorkItemRaised { item, on, reason } => self.raised.push(WorkRow {
                    source: commit.aggregate_id.clone(),
                    item: item.clone(),
                    reason: reason.code(),
                    raised: *on,
                }),
                ClaimEvent::WorkItemClosed { item, on } => {
                    self.closed.push((commit.aggregate_id.clone(), item.clone(), *on));
                }
                _ => {}
            }
        }
        row.last_sequence = sql_int(commit.sequence);
        self.claims.insert(commit.aggregate_id.clone(), row);
        Ok(())
    }

    fn fold_import(&mut self, commit: &FeedCommit, event: &ImportEvent) {
        match event {
            ImportEvent::FileImported(summary) => {
                for record in &summary.unmatched {
                    self.raised.push(WorkRow {
                        source: commit.aggregate_id.clone(),
                        item: record.record_id.clone(),
                        reason: precept_domain::benefits::claim::WorkReason::NoMatchingClaim.code(),
                        raised: summary.file_date,
                    });
                }
                *self.uc_handled.entry(summary.file_date).or_default() +=
                    i64::try_from(summary.unmatched.len()).unwrap_or(i64::MAX);
                self.imports.push(ImportRow {
                    digest: commit.aggregate_id.clone(),
                    file_date: summary.file_date,
                    lines: count(summary.lines),
                    automated: count(summary.automated()),
                    needing_officer: count(summary.needing_officer()),
                    unmatched: i64::try_from(summary.unmatched.len()).unwrap_or(i64::MAX),
                    rejected: i64::try_from(summary.rejected.len()).unwrap_or(i64::MAX),
                    already_handled: count(summary.already_handled),
                });
            }
            ImportEvent::UnmatchedClosed { record_id, on } => {
                self.closed.push((commit.aggregate_id.clone(), record_id.clone(), *on));
            }
        }
    }
}

/// The columns of a claim row.
pub(crate) struct ClaimColumns {
    pub kind: &'static str,
    pub status: &'static str,
    pub nino_hash: String,
    pub account_id: Option<String>,
    pub received: String,
    pub decided: Option<String>,
    pub weekly_hb: i64,
    pub ctr_percent: Option<i64>,
    pub doc: String,
}

/// A claim row's columns, `None` for a claim with no receipt (cannot happen in a valid stream).
pub(crate) fn claim_columns(row: &ClaimRow) -> Option<ClaimColumns> {
    let details = row.state.details.as_ref()?;
    let current = row.state.current_figures();
    Some(ClaimColumns {
        kind: details.kind.code(),
        status: row.state.status.code(),
        nino_hash: details.nino_hash.as_str().to_owned(),
        account_id: details.account.map(|a| a.to_string()),
        received: details.received.to_string(),
        decided: row.state.decided.map(|d| d.to_string()),
        weekly_hb: current.map_or(0, |f| f.weekly_hb().get()),
        ctr_percent: match current {
            Some(Figures::Ctr(ctr)) => Some(i64::from(ctr.percent_bp)),
            _ => None,
        },
        doc: serde_json::to_string(&row.state).expect("claim state is always serialisable"),
    })
}

/// The kind name the claims table is keyed by.
pub(crate) fn claim_kind() -> &'static str {
    <BenefitClaim as AggregateKind>::KIND
}
