//! [`ReadStore`]: the SQL side of projections, on SQLite or PostgreSQL.
//!
//! Both backends run the same SQL (the dialects agree on `INSERT ... ON CONFLICT ... DO
//! UPDATE`); a macro stamps out the code once per concrete sqlx driver, because sqlx's
//! generic-over-database bounds cost more to read than the repetition they save.
//!
//! Writes are batched: a batch of commits becomes one transaction that reads the rows it
//! touches, folds the events in memory, upserts each changed row once (multi-row VALUES,
//! 500 rows a statement) and moves the checkpoint. One row per transaction is 100x slower.

use std::str::FromStr;
use std::time::Duration;

use precept_app::FeedCommit;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Row, SqlitePool};

use crate::balances::BalanceRow;
use crate::billing;

// One directory per backend: the same tables, but SQLite keeps the billing rows clustered by
// key (0003), which PostgreSQL's heap has no syntax for.
static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

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
    Unexpected(#[from] billing::fold::UnexpectedEvent),
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
                // Each connection keeps up to 64 MiB of pages and maps the file: the billing
                // projector re-reads the rows it folds, and with SQLite's 2 MiB default every
                // read of a large table went to the kernel (a fifth of the bench's CPU).
                // Only a new database takes a page size; see migrations/sqlite/0003.
                .pragma("page_size", "8192")
                .pragma("cache_size", "-65536")
                .pragma("mmap_size", "1073741824")
                .pragma("temp_store", "memory")
                .pragma("wal_autocheckpoint", "16384")
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
            ReadStore::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await?,
            ReadStore::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
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
            ReadStore::Sqlite(pool) => billing::sqlite::apply_batch(pool, projector, council, commits).await,
            ReadStore::Postgres(pool) => billing::postgres::apply_batch(pool, projector, council, commits).await,
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

pub(crate) fn sequence_from_sql(value: i64) -> u64 {
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

macro_rules! backend {
    ($module:ident, $pool:ty, $db:ty) => {
        mod $module {
            use super::*;

            pub(super) async fn checkpoint(
                pool: &$pool,
                projector: &str,
                council: &str,
            ) -> Result<u64, ReadStoreError> {
                let found: Option<i64> = sqlx::query_scalar(
                    "SELECT last_sequence FROM projector_checkpoints WHERE projector = $1 AND council = $2",
                )
                .bind(projector)
                .bind(council)
                .fetch_optional(pool)
                .await?;
                Ok(found.map_or(0, sequence_from_sql))
            }

            pub(super) async fn account_balance(
                pool: &$pool,
                council: &str,
                account_id: &str,
            ) -> Result<Option<BalanceRow>, ReadStoreError> {
                let row = sqlx::query(concat!(
                    "SELECT ",
                    columns!(),
                    " FROM ct_accounts WHERE council = $1 AND account_id = $2"
                ))
                .bind(council)
                .bind(account_id)
                .fetch_optional(pool)
                .await?;
                Ok(row.as_ref().map(row_from_sql).transpose()?)
            }

            pub(super) async fn all_balances(pool: &$pool) -> Result<Vec<BalanceRow>, ReadStoreError> {
                let rows = sqlx::query(concat!("SELECT ", columns!(), " FROM ct_accounts"))
                    .fetch_all(pool)
                    .await?;
                Ok(rows.iter().map(row_from_sql).collect::<Result<_, _>>()?)
            }
        }
    };
}

backend!(sqlite, SqlitePool, sqlx::Sqlite);
backend!(postgres, PgPool, sqlx::Postgres);
