//! Typed configuration for the event store; the binary fills it from its settings.

use std::time::Duration;

/// Where JetStream keeps messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// On disk (production and `make run`).
    File,
    /// In memory (benchmarks that isolate CPU cost).
    Memory,
}

/// Event store settings.
#[derive(Debug, Clone)]
pub struct EventStoreConfig {
    /// JetStream's duplicate window: a retried request inside it is caught by `Nats-Msg-Id`.
    pub duplicate_window: Duration,
    /// Stream replicas: 1 for a single server, 3 for a production cluster.
    pub replicas: usize,
    /// Storage.
    pub storage: StorageKind,
    /// Timeout for one JetStream API call or publish acknowledgement.
    pub request_timeout: Duration,
    /// Publishes in flight per connection before publishing waits for acknowledgements.
    pub publish_inflight_max: usize,
    /// How long a request id is remembered after an aggregate's newest commit (the durable
    /// idempotency record); the command handler is given the same value.
    pub request_retention: chrono::Duration,
}

impl Default for EventStoreConfig {
    fn default() -> Self {
        EventStoreConfig {
            duplicate_window: Duration::from_secs(120),
            replicas: 1,
            storage: StorageKind::File,
            request_timeout: Duration::from_secs(5),
            publish_inflight_max: 4096,
            request_retention: chrono::Duration::days(30),
        }
    }
}
