//! Reading and writing the benefits tables inside the projector's batch transaction.

use precept_app::FeedCommit;
use precept_domain::benefits::claim::ClaimState;
use precept_domain::partnership::ActivityKind;
use sqlx::{QueryBuilder, Row};

use super::fold::{BenefitsFolded, ClaimRow, claim_columns, claim_kind, is_benefits};
use crate::activity::ActivityTally;
use crate::billing::fold::UnexpectedEvent;
use crate::read_store::ReadStoreError;

/// Rows per multi-row statement (at most 12 columns: inside both drivers' parameter limits).
const ROWS_MAX: usize = 1_000;

/// The service benefits work is counted under in `activity_daily`.
pub const BENEFITS: &str = "benefits";

fn unreadable(id: &str, error: &serde_json::Error) -> ReadStoreError {
    ReadStoreError::Unexpected(UnexpectedEvent {
        sequence: 0,
        aggregate_id: id.to_owned(),
        reason: format!("stored claim document unreadable: {error}"),
    })
}

macro_rules! backend {
    ($module:ident, $db:ty) => {
        pub(crate) mod $module {
            use super::*;

            type Tx<'t> = sqlx::Transaction<'t, $db>;

            /// Folds the batch's benefit commits (none: nothing is read or written).
            pub(crate) async fn apply(
                tx: &mut Tx<'_>,
                council: &str,
                fresh: &[&FeedCommit],
                activity: &mut ActivityTally,
            ) -> Result<(), ReadStoreError> {
                if !fresh.iter().any(|commit| is_benefits(commit)) {
                    return Ok(());
                }
                let mut folded = BenefitsFolded::default();
                load(tx, council, fresh, &mut folded).await?;
                for commit in fresh {
                    folded.fold(commit)?;
                }
                for (day, count) in &folded.uc_handled {
                    activity.add_many(None, BENEFITS, (ActivityKind::UcRecordHandled, *day), *count);
                }
                for decision in &folded.decisions {
                    activity.add(None, BENEFITS, (ActivityKind::ClaimAssessed, decision.decided));
                }
                write_claims(tx, council, &folded).await?;
                write_work(tx, council, &folded).await?;
                write_decisions(tx, council, &folded).await?;
                write_imports(tx, council, &folded).await?;
                write_overpayments(tx, council, &folded).await
            }

            async fn load(
                tx: &mut Tx<'_>,
                council: &str,
                fresh: &[&FeedCommit],
                folded: &mut BenefitsFolded,
            ) -> Result<(), ReadStoreError> {
                let mut ids: Vec<&str> = fresh
                    .iter()
                    .filter(|c| c.kind == claim_kind())
                    .map(|c| c.aggregate_id.as_str())
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                for chunk in ids.chunks(ROWS_MAX) {
                    let mut select = QueryBuilder::<$db>::new(
                        "SELECT claim_id, doc, last_sequence FROM benefit_claims WHERE council = ",
                    );
                    select.push_bind(council).push(" AND claim_id IN (");
                    let mut separated = select.separated(", ");
                    for id in chunk {
                        separated.push_bind(*id);
                    }
                    select.push(")");
                    for row in select.build().fetch_all(&mut **tx).await? {
                        let claim_id: String = row.try_get(0)?;
                        let doc: String = row.try_get(1)?;
                        let state: ClaimState =
                            serde_json::from_str(&doc).map_err(|error| unreadable(&claim_id, &error))?;
                        let last_sequence: i64 = row.try_get(2)?;
                        folded.claims.insert(claim_id, ClaimRow { state, last_sequence });
                    }
                }
                Ok(())
            }

            async fn write_claims(tx: &mut Tx<'_>, council: &str, folded: &BenefitsFolded) -> Result<(), ReadStoreError> {
                let rows: Vec<_> = folded
                    .claims
                    .iter()
                    .filter_map(|(id, row)| claim_columns(row).map(|columns| (id, row.last_sequence, columns)))
                    .collect();
                for chunk in rows.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO benefit_claims (council, claim_id, kind, status, nino_hash, account_id, received, \
                         decided, weekly_hb_pence, ctr_percent_bp, doc, last_sequence) ",
                    );
                    upsert.push_values(chunk, |mut values, (id, last_sequence, c)| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind((*id).clone())
                            .push_bind(c.kind)
                            .push_bind(c.status)
                            .push_bind(c.nino_hash.clone())
                            .push_bind(c.account_id.clone())
                            .push_bind(c.received.clone())
                            .push_bind(c.decided.clone())
                            .push_bind(c.weekly_hb)
                            .push_bind(c.ctr_percent)
                            .push_bind(c.doc.clone())
                            .push_bind(*last_sequence);
                    });
                    upsert.push(
                        " ON CONFLICT (council, claim_id) DO UPDATE SET status = excluded.status, \
                         decided = excluded.decided, weekly_hb_pence = excluded.weekly_hb_pence, \
                         ctr_percent_bp = excluded.ctr_percent_bp, doc = excluded.doc, \
                         last_sequence = excluded.last_sequence",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn write_work(tx: &mut Tx<'_>, council: &str, folded: &BenefitsFolded) -> Result<(), ReadStoreError> {
                for chunk in folded.raised.chunks(ROWS_MAX) {
                    let mut insert = QueryBuilder::<$db>::new(
                        "INSERT INTO benefit_work_items (council, source, item, reason, raised, closed) ",
                    );
                    insert.push_values(chunk, |mut values, work| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(work.source.clone())
                            .push_bind(work.item.clone())
                            .push_bind(work.reason)
                            .push_bind(work.raised.to_string())
                            .push_bind(None::<String>);
                    });
                    insert.push(" ON CONFLICT (council, source, item) DO NOTHING");
                    insert.build().execute(&mut **tx).await?;
                }
                for (source, item, on) in &folded.closed {
                    sqlx::query(
                        "UPDATE benefit_work_items SET closed = $1 WHERE council = $2 AND source = $3 AND item = $4",
                    )
                    .bind(on.to_string())
                    .bind(council)
                    .bind(source)
                    .bind(item)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            async fn write_decisions(
                tx: &mut Tx<'_>,
                council: &str,
                folded: &BenefitsFolded,
            ) -> Result<(), ReadStoreError> {
                for chunk in folded.decisions.chunks(ROWS_MAX) {
                    let mut insert = QueryBuilder::<$db>::new(
                        "INSERT INTO benefit_decisions (council, sequence, position, claim_id, claim_kind, measure, \
                         received, decided, days, automated) ",
                    );
                    insert.push_values(chunk, |mut values, d| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(d.sequence)
                            .push_bind(d.position)
                            .push_bind(d.claim_id.clone())
                            .push_bind(d.claim_kind)
                            .push_bind(d.measure)
                            .push_bind(d.received.to_string())
                            .push_bind(d.decided.to_string())
                            .push_bind((d.decided - d.received).num_days())
                            .push_bind(i64::from(d.automated));
                    });
                    insert.push(" ON CONFLICT (council, sequence, position) DO NOTHING");
                    insert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn write_imports(tx: &mut Tx<'_>, council: &str, folded: &BenefitsFolded) -> Result<(), ReadStoreError> {
                for import in &folded.imports {
                    sqlx::query(
                        "INSERT INTO uc_imports (council, digest, file_date, lines, automated, needing_officer, \
                         unmatched, rejected, already_handled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                         ON CONFLICT (council, digest) DO NOTHING",
                    )
                    .bind(council)
                    .bind(&import.digest)
                    .bind(import.file_date.to_string())
                    .bind(import.lines)
                    .bind(import.automated)
                    .bind(import.needing_officer)
                    .bind(import.unmatched)
                    .bind(import.rejected)
                    .bind(import.already_handled)
                    .execute(&mut **tx)
                    .await?;
                }
                Ok(())
            }

            async fn write_overpayments(
                tx: &mut Tx<'_>,
                council: &str,
                folded: &BenefitsFolded,
            ) -> Result<(), ReadStoreError> {
                for (claim_id, row) in &folded.claims {
                    for o in &row.state.overpayments {
                        sqlx::query(
                            "INSERT INTO benefit_overpayments (council, claim_id, number, class, identified_from, \
                             amount_pence, recovered_pence, written_off_pence, outstanding_pence, recoverable, method) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                             ON CONFLICT (council, claim_id, number) DO UPDATE SET \
                             amount_pence = excluded.amount_pence, recovered_pence = excluded.recovered_pence, written_off_pence = excluded.written_off_pence, \
                             outstanding_pence = excluded.outstanding_pence, method = excluded.method",
                        )
                        .bind(council)
                        .bind(claim_id)
                        .bind(i64::from(o.number))
                        .bind(o.class.code())
                        .bind(o.from.to_string())
                        .bind(o.amount.get())
                        .bind(o.recovered.get())
                        .bind(o.written_off.get())
                        .bind(o.outstanding().get())
                        .bind(i64::from(o.recoverable))
                        .bind(o.method.code())
                        .execute(&mut **tx)
                        .await?;
                    }
                }
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite);
backend!(postgres, sqlx::Postgres);
