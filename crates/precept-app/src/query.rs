//! The read-side port: queries answered from read models, never from the streams.

use std::future::Future;

use precept_domain::{AccountId, CouncilCode};

/// An account's balance as the read model holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceView {
    /// Council code.
    pub council: String,
    /// Account id.
    pub account_id: String,
    /// Property UPRN.
    pub uprn: u64,
    /// First day of liability, ISO date.
    pub liability_start: String,
    /// Liable parties.
    pub liable_parties: u32,
    /// Positive means owed to the council.
    pub balance_owed_pence: i64,
    /// Payments posted.
    pub payments_count: u64,
    /// Account version.
    pub version: u64,
    /// The last commit folded into the row.
    pub as_of_sequence: u64,
}

/// Why a query could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// The read model had not reached the asked-for sequence in time.
    #[error("read model has not caught up with sequence {wanted} (at {reached})")]
    NotCaughtUp {
        /// Asked for.
        wanted: u64,
        /// Reached.
        reached: u64,
    },
    /// The database failed.
    #[error("read model unavailable: {0}")]
    Unavailable(String),
}

/// Queries on the account-balance read model.
pub trait BalanceQueries: Send + Sync + 'static {
    /// One account's balance, after waiting (briefly) for the read model to include
    /// `min_sequence` of the council's stream (0: don't wait).
    ///
    /// # Errors
    /// [`QueryError`].
    fn account_balance(
        &self,
        council: &CouncilCode,
        account_id: &AccountId,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Option<BalanceView>, QueryError>> + Send;
}
