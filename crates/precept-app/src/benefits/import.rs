//! Importing a DWP Universal Credit notification file (REFERENCE §4).
//!
//! The file is parsed whole (bad lines are kept with their line numbers, good ones go on);
//! each record's NINO is hashed and looked up; each matched record is applied to its claim by
//! the council's rules, as its own command with a request id derived from the file and the
//! record, so an interrupted import re-run repeats nothing; then the file's outcome is stored
//! under the file's SHA-256, and importing the same bytes again only reports it.

use std::sync::Arc;

use chrono::NaiveDate;
use futures::{StreamExt, TryStreamExt};
use precept_domain::benefits::claim::{ClaimCommand, UcFacts, UcOutcome};
use precept_domain::benefits::settings::SettingsTimeline;
use precept_domain::benefits::uc_file::{FileError, UcRecord, parse_uc_file};
use precept_domain::benefits::uc_import::{FileDigest, ImportCommand, ImportSummary, RejectedLine, UnmatchedRecord};
use precept_domain::ids::ClaimId;
use precept_domain::{CouncilCode, FinancialYear};
use sha2::{Digest, Sha256};

use super::reads::{ClaimDirectory, choose_claim};
use super::{BenefitStores, BenefitsError, BenefitsService};
use crate::council_tax::derived_meta;
use crate::meta::{Fingerprint, RequestId, RequestMeta};

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The file's identity.
    pub digest: FileDigest,
    /// Outcome counts.
    pub summary: ImportSummary,
    /// True when the file had been imported before and nothing was done.
    pub already_imported: bool,
    /// Sequence of the last commit this import made (0 if none): read-after-write.
    pub last_sequence: u64,
}

/// The import request. Not `Debug`: the bytes hold NINOs.
#[derive(Clone, Copy)]
pub struct ImportRequest<'a> {
    /// The council whose claims the file is for.
    pub council: &'a CouncilCode,
    /// The file's bytes.
    pub bytes: &'a [u8],
    /// The file's date: automatic decisions are dated this day.
    pub file_date: chrono::NaiveDate,
    /// Wait for the claims read model to include this sequence before matching.
    pub min_sequence: u64,
}

fn digest(bytes: &[u8]) -> FileDigest {
    let hex: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    FileDigest::parse(&hex).expect("64 lowercase hex digits")
}

fn facts(record: &UcRecord) -> UcFacts {
    UcFacts {
        record_id: record.record_id.clone(),
        kind: record.kind,
        effective_date: record.effective_date,
        earned_income: record.earned_income,
        unearned_income: record.unearned_income,
        partner: record.partner,
        children: record.children,
        passported: record.passported,
    }
}

/// Records applied at once.
const CONCURRENCY: usize = 64;

/// One record's result: its outcome (`None` if another file already carried it) and commit.
struct Applied {
    outcome: Option<UcOutcome>,
    sequence: u64,
}

/// The request metadata an import's steps derive from: the file's digest, with the caller's
/// actor and correlation.
fn file_meta(digest: &FileDigest, meta: &RequestMeta) -> RequestMeta {
    RequestMeta {
        request_id: RequestId::parse(&format!("uc-file-{}", &digest.as_str()[..32]))
            .expect("hex digits make a valid request id"),
        correlation_id: meta.correlation_id,
        causation_id: meta.causation_id,
        actor: meta.actor.clone(),
        fingerprint: Fingerprint(format!("uc-file:{digest}")),
    }
}

fn line_number(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

impl<S: BenefitStores> BenefitsService<S> {
    async fn apply_record(
        &self,
        council: &CouncilCode,
        claim: ClaimId,
        facts: UcFacts,
        (digest, file_date): (&FileDigest, NaiveDate),
        settings: &Arc<SettingsTimeline>,
        meta: &RequestMeta,
    ) -> Result<Applied, BenefitsError> {
        let step = derived_meta(meta, "uc", &format!("{digest}:{}", facts.record_id));
        let record_id = facts.record_id.clone();
        let command = ClaimCommand::ApplyUc {
            file_date,
            facts,
            settings: Arc::clone(settings),
        };
        let outcome = self.claims.execute(council, &claim, command, &step).await?;
        if !outcome.replayed && outcome.commit.event_count == 0 {
            // Handled before, by another file carrying the same record: not this file's.
            return Ok(Applied {
                outcome: None,
                sequence: outcome.commit.sequence,
            });
        }
        let handled = self
            .claims
            .inspect(council, &claim, |s| s.uc_handled.get(&record_id).copied())
            .await?
            .expect("a record just applied is recorded on its claim");
        Ok(Applied {
            outcome: Some(handled),
            sequence: outcome.commit.sequence,
        })
    }

    /// Imports a UC notification file.
    ///
    /// # Errors
    /// [`BenefitsError::File`] for a file that cannot be read at all (bad lines are reported
    /// in the summary instead); [`BenefitsError::NoSettings`] without settings for the file's
    /// date; store and query failures.
    pub async fn import_uc<D: ClaimDirectory>(
        &self,
        request: ImportRequest<'_>,
        directory: &D,
        meta: &RequestMeta,
    ) -> Result<ImportReport, BenefitsError> {
        let digest = digest(request.bytes);
        let council = request.council;
        if let Some(summary) = self.imports.inspect(council, &digest, |s| s.summary.clone()).await? {
            return Ok(ImportReport {
                digest,
                summary,
                already_imported: true,
                last_sequence: 0,
            });
        }
        let parsed = parse_uc_file(request.bytes).map_err(|error: FileError| BenefitsError::File(error.to_string()))?;
        let file_year = FinancialYear::containing(request.file_date);
        let settings = self
            .timeline(council, (super::previous_year(file_year), file_year), file_year)
            .await?;
        let hashes: Vec<_> = parsed.records.iter().map(|r| self.key.hash(&r.nino)).collect();
        let mut unique = hashes.clone();
        unique.sort();
        unique.dedup();
        let claims = directory.claims_by_nino(council, &unique, request.min_sequence).await?;
        let mut summary = ImportSummary {
            file_date: request.file_date,
            lines: line_number(parsed.lines),
            rejected: parsed
                .errors
                .iter()
                .map(|error| RejectedLine {
                    line: line_number(error.line),
                    field: error.field.to_owned(),
                    reason: error.reason.clone(),
                })
                .collect(),
            ..ImportSummary::default()
        };
        // Records are grouped by claim: a claim's records are applied one after another in
        // order of effective date (then line), so a later change is never undone by an earlier
        // one applied after it; different claims go concurrently.
        let mut matched: std::collections::BTreeMap<ClaimId, Vec<UcFacts>> = std::collections::BTreeMap::new();
        for (record, hash) in parsed.records.iter().zip(&hashes) {
            match claims.get(hash).and_then(|found| choose_claim(found)) {
                Some(claim) => matched.entry(claim.claim).or_default().push(facts(record)),
                None => summary.unmatched.push(UnmatchedRecord {
                    record_id: record.record_id.clone(),
                    line: line_number(record.line),
                }),
            }
        }
        // Step ids come from the file and the record alone, so a re-run of an interrupted
        // import, under any request id, finds each record's step already done.
        let base = file_meta(&digest, meta);
        let applied: Vec<Vec<Applied>> = futures::stream::iter(matched)
            .map(|(claim, mut records)| {
                records.sort_by_key(|facts| facts.effective_date);
                let (base, settings, digest) = (&base, &settings, &digest);
                async move {
                    let mut done = Vec::with_capacity(records.len());
                    for facts in records {
                        done.push(
                            self.apply_record(council, claim, facts, (digest, request.file_date), settings, base)
                                .await?,
                        );
                    }
                    Ok::<_, BenefitsError>(done)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .try_collect()
            .await?;
        let mut last_sequence = 0;
        for applied in applied.into_iter().flatten() {
            last_sequence = last_sequence.max(applied.sequence);
            match applied.outcome {
                Some(outcome) => summary.count(outcome),
                None => summary.already_handled += 1,
            }
        }
        let done = derived_meta(&base, "uc-file", digest.as_str());
        let outcome = self
            .imports
            .execute(council, &digest, ImportCommand::Record(summary.clone()), &done)
            .await?;
        tracing::info!(
            council = %council,
            file = %digest,
            records = parsed.records.len(),
            automated = summary.automated(),
            needing_officer = summary.needing_officer(),
            rejected = summary.rejected.len(),
            "uc file imported"
        );
        Ok(ImportReport {
            digest,
            summary,
            already_imported: false,
            last_sequence: last_sequence.max(outcome.commit.sequence),
        })
    }
}
