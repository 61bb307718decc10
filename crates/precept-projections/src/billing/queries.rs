//! Reading the billing read model: account summaries, statements, listings, and the account
//! directory the billing run pages through.

use std::time::Duration;

use precept_app::council_tax::{AccountSummary, BillingReads, ListFilter, ListedAccount, RunScope, StatementEntry};
use precept_app::{AccountDirectory, FeedSource, QueryError};
use precept_domain::{AccountId, CouncilCode, Uprn};
use sqlx::{QueryBuilder, Row};

use crate::projector::Progress;
use crate::queries::DirectoryPage;
use crate::read_store::{ReadPool, ReadStore};

/// Billing queries over a read store, aware of the projector's progress.
#[derive(Clone)]
pub struct BillingQueries<F> {
    store: ReadStore,
    progress: Progress,
    source: std::sync::Arc<F>,
    wait_max: Duration,
}

fn unavailable(error: impl std::fmt::Display) -> QueryError {
    QueryError::Unavailable(error.to_string())
}

impl<F: FeedSource> BillingQueries<F> {
    /// Queries on `store`; `progress` and `source` let them wait for the projector.
    pub fn new(store: ReadStore, progress: Progress, source: std::sync::Arc<F>, wait_max: Duration) -> Self {
        BillingQueries {
            store,
            progress,
            source,
            wait_max,
        }
    }

    /// Waits until the projector has folded `sequence` of the council's stream.
    ///
    /// # Errors
    /// [`QueryError::NotCaughtUp`] after the wait limit.
    pub async fn wait_for(&self, council: &CouncilCode, sequence: u64) -> Result<(), QueryError> {
        crate::projector::wait_for_sequence(&self.progress, council, sequence, self.wait_max).await
    }
}

impl<F: FeedSource> BillingReads for BillingQueries<F> {
    async fn account(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> Result<Option<AccountSummary>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let found = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::account(pool, council.as_str(), &account.to_string()).await,
            ReadPool::Postgres(pool) => postgres::account(pool, council.as_str(), &account.to_string()).await,
        }
        .map_err(unavailable)?;
        found
            .map(|(doc, band, sequence)| {
                let state = serde_json::from_str(&doc).map_err(unavailable)?;
                Ok(AccountSummary {
                    state,
                    band,
                    as_of_sequence: u64::try_from(sequence).unwrap_or(0),
                })
            })
            .transpose()
    }

    async fn statement(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> Result<Vec<StatementEntry>, QueryError> {
        self.wait_for(council, min_sequence).await?;
        match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::statement(pool, council.as_str(), &account.to_string()).await,
            ReadPool::Postgres(pool) => postgres::statement(pool, council.as_str(), &account.to_string()).await,
        }
        .map_err(unavailable)
    }

    async fn list(&self, filter: &ListFilter) -> Result<Vec<ListedAccount>, QueryError> {
        match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::list(pool, filter).await,
            ReadPool::Postgres(pool) => postgres::list(pool, filter).await,
        }
        .map_err(unavailable)
    }
}

impl<F: FeedSource> AccountDirectory for BillingQueries<F> {
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

    async fn accounts_at(&self, council: &CouncilCode, property: Uprn) -> Result<Vec<AccountId>, QueryError> {
        let uprn = i64::try_from(property.get()).unwrap_or(-1);
        let ids = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::at_property(pool, council.as_str(), uprn).await,
            ReadPool::Postgres(pool) => postgres::at_property(pool, council.as_str(), uprn).await,
        }
        .map_err(unavailable)?;
        crate::queries::parse_ids(&ids)
    }
}

macro_rules! backend {
    ($module:ident, $pool:ty, $db:ty) => {
        mod $module {
            use super::*;

            pub(super) async fn account(
                pool: &$pool,
                council: &str,
                account: &str,
            ) -> Result<Option<(String, Option<String>, i64)>, sqlx::Error> {
                let row = sqlx::query(
                    "SELECT a.doc, p.band, a.last_sequence FROM ct_accounts a LEFT JOIN ct_properties p \
                     ON p.council = a.council AND p.uprn = a.uprn WHERE a.council = $1 AND a.account_id = $2",
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
            ) -> Result<Vec<StatementEntry>, sqlx::Error> {
                let rows = sqlx::query(
                    "SELECT line_no, entry_date, kind, year, amount_pence, reference FROM ct_statement_lines \
                     WHERE council = $1 AND account_id = $2 ORDER BY line_no",
                )
                .bind(council)
                .bind(account)
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(StatementEntry {
                            line_no: row.try_get(0)?,
                            entry_date: row.try_get(1)?,
                            kind: row.try_get(2)?,
                            year: row.try_get(3)?,
                            amount_pence: row.try_get(4)?,
                            reference: row.try_get(5)?,
                        })
                    })
                    .collect()
            }

            pub(super) async fn list(pool: &$pool, filter: &ListFilter) -> Result<Vec<ListedAccount>, sqlx::Error> {
                let due_column = if filter.year.is_some() { "y.first_unpaid_due" } else { "a.first_unpaid_due" };
                let mut query = QueryBuilder::<$db>::new(format!(
                    "SELECT a.account_id, a.uprn, p.band, a.balance_owed_pence, {due_column} FROM ct_accounts a \
                     LEFT JOIN ct_properties p ON p.council = a.council AND p.uprn = a.uprn "
                ));
                if let Some(year) = filter.year {
                    query
                        .push("JOIN ct_account_years y ON y.council = a.council AND y.account_id = a.account_id AND y.year = ")
                        .push_bind(year.start_year());
                }
                query.push(" WHERE a.council = ").push_bind(filter.council.as_str().to_owned());
                if let Some(band) = &filter.band {
                    query.push(" AND p.band = ").push_bind(band.clone());
                }
                if let Some(as_of) = filter.in_arrears_on {
                    query.push(format!(" AND {due_column} <= ")).push_bind(as_of.to_string());
                }
                if let Some(after) = &filter.after {
                    query.push(" AND a.account_id > ").push_bind(after.clone());
                }
                query.push(" ORDER BY a.account_id LIMIT ").push_bind(i64::from(filter.limit));
                let rows = query.build().fetch_all(pool).await?;
                rows.iter()
                    .map(|row| {
                        Ok(ListedAccount {
                            account_id: row.try_get(0)?,
                            uprn: row.try_get(1)?,
                            band: row.try_get(2)?,
                            balance_owed_pence: row.try_get(3)?,
                            first_unpaid_due: row.try_get(4)?,
                        })
                    })
                    .collect()
            }

            pub(super) async fn liable_in(
                pool: &$pool,
                council: &str,
                page: &crate::queries::DirectoryPage,
            ) -> Result<Vec<String>, sqlx::Error> {
                // Beyond the liable accounts: any still owing, and any whose recovery is still
                // open (a summons or order to close once paid, an arrangement to see kept), so a
                // taxpayer who moved out and then paid is still seen. Both are few.
                let sql = if page.owing {
                    "SELECT account_id FROM ct_accounts WHERE council = $1 AND ((liability_start <= $2 \
                     AND (liability_end IS NULL OR liability_end >= $3)) OR balance_owed_pence > 0 \
                     OR EXISTS (SELECT 1 FROM ct_recovery_years y WHERE y.council = ct_accounts.council \
                     AND y.account_id = ct_accounts.account_id \
                     AND (y.stage NOT IN ('none', 'instalments_resumed', 'cleared') OR y.arrangement <> 0))) \
                     AND account_id > $4 ORDER BY account_id LIMIT $5"
                } else {
                    "SELECT account_id FROM ct_accounts WHERE council = $1 AND liability_start <= $2 \
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

            pub(super) async fn at_property(pool: &$pool, council: &str, uprn: i64) -> Result<Vec<String>, sqlx::Error> {
                sqlx::query_scalar("SELECT account_id FROM ct_accounts WHERE council = $1 AND uprn = $2 ORDER BY account_id")
                    .bind(council)
                    .bind(uprn)
                    .fetch_all(pool)
                    .await
            }
        }
    };
}

backend!(sqlite, sqlx::SqlitePool, sqlx::Sqlite);
backend!(postgres, sqlx::PgPool, sqlx::Postgres);
