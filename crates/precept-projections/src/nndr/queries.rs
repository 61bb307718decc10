//! Reading the business rates read model: accounts, statements, collectable debit and
//! reliefs by type, collection by month, an agent's work, and the account directory the
//! business rates runs page through.

use std::time::Duration;

use chrono::NaiveDate;
use precept_app::council_tax::RunScope;
use precept_app::nndr::{
    CollectableDebit, DebitLine, MonthCollection, NndrAccountView, NndrReads, NndrStatementLine, ServicedCouncil,
};
use precept_app::{AccountDirectory, FeedSource, QueryError};
use precept_domain::{AccountId, CouncilCode, FinancialYear, Uprn};
use sqlx::Row;

use crate::projector::Progress;
use crate::queries::DirectoryPage;
use crate::read_store::{ReadPool, ReadStore};

/// Business rates queries over a read store, aware of the projector's progress.
#[derive(Clone)]
pub struct NndrQueries<F> {
    store: ReadStore,
    progress: Progress,
    source: std::sync::Arc<F>,
    wait_max: Duration,
}

fn unavailable(error: impl std::fmt::Display) -> QueryError {
    QueryError::Unavailable(error.to_string())
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

type DebitRow = (String, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

fn debit_line(row: &DebitRow) -> DebitLine {
    DebitLine {
        accounts: unsigned(row.1),
        rateable_value: row.2,
        gross_pence: row.3,
        supplement_pence: row.4,
        transitional_pence: row.5,
        empty_relief_pence: row.6,
        charity_relief_pence: row.7,
        sbrr_pence: row.8,
        charity_top_up_pence: row.9,
        rhl_relief_pence: row.10,
        net_pence: row.11,
        paid_pence: row.12,
    }
}

impl<F: FeedSource> NndrQueries<F> {
    /// Queries on `store`; `progress` and `source` let them wait for the projector.
    pub fn new(store: ReadStore, progress: Progress, source: std::sync::Arc<F>, wait_max: Duration) -> Self {
        NndrQueries {
            store,
            progress,
            source,
            wait_max,
        }
    }

    async fn wait_for(&self, council: &CouncilCode, sequence: u64) -> Result<(), QueryError> {
        crate::projector::wait_for_sequence(&self.progress, council, sequence, self.wait_max).await
    }
}

impl<F: FeedSource> NndrReads for NndrQueries<F> {
    async fn account(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> Result<Option<NndrAccountView>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let found = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::account(pool, council.as_str(), &account.to_string()).await,
            ReadPool::Postgres(pool) => postgres::account(pool, council.as_str(), &account.to_string()).await,
        }
        .map_err(unavailable)?;
        found
            .map(|(doc, collected_by, sequence)| {
                Ok(NndrAccountView {
                    state: serde_json::from_str(&doc).map_err(unavailable)?,
                    collected_by: collected_by
                        .map(|code| CouncilCode::parse(&code))
                        .transpose()
                        .map_err(unavailable)?,
                    as_of_sequence: unsigned(sequence),
                })
            })
            .transpose()
    }

    async fn statement(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> Result<Vec<NndrStatementLine>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::statement(pool, council.as_str(), &account.to_string()).await,
            ReadPool::Postgres(pool) => postgres::statement(pool, council.as_str(), &account.to_string()).await,
        }
        .map_err(unavailable)?;
        rows.into_iter()
            .map(|(date, kind, year, amount_pence, reference, collected_by)| {
                Ok(NndrStatementLine {
                    date: date.parse().map_err(unavailable)?,
                    kind,
                    year: year
                        .map(|start| FinancialYear::starting(start).map_err(unavailable))
                        .transpose()?,
                    amount_pence,
                    reference,
                    collected_by,
                })
            })
            .collect()
    }

    async fn collectable_debit(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
        min_sequence: u64,
    ) -> Result<CollectableDebit, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::debit(pool, council.as_str(), year.start_year()).await,
            ReadPool::Postgres(pool) => postgres::debit(pool, council.as_str(), year.start_year()).await,
        }
        .map_err(unavailable)?;
        let mut rows = rows.iter();
        let total = rows.next().map(debit_line).unwrap_or_default();
        Ok(CollectableDebit {
            total,
            by_multiplier: rows.map(|row| (row.0.clone(), debit_line(row))).collect(),
        })
    }

    async fn collection_by_month(
        &self,
        council: &CouncilCode,
        from: NaiveDate,
        to: NaiveDate,
        agent: Option<&CouncilCode>,
        min_sequence: u64,
    ) -> Result<Vec<MonthCollection>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let (from, to) = (from.to_string(), to.to_string());
        let filter = (
            council.as_str(),
            from.as_str(),
            to.as_str(),
            agent.map(CouncilCode::as_str),
        );
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::by_month(pool, filter).await,
            ReadPool::Postgres(pool) => postgres::by_month(pool, filter).await,
        }
        .map_err(unavailable)?;
        Ok(rows
            .into_iter()
            .map(|(month, collected, payments)| MonthCollection {
                month,
                collected_pence: collected,
                payments: unsigned(payments),
            })
            .collect())
    }

    async fn serviced_by(&self, agent: &CouncilCode) -> Result<Vec<ServicedCouncil>, QueryError> {
        let rows = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::serviced(pool, agent.as_str()).await,
            ReadPool::Postgres(pool) => postgres::serviced(pool, agent.as_str()).await,
        }
        .map_err(unavailable)?;
        let mut serviced = Vec::with_capacity(rows.len());
        for (council, accounts, balance, collected, lines) in rows {
            let council = CouncilCode::parse(&council).map_err(unavailable)?;
            // Each billing authority's stream has its own projector progress: wait for it.
            let last = self.source.last_sequence(&council).await.map_err(unavailable)?;
            self.wait_for(&council, last).await?;
            serviced.push(ServicedCouncil {
                council,
                accounts: unsigned(accounts),
                balance_pence: balance,
                collected_pence: collected,
                lines: unsigned(lines),
            });
        }
        Ok(serviced)
    }
}

impl<F: FeedSource> AccountDirectory for NndrQueries<F> {
    async fn catch_up(&self, council: &CouncilCode) -> Result<(), QueryError> {
        let last = self.source.last_sequence(council).await.map_err(unavailable)?;
        self.wait_for(council, last).await
    }

    async fn accounts_in(
        &self,
        council: &CouncilCode,
        scope: RunScope,
        after: Option<AccountId>,
        limit: usize,
    ) -> Result<Vec<AccountId>, QueryError> {
        let page = DirectoryPage::new(scope, after, limit);
        let ids = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::liable_in(pool, council.as_str(), &page).await,
            ReadPool::Postgres(pool) => postgres::liable_in(pool, council.as_str(), &page).await,
        }
        .map_err(unavailable)?;
        crate::queries::parse_ids(&ids)
    }

    async fn accounts_at(&self, council: &CouncilCode, hereditament: Uprn) -> Result<Vec<AccountId>, QueryError> {
        let uprn = i64::try_from(hereditament.get()).unwrap_or(-1);
        let ids = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::at_hereditament(pool, council.as_str(), uprn).await,
            ReadPool::Postgres(pool) => postgres::at_hereditament(pool, council.as_str(), uprn).await,
        }
        .map_err(unavailable)?;
        crate::queries::parse_ids(&ids)
    }
}

macro_rules! backend {
    ($module:ident, $pool:ty) => {
        mod $module {
            use super::*;

            pub(super) async fn account(
                pool: &$pool,
                council: &str,
                account: &str,
            ) -> Result<Option<(String, Option<String>, i64)>, sqlx::Error> {
                let row = sqlx::query(
                    "SELECT doc, collected_by, last_sequence FROM nndr_accounts WHERE council = $1 AND account_id = $2",
                )
                .bind(council)
                .bind(account)
                .fetch_optional(pool)
                .await?;
                row.map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?))).transpose()
            }

            pub(super) async fn statement(
                pool: &$pool,
                council: &str,
                account: &str,
            ) -> Result<Vec<(String, String, Option<i32>, i64, String, Option<String>)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT entry_date, kind, year, amount_pence, reference, collected_by FROM nndr_lines \
                     WHERE council = $1 AND account_id = $2 ORDER BY sequence, position",
                )
                .bind(council)
                .bind(account)
                .fetch_all(pool)
                .await
            }

            /// The year's totals (first row, kind `all`), then one row per multiplier.
            pub(super) async fn debit(pool: &$pool, council: &str, year: i32) -> Result<Vec<DebitRow>, sqlx::Error> {
                let mut rows: Vec<DebitRow> = sqlx::query_as(
                    "SELECT 'all', COUNT(*), CAST(COALESCE(SUM(rateable_value), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(gross_pence), 0) AS BIGINT), CAST(COALESCE(SUM(supplement_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(transitional_pence), 0) AS BIGINT), CAST(COALESCE(SUM(empty_relief_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(charity_relief_pence), 0) AS BIGINT), CAST(COALESCE(SUM(sbrr_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(charity_top_up_pence), 0) AS BIGINT), CAST(COALESCE(SUM(rhl_relief_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(net_pence), 0) AS BIGINT), CAST(COALESCE(SUM(paid_pence), 0) AS BIGINT) \
                     FROM nndr_years WHERE council = $1 AND year = $2",
                )
                .bind(council)
                .bind(year)
                .fetch_all(pool)
                .await?;
                let by_kind: Vec<DebitRow> = sqlx::query_as(
                    "SELECT multiplier_kind, COUNT(*), CAST(COALESCE(SUM(rateable_value), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(gross_pence), 0) AS BIGINT), CAST(COALESCE(SUM(supplement_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(transitional_pence), 0) AS BIGINT), CAST(COALESCE(SUM(empty_relief_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(charity_relief_pence), 0) AS BIGINT), CAST(COALESCE(SUM(sbrr_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(charity_top_up_pence), 0) AS BIGINT), CAST(COALESCE(SUM(rhl_relief_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(net_pence), 0) AS BIGINT), CAST(0 AS BIGINT) \
                     FROM nndr_year_multipliers WHERE council = $1 AND year = $2 GROUP BY multiplier_kind ORDER BY multiplier_kind",
                )
                .bind(council)
                .bind(year)
                .fetch_all(pool)
                .await?;
                rows.extend(by_kind);
                Ok(rows)
            }

            pub(super) async fn by_month(
                pool: &$pool,
                (council, from, to, agent): (&str, &str, &str, Option<&str>),
            ) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT SUBSTR(entry_date, 1, 7) AS month, CAST(COALESCE(SUM(-amount_pence), 0) AS BIGINT), \
                     CAST(COALESCE(SUM(CASE WHEN kind = 'payment' THEN 1 ELSE 0 END), 0) AS BIGINT) \
                     FROM nndr_lines WHERE council = $1 AND kind IN ('payment', 'reversal', 'refund') \
                     AND entry_date >= $2 AND entry_date <= $3 AND ($4 IS NULL OR collected_by = $4) \
                     GROUP BY SUBSTR(entry_date, 1, 7) ORDER BY month",
                )
                .bind(council)
                .bind(from)
                .bind(to)
                .bind(agent)
                .fetch_all(pool)
                .await
            }

            pub(super) async fn serviced(
                pool: &$pool,
                agent: &str,
            ) -> Result<Vec<(String, i64, i64, i64, i64)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT g.council, \
                     (SELECT COUNT(*) FROM nndr_accounts a WHERE a.council = g.council AND a.collected_by = $1), \
                     (SELECT CAST(COALESCE(SUM(a.balance_pence), 0) AS BIGINT) FROM nndr_accounts a \
                      WHERE a.council = g.council AND a.collected_by = $1), \
                     (SELECT CAST(COALESCE(SUM(-l.amount_pence), 0) AS BIGINT) FROM nndr_lines l WHERE l.council = g.council \
                      AND l.collected_by = $1 AND l.kind IN ('payment', 'reversal', 'refund')), \
                     (SELECT COUNT(*) FROM nndr_lines l WHERE l.council = g.council AND l.collected_by = $1) \
                     FROM nndr_agencies g WHERE g.agent = $1 ORDER BY g.council",
                )
                .bind(agent)
                .fetch_all(pool)
                .await
            }

            pub(super) async fn liable_in(
                pool: &$pool,
                council: &str,
                page: &crate::queries::DirectoryPage,
            ) -> Result<Vec<String>, sqlx::Error> {
                // Recovery also walks accounts still owing, or with recovery still open, from
                // any year (a ratepayer who left may still owe).
                let sql = if page.owing {
                    "SELECT account_id FROM nndr_accounts WHERE council = $1 AND ((liability_start <= $2 \
                     AND (liability_end IS NULL OR liability_end >= $3)) OR balance_pence > 0 \
                     OR EXISTS (SELECT 1 FROM nndr_years y WHERE y.council = nndr_accounts.council \
                     AND y.account_id = nndr_accounts.account_id \
                     AND y.stage NOT IN ('none', 'instalments_resumed', 'cleared'))) \
                     AND account_id > $4 ORDER BY account_id LIMIT $5"
                } else {
                    "SELECT account_id FROM nndr_accounts WHERE council = $1 AND liability_start <= $2 \
                     AND (liability_end IS NULL OR liability_end >= $3) AND account_id > $4 \
                     ORDER BY account_id LIMIT $5"
                };
                sqlx::query_scalar(sql)
                    .bind(council)
                    .bind(&page.last)
                    .bind(&page.first)
                    .bind(&page.after)
                    .bind(page.limit)
                    .fetch_all(pool)
                    .await
            }

            pub(super) async fn at_hereditament(pool: &$pool, council: &str, uprn: i64) -> Result<Vec<String>, sqlx::Error> {
                sqlx::query_scalar(
                    "SELECT account_id FROM nndr_accounts WHERE council = $1 AND hereditament = $2 ORDER BY account_id",
                )
                .bind(council)
                .bind(uprn)
                .fetch_all(pool)
                .await
            }
        }
    };
}

backend!(sqlite, sqlx::SqlitePool);
backend!(postgres, sqlx::PgPool);
