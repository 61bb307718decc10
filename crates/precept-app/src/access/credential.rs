//! A client credential: who it is, which council (or the partnership) it speaks for, what it
//! may do, and how it proves itself. Never a person: credentials belong to systems and teams.

use chrono::{DateTime, Utc};
use precept_domain::CouncilCode;

use super::role::Roles;

/// Why a credential's parts are invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// The id is not 3 to 40 lower-case letters, digits and hyphens.
    #[error("a credential id is 3 to 40 lower-case letters, digits and hyphens")]
    MalformedId,
    /// The label is empty, too long or has control characters.
    #[error("a label is 1 to 80 printable characters")]
    MalformedLabel,
    /// No roles.
    #[error("a credential needs at least one role")]
    NoRoles,
    /// The scope is neither `partnership` nor a council code.
    #[error("scope is `partnership` or a council code")]
    MalformedScope,
}

/// A credential's id: public, appears in tokens, logs and the access log.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialId(String);

impl CredentialId {
    /// Parses an id.
    ///
    /// # Errors
    /// [`CredentialError::MalformedId`].
    pub fn parse(text: &str) -> Result<Self, CredentialError> {
        let ok = (3..=40).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(CredentialId(text.to_owned()))
        } else {
            Err(CredentialError::MalformedId)
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CredentialId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whose data a credential reaches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One partner council's system: its own council's data only.
    Council(CouncilCode),
    /// The shared service's staff: every member council.
    Partnership,
}

impl Scope {
    /// Parses `partnership` or a council code.
    ///
    /// # Errors
    /// [`CredentialError::MalformedScope`].
    pub fn parse(text: &str) -> Result<Self, CredentialError> {
        if text == "partnership" {
            return Ok(Scope::Partnership);
        }
        CouncilCode::parse(text)
            .map(Scope::Council)
            .map_err(|_| CredentialError::MalformedScope)
    }

    /// Whether this scope reaches `council`'s data.
    pub fn reaches(&self, council: &CouncilCode) -> bool {
        match self {
            Scope::Partnership => true,
            Scope::Council(own) => own == council,
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Partnership => f.write_str("partnership"),
            Scope::Council(code) => write!(f, "{code}"),
        }
    }
}

/// How a credential proves itself. Only digests are kept: a stolen store holds no secret.
#[derive(Clone, PartialEq, Eq)]
pub enum CredentialSecret {
    /// A bearer token: the SHA-256 of its secret part, hex.
    TokenSha256(String),
    /// A client certificate (mTLS): the SHA-256 of its DER encoding, hex.
    CertificateSha256(String),
}

impl std::fmt::Debug for CredentialSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CredentialSecret::TokenSha256(_) => f.write_str("TokenSha256(..)"),
            CredentialSecret::CertificateSha256(digest) => write!(f, "CertificateSha256({digest})"),
        }
    }
}

/// One client's credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Its id.
    pub id: CredentialId,
    /// What it is for, e.g. "Swale CRM integration" (never a person's name).
    pub label: String,
    /// Whose data it reaches.
    pub scope: Scope,
    /// What it may do.
    pub roles: Roles,
    /// The digest it is checked against.
    pub secret: CredentialSecret,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// When it was revoked; a revoked credential never authenticates again.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Credential {
    /// Checks a label: printable, 1 to 80 characters.
    ///
    /// # Errors
    /// [`CredentialError::MalformedLabel`].
    pub fn check_label(label: &str) -> Result<(), CredentialError> {
        let ok = !label.trim().is_empty() && label.chars().count() <= 80 && !label.chars().any(char::is_control);
        if ok {
            Ok(())
        } else {
            Err(CredentialError::MalformedLabel)
        }
    }

    /// Whether the credential may still be used.
    pub fn is_live(&self) -> bool {
        self.revoked_at.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_scopes_parse_strictly() {
        assert!(CredentialId::parse("swale-crm").is_ok());
        assert!(CredentialId::parse("Swale").is_err());
        assert!(CredentialId::parse("a_b").is_err());
        assert!(CredentialId::parse("ab").is_err());
        let swale = CouncilCode::parse("swale").expect("valid");
        let medway = CouncilCode::parse("medway").expect("valid");
        assert!(Scope::parse("swale").expect("valid").reaches(&swale));
        assert!(!Scope::parse("swale").expect("valid").reaches(&medway));
        assert!(Scope::parse("partnership").expect("valid").reaches(&medway));
    }

    #[test]
    fn a_token_digest_is_not_shown_in_debug_output() {
        let secret = CredentialSecret::TokenSha256("ab".repeat(32));
        assert!(!format!("{secret:?}").contains("abab"));
    }
}
