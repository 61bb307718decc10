//! Precept's pure business rules: values, commands, events and aggregates.
//!
//! This crate is the innermost ring of the workspace.
//! It decides what happens to an account; it never stores, sends or logs anything.
//!
//! Architecture invariant: no I/O.
//! Nothing here depends on tokio, NATS, SQL, gRPC or tracing, and nothing reads a clock:
//! business dates arrive inside commands, instants are stamped by the adapters.
//! The `eventually` core crate is the only framework dependency; its traits are how the
//! adapters drive our aggregates.
//!
//! Layout:
//! - [`money`]: integer pence and the one place proportions are rounded.
//! - [`ids`]: validated identifiers (councils, accounts, parties, properties).
//! - [`aggregate`]: the contract every aggregate kind offers the application layer.
//! - [`account`]: the Council Tax account aggregate (the first vertical slice).

pub mod account;
pub mod aggregate;
pub mod ids;
pub mod money;

pub use aggregate::AggregateKind;
pub use ids::{AccountId, CouncilCode, IdError, PartyId, PaymentId, Uprn};
pub use money::{Pence, Rounding};
