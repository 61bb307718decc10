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
    known: Arc<RwLock<HashMap<String, Credential>>>,
    watcher: Arc<WatchTask>,
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

impl JetStreamCredentials {
    /// Opens (creating if need be) the bucket, without watching it: for the `precept token`
    /// command, which only writes and lists.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn open(context: &jetstream::Context, config: &EventStoreConfig) -> Result<Self, StoreError> {
        let bucket = context
            .create_or_update_key_value(kv::Config {
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
            .map_err(classify::unavailable)?;
        Ok(JetStreamCredentials {
            bucket,
            known: Arc::default(),
            watcher: Arc::new(WatchTask(None)),
        })
    }

    /// Opens the bucket and keeps every credential in memory, following changes.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`].
    pub async fn open_watched(context: &jetstream::Context, config: &EventStoreConfig) -> Result<Self, StoreError> {
        let mut store = Self::open(context, config).await?;
        let mut updates = store.bucket.watch_all().await.map_err(classify::unavailable)?;
        // Load what exists after the watch starts, so nothing written in between is missed.
        for credential in store.list().await? {
            store.remember(credential);
        }
        let known = Arc::clone(&store.known);
        let task = tokio::spawn(async move {
            while let Some(entry) = updates.next().await {
                match entry.map(|entry| credential_v1::decode(&entry.value)) {
                    Ok(Ok(credential)) => {
                        let mut known = known.write().unwrap_or_else(std::sync::PoisonError::into_inner);
                        known.insert(credential.id.to_string(), credential);
                    }
                    Ok(Err(error)) => tracing::error!(%error, "unreadable credential in the bucket; ignored"),
                    Err(error) => tracing::warn!(%error, "credential watch hiccup"),
                }
            }
        });
        store.watcher = Arc::new(WatchTask(Some(task)));
        Ok(store)
    }

    fn remember(&self, credential: Credential) {
        let mut known = self.known.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        known.insert(credential.id.to_string(), credential);
    }

    fn cached(&self, id: &str) -> Option<Credential> {
        let known = self.known.read().unwrap_or_else(std::sync::PoisonError::into_inner);
        known.get(id).cloned()
    }

    async fn fetch(&self, id: &str) -> Result<Option<Credential>, StoreError> {
        match self.bucket.get(id).await.map_err(classify::unavailable)? {
            Some(bytes) => Ok(Some(decode(&bytes)?)),
            None => Ok(None),
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
        if let Some(credential) = &fetched {
            self.remember(credential.clone());
        }
        Ok(fetched)
    }

    async fn credential_for_certificate(&self, sha256: &str) -> Result<Option<Credential>, StoreError> {
        let registered = |credential: &Credential| matches!(&credential.secret, CredentialSecret::CertificateSha256(digest) if digest == sha256);
        let cached = {
            let known = self.known.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            known.values().find(|credential| registered(credential)).cloned()
        };
        match cached {
            Some(credential) => Ok(Some(credential)),
            None => Ok(self.list().await?.into_iter().find(registered)),
        }
    }

    async fn put(&self, credential: &Credential) -> Result<(), StoreError> {
        self.bucket
            .put(credential.id.as_str(), Bytes::from(credential_v1::encode(credential)))
            .await
            .map_err(classify::unavailable)?;
        self.remember(credential.clone());
        Ok(())
    }

    async fn list(&self) -> Result<Vec<Credential>, StoreError> {
        let mut keys = self.bucket.keys().await.map_err(classify::unavailable)?;
        let mut credentials = Vec::new();
        while let Some(key) = keys.next().await {
            let key = key.map_err(classify::unavailable)?;
            if let Some(credential) = self.fetch(&key).await? {
                credentials.push(credential);
            }
        }
        credentials.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(credentials)
    }
}
