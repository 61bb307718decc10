//! The Council Tax application service: the commands that need more than one aggregate.
//!
//! Account decisions are pure and need the property's bands and the council's settings; this
//! service reads those (through the command handlers' caches), puts them in the command as a
//! `BillingContext`, and runs it. It also drives the processes that fan out: the annual
//! billing run ([`run`]) and re-billing every account at a property after a band change.
//! Fan-out steps use request ids derived from the caller's, so re-running a process after an
//! interruption repeats nothing.
//!
//! Not here: transport (precept-api) or how accounts are found (the [`AccountDirectory`] port).

mod context;
mod directory;
mod error;
pub(crate) mod paging;
mod reads;
mod recovery;
mod recovery_reads;
mod run;

pub use directory::{AccountDirectory, RunScope};
pub use error::ServiceError;
pub use reads::{AccountSummary, BillingReads, ListFilter, ListedAccount, StatementEntry};
pub use recovery::{RecoveryProgress, RecoveryRun};
pub use recovery_reads::{
    Caseload, ListedStep, RecoveryReads, RecoveryStepView, RecoveryYearView, StageTotals, StepQuery, StepSelection,
};
pub use run::{BillingRun, RunProgress};

use std::sync::Arc;

use chrono::NaiveDate;
use precept_domain::account::{
    AccountCommand, AccountState, ChangeCircumstances, ChangeInstalmentPlan, CircumstanceChange, CouncilTaxAccount,
    IssueBill, OpenAccount,
};
use precept_domain::council_year::{CouncilYear, CouncilYearId, SetYearSettings};
use precept_domain::instalments::InstalmentPlan;
use precept_domain::property::{Property, PropertyCommand};
use precept_domain::{AccountId, CouncilCode, FinancialYear, Uprn};
use uuid::Uuid;

use crate::handler::{CommandHandler, CommandOutcome, HandlerConfig};
use crate::meta::{Fingerprint, RequestId, RequestMeta};
use crate::store::AggregateStore;

/// A store that holds every Council Tax aggregate kind.
pub trait Stores: AggregateStore<CouncilTaxAccount> + AggregateStore<CouncilYear> + AggregateStore<Property> {}

impl<T> Stores for T where T: AggregateStore<CouncilTaxAccount> + AggregateStore<CouncilYear> + AggregateStore<Property> {}

/// The Council Tax service.
pub struct CouncilTaxService<S: Stores> {
    accounts: CommandHandler<CouncilTaxAccount, S>,
    years: CommandHandler<CouncilYear, S>,
    properties: CommandHandler<Property, S>,
}

/// What a band change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandChangeOutcome {
    /// The property's commit.
    pub commit: CommandOutcome,
    /// Accounts at the property that were recalculated.
    pub accounts_recalculated: u32,
}

impl<S: Stores> CouncilTaxService<S> {
    /// A service over `store`.
    pub fn new(store: Arc<S>, config: HandlerConfig) -> Self {
        // Settings and properties are few and read on every bill: cache all of them.
        CouncilTaxService {
            accounts: CommandHandler::new(CouncilTaxAccount, Arc::clone(&store), config.clone()),
            years: CommandHandler::new(CouncilYear, Arc::clone(&store), config.clone()),
            properties: CommandHandler::new(Property, store, config),
        }
    }

    /// The account command handler, for commands that need no context (payments, refunds).
    pub fn accounts(&self) -> &CommandHandler<CouncilTaxAccount, S> {
        &self.accounts
    }

    /// Sets or amends a year's settings.
    ///
    /// # Errors
    /// [`ServiceError::Year`].
    pub async fn set_year(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
        command: SetYearSettings,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        Ok(self.years.execute(council, &CouncilYearId(year), command, meta).await?)
    }

    /// A year's settings as stored.
    ///
    /// # Errors
    /// [`ServiceError::YearNotSetUp`], [`ServiceError::Year`].
    pub async fn year_settings(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
    ) -> Result<Arc<precept_domain::council_year::YearHistory>, ServiceError> {
        self.year_history(council, year).await
    }

    /// Registers a property.
    ///
    /// # Errors
    /// [`ServiceError::Property`].
    pub async fn register_property(
        &self,
        council: &CouncilCode,
        uprn: Uprn,
        command: PropertyCommand,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        Ok(self.properties.execute(council, &uprn, command, meta).await?)
    }

    /// Applies a band change, then recalculates every account at the property, issuing revised
    /// notices dated `notice_date` where a charge moved.
    ///
    /// # Errors
    /// [`ServiceError`]; the band change stands even if an account fails, and repeating the
    /// request (same id) finishes the accounts without changing the band twice.
    pub async fn change_band<D: AccountDirectory>(
        &self,
        council: &CouncilCode,
        uprn: Uprn,
        command: PropertyCommand,
        notice_date: NaiveDate,
        meta: &RequestMeta,
        directory: &D,
    ) -> Result<BandChangeOutcome, ServiceError> {
        let commit = self.properties.execute(council, &uprn, command, meta).await?;
        directory.catch_up(council).await?;
        let mut accounts_recalculated = 0;
        for account in directory.accounts_at(council, uprn).await? {
            let step = derived_meta(meta, "rebill", &account.to_string());
            let outcome = self
                .change_circumstances(council, &account, CircumstanceChange::Recalculate, notice_date, &step)
                .await?;
            if outcome.commit.event_count > 0 {
                accounts_recalculated += 1;
            }
        }
        Ok(BandChangeOutcome {
            commit,
            accounts_recalculated,
        })
    }

    /// Opens an account at a registered property.
    ///
    /// # Errors
    /// [`ServiceError::PropertyNotRegistered`], [`ServiceError::Account`].
    pub async fn open_account(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        command: OpenAccount,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        if !self.properties.state(council, &command.property).await?.is_registered() {
            return Err(ServiceError::PropertyNotRegistered(command.property));
        }
        Ok(self
            .accounts
            .execute(council, account, AccountCommand::OpenAccount(command), meta)
            .await?)
    }

    /// Issues the year's first notice for an account (nothing if already billed).
    ///
    /// # Errors
    /// [`ServiceError`].
    pub async fn issue_bill(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        year: FinancialYear,
        issue_date: NaiveDate,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        let (property, _) = self.open_facts(council, account).await?;
        let context = self.context(council, property, [year]).await?;
        if !context.years.contains_key(&year) {
            return Err(ServiceError::YearNotSetUp(year));
        }
        let command = AccountCommand::IssueBill(IssueBill {
            year,
            issue_date,
            context,
        });
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// Records a change of circumstances and issues the revised notices it causes.
    ///
    /// # Errors
    /// [`ServiceError`].
    pub async fn change_circumstances(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        change: CircumstanceChange,
        notice_date: NaiveDate,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        let (property, years) = self.open_facts(council, account).await?;
        let context = self.context(council, property, years).await?;
        let command = AccountCommand::ChangeCircumstances(ChangeCircumstances {
            change,
            notice_date,
            context,
        });
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// Changes the instalment plan, re-spreading current and later years.
    ///
    /// # Errors
    /// [`ServiceError`].
    pub async fn change_plan(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        plan: InstalmentPlan,
        notice_date: NaiveDate,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        let (property, billed) = self.open_facts(council, account).await?;
        let current = FinancialYear::containing(notice_date);
        let mut years: Vec<FinancialYear> = billed.into_iter().filter(|y| *y >= current).collect();
        if !years.contains(&current) {
            years.push(current);
        }
        let context = self.context(council, property, years).await?;
        let command = AccountCommand::ChangeInstalmentPlan(ChangeInstalmentPlan {
            plan,
            notice_date,
            context,
        });
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// An account's current state (as the command side knows it).
    ///
    /// # Errors
    /// [`ServiceError::Account`].
    pub async fn account_state(
        &self,
        council: &CouncilCode,
        account: &AccountId,
    ) -> Result<AccountState, ServiceError> {
        Ok(self.accounts.state(council, account).await?)
    }

    /// The property and billed years of an open account, read in place (no copy of the state).
    async fn open_facts(
        &self,
        council: &CouncilCode,
        account: &AccountId,
    ) -> Result<(Uprn, Vec<FinancialYear>), ServiceError> {
        let facts = self
            .accounts
            .inspect(council, account, |state| {
                state
                    .as_open()
                    .map(|open| (open.property, open.years.keys().copied().collect()))
            })
            .await?;
        facts.ok_or(ServiceError::Account(crate::error::CommandError::Rejected(
            precept_domain::account::AccountError::AccountNotOpen,
        )))
    }
}

/// Request metadata for one step of a fanned-out process: a request id derived from the
/// process's id and the step's key, so a re-run finds each step already done.
pub(crate) fn derived_meta(meta: &RequestMeta, step: &str, key: &str) -> RequestMeta {
    let name = format!("{}\u{1f}{step}\u{1f}{key}", meta.request_id);
    let id = Uuid::new_v5(&Uuid::NAMESPACE_OID, name.as_bytes());
    RequestMeta {
        request_id: RequestId::parse(&format!("{step}-{}", id.simple())).expect("derived request ids are valid"),
        correlation_id: meta.correlation_id,
        causation_id: Some(meta.correlation_id),
        actor: meta.actor.clone(),
        fingerprint: Fingerprint(format!("{}:{step}:{key}", meta.fingerprint.0)),
    }
}
