//! The projector loop: feed → fold → one transaction (rows + checkpoint) → acknowledge.
//!
//! One task per council. Progress (the last checkpoint written) is published on a watch
//! channel so callers can wait for a read model to catch up with a sequence, without sleeping.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use precept_app::{CommitFeed, FeedError, FeedSource, QueryError};
use precept_domain::CouncilCode;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::read_store::{ReadStore, ReadStoreError};

/// Projector settings.
#[derive(Debug, Clone)]
pub struct ProjectorConfig {
    /// The projector's name (checkpoint key and durable consumer name).
    pub name: String,
    /// Largest batch folded in one transaction.
    pub batch_max: usize,
    /// How long to wait for new commits before checking for shutdown.
    pub idle: Duration,
    /// Pause before reopening a feed after an infrastructure failure.
    pub retry_after: Duration,
}

impl ProjectorConfig {
    /// Defaults for a projector called `name`.
    pub fn new(name: &str) -> Self {
        ProjectorConfig {
            name: name.to_owned(),
            batch_max: 2_000,
            idle: Duration::from_millis(500),
            retry_after: Duration::from_secs(1),
        }
    }
}

/// Why a projector stopped.
#[derive(Debug, thiserror::Error)]
pub enum ProjectorError {
    /// The feed failed.
    #[error(transparent)]
    Feed(#[from] FeedError),
    /// The read model failed.
    #[error(transparent)]
    Store(#[from] ReadStoreError),
}

/// Checkpoints reached, per council.
pub type Progress = HashMap<CouncilCode, watch::Receiver<u64>>;

/// The checkpoint watch of each council a projector follows.
///
/// The channels outlive any one run of the projector: when it restarts on another database (a
/// read-model switch, `crate::switch`), it publishes on the same channels, so the query objects
/// that wait on them for read-your-writes never notice.
#[derive(Debug, Clone)]
pub struct ProgressChannels {
    senders: Vec<(CouncilCode, watch::Sender<u64>)>,
}

impl ProgressChannels {
    /// Channels for `councils`, starting at the checkpoints `store` holds.
    ///
    /// # Errors
    /// [`ProjectorError::Store`] if a checkpoint cannot be read.
    pub async fn at_checkpoints(
        store: &ReadStore,
        projector: &str,
        councils: &[CouncilCode],
    ) -> Result<Self, ProjectorError> {
        let mut senders = Vec::with_capacity(councils.len());
        for council in councils {
            let checkpoint = store.checkpoint(projector, council.as_str()).await?;
            senders.push((council.clone(), watch::channel(checkpoint).0));
        }
        Ok(ProgressChannels { senders })
    }

    /// A receiver per council, for query objects.
    pub fn receivers(&self) -> Progress {
        self.senders
            .iter()
            .map(|(council, sender)| (council.clone(), sender.subscribe()))
            .collect()
    }

    /// The councils, in the order given.
    pub fn councils(&self) -> impl Iterator<Item = &CouncilCode> {
        self.senders.iter().map(|(council, _)| council)
    }

    /// The checkpoint last published for `council`.
    pub fn reached(&self, council: &CouncilCode) -> Option<u64> {
        self.senders
            .iter()
            .find(|(found, _)| found == council)
            .map(|(_, sender)| *sender.borrow())
    }
}

/// Runs one projector over several councils.
pub struct Projector {
    channels: ProgressChannels,
    progress: Progress,
    shutdown: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Projector {
    /// Starts one task per council.
    ///
    /// # Errors
    /// [`ProjectorError::Store`] if a checkpoint cannot be read.
    pub async fn start<F: FeedSource>(
        source: Arc<F>,
        store: ReadStore,
        councils: &[CouncilCode],
        config: ProjectorConfig,
    ) -> Result<Self, ProjectorError> {
        let channels = ProgressChannels::at_checkpoints(&store, &config.name, councils).await?;
        Ok(Self::start_on(source, store, channels, config))
    }

    /// Starts one task per council of `channels`, publishing progress on them: each task
    /// resumes from the checkpoint `store` holds.
    pub fn start_on<F: FeedSource>(
        source: Arc<F>,
        store: ReadStore,
        channels: ProgressChannels,
        config: ProjectorConfig,
    ) -> Self {
        let (shutdown, shutdown_rx) = watch::channel(false);
        let mut tasks = JoinSet::new();
        for (council, sender) in &channels.senders {
            let run = run_council(
                Arc::clone(&source),
                store.clone(),
                council.clone(),
                config.clone(),
                sender.clone(),
                shutdown_rx.clone(),
            );
            tasks.spawn(run);
        }
        Projector {
            progress: channels.receivers(),
            channels,
            shutdown,
            tasks,
        }
    }

    /// The checkpoint watch for each council.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The progress channels, to restart on after [`Projector::stop`].
    pub fn channels(&self) -> &ProgressChannels {
        &self.channels
    }

    /// Waits until the council's checkpoint reaches `sequence`.
    ///
    /// # Errors
    /// [`ProjectorError::Feed`] if the projector stopped first.
    pub async fn caught_up(&self, council: &CouncilCode, sequence: u64) -> Result<(), ProjectorError> {
        let mut receiver = self
            .progress
            .get(council)
            .cloned()
            .ok_or_else(|| FeedError::Unavailable(format!("no projector for council {council}")))?;
        receiver
            .wait_for(|reached| *reached >= sequence)
            .await
            .map(|_| ())
            .map_err(|_| ProjectorError::Feed(FeedError::Unavailable("projector stopped".into())))
    }

    /// Asks every task to finish its current batch (rows and checkpoint written) and stop,
    /// waits for them, and hands back the progress channels, still open for their receivers.
    pub async fn stop(mut self) -> ProgressChannels {
        let _ = self.shutdown.send(true);
        while self.tasks.join_next().await.is_some() {}
        self.channels
    }

    /// Asks every task to finish its current batch and stop, then waits for them.
    pub async fn shutdown(self) {
        drop(self.stop().await);
    }

    /// Stops at once, mid-batch if need be, as a crash would (an open transaction rolls back).
    pub async fn abort(mut self) {
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
    }
}

/// Waits up to `wait_max` for the council's checkpoint in `progress` to reach `sequence`
/// (0: no wait), so a query can read its caller's own write.
///
/// # Errors
/// [`QueryError::NotCaughtUp`] after the wait; [`QueryError::Unavailable`] for an unknown council.
pub async fn wait_for_sequence(
    progress: &Progress,
    council: &CouncilCode,
    sequence: u64,
    wait_max: Duration,
) -> Result<(), QueryError> {
    if sequence == 0 {
        return Ok(());
    }
    let mut receiver = progress
        .get(council)
        .cloned()
        .ok_or_else(|| QueryError::Unavailable(format!("no projector for council {council}")))?;
    let waited = tokio::time::timeout(wait_max, receiver.wait_for(|reached| *reached >= sequence))
        .await
        .map(|result| result.is_ok());
    if waited != Ok(true) {
        return Err(QueryError::NotCaughtUp {
            wanted: sequence,
            reached: *receiver.borrow(),
        });
    }
    Ok(())
}

async fn run_council<F: FeedSource>(
    source: Arc<F>,
    store: ReadStore,
    council: CouncilCode,
    config: ProjectorConfig,
    progress: watch::Sender<u64>,
    mut shutdown: watch::Receiver<bool>,
) {
    while !*shutdown.borrow() {
        match run_feed(&*source, &store, &council, &config, &progress, &shutdown).await {
            Ok(()) => return,
            Err(error) => {
                tracing::error!(%council, projector = %config.name, %error, "projector failed; reopening its feed");
                // Back off, but wake at once on shutdown.
                let _ = tokio::time::timeout(config.retry_after, shutdown.changed()).await;
            }
        }
    }
}

async fn run_feed<F: FeedSource>(
    source: &F,
    store: &ReadStore,
    council: &CouncilCode,
    config: &ProjectorConfig,
    progress: &watch::Sender<u64>,
    shutdown: &watch::Receiver<bool>,
) -> Result<(), ProjectorError> {
    let checkpoint = store.checkpoint(&config.name, council.as_str()).await?;
    progress.send_replace(checkpoint);
    let mut feed = source.open(council, &config.name, checkpoint).await?;
    while !*shutdown.borrow() {
        let batch = feed.next_batch(config.batch_max, config.idle).await?;
        let Some(last) = batch.last().map(|commit| commit.sequence) else {
            continue;
        };
        let reached = store.apply_batch(&config.name, council.as_str(), &batch).await?;
        feed.ack_through(last).await?;
        progress.send_replace(reached);
    }
    Ok(())
}
