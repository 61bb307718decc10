//! Snapshots in the KV bucket `precept_snapshots`: the latest state of an aggregate with the
//! position it was taken at. A snapshot is a cache of history, never the truth: an unreadable
//! or unknown one is ignored and the aggregate is rebuilt from its commits.

use async_nats::jetstream::{self, kv};
use bytes::Bytes;
use precept_app::{RequestLog, StoreError, StreamPosition};

use crate::classify;
use crate::codec::StoredAggregate;
use crate::config::{EventStoreConfig, StorageKind};
use crate::layout;

/// The bucket's name.
pub const SNAPSHOT_BUCKET: &str = "precept_snapshots";

#[derive(Clone)]
pub(crate) struct SnapshotStore {
    bucket: kv::Store,
}

impl SnapshotStore {
    pub(crate) async fn open(context: &jetstream::Context, config: &EventStoreConfig) -> Result<Self, StoreError> {
        let bucket = context
            .create_or_update_key_value(kv::Config {
                bucket: SNAPSHOT_BUCKET.to_owned(),
                description: "latest snapshot of each aggregate; a cache of history, rebuildable".to_owned(),
                history: 1,
                num_replicas: config.replicas,
                storage: match config.storage {
                    StorageKind::File => jetstream::stream::StorageType::File,
                    StorageKind::Memory => jetstream::stream::StorageType::Memory,
                },
                ..Default::default()
            })
            .await
            .map_err(classify::unavailable)?;
        Ok(SnapshotStore { bucket })
    }

    /// The snapshot of an aggregate, if one exists and this build can read it.
    pub(crate) async fn get<A: StoredAggregate>(
        &self,
        council: &str,
        aggregate_id: &str,
    ) -> Option<(A::State, StreamPosition, RequestLog)> {
        let key = layout::snapshot_key(council, A::KIND, aggregate_id);
        match self.bucket.get(key).await {
            Ok(Some(bytes)) => A::decode_snapshot(&bytes),
            Ok(None) => None,
            Err(error) => {
                // A missing snapshot only costs time; the load goes on from the stream.
                tracing::warn!(council, aggregate_id, %error, "snapshot unreadable; loading from the stream");
                None
            }
        }
    }

    pub(crate) async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.bucket
            .put(key, Bytes::from(bytes))
            .await
            .map(|_| ())
            .map_err(classify::unavailable)
    }
}
