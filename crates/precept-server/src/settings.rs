//! Typed settings. `main` fills them from the command line and `PRECEPT_*` environment
//! variables (clap); tests build them directly.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use precept_domain::CouncilCode;

/// Where the event store's NATS server comes from.
#[derive(Debug, Clone)]
pub enum NatsSettings {
    /// An existing server or cluster (production): `nats://host:port`.
    External {
        /// Client URL.
        url: String,
    },
    /// A local nats-server that Precept starts, owns and stops (`make run`).
    Embedded {
        /// The server binary.
        binary: PathBuf,
        /// JetStream's store directory.
        store_dir: PathBuf,
        /// Client port (`None`: any free port).
        port: Option<u16>,
    },
}

/// Everything the service needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// gRPC listen address.
    pub grpc_addr: SocketAddr,
    /// The event store's server.
    pub nats: NatsSettings,
    /// Read-model database: `sqlite:...` or `postgres://...`.
    pub database_url: String,
    /// The partnership's councils; each gets a stream.
    pub councils: Vec<CouncilCode>,
    /// JetStream duplicate window for request ids.
    pub duplicate_window: Duration,
    /// JetStream replicas per stream (3 on a production cluster).
    pub replicas: usize,
    /// Aggregates kept in the command path's in-process cache.
    pub cache_capacity: usize,
    /// How long a query waits for the read model to reach a requested sequence.
    pub read_wait_max: Duration,
    /// Whether this instance runs the projectors. Exactly one instance per read-model database
    /// may: a projector's checkpoint assumes it sees every commit of its council in order.
    pub run_projectors: bool,
    /// The secret NINOs are hashed under (at least 16 bytes). It must never change for a
    /// deployment: claims are matched by the hashes stored in their events.
    pub nino_key: Vec<u8>,
}

/// The NINO key `make run` and the tests use: for local development only (`serve` refuses
/// to start without `PRECEPT_NINO_KEY`).
pub const DEVELOPMENT_NINO_KEY: &str = "precept-development-nino-key-not-for-production";

impl Settings {
    /// Settings for a service with the given NATS and database, with the usual defaults.
    pub fn new(nats: NatsSettings, database_url: String, councils: Vec<CouncilCode>) -> Self {
        Settings {
            grpc_addr: SocketAddr::from(([127, 0, 0, 1], 50051)),
            nats,
            database_url,
            councils,
            duplicate_window: Duration::from_secs(120),
            replicas: 1,
            cache_capacity: 400_000,
            read_wait_max: Duration::from_secs(5),
            run_projectors: true,
            nino_key: DEVELOPMENT_NINO_KEY.as_bytes().to_vec(),
        }
    }
}

impl Settings {
    /// The same settings with projectors switched on or off.
    #[must_use]
    pub fn with_projectors(mut self, run_projectors: bool) -> Self {
        self.run_projectors = run_projectors;
        self
    }
}
