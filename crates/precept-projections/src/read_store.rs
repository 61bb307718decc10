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
use std::sync::{Arc, RwLock};
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

/// The connection pool of one read-model database.
///
/// Cheap to clone: each variant is a handle on a shared pool.
#[derive(Debug, Clone)]
pub enum ReadPool {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

impl ReadPool {
    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        match self {
            ReadPool::Sqlite(_) => Backend::Sqlite,
            ReadPool::Postgres(_) => Backend::Postgres,
        }
    }
}

/// A read-model database, shared by the projector and every query object.
///
/// Clones share one switchable pool: [`ReadStore::switch_to`] points every clone at another
/// database at once, which is how a rebuilt read model replaces the live one without a restart
/// (`crate::switch`). Each operation takes the current pool for its own duration, so an
/// operation already running finishes on the pool it started on.
#[derive(Debug, Clone)]
pub struct ReadStore {
    // A std lock, never held across an await: readers clone the pool handle (one reference
    // count) and let go at once, and a switch writes once. Uncontended, that is a few atomic
    // operations per query or batch, against a database round trip of tens of microseconds.
    current: Arc<RwLock<ReadPool>>,
}

/// Whether a database's migrations match this build's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationState {
    /// No migrations table: not a Precept read model (or an empty database).
    Missing,
    /// Every migration this build knows is applied.
    Current,
    /// Some of this build's migrations are not applied yet (an older read model).
    Behind {
        /// The versions still to run.
        pending: Vec<i64>,
    },
    /// Applied migrations this build does not know, failed ones, or changed checksums: a
    /// database of a newer or different build.
    Foreign {
        /// The offending versions.
        versions: Vec<i64>,
    },
}

impl ReadStore {
    /// Connects to `url` (`sqlite:...` or `postgres://...`), creating a SQLite file if need
    /// be, and runs migrations.
    ///
    /// # Errors
    /// [`ReadStoreError`].
    pub async fn connect(url: &str) -> Result<Self, ReadStoreError> {
        let store = Self::open_with(url, true, false).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens an existing database at `url` without creating or migrating anything: for
    /// inspecting a database before deciding to use it.
    ///
    /// # Errors
    /// [`ReadStoreError`]; a SQLite file that does not exist is [`ReadStoreError::Database`].
    pub async fn open_existing(url: &str) -> Result<Self, ReadStoreError> {
        Self::open_with(url, false, false).await
    }

    /// Opens an existing database at `url` for reading only (a SQLite file is opened
    /// read-only; PostgreSQL readers use read-only transactions): for comparing with a live
    /// read model without any chance of writing to it.
    ///
    /// # Errors
    /// [`ReadStoreError`].
    pub async fn open_read_only(url: &str) -> Result<Self, ReadStoreError> {
        Self::open_with(url, false, true).await
    }

    async fn open_with(url: &str, create: bool, read_only: bool) -> Result<Self, ReadStoreError> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(create)
                .read_only(read_only)
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
            ReadPool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            ReadPool::Postgres(PgPoolOptions::new().max_connections(8).connect_with(options).await?)
        } else {
            return Err(ReadStoreError::UnsupportedUrl);
        };
        Ok(ReadStore {
            current: Arc::new(RwLock::new(pool)),
        })
    }

    /// Runs this build's migrations (a no-op on a current database).
    ///
    /// # Errors
    /// [`ReadStoreError::Migrate`].
    pub async fn migrate(&self) -> Result<(), ReadStoreError> {
        match self.pool() {
            ReadPool::Sqlite(pool) => SQLITE_MIGRATOR.run(&pool).await?,
            ReadPool::Postgres(pool) => POSTGRES_MIGRATOR.run(&pool).await?,
        }
        Ok(())
    }

    /// Compares the database's applied migrations with this build's.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn migration_state(&self) -> Result<MigrationState, ReadStoreError> {
        let pool = self.pool();
        let applied = match &pool {
            ReadPool::Sqlite(pool) => sqlite::applied_migrations(pool).await?,
            ReadPool::Postgres(pool) => postgres::applied_migrations(pool).await?,
        };
        let Some(applied) = applied else {
            return Ok(MigrationState::Missing);
        };
        let migrator = match pool.backend() {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        Ok(migration_state(migrator, &applied))
    }

    /// The pool in use now. Take it per operation and let it go: a switch moves later
    /// operations to the new database.
    pub fn pool(&self) -> ReadPool {
        self.current
            .read()
            // The lock guards a plain handle swap that cannot panic half-way.
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Points this store and every clone of it at `other`'s database; returns the pool used
    /// until now. Operations already running finish on the old pool; the old pool closes when
    /// the last of them lets go of it.
    pub fn switch_to(&self, other: &ReadStore) -> ReadPool {
        let next = other.pool();
        let mut current = self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        std::mem::replace(&mut *current, next)
    }

    /// Points this store and every clone of it back at `pool` (undoing a switch that could
    /// not be completed).
    pub fn restore(&self, pool: ReadPool) {
        *self.current.write().unwrap_or_else(std::sync::PoisonError::into_inner) = pool;
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.pool().backend()
    }

    /// Closes the pool, waiting for connections to finish (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        match self.pool() {
            ReadPool::Sqlite(pool) => pool.close().await,
            ReadPool::Postgres(pool) => pool.close().await,
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
        match self.pool() {
            ReadPool::Sqlite(pool) => billing::sqlite::apply_batch(&pool, projector, council, commits, None).await,
            ReadPool::Postgres(pool) => billing::postgres::apply_batch(&pool, projector, council, commits, None).await,
        }
    }

    /// [`ReadStore::apply_batch`] for a replay: rows the replay folded in earlier batches come
    /// from `cache` instead of being read back and parsed, and on a fresh database rows not in
    /// the cache are known not to exist.
    ///
    /// # Errors
    /// [`ReadStoreError`]; on error nothing of the batch is written, and `cache` must be
    /// dropped (it may have lost rows).
    pub(crate) async fn apply_replay_batch(
        &self,
        projector: &str,
        council: &str,
        commits: &[FeedCommit],
        cache: &mut billing::RowCache,
    ) -> Result<u64, ReadStoreError> {
        match self.pool() {
            ReadPool::Sqlite(pool) => {
                billing::sqlite::apply_batch(&pool, projector, council, commits, Some(cache)).await
            }
            ReadPool::Postgres(pool) => {
                billing::postgres::apply_batch(&pool, projector, council, commits, Some(cache)).await
            }
        }
    }

    /// The projector's checkpoint for a council (0 before its first batch).
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn checkpoint(&self, projector: &str, council: &str) -> Result<u64, ReadStoreError> {
        match self.pool() {
            ReadPool::Sqlite(pool) => sqlite::checkpoint(&pool, projector, council).await,
            ReadPool::Postgres(pool) => postgres::checkpoint(&pool, projector, council).await,
        }
    }

    /// One account's row.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn account_balance(&self, council: &str, account_id: &str) -> Result<Option<BalanceRow>, ReadStoreError> {
        match self.pool() {
            ReadPool::Sqlite(pool) => sqlite::account_balance(&pool, council, account_id).await,
            ReadPool::Postgres(pool) => postgres::account_balance(&pool, council, account_id).await,
        }
    }

    /// Every balance row, sorted by council and account id.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn all_balances(&self) -> Result<Vec<BalanceRow>, ReadStoreError> {
        let mut rows = match self.pool() {
            ReadPool::Sqlite(pool) => sqlite::all_balances(&pool).await?,
            ReadPool::Postgres(pool) => postgres::all_balances(&pool).await?,
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

/// A migration as a database records it: version, success, checksum.
type AppliedMigration = (i64, bool, Vec<u8>);

fn migration_state(migrator: &sqlx::migrate::Migrator, applied: &[AppliedMigration]) -> MigrationState {
    let foreign: Vec<i64> = applied
        .iter()
        .filter(|(version, success, checksum)| {
            !*success
                || !migrator
                    .iter()
                    .any(|known| known.version == *version && known.checksum.as_ref() == checksum.as_slice())
        })
        .map(|(version, ..)| *version)
        .collect();
    if !foreign.is_empty() {
        return MigrationState::Foreign { versions: foreign };
    }
    let pending: Vec<i64> = migrator
        .iter()
        .map(|known| known.version)
        .filter(|version| !applied.iter().any(|(applied, ..)| applied == version))
        .collect();
    if pending.is_empty() {
        MigrationState::Current
    } else {
        MigrationState::Behind { pending }
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

            /// The applied migrations, or `None` without a migrations table.
            pub(super) async fn applied_migrations(
                pool: &$pool,
            ) -> Result<Option<Vec<AppliedMigration>>, ReadStoreError> {
                if !crate::catalogue::$module::has_table(pool, "_sqlx_migrations").await? {
                    return Ok(None);
                }
                let rows: Vec<AppliedMigration> =
                    sqlx::query_as("SELECT version, success, checksum FROM _sqlx_migrations ORDER BY version")
                        .fetch_all(pool)
                        .await?;
                Ok(Some(rows))
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
