//! The access log: who read or changed which account, kept for data protection (subject
//! access requests, and reviewing what one credential did).

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::StoreError;

/// One request's access to one subject (or to a council's data as a whole, for listings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessRecord {
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
    /// Everything one credential did.
    Credential(String),
}

/// Where access records go (a JetStream stream in production).
pub trait AccessLog: Send + Sync + 'static {
    /// Queues a record; writing happens off the request path and never fails the request
    /// (failures are logged by id).
    fn record(&self, record: AccessRecord);

    /// Records matching `query`, oldest first, at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`].
    fn query(
        &self,
        query: &AccessQuery,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<AccessRecord>, StoreError>> + Send;
}
