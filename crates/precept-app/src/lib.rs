//! The application layer: command handling, and the ports the adapters implement.
//!
//! What this is: [`CommandHandler`] (load, decide, append with optimistic concurrency, retry,
//! idempotency by request id) and the traits it drives: [`AggregateStore`] for streams,
//! [`CommitFeed`] for projectors, [`Clock`] for instants; and [`history::AggregateHistory`],
//! through which the audit reads stored history back.
//! What this is not: a driver. Nothing here knows NATS, SQL or gRPC; precept-eventstore and
//! precept-projections implement the ports and precept-server wires them together.

pub mod access;
pub mod benefits;
mod cache;
mod clock;
pub mod council_tax;
mod error;
mod feed;
mod handler;
pub mod history;
mod meta;
pub mod nndr;
pub mod partnership;
mod query;
mod read_model;
mod store;

pub use cache::AggregateCache;
pub use clock::{Clock, SystemClock};
pub use council_tax::{AccountDirectory, CouncilTaxService, ServiceError};
pub use error::{CommandError, StoreError};
pub use feed::{CommitFeed, FeedCommit, FeedError, FeedEvents, FeedSource};
pub use handler::{CommandHandler, CommandOutcome, HandlerConfig, HandlerStats};
pub use meta::{Actor, CommitOutcome, Fingerprint, MetaError, RecordedRequest, RequestId, RequestLog, RequestMeta};
pub use query::{BalanceQueries, BalanceView, QueryError};
pub use read_model::{ReadModelSwitch, SwitchError, SwitchOutcome};
pub use store::{AggregateStore, AppendOutcome, Loaded, NewCommit, StreamPosition};
