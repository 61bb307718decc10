//! Credentials in the KV bucket `precept_credentials`, keyed by credential id.
//!
//! Every revision is kept (issue, then revoke), so the bucket is also the history of who was
//! given access when. The server keeps every credential in memory, fed by a watch on the
//! bucket, so authenticating costs no round trip and a revocation written by `precept token
//! revoke` from another process takes effect as soon as the watch delivers it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use async_nats::jetstream::{self, kv};
use bytes::Bytes;
use futures::StreamExt as _;
use precept_app::StoreError;
use precept_app::access::{Credential, CredentialId, CredentialSecret, CredentialStore};

use crate::classify;
use crate::codec::credential_v1;
use crate::config::{EventStoreConfig, StorageKind};

/// The bucket's name.
pub const CREDENTIAL_BUCKET: &str = "precept_credentials";

/// The credential store on JetStream KV.
#[derive(Clone)]
pub struct JetStreamCredentials {
    bucket: kv::Store,
    /// Every credential with the KV revision it was read at: a copy read earlier never
    /// replaces one read later (a revocation is never undone by a slow fetch).
    known: Arc<RwLock<HashMap<String, (u64, Credential)>>>,
    watcher: Arc<WatchTask>,
    /// When an unknown certificate last made the copy reload.
    reloaded: Arc<std::sync::Mutex<Option<std::time::Instant>>>,
}

/// Stops the watch when the last clone goes.
struct WatchTask(Option<tokio::task::JoinHandle<()>>);

impl Drop for WatchTask {
    fn drop(&mut self) {
        if let Some(task) = self.0.take() {
            task.abort();
        }
    }
}

type Known = Arc<RwLock<HashMap<String, (u64, Credential)>>>;

impl JetStreamCredentials {
    /// Binds to the bucket (creating it on first use), without watching it: for the `precept
    /// token` command, which only writes and lists. An existing bucket keeps its settings
    /// (replicas, storage), whatever `config` says.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn open(context: &jetstream::Context, config: &EventStoreConfig) -> Result<Self, StoreError> {
        let bucket = match context.get_key_value(CREDENTIAL_BUCKET).await {
            Ok(bucket) => bucket,
            Err(_) => context
                .create_key_value(kv::Config {
                    bucket: CREDENTIAL_BUCKET.to_owned(),
                    description: "client credentials (digests only); every revision kept".to_owned(),
                    history: 64,
                    num_replicas: config.replicas,
                    storage: match config.storage {
                        StorageKind::File => jetstream::stream::StorageType::File,
                        StorageKind::Memory => jetstream::stream::StorageType::Memory,
                    },
                    ..Default::default()
                })
                .await
                .map_err(classify::unavailable)?,
        };
        Ok(JetStreamCredentials {
            bucket,
            known: Arc::default(),
            watcher: Arc::new(WatchTask(None)),
            reloaded: Arc::default(),
        })
    }

    /// Opens the bucket and keeps every credential in memory, following changes; if the
    /// watch fails it is started again and the copy reloaded.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn open_watched(context: &jetstream::Context, config: &EventStoreConfig) -> Result<Self, StoreError> {
        let mut store = Self::open(context, config).await?;
        let updates = store.bucket.watch_all().await.map_err(classify::unavailable)?;
        // Load what exists after the watch starts, so nothing written in between is missed.
        for (revision, credential) in load_all(&store.bucket).await? {
            remember(&store.known, revision, credential);
        }
        let task = tokio::spawn(follow(store.bucket.clone(), Arc::clone(&store.known), updates));
        store.watcher = Arc::new(WatchTask(Some(task)));
        Ok(store)
    }

    /// The credential registered for a certificate; `issue` refuses a certificate already
    /// registered, so there is at most one.
    fn cached_certificate(&self, sha256: &str) -> Option<Credential> {
        let known = self.known.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        known
            .values()
            .map(|(_, credential)| credential)
            .find(|credential| matches!(&credential.secret, CredentialSecret::CertificateSha256(digest) if digest == sha256))
            .cloned()
    }

    fn cached(&self, id: &str) -> Option<Credential> {
        let known = self.known.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        known.get(id).map(|(_, credential)| credential.clone())
    }

    async fn fetch(&self, id: &str) -> Result<Option<(u64, Credential)>, StoreError> {
        fetch(&self.bucket, id).await
    }

    /// Creates a credential whose id is not yet taken.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when the id exists; [`StoreError::Unavailable`].
    pub async fn create(&self, credential: &Credential) -> Result<(), StoreError> {
        let revision = self
            .bucket
            .create(credential.id.as_str(), Bytes::from(credential_v1::encode(credential)))
            .await
            .map_err(|error| match error.kind() {
                kv::CreateErrorKind::AlreadyExists => StoreError::Conflict { expected_sequence: 0 },
                _ => classify::unavailable(error),
            })?;
        remember(&self.known, revision, credential.clone());
        Ok(())
    }
}

async fn fetch(bucket: &kv::Store, id: &str) -> Result<Option<(u64, Credential)>, StoreError> {
    match bucket.entry(id).await.map_err(classify::unavailable)? {
        Some(entry) if entry.operation == kv::Operation::Put => Ok(Some((entry.revision, decode(&entry.value)?))),
        _ => Ok(None),
    }
}

async fn load_all(bucket: &kv::Store) -> Result<Vec<(u64, Credential)>, StoreError> {
    let mut keys = bucket.keys().await.map_err(classify::unavailable)?;
    let mut all = Vec::new();
    while let Some(key) = keys.next().await {
        let key = key.map_err(classify::unavailable)?;
        if let Some(found) = fetch(bucket, &key).await? {
            all.push(found);
        }
    }
    Ok(all)
}

fn remember(known: &Known, revision: u64, credential: Credential) {
    let mut known = known.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    let newer = known
        .get(credential.id.as_str())
        .is_none_or(|(held, _)| *held < revision);
    if newer {
        known.insert(credential.id.to_string(), (revision, credential));
    }
}

fn forget(known: &Known, key: &str) {
    let mut known = known.write().unwrap_or_else(std::sync::PoisonError::into_inner);
    known.remove(key);
}

/// Applies the bucket's changes to the copy; when the watch ends or fails, starts it again
/// and reloads, so a revocation is never missed for longer than the outage.
async fn follow(bucket: kv::Store, known: Known, mut updates: kv::Watch) {
    loop {
        while let Some(entry) = updates.next().await {
            match entry {
                Ok(entry) if entry.operation == kv::Operation::Put => match credential_v1::decode(&entry.value) {
                    Ok(credential) => remember(&known, entry.revision, credential),
                    Err(error) => tracing::error!(key = %entry.key, %error, "unreadable credential; ignored"),
                },
                // Deleted or purged by hand: it no longer authenticates.
                Ok(entry) => forget(&known, &entry.key),
                Err(error) => {
                    tracing::warn!(%error, "credential watch failed; restarting it");
                    break;
                }
            }
        }
        loop {
            // A pause between attempts while NATS is away, not a wait for a result.
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            let Ok(restarted) = bucket.watch_all().await else {
                continue;
            };
            match load_all(&bucket).await {
                Ok(all) => {
                    let mut fresh: HashMap<String, (u64, Credential)> = HashMap::new();
                    for (revision, credential) in all {
                        fresh.insert(credential.id.to_string(), (revision, credential));
                    }
                    *known.write().unwrap_or_else(std::sync::PoisonError::into_inner) = fresh;
                    updates = restarted;
                    break;
                }
                Err(error) => tracing::warn!(%error, "credential reload failed; retrying"),
            }
        }
    }
}

fn decode(bytes: &[u8]) -> Result<Credential, StoreError> {
    credential_v1::decode(bytes).map_err(|error| StoreError::Corrupt {
        sequence: 0,
        reason: error.to_string(),
    })
}

impl CredentialStore for JetStreamCredentials {
    async fn credential(&self, id: &CredentialId) -> Result<Option<Credential>, StoreError> {
        if let Some(credential) = self.cached(id.as_str()) {
            return Ok(Some(credential));
        }
        // Issued a moment ago by another process: the watch may not have brought it yet.
        let fetched = self.fetch(id.as_str()).await?;
        if let Some((revision, credential)) = &fetched {
            remember(&self.known, *revision, credential.clone());
        }
        Ok(fetched.map(|(_, credential)| credential))
    }

    async fn credential_for_certificate(&self, sha256: &str) -> Result<Option<Credential>, StoreError> {
        if let Some(credential) = self.cached_certificate(sha256) {
            return Ok(Some(credential));
        }
        // Registered a moment ago by another process, perhaps: reload the copy, but at most
        // once a second, so unregistered certificates cannot make every call a bucket scan.
        let due = {
            let mut reloaded = self.reloaded.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let due = reloaded.is_none_or(|at| at.elapsed() >= std::time::Duration::from_secs(1));
            if due {
                *reloaded = Some(std::time::Instant::now());
            }
            due
        };
        if due {
            for (revision, credential) in load_all(&self.bucket).await? {
                remember(&self.known, revision, credential);
            }
        }
        Ok(self.cached_certificate(sha256))
    }

    async fn put(&self, credential: &Credential) -> Result<(), StoreError> {
        let revision = self
            .bucket
            .put(credential.id.as_str(), Bytes::from(credential_v1::encode(credential)))
            .await
            .map_err(classify::unavailable)?;
        remember(&self.known, revision, credential.clone());
        Ok(())
    }

    async fn list(&self) -> Result<Vec<Credential>, StoreError> {
        let mut credentials: Vec<Credential> = load_all(&self.bucket)
            .await?
            .into_iter()
            .map(|(_, credential)| credential)
            .collect();
        credentials.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(credentials)
    }
}
