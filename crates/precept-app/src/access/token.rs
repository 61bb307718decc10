//! Bearer tokens: `pct_<credential id>_<secret>`. The id lets the server find the credential
//! without scanning; only the SHA-256 of the secret is stored.

use rand::RngCore as _;
use sha2::{Digest, Sha256};

use super::credential::CredentialId;

/// Every token starts with this, so a leaked one is easy to recognise in a scan.
pub const TOKEN_PREFIX: &str = "pct_";

/// A parsed bearer token. Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct BearerToken {
    id: CredentialId,
    secret: String,
}

impl std::fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BearerToken({}, ..)", self.id)
    }
}

impl BearerToken {
    /// A new token for `id` with 256 random bits of secret; returns it as text with the
    /// digest to store.
    pub fn generate(id: &CredentialId) -> (String, String) {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let secret = hex(&bytes);
        let digest = digest(&secret);
        (format!("{TOKEN_PREFIX}{id}_{secret}"), digest)
    }

    /// Parses `pct_<id>_<secret>`; `None` when it is not of that shape.
    pub fn parse(text: &str) -> Option<Self> {
        let rest = text.strip_prefix(TOKEN_PREFIX)?;
        let (id, secret) = rest.rsplit_once('_')?;
        let well_formed = secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit());
        if !well_formed {
            return None;
        }
        Some(BearerToken {
            id: CredentialId::parse(id).ok()?,
            secret: secret.to_owned(),
        })
    }

    /// The credential the token claims to be.
    pub fn id(&self) -> &CredentialId {
        &self.id
    }

    /// The digest to store for this token.
    pub fn digest(&self) -> String {
        digest(&self.secret)
    }

    /// Whether the secret matches a stored digest, compared in constant time.
    pub fn matches(&self, stored_digest: &str) -> bool {
        constant_time_eq(digest(&self.secret).as_bytes(), stored_digest.as_bytes())
    }
}

/// Hex SHA-256 of any bytes: how token secrets and client certificates are kept.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn digest(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Compares without stopping at the first difference, so timing tells nothing of the digest.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_token_parses_and_matches_only_its_own_digest() {
        let id = CredentialId::parse("swale-crm").expect("valid");
        let (text, digest) = BearerToken::generate(&id);
        let token = BearerToken::parse(&text).expect("well formed");
        assert_eq!(token.id(), &id);
        assert!(token.matches(&digest));
        let (_, other) = BearerToken::generate(&id);
        assert!(!token.matches(&other));
        assert!(!format!("{token:?}").contains(&text[text.len() - 10..]));
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for text in [
            "",
            "pct_",
            "pct_swale-crm_abc",
            "xyz_swale-crm_".to_owned().as_str(),
            "pct__00",
        ] {
            assert!(BearerToken::parse(text).is_none(), "{text}");
        }
    }
}
