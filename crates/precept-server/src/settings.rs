//! Typed settings. `main` fills them from the command line and `PRECEPT_*` environment
//! variables (clap); tests build them directly.

use std::net::SocketAddr;
use std::num::NonZeroU32;
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
    /// Credentials, limits and TLS.
    pub access: AccessSettings,
}

/// Who may call, how often, how much, and over what.
#[derive(Debug, Clone)]
pub struct AccessSettings {
    /// A bearer token (`pct_<id>_<secret>`) to register at start as a partnership credential
    /// with every role, so a new deployment (and `make run`) can issue the rest.
    pub bootstrap_token: Option<String>,
    /// Requests per second each credential may make…
    pub requests_per_second: NonZeroU32,
    /// …and how many at once above that.
    pub burst: NonZeroU32,
    /// Largest request message accepted, in bytes.
    pub message_bytes_max: usize,
    /// Serve TLS (and with a client CA, require client certificates: mTLS).
    pub tls: Option<TlsSettings>,
}

/// TLS files, PEM.
#[derive(Debug, Clone)]
pub struct TlsSettings {
    /// The server's certificate chain.
    pub certificate: PathBuf,
    /// Its private key.
    pub key: PathBuf,
    /// CA whose client certificates are accepted (mTLS); `None` for server-only TLS.
    pub client_ca: Option<PathBuf>,
}

impl Default for AccessSettings {
    fn default() -> Self {
        AccessSettings {
            bootstrap_token: None,
            requests_per_second: NonZeroU32::new(1_000).expect("non-zero"),
            burst: NonZeroU32::new(2_000).expect("non-zero"),
            message_bytes_max: 4 * 1024 * 1024,
            tls: None,
        }
    }
}

/// The bootstrap token `make run` registers: for local development only.
pub const DEVELOPMENT_BOOTSTRAP_TOKEN: &str =
    "pct_bootstrap_00000000000000000000000000000000000000000000000000000000000de7e1";

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
            access: AccessSettings::default(),
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
