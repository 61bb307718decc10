//! Precept's event store on NATS JetStream.
//!
//! What this is: the adapter that implements precept-app's ports over JetStream
//! ([`JetStreamEventStore`] for the command path and for reading history back for audit,
//! [`JetStreamFeedSource`] for projectors), the
//! `eventually` core traits ([`eventually::CouncilStreams`]), the stored encodings
//! ([`codec`]), and a supervisor for a local nats-server ([`embedded`]).
//! What this is not: business rules (precept-domain) or read models (precept-projections);
//! it knows nothing about either beyond the event types it encodes.
//!
//! Layout on the server (see docs/ARCHITECTURE.md):
//! - one stream per council, `PRECEPT_<COUNCIL>`, subjects `precept.<council>.<kind>.<id>`;
//!   partnership-wide aggregates in `PRECEPT_PARTNERSHIP`;
//! - one message per commit, carrying all of a command's events (atomic by construction);
//! - streams deny delete and purge: history is append-only;
//! - snapshots in the KV bucket `precept_snapshots`.

mod access_log;
mod classify;
pub mod codec;
mod config;
mod credentials;
pub mod embedded;
pub mod eventually;
mod feed;
mod history;
mod kinds;
mod layout;
mod load;
mod snapshot;
mod store;
mod subject;
mod subscription;

pub use access_log::{ACCESS_STREAM, JetStreamAccessLog};
pub use config::{EventStoreConfig, StorageKind};
pub use credentials::{CREDENTIAL_BUCKET, JetStreamCredentials};
pub use feed::{JetStreamFeed, JetStreamFeedSource};
pub use layout::{PARTNERSHIP_CODE, partnership_stream, stream_name, subject};
pub use store::JetStreamEventStore;

/// Converts a `u64` sequence or version to the `u32` that `eventually` uses, failing loudly.
///
/// # Errors
/// [`precept_app::StoreError::SequenceOverflow`] past `u32::MAX`.
pub fn to_u32(value: u64) -> Result<u32, precept_app::StoreError> {
    u32::try_from(value).map_err(|_| precept_app::StoreError::SequenceOverflow { value, target: "u32" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_past_u32_fail_loudly_instead_of_wrapping() {
        assert_eq!(to_u32(u64::from(u32::MAX)).ok(), Some(u32::MAX));
        let too_big = u64::from(u32::MAX) + 1;
        assert!(matches!(
            to_u32(too_big),
            Err(precept_app::StoreError::SequenceOverflow { value, target: "u32" }) if value == too_big
        ));
    }
}
