//! Validated identifiers.
//!
//! Parse, don't validate: each type here can only hold a well-formed value, so code that
//! receives one never checks it again. Identifiers carry no personal data.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// Why an identifier was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// A council code must be 2 to 24 characters of `a-z`, `0-9` and `-`, starting with a letter.
    #[error("council code must be 2-24 characters of a-z, 0-9 and '-', starting with a letter")]
    MalformedCouncilCode,
    /// The code `partnership` names the partnership-wide stream, not a council.
    #[error("council code 'partnership' is reserved")]
    ReservedCouncilCode,
    /// Not a UUID in its hyphenated form.
    #[error("must be a UUID such as 6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11")]
    MalformedUuid,
    /// The nil UUID is never a real identifier.
    #[error("must not be the nil UUID")]
    NilUuid,
    /// A UPRN is a positive whole number of at most 12 digits.
    #[error("UPRN must be 1-12 digits")]
    MalformedUprn,
}

/// A partner council's short code, e.g. `swale` or `tunbridge-wells`.
///
/// It names the council's JetStream stream (`PRECEPT_SWALE`) and subject prefix
/// (`precept.swale.`), so its alphabet is the intersection of what both allow.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CouncilCode(String);

impl TryFrom<String> for CouncilCode {
    type Error = IdError;

    fn try_from(text: String) -> Result<Self, IdError> {
        CouncilCode::parse(&text)
    }
}

impl From<CouncilCode> for String {
    fn from(code: CouncilCode) -> String {
        code.0
    }
}

impl CouncilCode {
    /// The code that the partnership-wide stream uses; no council may take it.
    pub const PARTNERSHIP: &'static str = "partnership";

    /// The partnership-wide stream's code, which no council may take: partnership aggregates
    /// (the agreement, cost pools) are stored under it.
    pub fn partnership() -> Self {
        CouncilCode(Self::PARTNERSHIP.to_owned())
    }

    /// Parses a council code.
    ///
    /// # Errors
    /// [`IdError::MalformedCouncilCode`] or [`IdError::ReservedCouncilCode`].
    pub fn parse(text: &str) -> Result<Self, IdError> {
        let bytes = text.as_bytes();
        let well_formed = (2..=24).contains(&bytes.len())
            && bytes[0].is_ascii_lowercase()
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        if !well_formed {
            return Err(IdError::MalformedCouncilCode);
        }
        if text == Self::PARTNERSHIP {
            return Err(IdError::ReservedCouncilCode);
        }
        Ok(CouncilCode(text.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CouncilCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CouncilCode {
    type Err = IdError;
    fn from_str(text: &str) -> Result<Self, IdError> {
        CouncilCode::parse(text)
    }
}

fn parse_uuid(text: &str) -> Result<Uuid, IdError> {
    // Only the hyphenated form: it is what we emit, and accepting braces or URNs would let one
    // identifier be spelled several ways in logs and audit queries.
    if text.len() != 36 {
        return Err(IdError::MalformedUuid);
    }
    let uuid = Uuid::try_parse(text).map_err(|_| IdError::MalformedUuid)?;
    if uuid.is_nil() {
        return Err(IdError::NilUuid);
    }
    Ok(uuid)
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub struct $name(Uuid);

        impl $name {
            /// Parses the hyphenated UUID form.
            ///
            /// # Errors
            /// [`IdError::MalformedUuid`] or [`IdError::NilUuid`].
            pub fn parse(text: &str) -> Result<Self, IdError> {
                parse_uuid(text).map($name)
            }

            /// Wraps a UUID that is known not to be nil.
            ///
            /// # Errors
            /// [`IdError::NilUuid`].
            pub fn from_uuid(uuid: Uuid) -> Result<Self, IdError> {
                if uuid.is_nil() { Err(IdError::NilUuid) } else { Ok($name(uuid)) }
            }

            /// The UUID inside.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A Council Tax account.
    AccountId
);
uuid_id!(
    /// A person or organisation, referenced by id only: personal details live outside events.
    PartyId
);
uuid_id!(
    /// A payment, as identified by the payer's channel (or generated by the caller).
    PaymentId
);
uuid_id!(
    /// A Housing Benefit or Council Tax Reduction claim.
    ClaimId
);

/// A Unique Property Reference Number: up to 12 digits, as issued by the national address gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Uprn(u64);

impl Uprn {
    /// Parses a UPRN written as digits.
    ///
    /// # Errors
    /// [`IdError::MalformedUprn`].
    pub fn parse(text: &str) -> Result<Self, IdError> {
        if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError::MalformedUprn);
        }
        match text.parse::<u64>() {
            Ok(0) | Err(_) => Err(IdError::MalformedUprn),
            Ok(value) => Ok(Uprn(value)),
        }
    }

    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for Uprn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn council_codes_follow_the_stream_and_subject_alphabet() {
        for good in ["swale", "tunbridge-wells", "mk2"] {
            assert!(CouncilCode::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "s",
            "Swale",
            "swale.",
            "swale*",
            "2swale",
            "swale wells",
            "a-very-long-council-code-x",
        ] {
            assert_eq!(CouncilCode::parse(bad), Err(IdError::MalformedCouncilCode), "{bad}");
        }
        assert_eq!(CouncilCode::parse("partnership"), Err(IdError::ReservedCouncilCode));
    }

    #[test]
    fn uuids_must_be_hyphenated_and_not_nil() {
        assert!(AccountId::parse("6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11").is_ok());
        assert_eq!(
            AccountId::parse("6f1c2a4e0d3b4c559a572f1e8b9c0d11"),
            Err(IdError::MalformedUuid)
        );
        assert_eq!(AccountId::parse("not-a-uuid"), Err(IdError::MalformedUuid));
        assert_eq!(
            AccountId::parse("00000000-0000-0000-0000-000000000000"),
            Err(IdError::NilUuid)
        );
    }

    #[test]
    fn uprns_are_one_to_twelve_digits() {
        assert_eq!(Uprn::parse("100062557744").map(Uprn::get), Ok(100_062_557_744));
        for bad in ["", "0", "1234567890123", "12a", "-1"] {
            assert_eq!(Uprn::parse(bad), Err(IdError::MalformedUprn), "{bad}");
        }
    }
}
