//! What the end-to-end benchmarks stand on: a private nats-server in a temporary directory,
//! the event store with one council's stream, a read model (a fresh SQLite file unless a URL
//! is given), and the billing projector and queries over it.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use precept_app::SystemClock;
use precept_domain::CouncilCode;
use precept_eventstore::embedded::{NatsServerOptions, NatsServerProcess};
use precept_eventstore::{EventStoreConfig, JetStreamEventStore, JetStreamFeedSource};
use precept_projections::billing::PROJECTOR;
use precept_projections::billing::queries::BillingQueries;
use precept_projections::{Projector, ProjectorConfig, ProjectorError, ReadStore};

/// A running bench environment.
pub(crate) struct Harness {
    pub store: JetStreamEventStore,
    pub council: CouncilCode,
    pub url: String,
    pub read_store: ReadStore,
    pub feeds: Arc<JetStreamFeedSource>,
    server: NatsServerProcess,
    // Dropped last: the server's store and the SQLite file live here.
    _dir: tempfile::TempDir,
}

impl Harness {
    /// Starts nats-server from `nats_server`, creates `council`'s stream and opens the read model.
    ///
    /// # Errors
    /// Any component failing to start.
    pub async fn start(nats_server: PathBuf, council: &str, database_url: Option<String>) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let server = NatsServerProcess::start(NatsServerOptions::new(nats_server, dir.path().join("nats"))).await?;
        let client = async_nats::connect(server.url()).await?;
        let store = JetStreamEventStore::connect(client, EventStoreConfig::default(), Arc::new(SystemClock)).await?;
        let council = CouncilCode::parse(council).expect("bench council codes are valid");
        store.ensure_streams(std::slice::from_ref(&council)).await?;
        let url = database_url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("read.db").display()));
        let read_store = ReadStore::connect(&url).await?;
        let feeds = Arc::new(JetStreamFeedSource::new(store.clone()));
        Ok(Harness {
            store,
            council,
            url,
            read_store,
            feeds,
            server,
            _dir: dir,
        })
    }

    /// Starts the `ct-billing` projector (which also folds the recovery tables).
    ///
    /// # Errors
    /// [`ProjectorError`] if its checkpoint cannot be read.
    pub async fn start_projector(&self) -> Result<Projector, ProjectorError> {
        Projector::start(
            Arc::clone(&self.feeds),
            self.read_store.clone(),
            std::slice::from_ref(&self.council),
            ProjectorConfig::new(PROJECTOR),
        )
        .await
    }

    /// The billing queries (the runs' account directory), following `projector`.
    pub fn queries(&self, projector: &Projector) -> BillingQueries<JetStreamFeedSource> {
        BillingQueries::new(
            self.read_store.clone(),
            projector.progress().clone(),
            Arc::clone(&self.feeds),
            Duration::from_secs(600),
        )
    }

    /// The read model's backend, for the report.
    pub fn backend(&self) -> &'static str {
        if self.url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        }
    }

    /// Closes the read model and stops nats-server.
    ///
    /// # Errors
    /// If nats-server does not stop cleanly.
    pub async fn stop(self) -> anyhow::Result<()> {
        self.read_store.close().await;
        self.server.stop().await?;
        Ok(())
    }
}
