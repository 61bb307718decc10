//! The account-balance read model: one row per Council Tax account.

use precept_app::FeedCommit;
use precept_domain::account::AccountEvent;

/// The projector's name, used for its checkpoint and its durable consumer.
pub const PROJECTOR: &str = "account-balances";

/// One row of `account_balances`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceRow {
    /// Council code.
    pub council: String,
    /// Account id.
    pub account_id: String,
    /// Property.
    pub uprn: i64,
    /// First day of liability, ISO date.
    pub liability_start: String,
    /// Number of liable parties.
    pub liable_parties: i64,
    /// Positive means owed to the council.
    pub balance_owed_pence: i64,
    /// Payments posted.
    pub payments_count: i64,
    /// Account version (events so far).
    pub version: i64,
    /// Stream sequence of the last commit folded in.
    pub last_sequence: i64,
}

fn sql_int(value: u64) -> i64 {
    i64::try_from(value).expect("sequences and versions stay below i64::MAX")
}

/// An event that does not fit the row: the history and the read model disagree.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event at sequence {sequence} does not fit account {account_id}'s row")]
pub struct UnexpectedEvent {
    /// The commit.
    pub sequence: u64,
    /// The account.
    pub account_id: String,
}

/// Folds one event of a commit into the row it concerns.
///
/// Pure, and idempotent per commit: the caller never folds a commit at or below the
/// projector's checkpoint (see [`crate::ReadStore::apply_batch`]).
///
/// # Errors
/// [`UnexpectedEvent`] when the event cannot follow the row (a payment before the opening):
/// the projector stops rather than publish a wrong balance.
pub fn apply(
    row: Option<BalanceRow>,
    commit: &FeedCommit,
    offset: usize,
    event: &AccountEvent,
) -> Result<BalanceRow, UnexpectedEvent> {
    let version = sql_int(commit.first_version + offset as u64);
    let sequence = sql_int(commit.sequence);
    match (row, event) {
        (None, AccountEvent::AccountOpened(opened)) => Ok(BalanceRow {
            council: commit.council.as_str().to_owned(),
            account_id: opened.account_id.to_string(),
            uprn: i64::try_from(opened.property.get()).expect("a 12-digit UPRN fits in i64"),
            liability_start: opened.liability_start.to_string(),
            liable_parties: 0,
            balance_owed_pence: opened.balance_brought_forward_pence.get(),
            payments_count: 0,
            version,
            last_sequence: sequence,
        }),
        (Some(mut row), AccountEvent::LiablePartyAdded(_)) => {
            row.liable_parties += 1;
            row.version = version;
            row.last_sequence = sequence;
            Ok(row)
        }
        (Some(mut row), AccountEvent::PaymentPosted(posted)) => {
            row.balance_owed_pence -= posted.amount_pence.get();
            row.payments_count += 1;
            row.version = version;
            row.last_sequence = sequence;
            Ok(row)
        }
        (_, _) => Err(UnexpectedEvent {
            sequence: commit.sequence,
            account_id: commit.aggregate_id.clone(),
        }),
    }
}
