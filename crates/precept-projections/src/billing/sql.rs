//! Writing a batch of commits into the billing tables, in one transaction per batch.
//!
//! The batch reads the rows it touches, folds every commit in memory, then writes each
//! changed row once with multi-row statements (the pattern docs/adr/0003 measured).

use std::collections::HashMap;

use precept_app::{FeedCommit, FeedEvents};
use precept_domain::AggregateKind;
use precept_domain::account::{AccountState, CouncilTaxAccount, YearAccount};
use precept_domain::partnership::council_tax_activity;
use precept_domain::property::Property;
use sqlx::{QueryBuilder, Row};

use super::fold::{self, AccountRow, Appended, PropertyRow, StatementLine, UnexpectedEvent};
use crate::read_store::{ReadStoreError, sequence_from_sql};

/// Rows per multi-row statement (at most 14 columns: inside both drivers' parameter limits).
const ROWS_MAX: usize = 500;

/// The billing rows a replay has folded so far, kept between its batches so that a batch
/// neither reads back nor re-parses rows the replay itself wrote. Not used by the live
/// projector (its batches are small and its rows change under other writers' feet only in
/// tests, but mainly: a live cache would hold every account of every council forever).
#[derive(Debug, Default)]
pub(crate) struct RowCache {
    accounts: HashMap<String, AccountRow>,
    properties: HashMap<String, PropertyRow>,
    /// Every row of the council's billing tables is in the cache (a replay that began on a
    /// fresh database and never overflowed): a row missing here does not exist, unread.
    complete: bool,
    rows_max: usize,
}

impl RowCache {
    /// A cache for a replay from `checkpoint`, holding at most `rows_max` rows.
    pub(crate) fn new(checkpoint: u64, rows_max: usize) -> Self {
        RowCache {
            complete: checkpoint == 0,
            rows_max,
            ..RowCache::default()
        }
    }

    /// Takes the cached rows among `ids`; returns them and the ids still to read.
    fn take<'a, R>(
        rows: &mut HashMap<String, R>,
        ids: Vec<&'a str>,
        complete: bool,
    ) -> (HashMap<String, R>, Vec<&'a str>) {
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match rows.remove(id) {
                Some(row) => {
                    found.insert(id.to_owned(), row);
                }
                None if complete => {}
                None => missing.push(id),
            }
        }
        (found, missing)
    }

    /// Keeps a committed batch's rows; past `rows_max`, lets go of everything and reads from
    /// the database again (memory stays bounded; only speed is lost).
    fn keep(&mut self, accounts: HashMap<String, AccountRow>, properties: HashMap<String, PropertyRow>) {
        self.accounts.extend(accounts);
        self.properties.extend(properties);
        if self.accounts.len() + self.properties.len() > self.rows_max {
            self.accounts.clear();
            self.properties.clear();
            self.complete = false;
        }
    }
}

/// Everything a batch changed.
pub(crate) struct Folded {
    pub accounts: HashMap<String, AccountRow>,
    pub properties: HashMap<String, PropertyRow>,
    pub appended: Appended,
    pub last: u64,
}

pub(crate) fn fold_batch(
    mut accounts: HashMap<String, AccountRow>,
    mut properties: HashMap<String, PropertyRow>,
    commits: &[FeedCommit],
    checkpoint: u64,
) -> Result<Folded, UnexpectedEvent> {
    let mut appended = Appended::default();
    let mut last = checkpoint;
    for commit in commits.iter().filter(|commit| commit.sequence > checkpoint) {
        match &commit.events {
            FeedEvents::CouncilTaxAccount(events) => {
                let row = accounts.remove(&commit.aggregate_id);
                let row = fold::apply_account(row, commit, events, &mut appended)?;
                accounts.insert(commit.aggregate_id.clone(), row);
            }
            FeedEvents::Property(events) => {
                let row = properties.remove(&commit.aggregate_id);
                let row = fold::apply_property(row, commit, events)?;
                properties.insert(commit.aggregate_id.clone(), row);
            }
            // Settings have no billing rows; bills carry the figures they used. Business
            // rates commits are folded by `crate::nndr` in the same transaction.
            FeedEvents::CouncilYear(_)
            | FeedEvents::NndrAccount(_)
            | FeedEvents::Hereditament(_)
            | FeedEvents::NndrYear(_)
            | FeedEvents::Agency(_)
            | FeedEvents::BenefitClaim(_)
            | FeedEvents::BenefitYear(_)
            | FeedEvents::UcImport(_) => {}
        }
        last = commit.sequence;
    }
    Ok(Folded {
        accounts,
        properties,
        appended,
        last,
    })
}

/// The columns written for an account, derived from its state.
pub(crate) struct AccountColumns {
    pub uprn: i64,
    pub liability_start: String,
    pub liability_end: Option<String>,
    pub liable_parties: i64,
    pub balance: i64,
    pub credit: i64,
    pub first_unpaid_due: Option<String>,
    pub doc: String,
}

pub(crate) fn account_columns(row: &AccountRow) -> Result<AccountColumns, ReadStoreError> {
    let AccountState::Open(account) = &row.state else {
        return Err(ReadStoreError::Unexpected(UnexpectedEvent {
            sequence: u64::try_from(row.last_sequence).unwrap_or(0),
            aggregate_id: row.account_id.clone(),
            reason: "account row without an opening".into(),
        }));
    };
    Ok(AccountColumns {
        uprn: i64::try_from(account.property.get()).expect("a 12-digit UPRN fits in i64"),
        liability_start: account.liability_start.to_string(),
        liability_end: account.liability_last_day.map(|day| day.to_string()),
        liable_parties: i64::try_from(account.liable_parties.len()).expect("at most 16 parties"),
        balance: account.balance_owed_pence.get(),
        credit: account.credit.get(),
        first_unpaid_due: account
            .years
            .values()
            .filter_map(YearAccount::first_unpaid_due)
            .min()
            .map(|day| day.to_string()),
        doc: serde_json::to_string(&row.state).expect("account state is always serialisable"),
    })
}

pub(crate) fn account_from_sql<R: Row>(row: &R) -> Result<AccountRow, ReadStoreError>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let account_id: String = row.try_get(0)?;
    let doc: String = row.try_get(1)?;
    let state = serde_json::from_str(&doc).map_err(|error| {
        ReadStoreError::Unexpected(UnexpectedEvent {
            sequence: 0,
            aggregate_id: account_id.clone(),
            reason: format!("stored account document unreadable: {error}"),
        })
    })?;
    Ok(AccountRow {
        account_id,
        state,
        payments_count: row.try_get(2)?,
        lines: row.try_get(3)?,
        version: row.try_get(4)?,
        last_sequence: row.try_get(5)?,
    })
}

pub(crate) fn property_from_sql<R: Row>(row: &R) -> Result<PropertyRow, ReadStoreError>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    usize: sqlx::ColumnIndex<R>,
{
    let uprn: i64 = row.try_get(0)?;
    let doc: String = row.try_get(1)?;
    let state = serde_json::from_str(&doc).map_err(|error| {
        ReadStoreError::Unexpected(UnexpectedEvent {
            sequence: 0,
            aggregate_id: uprn.to_string(),
            reason: format!("stored property document unreadable: {error}"),
        })
    })?;
    Ok(PropertyRow {
        uprn,
        state,
        last_sequence: row.try_get(2)?,
    })
}

macro_rules! backend {
    ($module:ident, $pool:ty, $db:ty) => {
        pub(crate) mod $module {
            use super::*;

            pub(crate) async fn apply_batch(
                pool: &$pool,
                projector: &str,
                council: &str,
                commits: &[FeedCommit],
                mut cache: Option<&mut RowCache>,
            ) -> Result<u64, ReadStoreError> {
                let mut tx = pool.begin().await?;
                let stored: Option<i64> = sqlx::query_scalar(
                    "SELECT last_sequence FROM projector_checkpoints WHERE projector = $1 AND council = $2",
                )
                .bind(projector)
                .bind(council)
                .fetch_optional(&mut *tx)
                .await?;
                let checkpoint = stored.map_or(0, sequence_from_sql);
                let fresh: Vec<&FeedCommit> = commits.iter().filter(|c| c.sequence > checkpoint).collect();
                if fresh.is_empty() {
                    return Ok(checkpoint);
                }
                let ids_of = |kind: &str| {
                    let mut ids: Vec<&str> =
                        fresh.iter().filter(|c| c.kind == kind).map(|c| c.aggregate_id.as_str()).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids
                };
                let account_ids = ids_of(<CouncilTaxAccount as AggregateKind>::KIND);
                let property_ids = ids_of(<Property as AggregateKind>::KIND);
                let (mut accounts, account_ids) = match cache.as_deref_mut() {
                    Some(cache) => RowCache::take(&mut cache.accounts, account_ids, cache.complete),
                    None => (HashMap::new(), account_ids),
                };
                let (mut properties, property_ids) = match cache.as_deref_mut() {
                    Some(cache) => RowCache::take(&mut cache.properties, property_ids, cache.complete),
                    None => (HashMap::new(), property_ids),
                };
                for chunk in account_ids.chunks(ROWS_MAX) {
                    let mut select = QueryBuilder::<$db>::new(
                        "SELECT account_id, doc, payments_count, lines, version, last_sequence FROM ct_accounts WHERE council = ",
                    );
                    select.push_bind(council).push(" AND account_id IN (");
                    let mut separated = select.separated(", ");
                    for id in chunk {
                        separated.push_bind(*id);
                    }
                    select.push(")");
                    for row in select.build().fetch_all(&mut *tx).await? {
                        let row = account_from_sql(&row)?;
                        accounts.insert(row.account_id.clone(), row);
                    }
                }
                for chunk in property_ids.chunks(ROWS_MAX) {
                    let mut select =
                        QueryBuilder::<$db>::new("SELECT uprn, doc, last_sequence FROM ct_properties WHERE council = ");
                    select.push_bind(council).push(" AND uprn IN (");
                    let mut separated = select.separated(", ");
                    for id in chunk {
                        separated.push_bind(id.parse::<i64>().unwrap_or(-1));
                    }
                    select.push(")");
                    for row in select.build().fetch_all(&mut *tx).await? {
                        let row = property_from_sql(&row)?;
                        properties.insert(row.uprn.to_string(), row);
                    }
                }
                let folded = fold_batch(accounts, properties, commits, checkpoint)?;
                write_accounts(&mut tx, council, &folded).await?;
                write_lines(&mut tx, council, &folded.appended.lines).await?;
                crate::recovery::sql::$module::write(&mut tx, council, &folded).await?;
                let mut activity = crate::activity::ActivityTally::default();
                for commit in &fresh {
                    if let FeedEvents::CouncilTaxAccount(events) = &commit.events {
                        for work in events.iter().filter_map(council_tax_activity) {
                            activity.add(None, crate::activity::COUNCIL_TAX, work);
                        }
                    }
                }
                crate::nndr::sql::$module::apply(&mut tx, council, &fresh, &mut activity).await?;
                crate::benefits::sql::$module::apply(&mut tx, council, &fresh, &mut activity).await?;
                crate::activity::$module::write(&mut tx, council, &activity).await?;
                let mut collection = crate::collection::CollectionTally::default();
                collection.add_commits(fresh.iter().copied());
                crate::collection::$module::write(&mut tx, council, &collection, &folded.appended.precepts).await?;
                write_properties(&mut tx, council, &folded).await?;
                sqlx::query(
                    "INSERT INTO projector_checkpoints (projector, council, last_sequence) VALUES ($1, $2, $3) \
                     ON CONFLICT (projector, council) DO UPDATE SET last_sequence = excluded.last_sequence",
                )
                .bind(projector)
                .bind(council)
                .bind(fold::sql_int(folded.last))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                if let Some(cache) = cache {
                    cache.keep(folded.accounts, folded.properties);
                }
                Ok(folded.last)
            }

            async fn write_accounts(
                tx: &mut sqlx::Transaction<'_, $db>,
                council: &str,
                folded: &Folded,
            ) -> Result<(), ReadStoreError> {
                let rows: Vec<(&AccountRow, AccountColumns)> = folded
                    .accounts
                    .values()
                    .map(|row| account_columns(row).map(|columns| (row, columns)))
                    .collect::<Result<_, _>>()?;
                for chunk in rows.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO ct_accounts (council, account_id, uprn, liability_start, liability_end, \
                         liable_parties, balance_owed_pence, credit_pence, payments_count, first_unpaid_due, lines, \
                         doc, version, last_sequence) ",
                    );
                    upsert.push_values(chunk, |mut values, (row, columns)| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(row.account_id.clone())
                            .push_bind(columns.uprn)
                            .push_bind(columns.liability_start.clone())
                            .push_bind(columns.liability_end.clone())
                            .push_bind(columns.liable_parties)
                            .push_bind(columns.balance)
                            .push_bind(columns.credit)
                            .push_bind(row.payments_count)
                            .push_bind(columns.first_unpaid_due.clone())
                            .push_bind(row.lines)
                            .push_bind(columns.doc.clone())
                            .push_bind(row.version)
                            .push_bind(row.last_sequence);
                    });
                    upsert.push(
                        " ON CONFLICT (council, account_id) DO UPDATE SET liability_start = excluded.liability_start, liability_end = excluded.liability_end, \
                         liable_parties = excluded.liable_parties, balance_owed_pence = excluded.balance_owed_pence, \
                         credit_pence = excluded.credit_pence, payments_count = excluded.payments_count, \
                         first_unpaid_due = excluded.first_unpaid_due, lines = excluded.lines, doc = excluded.doc, \
                         version = excluded.version, last_sequence = excluded.last_sequence",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                let years: Vec<(String, i32, i64, i64, Option<String>)> = folded
                    .accounts
                    .values()
                    .filter_map(|row| row.state.as_open().map(|open| (row, open)))
                    .flat_map(|(row, open)| {
                        open.years.iter().map(move |(year, billed)| {
                            (
                                row.account_id.clone(),
                                year.start_year(),
                                billed.charge.net.get(),
                                billed.paid.get(),
                                billed.first_unpaid_due().map(|day| day.to_string()),
                            )
                        })
                    })
                    .collect();
                for chunk in years.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO ct_account_years (council, account_id, year, charge_pence, paid_pence, first_unpaid_due) ",
                    );
                    upsert.push_values(chunk, |mut values, (account, year, charge, paid, due)| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(account.clone())
                            .push_bind(*year)
                            .push_bind(*charge)
                            .push_bind(*paid)
                            .push_bind(due.clone());
                    });
                    upsert.push(
                        " ON CONFLICT (council, account_id, year) DO UPDATE SET charge_pence = excluded.charge_pence, \
                         paid_pence = excluded.paid_pence, first_unpaid_due = excluded.first_unpaid_due",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn write_lines(
                tx: &mut sqlx::Transaction<'_, $db>,
                council: &str,
                lines: &[StatementLine],
            ) -> Result<(), ReadStoreError> {
                for chunk in lines.chunks(ROWS_MAX) {
                    let mut insert = QueryBuilder::<$db>::new(
                        "INSERT INTO ct_statement_lines (council, account_id, line_no, sequence, entry_date, kind, \
                         year, amount_pence, reference) ",
                    );
                    insert.push_values(chunk, |mut values, line| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(line.account_id.clone())
                            .push_bind(line.line_no)
                            .push_bind(line.sequence)
                            .push_bind(line.entry_date.to_string())
                            .push_bind(line.kind)
                            .push_bind(line.year)
                            .push_bind(line.amount_pence)
                            .push_bind(line.reference.clone());
                    });
                    insert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            async fn write_properties(
                tx: &mut sqlx::Transaction<'_, $db>,
                council: &str,
                folded: &Folded,
            ) -> Result<(), ReadStoreError> {
                let rows: Vec<&PropertyRow> = folded.properties.values().collect();
                for chunk in rows.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO ct_properties (council, uprn, address_reference, parish_area, band, doc, last_sequence) ",
                    );
                    upsert.push_values(chunk, |mut values, row| {
                        let band = row.state.bands.values().next_back().map(|band| band.to_string()).unwrap_or_default();
                        values
                            .push_bind(council.to_owned())
                            .push_bind(row.uprn)
                            .push_bind(row.state.address_reference.clone().unwrap_or_default())
                            .push_bind(row.state.parish_area.as_ref().map(|area| area.as_str().to_owned()))
                            .push_bind(band)
                            .push_bind(serde_json::to_string(&row.state).expect("property state is serialisable"))
                            .push_bind(row.last_sequence);
                    });
                    upsert.push(
                        " ON CONFLICT (council, uprn) DO UPDATE SET address_reference = excluded.address_reference, \
                         parish_area = excluded.parish_area, band = excluded.band, doc = excluded.doc, \
                         last_sequence = excluded.last_sequence",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }
        }
    };
}

backend!(sqlite, sqlx::SqlitePool, sqlx::Sqlite);
backend!(postgres, sqlx::PgPool, sqlx::Postgres);
