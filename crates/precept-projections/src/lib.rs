//! Read models: SQL tables folded from the event feed, and the queries that read them.
//!
//! What this is: pure fold functions (`fn apply(row, event) -> row`, see [`billing::fold`]), a
//! [`ReadStore`] that writes a batch of folded rows **and** the projector's checkpoint in one
//! transaction (SQLite by default, PostgreSQL in production), and the [`Projector`] loop that
//! drives a feed into it; and the tools around rebuilding them: [`replay`] (fold a stream up to
//! a sequence into a fresh database), [`verify`] (compare a rebuild with the live read model)
//! and [`ReadModelSwitcher`] (move a running service onto a rebuilt database).
//! What this is not: the truth. Read models are disposable and rebuildable from the streams;
//! nothing here is ever read by the command path.

pub mod activity;
pub mod balances;
pub mod benefits;
pub mod billing;
mod catalogue;
pub mod collection;
mod compare;
pub mod drivers;
mod finance;
pub mod nndr;
mod projector;
mod queries;
mod read_store;
pub mod recovery;
pub mod replay;
mod switch;
pub mod verify;

pub use catalogue::{Column, MIGRATIONS_TABLE, Table};
pub use compare::{Drift, DriftReport, Snapshot};
pub use projector::{Progress, ProgressChannels, Projector, ProjectorConfig, ProjectorError};
pub use queries::AccountBalanceQueries;
pub use read_store::{Backend, MigrationState, ReadPool, ReadStore, ReadStoreError};
pub use switch::ReadModelSwitcher;
