//! Requests to change a business rates account. Payments, reversals, refunds, carrying
//! credit forward and recovery are the shared ledger's commands ([`crate::account`] types).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::account::{
    CarryForwardCredit, HoldLifted, PostPayment, RefundCredit, ReversePayment, RunRecovery, YearAction,
};
use crate::calendar::FinancialYear;
use crate::ids::{PartyId, Uprn};
use crate::instalments::InstalmentPlan;
use crate::nndr::ReliefClaims;
use crate::nndr::hereditament::HereditamentState;
use crate::nndr::settings::NndrYearState;
use crate::recovery::Hold;

/// What a charge needs from outside the account: the hereditament and the year's settings.
#[derive(Debug, Clone)]
pub struct NndrContext {
    /// The hereditament's values and class.
    pub hereditament: Arc<HereditamentState>,
    /// Every version of the settings of the years the command touches.
    pub years: BTreeMap<FinancialYear, Arc<NndrYearState>>,
}

/// A request to change a business rates account.
#[derive(Debug, Clone)]
pub enum NndrCommand {
    /// Open the account.
    Open(OpenNndr),
    /// Issue the year's first notice (nothing if billed already).
    IssueBill {
        /// Year.
        year: FinancialYear,
        /// Issue date.
        issue_date: NaiveDate,
        /// Hereditament and settings.
        context: Arc<NndrContext>,
    },
    /// Record a change and issue revised notices for every year it moves.
    Change {
        /// The change.
        change: NndrChange,
        /// Revised notices' date.
        notice_date: NaiveDate,
        /// Hereditament and settings for every billed year.
        context: Arc<NndrContext>,
    },
    /// Change the instalment plan, re-spreading current and later years.
    ChangePlan {
        /// The plan.
        plan: InstalmentPlan,
        /// Revised notices' date.
        notice_date: NaiveDate,
        /// Settings for the years re-spread.
        context: Arc<NndrContext>,
    },
    /// Credit a payment.
    PostPayment(PostPayment),
    /// Reverse a payment.
    ReversePayment(ReversePayment),
    /// Refund credit.
    RefundCredit(RefundCredit),
    /// Apply credit to a year.
    CarryForwardCredit(CarryForwardCredit),
    /// The recovery run's step.
    RunRecovery(RunRecovery),
    /// An officer's recovery action.
    Recovery(YearAction),
    /// Hold recovery.
    PlaceHold(Hold),
    /// Lift a hold.
    LiftHold(HoldLifted),
}

/// Open an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenNndr {
    /// The hereditament.
    pub hereditament: Uprn,
    /// The ratepayer, by id.
    pub ratepayer: PartyId,
    /// First liable day.
    pub liability_start: NaiveDate,
    /// Empty since this day, or occupied.
    pub empty_since: Option<NaiveDate>,
    /// Reliefs from the start.
    pub reliefs: ReliefClaims,
    /// Instalment plan.
    pub plan: InstalmentPlan,
}

/// A change of circumstances.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NndrChange {
    /// Occupied or empty from a date.
    Occupation {
        /// First day.
        from: NaiveDate,
        /// Occupied.
        occupied: bool,
    },
    /// Reliefs from a date.
    Reliefs {
        /// First day.
        from: NaiveDate,
        /// The reliefs.
        claims: ReliefClaims,
    },
    /// The ratepayer's liability ends (vacated, or the hereditament left the list).
    EndLiability {
        /// Last liable day.
        last_day: NaiveDate,
    },
    /// Only the context changed (a new rateable value): recompute every billed year.
    Recalculate,
}
