//! The finance reads (collection, precepts, benefits performance) for the partnership's
//! finance views, over the same read store as the drivers.

use chrono::NaiveDate;
use precept_app::FeedSource;
use precept_app::QueryError;
use precept_app::partnership::{BenefitsPerformance, CollectionFacts, FinanceReads, YearCollection};
use precept_domain::{CouncilCode, FinancialYear, Pence};

use crate::collection::{BUSINESS_RATES, COUNCIL_TAX};
use crate::drivers::{PartnershipDrivers, unavailable};
use crate::read_store::ReadPool;

fn months(rows: Vec<(String, i64)>) -> Vec<(String, Pence)> {
    rows.into_iter()
        .map(|(month, pence)| (month, Pence::new(pence)))
        .collect()
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

impl<F: FeedSource> FinanceReads for PartnershipDrivers<F> {
    async fn collection(&self, council: &CouncilCode, year: FinancialYear) -> Result<CollectionFacts, QueryError> {
        self.caught_up(council).await?;
        let (code, start) = (council.as_str(), year.start_year());
        let (ct, nndr, precepts, debit) = match &self.store.pool() {
            ReadPool::Sqlite(pool) => {
                use crate::collection::sqlite as q;
                (
                    q::by_month(pool, code, COUNCIL_TAX, start).await,
                    q::by_month(pool, code, BUSINESS_RATES, start).await,
                    q::precepts(pool, code, start).await,
                    q::debit(pool, code, start).await,
                )
            }
            ReadPool::Postgres(pool) => {
                use crate::collection::postgres as q;
                (
                    q::by_month(pool, code, COUNCIL_TAX, start).await,
                    q::by_month(pool, code, BUSINESS_RATES, start).await,
                    q::precepts(pool, code, start).await,
                    q::debit(pool, code, start).await,
                )
            }
        };
        let (ct_debit, nndr_debit) = debit.map_err(unavailable)?;
        Ok(CollectionFacts {
            council_tax: YearCollection {
                by_month: months(ct.map_err(unavailable)?),
                net_debit: Pence::new(ct_debit),
            },
            business_rates: YearCollection {
                by_month: months(nndr.map_err(unavailable)?),
                net_debit: Pence::new(nndr_debit),
            },
            precepts: precepts
                .map_err(unavailable)?
                .into_iter()
                .map(|(code, kind, pence)| (code, kind, Pence::new(pence)))
                .collect(),
        })
    }

    async fn benefits(
        &self,
        council: &CouncilCode,
        (from, to): (NaiveDate, NaiveDate),
    ) -> Result<BenefitsPerformance, QueryError> {
        self.caught_up(council).await?;
        let (from, to) = (from.to_string(), to.to_string());
        let row = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::benefits(pool, council.as_str(), (&from, &to)).await,
            ReadPool::Postgres(pool) => postgres::benefits(pool, council.as_str(), (&from, &to)).await,
        }
        .map_err(unavailable)?;
        Ok(BenefitsPerformance {
            new_claims: (unsigned(row.0), unsigned(row.1)),
            changes: (unsigned(row.2), unsigned(row.3)),
            uc_records: (unsigned(row.4), unsigned(row.5)),
            live_claims: unsigned(row.6),
        })
    }
}

type BenefitsRow = (i64, i64, i64, i64, i64, i64, i64);

macro_rules! backend {
    ($module:ident, $pool:ty) => {
        mod $module {
            use super::BenefitsRow;

            /// Decisions (count, days) for new claims and changes, UC records automated and
            /// sent to officers, and live claims.
            pub(super) async fn benefits(
                pool: &$pool,
                council: &str,
                (from, to): (&str, &str),
            ) -> Result<BenefitsRow, sqlx::Error> {
                sqlx::query_as(
                    "SELECT \
                     (SELECT COUNT(*) FROM benefit_decisions WHERE council = $1 AND measure = 'new_claim' \
                      AND decided >= $2 AND decided <= $3), \
                     (SELECT CAST(COALESCE(SUM(days), 0) AS BIGINT) FROM benefit_decisions WHERE council = $1 \
                      AND measure = 'new_claim' AND decided >= $2 AND decided <= $3), \
                     (SELECT COUNT(*) FROM benefit_decisions WHERE council = $1 AND measure = 'change' \
                      AND decided >= $2 AND decided <= $3), \
                     (SELECT CAST(COALESCE(SUM(days), 0) AS BIGINT) FROM benefit_decisions WHERE council = $1 \
                      AND measure = 'change' AND decided >= $2 AND decided <= $3), \
                     (SELECT CAST(COALESCE(SUM(automated), 0) AS BIGINT) FROM uc_imports WHERE council = $1 \
                      AND file_date >= $2 AND file_date <= $3), \
                     (SELECT CAST(COALESCE(SUM(needing_officer), 0) AS BIGINT) FROM uc_imports WHERE council = $1 \
                      AND file_date >= $2 AND file_date <= $3), \
                     (SELECT COUNT(*) FROM benefit_claims WHERE council = $1 AND status NOT IN ('refused', 'ended'))",
                )
                .bind(council)
                .bind(from)
                .bind(to)
                .fetch_one(pool)
                .await
            }
        }
    };
}

backend!(sqlite, sqlx::SqlitePool);
backend!(postgres, sqlx::PgPool);
