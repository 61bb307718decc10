//! One imported UC notification file (`uc-import`, id = the SHA-256 of the file's bytes):
//! the outcome counts, the lines rejected, and the records no claim matched, which wait in the
//! work queue here until an officer deals with them (REFERENCE §4).
//!
//! A file is imported once: the same bytes again find this aggregate and change nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use futures::future::BoxFuture;

use super::claim::{UcOutcome, WorkReason};
use crate::aggregate::{Aggregate, AggregateKind};

/// A file's identity: 64 lowercase hex digits of its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct FileDigest(String);

impl FileDigest {
    /// Wraps 64 lowercase hex digits.
    pub fn parse(text: &str) -> Option<Self> {
        super::is_sha256_hex(text).then(|| FileDigest(text.to_owned()))
    }

    /// The hex digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for FileDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A line the parser refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RejectedLine {
    /// 1-based line number.
    pub line: u32,
    /// The column (or `line`).
    pub field: String,
    /// Why, without the value.
    pub reason: String,
}

/// A record no claim matched.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UnmatchedRecord {
    /// DWP's record id.
    pub record_id: String,
    /// Its line in the file.
    pub line: u32,
}

/// What importing a file did.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ImportSummary {
    /// The file's date (decisions taken by rule are dated this day).
    pub file_date: NaiveDate,
    /// Data lines in the file.
    pub lines: u32,
    /// Records handled on matched claims, by outcome.
    pub same_band: u32,
    /// Within the council's tolerance.
    pub within_tolerance: u32,
    /// Re-awarded by rule.
    pub reassessed: u32,
    /// Work items on matched claims, by reason.
    pub work_items: BTreeMap<WorkReason, u32>,
    /// Records whose id had been handled before (in an earlier file).
    pub already_handled: u32,
    /// Records no claim matched (each is a work item here).
    pub unmatched: Vec<UnmatchedRecord>,
    /// Lines refused by the parser.
    pub rejected: Vec<RejectedLine>,
}

impl ImportSummary {
    /// Counts one matched record's outcome.
    pub fn count(&mut self, outcome: UcOutcome) {
        match outcome {
            UcOutcome::SameBand => self.same_band += 1,
            UcOutcome::WithinTolerance => self.within_tolerance += 1,
            UcOutcome::Reassessed => self.reassessed += 1,
            UcOutcome::WorkItem(reason) => *self.work_items.entry(reason).or_default() += 1,
        }
    }

    /// Records handled without an officer.
    pub fn automated(&self) -> u32 {
        self.same_band + self.within_tolerance + self.reassessed
    }

    /// Records needing an officer (matched work items and unmatched records).
    pub fn needing_officer(&self) -> u32 {
        self.work_items.values().sum::<u32>() + u32::try_from(self.unmatched.len()).unwrap_or(u32::MAX)
    }

    /// Automated share of the records decided in this file, basis points (0 with none).
    pub fn automation_bp(&self) -> u32 {
        automation_bp(u64::from(self.automated()), u64::from(self.needing_officer()))
    }
}

/// The automation rate: records handled by rule as basis points of all records decided (by
/// rule or by an officer); 0 when none were.
pub fn automation_bp(automated: u64, needing_officer: u64) -> u32 {
    (automated * 10_000)
        .checked_div(automated + needing_officer)
        .map_or(0, |bp| u32::try_from(bp).unwrap_or(10_000))
}

/// A request to an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportCommand {
    /// Record the file as imported (nothing happens if it already was).
    Record(ImportSummary),
    /// An officer dealt with an unmatched record.
    CloseUnmatched {
        /// DWP's record id.
        record_id: String,
        /// When.
        on: NaiveDate,
    },
}

/// Something that happened to an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportEvent {
    /// The file was imported.
    FileImported(ImportSummary),
    /// An unmatched record was dealt with.
    UnmatchedClosed {
        /// DWP's record id.
        record_id: String,
        /// When.
        on: NaiveDate,
    },
}

/// An import as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct ImportState {
    /// The summary, once imported.
    pub summary: Option<ImportSummary>,
    /// Unmatched records dealt with.
    pub closed: BTreeSet<String>,
}

/// Why an import command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// No such unmatched record still open.
    #[error("no open unmatched record {0:?}")]
    NoRecord(String),
}

/// The UC import aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct UcImport;

impl Aggregate for UcImport {
    type Id = FileDigest;
    type State = ImportState;
    type Event = ImportEvent;
    type Command = ImportCommand;
    type Error = ImportError;

    fn apply(mut state: ImportState, event: ImportEvent) -> Result<ImportState, ImportError> {
        match event {
            ImportEvent::FileImported(summary) => state.summary = Some(summary),
            ImportEvent::UnmatchedClosed { record_id, .. } => {
                state.closed.insert(record_id);
            }
        }
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        _id: &'s FileDigest,
        state: &'s ImportState,
        command: ImportCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<ImportEvent>>, ImportError>> {
        let decided = match command {
            ImportCommand::Record(_) if state.summary.is_some() => Ok(Vec::new()),
            ImportCommand::Record(summary) => Ok(vec![ImportEvent::FileImported(summary)]),
            ImportCommand::CloseUnmatched { record_id, on } => {
                let open = state
                    .summary
                    .as_ref()
                    .is_some_and(|s| s.unmatched.iter().any(|u| u.record_id == record_id))
                    && !state.closed.contains(&record_id);
                if open {
                    Ok(vec![ImportEvent::UnmatchedClosed { record_id, on }])
                } else {
                    Err(ImportError::NoRecord(record_id))
                }
            }
        };
        Box::pin(futures::future::ready(decided.map(Some)))
    }
}

impl AggregateKind for UcImport {
    const KIND: &'static str = "uc-import";

    fn effective_date(event: &ImportEvent) -> Option<NaiveDate> {
        match event {
            ImportEvent::FileImported(summary) => Some(summary.file_date),
            ImportEvent::UnmatchedClosed { on, .. } => Some(*on),
        }
    }
}
