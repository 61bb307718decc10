//! [`ReadModelSwitcher`]: owns the running projector and moves the service onto a rebuilt read
//! model without stopping queries.
//!
//! What this is: the implementation of precept-app's [`ReadModelSwitch`] port. A switch
//! 1. opens the new database and refuses it unless this build migrated it and it holds a
//!    replay of every council's stream (a checkpoint, and none beyond the stream's end);
//! 2. folds into it, while the live projector keeps running, every commit up to the live
//!    checkpoints (the bulk of any gap);
//! 3. stops the live projector cleanly (its last batch and checkpoint written), then folds
//!    the few commits the live read model took meanwhile, so the new one is level with every
//!    checkpoint already published to queries;
//! 4. points the shared [`ReadStore`] (and so every query object's clone) at the new database;
//! 5. restarts the projector on it with the same progress channels, each council's feed
//!    resuming from the new database's checkpoint.
//!
//! Queries keep answering throughout: until step 4 from the old database, afterwards from the
//! new one, which is never behind a checkpoint a query may have waited for, so read-your-writes
//! holds across the switch. Between steps 3 and 5 nothing is folded; a query waiting for a
//! newer commit waits that long (the catch-up of step 3 only, not the replay).
//!
//! What this is not: the replay that builds the new database (`precept replay`, over
//! [`crate::replay`]), or a way to switch instances that run no projectors.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use precept_app::{FeedSource, ReadModelSwitch, SwitchError, SwitchOutcome};
use precept_domain::CouncilCode;
use tokio::sync::Mutex;

use crate::projector::{Progress, ProgressChannels, Projector, ProjectorConfig, ProjectorError};
use crate::read_store::{MigrationState, ReadStore, ReadStoreError};
use crate::replay::{ReplayConfig, ReplayError, ReplayProgress, replay_council};

/// The running projector of one instance, and the switch between read models.
pub struct ReadModelSwitcher<F> {
    source: Arc<F>,
    live: ReadStore,
    config: ProjectorConfig,
    replay: ReplayConfig,
    /// `None` in an instance that runs no projectors.
    channels: Option<ProgressChannels>,
    /// The running projector; the lock also makes switches one at a time.
    projector: Mutex<Option<Projector>>,
}

impl<F: FeedSource> ReadModelSwitcher<F> {
    /// Starts the projector `config.name` over `councils` on `live`.
    ///
    /// # Errors
    /// [`ProjectorError::Store`] if a checkpoint cannot be read.
    pub async fn start(
        source: Arc<F>,
        live: ReadStore,
        councils: &[CouncilCode],
        config: ProjectorConfig,
    ) -> Result<Self, ProjectorError> {
        let projector = Projector::start(Arc::clone(&source), live.clone(), councils, config.clone()).await?;
        Ok(ReadModelSwitcher {
            source,
            live,
            config,
            replay: ReplayConfig::default(),
            channels: Some(projector.channels().clone()),
            projector: Mutex::new(Some(projector)),
        })
    }

    /// For an instance that runs no projectors: queries read `live` as it is, and a switch is
    /// refused.
    pub fn without_projector(source: Arc<F>, live: ReadStore, config: ProjectorConfig) -> Self {
        ReadModelSwitcher {
            source,
            live,
            config,
            replay: ReplayConfig::default(),
            channels: None,
            projector: Mutex::new(None),
        }
    }

    /// The progress receivers query objects wait on (none without a projector). They stay
    /// valid across switches.
    pub fn progress(&self) -> Progress {
        self.channels
            .as_ref()
            .map(ProgressChannels::receivers)
            .unwrap_or_default()
    }

    /// Stops the projector cleanly (waiting for a switch under way to finish first).
    pub async fn shutdown(&self) {
        if let Some(projector) = self.projector.lock().await.take() {
            projector.shutdown().await;
        }
    }

    async fn switch(&self, database_url: &str) -> Result<SwitchOutcome, SwitchError> {
        let mut running = self.projector.try_lock().map_err(|_| SwitchError::InProgress)?;
        if running.is_none() {
            return Err(SwitchError::NoProjector);
        }
        let Some(channels) = &self.channels else {
            return Err(SwitchError::NoProjector);
        };
        let candidate = open_candidate(database_url).await?;
        self.check_replayed(&candidate, channels).await?;
        // While the live projector runs: the bulk of the gap.
        let mut caught_up = self.catch_up(&candidate, channels).await?;
        let projector = running.take().expect("checked above: the projector is running");
        let channels = projector.stop().await;
        // Stopped: the live checkpoints are final, and the rest is what arrived meanwhile.
        match self.catch_up(&candidate, &channels).await {
            Ok(commits) => caught_up += commits,
            Err(error) => {
                *running = Some(self.restart(channels));
                return Err(error);
            }
        }
        let old = self.live.switch_to(&candidate);
        let checkpoints = match self.checkpoints(&channels).await {
            Ok(checkpoints) => checkpoints,
            Err(error) => {
                self.live.restore(old);
                *running = Some(self.restart(channels));
                return Err(error);
            }
        };
        *running = Some(self.restart(channels));
        // The old pool closes when the last query that took it finishes.
        drop(old);
        tracing::info!(
            projector = %self.config.name,
            backend = ?self.live.backend(),
            caught_up,
            "read model switched"
        );
        Ok(SwitchOutcome {
            checkpoints,
            caught_up_commits: caught_up,
        })
    }

    fn restart(&self, channels: ProgressChannels) -> Projector {
        Projector::start_on(
            Arc::clone(&self.source),
            self.live.clone(),
            channels,
            self.config.clone(),
        )
    }

    /// Refuses a database with no replay of a council's stream, or one built from other streams.
    async fn check_replayed(&self, candidate: &ReadStore, channels: &ProgressChannels) -> Result<(), SwitchError> {
        for council in channels.councils() {
            let checkpoint = candidate
                .checkpoint(&self.config.name, council.as_str())
                .await
                .map_err(store_failed)?;
            let stream_last = self.source.last_sequence(council).await.map_err(unavailable)?;
            if checkpoint > stream_last {
                return Err(SwitchError::AheadOfStream {
                    council: council.clone(),
                    checkpoint,
                    stream_last,
                });
            }
            if checkpoint == 0 && stream_last > 0 {
                return Err(SwitchError::NotReplayed {
                    council: council.clone(),
                });
            }
        }
        Ok(())
    }

    /// Folds into `candidate` every commit up to each council's published checkpoint.
    async fn catch_up(&self, candidate: &ReadStore, channels: &ProgressChannels) -> Result<u64, SwitchError> {
        let folded = Folded::default();
        for council in channels.councils() {
            let through = channels.reached(council).unwrap_or(0);
            replay_council(
                Arc::clone(&self.source),
                candidate,
                &self.config.name,
                council,
                through,
                &self.replay,
                &folded,
            )
            .await
            .map_err(replay_failed)?;
        }
        Ok(folded.0.into_inner())
    }

    async fn checkpoints(&self, channels: &ProgressChannels) -> Result<Vec<(CouncilCode, u64)>, SwitchError> {
        let mut checkpoints = Vec::new();
        for council in channels.councils() {
            let checkpoint = self
                .live
                .checkpoint(&self.config.name, council.as_str())
                .await
                .map_err(store_failed)?;
            checkpoints.push((council.clone(), checkpoint));
        }
        Ok(checkpoints)
    }
}

impl<F: FeedSource> ReadModelSwitch for ReadModelSwitcher<F> {
    async fn switch_read_model(&self, database_url: &str) -> Result<SwitchOutcome, SwitchError> {
        self.switch(database_url).await
    }
}

/// Counts the commits a catch-up folds.
#[derive(Default)]
struct Folded(AtomicU64);

impl ReplayProgress for Folded {
    fn planned(&self, _commits: u64) {}

    fn applied(&self, commits: u64) {
        self.0.fetch_add(commits, Ordering::Relaxed);
    }
}

/// Opens the database to switch to, refusing one this build did not migrate.
async fn open_candidate(database_url: &str) -> Result<ReadStore, SwitchError> {
    let candidate = ReadStore::open_existing(database_url)
        .await
        .map_err(|error| match error {
            ReadStoreError::UnsupportedUrl => SwitchError::UnsupportedUrl,
            other => store_failed(other),
        })?;
    match candidate.migration_state().await.map_err(store_failed)? {
        MigrationState::Current => Ok(candidate),
        MigrationState::Missing => Err(SwitchError::NotAReadModel("it has no migrations table".into())),
        // An older read model would be migrated, and Precept's migrations that add read
        // models reset the checkpoints to refold: it must be replayed by this build instead.
        MigrationState::Behind { pending } => Err(SwitchError::NotAReadModel(format!(
            "migrations {pending:?} are not applied (replay into a fresh database with this build)"
        ))),
        MigrationState::Foreign { versions } => Err(SwitchError::NotAReadModel(format!(
            "migrations {versions:?} failed or are not this build's"
        ))),
    }
}

fn store_failed(error: ReadStoreError) -> SwitchError {
    SwitchError::Unavailable(error.to_string())
}

fn unavailable(error: impl std::fmt::Display) -> SwitchError {
    SwitchError::Unavailable(error.to_string())
}

fn replay_failed(error: ReplayError) -> SwitchError {
    SwitchError::Unavailable(error.to_string())
}
