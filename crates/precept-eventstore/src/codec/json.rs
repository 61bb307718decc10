//! The small JSON helpers every event encoding shares.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::DecodeError;

/// Writes an event DTO as raw JSON text.
pub(crate) fn to_value<T: Serialize>(dto: &T) -> Box<RawValue> {
    serde_json::value::to_raw_value(dto).expect("event DTOs hold only strings, integers and dates: always serialisable")
}

/// Parses an event DTO from raw JSON text; `what` names the event type in the error.
pub(crate) fn from_value<T: DeserializeOwned>(value: &RawValue, what: &'static str) -> Result<T, DecodeError> {
    serde_json::from_str(value.get()).map_err(|source| DecodeError::Malformed { what, source })
}

/// Maps any parser error to [`DecodeError::InvalidField`] for `field`.
pub(crate) fn invalid<E>(field: &'static str) -> impl Fn(E) -> DecodeError {
    move |_| DecodeError::InvalidField { field }
}

/// A hand-written stored form of a domain value: converted by hand both ways, so the domain
/// type can change without rewriting history.
pub(crate) trait Dto<T>: Serialize + DeserializeOwned {
    /// The stored form of `value`.
    fn from_domain(value: &T) -> Self;

    /// The domain value, checked with the domain's own parsers.
    fn into_domain(self) -> Result<T, DecodeError>;
}

/// Encodes a domain value through its DTO `D`, as raw JSON text.
pub(crate) fn encode_dto<T, D: Dto<T>>(value: &T) -> Box<RawValue> {
    to_value(&D::from_domain(value))
}

/// Decodes raw JSON text through the DTO `D`; `what` names the event type in errors.
pub(crate) fn decode_dto<T, D: Dto<T>>(value: &RawValue, what: &'static str) -> Result<T, DecodeError> {
    from_value::<D>(value, what)?.into_domain()
}
