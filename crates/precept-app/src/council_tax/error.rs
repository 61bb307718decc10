//! What the Council Tax service reports when it cannot do what was asked.

use precept_domain::account::AccountError;
use precept_domain::council_year::CouncilYearError;
use precept_domain::property::PropertyError;
use precept_domain::{FinancialYear, Uprn};

use crate::error::CommandError;
use crate::query::QueryError;

/// A Council Tax service failure.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// An account command failed.
    #[error(transparent)]
    Account(#[from] CommandError<AccountError>),
    /// A settings command failed.
    #[error(transparent)]
    Year(#[from] CommandError<CouncilYearError>),
    /// A property command failed.
    #[error(transparent)]
    Property(#[from] CommandError<PropertyError>),
    /// The account's property is not registered with the council.
    #[error("property {0} is not registered")]
    PropertyNotRegistered(Uprn),
    /// The council has no settings for the year.
    #[error("council tax settings for {0} are not set up")]
    YearNotSetUp(FinancialYear),
    /// The hearing given to a recovery run is too soon for a summons.
    #[error("the hearing must be on or after {earliest} (the council's summons notice)")]
    HearingTooSoon {
        /// The earliest hearing a summons issued on the run date can name.
        earliest: chrono::NaiveDate,
    },
    /// A read model query failed.
    #[error(transparent)]
    Query(#[from] QueryError),
}
