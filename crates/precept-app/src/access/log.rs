//! The access log: who read or changed which account, kept for data protection (subject
//! access requests, and reviewing what one credential did).

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::StoreError;

/// One request's access to one subject (or to a council's data as a whole, for listings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRecord {
    /// Its position in the log (0 until stored); queries page on it.
    pub sequence: u64,
    /// When the request was answered.
    pub at: DateTime<Utc>,
    /// The credential used.
    pub credential: String,
    /// The gRPC method, e.g. `/precept.v1.CouncilTaxBilling/GetStatement`.
    pub method: String,
    /// The council whose data it was, or `partnership`.
    pub council: String,
    /// The aggregate kind (`ct-account`, `benefit-claim`, …), or `-` for a council-wide read.
    pub kind: String,
    /// The aggregate id, or `-`.
    pub id: String,
    /// The gRPC status code name the request ended with (`OK`, `PERMISSION_DENIED`, …).
    pub outcome: String,
}

/// What to look up in the access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessQuery {
    /// Every access to one aggregate (a subject access request).
    Subject {
        /// Its council.
        council: String,
        /// Its kind.
        kind: String,
        /// Its id.
        id: String,
    },
    /// Everything one credential did, to one council's data if `council` is given.
    Credential {
        /// The credential.
        credential: String,
        /// Only this council's records.
        council: Option<String>,
    },
}

/// Where access records go (a JetStream stream in production).
pub trait AccessLog: Send + Sync + 'static {
    /// Queues a record; writing happens off the request path and never fails the request
    /// (failures are logged by id).
    fn record(&self, record: AccessRecord);

    /// Records matching `query` stored after `after_sequence`, oldest first, at most `limit`
    /// (page on by passing the last record's sequence).
    ///
    /// # Errors
    /// [`StoreError`].
    fn query(
        &self,
        query: &AccessQuery,
        after_sequence: u64,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<AccessRecord>, StoreError>> + Send;
}
