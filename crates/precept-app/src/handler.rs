//! The command path: load, decide, append with an expected position, retry on conflict.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use precept_domain::{AggregateKind, CouncilCode};
use rand::Rng;

use crate::cache::AggregateCache;
use crate::error::{CommandError, StoreError};
use crate::meta::{CommitOutcome, RecordedRequest, RequestMeta};
use crate::store::{AggregateStore, AppendOutcome, Loaded, NewCommit, StreamPosition};

/// Limits and tuning for a [`CommandHandler`].
#[derive(Debug, Clone)]
pub struct HandlerConfig {
    /// Appends tried before answering `ABORTED`. Conflicts only arise between processes (see
    /// [`AggregateCache`]), so a handful is plenty; the bound keeps a hot spot from spinning.
    pub attempts_max: u32,
    /// First back-off after a conflict; doubled per attempt, with full jitter.
    pub backoff_first_ms: u64,
    /// Ceiling on one back-off.
    pub backoff_max_ms: u64,
    /// Aggregates kept in memory.
    pub cache_capacity: usize,
    /// A snapshot is saved each time the version crosses a multiple of this.
    pub snapshot_every_events: u64,
    /// How long a request id is remembered after the aggregate's newest commit.
    pub idempotency_retention: chrono::Duration,
}

impl Default for HandlerConfig {
    fn default() -> Self {
        HandlerConfig {
            attempts_max: 16,
            backoff_first_ms: 1,
            backoff_max_ms: 50,
            cache_capacity: 400_000,
            snapshot_every_events: 50,
            idempotency_retention: chrono::Duration::days(30),
        }
    }
}

/// Counters for benchmarks and tests.
#[derive(Debug, Default)]
pub struct HandlerStats {
    /// Appends refused because another commit got there first.
    pub conflicts: AtomicU64,
    /// Requests answered from the idempotency record without writing.
    pub replays: AtomicU64,
    /// Loads from the store (cache misses, reloads after conflicts).
    pub loads: AtomicU64,
}

/// What a successful command produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandOutcome {
    /// The commit, original or new.
    pub commit: CommitOutcome,
    /// True when this answer replays an earlier identical request; nothing was written.
    pub replayed: bool,
}

/// Runs commands for one aggregate kind against a store.
pub struct CommandHandler<A: AggregateKind, S> {
    aggregate: A,
    store: Arc<S>,
    cache: AggregateCache<A::State>,
    config: HandlerConfig,
    stats: Arc<HandlerStats>,
}

impl<A, S> CommandHandler<A, S>
where
    A: AggregateKind,
    S: AggregateStore<A>,
{
    /// A handler over `store`.
    pub fn new(aggregate: A, store: Arc<S>, config: HandlerConfig) -> Self {
        CommandHandler {
            aggregate,
            cache: AggregateCache::new(config.cache_capacity),
            store,
            config,
            stats: Arc::new(HandlerStats::default()),
        }
    }

    /// Counters since start.
    pub fn stats(&self) -> &HandlerStats {
        &self.stats
    }

    /// Carries out `command` on one aggregate, exactly once per request id.
    ///
    /// # Errors
    /// [`CommandError::Rejected`] for a business refusal; [`CommandError::RequestIdReused`];
    /// [`CommandError::ConcurrencyExhausted`] when every attempt met a newer commit;
    /// [`CommandError::Store`] for infrastructure faults.
    pub async fn execute(
        &self,
        council: &CouncilCode,
        aggregate_id: &A::Id,
        command: A::Command,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, CommandError<A::Error>> {
        let key = format!("{council}/{aggregate_id}");
        let slot = self.cache.slot(&key);
        let mut guard = slot.lock().await;
        let result = self
            .execute_locked(&mut guard, council, aggregate_id, command, meta)
            .await;
        if result.is_err() {
            // After any failure the cached state may be behind; the next command reloads.
            *guard = None;
        }
        result
    }

    /// The aggregate's current state as this process knows it (cached, or loaded).
    ///
    /// For reads that decide what to ask next (which years an account has been billed for,
    /// a property's bands); the command that follows still runs its own concurrency check.
    ///
    /// # Errors
    /// [`CommandError::Store`].
    pub async fn state(&self, council: &CouncilCode, aggregate_id: &A::Id) -> Result<A::State, CommandError<A::Error>> {
        self.inspect(council, aggregate_id, Clone::clone).await
    }

    /// The aggregate's state loaded from the store now (refreshing the cache): for readers
    /// that must not act on a cached copy another process may have moved past, such as a
    /// process manager in one instance following commands made in others.
    ///
    /// # Errors
    /// [`CommandError::Store`].
    pub async fn reload(
        &self,
        council: &CouncilCode,
        aggregate_id: &A::Id,
    ) -> Result<A::State, CommandError<A::Error>> {
        let key = format!("{council}/{aggregate_id}");
        let slot = self.cache.slot(&key);
        let mut guard = slot.lock().await;
        let loaded = guard.insert(self.load(council, aggregate_id).await?);
        Ok(loaded.state.clone())
    }

    /// Reads part of the aggregate's current state without copying the rest.
    ///
    /// # Errors
    /// [`CommandError::Store`].
    pub async fn inspect<R>(
        &self,
        council: &CouncilCode,
        aggregate_id: &A::Id,
        read: impl FnOnce(&A::State) -> R,
    ) -> Result<R, CommandError<A::Error>> {
        let key = format!("{council}/{aggregate_id}");
        let slot = self.cache.slot(&key);
        let mut guard = slot.lock().await;
        let loaded = match &mut *guard {
            Some(loaded) => loaded,
            None => guard.insert(self.load(council, aggregate_id).await?),
        };
        Ok(read(&loaded.state))
    }

    async fn execute_locked(
        &self,
        cached: &mut Option<Loaded<A::State>>,
        council: &CouncilCode,
        aggregate_id: &A::Id,
        command: A::Command,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, CommandError<A::Error>> {
        for attempt in 1..=self.config.attempts_max {
            let loaded = match cached {
                Some(loaded) => loaded,
                None => cached.insert(self.load(council, aggregate_id).await?),
            };
            if let Some(recorded) = loaded.requests.get(&meta.request_id) {
                if recorded.fingerprint != meta.fingerprint {
                    return Err(CommandError::RequestIdReused);
                }
                self.stats.replays.fetch_add(1, Ordering::Relaxed);
                return Ok(CommandOutcome {
                    commit: recorded.outcome,
                    replayed: true,
                });
            }
            let events = self
                .aggregate
                .handle(aggregate_id, &loaded.state, command.clone())
                .await
                .map_err(CommandError::Rejected)?
                .unwrap_or_default();
            if events.is_empty() {
                let commit = CommitOutcome {
                    sequence: loaded.position.last_sequence,
                    version: loaded.position.version,
                    event_count: 0,
                };
                return Ok(CommandOutcome {
                    commit,
                    replayed: false,
                });
            }
            let commit = NewCommit::<A> {
                council,
                aggregate_id,
                events: &events,
                meta,
                effective_date: events.first().and_then(A::effective_date),
                expected: loaded.position,
            };
            match self.store.append(commit).await {
                Ok(AppendOutcome::Stored { outcome, recorded_at }) => {
                    self.advance(loaded, events, outcome, recorded_at, meta, council, aggregate_id)?;
                    return Ok(CommandOutcome {
                        commit: outcome,
                        replayed: false,
                    });
                }
                Ok(AppendOutcome::AlreadyStored { .. }) => {
                    // The duplicate window caught a retry of a request already stored; reload so
                    // the idempotency record answers it with the original outcome.
                    *cached = None;
                }
                Err(StoreError::Conflict { .. }) => {
                    self.stats.conflicts.fetch_add(1, Ordering::Relaxed);
                    *cached = None;
                    if attempt < self.config.attempts_max {
                        tokio::time::sleep(self.backoff(attempt)).await;
                    }
                }
                Err(other) => return Err(CommandError::Store(other)),
            }
        }
        Err(CommandError::ConcurrencyExhausted {
            attempts: self.config.attempts_max,
        })
    }

    async fn load(
        &self,
        council: &CouncilCode,
        aggregate_id: &A::Id,
    ) -> Result<Loaded<A::State>, CommandError<A::Error>> {
        self.stats.loads.fetch_add(1, Ordering::Relaxed);
        self.store
            .load(council, aggregate_id)
            .await
            .map_err(CommandError::Store)
    }

    /// Brings the cached aggregate up to the commit just stored, and snapshots when due.
    #[allow(clippy::too_many_arguments)] // each argument is a distinct part of the commit just made
    fn advance(
        &self,
        loaded: &mut Loaded<A::State>,
        events: Vec<A::Event>,
        outcome: CommitOutcome,
        recorded_at: DateTime<Utc>,
        meta: &RequestMeta,
        council: &CouncilCode,
        aggregate_id: &A::Id,
    ) -> Result<(), CommandError<A::Error>> {
        let state = A::fold(std::mem::take(&mut loaded.state), &events).map_err(CommandError::Rejected)?;
        let previous_version = loaded.position.version;
        loaded.state = state;
        loaded.position = StreamPosition {
            version: outcome.version,
            last_sequence: outcome.sequence,
        };
        let request = RecordedRequest {
            fingerprint: meta.fingerprint.clone(),
            outcome,
            recorded_at,
        };
        loaded
            .requests
            .record(meta.request_id.clone(), request, self.config.idempotency_retention);
        let every = self.config.snapshot_every_events.max(1);
        if previous_version / every != outcome.version / every {
            let store = Arc::clone(&self.store);
            let (council, aggregate_id, snapshot) = (council.clone(), aggregate_id.clone(), loaded.clone());
            // Snapshots are an optimisation: saved off the command path, failures only logged.
            tokio::spawn(async move {
                if let Err(error) = store.save_snapshot(&council, &aggregate_id, &snapshot).await {
                    tracing::warn!(%council, %aggregate_id, %error, "snapshot not saved");
                }
            });
        }
        Ok(())
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = self
            .config
            .backoff_first_ms
            .saturating_mul(1u64 << attempt.min(16))
            .min(self.config.backoff_max_ms)
            .max(1);
        Duration::from_millis(rand::rng().random_range(0..=ceiling))
    }
}
