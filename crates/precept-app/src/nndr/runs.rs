//! The business rates runs: annual billing and the daily recovery run, over the accounts the
//! directory lists (liable in the year; for recovery, also any still owing). Each account's
//! step has a request id derived from the run's, and an account never bills a year twice or
//! takes a recovery step twice, so an interrupted run can be run again. Progress is reported
//! with the Council Tax runs' types, which mean the same here.

use std::sync::Arc;

use chrono::NaiveDate;
use precept_domain::account::RunRecovery;
use precept_domain::nndr::account::NndrCommand;
use precept_domain::recovery::RecoveryPolicy;
use precept_domain::{AccountId, CouncilCode, FinancialYear};
use tokio::sync::watch;

use super::{NndrService, NndrServiceError, NndrStores, Work};
use crate::council_tax::paging::for_each_account;
use crate::council_tax::{AccountDirectory, RecoveryProgress, RunProgress, RunScope, derived_meta};
use crate::handler::CommandOutcome;
use crate::meta::RequestMeta;

/// A run's parameters.
#[derive(Debug, Clone)]
pub struct NndrRun {
    /// Who asks (the billing authority or its agent).
    pub acting: CouncilCode,
    /// The billing authority.
    pub council: CouncilCode,
    /// The year billed, or for recovery the run date's year.
    pub year: FinancialYear,
    /// Issue date of the notices, or the recovery run date.
    pub date: NaiveDate,
    /// Recovery only: the next hearing the court has given.
    pub hearing: Option<NaiveDate>,
    /// The run's request metadata.
    pub meta: RequestMeta,
    /// Accounts at once.
    pub concurrency: usize,
    /// Accounts per directory page.
    pub page_size: usize,
}

impl<S: NndrStores> NndrService<S> {
    /// What a billing run is refused for before it starts: who is asking, and the year's
    /// settings. Callers streaming progress check this first, so a refusal is an answer, not
    /// a stream error.
    ///
    /// # Errors
    /// [`NndrServiceError::NotPermitted`], [`NndrServiceError::YearNotSetUp`].
    pub async fn check_billing_run(&self, run: &NndrRun) -> Result<(), NndrServiceError> {
        self.authorise(&run.acting, &run.council, Work::Collect, "bill").await?;
        self.year_history(&run.council, run.year).await?;
        Ok(())
    }

    /// The recovery policy a run uses, after the checks it is refused for: who is asking, the
    /// year's settings, and a hearing too soon for a summons (which would silently issue none).
    ///
    /// # Errors
    /// [`NndrServiceError::NotPermitted`], [`NndrServiceError::YearNotSetUp`],
    /// [`NndrServiceError::HearingTooSoon`].
    pub async fn recovery_run_policy(&self, run: &NndrRun) -> Result<Arc<RecoveryPolicy>, NndrServiceError> {
        self.authorise(&run.acting, &run.council, Work::Collect, "recover")
            .await?;
        let settings = self.settings(&run.council, run.date).await?;
        let earliest = settings.recovery.earliest_hearing(run.date);
        if run.hearing.is_some_and(|hearing| hearing < earliest) {
            return Err(NndrServiceError::HearingTooSoon { earliest });
        }
        Ok(Arc::new(settings.recovery.clone()))
    }

    /// Annual billing: the year's first notice for every account liable in it.
    ///
    /// # Errors
    /// [`NndrServiceError`] before anything is billed (permission, settings), or the
    /// directory's failure (what was billed stays billed).
    pub async fn run_billing<D: AccountDirectory>(
        &self,
        run: &NndrRun,
        directory: &D,
        progress: &watch::Sender<RunProgress>,
    ) -> Result<RunProgress, NndrServiceError> {
        self.check_billing_run(run).await?;
        directory.catch_up(&run.council).await?;
        let size = run.page_size.max(1);
        let mut counts = RunProgress::default();
        let bill = |account: AccountId| async move {
            let meta = derived_meta(&run.meta, "nndr-bill", &account.to_string());
            let outcome = self.issue_bill(&run.council, &account, run.year, run.date, &meta).await;
            (account, outcome)
        };
        for_each_account::<_, _, _, NndrServiceError>(
            directory,
            &run.council,
            RunScope::LiableIn(run.year),
            (size, run.concurrency),
            bill,
            |(account, outcome)| {
                counts.record(&run.council, account, outcome);
                if counts.examined % size as u64 == 0 {
                    progress.send_replace(counts.clone());
                }
            },
        )
        .await?;
        counts.finished = true;
        progress.send_replace(counts.clone());
        Ok(counts)
    }

    /// The daily recovery run (REFERENCE §2.10: the Council Tax skeleton, one reminder).
    ///
    /// # Errors
    /// [`NndrServiceError`] before anything runs (permission, settings, a hearing too soon).
    pub async fn run_recovery<D: AccountDirectory>(
        &self,
        run: &NndrRun,
        directory: &D,
        progress: &watch::Sender<RecoveryProgress>,
    ) -> Result<RecoveryProgress, NndrServiceError> {
        let policy = self.recovery_run_policy(run).await?;
        directory.catch_up(&run.council).await?;
        let size = run.page_size.max(1);
        let mut counts = RecoveryProgress::default();
        let recover = |account| self.recover_one(run, &policy, account);
        for_each_account::<_, _, _, NndrServiceError>(
            directory,
            &run.council,
            RunScope::LiableInOrOwing(FinancialYear::containing(run.date)),
            (size, run.concurrency),
            recover,
            |(account, outcome)| {
                counts.record(&run.council, account, outcome);
                if counts.examined % size as u64 == 0 {
                    progress.send_replace(counts.clone());
                }
            },
        )
        .await?;
        counts.finished = true;
        progress.send_replace(counts.clone());
        Ok(counts)
    }

    async fn recover_one(
        &self,
        run: &NndrRun,
        policy: &Arc<RecoveryPolicy>,
        account: AccountId,
    ) -> (AccountId, Result<CommandOutcome, NndrServiceError>) {
        let command = NndrCommand::RunRecovery(RunRecovery {
            date: run.date,
            hearing: run.hearing,
            policy: Arc::clone(policy),
        });
        let meta = derived_meta(&run.meta, "nndr-recover", &account.to_string());
        let outcome = self.accounts.execute(&run.council, &account, command, &meta).await;
        (account, outcome.map_err(NndrServiceError::from))
    }
}
