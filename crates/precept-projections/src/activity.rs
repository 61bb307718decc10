//! The activity read model (`activity_daily`): work done per day, by the council it is
//! attributed to, counted from the account events of each batch the `ct-billing` projector
//! folds. It is what the partnership's activity drivers are read from (REFERENCE §5.3).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use precept_domain::partnership::ActivityKind;
use sqlx::QueryBuilder;

use crate::read_store::{ReadPool, ReadStore, ReadStoreError};

/// A service whose work is counted.
pub const COUNCIL_TAX: &str = "council_tax";
/// A service whose work is counted.
pub const BUSINESS_RATES: &str = "business_rates";

/// Counts of one batch, by who did the work (`None`: the stream's own council), service,
/// day and kind.
#[derive(Debug, Default)]
pub struct ActivityTally(BTreeMap<(Option<String>, &'static str, NaiveDate, ActivityKind), i64>);

impl ActivityTally {
    /// Counts one piece of work.
    pub fn add(&mut self, done_by: Option<String>, service: &'static str, (kind, day): (ActivityKind, NaiveDate)) {
        self.add_many(done_by, service, (kind, day), 1);
    }

    /// Counts `count` pieces of the same work.
    pub fn add_many(
        &mut self,
        done_by: Option<String>,
        service: &'static str,
        (kind, day): (ActivityKind, NaiveDate),
        count: i64,
    ) {
        *self.0.entry((done_by, service, day, kind)).or_insert(0) += count;
    }
}

/// Rows per multi-row statement (6 columns).
const ROWS_MAX: usize = 2_000;

macro_rules! backend {
    ($module:ident, $db:ty, $pool:ty) => {
        pub(crate) mod $module {
            use super::*;

            /// Adds the batch's counts to the stored ones.
            pub(crate) async fn write(
                tx: &mut sqlx::Transaction<'_, $db>,
                council: &str,
                tally: &ActivityTally,
            ) -> Result<(), ReadStoreError> {
                let rows: Vec<_> = tally.0.iter().collect();
                for chunk in rows.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO activity_daily (council, done_by, service, day, kind, count) ",
                    );
                    upsert.push_values(chunk, |mut values, ((done_by, service, day, kind), count)| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(done_by.clone().unwrap_or_else(|| council.to_owned()))
                            .push_bind(*service)
                            .push_bind(day.to_string())
                            .push_bind(kind.name())
                            .push_bind(**count);
                    });
                    upsert.push(
                        " ON CONFLICT (council, done_by, service, day, kind) DO UPDATE \
                         SET count = activity_daily.count + excluded.count",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            pub(crate) async fn counts(
                pool: &$pool,
                done_by: &str,
                service: &str,
                (from, to): (&str, &str),
            ) -> Result<Vec<(String, i64)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT kind, CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM activity_daily \
                     WHERE done_by = $1 AND service = $2 AND day >= $3 AND day <= $4 GROUP BY kind ORDER BY kind",
                )
                .bind(done_by)
                .bind(service)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, sqlx::SqlitePool);
backend!(postgres, sqlx::Postgres, sqlx::PgPool);

impl ReadStore {
    /// The work `done_by` did for `service` (any council's) from `from` to `to`, by kind
    /// (`bills_issued`, `payments_processed`, `recovery_actions`).
    ///
    /// # Errors
    /// [`ReadStoreError::Database`].
    pub async fn activity(
        &self,
        done_by: &str,
        service: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<BTreeMap<String, i64>, ReadStoreError> {
        let (from, to) = (from.to_string(), to.to_string());
        let rows = match &self.pool() {
            ReadPool::Sqlite(pool) => sqlite::counts(pool, done_by, service, (&from, &to)).await?,
            ReadPool::Postgres(pool) => postgres::counts(pool, done_by, service, (&from, &to)).await?,
        };
        Ok(rows.into_iter().collect())
    }
}
