//! The `precept` binary's library: settings, wiring and the service lifecycle.
//!
//! What this is: the only place that chooses concrete adapters (JetStream, SQLite or
//! PostgreSQL), reads configuration, starts a local nats-server when none is configured, and
//! runs the gRPC server until told to stop. Tests start the same [`Application`] in-process.
//! What this is not: business logic, storage code or protobuf mapping; those live in the
//! crates it wires together.

pub mod application;
pub mod credentials;
pub mod finance_report;
pub mod replay;
pub mod report;
pub mod settings;
pub mod telemetry;

pub use application::Application;
pub use settings::{AccessSettings, NatsSettings, Settings, TlsSettings};
