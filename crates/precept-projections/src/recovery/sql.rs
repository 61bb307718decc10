//! Writing the recovery tables inside the billing projector's batch transaction.
//!
//! Only accounts the batch changed are looked at, and only their years with any recovery get
//! a row, so an annual billing run (no recovery yet) writes nothing here.

use precept_app::council_tax::{RecoveryStepView, RecoveryYearView};
use sqlx::QueryBuilder;

use super::rows;
use crate::billing::Folded;
use crate::billing::fold::sql_int;
use crate::read_store::ReadStoreError;

/// Rows per multi-row statement (15 columns: inside both drivers' parameter limits).
const ROWS_MAX: usize = 500;

fn date_text(date: Option<chrono::NaiveDate>) -> Option<String> {
    date.map(|day| day.to_string())
}

fn year_rows(folded: &Folded) -> Vec<RecoveryYearView> {
    folded
        .accounts
        .values()
        .filter_map(|row| row.state.as_open().map(|open| rows::year_rows(&row.account_id, open)))
        .flatten()
        .collect()
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;

            pub(crate) async fn write(
                tx: &mut sqlx::Transaction<'_, $db>,
                council: &str,
                folded: &Folded,
            ) -> Result<(), ReadStoreError> {
                write_years(tx, council, &year_rows(folded)).await?;
                write_steps(tx, council, &folded.appended.steps).await
            }

            async fn write_years(
                tx: &mut sqlx::Transaction<'_, $db>,
                council: &str,
                years: &[RecoveryYearView],
            ) -> Result<(), ReadStoreError> {
                for chunk in years.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO ct_recovery_years (council, account_id, year, stage, reminders, hearing, \
                         liability_order_on, outstanding_pence, costs_pence, written_off_pence, agent_fees_pence, \
                         arrangement, remedy, counterparty, on_hold) ",
                    );
                    upsert.push_values(chunk, |mut values, row| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(row.account_id.clone())
                            .push_bind(row.year)
                            .push_bind(row.stage.clone())
                            .push_bind(i64::from(row.reminders))
                            .push_bind(date_text(row.hearing))
                            .push_bind(date_text(row.liability_order_on))
                            .push_bind(row.outstanding_pence)
                            .push_bind(row.costs_pence)
                            .push_bind(row.written_off_pence)
                            .push_bind(row.agent_fees_pence)
                            .push_bind(i64::from(row.arrangement))
                            .push_bind(row.remedy.clone())
                            .push_bind(row.counterparty.clone())
                            .push_bind(i64::from(row.on_hold));
                    });
                    upsert.push(
                        " ON CONFLICT (council, account_id, year) DO UPDATE SET stage = excluded.stage, \
                         reminders = excluded.reminders, hearing = excluded.hearing, \
                         liability_order_on = excluded.liability_order_on, \
                         outstanding_pence = excluded.outstanding_pence, costs_pence = excluded.costs_pence, \
                         written_off_pence = excluded.written_off_pence, agent_fees_pence = excluded.agent_fees_pence, \
                         arrangement = excluded.arrangement, remedy = excluded.remedy, \
                         counterparty = excluded.counterparty, on_hold = excluded.on_hold",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn write_steps(
                tx: &mut sqlx::Transaction<'_, $db>,
                council: &str,
                steps: &[RecoveryStepView],
            ) -> Result<(), ReadStoreError> {
                for chunk in steps.chunks(ROWS_MAX) {
                    let mut insert = QueryBuilder::<$db>::new(
                        "INSERT INTO ct_recovery_steps (council, sequence, position, account_id, year, kind, \
                         step_date, amount_pence, costs_pence, pay_by, hearing, counterparty, detail) ",
                    );
                    insert.push_values(chunk, |mut values, step| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(sql_int(step.sequence))
                            .push_bind(i64::from(step.position))
                            .push_bind(step.account_id.clone())
                            .push_bind(step.year)
                            .push_bind(step.kind.clone())
                            .push_bind(step.date.to_string())
                            .push_bind(step.amount_pence)
                            .push_bind(step.costs_pence)
                            .push_bind(date_text(step.pay_by))
                            .push_bind(date_text(step.hearing))
                            .push_bind(step.counterparty.clone())
                            .push_bind(step.detail.clone());
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);
