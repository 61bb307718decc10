//! Comparing a live read model with a rebuilt one, table by table and row by row.
//!
//! What this is: the comparison behind `precept replay --verify`. The live side is read inside
//! one [`Snapshot`] (a read transaction: PostgreSQL `REPEATABLE READ READ ONLY`, SQLite's WAL
//! read snapshot), so a projector writing meanwhile cannot tear it. Tables, columns and primary
//! keys come from each database's catalogue; values are compared as text, which both backends
//! give alike for the integers and text read models hold; rows are walked in primary-key order
//! on both sides at once (a merge), so memory stays flat however large the tables.
//! What this is not: a diff of meaning. A differing `doc` column says the folded state differs,
//! not how; reading it is the operator's next step.

use std::cmp::Ordering;
use std::fmt;

use futures::StreamExt;
use futures::stream::BoxStream;
use sqlx::Row;

use crate::catalogue::{Table, quoted};
use crate::read_store::{Backend, ReadPool, ReadStore, ReadStoreError, sequence_from_sql};

/// A row's values as text, in the table's column order (`None` for SQL NULL).
type TextRow = Vec<Option<String>>;

/// One difference between the live and the rebuilt read model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// A column of a row present on both sides differs.
    Value {
        /// The table.
        table: String,
        /// The row's primary key, column by column.
        key: Vec<(String, String)>,
        /// The column.
        column: String,
        /// The live value (`None`: NULL).
        live: Option<String>,
        /// The rebuilt value (`None`: NULL).
        rebuilt: Option<String>,
    },
    /// A row only the live read model has.
    MissingFromRebuilt {
        /// The table.
        table: String,
        /// The row's primary key.
        key: Vec<(String, String)>,
    },
    /// A row only the rebuilt read model has.
    MissingFromLive {
        /// The table.
        table: String,
        /// The row's primary key.
        key: Vec<(String, String)>,
    },
    /// The table is missing on one side, or its columns differ: its rows are not compared.
    Schema {
        /// The table.
        table: String,
        /// What differs.
        reason: String,
    },
}

fn show_key(key: &[(String, String)]) -> String {
    key.iter()
        .map(|(column, value)| format!("{column}={value}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn show_value(value: Option<&String>) -> String {
    value.map_or_else(|| "NULL".to_owned(), |value| format!("{value:?}"))
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Drift::Value {
                table,
                key,
                column,
                live,
                rebuilt,
            } => write!(
                f,
                "{table} [{}] {column}: live {} rebuilt {}",
                show_key(key),
                show_value(live.as_ref()),
                show_value(rebuilt.as_ref())
            ),
            Drift::MissingFromRebuilt { table, key } => {
                write!(f, "{table} [{}]: in the live read model only", show_key(key))
            }
            Drift::MissingFromLive { table, key } => {
                write!(f, "{table} [{}]: in the rebuilt read model only", show_key(key))
            }
            Drift::Schema { table, reason } => write!(f, "{table}: {reason}"),
        }
    }
}

/// What a comparison found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftReport {
    /// The differences, up to the limit asked for, in table then key order.
    pub drifts: Vec<Drift>,
    /// Differences found beyond the limit (counted, not kept).
    pub more: u64,
    /// Tables compared.
    pub tables: usize,
    /// Rows read from the live side.
    pub live_rows: u64,
}

impl DriftReport {
    /// Whether the read models are identical.
    pub fn is_clean(&self) -> bool {
        self.drifts.is_empty() && self.more == 0
    }

    fn push(&mut self, drift: Drift, limit: usize) {
        if self.drifts.len() < limit {
            self.drifts.push(drift);
        } else {
            self.more += 1;
        }
    }
}

/// A read snapshot of one database: every read through it sees the same moment.
pub struct Snapshot {
    transaction: SnapshotTransaction,
    tables: Vec<Table>,
}

enum SnapshotTransaction {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl ReadStore {
    /// Opens a read snapshot of the database.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn snapshot(&self) -> Result<Snapshot, ReadStoreError> {
        let tables = self.tables().await?;
        let transaction = match self.pool() {
            ReadPool::Sqlite(pool) => {
                let mut transaction = pool.begin().await?;
                // SQLite takes a WAL read snapshot at a transaction's first read: take it now.
                sqlx::query("SELECT count(*) FROM sqlite_master")
                    .execute(&mut *transaction)
                    .await?;
                SnapshotTransaction::Sqlite(transaction)
            }
            ReadPool::Postgres(pool) => {
                let mut transaction = pool.begin().await?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *transaction)
                    .await?;
                SnapshotTransaction::Postgres(transaction)
            }
        };
        Ok(Snapshot { transaction, tables })
    }
}

impl Snapshot {
    /// The projector's checkpoint for a council as of the snapshot (0 before its first batch).
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn checkpoint(&mut self, projector: &str, council: &str) -> Result<u64, ReadStoreError> {
        const SQL: &str = "SELECT last_sequence FROM projector_checkpoints WHERE projector = $1 AND council = $2";
        let found: Option<i64> = match &mut self.transaction {
            SnapshotTransaction::Sqlite(transaction) => {
                sqlx::query_scalar(SQL)
                    .bind(projector)
                    .bind(council)
                    .fetch_optional(&mut **transaction)
                    .await?
            }
            SnapshotTransaction::Postgres(transaction) => {
                sqlx::query_scalar(SQL)
                    .bind(projector)
                    .bind(council)
                    .fetch_optional(&mut **transaction)
                    .await?
            }
        };
        Ok(found.map_or(0, sequence_from_sql))
    }

    /// Compares every table of this snapshot (the live side) with `rebuilt`, keeping up to
    /// `limit` differences. `rebuilt` must not change meanwhile.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn compare_with(&mut self, rebuilt: &ReadStore, limit: usize) -> Result<DriftReport, ReadStoreError> {
        let mut report = DriftReport::default();
        let rebuilt_tables = rebuilt.tables().await?;
        let rebuilt_pool = rebuilt.pool();
        for table in self.tables.clone() {
            let Some(other) = rebuilt_tables.iter().find(|other| other.name == table.name) else {
                report.push(
                    Drift::Schema {
                        table: table.name.clone(),
                        reason: "missing from the rebuilt read model".into(),
                    },
                    limit,
                );
                continue;
            };
            let names = |table: &Table| table.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
            if names(&table) != names(other) || table.key != other.key {
                report.push(
                    Drift::Schema {
                        table: table.name.clone(),
                        reason: format!("columns differ: live {:?}, rebuilt {:?}", names(&table), names(other)),
                    },
                    limit,
                );
                continue;
            }
            report.tables += 1;
            let live_rows = self.rows(&table);
            let rebuilt_rows = rows_of(&rebuilt_pool, &table);
            compare_table(&table, live_rows, rebuilt_rows, &mut report, limit).await?;
        }
        for other in rebuilt_tables
            .iter()
            .filter(|other| !self.tables.iter().any(|t| t.name == other.name))
        {
            report.push(
                Drift::Schema {
                    table: other.name.clone(),
                    reason: "missing from the live read model".into(),
                },
                limit,
            );
        }
        Ok(report)
    }

    /// Ends the snapshot.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn close(self) -> Result<(), ReadStoreError> {
        match self.transaction {
            SnapshotTransaction::Sqlite(transaction) => transaction.rollback().await?,
            SnapshotTransaction::Postgres(transaction) => transaction.rollback().await?,
        }
        Ok(())
    }

    fn rows<'a>(&'a mut self, table: &Table) -> BoxStream<'a, Result<TextRow, sqlx::Error>> {
        let width = table.columns.len();
        match &mut self.transaction {
            SnapshotTransaction::Sqlite(transaction) => {
                let sql = select_as_text(table, Backend::Sqlite);
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch(&mut **transaction)
                    .map(move |row| row.and_then(|row| text_row(&row, width)))
                    .boxed()
            }
            SnapshotTransaction::Postgres(transaction) => {
                let sql = select_as_text(table, Backend::Postgres);
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch(&mut **transaction)
                    .map(move |row| row.and_then(|row| text_row(&row, width)))
                    .boxed()
            }
        }
    }
}

fn rows_of<'a>(pool: &'a ReadPool, table: &Table) -> BoxStream<'a, Result<TextRow, sqlx::Error>> {
    let width = table.columns.len();
    let sql = select_as_text(table, pool.backend());
    match pool {
        ReadPool::Sqlite(pool) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch(pool)
            .map(move |row| row.and_then(|row| text_row(&row, width)))
            .boxed(),
        ReadPool::Postgres(pool) => sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch(pool)
            .map(move |row| row.and_then(|row| text_row(&row, width)))
            .boxed(),
    }
}

fn text_row<R: Row>(row: &R, width: usize) -> Result<TextRow, sqlx::Error>
where
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    (0..width).map(|index| row.try_get(index)).collect()
}

/// Every column as text, in primary-key order: integers numerically, text byte by byte on
/// both backends (PostgreSQL's "C" collation is SQLite's BINARY), so two databases on
/// different backends come back in the same order.
fn select_as_text(table: &Table, backend: Backend) -> String {
    let columns = table
        .columns
        .iter()
        .map(|column| match backend {
            Backend::Sqlite => format!("CAST({} AS TEXT)", quoted(&column.name)),
            Backend::Postgres => format!("{}::text", quoted(&column.name)),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let order = table
        .key_columns()
        .map(|column| match (backend, column.integer) {
            (Backend::Postgres, false) => format!("{} COLLATE \"C\"", quoted(&column.name)),
            _ => quoted(&column.name),
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!("SELECT {columns} FROM {} ORDER BY {order}", quoted(&table.name))
}

/// Orders two rows by primary key, as `select_as_text` sorts them.
fn key_order(table: &Table, left: &TextRow, right: &TextRow) -> Ordering {
    for &index in &table.key {
        let (a, b) = (left[index].as_deref(), right[index].as_deref());
        let order = if table.columns[index].integer {
            let number = |value: Option<&str>| value.and_then(|value| value.parse::<i64>().ok());
            number(a).cmp(&number(b))
        } else {
            a.map(str::as_bytes).cmp(&b.map(str::as_bytes))
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

fn key_of(table: &Table, row: &TextRow) -> Vec<(String, String)> {
    table
        .key
        .iter()
        .map(|&index| {
            (
                table.columns[index].name.clone(),
                row[index].clone().unwrap_or_default(),
            )
        })
        .collect()
}

async fn compare_table(
    table: &Table,
    mut live: BoxStream<'_, Result<TextRow, sqlx::Error>>,
    mut rebuilt: BoxStream<'_, Result<TextRow, sqlx::Error>>,
    report: &mut DriftReport,
    limit: usize,
) -> Result<(), ReadStoreError> {
    let mut left = live.next().await.transpose()?;
    let mut right = rebuilt.next().await.transpose()?;
    loop {
        let order = match (&left, &right) {
            (None, None) => return Ok(()),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(a), Some(b)) => key_order(table, a, b),
        };
        match order {
            Ordering::Less => {
                let row = left.take().expect("a live row is in hand");
                report.live_rows += 1;
                let key = key_of(table, &row);
                report.push(
                    Drift::MissingFromRebuilt {
                        table: table.name.clone(),
                        key,
                    },
                    limit,
                );
                left = live.next().await.transpose()?;
            }
            Ordering::Greater => {
                let row = right.take().expect("a rebuilt row is in hand");
                let key = key_of(table, &row);
                report.push(
                    Drift::MissingFromLive {
                        table: table.name.clone(),
                        key,
                    },
                    limit,
                );
                right = rebuilt.next().await.transpose()?;
            }
            Ordering::Equal => {
                let (a, b) = (
                    left.take().expect("a live row is in hand"),
                    right.take().expect("a rebuilt row is in hand"),
                );
                report.live_rows += 1;
                for (index, column) in table.columns.iter().enumerate() {
                    if a[index] != b[index] {
                        report.push(
                            Drift::Value {
                                table: table.name.clone(),
                                key: key_of(table, &a),
                                column: column.name.clone(),
                                live: a[index].clone(),
                                rebuilt: b[index].clone(),
                            },
                            limit,
                        );
                    }
                }
                left = live.next().await.transpose()?;
                right = rebuilt.next().await.transpose()?;
            }
        }
    }
}
