//! A credential as stored in the `precept_credentials` bucket, version 1. Digests only: the
//! token's secret and the certificate are never stored.

use chrono::{DateTime, Utc};
use precept_app::access::{Credential, CredentialId, CredentialSecret, Roles, Scope};
use serde::{Deserialize, Serialize};

use super::DecodeError;

/// The encoding's name.
pub const CREDENTIAL_ENCODING_V1: &str = "precept.credential.v1";

#[derive(Debug, Serialize, Deserialize)]
struct CredentialV1 {
    encoding: String,
    id: String,
    label: String,
    /// `partnership` or a council code.
    scope: String,
    /// Comma-separated role names.
    roles: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    token_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    certificate_sha256: Option<String>,
    issued_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revoked_at: Option<DateTime<Utc>>,
}

/// Encodes a credential.
pub fn encode(credential: &Credential) -> Vec<u8> {
    let (token_sha256, certificate_sha256) = match &credential.secret {
        CredentialSecret::TokenSha256(digest) => (Some(digest.clone()), None),
        CredentialSecret::CertificateSha256(digest) => (None, Some(digest.clone())),
    };
    let dto = CredentialV1 {
        encoding: CREDENTIAL_ENCODING_V1.to_owned(),
        id: credential.id.to_string(),
        label: credential.label.clone(),
        scope: credential.scope.to_string(),
        roles: credential.roles.to_string(),
        token_sha256,
        certificate_sha256,
        issued_at: credential.issued_at,
        revoked_at: credential.revoked_at,
    };
    serde_json::to_vec(&dto).expect("a credential always serialises")
}

/// Decodes a stored credential.
///
/// # Errors
/// [`DecodeError`] for another encoding or an invalid value.
pub fn decode(bytes: &[u8]) -> Result<Credential, DecodeError> {
    let dto: CredentialV1 = serde_json::from_slice(bytes).map_err(|source| DecodeError::Malformed {
        what: "credential",
        source,
    })?;
    if dto.encoding != CREDENTIAL_ENCODING_V1 {
        return Err(DecodeError::Unknown {
            what: "credential encoding",
            name: dto.encoding,
            version: 0,
        });
    }
    let secret = match (dto.token_sha256, dto.certificate_sha256) {
        (Some(digest), None) => CredentialSecret::TokenSha256(digest),
        (None, Some(digest)) => CredentialSecret::CertificateSha256(digest),
        _ => return Err(DecodeError::InvalidField { field: "token_sha256" }),
    };
    Ok(Credential {
        id: CredentialId::parse(&dto.id).map_err(|_| DecodeError::InvalidField { field: "id" })?,
        label: dto.label,
        scope: Scope::parse(&dto.scope).map_err(|_| DecodeError::InvalidField { field: "scope" })?,
        roles: Roles::parse_list(&dto.roles).map_err(|_| DecodeError::InvalidField { field: "roles" })?,
        secret,
        issued_at: dto.issued_at,
        revoked_at: dto.revoked_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use precept_app::access::Role;

    #[test]
    fn the_stored_form_is_stable_and_round_trips() {
        let credential = Credential {
            id: CredentialId::parse("swale-crm").expect("valid"),
            label: "Swale CRM".to_owned(),
            scope: Scope::parse("swale").expect("valid"),
            roles: Roles::of(&[Role::Read, Role::Write]),
            secret: CredentialSecret::TokenSha256("0f".repeat(32)),
            issued_at: "2026-11-23T09:00:00Z".parse().expect("valid"),
            revoked_at: None,
        };
        let text = String::from_utf8(encode(&credential)).expect("utf-8");
        expect_test::expect![[r#"{"encoding":"precept.credential.v1","id":"swale-crm","label":"Swale CRM","scope":"swale","roles":"read,write","token_sha256":"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f","issued_at":"2026-11-23T09:00:00Z"}"#]].assert_eq(&text);
        assert_eq!(decode(text.as_bytes()).expect("decodes"), credential);
    }
}
