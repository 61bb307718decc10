//! Credentials from the operator's side: the bootstrap token registered at start, and the
//! `precept token issue | revoke | list` commands, which write to the credential bucket
//! directly (reaching NATS is the root of trust; the gRPC API cannot mint credentials).

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use precept_app::access::{
    BearerToken, Credential, CredentialId, CredentialSecret, CredentialStore, Role, Roles, Scope, sha256_hex,
};
use precept_app::{Clock, SystemClock};
use precept_eventstore::{EventStoreConfig, JetStreamCredentials};

/// Registers (or re-keys) the bootstrap credential: partnership scope, every role.
///
/// # Errors
/// A malformed token, a revoked bootstrap credential, or the store failing.
pub async fn register_bootstrap(credentials: &JetStreamCredentials, token: &str) -> anyhow::Result<()> {
    let token = BearerToken::parse(token).context("PRECEPT_BOOTSTRAP_TOKEN must look like pct_<id>_<64 hex digits>")?;
    let existing = credentials.credential(token.id()).await?;
    if let Some(existing) = &existing {
        if !existing.is_live() {
            bail!(
                "the bootstrap credential {} was revoked; issue a new token with `precept token issue`",
                existing.id
            );
        }
        if token.matches(match &existing.secret {
            CredentialSecret::TokenSha256(digest) => digest,
            CredentialSecret::CertificateSha256(_) => "",
        }) {
            return Ok(());
        }
    }
    credentials
        .put(&Credential {
            id: token.id().clone(),
            label: "bootstrap (PRECEPT_BOOTSTRAP_TOKEN)".to_owned(),
            scope: Scope::Partnership,
            roles: Roles::of(&Role::ALL),
            secret: CredentialSecret::TokenSha256(token.digest()),
            issued_at: SystemClock.now(),
            revoked_at: None,
        })
        .await?;
    tracing::info!(credential = %token.id(), "bootstrap credential registered");
    Ok(())
}

/// What `precept token issue` asks for.
pub struct Issue<'a> {
    /// The new credential's id.
    pub id: &'a str,
    /// What it is for.
    pub label: &'a str,
    /// `partnership` or a council code.
    pub scope: &'a str,
    /// Comma-separated roles.
    pub roles: &'a str,
    /// A client certificate (PEM) to register instead of issuing a token.
    pub certificate: Option<&'a Path>,
}

/// Opens the credential bucket on `nats_url`.
///
/// # Errors
/// NATS unreachable.
pub async fn open(nats_url: &str) -> anyhow::Result<Arc<JetStreamCredentials>> {
    let client = async_nats::connect(nats_url)
        .await
        .with_context(|| format!("connecting to NATS at {nats_url} (PRECEPT_NATS_URL)"))?;
    let context = async_nats::jetstream::new(client);
    Ok(Arc::new(
        JetStreamCredentials::open(&context, &EventStoreConfig::default()).await?,
    ))
}

/// Issues a credential; returns the token to hand over (shown once, never stored), or
/// `None` for a certificate credential.
///
/// # Errors
/// Invalid input, an id already issued, or the store failing.
pub async fn issue(credentials: &JetStreamCredentials, issue: &Issue<'_>) -> anyhow::Result<Option<String>> {
    let id = CredentialId::parse(issue.id)?;
    Credential::check_label(issue.label)?;
    let scope = Scope::parse(issue.scope)?;
    let roles = Roles::parse_list(issue.roles).map_err(anyhow::Error::msg)?;
    if roles.is_empty() {
        bail!("give at least one role: read, write, finance, audit, admin");
    }
    if credentials.credential(&id).await?.is_some() {
        bail!("credential {id} already exists; ids are never reused (revoke it and choose another)");
    }
    let (secret, token) = match issue.certificate {
        Some(path) => (CredentialSecret::CertificateSha256(certificate_digest(path)?), None),
        None => {
            let (token, digest) = BearerToken::generate(&id);
            (CredentialSecret::TokenSha256(digest), Some(token))
        }
    };
    credentials
        .put(&Credential {
            id,
            label: issue.label.to_owned(),
            scope,
            roles,
            secret,
            issued_at: SystemClock.now(),
            revoked_at: None,
        })
        .await?;
    Ok(token)
}

/// Revokes a credential: it never authenticates again.
///
/// # Errors
/// An unknown id, or the store failing.
pub async fn revoke(credentials: &JetStreamCredentials, id: &str) -> anyhow::Result<()> {
    let id = CredentialId::parse(id)?;
    let Some(mut credential) = credentials.credential(&id).await? else {
        bail!("no credential {id}");
    };
    if credential.revoked_at.is_none() {
        credential.revoked_at = Some(SystemClock.now());
        credentials.put(&credential).await?;
    }
    Ok(())
}

/// One line per credential: id, scope, roles, issued, revoked, label.
///
/// # Errors
/// The store failing.
pub async fn list(credentials: &JetStreamCredentials) -> anyhow::Result<Vec<String>> {
    Ok(credentials
        .list()
        .await?
        .into_iter()
        .map(|credential| {
            format!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                credential.id,
                credential.scope,
                credential.roles,
                credential.issued_at.to_rfc3339(),
                credential
                    .revoked_at
                    .map_or_else(|| "live".to_owned(), |at| format!("revoked {}", at.to_rfc3339())),
                credential.label
            )
        })
        .collect())
}

/// The SHA-256 of the first certificate in a PEM file, as mTLS will see it.
fn certificate_digest(path: &Path) -> anyhow::Result<String> {
    let pem = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let body: String = pem
        .lines()
        .skip_while(|line| !line.starts_with("-----BEGIN CERTIFICATE-----"))
        .skip(1)
        .take_while(|line| !line.starts_with("-----END CERTIFICATE-----"))
        .collect();
    let der = base64_decode(&body).with_context(|| format!("{} holds no PEM certificate", path.display()))?;
    Ok(sha256_hex(&der))
}

/// Standard base64 (PEM bodies), without padding checks beyond what PEM needs.
fn base64_decode(text: &str) -> anyhow::Result<Vec<u8>> {
    use base64::Engine as _;
    Ok(base64::engine::general_purpose::STANDARD.decode(text.trim())?)
}
