//! Reading the recovery read model: the caseload by stage, selections of steps (the day's
//! notices, a hearing's summons list, agent referral files) and one account's recovery.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use precept_app::QueryError;
use precept_app::council_tax::{
    Caseload, ListedStep, RecoveryReads, RecoveryStepView, RecoveryYearView, StageTotals, StepQuery, StepSelection,
};
use precept_domain::{AccountId, CouncilCode, FinancialYear};
use sqlx::{QueryBuilder, Row};

use super::rows::{NOTICE_KINDS, STAGE_ORDER};
use crate::projector::Progress;
use crate::read_store::{ReadPool, ReadStore};

/// Recovery queries over a read store, aware of the projector's progress.
#[derive(Clone)]
pub struct RecoveryQueries {
    store: ReadStore,
    progress: Progress,
    wait_max: Duration,
}

impl RecoveryQueries {
    /// Queries on `store`, with `progress` from the projector writing it.
    pub fn new(store: ReadStore, progress: Progress, wait_max: Duration) -> Self {
        RecoveryQueries {
            store,
            progress,
            wait_max,
        }
    }

    async fn wait_for(&self, council: &CouncilCode, sequence: u64) -> Result<(), QueryError> {
        crate::projector::wait_for_sequence(&self.progress, council, sequence, self.wait_max).await
    }
}

fn unavailable(error: impl std::fmt::Display) -> QueryError {
    QueryError::Unavailable(error.to_string())
}

/// One group of the caseload query: stage, remedy, on hold, arrangement, and its totals.
type Group = (String, Option<String>, bool, bool, u64, i64, i64);

fn caseload_from(groups: Vec<Group>) -> Caseload {
    let mut stages: BTreeMap<usize, StageTotals> = BTreeMap::new();
    let mut remedies: BTreeMap<String, StageTotals> = BTreeMap::new();
    let mut caseload = Caseload::default();
    for (stage, remedy, on_hold, arrangement, accounts, outstanding, costs) in groups {
        let order = STAGE_ORDER
            .iter()
            .position(|name| *name == stage)
            .unwrap_or(STAGE_ORDER.len());
        let add = |totals: &mut StageTotals| {
            totals.accounts += accounts;
            totals.outstanding_pence += outstanding;
            totals.costs_pence += costs;
        };
        add(stages.entry(order).or_insert_with(|| named(&stage)));
        if let Some(remedy) = remedy {
            add(remedies.entry(remedy.clone()).or_insert_with(|| named(&remedy)));
        }
        caseload.on_hold += if on_hold { accounts } else { 0 };
        caseload.arrangements += if arrangement { accounts } else { 0 };
    }
    caseload.stages = stages.into_values().collect();
    caseload.remedies = remedies.into_values().collect();
    caseload
}

fn named(stage: &str) -> StageTotals {
    StageTotals {
        stage: stage.to_owned(),
        ..StageTotals::default()
    }
}

fn date(text: Option<String>) -> Result<Option<NaiveDate>, sqlx::Error> {
    text.map(|text| text.parse().map_err(|error| sqlx::Error::Decode(Box::new(error))))
        .transpose()
}

fn unsigned(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// Decodes the step columns, which come first in a row (see `step_columns!`).
fn step_from<R: Row>(row: &R) -> Result<RecoveryStepView, sqlx::Error>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    Ok(RecoveryStepView {
        sequence: unsigned(row.try_get(0)?),
        position: u32::try_from(row.try_get::<i64, _>(1)?).unwrap_or(0),
        account_id: row.try_get(2)?,
        year: row.try_get(3)?,
        kind: row.try_get(4)?,
        date: date(Some(row.try_get(5)?))?.unwrap_or_default(),
        amount_pence: row.try_get(6)?,
        costs_pence: row.try_get(7)?,
        pay_by: date(row.try_get(8)?)?,
        hearing: date(row.try_get(9)?)?,
        counterparty: row.try_get(10)?,
        detail: row.try_get(11)?,
    })
}

/// Decodes the year columns starting at `at` (see `year_columns!`); `None` when the join
/// found no row.
fn year_from<R: Row>(row: &R, at: usize) -> Result<Option<RecoveryYearView>, sqlx::Error>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i32: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let Some(account_id) = row.try_get::<Option<String>, _>(at)? else {
        return Ok(None);
    };
    Ok(Some(RecoveryYearView {
        account_id,
        year: row.try_get(at + 1)?,
        stage: row.try_get(at + 2)?,
        reminders: u32::try_from(row.try_get::<i64, _>(at + 3)?).unwrap_or(0),
        hearing: date(row.try_get(at + 4)?)?,
        liability_order_on: date(row.try_get(at + 5)?)?,
        outstanding_pence: row.try_get(at + 6)?,
        costs_pence: row.try_get(at + 7)?,
        written_off_pence: row.try_get(at + 8)?,
        agent_fees_pence: row.try_get(at + 9)?,
        arrangement: row.try_get::<i64, _>(at + 10)? != 0,
        remedy: row.try_get(at + 11)?,
        counterparty: row.try_get(at + 12)?,
        on_hold: row.try_get::<i64, _>(at + 13)? != 0,
    }))
}

macro_rules! step_columns {
    () => {
        "s.sequence, s.position, s.account_id, s.year, s.kind, s.step_date, s.amount_pence, s.costs_pence, \
         s.pay_by, s.hearing, s.counterparty, s.detail"
    };
}

macro_rules! year_columns {
    () => {
        "y.account_id, y.year, y.stage, y.reminders, y.hearing, y.liability_order_on, y.outstanding_pence, \
         y.costs_pence, y.written_off_pence, y.agent_fees_pence, y.arrangement, y.remedy, y.counterparty, y.on_hold"
    };
}

/// Where the year columns start in a step query's row.
const YEAR_AT: usize = 12;

impl RecoveryReads for RecoveryQueries {
    async fn caseload(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
        min_sequence: u64,
    ) -> Result<Caseload, QueryError> {
        self.wait_for(council, min_sequence).await?;
        let groups = match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::caseload(pool, council.as_str(), year.start_year()).await,
            ReadPool::Postgres(pool) => postgres::caseload(pool, council.as_str(), year.start_year()).await,
        }
        .map_err(unavailable)?;
        Ok(caseload_from(groups))
    }

    async fn steps(&self, query: &StepQuery) -> Result<Vec<ListedStep>, QueryError> {
        self.wait_for(&query.council, query.min_sequence).await?;
        match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::steps(pool, query).await,
            ReadPool::Postgres(pool) => postgres::steps(pool, query).await,
        }
        .map_err(unavailable)
    }

    async fn account_recovery(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> Result<(Vec<RecoveryYearView>, Vec<RecoveryStepView>), QueryError> {
        self.wait_for(council, min_sequence).await?;
        let id = account.to_string();
        match &self.store.pool() {
            ReadPool::Sqlite(pool) => sqlite::account(pool, council.as_str(), &id).await,
            ReadPool::Postgres(pool) => postgres::account(pool, council.as_str(), &id).await,
        }
        .map_err(unavailable)
    }
}

macro_rules! backend {
    ($module:ident, $pool:ty, $db:ty) => {
        mod $module {
            use super::*;

            pub(super) async fn caseload(pool: &$pool, council: &str, year: i32) -> Result<Vec<Group>, sqlx::Error> {
                // SUM over BIGINT is NUMERIC in PostgreSQL: cast back for one decoder.
                let rows = sqlx::query(
                    "SELECT stage, remedy, on_hold, arrangement, COUNT(*), CAST(SUM(outstanding_pence) AS BIGINT), \
                     CAST(SUM(costs_pence) AS BIGINT) FROM ct_recovery_years WHERE council = $1 AND year = $2 \
                     GROUP BY stage, remedy, on_hold, arrangement",
                )
                .bind(council)
                .bind(year)
                .fetch_all(pool)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok((
                            row.try_get(0)?,
                            row.try_get(1)?,
                            row.try_get::<i64, _>(2)? != 0,
                            row.try_get::<i64, _>(3)? != 0,
                            unsigned(row.try_get(4)?),
                            row.try_get(5)?,
                            row.try_get(6)?,
                        ))
                    })
                    .collect()
            }

            pub(super) async fn steps(pool: &$pool, query: &StepQuery) -> Result<Vec<ListedStep>, sqlx::Error> {
                let mut sql = QueryBuilder::<$db>::new(concat!(
                    "SELECT ",
                    step_columns!(),
                    ", ",
                    year_columns!(),
                    " FROM ct_recovery_steps s LEFT JOIN ct_recovery_years y ON y.council = s.council \
                     AND y.account_id = s.account_id AND y.year = s.year WHERE s.council = "
                ));
                sql.push_bind(query.council.as_str().to_owned());
                match &query.selection {
                    StepSelection::Notices { on } => {
                        sql.push(" AND s.step_date = ")
                            .push_bind(on.to_string())
                            .push(" AND s.kind IN (");
                        let mut kinds = sql.separated(", ");
                        for kind in NOTICE_KINDS {
                            kinds.push_bind(kind);
                        }
                        sql.push(")");
                    }
                    StepSelection::Summonses { hearing } => {
                        sql.push(" AND s.kind = 'summons_issued' AND s.hearing = ")
                            .push_bind(hearing.to_string());
                    }
                    StepSelection::Referrals { from, to, firm } => {
                        sql.push(" AND s.kind = 'referred_to_agent' AND s.step_date >= ")
                            .push_bind(from.to_string())
                            .push(" AND s.step_date <= ")
                            .push_bind(to.to_string());
                        if let Some(firm) = firm {
                            sql.push(" AND s.counterparty = ").push_bind(firm.clone());
                        }
                    }
                }
                if let Some((sequence, position)) = query.after {
                    let sequence = i64::try_from(sequence).unwrap_or(i64::MAX);
                    sql.push(" AND (s.sequence > ")
                        .push_bind(sequence)
                        .push(" OR (s.sequence = ")
                        .push_bind(sequence)
                        .push(" AND s.position > ")
                        .push_bind(i64::from(position))
                        .push("))");
                }
                sql.push(" ORDER BY s.sequence, s.position LIMIT ")
                    .push_bind(i64::from(query.limit));
                let rows = sql.build().fetch_all(pool).await?;
                rows.iter()
                    .map(|row| {
                        Ok(ListedStep {
                            step: step_from(row)?,
                            now: year_from(row, YEAR_AT)?,
                        })
                    })
                    .collect()
            }

            pub(super) async fn account(
                pool: &$pool,
                council: &str,
                account: &str,
            ) -> Result<(Vec<RecoveryYearView>, Vec<RecoveryStepView>), sqlx::Error> {
                let years = sqlx::query(concat!(
                    "SELECT ",
                    year_columns!(),
                    " FROM ct_recovery_years y WHERE y.council = $1 AND y.account_id = $2 ORDER BY y.year"
                ))
                .bind(council)
                .bind(account)
                .fetch_all(pool)
                .await?;
                let steps = sqlx::query(concat!(
                    "SELECT ",
                    step_columns!(),
                    " FROM ct_recovery_steps s WHERE s.council = $1 AND s.account_id = $2 \
                     ORDER BY s.sequence, s.position"
                ))
                .bind(council)
                .bind(account)
                .fetch_all(pool)
                .await?;
                let years = years
                    .iter()
                    .map(|row| year_from(row, 0).map(|year| year.expect("account_id is NOT NULL")))
                    .collect::<Result<_, _>>()?;
                let steps = steps.iter().map(step_from).collect::<Result<_, _>>()?;
                Ok((years, steps))
            }
        }
    };
}

backend!(sqlite, sqlx::SqlitePool, sqlx::Sqlite);
backend!(postgres, sqlx::PgPool, sqlx::Postgres);
