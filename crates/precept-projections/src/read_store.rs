//! [`ReadStore`]: the SQL side of projections, on SQLite or PostgreSQL.
//!
//! Both backends run the same SQL (the dialects agree on `INSERT ... ON CONFLICT ... DO
//! UPDATE`); a macro stamps out the code once per concrete sqlx driver, because sqlx's
//! generic-over-database bounds cost more to read than the repetition they save.
//!
//! Writes are batched: a batch of commits becomes one transaction that reads the rows it
//! touches, folds the events in memory, upserts each changed row once (multi-row VALUES,
//! 500 rows a statement) and moves the checkpoint. One row per transaction is 100x slower.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use precept_app::{FeedCommit, FeedEvents};
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, QueryBuilder, Row, SqlitePool};

use crate::balances::{self, BalanceRow};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Rows per multi-row upsert statement (9 columns: well inside both drivers' parameter limits).
const UPSERT_ROWS_MAX: usize = 500;

/// Read-model failures.
#[derive(Debug, thiserror::Error)]
pub enum ReadStoreError {
    /// The URL is neither `sqlite:` nor `postgres:`.
    #[error("database url must start with sqlite: or postgres:")]
    UnsupportedUrl,
    /// The database failed.
    #[error("read model database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("read model migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// History and read model disagree.
    #[error(transparent)]
    Unexpected(#[from] balances::UnexpectedEvent),
}

/// Which database a store uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, the embedded default.
    Sqlite,
    /// PostgreSQL, for production.
    Postgres,
}

/// A read-model database.
#[derive(Debug, Clone)]
pub enum ReadStore {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

impl ReadStore {
    /// Connects to `url` (`sqlite:...` or `postgres://...`) and runs migrations.
    ///
    /// # Errors
    /// [`ReadStoreError`].
    pub async fn connect(url: &str) -> Result<Self, ReadStoreError> {
        let store = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10));
            ReadStore::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            ReadStore::Postgres(PgPoolOptions::new().max_connections(8).connect_with(options).await?)
        } else {
            return Err(ReadStoreError::UnsupportedUrl);
        };
        match &store {
            ReadStore::Sqlite(pool) => MIGRATOR.run(pool).await?,
            ReadStore::Postgres(pool) => MIGRATOR.run(pool).await?,
        }
        Ok(store)
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            ReadStore::Sqlite(_) => Backend::Sqlite,
            ReadStore::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes the pool, waiting for connections to finish (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        match self {
            ReadStore::Sqlite(pool) => pool.close().await,
            ReadStore::Postgres(pool) => pool.close().await,
        }
    }

    /// Folds a batch of one council's commits into the rows and moves the checkpoint, in one
    /// transaction. Commits at or below the stored checkpoint are skipped, which makes
    /// redelivery after a crash harmless. Returns the checkpoint after the batch.
    ///
    /// # Errors
    /// [`ReadStoreError`]; on error nothing of the batch is written.
    pub async fn apply_batch(
        &self,
        projector: &str,
        council: &str,
        commits: &[FeedCommit],
    ) -> Result<u64, ReadStoreError> {
        match self {
            ReadStore::Sqlite(pool) => sqlite::apply_batch(pool, projector, council, commits).await,
            ReadStore::Postgres(pool) => postgres::apply_batch(pool, projector, council, commits).await,
        }
    }

    /// The projector's checkpoint for a council (0 before its first batch).
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn checkpoint(&self, projector: &str, council: &str) -> Result<u64, ReadStoreError> {
        match self {
            ReadStore::Sqlite(pool) => sqlite::checkpoint(pool, projector, council).await,
            ReadStore::Postgres(pool) => postgres::checkpoint(pool, projector, council).await,
        }
    }

    /// One account's row.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn account_balance(&self, council: &str, account_id: &str) -> Result<Option<BalanceRow>, ReadStoreError> {
        match self {
            ReadStore::Sqlite(pool) => sqlite::account_balance(pool, council, account_id).await,
            ReadStore::Postgres(pool) => postgres::account_balance(pool, council, account_id).await,
        }
    }

    /// Every balance row, sorted by council and account id.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn all_balances(&self) -> Result<Vec<BalanceRow>, ReadStoreError> {
        let mut rows = match self {
            ReadStore::Sqlite(pool) => sqlite::all_balances(pool).await?,
            ReadStore::Postgres(pool) => postgres::all_balances(pool).await?,
        };
        // Sorted here, not by SQL collation, so both backends agree byte for byte.
        rows.sort_by(|a, b| (&a.council, &a.account_id).cmp(&(&b.council, &b.account_id)));
        Ok(rows)
    }

    /// A SHA-256 over every balance row: equal checksums mean equal read models.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn balances_checksum(&self) -> Result<String, ReadStoreError> {
        let mut hasher = Sha256::new();
        for row in self.all_balances().await? {
            hasher.update(format!("{row:?}\n").as_bytes());
        }
        Ok(format!("{:x}", hasher.finalize()))
    }
}

/// Folds commits into rows already read from the database; commits at or below `checkpoint`
/// are skipped. Returns the changed rows and the new checkpoint.
fn fold_batch(
    mut rows: HashMap<String, BalanceRow>,
    commits: &[FeedCommit],
    checkpoint: u64,
) -> Result<(HashMap<String, BalanceRow>, u64), ReadStoreError> {
    let mut last = checkpoint;
    for commit in commits.iter().filter(|commit| commit.sequence > checkpoint) {
        match &commit.events {
            FeedEvents::CouncilTaxAccount(events) => {
                let mut row = rows.remove(&commit.aggregate_id);
                for (offset, event) in events.iter().enumerate() {
                    row = Some(balances::apply(row, commit, offset, event)?);
                }
                if let Some(row) = row {
                    rows.insert(commit.aggregate_id.clone(), row);
                }
            }
        }
        last = commit.sequence;
    }
    Ok((rows, last))
}

fn sequence_from_sql(value: i64) -> u64 {
    u64::try_from(value).expect("checkpoints are written from u64 sequences and never negative")
}

fn row_from_sql<R: Row>(row: &R) -> Result<BalanceRow, sqlx::Error>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(BalanceRow {
        council: row.try_get(0)?,
        account_id: row.try_get(1)?,
        uprn: row.try_get(2)?,
        liability_start: row.try_get(3)?,
        liable_parties: row.try_get(4)?,
        balance_owed_pence: row.try_get(5)?,
        payments_count: row.try_get(6)?,
        version: row.try_get(7)?,
        last_sequence: row.try_get(8)?,
    })
}

// A macro rather than a const so `concat!` can build `&'static str` queries (sqlx 0.9 only
// takes static SQL unless it is explicitly marked as audited).
macro_rules! columns {
    () => {
        "council, account_id, uprn, liability_start, liable_parties, balance_owed_pence, payments_count, version, last_sequence"
    };
}
const COLUMNS: &str = columns!();

macro_rules! backend {
    ($module:ident, $pool:ty, $db:ty) => {
        mod $module {
            use super::*;

            pub(super) async fn checkpoint(pool: &$pool, projector: &str, council: &str) -> Result<u64, ReadStoreError> {
                let found: Option<i64> =
                    sqlx::query_scalar("SELECT last_sequence FROM projector_checkpoints WHERE projector = $1 AND council = $2")
                        .bind(projector)
                        .bind(council)
                        .fetch_optional(pool)
                        .await?;
                Ok(found.map_or(0, sequence_from_sql))
            }

            pub(super) async fn apply_batch(
                pool: &$pool,
                projector: &str,
                council: &str,
                commits: &[FeedCommit],
            ) -> Result<u64, ReadStoreError> {
                let mut tx = pool.begin().await?;
                let stored: Option<i64> =
                    sqlx::query_scalar("SELECT last_sequence FROM projector_checkpoints WHERE projector = $1 AND council = $2")
                        .bind(projector)
                        .bind(council)
                        .fetch_optional(&mut *tx)
                        .await?;
                let checkpoint = stored.map_or(0, sequence_from_sql);
                let mut ids: Vec<&str> =
                    commits.iter().filter(|c| c.sequence > checkpoint).map(|c| c.aggregate_id.as_str()).collect();
                ids.sort_unstable();
                ids.dedup();
                if ids.is_empty() {
                    return Ok(checkpoint);
                }
                let mut existing = HashMap::with_capacity(ids.len());
                for chunk in ids.chunks(UPSERT_ROWS_MAX) {
                    let mut select = QueryBuilder::<$db>::new(format!("SELECT {COLUMNS} FROM account_balances WHERE council = "));
                    select.push_bind(council).push(" AND account_id IN (");
                    let mut separated = select.separated(", ");
                    for id in chunk {
                        separated.push_bind(*id);
                    }
                    select.push(")");
                    for row in select.build().fetch_all(&mut *tx).await? {
                        let row = row_from_sql(&row)?;
                        existing.insert(row.account_id.clone(), row);
                    }
                }
                let (changed, last) = fold_batch(existing, commits, checkpoint)?;
                let changed: Vec<BalanceRow> = changed.into_values().collect();
                for chunk in changed.chunks(UPSERT_ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(format!("INSERT INTO account_balances ({COLUMNS}) "));
                    upsert.push_values(chunk, |mut values, row| {
                        values
                            .push_bind(row.council.clone())
                            .push_bind(row.account_id.clone())
                            .push_bind(row.uprn)
                            .push_bind(row.liability_start.clone())
                            .push_bind(row.liable_parties)
                            .push_bind(row.balance_owed_pence)
                            .push_bind(row.payments_count)
                            .push_bind(row.version)
                            .push_bind(row.last_sequence);
                    });
                    upsert.push(
                        " ON CONFLICT (council, account_id) DO UPDATE SET uprn = excluded.uprn, \
                         liability_start = excluded.liability_start, liable_parties = excluded.liable_parties, \
                         balance_owed_pence = excluded.balance_owed_pence, payments_count = excluded.payments_count, \
                         version = excluded.version, last_sequence = excluded.last_sequence",
                    );
                    upsert.build().execute(&mut *tx).await?;
                }
                sqlx::query(
                    "INSERT INTO projector_checkpoints (projector, council, last_sequence) VALUES ($1, $2, $3) \
                     ON CONFLICT (projector, council) DO UPDATE SET last_sequence = excluded.last_sequence",
                )
                .bind(projector)
                .bind(council)
                .bind(i64::try_from(last).expect("sequences stay below i64::MAX"))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(last)
            }

            pub(super) async fn account_balance(pool: &$pool, council: &str, account_id: &str) -> Result<Option<BalanceRow>, ReadStoreError> {
                let row = sqlx::query(concat!("SELECT ", columns!(), " FROM account_balances WHERE council = $1 AND account_id = $2"))
                    .bind(council)
                    .bind(account_id)
                    .fetch_optional(pool)
                    .await?;
                Ok(row.as_ref().map(row_from_sql).transpose()?)
            }

            pub(super) async fn all_balances(pool: &$pool) -> Result<Vec<BalanceRow>, ReadStoreError> {
                let rows = sqlx::query(concat!("SELECT ", columns!(), " FROM account_balances")).fetch_all(pool).await?;
                Ok(rows.iter().map(row_from_sql).collect::<Result<_, _>>()?)
            }
        }
    };
}

backend!(sqlite, SqlitePool, sqlx::Sqlite);
backend!(postgres, PgPool, sqlx::Postgres);
