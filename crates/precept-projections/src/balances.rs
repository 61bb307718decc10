//! The balance view of a Council Tax account: the columns of `ct_accounts` that the
//! `GetAccountBalance` query and the projector tests compare.

/// An account's balance columns.
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
