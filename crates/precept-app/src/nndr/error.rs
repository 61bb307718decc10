//! What the business rates service reports when it cannot do what was asked.

use precept_domain::nndr::account::NndrAccountError;
use precept_domain::nndr::agency::AgencyError;
use precept_domain::nndr::hereditament::HereditamentError;
use precept_domain::nndr::settings::NndrSettingsError;
use precept_domain::{CouncilCode, FinancialYear, Uprn};

use crate::error::CommandError;
use crate::query::QueryError;

/// What a council asked to do, for the permission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Bill, collect, recover and keep the list: the billing authority or its agent.
    Collect,
    /// Set multipliers, reliefs figures, recovery policy, or appoint agents: the billing
    /// authority only.
    Govern,
}

/// A business rates service failure.
#[derive(Debug, thiserror::Error)]
pub enum NndrServiceError {
    /// An account command failed.
    #[error(transparent)]
    Account(#[from] CommandError<NndrAccountError>),
    /// A hereditament command failed.
    #[error(transparent)]
    Hereditament(#[from] CommandError<HereditamentError>),
    /// A settings command failed.
    #[error(transparent)]
    Settings(#[from] CommandError<NndrSettingsError>),
    /// An agency command failed.
    #[error(transparent)]
    Agency(#[from] CommandError<AgencyError>),
    /// The asking council may not do this for the billing authority.
    #[error("council {acting} may not {what} for billing authority {council}")]
    NotPermitted {
        /// Who asked.
        acting: CouncilCode,
        /// The billing authority.
        council: CouncilCode,
        /// What was refused.
        what: &'static str,
    },
    /// The hereditament is not on the billing authority's list.
    #[error("hereditament {0} is not listed")]
    NotListed(Uprn),
    /// A split names one old and at least two new hereditaments; a merge at least two old
    /// and one new; anything else is neither.
    #[error("a split takes one hereditament into two or more; a merge takes two or more into one")]
    Reorganisation,
    /// No settings for the year.
    #[error("business rates settings for {0} are not set up")]
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
