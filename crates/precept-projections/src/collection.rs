//! The collection read model (migration 0008): money collected in respect of each year, by
//! month, for Council Tax and business rates (`collection_monthly`), and each year's billed
//! amount per Council Tax preceptor (`ct_year_precepts`). Folded by the `ct-billing`
//! projector from the same account commits as the billing tables, in the same transaction.
//!
//! What it serves: the collection fund split (REFERENCE §5.4: Council Tax receipts pro rata to
//! the precepts billed; business rates by the retention shares) and the in-year collection
//! rate by month (REFERENCE §1.12: collected in respect of the year ÷ net collectable debit).
//!
//! "Collected in respect of a year" is the money allocated to that year's debt: a payment's
//! allocations on the day it was received, credit carried to the year on its day, less money
//! a revised notice released from the year and allocations a reversal took back.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use precept_app::{FeedCommit, FeedEvents};
use precept_domain::account::{
    AccountEvent, AllocationReleased, CreditCarriedForward, Debt, PaymentAllocated, PaymentReversed,
};
use precept_domain::charge::YearCharge;
use precept_domain::nndr::account::NndrEvent;
use sqlx::QueryBuilder;

use crate::read_store::ReadStoreError;

/// Service names in `collection_monthly`.
pub const COUNCIL_TAX: &str = "council_tax";
/// Service names in `collection_monthly`.
pub const BUSINESS_RATES: &str = "business_rates";

/// Changes to billed precepts: (year, preceptor code) → (its kind as last billed, pence).
#[derive(Debug, Default)]
pub struct PreceptTally(BTreeMap<(i32, String), (&'static str, i64)>);

impl PreceptTally {
    /// Counts a notice: its preceptor shares in, the previous notice's out.
    pub fn bill(&mut self, previous: Option<&YearCharge>, charge: &YearCharge) {
        let year = charge.year.start_year();
        for share in previous.map(|p| p.preceptors.as_slice()).unwrap_or_default() {
            let entry = self
                .0
                .entry((year, share.code.to_string()))
                .or_insert((share.kind.name(), 0));
            entry.1 -= share.amount.get();
        }
        // A code keeps the kind its latest notice gives it (a later version may re-class it).
        for share in &charge.preceptors {
            let entry = self
                .0
                .entry((year, share.code.to_string()))
                .or_insert((share.kind.name(), 0));
            *entry = (share.kind.name(), entry.1 + share.amount.get());
        }
    }
}

/// Money moved to (positive) or from (negative) a year's debt: (service, year, month) → pence.
#[derive(Debug, Default)]
pub struct CollectionTally(BTreeMap<(&'static str, i32, String), i64>);

/// The money events both account kinds share, borrowed.
enum Move<'a> {
    Received(NaiveDate),
    Allocated(&'a PaymentAllocated),
    Released(&'a AllocationReleased),
    Carried(&'a CreditCarriedForward),
    Reversed(&'a PaymentReversed),
    Dated(NaiveDate),
}

fn council_tax_move(event: &AccountEvent) -> Option<Move<'_>> {
    Some(match event {
        AccountEvent::PaymentPosted(posted) => Move::Received(posted.received_on),
        AccountEvent::PaymentAllocated(allocated) => Move::Allocated(allocated),
        AccountEvent::AllocationReleased(released) => Move::Released(released),
        AccountEvent::CreditCarriedForward(carried) => Move::Carried(carried),
        AccountEvent::PaymentReversed(reversed) => Move::Reversed(reversed),
        AccountEvent::BillIssued(bill) => Move::Dated(bill.issue_date),
        _ => return None,
    })
}

fn business_rates_move(event: &NndrEvent) -> Option<Move<'_>> {
    Some(match event {
        NndrEvent::PaymentPosted(posted) => Move::Received(posted.received_on),
        NndrEvent::PaymentAllocated(allocated) => Move::Allocated(allocated),
        NndrEvent::AllocationReleased(released) => Move::Released(released),
        NndrEvent::CreditCarriedForward(carried) => Move::Carried(carried),
        NndrEvent::PaymentReversed(reversed) => Move::Reversed(reversed),
        NndrEvent::BillIssued(bill) => Move::Dated(bill.issue_date),
        _ => return None,
    })
}

fn month(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

impl CollectionTally {
    /// Counts a batch's account commits.
    pub fn add_commits<'a>(&mut self, commits: impl IntoIterator<Item = &'a FeedCommit>) {
        for commit in commits {
            // Events without a date of their own (an allocation, a release) take the date of
            // the payment or notice beside them in the commit, else the commit's.
            let fallback = commit.effective_date.unwrap_or_else(|| commit.recorded_at.date_naive());
            match &commit.events {
                FeedEvents::CouncilTaxAccount(events) => {
                    self.add(COUNCIL_TAX, fallback, events.iter().filter_map(council_tax_move));
                }
                FeedEvents::NndrAccount(events) => {
                    self.add(BUSINESS_RATES, fallback, events.iter().filter_map(business_rates_move));
                }
                _ => {}
            }
        }
    }

    fn add<'a>(&mut self, service: &'static str, fallback: NaiveDate, moves: impl Iterator<Item = Move<'a>>) {
        let moves: Vec<Move<'a>> = moves.collect();
        // A release is recorded just before the revised notice that causes it: it takes that
        // notice's date, not the date of what came before it in the commit.
        let notice_after = |index: usize| {
            moves[index..].iter().find_map(|m| match m {
                Move::Dated(on) => Some(*on),
                _ => None,
            })
        };
        let mut day = fallback;
        for (index, event) in moves.iter().enumerate() {
            match *event {
                Move::Received(on) | Move::Dated(on) => day = on,
                Move::Allocated(allocated) => {
                    for allocation in &allocated.allocations {
                        self.credit(service, allocation.debt, day, allocation.amount.get());
                    }
                }
                Move::Released(released) => {
                    let on = notice_after(index).unwrap_or(day);
                    self.credit(service, Debt::Year(released.year), on, -released.amount.get());
                }
                Move::Carried(carried) => {
                    self.credit(service, Debt::Year(carried.year), carried.on, carried.amount.get())
                }
                Move::Reversed(reversed) => {
                    for allocation in &reversed.deallocations {
                        self.credit(service, allocation.debt, reversed.reversed_on, -allocation.amount.get());
                    }
                }
            }
        }
    }

    fn credit(&mut self, service: &'static str, debt: Debt, day: NaiveDate, pence: i64) {
        if let Debt::Year(year) = debt {
            *self.0.entry((service, year.start_year(), month(day))).or_default() += pence;
        }
    }
}

/// Rows per multi-row statement.
const ROWS_MAX: usize = 2_000;

macro_rules! backend {
    ($module:ident, $db:ty, $pool:ty) => {
        pub(crate) mod $module {
            use super::*;

            /// Adds the batch's tallies to the stored ones.
            pub(crate) async fn write(
                tx: &mut sqlx::Transaction<'_, $db>,
                council: &str,
                collection: &CollectionTally,
                precepts: &PreceptTally,
            ) -> Result<(), ReadStoreError> {
                let rows: Vec<_> = collection.0.iter().filter(|(_, pence)| **pence != 0).collect();
                for chunk in rows.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO collection_monthly (council, service, year, month, collected_pence) ",
                    );
                    upsert.push_values(chunk, |mut values, ((service, year, month), pence)| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(*service)
                            .push_bind(i64::from(*year))
                            .push_bind(month.clone())
                            .push_bind(**pence);
                    });
                    upsert.push(
                        " ON CONFLICT (council, service, year, month) DO UPDATE \
                         SET collected_pence = collection_monthly.collected_pence + excluded.collected_pence",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                let rows: Vec<_> = precepts.0.iter().collect();
                for chunk in rows.chunks(ROWS_MAX) {
                    let mut upsert = QueryBuilder::<$db>::new(
                        "INSERT INTO ct_year_precepts (council, year, code, kind, billed_pence) ",
                    );
                    upsert.push_values(chunk, |mut values, ((year, code), (kind, pence))| {
                        values
                            .push_bind(council.to_owned())
                            .push_bind(i64::from(*year))
                            .push_bind(code.clone())
                            .push_bind(*kind)
                            .push_bind(*pence);
                    });
                    upsert.push(
                        " ON CONFLICT (council, year, code) DO UPDATE SET \
                         billed_pence = ct_year_precepts.billed_pence + excluded.billed_pence, kind = excluded.kind",
                    );
                    upsert.build().execute(&mut **tx).await?;
                }
                Ok(())
            }

            /// Collected in respect of `year`, by month.
            pub(crate) async fn by_month(
                pool: &$pool,
                council: &str,
                service: &str,
                year: i32,
            ) -> Result<Vec<(String, i64)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT month, collected_pence FROM collection_monthly \
                     WHERE council = $1 AND service = $2 AND year = $3 ORDER BY month",
                )
                .bind(council)
                .bind(service)
                .bind(i64::from(year))
                .fetch_all(pool)
                .await
            }

            /// The year's billed amount per preceptor.
            pub(crate) async fn precepts(
                pool: &$pool,
                council: &str,
                year: i32,
            ) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT code, kind, billed_pence FROM ct_year_precepts WHERE council = $1 AND year = $2 ORDER BY code",
                )
                .bind(council)
                .bind(i64::from(year))
                .fetch_all(pool)
                .await
            }

            /// Net collectable debit for the year: Council Tax and business rates.
            pub(crate) async fn debit(pool: &$pool, council: &str, year: i32) -> Result<(i64, i64), sqlx::Error> {
                sqlx::query_as(
                    "SELECT \
                     (SELECT CAST(COALESCE(SUM(charge_pence), 0) AS BIGINT) FROM ct_account_years \
                      WHERE council = $1 AND year = $2), \
                     (SELECT CAST(COALESCE(SUM(net_pence), 0) AS BIGINT) FROM nndr_years \
                      WHERE council = $1 AND year = $2)",
                )
                .bind(council)
                .bind(i64::from(year))
                .fetch_one(pool)
                .await
            }
        }
    };
}

backend!(sqlite, sqlx::Sqlite, sqlx::SqlitePool);
backend!(postgres, sqlx::Postgres, sqlx::PgPool);
