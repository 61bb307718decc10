//! The raw write rate a replay is held against: the rebuilt read model's own rows, read back
//! and written into a fresh database with nothing but multi-row upserts.
//!
//! Same tables (this build's migrations, so the same keys and indexes), same statement shape
//! as `ReadStore` (`INSERT ... VALUES (...), ... ON CONFLICT (key) DO UPDATE`, 500 rows a
//! statement) and the same transaction size in rows as a replay batch; no decoding, folding,
//! reading back or checkpoints. That is the floor under any replay into that database.

use std::time::{Duration, Instant};

use precept_projections::{ReadPool, ReadStore, Table};
use sqlx::{QueryBuilder, Row};

/// Rows per statement, as `ReadStore` writes them.
const ROWS_PER_STATEMENT: usize = 500;

/// One value of a read-model row: read models hold integers and text only.
#[derive(Debug, Clone)]
enum Value {
    Integer(Option<i64>),
    Text(Option<String>),
}

/// Every row of one table.
struct TableRows {
    table: Table,
    rows: Vec<Vec<Value>>,
}

/// What the raw copy measured.
pub(crate) struct RawCopy {
    /// Rows written.
    pub rows: u64,
    /// Time spent writing them (reading them back is not timed).
    pub elapsed: Duration,
}

/// Reads every row of `from`, then times writing them into `to` (fresh and migrated) with
/// multi-row upserts, `rows_per_transaction` rows a transaction.
///
/// # Errors
/// Any database failure.
pub(crate) async fn copy(from: &ReadStore, to: &ReadStore, rows_per_transaction: usize) -> anyhow::Result<RawCopy> {
    let mut tables = Vec::new();
    for table in from.tables().await? {
        let rows = read_rows(&from.pool(), &table).await?;
        tables.push(TableRows { table, rows });
    }
    let rows: u64 = tables.iter().map(|table| table.rows.len() as u64).sum();
    let started = Instant::now();
    match to.pool() {
        ReadPool::Sqlite(pool) => sqlite::write(&pool, &tables, rows_per_transaction).await?,
        ReadPool::Postgres(pool) => postgres::write(&pool, &tables, rows_per_transaction).await?,
    }
    Ok(RawCopy {
        rows,
        elapsed: started.elapsed(),
    })
}

fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn select_all(table: &Table) -> String {
    let columns: Vec<String> = table.columns.iter().map(|column| quoted(&column.name)).collect();
    format!("SELECT {} FROM {}", columns.join(", "), quoted(&table.name))
}

/// `INSERT INTO t (...) ` and the matching ` ON CONFLICT (key) DO UPDATE SET ...`.
fn upsert_parts(table: &Table) -> (String, String) {
    let columns: Vec<String> = table.columns.iter().map(|column| quoted(&column.name)).collect();
    let insert = format!("INSERT INTO {} ({}) ", quoted(&table.name), columns.join(", "));
    let key: Vec<String> = table.key_columns().map(|column| quoted(&column.name)).collect();
    let updates: Vec<String> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(index, _)| !table.key.contains(index))
        .map(|(_, column)| format!("{0} = excluded.{0}", quoted(&column.name)))
        .collect();
    let conflict = if updates.is_empty() {
        format!(" ON CONFLICT ({}) DO NOTHING", key.join(", "))
    } else {
        format!(" ON CONFLICT ({}) DO UPDATE SET {}", key.join(", "), updates.join(", "))
    };
    (insert, conflict)
}

async fn read_rows(pool: &ReadPool, table: &Table) -> anyhow::Result<Vec<Vec<Value>>> {
    let sql = sqlx::AssertSqlSafe(select_all(table));
    let decode = |row: &dyn Fn(usize, bool) -> Result<Value, sqlx::Error>| {
        table
            .columns
            .iter()
            .enumerate()
            .map(|(index, column)| row(index, column.integer))
            .collect::<Result<Vec<_>, _>>()
    };
    let rows = match pool {
        ReadPool::Sqlite(pool) => sqlx::query(sql)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| {
                decode(&|index, integer| {
                    Ok(if integer {
                        Value::Integer(row.try_get(index)?)
                    } else {
                        Value::Text(row.try_get(index)?)
                    })
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
        ReadPool::Postgres(pool) => sqlx::query(sql)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|row| {
                decode(&|index, integer| {
                    // PostgreSQL's INTEGER columns (years) decode as i32; BIGINT as i64.
                    Ok(if integer {
                        Value::Integer(match row.try_get::<Option<i64>, _>(index) {
                            Ok(value) => value,
                            Err(_) => row.try_get::<Option<i32>, _>(index)?.map(i64::from),
                        })
                    } else {
                        Value::Text(row.try_get(index)?)
                    })
                })
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(rows)
}

macro_rules! backend {
    ($module:ident, $pool:ty, $db:ty) => {
        mod $module {
            use super::*;

            pub(super) async fn write(
                pool: &$pool,
                tables: &[TableRows],
                rows_per_transaction: usize,
            ) -> anyhow::Result<()> {
                for TableRows { table, rows } in tables {
                    let (insert, conflict) = upsert_parts(table);
                    for transaction_rows in rows.chunks(rows_per_transaction.max(1)) {
                        let mut transaction = pool.begin().await?;
                        for statement_rows in transaction_rows.chunks(ROWS_PER_STATEMENT) {
                            let mut upsert = QueryBuilder::<$db>::new(insert.clone());
                            upsert.push_values(statement_rows, |mut values, row| {
                                for value in row {
                                    match value {
                                        Value::Integer(number) => values.push_bind(*number),
                                        Value::Text(text) => values.push_bind(text.clone()),
                                    };
                                }
                            });
                            upsert.push(&conflict);
                            upsert.build().execute(&mut *transaction).await?;
                        }
                        transaction.commit().await?;
                    }
                }
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::SqlitePool, sqlx::Sqlite);
backend!(postgres, sqlx::PgPool, sqlx::Postgres);
