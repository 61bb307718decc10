//! The read-side port the business rates API needs: accounts and statements, the
//! collectable debit with reliefs by type, collection by month, and what an agent council
//! collects for each billing authority it serves.

use std::future::Future;

use chrono::NaiveDate;
use precept_domain::nndr::account::NndrAccountState;
use precept_domain::{AccountId, CouncilCode, FinancialYear};

use crate::query::QueryError;

/// An account as the read model holds it.
#[derive(Debug, Clone)]
pub struct NndrAccountView {
    /// Folded state.
    pub state: NndrAccountState,
    /// The agent collecting for the billing authority now, if any.
    pub collected_by: Option<CouncilCode>,
    /// The last commit folded into it.
    pub as_of_sequence: u64,
}

/// A statement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NndrStatementLine {
    /// Business date.
    pub date: NaiveDate,
    /// `charge`, `adjustment`, `payment`, `reversal`, `refund`, `costs`.
    pub kind: String,
    /// Year, where the line is a year's.
    pub year: Option<FinancialYear>,
    /// Positive adds to what is owed.
    pub amount_pence: i64,
    /// Reference.
    pub reference: String,
    /// The agent collecting on the date, if any.
    pub collected_by: Option<String>,
}

/// Totals over a set of account-years.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebitLine {
    /// Account-years.
    pub accounts: u64,
    /// Sum of rateable values (whole pounds).
    pub rateable_value: i64,
    /// Gross charge.
    pub gross_pence: i64,
    /// Multiplier supplement (2026/27).
    pub supplement_pence: i64,
    /// Transitional relief.
    pub transitional_pence: i64,
    /// Empty property relief.
    pub empty_relief_pence: i64,
    /// Mandatory charitable relief.
    pub charity_relief_pence: i64,
    /// Small business rate relief.
    pub sbrr_pence: i64,
    /// Discretionary top-up.
    pub charity_top_up_pence: i64,
    /// RHL relief.
    pub rhl_relief_pence: i64,
    /// Collectable debit (net).
    pub net_pence: i64,
    /// Paid to the year.
    pub paid_pence: i64,
}

/// The year's collectable debit, in total and by the multiplier each period used (a year
/// that changed multiplier counts under each; paid is only in the total).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CollectableDebit {
    /// All account-years.
    pub total: DebitLine,
    /// By multiplier (`small_business`, `standard`, ...), sorted by name.
    pub by_multiplier: Vec<(String, DebitLine)>,
}

/// Money collected in a month (payments less reversals and refunds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthCollection {
    /// `YYYY-MM`.
    pub month: String,
    /// Collected.
    pub collected_pence: i64,
    /// Payments counted.
    pub payments: u64,
}

/// What an agent does for one billing authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicedCouncil {
    /// The billing authority.
    pub council: CouncilCode,
    /// Accounts it collects now.
    pub accounts: u64,
    /// Their balance owed.
    pub balance_pence: i64,
    /// Money it collected (payments less reversals and refunds) while acting.
    pub collected_pence: i64,
    /// Statement lines it made while acting (bills, payments, costs): the activity driver.
    pub lines: u64,
}

/// Queries over the business rates read model. `min_sequence` makes a read wait for a
/// commit the caller made.
pub trait NndrReads: Send + Sync + 'static {
    /// One account.
    fn account(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Option<NndrAccountView>, QueryError>> + Send;

    /// One account's statement, oldest first.
    fn statement(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Vec<NndrStatementLine>, QueryError>> + Send;

    /// The year's collectable debit and reliefs by type.
    fn collectable_debit(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
        min_sequence: u64,
    ) -> impl Future<Output = Result<CollectableDebit, QueryError>> + Send;

    /// Collection by month between two dates; only an agent's collection when `agent` is set.
    fn collection_by_month(
        &self,
        council: &CouncilCode,
        from: NaiveDate,
        to: NaiveDate,
        agent: Option<&CouncilCode>,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Vec<MonthCollection>, QueryError>> + Send;

    /// The billing authorities an agent collects for, with its work for each.
    fn serviced_by(&self, agent: &CouncilCode)
    -> impl Future<Output = Result<Vec<ServicedCouncil>, QueryError>> + Send;
}
