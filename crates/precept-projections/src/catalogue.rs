//! What a read-model database holds, read from its own catalogue: tables, columns, primary keys.
//!
//! What this is: the generic view that replay's freshness check, `replay --verify`'s
//! comparison and the replay bench's raw copy need, for SQLite (`sqlite_master`,
//! `pragma_table_info`) and PostgreSQL (`information_schema`, the current schema).
//! What this is not: the read models' own SQL, which names its tables and columns; nothing on
//! the projector or query paths reads the catalogue.

use sqlx::Row;

use crate::read_store::{ReadPool, ReadStore, ReadStoreError};

/// sqlx's bookkeeping table: not a read model, and skipped by everything here.
pub const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: String,
    /// Whether it holds integers (else text): read models hold nothing else (money is
    /// integer pence, dates are ISO text).
    pub integer: bool,
}

/// One read-model table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Its name.
    pub name: String,
    /// Its columns, in declaration order.
    pub columns: Vec<Column>,
    /// Positions in `columns` of the primary key's columns, in key order.
    pub key: Vec<usize>,
}

impl Table {
    /// The primary key's columns.
    pub fn key_columns(&self) -> impl Iterator<Item = &Column> {
        self.key.iter().map(|index| &self.columns[*index])
    }
}

/// Quotes an identifier taken from the catalogue, for SQL built at run time.
pub(crate) fn quoted(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

fn integer_type(declared: &str) -> bool {
    // SQLite's affinity rule (a declared type containing INT is an integer column), which
    // also covers PostgreSQL's bigint, integer and smallint.
    declared.to_ascii_uppercase().contains("INT")
}

impl ReadStore {
    /// Every read-model table (not sqlx's migrations table), sorted by name.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn tables(&self) -> Result<Vec<Table>, ReadStoreError> {
        let mut tables = match self.pool() {
            ReadPool::Sqlite(pool) => sqlite::tables(&pool).await?,
            ReadPool::Postgres(pool) => postgres::tables(&pool).await?,
        };
        tables.retain(|table| table.name != MIGRATIONS_TABLE);
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tables)
    }

    /// The first read-model table holding any row, or `None` when every one is empty: a
    /// fresh database, safe to replay into.
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn first_table_with_rows(&self) -> Result<Option<String>, ReadStoreError> {
        for table in self.tables().await? {
            let sql = format!("SELECT 1 FROM {} LIMIT 1", quoted(&table.name));
            let found = match self.pool() {
                ReadPool::Sqlite(pool) => sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_optional(&pool)
                    .await?
                    .is_some(),
                ReadPool::Postgres(pool) => sqlx::query(sqlx::AssertSqlSafe(sql))
                    .fetch_optional(&pool)
                    .await?
                    .is_some(),
            };
            if found {
                return Ok(Some(table.name));
            }
        }
        Ok(None)
    }
}

pub(crate) mod sqlite {
    use super::*;

    pub(crate) async fn has_table(pool: &sqlx::SqlitePool, name: &str) -> Result<bool, ReadStoreError> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(name)
            .fetch_optional(pool)
            .await?;
        Ok(found.is_some())
    }

    pub(super) async fn tables(pool: &sqlx::SqlitePool) -> Result<Vec<Table>, ReadStoreError> {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(pool)
        .await?;
        let mut tables = Vec::with_capacity(names.len());
        for name in names {
            // `pk` is the column's position in the primary key from 1, or 0 outside it.
            let rows = sqlx::query("SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid")
                .bind(&name)
                .fetch_all(pool)
                .await?;
            let mut columns = Vec::with_capacity(rows.len());
            let mut key = Vec::new();
            for (index, row) in rows.iter().enumerate() {
                let declared: String = row.try_get(1)?;
                columns.push(Column {
                    name: row.try_get(0)?,
                    integer: integer_type(&declared),
                });
                let position: i64 = row.try_get(2)?;
                if position > 0 {
                    key.push((position, index));
                }
            }
            key.sort_unstable();
            tables.push(Table {
                name,
                columns,
                key: key.into_iter().map(|(_, index)| index).collect(),
            });
        }
        Ok(tables)
    }
}

pub(crate) mod postgres {
    use super::*;

    pub(crate) async fn has_table(pool: &sqlx::PgPool, name: &str) -> Result<bool, ReadStoreError> {
        let found: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1",
        )
        .bind(name)
        .fetch_optional(pool)
        .await?;
        Ok(found.is_some())
    }

    pub(super) async fn tables(pool: &sqlx::PgPool) -> Result<Vec<Table>, ReadStoreError> {
        // information_schema's columns are domains; cast them to text for the driver.
        let columns = sqlx::query(
            "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
        )
        .fetch_all(pool)
        .await?;
        let keys = sqlx::query(
            "SELECT kcu.table_name::text, kcu.column_name::text FROM information_schema.table_constraints tc \
             JOIN information_schema.key_column_usage kcu ON kcu.constraint_schema = tc.constraint_schema \
             AND kcu.constraint_name = tc.constraint_name \
             WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = current_schema() \
             ORDER BY kcu.table_name, kcu.ordinal_position",
        )
        .fetch_all(pool)
        .await?;
        let mut tables: Vec<Table> = Vec::new();
        for row in &columns {
            let table: String = row.try_get(0)?;
            let declared: String = row.try_get(2)?;
            let column = Column {
                name: row.try_get(1)?,
                integer: integer_type(&declared),
            };
            match tables.last_mut() {
                Some(last) if last.name == table => last.columns.push(column),
                _ => tables.push(Table {
                    name: table,
                    columns: vec![column],
                    key: Vec::new(),
                }),
            }
        }
        for row in &keys {
            let table: String = row.try_get(0)?;
            let column: String = row.try_get(1)?;
            if let Some(table) = tables.iter_mut().find(|found| found.name == table)
                && let Some(index) = table.columns.iter().position(|found| found.name == column)
            {
                table.key.push(index);
            }
        }
        Ok(tables)
    }
}
