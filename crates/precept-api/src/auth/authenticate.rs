//! Turning a request's credentials (a bearer token, or a client certificate) into a
//! [`Caller`], or the `UNAUTHENTICATED` status saying what was wrong.

use std::sync::Arc;

use http::HeaderMap;
use precept_app::access::{BearerToken, Caller, Credential, CredentialSecret, CredentialStore, sha256_hex};
use tonic::Status;
use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};

/// Authenticates requests against the credential store.
pub struct Authenticator<C> {
    store: Arc<C>,
}

impl<C> Clone for Authenticator<C> {
    fn clone(&self) -> Self {
        Authenticator {
            store: Arc::clone(&self.store),
        }
    }
}

impl<C: CredentialStore> Authenticator<C> {
    /// An authenticator over `store`.
    pub fn new(store: Arc<C>) -> Self {
        Authenticator { store }
    }

    /// The caller, from the `authorization` header or else the TLS client certificate.
    ///
    /// # Errors
    /// `UNAUTHENTICATED` for missing, malformed, unknown or revoked credentials;
    /// `UNAVAILABLE` when the credential store cannot answer.
    pub async fn authenticate(&self, headers: &HeaderMap, extensions: &http::Extensions) -> Result<Caller, Status> {
        if let Some(value) = headers.get(http::header::AUTHORIZATION) {
            return self.bearer(value).await;
        }
        let certificate = extensions
            .get::<TlsConnectInfo<TcpConnectInfo>>()
            .and_then(TlsConnectInfo::peer_certs)
            .and_then(|chain| chain.first().map(|leaf| sha256_hex(leaf.as_ref())));
        match certificate {
            Some(digest) => self.certificate(&digest).await,
            None => Err(Status::unauthenticated(
                "no credentials: send `authorization: Bearer <token>` (issued with `precept token issue`) or a client certificate",
            )),
        }
    }

    async fn bearer(&self, value: &http::HeaderValue) -> Result<Caller, Status> {
        let token = value
            .to_str()
            .ok()
            .and_then(|text| text.strip_prefix("Bearer ").or_else(|| text.strip_prefix("bearer ")))
            .and_then(|text| BearerToken::parse(text.trim()))
            .ok_or_else(|| Status::unauthenticated("authorization must be `Bearer pct_<id>_<secret>`"))?;
        let credential = self
            .store
            .credential(token.id())
            .await
            .map_err(|error| unavailable(&error))?;
        match credential {
            Some(credential) if matches!(&credential.secret, CredentialSecret::TokenSha256(digest) if token.matches(digest)) => {
                live(credential)
            }
            _ => Err(Status::unauthenticated("unknown credential or wrong token")),
        }
    }

    async fn certificate(&self, digest: &str) -> Result<Caller, Status> {
        let credential = self
            .store
            .credential_for_certificate(digest)
            .await
            .map_err(|error| unavailable(&error))?;
        match credential {
            Some(credential) => live(credential),
            None => Err(Status::unauthenticated("client certificate is not registered")),
        }
    }
}

fn live(credential: Credential) -> Result<Caller, Status> {
    if credential.is_live() {
        Ok(Caller::new(credential.id, credential.scope, credential.roles))
    } else {
        Err(Status::unauthenticated(format!(
            "credential {} was revoked",
            credential.id
        )))
    }
}

fn unavailable(error: &precept_app::StoreError) -> Status {
    tracing::error!(%error, "credential store unavailable");
    Status::unavailable("credential store unavailable; try again")
}
