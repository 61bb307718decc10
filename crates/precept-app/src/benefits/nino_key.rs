//! Keyed hashing of National Insurance numbers (issue 6: "NINO kept hashed or encrypted,
//! never logged").
//!
//! A plain hash of a NINO could be reversed by trying every number (there are under ten
//! billion), so the hash is an HMAC-SHA-256 under a secret key the service is configured
//! with: equal NINOs give equal hashes, which is all matching needs, and without the key the
//! hashes say nothing.

use hmac::{Hmac, Mac};
use precept_domain::benefits::claim::NinoHash;
use precept_domain::benefits::nino::Nino;
use sha2::Sha256;

/// The secret key NINOs are hashed under.
#[derive(Clone)]
pub struct NinoKey(Vec<u8>);

impl std::fmt::Debug for NinoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NinoKey(<secret>)")
    }
}

/// The key is too short to be a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the NINO hashing key must be at least 16 bytes")]
pub struct WeakKey;

impl NinoKey {
    /// A key of at least 16 bytes.
    ///
    /// # Errors
    /// [`WeakKey`].
    pub fn new(bytes: &[u8]) -> Result<Self, WeakKey> {
        if bytes.len() < 16 {
            return Err(WeakKey);
        }
        Ok(NinoKey(bytes.to_vec()))
    }

    /// The NINO's keyed hash.
    pub fn hash(&self, nino: &Nino) -> NinoHash {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(nino.expose().as_bytes());
        let digest = mac.finalize().into_bytes();
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        NinoHash::parse(&hex).expect("64 lowercase hex digits")
    }
}
