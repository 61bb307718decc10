//! The one place errors become gRPC statuses.
//!
//! Every match is exhaustive with no catch-all arm, so a new error variant cannot compile
//! until someone decides its status. Internal detail never reaches the client: infrastructure
//! faults are logged here with a reference id, and the client gets a generic message.

use precept_app::benefits::BenefitsError;
use precept_app::history::HistoryError;
use precept_app::nndr::NndrServiceError;
use precept_app::partnership::PartnershipError;
use precept_app::{CommandError, QueryError, ServiceError, StoreError, SwitchError};
use precept_domain::account::AccountError;
use precept_domain::benefits::claim::ClaimError;
use precept_domain::benefits::settings::BenefitSettingsError;
use precept_domain::benefits::uc_import::ImportError;
use precept_domain::charge::ChargeError;
use precept_domain::council_year::CouncilYearError;
use precept_domain::nndr::account::{NndrAccountError, NndrChargeError};
use precept_domain::nndr::agency::AgencyError;
use precept_domain::nndr::hereditament::HereditamentError;
use precept_domain::nndr::settings::NndrSettingsError;
use precept_domain::partnership::agreement::AgreementError;
use precept_domain::partnership::pool::PoolError;
use precept_domain::property::PropertyError;
use precept_domain::recovery::RecoveryError;
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
    command(error, account_rejection)
}

/// A service failure that has a gRPC status.
pub trait IntoStatus {
    /// The status.
    fn into_status(self) -> Status;
}

impl IntoStatus for ServiceError {
    fn into_status(self) -> Status {
        service(self)
    }
}

impl IntoStatus for PartnershipError {
    fn into_status(self) -> Status {
        partnership(self)
    }
}

impl IntoStatus for BenefitsError {
    fn into_status(self) -> Status {
        benefits(self)
    }
}

/// Maps a benefits service failure.
pub fn benefits(error: BenefitsError) -> Status {
    let message = error.to_string();
    match error {
        BenefitsError::Settings(error) => command(error, |rejection| {
            let message = rejection.to_string();
            match rejection {
                BenefitSettingsError::WrongYear => field_status(Code::InvalidArgument, "effective_from", message),
                BenefitSettingsError::Field(field) => field_status(Code::InvalidArgument, field, message),
            }
        }),
        BenefitsError::Claim(error) => command(error, claim_rejection),
        BenefitsError::Import(error) => command(error, |rejection| {
            let message = rejection.to_string();
            match rejection {
                ImportError::NoRecord(_) => field_status(Code::NotFound, "item", message),
            }
        }),
        BenefitsError::NoSettings(_) => field_status(Code::FailedPrecondition, "year", message),
        BenefitsError::File(_) => field_status(Code::InvalidArgument, "data", message),
        BenefitsError::Query(error) => query_error(error),
    }
}

fn claim_rejection(rejection: ClaimError) -> Status {
    let message = rejection.to_string();
    match rejection {
        ClaimError::AlreadyReceived => field_status(Code::AlreadyExists, "claim_id", message),
        ClaimError::NotReceived => field_status(Code::NotFound, "claim_id", message),
        ClaimError::WrongStatus(_) | ClaimError::NotHousingBenefit => {
            field_status(Code::FailedPrecondition, "claim_id", message)
        }
        ClaimError::Field(field) => field_status(Code::InvalidArgument, field, message),
        ClaimError::WrongCircumstances => field_status(Code::InvalidArgument, "circumstances", message),
        ClaimError::NoOverpayment(_) => field_status(Code::NotFound, "number", message),
        ClaimError::PaymentOutOfOrder(_) => field_status(Code::FailedPrecondition, "from", message),
        ClaimError::NothingOutstanding(_) => field_status(Code::FailedPrecondition, "number", message),
        ClaimError::NoWorkItem(_) => field_status(Code::NotFound, "item", message),
    }
}

/// Maps a partnership service failure.
pub fn partnership(error: PartnershipError) -> Status {
    let message = error.to_string();
    match error {
        PartnershipError::Agreement(error) => command(error, |rejection| {
            let message = rejection.to_string();
            match rejection {
                AgreementError::AlreadyMember(_) => field_status(Code::AlreadyExists, "member", message),
                AgreementError::NotMember(_) => field_status(Code::NotFound, "member", message),
                AgreementError::Services => field_status(Code::InvalidArgument, "services", message),
                AgreementError::Date => field_status(Code::InvalidArgument, "from", message),
                AgreementError::Inconsistent => Status::internal("agreement history is inconsistent"),
            }
        }),
        PartnershipError::Pool(error) => command(error, |rejection| {
            let message = rejection.to_string();
            match rejection {
                PoolError::Field(field) => field_status(Code::InvalidArgument, field, message),
                PoolError::NoLine(_) => field_status(Code::NotFound, "name", message),
            }
        }),
        PartnershipError::Apportion { .. } => field_status(Code::FailedPrecondition, "line", message),
        PartnershipError::Query(error) => query_error(error),
    }
}

impl IntoStatus for NndrServiceError {
    fn into_status(self) -> Status {
        nndr(self)
    }
}

/// Maps a Council Tax service failure.
pub fn service(error: ServiceError) -> Status {
    match error {
        ServiceError::Account(error) => account_command(error),
        ServiceError::Year(error) => command(error, year_rejection),
        ServiceError::Property(error) => command(error, property_rejection),
        ServiceError::PropertyNotRegistered(_) => field_status(Code::FailedPrecondition, "uprn", error.to_string()),
        ServiceError::YearNotSetUp(_) => field_status(Code::FailedPrecondition, "year", error.to_string()),
        ServiceError::HearingTooSoon { .. } => field_status(Code::InvalidArgument, "hearing", error.to_string()),
        ServiceError::Query(error) => query_error(error),
    }
}

/// Maps a business rates service failure.
pub fn nndr(error: NndrServiceError) -> Status {
    let message = error.to_string();
    match error {
        NndrServiceError::Account(error) => command(error, nndr_rejection),
        NndrServiceError::Hereditament(error) => command(error, hereditament_rejection),
        NndrServiceError::Settings(error) => command(error, nndr_settings_rejection),
        NndrServiceError::Agency(error) => command(error, agency_rejection),
        NndrServiceError::NotPermitted { .. } => Status::permission_denied(message),
        NndrServiceError::NotListed(_) => field_status(Code::FailedPrecondition, "uprn", message),
        NndrServiceError::Reorganisation => field_status(Code::InvalidArgument, "new_hereditaments", message),
        NndrServiceError::YearNotSetUp(_) => field_status(Code::FailedPrecondition, "year", message),
        NndrServiceError::HearingTooSoon { .. } => field_status(Code::InvalidArgument, "hearing", message),
        NndrServiceError::Query(error) => query_error(error),
    }
}

fn nndr_rejection(rejection: NndrAccountError) -> Status {
    let message = rejection.to_string();
    match rejection {
        NndrAccountError::Account(AccountError::LiabilityAlreadyEnded) => {
            field_status(Code::FailedPrecondition, "change.end_liability", message)
        }
        NndrAccountError::Account(error) => account_rejection(error),
        NndrAccountError::Charge(NndrChargeError::YearNotSetUp(_)) => {
            field_status(Code::FailedPrecondition, "year", message)
        }
        NndrAccountError::Charge(NndrChargeError::NotListed) => field_status(Code::FailedPrecondition, "uprn", message),
        NndrAccountError::RemedyNotAvailable(_) => field_status(Code::FailedPrecondition, "action", message),
        NndrAccountError::BeforeLiability => field_status(Code::InvalidArgument, "change", message),
        NndrAccountError::EmptySince => field_status(Code::InvalidArgument, "empty_since", message),
    }
}

fn hereditament_rejection(rejection: HereditamentError) -> Status {
    let message = rejection.to_string();
    match rejection {
        HereditamentError::AlreadyListed => field_status(Code::AlreadyExists, "uprn", message),
        HereditamentError::NotListed => field_status(Code::NotFound, "uprn", message),
        HereditamentError::Removed => field_status(Code::FailedPrecondition, "uprn", message),
        HereditamentError::ValueTooLarge { .. } => field_status(Code::InvalidArgument, "rateable_value", message),
        HereditamentError::BeforeListing => field_status(Code::InvalidArgument, "effective_from", message),
        HereditamentError::Reference => field_status(Code::InvalidArgument, "schedule_reference", message),
        HereditamentError::Split => field_status(Code::InvalidArgument, "new_hereditaments", message),
        HereditamentError::Inconsistent => Status::internal("hereditament history is inconsistent"),
    }
}

fn nndr_settings_rejection(rejection: NndrSettingsError) -> Status {
    let message = rejection.to_string();
    match rejection {
        NndrSettingsError::WrongYear(field) => field_status(Code::InvalidArgument, field, message),
        NndrSettingsError::Recovery(_) => field_status(Code::InvalidArgument, "settings.recovery", message),
        NndrSettingsError::Minimum => field_status(Code::InvalidArgument, "settings.instalment_minimum_pence", message),
        NndrSettingsError::National(field) => {
            field_status(Code::InvalidArgument, &format!("settings.{field}"), message)
        }
    }
}

fn agency_rejection(rejection: AgencyError) -> Status {
    let message = rejection.to_string();
    match rejection {
        AgencyError::InForce | AgencyError::NotInForce => field_status(Code::FailedPrecondition, "agent", message),
        AgencyError::OwnAgent => field_status(Code::InvalidArgument, "agent", message),
        AgencyError::Inconsistent => Status::internal("agency history is inconsistent"),
    }
}

fn command<E>(error: CommandError<E>, rejection: fn(E) -> Status) -> Status {
    match error {
        CommandError::Rejected(rejected) => rejection(rejected),
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
        AccountError::YearNotBilled(_) => field_status(Code::FailedPrecondition, "year", message),
        AccountError::Charge(ChargeError::YearNotSetUp(_)) => field_status(Code::FailedPrecondition, "year", message),
        AccountError::Charge(ChargeError::NoBand | ChargeError::BandNotInScale(_)) => {
            field_status(Code::FailedPrecondition, "uprn", message)
        }
        AccountError::LiabilityAlreadyEnded => field_status(Code::FailedPrecondition, "move_out", message),
        AccountError::BadDate(_) => field_status(Code::InvalidArgument, "change", message),
        AccountError::Overlap(_) | AccountError::NoOpenPeriod(_) => {
            field_status(Code::FailedPrecondition, "change", message)
        }
        AccountError::PaymentNotFound(_) => field_status(Code::NotFound, "payment_id", message),
        AccountError::PaymentAlreadyReversed(_) => field_status(Code::FailedPrecondition, "payment_id", message),
        AccountError::CreditInsufficient | AccountError::ExceedsOutstanding => {
            field_status(Code::FailedPrecondition, "amount_pence", message)
        }
        AccountError::RefundIdUsed(_) => field_status(Code::AlreadyExists, "refund_id", message),
        AccountError::InstalmentDayNotOffered(_) => field_status(Code::InvalidArgument, "instalment_day", message),
        AccountError::Recovery(recovery) => recovery_rejection(&recovery, message),
        AccountError::HoldAlreadyPlaced(_) | AccountError::HoldNotPlaced(_) => {
            field_status(Code::FailedPrecondition, "reason", message)
        }
    }
}

fn recovery_rejection(rejection: &RecoveryError, message: String) -> Status {
    match rejection {
        RecoveryError::ArrangementInvalid(_) => field_status(Code::InvalidArgument, "instalments", message),
        RecoveryError::AmountNotPositive => field_status(Code::InvalidArgument, "amount_pence", message),
        RecoveryError::ExceedsOutstanding(_) | RecoveryError::BelowThreshold(_) => {
            field_status(Code::FailedPrecondition, "amount_pence", message)
        }
        RecoveryError::AgentStage => field_status(Code::FailedPrecondition, "stage", message),
        RecoveryError::NoLiabilityOrder
        | RecoveryError::ArrangementNotAllowed
        | RecoveryError::ArrangementInForce
        | RecoveryError::RemedyInForce
        | RecoveryError::NoRemedy => field_status(Code::FailedPrecondition, "year", message),
    }
}

fn year_rejection(rejection: CouncilYearError) -> Status {
    let message = rejection.to_string();
    match rejection {
        CouncilYearError::Settings(_) => field_status(Code::InvalidArgument, "settings", message),
        CouncilYearError::EffectiveDate => field_status(Code::InvalidArgument, "effective_from", message),
        CouncilYearError::WrongYear => Status::internal("settings history is inconsistent"),
    }
}

fn property_rejection(rejection: PropertyError) -> Status {
    let message = rejection.to_string();
    match rejection {
        PropertyError::AlreadyRegistered => field_status(Code::AlreadyExists, "uprn", message),
        PropertyError::NotRegistered => field_status(Code::NotFound, "uprn", message),
        PropertyError::Reference(field) => field_status(Code::InvalidArgument, field, message),
        PropertyError::Inconsistent => Status::internal("property history is inconsistent"),
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

/// Maps a failure to read history back (the audit service).
pub fn history(error: HistoryError) -> Status {
    let message = error.to_string();
    match error {
        HistoryError::InvalidId { .. } => field_status(Code::InvalidArgument, "aggregate_id", message),
        HistoryError::NotFound { .. } => field_status(Code::NotFound, "aggregate_id", message),
        // The aggregate exists, but not at the time asked about.
        HistoryError::NothingInCut { .. } => Status::not_found(message),
        // Only an effective-date cut can leave out a commit that a folded one depends on.
        HistoryError::NotFoldable { .. } => field_status(Code::FailedPrecondition, "effective_on", message),
        HistoryError::Store(error) => store_error(error),
    }
}

/// Maps a read-model query failure.
pub fn query_error(error: QueryError) -> Status {
    match error {
        QueryError::NotCaughtUp { .. } => Status::unavailable(format!("{error}; retry shortly")),
        QueryError::Unavailable(_) => hidden(Code::Unavailable, "read model unavailable; retry later", &error),
    }
}

/// Maps a read-model switch failure. A refusal names what is wrong with the database; the
/// operator who asked can see it, and it holds no personal data.
pub fn switch_error(error: SwitchError) -> Status {
    let message = error.to_string();
    match error {
        SwitchError::UnsupportedUrl => field_status(Code::InvalidArgument, "database_url", message),
        SwitchError::NotAReadModel(_)
        | SwitchError::NotReplayed { .. }
        | SwitchError::AheadOfStream { .. }
        | SwitchError::NoProjector => field_status(Code::FailedPrecondition, "database_url", message),
        SwitchError::InProgress => Status::aborted(message),
        SwitchError::Unavailable(_) => hidden(Code::Unavailable, "read-model switch failed; retry later", &error),
    }
}
