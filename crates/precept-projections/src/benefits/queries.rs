//! Reading the benefits read model.

use std::collections::HashMap;
use std::time::Duration;

use chrono::NaiveDate;
use precept_app::QueryError;
use precept_app::benefits::{
    BenefitReads, CaseloadCount, ClaimDirectory, ClaimRef, ClaimView, ImportView, OverpaymentTotals, SpeedOfProcessing,
    WorkItemView,
};
use precept_domain::CouncilCode;
use precept_domain::benefits::claim::{ClaimKind, ClaimStatus, NinoHash, WorkReason};
use precept_domain::ids::ClaimId;

use crate::projector::Progress;
use crate::read_store::{ReadPool, ReadStore};

/// Hashes per lookup statement.
const LOOKUP_MAX: usize = 500;

/// Benefits queries over a read store, aware of the projector's progress.
#[derive(Clone)]
pub struct BenefitQueries {
    store: ReadStore,
    progress: Progress,
    wait_max: Duration,
}

fn unavailable(error: impl std::fmt::Display) -> QueryError {
    QueryError::Unavailable(error.to_string())
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn date(text: &str) -> Result<NaiveDate, QueryError> {
    text.parse().map_err(unavailable)
}

fn kind(code: &str) -> Result<ClaimKind, QueryError> {
    ClaimKind::parse(code).ok_or_else(|| unavailable(format!("unknown claim kind {code:?}")))
}

fn status_from_code(code: &str) -> Result<ClaimStatus, QueryError> {
    ClaimStatus::parse(code).ok_or_else(|| unavailable(format!("unknown claim status {code:?}")))
}

/// The age band a claim received on `received` is in on `on`.
fn age_band(received: NaiveDate, on: NaiveDate) -> u32 {
    match (on - received).num_days() {
        ..14 => 0,
        14..28 => 2,
        28..56 => 4,
        _ => 8,
    }
}

impl BenefitQueries {
    /// Queries on `store`; `progress` lets them wait for the projector.
    pub fn new(store: ReadStore, progress: Progress, wait_max: Duration) -> Self {
        BenefitQueries {
            store,
            progress,
            wait_max,
        }
    }

    async fn wait_for(&self, council: &CouncilCode, sequence: u64) -> Result<(), QueryError> {
        crate::projector::wait_for_sequence(&self.progress, council, sequence, self.wait_max).await
    }
}

type ClaimLookupRow = (String, String, String, String, String);
type WorkRow = (String, String, String, String);
type SpeedRow = (String, String, i64, i64, i64);
type ImportRow = (String, String, i64, i64, i64, i64, i64, i64);
type OverpaymentRow = (String, i64, i64, i64, i64, i64);

impl ClaimDirectory for BenefitQueries {
    async fn claims_by_nino(
        &self,
        council: &CouncilCode,
        hashes: &[NinoHash],
        min_sequence: u64,
    ) -> Result<HashMap<NinoHash, Vec<ClaimRef>>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let mut found: HashMap<NinoHash, Vec<ClaimRef>> = HashMap::new();
        for chunk in hashes.chunks(LOOKUP_MAX) {
            let texts: Vec<&str> = chunk.iter().map(NinoHash::as_str).collect();
            let rows = match &self.store.pool() {
                ReadPool::Sqlite(pool) => sqlite::by_nino(pool, council.as_str(), &texts).await,
                ReadPool::Postgres(pool) => postgres::by_nino(pool, council.as_str(), &texts).await,
            }
            .map_err(unavailable)?;
            for (hash, claim, kind_code, status_code, received) in rows {
                let hash = NinoHash::parse(&hash).ok_or_else(|| unavailable("stored NINO hash malformed"))?;
                found.entry(hash).or_default().push(ClaimRef {
                    claim: ClaimId::parse(&claim).map_err(unavailable)?,
                    kind: kind(&kind_code)?,
                    status: status_from_code(&status_code)?,
                    received: date(&received)?,
                });
            }
        }
        Ok(found)
    }
}

impl BenefitReads for BenefitQueries {
    async fn claim(
        &self,
        council: &CouncilCode,
        claim: &ClaimId,
        min_sequence: u64,
    ) -> Result<Option<ClaimView>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let row = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::claim(pool, council.as_str(), &claim.to_string()).await,
            ReadPool::Postgres(pool) => postgres::claim(pool, council.as_str(), &claim.to_string()).await,
        }
        .map_err(unavailable)?;
        row.map(|(doc, sequence)| {
            Ok(ClaimView {
                state: serde_json::from_str(&doc).map_err(unavailable)?,
                as_of_sequence: unsigned(sequence),
            })
        })
        .transpose()
    }

    async fn caseload(
        &self,
        council: &CouncilCode,
        on: NaiveDate,
        min_sequence: u64,
    ) -> Result<Vec<CaseloadCount>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::caseload(pool, council.as_str()).await,
            ReadPool::Postgres(pool) => postgres::caseload(pool, council.as_str()).await,
        }
        .map_err(unavailable)?;
        let mut counts: std::collections::BTreeMap<(ClaimKind, &'static str, u32), (ClaimStatus, u64)> =
            std::collections::BTreeMap::new();
        for (kind_code, status_code, received, claims) in rows {
            let status = status_from_code(&status_code)?;
            let band = age_band(date(&received)?, on);
            let entry = counts
                .entry((kind(&kind_code)?, status.code(), band))
                .or_insert((status, 0));
            entry.1 += unsigned(claims);
        }
        Ok(counts
            .into_iter()
            .map(|((kind, _, age_weeks_from), (status, claims))| CaseloadCount {
                kind,
                status,
                age_weeks_from,
                claims,
            })
            .collect())
    }

    async fn work_queue(
        &self,
        council: &CouncilCode,
        after: Option<(NaiveDate, String, String)>,
        limit: u32,
        min_sequence: u64,
    ) -> Result<Vec<WorkItemView>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let (day, source, item) = after.map_or((String::new(), String::new(), String::new()), |(d, s, i)| {
            (d.to_string(), s, i)
        });
        let cursor = (day.as_str(), source.as_str(), item.as_str());
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::work(pool, council.as_str(), cursor, i64::from(limit)).await,
            ReadPool::Postgres(pool) => postgres::work(pool, council.as_str(), cursor, i64::from(limit)).await,
        }
        .map_err(unavailable)?;
        rows.into_iter()
            .map(|(source, item, reason, raised)| {
                Ok(WorkItemView {
                    source,
                    item,
                    reason: WorkReason::parse(&reason).ok_or_else(|| unavailable("unknown work reason"))?,
                    raised: date(&raised)?,
                })
            })
            .collect()
    }

    async fn speed_of_processing(
        &self,
        council: &CouncilCode,
        (from, to): (NaiveDate, NaiveDate),
        min_sequence: u64,
    ) -> Result<Vec<SpeedOfProcessing>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let period = (from.to_string(), to.to_string());
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::speed(pool, council.as_str(), (&period.0, &period.1)).await,
            ReadPool::Postgres(pool) => postgres::speed(pool, council.as_str(), (&period.0, &period.1)).await,
        }
        .map_err(unavailable)?;
        rows.into_iter()
            .map(|(measure, kind_code, decisions, total_days, automated)| {
                Ok(SpeedOfProcessing {
                    measure,
                    kind: kind(&kind_code)?,
                    decisions: unsigned(decisions),
                    total_days: unsigned(total_days),
                    automated: unsigned(automated),
                })
            })
            .collect()
    }

    async fn imports(
        &self,
        council: &CouncilCode,
        (from, to): (NaiveDate, NaiveDate),
        min_sequence: u64,
    ) -> Result<Vec<ImportView>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let period = (from.to_string(), to.to_string());
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::imports(pool, council.as_str(), (&period.0, &period.1)).await,
            ReadPool::Postgres(pool) => postgres::imports(pool, council.as_str(), (&period.0, &period.1)).await,
        }
        .map_err(unavailable)?;
        rows.into_iter()
            .map(
                |(digest, file_date, lines, automated, needing, unmatched, rejected, already)| {
                    Ok(ImportView {
                        digest,
                        file_date: date(&file_date)?,
                        lines: unsigned(lines),
                        automated: unsigned(automated),
                        needing_officer: unsigned(needing),
                        unmatched: unsigned(unmatched),
                        rejected: unsigned(rejected),
                        already_handled: unsigned(already),
                    })
                },
            )
            .collect()
    }

    async fn overpayments(
        &self,
        council: &CouncilCode,
        min_sequence: u64,
    ) -> Result<Vec<OverpaymentTotals>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::overpayments(pool, council.as_str()).await,
            ReadPool::Postgres(pool) => postgres::overpayments(pool, council.as_str()).await,
        }
        .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(
                |(class, count, amount, recovered, written_off, outstanding)| OverpaymentTotals {
                    class,
                    count: unsigned(count),
                    amount_pence: amount,
                    recovered_pence: recovered,
                    written_off_pence: written_off,
                    outstanding_pence: outstanding,
                },
            )
            .collect())
    }
}

macro_rules! backend {
    ($module:ident, $pool:ty, $db:ty) => {
        mod $module {
            use sqlx::QueryBuilder;

            use super::*;

            pub(super) async fn by_nino(
                pool: &$pool,
                council: &str,
                hashes: &[&str],
            ) -> Result<Vec<ClaimLookupRow>, sqlx::Error> {
                let mut select = QueryBuilder::<$db>::new(
                    "SELECT nino_hash, claim_id, kind, status, received FROM benefit_claims WHERE council = ",
                );
                select.push_bind(council).push(" AND nino_hash IN (");
                let mut separated = select.separated(", ");
                for hash in hashes {
                    separated.push_bind(*hash);
                }
                select.push(")");
                select.build_query_as().fetch_all(pool).await
            }

            pub(super) async fn claim(
                pool: &$pool,
                council: &str,
                claim: &str,
            ) -> Result<Option<(String, i64)>, sqlx::Error> {
                sqlx::query_as("SELECT doc, last_sequence FROM benefit_claims WHERE council = $1 AND claim_id = $2")
                    .bind(council)
                    .bind(claim)
                    .fetch_optional(pool)
                    .await
            }

            pub(super) async fn caseload(
                pool: &$pool,
                council: &str,
            ) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT kind, status, received, CAST(COUNT(*) AS BIGINT) FROM benefit_claims \
                     WHERE council = $1 AND status NOT IN ('refused', 'ended') \
                     GROUP BY kind, status, received",
                )
                .bind(council)
                .fetch_all(pool)
                .await
            }

            pub(super) async fn work(
                pool: &$pool,
                council: &str,
                (day, source, item): (&str, &str, &str),
                limit: i64,
            ) -> Result<Vec<WorkRow>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT source, item, reason, raised FROM benefit_work_items \
                     WHERE council = $1 AND closed IS NULL \
                     AND (raised > $2 OR (raised = $2 AND (source > $3 OR (source = $3 AND item > $4)))) \
                     ORDER BY raised, source, item LIMIT $5",
                )
                .bind(council)
                .bind(day)
                .bind(source)
                .bind(item)
                .bind(limit)
                .fetch_all(pool)
                .await
            }

            pub(super) async fn speed(
                pool: &$pool,
                council: &str,
                (from, to): (&str, &str),
            ) -> Result<Vec<SpeedRow>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT measure, claim_kind, CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(days), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(automated), 0) AS BIGINT) FROM benefit_decisions \
                     WHERE council = $1 AND decided >= $2 AND decided <= $3 \
                     GROUP BY measure, claim_kind ORDER BY measure, claim_kind",
                )
                .bind(council)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await
            }

            pub(super) async fn imports(
                pool: &$pool,
                council: &str,
                (from, to): (&str, &str),
            ) -> Result<Vec<ImportRow>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT digest, file_date, lines, automated, needing_officer, unmatched, rejected, already_handled \
                     FROM uc_imports WHERE council = $1 AND file_date >= $2 AND file_date <= $3 \
                     ORDER BY file_date, digest",
                )
                .bind(council)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await
            }

            pub(super) async fn overpayments(pool: &$pool, council: &str) -> Result<Vec<OverpaymentRow>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT class, CAST(COUNT(*) AS BIGINT), CAST(SUM(amount_pence) AS BIGINT), \
                     CAST(SUM(recovered_pence) AS BIGINT), CAST(SUM(written_off_pence) AS BIGINT), \
                     CAST(SUM(outstanding_pence) AS BIGINT) FROM benefit_overpayments WHERE council = $1 \
                     GROUP BY class ORDER BY class",
                )
                .bind(council)
                .fetch_all(pool)
                .await
            }
        }
    };
}

backend!(sqlite, sqlx::SqlitePool, sqlx::Sqlite);
backend!(postgres, sqlx::PgPool, sqlx::Postgres);
