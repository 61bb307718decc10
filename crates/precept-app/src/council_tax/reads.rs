//! The billing read model as the API reads it: a port, implemented by precept-projections.

use std::future::Future;

use chrono::NaiveDate;
use precept_domain::account::AccountState;
use precept_domain::{AccountId, CouncilCode, FinancialYear};

use crate::query::QueryError;

/// An account as the read model holds it.
#[derive(Debug, Clone)]
pub struct AccountSummary {
    /// The folded account.
    pub state: AccountState,
    /// The property's current band letter, if the property is known.
    pub band: Option<String>,
    /// The last commit folded into it.
    pub as_of_sequence: u64,
}

/// One statement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementEntry {
    /// Line number.
    pub line_no: i64,
    /// Business date.
    pub entry_date: String,
    /// Kind (`charge`, `adjustment`, `payment`, ...).
    pub kind: String,
    /// Year, for charges.
    pub year: Option<i32>,
    /// Positive adds to what is owed.
    pub amount_pence: i64,
    /// Reference.
    pub reference: String,
}

/// Filters for the account listing.
#[derive(Debug, Clone)]
pub struct ListFilter {
    /// Council.
    pub council: CouncilCode,
    /// Only accounts billed for this year.
    pub year: Option<FinancialYear>,
    /// Only accounts with an instalment due on or before this date and unpaid.
    pub in_arrears_on: Option<NaiveDate>,
    /// Only accounts at properties in this band.
    pub band: Option<String>,
    /// Keyset: accounts after this id.
    pub after: Option<String>,
    /// Page size.
    pub limit: u32,
}

/// One listed account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedAccount {
    /// Account id.
    pub account_id: String,
    /// Property.
    pub uprn: i64,
    /// Current band.
    pub band: Option<String>,
    /// Balance.
    pub balance_owed_pence: i64,
    /// Earliest unpaid instalment due date.
    pub first_unpaid_due: Option<String>,
}

/// Reads of the billing read model.
pub trait BillingReads: Send + Sync + 'static {
    /// One account, after the read model reaches `min_sequence` of the council's stream.
    ///
    /// # Errors
    /// [`QueryError`].
    fn account(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Option<AccountSummary>, QueryError>> + Send;

    /// An account's statement lines, in order.
    ///
    /// # Errors
    /// [`QueryError`].
    fn statement(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Vec<StatementEntry>, QueryError>> + Send;

    /// A page of accounts matching `filter`, in id order.
    ///
    /// # Errors
    /// [`QueryError`].
    fn list(&self, filter: &ListFilter) -> impl Future<Output = Result<Vec<ListedAccount>, QueryError>> + Send;
}
