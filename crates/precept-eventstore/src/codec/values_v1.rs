//! Schema-1 encodings of the value types several aggregates' events share: financial years,
//! bands, short codes, preceptor kinds, UPRNs.
//!
//! Years are written as their display form (`"2025/26"`), bands as their letter (`"D"`), short
//! codes as their text. Decoding goes through the domain's own parsers, so a stored value the
//! domain would refuse comes back as [`DecodeError::InvalidField`].

use precept_domain::council_year::{Band, PreceptorKind, ShortCode};
use precept_domain::{FinancialYear, Uprn};
use serde::{Deserialize, Serialize};

use super::DecodeError;
use super::json::invalid;

/// A financial year as stored: `"2025/26"`.
pub(crate) fn year_text(year: FinancialYear) -> String {
    year.to_string()
}

/// Parses a stored financial year.
pub(crate) fn parse_year(text: &str, field: &'static str) -> Result<FinancialYear, DecodeError> {
    text.parse().map_err(invalid(field))
}

/// A band as stored: its letter.
pub(crate) fn band_text(band: Band) -> String {
    band.letter().to_string()
}

/// Parses a stored band letter.
pub(crate) fn parse_band(text: &str, field: &'static str) -> Result<Band, DecodeError> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), None) => Band::from_letter(letter).ok_or(DecodeError::InvalidField { field }),
        _ => Err(DecodeError::InvalidField { field }),
    }
}

/// Parses a stored short code.
pub(crate) fn parse_code(text: &str, field: &'static str) -> Result<ShortCode, DecodeError> {
    ShortCode::parse(text).map_err(invalid(field))
}

/// Parses a stored UPRN (a number).
pub(crate) fn parse_uprn(number: u64, field: &'static str) -> Result<Uprn, DecodeError> {
    Uprn::parse(&number.to_string()).map_err(invalid(field))
}

/// What a preceptor is, as stored.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PreceptorKindV1 {
    BillingAuthority,
    County,
    Police,
    Fire,
    Parish,
    Other,
}

impl From<PreceptorKind> for PreceptorKindV1 {
    fn from(kind: PreceptorKind) -> Self {
        match kind {
            PreceptorKind::BillingAuthority => PreceptorKindV1::BillingAuthority,
            PreceptorKind::County => PreceptorKindV1::County,
            PreceptorKind::Police => PreceptorKindV1::Police,
            PreceptorKind::Fire => PreceptorKindV1::Fire,
            PreceptorKind::Parish => PreceptorKindV1::Parish,
            PreceptorKind::Other => PreceptorKindV1::Other,
        }
    }
}

impl From<PreceptorKindV1> for PreceptorKind {
    fn from(kind: PreceptorKindV1) -> Self {
        match kind {
            PreceptorKindV1::BillingAuthority => PreceptorKind::BillingAuthority,
            PreceptorKindV1::County => PreceptorKind::County,
            PreceptorKindV1::Police => PreceptorKind::Police,
            PreceptorKindV1::Fire => PreceptorKind::Fire,
            PreceptorKindV1::Parish => PreceptorKind::Parish,
            PreceptorKindV1::Other => PreceptorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_band_round_trips_through_its_letter_and_others_are_refused() {
        for band in Band::ALL {
            assert_eq!(parse_band(&band_text(band), "band").ok(), Some(band));
        }
        for bad in ["", "a", "J", "DD", "Ä"] {
            assert!(
                matches!(
                    parse_band(bad, "band"),
                    Err(DecodeError::InvalidField { field: "band" })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn years_are_stored_in_their_display_form() {
        let year = FinancialYear::starting(2025).expect("valid year");
        assert_eq!(year_text(year), "2025/26");
        assert_eq!(parse_year("2025/26", "year").ok(), Some(year));
        assert!(matches!(
            parse_year("2025/27", "year"),
            Err(DecodeError::InvalidField { field: "year" })
        ));
    }
}
