//! Rebuilding a read model from a council's stream up to a stated sequence.
//!
//! What this is: the engine behind `precept replay`, `replay --verify` and a read-model
//! switch's catch-up. It reads through the feed port's throwaway replay feed (no durable
//! consumer moves, so a live projector is undisturbed) and folds through the same
//! [`ReadStore::apply_batch`] as the projector, so a rebuilt read model is the live one's twin
//! by construction. Reading and writing overlap: a reader task decodes the next batch while
//! the store writes the current one.
//! What this is not: a projector. It stops at the sequence it was given and keeps no watch
//! channel; following a stream indefinitely is [`crate::Projector`]'s job.

use std::sync::Arc;
use std::time::Duration;

use precept_app::{CommitFeed, FeedCommit, FeedError, FeedSource};
use precept_domain::CouncilCode;
use tokio::sync::mpsc;

use crate::billing::RowCache;
use crate::read_store::{ReadStore, ReadStoreError};

/// The projectors this build knows, by name: `precept replay` rebuilds these.
pub const PROJECTORS: &[&str] = &[crate::billing::PROJECTOR];

/// Replay settings.
#[derive(Debug, Clone)]
pub struct ReplayConfig {
    /// Commits folded per transaction. Larger than the live projector's batches: a replay
    /// has no reader waiting for its latest commit, and each batch reads back and rewrites
    /// the rows it touches once, so fewer, larger batches write each row fewer times.
    pub batch_max: usize,
    /// Batches decoded ahead of the one being written.
    pub read_ahead: usize,
    /// How long to wait for the stream's next commit before asking again.
    pub idle: Duration,
    /// Folded rows (accounts, properties) kept in memory between batches, so a batch does
    /// not read back and re-parse what the replay wrote; past it, rows are read again.
    pub cached_rows_max: usize,
}

impl Default for ReplayConfig {
    fn default() -> Self {
        ReplayConfig {
            batch_max: 10_000,
            read_ahead: 2,
            idle: Duration::from_millis(500),
            cached_rows_max: 250_000,
        }
    }
}

/// Why a replay stopped.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The feed failed.
    #[error(transparent)]
    Feed(#[from] FeedError),
    /// The read model failed.
    #[error(transparent)]
    Store(#[from] ReadStoreError),
    /// The feed's reader task died (a bug).
    #[error("replay reader stopped: {0}")]
    Reader(String),
}

/// Told how a replay goes, e.g. to draw a progress bar.
pub trait ReplayProgress: Send + Sync {
    /// `commits` more commits are to be folded.
    fn planned(&self, commits: u64);
    /// `commits` more commits were folded (and committed with their checkpoint).
    fn applied(&self, commits: u64);
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unobserved;

impl ReplayProgress for Unobserved {
    fn planned(&self, _commits: u64) {}
    fn applied(&self, _commits: u64) {}
}

/// Folds `council`'s commits after the store's checkpoint for `projector`, up to and
/// including sequence `through`, into `store`, telling `progress` as it goes. Returns the checkpoint reached, which is `through` unless the store was
/// already past it.
///
/// `through` must be a sequence the stream holds (its last sequence or below): the replay
/// waits for it.
///
/// # Errors
/// [`ReplayError`]; every batch written before the failure stays written, with its
/// checkpoint, so running again resumes.
pub async fn replay_council<F: FeedSource>(
    source: Arc<F>,
    store: &ReadStore,
    projector: &str,
    council: &CouncilCode,
    through: u64,
    config: &ReplayConfig,
    progress: &dyn ReplayProgress,
) -> Result<u64, ReplayError> {
    let checkpoint = store.checkpoint(projector, council.as_str()).await?;
    if checkpoint >= through {
        return Ok(checkpoint);
    }
    // Streams deny delete, so every sequence up to `through` holds a commit.
    progress.planned(through - checkpoint);
    let (batches, mut received) = mpsc::channel(config.read_ahead.max(1));
    let reader = tokio::spawn(read_batches(
        source,
        council.clone(),
        checkpoint,
        through,
        config.clone(),
        batches,
    ));
    let mut reached = checkpoint;
    let mut cache = RowCache::new(checkpoint, config.cached_rows_max);
    let written = async {
        while let Some(batch) = received.recv().await {
            let count = u64::try_from(batch.len()).expect("a batch fits in u64");
            reached = store
                .apply_replay_batch(projector, council.as_str(), &batch, &mut cache)
                .await?;
            progress.applied(count);
        }
        Ok::<(), ReplayError>(())
    }
    .await;
    // A failed write drops the receiver, which stops the reader at its next send.
    drop(received);
    let read = reader.await.map_err(|error| ReplayError::Reader(error.to_string()))?;
    written?;
    read?;
    Ok(reached)
}

/// Reads the stream from `after + 1` through `through` in batches of up to `batch_max`.
async fn read_batches<F: FeedSource>(
    source: Arc<F>,
    council: CouncilCode,
    after: u64,
    through: u64,
    config: ReplayConfig,
    batches: mpsc::Sender<Vec<FeedCommit>>,
) -> Result<(), ReplayError> {
    let mut feed = source.replay(&council, after).await?;
    let mut last = after;
    while last < through {
        let batch = next_batch(&mut feed, &config, through).await?;
        let Some(commit) = batch.last() else {
            continue;
        };
        last = commit.sequence;
        if batches.send(batch).await.is_err() {
            // The writer stopped; it reports why.
            return Ok(());
        }
    }
    Ok(())
}

/// Gathers up to `batch_max` commits, none beyond `through`. The feed hands out what has
/// arrived; this keeps asking until the batch is full, `through` is reached, or the stream
/// goes quiet.
async fn next_batch<C: CommitFeed>(
    feed: &mut C,
    config: &ReplayConfig,
    through: u64,
) -> Result<Vec<FeedCommit>, ReplayError> {
    let mut batch: Vec<FeedCommit> = Vec::new();
    while batch.len() < config.batch_max {
        let more = feed.next_batch(config.batch_max - batch.len(), config.idle).await?;
        if more.is_empty() {
            break;
        }
        batch.extend(more.into_iter().take_while(|commit| commit.sequence <= through));
        if batch.last().is_some_and(|commit| commit.sequence >= through) {
            break;
        }
    }
    Ok(batch)
}

/// The known projector called `name`.
///
/// # Errors
/// [`UnknownProjector`] naming the known ones.
pub fn known_projector(name: &str) -> Result<&'static str, UnknownProjector> {
    PROJECTORS
        .iter()
        .copied()
        .find(|known| *known == name)
        .ok_or_else(|| UnknownProjector { name: name.to_owned() })
}

/// A projector name this build does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown projector {name:?}: known projectors are {}", PROJECTORS.join(", "))]
pub struct UnknownProjector {
    /// The name given.
    pub name: String,
}
