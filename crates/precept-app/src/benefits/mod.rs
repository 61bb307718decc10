//! The benefits application service: a council's benefits settings per year, claims from
//! receipt to end with every decision assessed against the settings in force, and the import
//! of the DWP's UC notification files (REFERENCE §3, §4).
//!
//! Not here: the rules (precept-domain's `benefits`), the read models (behind
//! [`ClaimDirectory`]), or the Council Tax side of a CTR award.

mod ctr_link;
mod import;
mod nino_key;
mod reads;

use std::sync::Arc;

use chrono::NaiveDate;
use precept_domain::benefits::claim::{BenefitClaim, ClaimCommand, ClaimDetails, ClaimError, ClaimKind, ClaimState};
use precept_domain::benefits::nino::Nino;
use precept_domain::benefits::settings::{
    BenefitSettingsError, BenefitYear, BenefitYearState, SetBenefitSettings, SettingsTimeline,
};
use precept_domain::benefits::uc_import::{FileDigest, ImportCommand, ImportError, UcImport};
use precept_domain::council_year::CouncilYearId;
use precept_domain::ids::{AccountId, ClaimId, PartyId};
use precept_domain::{CouncilCode, FinancialYear};

pub use ctr_link::{CTR_LINK, CtrLink, reduction_periods};
pub use import::{ImportReport, ImportRequest};
pub use nino_key::{NinoKey, WeakKey};
pub use reads::{
    BenefitReads, CaseloadCount, ClaimDirectory, ClaimRef, ClaimView, ImportView, OverpaymentTotals, SpeedOfProcessing,
    WorkItemView, choose_claim,
};

use crate::error::CommandError;
use crate::handler::{CommandHandler, CommandOutcome, HandlerConfig};
use crate::meta::RequestMeta;
use crate::query::QueryError;
use crate::store::AggregateStore;

/// A store that holds the benefits aggregates.
pub trait BenefitStores: AggregateStore<BenefitYear> + AggregateStore<BenefitClaim> + AggregateStore<UcImport> {}

impl<T> BenefitStores for T where
    T: AggregateStore<BenefitYear> + AggregateStore<BenefitClaim> + AggregateStore<UcImport>
{
}

/// A benefits service failure.
#[derive(Debug, thiserror::Error)]
pub enum BenefitsError {
    /// A settings command failed.
    #[error(transparent)]
    Settings(#[from] CommandError<BenefitSettingsError>),
    /// A claim command failed.
    #[error(transparent)]
    Claim(#[from] CommandError<ClaimError>),
    /// An import command failed.
    #[error(transparent)]
    Import(#[from] CommandError<ImportError>),
    /// No settings cover the date.
    #[error("benefits settings for {0} are not set up")]
    NoSettings(FinancialYear),
    /// The UC file cannot be read at all.
    #[error("the file cannot be imported: {0}")]
    File(String),
    /// A read failed.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// A new claim as received, NINO included: the service hashes it and never stores it.
#[derive(Debug, Clone)]
pub struct NewClaim {
    /// Which benefit.
    pub kind: ClaimKind,
    /// The claimant.
    pub claimant: PartyId,
    /// The claimant's NINO.
    pub nino: Nino,
    /// Day received.
    pub received: NaiveDate,
    /// Day claimed from.
    pub claimed_from: NaiveDate,
    /// State Pension age reached.
    pub pension_age: bool,
    /// The Council Tax account (CTR).
    pub account: Option<AccountId>,
}

/// The year before `year` (itself for the earliest year there is).
pub(crate) fn previous_year(year: FinancialYear) -> FinancialYear {
    FinancialYear::starting(year.start_year() - 1).unwrap_or(year)
}

/// The benefits service.
pub struct BenefitsService<S: BenefitStores> {
    years: CommandHandler<BenefitYear, S>,
    claims: CommandHandler<BenefitClaim, S>,
    imports: CommandHandler<UcImport, S>,
    key: NinoKey,
}

/// A claim command that needs the year's settings, which the service supplies.
#[derive(Debug, Clone)]
pub enum Assessed {
    /// Decide a new claim.
    Decide {
        /// Decision date.
        on: NaiveDate,
        /// Circumstances.
        circumstances: precept_domain::benefits::claim::Circumstances,
    },
    /// Report a change.
    ReportChange {
        /// Reported.
        reported: NaiveDate,
        /// Effective.
        effective: NaiveDate,
        /// Decision date.
        on: NaiveDate,
        /// New circumstances.
        circumstances: precept_domain::benefits::claim::Circumstances,
        /// Class of any overpayment.
        class: precept_domain::benefits::overpayment::OverpaymentClass,
        /// Could the claimant have realised.
        could_have_realised: bool,
    },
    /// Pay the next week of HB.
    PayHbWeek {
        /// The week's first day.
        from: NaiveDate,
    },
}

impl<S: BenefitStores> BenefitsService<S> {
    /// A service over `store`, hashing NINOs under `key`.
    pub fn new(store: Arc<S>, config: HandlerConfig, key: NinoKey) -> Self {
        BenefitsService {
            years: CommandHandler::new(BenefitYear, Arc::clone(&store), config.clone()),
            claims: CommandHandler::new(BenefitClaim, Arc::clone(&store), config.clone()),
            imports: CommandHandler::new(UcImport, store, config),
            key,
        }
    }

    /// The NINO hashing key (for adapters that look claims up by NINO).
    pub fn key(&self) -> &NinoKey {
        &self.key
    }

    /// Sets a year's settings.
    ///
    /// # Errors
    /// [`BenefitsError::Settings`].
    pub async fn set_settings(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
        command: SetBenefitSettings,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, BenefitsError> {
        Ok(self.years.execute(council, &CouncilYearId(year), command, meta).await?)
    }

    /// A year's settings versions.
    ///
    /// # Errors
    /// [`BenefitsError::Settings`].
    pub async fn year(&self, council: &CouncilCode, year: FinancialYear) -> Result<BenefitYearState, BenefitsError> {
        Ok(self.years.state(council, &CouncilYearId(year)).await?)
    }

    /// Every settings version of the years `first..=last`, in date order: what a decision
    /// reaching back over 1 April is assessed on. A year's first version covers it from 1 April
    /// (as `BenefitYearState::on` has it). An earlier year without settings is skipped, so a
    /// backdated decision into it uses the earliest version there is; the `required` year (the
    /// decision's own) must have settings.
    ///
    /// # Errors
    /// [`BenefitsError::NoSettings`] when the required year has none.
    pub async fn timeline(
        &self,
        council: &CouncilCode,
        (first, last): (FinancialYear, FinancialYear),
        required: FinancialYear,
    ) -> Result<Arc<SettingsTimeline>, BenefitsError> {
        let mut versions = Vec::new();
        let mut year = first;
        loop {
            let found = self
                .years
                .inspect(council, &CouncilYearId(year), |state| state.versions.clone())
                .await?;
            if year == required && found.is_empty() {
                return Err(BenefitsError::NoSettings(required));
            }
            let earliest = found.iter().map(|(from, _)| *from).min();
            versions.extend(found.into_iter().map(|(from, settings)| {
                let from = if Some(from) == earliest {
                    from.min(year.first_day())
                } else {
                    from
                };
                (from, Arc::new(settings))
            }));
            if year >= last {
                break;
            }
            year = FinancialYear::starting(year.start_year() + 1).map_err(|_| BenefitsError::NoSettings(last))?;
        }
        SettingsTimeline::new(versions)
            .map(Arc::new)
            .ok_or(BenefitsError::NoSettings(last))
    }

    /// Records a new claim; the NINO is hashed here and goes no further.
    ///
    /// # Errors
    /// [`BenefitsError::Claim`].
    pub async fn receive(
        &self,
        council: &CouncilCode,
        claim: &ClaimId,
        new: NewClaim,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, BenefitsError> {
        let details = ClaimDetails {
            kind: new.kind,
            claimant: new.claimant,
            nino_hash: self.key.hash(&new.nino),
            received: new.received,
            claimed_from: new.claimed_from,
            pension_age: new.pension_age,
            account: new.account,
        };
        self.command(council, claim, ClaimCommand::Receive(details), meta).await
    }

    /// Runs a claim command that needs no settings.
    ///
    /// # Errors
    /// [`BenefitsError::Claim`].
    pub async fn command(
        &self,
        council: &CouncilCode,
        claim: &ClaimId,
        command: ClaimCommand,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, BenefitsError> {
        Ok(self.claims.execute(council, claim, command, meta).await?)
    }

    /// Runs a claim command with the settings in force on its date.
    ///
    /// # Errors
    /// [`BenefitsError::NoSettings`], [`BenefitsError::Claim`].
    pub async fn assessed(
        &self,
        council: &CouncilCode,
        claim: &ClaimId,
        command: Assessed,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, BenefitsError> {
        // Backdating reaches at most a year (settings validation), so a new claim's award can
        // start in the previous year; a change reaches back to its effective date.
        let year = FinancialYear::containing;
        let (span, required) = match &command {
            Assessed::Decide { on, .. } => {
                // From the year the claim is made from (backdating never reaches earlier).
                let claimed_from = self
                    .claims
                    .inspect(council, claim, |s| s.details.as_ref().map(|d| d.claimed_from))
                    .await?
                    .unwrap_or(*on);
                ((year(claimed_from.min(*on)), year(*on)), year(*on))
            }
            Assessed::ReportChange { effective, on, .. } => {
                ((year(*effective), year(*on).max(year(*effective))), year(*effective))
            }
            Assessed::PayHbWeek { from } => ((year(*from), year(*from)), year(*from)),
        };
        let settings = self.timeline(council, span, required).await?;
        let command = match command {
            Assessed::Decide { on, circumstances } => ClaimCommand::Decide {
                on,
                circumstances,
                settings,
            },
            Assessed::ReportChange {
                reported,
                effective,
                on,
                circumstances,
                class,
                could_have_realised,
            } => ClaimCommand::ReportChange {
                reported,
                effective,
                on,
                circumstances,
                class,
                could_have_realised,
                settings,
            },
            Assessed::PayHbWeek { from } => ClaimCommand::PayHbWeek { from, settings },
        };
        self.command(council, claim, command, meta).await
    }

    /// Deals with an import's records (closing an unmatched record's work item).
    ///
    /// # Errors
    /// [`BenefitsError::Import`].
    pub async fn close_unmatched(
        &self,
        council: &CouncilCode,
        file: &FileDigest,
        command: ImportCommand,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, BenefitsError> {
        Ok(self.imports.execute(council, file, command, meta).await?)
    }

    /// A claim as the store holds it now, not as this process last cached it.
    ///
    /// # Errors
    /// [`BenefitsError::Claim`].
    pub async fn claim_now(&self, council: &CouncilCode, claim: &ClaimId) -> Result<ClaimState, BenefitsError> {
        Ok(self.claims.reload(council, claim).await?)
    }

    /// A claim as it stands.
    ///
    /// # Errors
    /// [`BenefitsError::Claim`].
    pub async fn claim(&self, council: &CouncilCode, claim: &ClaimId) -> Result<ClaimState, BenefitsError> {
        Ok(self.claims.state(council, claim).await?)
    }
}
