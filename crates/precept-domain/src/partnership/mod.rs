//! Sharing a shared service's costs between partner councils, and splitting receipts between
//! the bodies they belong to (REFERENCE §5). Pure; issue 7 builds the partnership aggregate,
//! cost pools per year, drivers counted from events and read models, and the views on it.
//!
//! - `apportion`: a cost line split by its basis (fixed percentages, driver counts, per-unit
//!   charges), with caps and floors, to the penny with one remainder rule.
//! - `true_up`: whether actual drivers have moved far enough from the estimate to re-adjust.
//! - `what_if`: every member's share before and after a proposed member joins.
//! - `collection_fund`: receipts split by precepts or business rates retention shares.
//! - `agreement` (`partnership-agreement`): members, the services each takes, joins and leaves.
//! - `drivers`: cost lines as configured (service, driver kind) and measured into lines.
//! - `activity`: activity drivers counted from account events over a period.
//! - `pool` (`cost-pool`): a year's lines, their actuals, and the re-adjustment tolerance.
//!
//! Not here yet: reading caseload drivers from the read models,
//! storage and the gRPC and CSV views.

pub mod activity;
pub mod agreement;
pub mod apportion;
pub mod collection_fund;
pub mod drivers;
pub mod pool;
pub mod true_up;
pub mod what_if;

#[cfg(test)]
mod tests;

pub use activity::{ActivityCounts, ActivityKind, business_rates_activity, council_tax_activity};
pub use agreement::{Agreement, AgreementCommand, AgreementEvent, AgreementState, Service};
pub use apportion::{ApportionError, Basis, CostLine, Limits, LineShare, apportion};
pub use collection_fund::{RetentionShares, split_receipts};
pub use drivers::{Driver, DriverValues, LineBasis, LineSpec};
pub use pool::{CostPool, DriverEstimate, PoolCommand, PoolEvent, PoolLine, PoolState};
pub use true_up::{TrueUp, true_up};
pub use what_if::{MemberComparison, Proposal, what_if};
