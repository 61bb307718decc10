//! The read-side port the Council Tax service needs to find accounts: which accounts to bill
//! in a run, and which accounts sit at a property whose band changed.

use std::future::Future;

use precept_domain::{AccountId, CouncilCode, FinancialYear, Uprn};

use crate::query::QueryError;

/// Which accounts a run walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunScope {
    /// Accounts whose liability overlaps the year (the annual billing run).
    LiableIn(FinancialYear),
    /// Those, and any other account with a balance owed (the recovery run: a taxpayer who
    /// moved out last year may still owe for it, REFERENCE §1.10 applies per year billed).
    LiableInOrOwing(FinancialYear),
}

/// Finds accounts in the billing read model.
pub trait AccountDirectory: Send + Sync + 'static {
    /// Waits until the read model includes every commit in the council's stream at the time
    /// of the call, so a run started now sees every account opened before it.
    ///
    /// # Errors
    /// [`QueryError`].
    fn catch_up(&self, council: &CouncilCode) -> impl Future<Output = Result<(), QueryError>> + Send;

    /// The accounts a run covers, in id order, after `after`, at most `limit`.
    ///
    /// # Errors
    /// [`QueryError`].
    fn accounts_in(
        &self,
        council: &CouncilCode,
        scope: RunScope,
        after: Option<AccountId>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<AccountId>, QueryError>> + Send;

    /// Every account at a property.
    ///
    /// # Errors
    /// [`QueryError`].
    fn accounts_at(
        &self,
        council: &CouncilCode,
        property: Uprn,
    ) -> impl Future<Output = Result<Vec<AccountId>, QueryError>> + Send;
}
