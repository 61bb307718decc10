//! Recovery and enforcement of a debt payable by instalments (REFERENCE §1.10, §2.10).
//!
//! A stage machine per account-year: reminders, the loss of instalments, the final notice,
//! summons and liability order with costs, then arrangements and remedies (enforcement
//! agents, attachment of earnings, deductions from benefit, tracked stages) and write-off.
//! [`next_step`] is the daily run's decision; [`decide_action`] decides an officer's request.
//!
//! Not here: the account's ledger (the caller passes a [`DebtView`]) or storage. Council Tax
//! embeds it in the account aggregate; Business Rates reuses it with one reminder a year.

mod attachment;
mod event;
mod hold;
mod policy;
mod remedies;
mod state;
mod step;

#[cfg(test)]
mod tests;

pub use attachment::{EarningsBand, EarningsTable, PayPeriod, PeriodTable};
pub use event::{
    AgentFeeIncurred, ArrangementMade, BalanceDemanded, BenefitDeductionRequested, EarningsAttached,
    LiabilityOrderGranted, RecoveryEvent, ReferredToAgent, RemedyEnded, RemedyOutcome, RemedyStarted, ReminderIssued,
    SummonsIssued, TrackedRemedy, WriteOffReason, WrittenOff,
};
pub use hold::{Hold, HoldReason};
pub use policy::{AgentFeeScale, AgentStage, PolicyOutOfRange, RecoveryPolicy};
pub use remedies::{ARRANGEMENT_INSTALMENTS_MAX, RecoveryAction, RecoveryError, decide_action};
pub use state::{Arrangement, Remedy, Stage, YearRecovery};
pub use step::{DebtView, RunDay, next_step};
