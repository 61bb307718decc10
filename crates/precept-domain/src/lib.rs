//! Precept's pure business rules: values, commands, events and aggregates.
//!
//! This crate is the innermost ring of the workspace.
//! It decides what happens to an account; it never stores, sends or logs anything.
//!
//! Architecture invariant: no I/O.
//! Nothing here depends on tokio, NATS, SQL, gRPC or tracing, and nothing reads a clock:
//! business dates arrive inside commands, instants are stamped by the adapters.
//! The `eventually` core crate is the only framework dependency; its traits are how the
//! adapters drive our aggregates. State types derive serde only so adapters can cache them
//! as snapshots; history is encoded by hand in precept-eventstore.
//!
//! Layout:
//! - [`money`]: integer pence and the one place amounts are rounded.
//! - [`calendar`]: financial years and date arithmetic.
//! - [`ids`]: validated identifiers (councils, accounts, parties, properties).
//! - [`aggregate`]: the contract every aggregate kind offers the application layer.
//! - [`council_year`]: a council's Council Tax settings per year (`ct-year`).
//! - [`property`]: chargeable dwellings and their bands (`ct-property`).
//! - [`charge`]: the charge for a year, by day, with its breakdown.
//! - [`instalments`]: instalment plans for demand notices.
//! - [`ledger`]: the money side of an account (years billed, payments, credit, recovery),
//!   shared by Council Tax and business rates accounts.
//! - [`account`]: the Council Tax account aggregate (`ct-account`).
//! - [`recovery`]: the recovery stage machine per account-year (Council Tax, reused for NNDR).
//! - [`nndr`]: business rates: parameters by year, the charge with its reliefs, and the
//!   settings, hereditament, account and agency aggregates.
//! - [`benefits`]: Housing Benefit, Council Tax Reduction, overpayments and the DWP's UC file.
//! - [`partnership`]: sharing costs between partner councils and splitting receipts.

pub mod account;
pub mod aggregate;
pub mod benefits;
pub mod calendar;
pub mod charge;
pub mod council_year;
pub mod ids;
pub mod instalments;
pub mod ledger;
pub mod money;
pub mod nndr;
pub mod partnership;
pub mod property;
pub mod recovery;

#[cfg(test)]
mod fixtures;

pub use aggregate::AggregateKind;
pub use calendar::FinancialYear;
pub use ids::{AccountId, CouncilCode, IdError, PartyId, PaymentId, Uprn};
pub use money::{Pence, Rounding};
