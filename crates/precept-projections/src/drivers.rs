//! The partnership's drivers read from the read models (REFERENCE §5.3): caseloads on a day
//! from the Council Tax and business rates tables, activity over a period from
//! `activity_daily`, per member council. Each read first waits for the member's stream to be
//! folded up to now, so a view sees every commit made before it was asked for.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use precept_app::partnership::DriverReads;
use precept_app::{FeedSource, QueryError};
use precept_domain::CouncilCode;
use precept_domain::partnership::{Driver, DriverValues};

use crate::projector::Progress;
use crate::read_store::{ReadPool, ReadStore};

/// Driver reads over a read store, aware of the projector's progress.
#[derive(Clone)]
pub struct PartnershipDrivers<F> {
    pub(crate) store: ReadStore,
    progress: Progress,
    source: std::sync::Arc<F>,
    wait_max: Duration,
}

pub(crate) fn unavailable(error: impl std::fmt::Display) -> QueryError {
    QueryError::Unavailable(error.to_string())
}

impl<F: FeedSource> PartnershipDrivers<F> {
    /// Reads on `store`; `progress` and `source` let them wait for the projector.
    pub fn new(store: ReadStore, progress: Progress, source: std::sync::Arc<F>, wait_max: Duration) -> Self {
        PartnershipDrivers {
            store,
            progress,
            source,
            wait_max,
        }
    }
}

impl<F: FeedSource> PartnershipDrivers<F> {
    /// Waits until `council`'s stream is folded up to now.
    pub(crate) async fn caught_up(&self, council: &CouncilCode) -> Result<(), QueryError> {
        let last = self.source.last_sequence(council).await.map_err(unavailable)?;
        crate::projector::wait_for_sequence(&self.progress, council, last, self.wait_max).await
    }
}

impl<F: FeedSource> DriverReads for PartnershipDrivers<F> {
    async fn drivers(
        &self,
        members: &[CouncilCode],
        on: NaiveDate,
        (from, to): (NaiveDate, NaiveDate),
    ) -> Result<DriverValues, QueryError> {
        let mut values = BTreeMap::new();
        let (on, from, to) = (on.to_string(), from.to_string(), to.to_string());
        for member in members {
            self.caught_up(member).await?;
            let code = member.as_str();
            let (caseload, activity) = match &self.store.pool() {
                ReadPool::Sqlite(pool) => (
                    sqlite::caseload(pool, code, &on).await,
                    sqlite::activity(pool, code, (&from, &to)).await,
                ),
                ReadPool::Postgres(pool) => (
                    postgres::caseload(pool, code, &on).await,
                    postgres::activity(pool, code, (&from, &to)).await,
                ),
            };
            let (accounts, hereditaments, rateable_value, claims) = caseload.map_err(unavailable)?;
            let count = |value: i64| u64::try_from(value).unwrap_or(0);
            values.insert((Driver::LiveCouncilTaxAccounts, member.clone()), count(accounts));
            values.insert((Driver::Hereditaments, member.clone()), count(hereditaments));
            values.insert((Driver::RateableValue, member.clone()), count(rateable_value));
            values.insert((Driver::BenefitClaims, member.clone()), count(claims));
            for (kind, total) in activity.map_err(unavailable)? {
                let driver = match kind.as_str() {
                    "bills_issued" => Driver::BillsIssued,
                    "payments_processed" => Driver::PaymentsProcessed,
                    "recovery_actions" => Driver::RecoveryActions,
                    "uc_records_handled" => Driver::UcRecordsHandled,
                    "claims_assessed" => Driver::ClaimsAssessed,
                    _ => continue,
                };
                values.insert((driver, member.clone()), count(total));
            }
        }
        Ok(DriverValues(values))
    }
}

macro_rules! backend {
    ($module:ident, $pool:ty) => {
        mod $module {


            /// Live Council Tax accounts, hereditaments with a live business rates account, the
            /// current rateable value of the hereditaments on the list, on `on`; and benefit
            /// claims received by `on` and not refused or ended (as they stand now).
            pub(super) async fn caseload(
                pool: &$pool,
                council: &str,
                on: &str,
            ) -> Result<(i64, i64, i64, i64), sqlx::Error> {
                sqlx::query_as(
                    "SELECT \
                     (SELECT COUNT(*) FROM ct_accounts WHERE council = $1 AND liability_start <= $2 \
                      AND (liability_end IS NULL OR liability_end >= $2)), \
                     (SELECT COUNT(DISTINCT hereditament) FROM nndr_accounts WHERE council = $1 \
                      AND liability_start <= $2 AND (liability_end IS NULL OR liability_end >= $2)), \
                     (SELECT CAST(COALESCE(SUM(rateable_value), 0) AS BIGINT) FROM nndr_hereditaments \
                      WHERE council = $1 AND listed_from <= $2 AND (removed_from IS NULL OR removed_from > $2)), \
                     (SELECT COUNT(*) FROM benefit_claims WHERE council = $1 AND received <= $2 \
                      AND status NOT IN ('refused', 'ended'))",
                )
                .bind(council)
                .bind(on)
                .fetch_one(pool)
                .await
            }

            /// Work attributed to `council` over the period, by kind, every service.
            pub(super) async fn activity(
                pool: &$pool,
                council: &str,
                (from, to): (&str, &str),
            ) -> Result<Vec<(String, i64)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT kind, CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM activity_daily \
                     WHERE done_by = $1 AND day >= $2 AND day <= $3 GROUP BY kind",
                )
                .bind(council)
                .bind(from)
                .bind(to)
                .fetch_all(pool)
                .await
            }
        }
    };
}

backend!(sqlite, sqlx::SqlitePool);
backend!(postgres, sqlx::PgPool);
