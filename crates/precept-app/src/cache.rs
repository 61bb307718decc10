//! The in-process cache of hot aggregates, which doubles as the per-aggregate command queue.
//!
//! Each cached aggregate sits behind its own async mutex. A command holds the mutex from load
//! to append, so commands for one aggregate in one process run one after another instead of
//! racing each other into optimistic-concurrency conflicts, while different aggregates run in
//! parallel. Conflicts then only come from other processes, and the expected-sequence check on
//! append catches them (the cached state is refreshed and the command decided again).
//!
//! The cache is bounded (least recently used entries are dropped) and sharded so that looking
//! up a slot is not a point of contention. Capacity 0 disables caching: every command loads.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::store::Loaded;

const SHARDS: usize = 16;

/// A slot: `None` until the aggregate has been loaded (or after it was invalidated).
pub type Slot<S> = Arc<tokio::sync::Mutex<Option<Loaded<S>>>>;

/// Bounded, sharded cache of loaded aggregates keyed by `(council, aggregate id)` text.
pub struct AggregateCache<S> {
    shards: Vec<Mutex<LruCache<String, Slot<S>>>>,
    enabled: bool,
}

impl<S> AggregateCache<S> {
    /// A cache holding about `capacity` aggregates; 0 disables it.
    pub fn new(capacity: usize) -> Self {
        let per_shard = NonZeroUsize::new(capacity.div_ceil(SHARDS).max(1)).expect("at least one per shard");
        AggregateCache {
            shards: (0..SHARDS).map(|_| Mutex::new(LruCache::new(per_shard))).collect(),
            enabled: capacity > 0,
        }
    }

    /// The slot for a key, created empty if absent.
    ///
    /// With the cache disabled a fresh slot is returned each time: commands still serialise on
    /// nothing and always load, which is what the benchmark compares against.
    pub fn slot(&self, key: &str) -> Slot<S> {
        if !self.enabled {
            return Arc::new(tokio::sync::Mutex::new(None));
        }
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let shard = usize::try_from(hasher.finish() % SHARDS as u64).expect("shard index fits usize");
        let mut shard = self.shards[shard]
            .lock()
            .expect("cache shard mutex is never poisoned: no code panics while holding it");
        if let Some(slot) = shard.get(key) {
            return Arc::clone(slot);
        }
        let slot: Slot<S> = Arc::new(tokio::sync::Mutex::new(None));
        shard.put(key.to_owned(), Arc::clone(&slot));
        slot
    }
}
