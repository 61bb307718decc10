//! A local nats-server that Precept starts and stops itself: for `make run` and for tests.
//!
//! What this is: spawning the pinned server binary with JetStream on a private store
//! directory, waiting until it says it is ready (by reading its log, not by sleeping), and
//! stopping it cleanly (SIGTERM, so JetStream flushes) or killing it (for crash tests).
//! What this is not: a way to run production. Production uses a JetStream cluster.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The server version Precept is built and tested against (docs/adr/0002).
pub const PINNED_VERSION: &str = "2.15.1";

/// The oldest server Precept accepts: atomic per-subject sequence checks with expected
/// sequence 0, and the duplicate-window and direct-get behaviour the store relies on.
pub const MINIMUM_VERSION: (u32, u32, u32) = (2, 11, 0);

/// Why the server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// The binary is missing.
    #[error("nats-server not found at {path}; run `make tools` or set PRECEPT_NATS_SERVER to a nats-server >= 2.11")]
    NotFound {
        /// Where it was looked for.
        path: PathBuf,
    },
    /// The binary is older than [`MINIMUM_VERSION`] or did not report a version.
    #[error(
        "nats-server at {path} is version {found:?}; Precept needs >= 2.11 (run `make tools` for the pinned {PINNED_VERSION})"
    )]
    TooOld {
        /// The binary.
        path: PathBuf,
        /// What it reported.
        found: String,
    },
    /// Starting or talking to the process failed.
    #[error("nats-server could not be started: {0}")]
    Io(#[from] std::io::Error),
    /// The server exited or did not become ready in time.
    #[error("nats-server did not become ready: {0}")]
    NotReady(String),
}

/// How to start the server.
#[derive(Debug, Clone)]
pub struct NatsServerOptions {
    /// The binary.
    pub binary: PathBuf,
    /// JetStream's store directory (created if missing).
    pub store_dir: PathBuf,
    /// Client port; `None` picks a free one.
    pub port: Option<u16>,
    /// Fsync every write (`sync_interval: always`) instead of the server's 2-minute default.
    pub sync_always: bool,
    /// How long to wait for readiness.
    pub ready_timeout: Duration,
}

impl NatsServerOptions {
    /// Defaults for a binary and a store directory: random port, default sync, 20 s to start.
    pub fn new(binary: PathBuf, store_dir: PathBuf) -> Self {
        NatsServerOptions {
            binary,
            store_dir,
            port: None,
            sync_always: false,
            ready_timeout: Duration::from_secs(20),
        }
    }
}

/// A running nats-server child process; killed when dropped.
pub struct NatsServerProcess {
    child: Child,
    port: u16,
    options: NatsServerOptions,
}

/// Reads `nats-server --version` and checks it against [`MINIMUM_VERSION`].
///
/// # Errors
/// [`EmbeddedError::NotFound`] or [`EmbeddedError::TooOld`].
pub async fn check_version(binary: &Path) -> Result<String, EmbeddedError> {
    if !binary.is_file() {
        return Err(EmbeddedError::NotFound {
            path: binary.to_owned(),
        });
    }
    let output = Command::new(binary).arg("--version").output().await?;
    let text = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let version = text.rsplit('v').next().unwrap_or_default().to_owned();
    let parts: Vec<u32> = version.split('.').filter_map(|part| part.parse().ok()).collect();
    match parts.as_slice() {
        [major, minor, patch, ..] if (*major, *minor, *patch) >= MINIMUM_VERSION => Ok(version),
        _ => Err(EmbeddedError::TooOld {
            path: binary.to_owned(),
            found: text,
        }),
    }
}

impl NatsServerProcess {
    /// Starts the server and waits until it accepts clients.
    ///
    /// # Errors
    /// [`EmbeddedError`].
    pub async fn start(options: NatsServerOptions) -> Result<Self, EmbeddedError> {
        check_version(&options.binary).await?;
        std::fs::create_dir_all(&options.store_dir)?;
        let config_path = options.store_dir.join("nats-server.conf");
        std::fs::write(&config_path, config_text(&options))?;
        let mut child = Command::new(&options.binary)
            .arg("--config")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stderr = child.stderr.take().expect("stderr was piped above");
        let mut lines = BufReader::new(stderr).lines();
        let ready = async {
            let mut port = None;
            while let Some(line) = lines.next_line().await? {
                if let Some(address) = line.split("Listening for client connections on ").nth(1) {
                    port = address.trim().rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
                }
                if line.contains("Server is ready") {
                    return port.ok_or_else(|| EmbeddedError::NotReady("no client port in the log".into()));
                }
            }
            Err(EmbeddedError::NotReady("server exited during start-up".into()))
        };
        let port = tokio::time::timeout(options.ready_timeout, ready)
            .await
            .map_err(|_| EmbeddedError::NotReady(format!("not ready within {:?}", options.ready_timeout)))??;
        // Keep draining the log, or the server would block once the pipe fills.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                tracing::debug!(target: "nats_server", "{line}");
            }
        });
        Ok(NatsServerProcess { child, port, options })
    }

    /// The client URL.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// The client port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The options it was started with, with the port it got filled in: restarting with these
    /// brings the same server back on the same port and store.
    pub fn restart_options(&self) -> NatsServerOptions {
        NatsServerOptions {
            port: Some(self.port),
            ..self.options.clone()
        }
    }

    /// Stops the server cleanly (SIGTERM lets JetStream flush) and waits for it to exit.
    ///
    /// # Errors
    /// [`EmbeddedError::Io`].
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        if let Some(pid) = self.child.id() {
            let status = Command::new("kill").arg("-TERM").arg(pid.to_string()).status().await?;
            if status.success() {
                match tokio::time::timeout(Duration::from_secs(15), self.child.wait()).await {
                    Ok(result) => {
                        result?;
                        return Ok(());
                    }
                    Err(_) => tracing::warn!("nats-server did not stop within 15 s; killing it"),
                }
            }
        }
        self.kill().await
    }

    /// Kills the server at once (SIGKILL), as a crash would.
    ///
    /// # Errors
    /// [`EmbeddedError::Io`].
    pub async fn kill(&mut self) -> Result<(), EmbeddedError> {
        self.child.kill().await?;
        Ok(())
    }
}

fn config_text(options: &NatsServerOptions) -> String {
    let port = options.port.map_or_else(|| "-1".to_owned(), |port| port.to_string());
    let store = options.store_dir.join("jetstream");
    let sync = if options.sync_always {
        "\n  sync_interval: always"
    } else {
        ""
    };
    format!(
        "# Written by Precept each start; edit deploy/ for production settings.\nhost: 127.0.0.1\nport: {port}\nmax_payload: 8MB\njetstream {{\n  store_dir: {store:?}{sync}\n}}\n"
    )
}
