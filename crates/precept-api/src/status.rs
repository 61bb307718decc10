//! The one place errors become gRPC statuses.
//!
//! Every match is exhaustive with no catch-all arm, so a new error variant cannot compile
//! until someone decides its status. Internal detail never reaches the client: infrastructure
//! faults are logged here with a reference id, and the client gets a generic message.

use precept_app::{CommandError, QueryError, StoreError};
use precept_domain::account::AccountError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

fn field_status(code: Code, field: &str, message: String) -> Status {
    let mut details = ErrorDetails::new();
    details.add_bad_request_violation(field, message.clone());
    Status::with_error_details(code, message, details)
}

fn hidden(code: Code, public: &str, error: &dyn std::fmt::Display) -> Status {
    let reference = uuid::Uuid::new_v4();
    tracing::error!(%reference, %error, "request failed");
    Status::new(code, format!("{public} (reference {reference})"))
}

/// Maps a Council Tax account command failure.
pub fn account_command(error: CommandError<AccountError>) -> Status {
    match error {
        CommandError::Rejected(rejection) => account_rejection(rejection),
        CommandError::RequestIdReused => field_status(
            Code::FailedPrecondition,
            "request_id",
            "request id was already used for a different request".into(),
        ),
        // The client may retry the whole command: gRPC's ABORTED litmus test.
        CommandError::ConcurrencyExhausted { attempts } => Status::aborted(format!(
            "account is busy: gave up after {attempts} attempts; retry the request"
        )),
        CommandError::Store(store) => store_error(store),
    }
}

fn account_rejection(rejection: AccountError) -> Status {
    let message = rejection.to_string();
    match rejection {
        AccountError::AccountAlreadyOpen => field_status(Code::AlreadyExists, "account_id", message),
        AccountError::AccountNotOpen => field_status(Code::NotFound, "account_id", message),
        AccountError::NoLiableParty
        | AccountError::TooManyLiableParties { .. }
        | AccountError::DuplicateLiableParty(_) => field_status(Code::InvalidArgument, "liable_party_ids", message),
        AccountError::PaymentAmountNotPositive => field_status(Code::InvalidArgument, "amount_pence", message),
        AccountError::PaymentAlreadyPosted(_) => field_status(Code::AlreadyExists, "payment_id", message),
        AccountError::BalanceOutOfRange => Status::failed_precondition(message),
    }
}

/// Maps an event store failure.
pub fn store_error(error: StoreError) -> Status {
    match error {
        StoreError::Conflict { .. } => Status::aborted("account changed concurrently; retry the request"),
        StoreError::UnknownCouncil { council } => {
            field_status(Code::InvalidArgument, "council", format!("unknown council {council:?}"))
        }
        StoreError::RequestIdUsedElsewhere => field_status(
            Code::FailedPrecondition,
            "request_id",
            "request id was already used for another account".into(),
        ),
        StoreError::Corrupt { .. } | StoreError::SequenceOverflow { .. } => {
            hidden(Code::Internal, "internal error", &error)
        }
        StoreError::Unavailable(_) => hidden(Code::Unavailable, "event store unavailable; retry later", &error),
    }
}

/// Maps a read-model query failure.
pub fn query_error(error: QueryError) -> Status {
    match error {
        QueryError::NotCaughtUp { .. } => Status::unavailable(format!("{error}; retry shortly")),
        QueryError::Unavailable(_) => hidden(Code::Unavailable, "read model unavailable; retry later", &error),
    }
}
