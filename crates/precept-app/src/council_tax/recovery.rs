//! The daily recovery run, officers' recovery actions and holds (REFERENCE §1.10).
//!
//! The run walks the accounts liable in the run date's financial year, and any other account
//! still owing, and gives each the day's `RunRecovery` command; the account decides, per
//! billed year, whether a step is due.
//! Each account's command has a request id derived from the run's, and a step moves the
//! stage on, so the same date can be run again and issues nothing twice.
//!
//! Not here: the rules (precept-domain's `recovery`), or finding accounts (the directory).

use std::sync::Arc;

use chrono::NaiveDate;
use precept_domain::account::{AccountCommand, HoldLifted, RunRecovery, YearAction};
use precept_domain::council_year::CouncilYearId;
use precept_domain::recovery::{Hold, RecoveryAction, RecoveryPolicy};
use precept_domain::{AccountId, CouncilCode, FinancialYear};
use tokio::sync::watch;

use super::{AccountDirectory, CouncilTaxService, RunScope, ServiceError, Stores, derived_meta, paging};
use crate::handler::CommandOutcome;
use crate::meta::RequestMeta;

/// What to run.
#[derive(Debug, Clone)]
pub struct RecoveryRun {
    /// Council.
    pub council: CouncilCode,
    /// The run date.
    pub date: NaiveDate,
    /// The next hearing the court has given the council; without one, no summons is issued.
    pub hearing: Option<NaiveDate>,
    /// The run's request metadata; each account's step derives its own from it.
    pub meta: RequestMeta,
    /// Accounts examined at once.
    pub concurrency: usize,
    /// Accounts read from the directory per page.
    pub page_size: usize,
}

/// Counts so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryProgress {
    /// Accounts examined.
    pub examined: u64,
    /// Accounts that took at least one step.
    pub stepped: u64,
    /// Steps taken (one per account-year at most).
    pub steps: u64,
    /// Accounts that failed; the run carries on.
    pub failed: u64,
    /// The highest commit sequence the run wrote (0: none): a query given it as its minimum
    /// sequence sees every step the run took.
    pub last_sequence: u64,
    /// The first failures (account id and reason, no personal data), at most 100.
    pub failures: Vec<(AccountId, String)>,
    /// Set on the last report.
    pub finished: bool,
}

impl<S: Stores> CouncilTaxService<S> {
    /// The council's recovery parameters in force on `date` (from the year's settings).
    ///
    /// # Errors
    /// [`ServiceError::YearNotSetUp`].
    pub async fn recovery_policy(
        &self,
        council: &CouncilCode,
        date: NaiveDate,
    ) -> Result<Arc<RecoveryPolicy>, ServiceError> {
        let year = FinancialYear::containing(date);
        // Read in place: the policy is all a run needs from the year's history.
        let policy = self
            .years
            .inspect(council, &CouncilYearId(year), |history| {
                history
                    .on(date)
                    .or_else(|| history.latest())
                    .map(|settings| settings.policy.recovery_policy())
            })
            .await?;
        policy.map(Arc::new).ok_or(ServiceError::YearNotSetUp(year))
    }

    /// The policy a run on `date` uses, after checking its hearing: one too soon would
    /// silently issue no summons (REFERENCE §1.10), so it is refused instead.
    ///
    /// # Errors
    /// [`ServiceError::YearNotSetUp`]; [`ServiceError::HearingTooSoon`].
    pub async fn recovery_run_policy(
        &self,
        council: &CouncilCode,
        date: NaiveDate,
        hearing: Option<NaiveDate>,
    ) -> Result<Arc<RecoveryPolicy>, ServiceError> {
        let policy = self.recovery_policy(council, date).await?;
        let earliest = policy.earliest_hearing(date);
        if hearing.is_some_and(|hearing| hearing < earliest) {
            return Err(ServiceError::HearingTooSoon { earliest });
        }
        Ok(policy)
    }

    /// Runs recovery for a council on a date, publishing progress on `progress` every page.
    ///
    /// # Errors
    /// [`ServiceError::YearNotSetUp`] before anything runs; [`ServiceError::Query`] if the
    /// directory fails (steps taken stay taken, and a re-run continues).
    pub async fn run_recovery<D: AccountDirectory>(
        &self,
        run: &RecoveryRun,
        directory: &D,
        progress: &watch::Sender<RecoveryProgress>,
    ) -> Result<RecoveryProgress, ServiceError> {
        let policy = self.recovery_run_policy(&run.council, run.date, run.hearing).await?;
        directory.catch_up(&run.council).await?;
        let size = run.page_size.max(1);
        let mut counts = RecoveryProgress::default();
        let recover = |account| self.recover_one(run, &policy, account);
        paging::for_each_account::<_, _, _, ServiceError>(
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
        run: &RecoveryRun,
        policy: &Arc<RecoveryPolicy>,
        account: AccountId,
    ) -> (AccountId, Result<CommandOutcome, ServiceError>) {
        let command = AccountCommand::RunRecovery(RunRecovery {
            date: run.date,
            hearing: run.hearing,
            policy: Arc::clone(policy),
        });
        let meta = derived_meta(&run.meta, "recover", &account.to_string());
        let outcome = self.accounts.execute(&run.council, &account, command, &meta).await;
        (account, outcome.map_err(ServiceError::from))
    }

    /// An officer's recovery action on one year of an account.
    ///
    /// # Errors
    /// [`ServiceError`]; a refused action is [`ServiceError::Account`].
    pub async fn recovery_action(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        year: FinancialYear,
        action: RecoveryAction,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        let policy = self.recovery_policy(council, action.date()).await?;
        let command = AccountCommand::Recovery(YearAction { year, action, policy });
        Ok(self.accounts.execute(council, account, command, meta).await?)
    }

    /// Holds recovery on an account.
    ///
    /// # Errors
    /// [`ServiceError`].
    pub async fn place_hold(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        hold: Hold,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        Ok(self
            .accounts
            .execute(council, account, AccountCommand::PlaceHold(hold), meta)
            .await?)
    }

    /// Lifts a hold.
    ///
    /// # Errors
    /// [`ServiceError`].
    pub async fn lift_hold(
        &self,
        council: &CouncilCode,
        account: &AccountId,
        lifted: HoldLifted,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, ServiceError> {
        Ok(self
            .accounts
            .execute(council, account, AccountCommand::LiftHold(lifted), meta)
            .await?)
    }
}
