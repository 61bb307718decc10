//! Reading and writing the business rates tables inside the projector's batch transaction.

use precept_app::FeedCommit;
use precept_domain::nndr::account::NndrAccountState;
use precept_domain::nndr::agency::AgencyState;
use precept_domain::nndr::hereditament::HereditamentState;
use sqlx::{QueryBuilder, Row};

use super::fold::{HereditamentRow, NndrAccountRow, NndrFolded, is_nndr};
use super::rows::{account_columns, multiplier_rows, year_rows};
use crate::activity::ActivityTally;
use crate::billing::fold::UnexpectedEvent;
use crate::read_store::ReadStoreError;

/// Rows per multi-row statement (at most 17 columns: inside both drivers' parameter limits).
const ROWS_MAX: usize = 1_000;

fn unreadable(id: &str, error: &serde_json::Error) -> ReadStoreError {
    ReadStoreError::Unexpected(UnexpectedEvent {
        sequence: 0,
        aggregate_id: id.to_owned(),
        reason: format!("stored business rates document unreadable: {error}"),
    })
}

fn ids_of<'a>(commits: &[&'a FeedCommit], kind: &str) -> Vec<&'a str> {
    let mut ids: Vec<&str> = commits
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.aggregate_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;

            type Tx<'t> = sqlx::Transaction<'t, $db>;

            /// Folds the batch's business rates commits (none: nothing is read or written).
            pub(crate) async fn apply(
                tx: &mut Tx<'_>,
                council: &str,
                fresh: &[&FeedCommit],
                activity: &mut ActivityTally,
            ) -> Result<(), ReadStoreError> {
                if !fresh.iter().any(|commit| is_nndr(&commit.kind)) {
                    return Ok(());
                }
                let mut folded = load(tx, council, fresh).await?;
                for commit in fresh {
                    folded.fold(commit, activity)?;
                }
                write(tx, council, &folded).await
            }

            async fn load(tx: &mut Tx<'_>, council: &str, fresh: &[&FeedCommit]) -> Result<NndrFolded, ReadStoreError> {
                let mut folded = NndrFolded::default();
                let account_kind = <precept_domain::nndr::account::NndrAccount as precept_domain::AggregateKind>::KIND;
                for chunk in ids_of(fresh, account_kind).chunks(ROWS_MAX) {
                    let mut select = QueryBuilder::<$db>::new(
                        "SELECT account_id, doc, last_sequence FROM nndr_accounts WHERE council = ",
                    );
                    select.push_bind(council).push(" AND account_id IN (");
                    let mut separated = select.separated(", ");
                    for id in chunk {
                        separated.push_bind(*id);
                    }
                    select.push(")");
                    for row in select.build().fetch_all(&mut **tx).await? {
                        let account_id: String = row.try_get(0)?;
                        let doc: String = row.try_get(1)?;
                        let state: NndrAccountState =
                            serde_json::from_str(&doc).map_err(|error| unreadable(&account_id, &error))?;
                        let last_sequence = row.try_get(2)?;
                        folded.accounts.insert(
                            account_id.clone(),
                            NndrAccountRow {
                                account_id,
                                state,
                                last_sequence,
                            },
                        );
                    }
                }
                let hereditament_kind =
                    <precept_domain::nndr::hereditament::Hereditament as precept_domain::AggregateKind>::KIND;
                for chunk in ids_of(fresh, hereditament_kind).chunks(ROWS_MAX) {
                    let mut select =
                        QueryBuilder::<$db>::new("SELECT uprn, doc, last_sequence FROM nndr_hereditaments WHERE council = ");
                    select.push_bind(council).push(" AND uprn IN (");
                    let mut separated = select.separated(", ");
                    for id in chunk {
                        separated.push_bind(id.parse::<i64>().unwrap_or(-1));
                    }
                    select.push(")");
                    for row in select.build().fetch_all(&mut **tx).await? {
                        let uprn: i64 = row.try_get(0)?;
                        let doc: String = row.try_get(1)?;
                        let state: HereditamentState =
                            serde_json::from_str(&doc).map_err(|error| unreadable(&uprn.to_string(), &error))?;
                        let last_sequence = row.try_get(2)?;
                        folded.hereditaments.insert(
                            uprn.to_string(),
                            HereditamentRow {
                                uprn,
                                state,
                                last_sequence,
                            },
                        );
                    }
                }
                let rows = sqlx::query("SELECT agent, doc FROM nndr_agencies WHERE council = $1")
                    .bind(council)
                    .fetch_all(&mut **tx)
                    .await?;
                for row in rows {
                    let agent: String = row.try_get(0)?;
                    let doc: String = row.try_get(1)?;
                    let state: AgencyState = serde_json::from_str(&doc).map_err(|error| unreadable(&agent, &error))?;
                    folded.agencies.insert(agent, state);
                }
                Ok(folded)
            }

            async fn write(tx: &mut Tx<'_>, council: &str, folded: &NndrFolded) -> Result<(), ReadStoreError> {
                let agent_now = folded.agent_now();
                let accounts: Vec<_> = folded
                    .accounts
                    .values()
                    .filter_map(|row| account_columns(row).map(|columns| (row, columns)))
                    .collect();
                for chunk in accounts.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO nndr_accounts (council, account_id, hereditament, liability_start, liability_end, \
                         balance_pence, credit_pence, collected_by, doc, last_sequence) ",
                    );
                    upsert.push_values(chunk, |mut values, (row, columns)| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(row.account_id.clone())
                            .push_bind(columns.hereditament)
                            .push_bind(columns.liability_start.clone())
                            .push_bind(columns.liability_end.clone())
                            .push_bind(columns.balance)
                            .push_bind(columns.credit)
                            .push_bind(agent_now.clone())
                            .push_bind(serde_json::to_string(&row.state).expect("account state is serialisable"))
                            .push_bind(row.last_sequence);
                    });
                    upsert.push(
                        " ON CONFLICT (council, account_id) DO UPDATE SET liability_end = excluded.liability_end, \
                         balance_pence = excluded.balance_pence, credit_pence = excluded.credit_pence, \
                         collected_by = excluded.collected_by, doc = excluded.doc, last_sequence = excluded.last_sequence",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                let years: Vec<_> = folded.accounts.values().flat_map(year_rows).collect();
                for chunk in years.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO nndr_years (council, account_id, year, rateable_value, multiplier_kind, gross_pence, \
                         supplement_pence, transitional_pence, empty_relief_pence, charity_relief_pence, sbrr_pence, charity_top_up_pence, rhl_relief_pence, \
                         net_pence, costs_pence, paid_pence, stage) ",
                    );
                    upsert.push_values(chunk, |mut values, year| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(year.account_id.clone())
                            .push_bind(year.year)
                            .push_bind(year.rateable_value)
                            .push_bind(year.multiplier_kind)
                            .push_bind(year.gross)
                            .push_bind(year.supplement)
                            .push_bind(year.transitional)
                            .push_bind(year.empty_relief)
                            .push_bind(year.charity_relief)
                            .push_bind(year.sbrr)
                            .push_bind(year.charity_top_up)
                            .push_bind(year.rhl_relief)
                            .push_bind(year.net)
                            .push_bind(year.costs)
                            .push_bind(year.paid)
                            .push_bind(year.stage);
                    });
                    upsert.push(
                        " ON CONFLICT (council, account_id, year) DO UPDATE SET rateable_value = excluded.rateable_value, \
                         multiplier_kind = excluded.multiplier_kind, gross_pence = excluded.gross_pence, \
                         supplement_pence = excluded.supplement_pence, transitional_pence = excluded.transitional_pence, \
                         empty_relief_pence = excluded.empty_relief_pence, charity_relief_pence = excluded.charity_relief_pence, \
                         sbrr_pence = excluded.sbrr_pence, charity_top_up_pence = excluded.charity_top_up_pence, \
                         rhl_relief_pence = excluded.rhl_relief_pence, net_pence = excluded.net_pence, \
                         costs_pence = excluded.costs_pence, paid_pence = excluded.paid_pence, stage = excluded.stage",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                // A revised notice can change which multipliers a year used: its rows are
                // rewritten whole.
                let touched: Vec<&str> = folded.accounts.keys().map(String::as_str).collect();
                for chunk in touched.chunks(ROWS_MAX) {
                    let mut delete = QueryBuilder::<$db>::new("DELETE FROM nndr_year_multipliers WHERE council = ");
                    delete.push_bind(council).push(" AND account_id IN (");
                    let mut separated = delete.separated(", ");
                    for id in chunk {
                        separated.push_bind(*id);
                    }
                    delete.push(")");
                    delete.build().execute(&mut **tx).await?;
                }
                let by_multiplier: Vec<_> = folded.accounts.values().flat_map(multiplier_rows).collect();
                for chunk in by_multiplier.chunks(ROWS_MAX) {
                    let mut insert = QueryBuilder::<$db>::new(
                        "INSERT INTO nndr_year_multipliers (council, account_id, year, multiplier_kind, rateable_value, \
                         days, gross_pence, supplement_pence, transitional_pence, empty_relief_pence, \
                         charity_relief_pence, sbrr_pence, charity_top_up_pence, rhl_relief_pence, net_pence) ",
                    );
                    insert.push_values(chunk, |mut values, row| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(row.account_id.clone())
                            .push_bind(row.year)
                            .push_bind(row.multiplier_kind)
                            .push_bind(row.rateable_value)
                            .push_bind(row.days);
                        for amount in row.amounts {
                            values.push_bind(amount);
                        }
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                for chunk in folded.lines.chunks(ROWS_MAX) {
                    let mut insert = QueryBuilder::<$db>::new(
                        "INSERT INTO nndr_lines (council, sequence, position, account_id, entry_date, kind, year, \
                         amount_pence, reference, collected_by) ",
                    );
                    insert.push_values(chunk, |mut values, line| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(line.sequence)
                            .push_bind(line.position)
                            .push_bind(line.account_id.clone())
                            .push_bind(line.entry_date.to_string())
                            .push_bind(line.kind)
                            .push_bind(line.year)
                            .push_bind(line.amount_pence)
                            .push_bind(line.reference.clone())
                            .push_bind(line.collected_by.clone());
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                for row in folded.hereditaments.values() {
                    let Some(listed_from) = row.state.listed_from() else { continue };
                    sqlx::query(
                        "INSERT INTO nndr_hereditaments (council, uprn, rateable_value, listed_from, removed_from, doc, \
                         last_sequence) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (council, uprn) DO UPDATE SET \
                         rateable_value = excluded.rateable_value, removed_from = excluded.removed_from, doc = excluded.doc, \
                         last_sequence = excluded.last_sequence",
                    )
                    .bind(council)
                    .bind(row.uprn)
                    .bind(i64::from(row.state.current_value().unwrap_or(0)))
                    .bind(listed_from.to_string())
                    .bind(row.state.removed.as_ref().map(|(from, _)| from.to_string()))
                    .bind(serde_json::to_string(&row.state).expect("hereditament state is serialisable"))
                    .bind(row.last_sequence)
                    .execute(&mut **tx)
                    .await?;
                }
                for (agent, state) in &folded.agencies {
                    sqlx::query(
                        "INSERT INTO nndr_agencies (council, agent, doc, in_force) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (council, agent) DO UPDATE SET doc = excluded.doc, in_force = excluded.in_force",
                    )
                    .bind(council)
                    .bind(agent)
                    .bind(serde_json::to_string(state).expect("agency state is serialisable"))
                    .bind(i64::from(state.in_force()))
                    .execute(&mut **tx)
                    .await?;
                }
                if folded.agencies_changed {
                    // An agency's start or end changes who collects every account, not only
                    // the ones touched in this batch.
                    sqlx::query("UPDATE nndr_accounts SET collected_by = $1 WHERE council = $2")
                        .bind(agent_now.clone())
                        .bind(council)
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);
