//! The recovery read model as the API reads it: a port, implemented by precept-projections.
//!
//! Recovery officers and printers need four views (issue 4): the caseload by stage, the day's
//! notices, the summons list for a hearing and the file of referrals to an agent firm. The
//! last three are selections of one table of steps, so they share [`StepSelection`].

use std::future::Future;

use chrono::NaiveDate;
use precept_domain::{AccountId, CouncilCode, FinancialYear};

use crate::query::QueryError;

/// Accounts and money at one stage (or under one remedy).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageTotals {
    /// `first_reminder`, `summonsed`, `liability_order`, ... or a remedy (`agent`, ...).
    pub stage: String,
    /// Account-years there.
    pub accounts: u64,
    /// Still owed, costs included.
    pub outstanding_pence: i64,
    /// Council costs charged.
    pub costs_pence: i64,
}

/// The recovery caseload of a council's year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caseload {
    /// By stage, in the statutory order.
    pub stages: Vec<StageTotals>,
    /// By remedy in force after a liability order.
    pub remedies: Vec<StageTotals>,
    /// Account-years on accounts with a hold.
    pub on_hold: u64,
    /// Account-years with an arrangement in force.
    pub arrangements: u64,
}

/// Where recovery stands for one account-year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryYearView {
    /// Account.
    pub account_id: String,
    /// Financial year (its starting calendar year).
    pub year: i32,
    /// The stage's name.
    pub stage: String,
    /// Reminders issued in the year.
    pub reminders: u32,
    /// The hearing, while summonsed.
    pub hearing: Option<NaiveDate>,
    /// When a liability order was granted.
    pub liability_order_on: Option<NaiveDate>,
    /// Still owed, costs included.
    pub outstanding_pence: i64,
    /// Council costs charged.
    pub costs_pence: i64,
    /// Written off.
    pub written_off_pence: i64,
    /// Fees the enforcement agent added (owed to the agent).
    pub agent_fees_pence: i64,
    /// An arrangement is in force.
    pub arrangement: bool,
    /// The remedy in force: `agent`, `attachment_of_earnings`, `benefit_deduction`,
    /// `charging_order`, `bankruptcy` or `committal`.
    pub remedy: Option<String>,
    /// The agent firm or employer code, for those remedies.
    pub counterparty: Option<String>,
    /// The account has a hold.
    pub on_hold: bool,
}

/// One recovery step as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryStepView {
    /// The commit it came from.
    pub sequence: u64,
    /// Its place in the commit.
    pub position: u32,
    /// Account.
    pub account_id: String,
    /// Financial year.
    pub year: i32,
    /// `reminder_issued`, `final_notice_issued`, `summons_issued`, `referred_to_agent`, ...
    pub kind: String,
    /// Business date.
    pub date: NaiveDate,
    /// The sum the step concerns (arrears, balance, order, referral, write-off).
    pub amount_pence: i64,
    /// Council costs or agent fee the step added.
    pub costs_pence: i64,
    /// Pay the arrears by (reminders).
    pub pay_by: Option<NaiveDate>,
    /// The hearing (summonses).
    pub hearing: Option<NaiveDate>,
    /// The agent firm or employer code.
    pub counterparty: Option<String>,
    /// Words for the rest (reminder number, reason, outcome).
    pub detail: String,
}

/// A listed step with where its account-year stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedStep {
    /// The step.
    pub step: RecoveryStepView,
    /// The account-year now.
    pub now: Option<RecoveryYearView>,
}

/// Which steps to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepSelection {
    /// Notices issued on a day, for printing or e-mail: reminders, final notices, summonses
    /// and liability orders.
    Notices {
        /// The day.
        on: NaiveDate,
    },
    /// Summonses returnable at a hearing.
    Summonses {
        /// The hearing.
        hearing: NaiveDate,
    },
    /// Referrals to agent firms in a date range, optionally for one firm.
    Referrals {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
        /// One firm only.
        firm: Option<String>,
    },
}

/// A page of steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepQuery {
    /// Council.
    pub council: CouncilCode,
    /// Which steps.
    pub selection: StepSelection,
    /// Keyset: steps after this (sequence, position).
    pub after: Option<(u64, u32)>,
    /// Page size.
    pub limit: u32,
    /// Wait for the read model to reach this sequence first (0: don't).
    pub min_sequence: u64,
}

/// Reads of the recovery read model.
pub trait RecoveryReads: Send + Sync + 'static {
    /// The caseload of a council's year.
    ///
    /// # Errors
    /// [`QueryError`].
    fn caseload(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
        min_sequence: u64,
    ) -> impl Future<Output = Result<Caseload, QueryError>> + Send;

    /// A page of steps, in the order they were recorded.
    ///
    /// # Errors
    /// [`QueryError`].
    fn steps(&self, query: &StepQuery) -> impl Future<Output = Result<Vec<ListedStep>, QueryError>> + Send;

    /// One account's recovery: each year's position and every step, in order.
    ///
    /// # Errors
    /// [`QueryError`].
    fn account_recovery(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        min_sequence: u64,
    ) -> impl Future<Output = Result<(Vec<RecoveryYearView>, Vec<RecoveryStepView>), QueryError>> + Send;
}
