//! Who may call Precept: credentials, roles and scopes, the authenticated caller, and the
//! access log kept for data protection.
//!
//! What this is: the types and the two ports ([`CredentialStore`], [`AccessLog`]) that the
//! NATS adapter implements, and the pure rules (a token's shape, what a role and a scope
//! allow). What this is not: the gRPC policy (which call needs which role lives in
//! precept-api's `auth`), nor storage.

mod caller;
mod credential;
mod log;
mod role;
mod token;

pub use caller::{Caller, Touched};
pub use credential::{Credential, CredentialError, CredentialId, CredentialSecret, Scope};
pub use log::{AccessLog, AccessQuery, AccessRecord};
pub use role::{Role, Roles};
pub use token::{BearerToken, TOKEN_PREFIX, sha256_hex};

use std::future::Future;

use crate::StoreError;

/// Where credentials are kept (a NATS key-value bucket in production).
pub trait CredentialStore: Send + Sync + 'static {
    /// The credential with this id, as last written.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot answer.
    fn credential(&self, id: &CredentialId) -> impl Future<Output = Result<Option<Credential>, StoreError>> + Send;

    /// The live or revoked credential registered for a client certificate (the SHA-256 of
    /// its DER encoding, hex).
    ///
    /// # Errors
    /// [`StoreError`].
    fn credential_for_certificate(
        &self,
        sha256: &str,
    ) -> impl Future<Output = Result<Option<Credential>, StoreError>> + Send;

    /// Writes a credential (issue, or revoke by writing it again with `revoked_at` set).
    ///
    /// # Errors
    /// [`StoreError`].
    fn put(&self, credential: &Credential) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every credential ever issued, revoked ones included.
    ///
    /// # Errors
    /// [`StoreError`].
    fn list(&self) -> impl Future<Output = Result<Vec<Credential>, StoreError>> + Send;
}
