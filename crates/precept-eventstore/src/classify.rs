//! The one place NATS client errors become [`StoreError`]s.

use async_nats::jetstream::context::PublishErrorKind;
use async_nats::jetstream::stream::DirectGetErrorKind;
use precept_app::StoreError;

use crate::codec::DecodeError;

pub(crate) fn publish(
    error: async_nats::jetstream::context::PublishError,
    expected_sequence: u64,
    council: &str,
) -> StoreError {
    match error.kind() {
        PublishErrorKind::WrongLastSequence => StoreError::Conflict { expected_sequence },
        PublishErrorKind::StreamNotFound => StoreError::UnknownCouncil {
            council: council.to_owned(),
        },
        PublishErrorKind::TimedOut
        | PublishErrorKind::BrokenPipe
        | PublishErrorKind::MaxAckPending
        | PublishErrorKind::MaxPayloadExceeded
        | PublishErrorKind::WrongLastMessageId
        | PublishErrorKind::Other => StoreError::Unavailable(error.to_string()),
    }
}

/// `Ok(None)` for "no such message"; other failures are classified.
pub(crate) fn direct_get<T>(
    result: Result<T, async_nats::jetstream::stream::DirectGetError>,
    council: &str,
) -> Result<Option<T>, StoreError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(error) => match error.kind() {
            DirectGetErrorKind::NotFound => Ok(None),
            DirectGetErrorKind::ErrorResponse(status, _) if status.as_u16() == 404 => Ok(None),
            DirectGetErrorKind::ErrorResponse(status, _) if status.as_u16() == 503 => Err(StoreError::UnknownCouncil {
                council: council.to_owned(),
            }),
            DirectGetErrorKind::InvalidSubject
            | DirectGetErrorKind::TimedOut
            | DirectGetErrorKind::Request
            | DirectGetErrorKind::ErrorResponse(..)
            | DirectGetErrorKind::Other => Err(StoreError::Unavailable(error.to_string())),
        },
    }
}

pub(crate) fn corrupt(sequence: u64, error: DecodeError) -> StoreError {
    StoreError::Corrupt {
        sequence,
        reason: error.to_string(),
    }
}

pub(crate) fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}
