//! The business rates application service: hereditaments and their values, the year's
//! settings, agencies, accounts with their notices, payments and recovery, and the runs that
//! fan out (annual billing, daily recovery, re-billing after a value change).
//!
//! Every call names the council asking (`acting`) and the billing authority (`council`).
//! The billing authority may do anything; a council it has appointed as its agent may bill,
//! collect, recover and keep the list, but may not change the authority's settings or
//! agencies ([`Work`]). Accounts always stay in the billing authority's stream.
//!
//! Not here: transport, authentication (a later issue binds `acting` to a credential), and
//! how accounts are found (the [`AccountDirectory`] port over the business rates read model).

mod error;
mod hereditaments;
mod reads;
mod runs;

pub use error::{NndrServiceError, Work};
pub use hereditaments::{ListChangeOutcome, NewHereditament, Reorganisation, ValueChange};
pub use reads::{
    CollectableDebit, DebitLine, MonthCollection, NndrAccountView, NndrReads, NndrStatementLine, ServicedCouncil,
};
pub use runs::NndrRun;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use precept_domain::account::{AccountError, YearAction};
use precept_domain::council_year::CouncilYearId;
use precept_domain::instalments::InstalmentPlan;
use precept_domain::nndr::account::{
    NndrAccount, NndrAccountError, NndrAccountState, NndrChange, NndrCommand, NndrContext, OpenNndr,
};
use precept_domain::nndr::agency::{Agency, AgencyCommand, AgencyError};
use precept_domain::nndr::hereditament::Hereditament;
use precept_domain::nndr::settings::{NndrSettings, NndrYearSettings, NndrYearState, SetNndrSettings};
use precept_domain::recovery::{RecoveryAction, RecoveryPolicy};
use precept_domain::{AccountId, CouncilCode, FinancialYear, Uprn};

use crate::council_tax::AccountDirectory;
use crate::error::CommandError;
use crate::handler::{CommandHandler, CommandOutcome, HandlerConfig};
use crate::meta::RequestMeta;
use crate::store::AggregateStore;

/// A store that holds every business rates aggregate kind.
pub trait NndrStores:
    AggregateStore<NndrAccount> + AggregateStore<Hereditament> + AggregateStore<NndrYearSettings> + AggregateStore<Agency>
{
}

impl<T> NndrStores for T where
    T: AggregateStore<NndrAccount>
        + AggregateStore<Hereditament>
        + AggregateStore<NndrYearSettings>
        + AggregateStore<Agency>
{
}

/// The business rates service.
pub struct NndrService<S: NndrStores> {
    accounts: CommandHandler<NndrAccount, S>,
    hereditaments: CommandHandler<Hereditament, S>,
    years: CommandHandler<NndrYearSettings, S>,
    agencies: CommandHandler<Agency, S>,
}

impl<S: NndrStores> NndrService<S> {
    /// A service over `store`.
    pub fn new(store: Arc<S>, config: HandlerConfig) -> Self {
        NndrService {
            accounts: CommandHandler::new(NndrAccount, Arc::clone(&store), config.clone()),
            hereditaments: CommandHandler::new(Hereditament, Arc::clone(&store), config.clone()),
            years: CommandHandler::new(NndrYearSettings, Arc::clone(&store), config.clone()),
            agencies: CommandHandler::new(Agency, store, config),
        }
    }

    /// Checks `acting` may do `work` for `council`: itself always; its agent only to collect.
    ///
    /// # Errors
    /// [`NndrServiceError::NotPermitted`].
    pub async fn authorise(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        work: Work,
        what: &'static str,
    ) -> Result<(), NndrServiceError> {
        if acting == council {
            return Ok(());
        }
        let agent = work == Work::Collect
            && self
                .agencies
                .inspect(council, acting, precept_domain::nndr::agency::AgencyState::in_force)
                .await?;
        if agent {
            return Ok(());
        }
        Err(NndrServiceError::NotPermitted {
            acting: acting.clone(),
            council: council.clone(),
            what,
        })
    }

    /// Sets a year's settings (the billing authority only).
    ///
    /// # Errors
    /// [`NndrServiceError`].
    pub async fn set_year(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        command: SetNndrSettings,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Govern, "change business rates settings")
            .await?;
        let id = CouncilYearId(command.settings.national.year);
        Ok(self.years.execute(council, &id, command, meta).await?)
    }

    /// The settings in force on `date` (of the year containing it).
    ///
    /// # Errors
    /// [`NndrServiceError::YearNotSetUp`].
    pub async fn settings(
        &self,
        council: &CouncilCode,
        date: NaiveDate,
    ) -> Result<Arc<NndrSettings>, NndrServiceError> {
        let year = FinancialYear::containing(date);
        let settings = self
            .years
            .inspect(council, &CouncilYearId(year), |state| state.on(date).cloned())
            .await?;
        settings.map(Arc::new).ok_or(NndrServiceError::YearNotSetUp(year))
    }

    /// Every version of a year's settings.
    async fn year_history(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
    ) -> Result<Arc<NndrYearState>, NndrServiceError> {
        let history = self.years.state(council, &CouncilYearId(year)).await?;
        if history.versions.is_empty() {
            return Err(NndrServiceError::YearNotSetUp(year));
        }
        Ok(Arc::new(history))
    }

    /// Appoints or ends an agent (the billing authority only).
    ///
    /// # Errors
    /// [`NndrServiceError`].
    pub async fn agency(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        agent: &CouncilCode,
        command: AgencyCommand,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Govern, "appoint or end an agency")
            .await?;
        if agent == council {
            return Err(CommandError::Rejected(AgencyError::OwnAgent).into());
        }
        Ok(self.agencies.execute(council, agent, command, meta).await?)
    }

    /// Opens an account at a listed hereditament.
    ///
    /// # Errors
    /// [`NndrServiceError::NotListed`], [`NndrServiceError::Account`].
    pub async fn open_account(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        account: &AccountId,
        command: OpenNndr,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "open accounts").await?;
        let listed = self
            .hereditaments
            .inspect(council, &command.hereditament, |state| state.is_listed())
            .await?;
        if !listed {
            return Err(NndrServiceError::NotListed(command.hereditament));
        }
        Ok(self
            .accounts
            .execute(council, account, NndrCommand::Open(command), meta)
            .await?)
    }

    /// Issues an account's first notice for a year (nothing if billed already); the billing
    /// run's step, after the run has checked who is asking.
    async fn issue_bill(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        year: FinancialYear,
        issue_date: NaiveDate,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        let (hereditament, _) = self.open_facts(council, account).await?;
        let context = self.context(council, hereditament, [year]).await?;
        if !context.years.contains_key(&year) {
            return Err(NndrServiceError::YearNotSetUp(year));
        }
        let command = NndrCommand::IssueBill {
            year,
            issue_date,
            context,
        };
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// Records a change and issues the revised notices it causes.
    ///
    /// # Errors
    /// [`NndrServiceError`].
    pub async fn change(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        account: &AccountId,
        change: NndrChange,
        notice_date: NaiveDate,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "change accounts")
            .await?;
        self.change_unchecked(council, account, change, notice_date, meta).await
    }

    async fn change_unchecked(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        change: NndrChange,
        notice_date: NaiveDate,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        let (hereditament, years) = self.open_facts(council, account).await?;
        let context = self.context(council, hereditament, years).await?;
        let command = NndrCommand::Change {
            change,
            notice_date,
            context,
        };
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// Changes the instalment plan (12 on request, REFERENCE §2.9).
    ///
    /// # Errors
    /// [`NndrServiceError`].
    pub async fn change_plan(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        account: &AccountId,
        plan: InstalmentPlan,
        notice_date: NaiveDate,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "change accounts")
            .await?;
        let (hereditament, years) = self.open_facts(council, account).await?;
        let current = FinancialYear::containing(notice_date);
        let context = self
            .context(council, hereditament, years.into_iter().filter(|year| *year >= current))
            .await?;
        let command = NndrCommand::ChangePlan {
            plan,
            notice_date,
            context,
        };
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// A money command (payment, reversal, refund, carry-forward) or a hold.
    ///
    /// # Errors
    /// [`NndrServiceError`].
    pub async fn account_command(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        account: &AccountId,
        command: NndrCommand,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "collect").await?;
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// An officer's recovery action on one year.
    ///
    /// # Errors
    /// [`NndrServiceError`]; attachment of earnings and benefit deductions are refused.
    pub async fn recovery_action(
        &self,
        acting: &CouncilCode,
        council: &CouncilCode,
        account: &AccountId,
        year: FinancialYear,
        action: RecoveryAction,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, NndrServiceError> {
        self.authorise(acting, council, Work::Collect, "recover").await?;
        let policy = self.recovery_policy(council, action.date()).await?;
        let command = NndrCommand::Recovery(YearAction { year, action, policy });
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// An account's state as the command side knows it.
    ///
    /// # Errors
    /// [`NndrServiceError::Account`].
    pub async fn account_state(
        &self,
        council: &CouncilCode,
        account: &AccountId,
    ) -> Result<NndrAccountState, NndrServiceError> {
        Ok(self.accounts.state(council, account).await?)
    }

    /// The recovery policy in force on `date`.
    async fn recovery_policy(
        &self,
        council: &CouncilCode,
        date: NaiveDate,
    ) -> Result<Arc<RecoveryPolicy>, NndrServiceError> {
        let settings = self.settings(council, date).await?;
        Ok(Arc::new(settings.recovery.clone()))
    }

    /// The hereditament and billed years of an open account.
    async fn open_facts(
        &self,
        council: &CouncilCode,
        account: &AccountId,
    ) -> Result<(Uprn, Vec<FinancialYear>), NndrServiceError> {
        let facts = self
            .accounts
            .inspect(council, account, |state| {
                state
                    .as_open()
                    .map(|open| (open.hereditament, open.years.keys().copied().collect()))
            })
            .await?;
        facts.ok_or(NndrServiceError::Account(CommandError::Rejected(
            NndrAccountError::Account(AccountError::AccountNotOpen),
        )))
    }

    /// The hereditament and the settings of `years` (years without settings left out).
    async fn context(
        &self,
        council: &CouncilCode,
        hereditament: Uprn,
        years: impl IntoIterator<Item = FinancialYear>,
    ) -> Result<Arc<NndrContext>, NndrServiceError> {
        let state = self.hereditaments.state(council, &hereditament).await?;
        if !state.is_listed() {
            return Err(NndrServiceError::NotListed(hereditament));
        }
        let mut settings = BTreeMap::new();
        for year in years {
            match self.year_history(council, year).await {
                Ok(found) => {
                    settings.insert(year, found);
                }
                Err(NndrServiceError::YearNotSetUp(_)) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(Arc::new(NndrContext {
            hereditament: Arc::new(state),
            years: settings,
        }))
    }

    /// Re-bills every account at a hereditament from the directory (after a value change):
    /// the accounts changed and the highest sequence written.
    async fn rebill_at<D: AccountDirectory>(
        &self,
        council: &CouncilCode,
        hereditament: Uprn,
        change: NndrChange,
        notice_date: NaiveDate,
        meta: &RequestMeta,
        directory: &D,
    ) -> Result<(u32, u64), NndrServiceError> {
        directory.catch_up(council).await?;
        let (mut changed, mut last_sequence) = (0, 0);
        for account in directory.accounts_at(council, hereditament).await? {
            let key = account.to_string();
            let step = crate::council_tax::derived_meta(meta, "nndr-rebill", &key);
            let mut outcome = self
                .change_unchecked(council, &account, change, notice_date, &step)
                .await;
            // An account that cannot take the change itself (its liability starts after a
            // removal, or has already ended) is still recalculated: its charge stops where
            // the hereditament's list entry does.
            if let Err(NndrServiceError::Account(CommandError::Rejected(
                NndrAccountError::BeforeLiability | NndrAccountError::Account(AccountError::LiabilityAlreadyEnded),
            ))) = outcome
            {
                let step = crate::council_tax::derived_meta(meta, "nndr-recalculate", &key);
                outcome = self
                    .change_unchecked(council, &account, NndrChange::Recalculate, notice_date, &step)
                    .await;
            }
            let outcome = outcome?;
            if outcome.commit.event_count > 0 {
                changed += 1;
                last_sequence = last_sequence.max(outcome.commit.sequence);
            }
        }
        Ok((changed, last_sequence))
    }
}
