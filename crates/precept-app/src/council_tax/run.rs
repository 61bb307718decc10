//! The annual billing run: a first demand notice for every account liable in a year.
//!
//! The run pages through the billing read model's accounts (after letting it catch up with
//! the stream, so every account opened before the run is seen) and issues each account's
//! notice with bounded concurrency. Each account's step has a request id derived from the
//! run's, and the account itself refuses to bill a year twice, so an interrupted run can be
//! run again (with the same id or a new one) and bills nothing twice.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use precept_domain::account::{AccountCommand, AccountError, IssueBill};
use precept_domain::charge::BillingContext;
use precept_domain::council_year::YearHistory;
use precept_domain::{AccountId, CouncilCode, FinancialYear};
use tokio::sync::watch;

use super::{AccountDirectory, CouncilTaxService, RunScope, ServiceError, Stores, derived_meta, paging};
use crate::error::CommandError;
use crate::handler::CommandOutcome;
use crate::meta::RequestMeta;

/// What to run.
#[derive(Debug, Clone)]
pub struct BillingRun {
    /// Council.
    pub council: CouncilCode,
    /// Year billed.
    pub year: FinancialYear,
    /// Issue date printed on every notice.
    pub issue_date: NaiveDate,
    /// The run's request metadata; each account's step derives its own from it.
    pub meta: RequestMeta,
    /// Accounts billed at once.
    pub concurrency: usize,
    /// Accounts read from the directory per page.
    pub page_size: usize,
}

/// Counts so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunProgress {
    /// Accounts looked at.
    pub examined: u64,
    /// Notices issued by this run.
    pub billed: u64,
    /// Accounts already billed for the year, or with no liable day in it.
    pub unchanged: u64,
    /// Accounts that failed; the run carries on.
    pub failed: u64,
    /// The first failures (account id and reason, no personal data), at most 100.
    pub failures: Vec<(AccountId, String)>,
    /// Set on the last report.
    pub finished: bool,
}

impl<S: Stores> CouncilTaxService<S> {
    /// Runs annual billing, publishing progress on `progress` every page's worth of accounts.
    ///
    /// # Errors
    /// [`ServiceError::YearNotSetUp`] before anything is billed; [`ServiceError::Query`] if the
    /// directory fails (what was billed stays billed, and a re-run continues).
    pub async fn run_annual_billing<D: AccountDirectory>(
        &self,
        run: &BillingRun,
        directory: &D,
        progress: &watch::Sender<RunProgress>,
    ) -> Result<RunProgress, ServiceError> {
        let history = self.year_history(&run.council, run.year).await?;
        directory.catch_up(&run.council).await?;
        let size = run.page_size.max(1);
        let mut counts = RunProgress::default();
        let bill = |account| self.bill_one(run, &history, account);
        paging::for_each_account::<_, _, _, ServiceError>(
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

    async fn bill_one(
        &self,
        run: &BillingRun,
        history: &Arc<YearHistory>,
        account: AccountId,
    ) -> (AccountId, Result<CommandOutcome, ServiceError>) {
        let result = async {
            let property = self
                .accounts
                .inspect(&run.council, &account, |state| {
                    state.as_open().map(|open| open.property)
                })
                .await?
                .ok_or(ServiceError::Account(CommandError::Rejected(
                    AccountError::AccountNotOpen,
                )))?;
            let property = self.properties.state(&run.council, &property).await?;
            let context = Arc::new(BillingContext {
                property: Arc::new(property),
                years: BTreeMap::from([(run.year, Arc::clone(history))]),
            });
            let command = AccountCommand::IssueBill(IssueBill {
                year: run.year,
                issue_date: run.issue_date,
                context,
            });
            let meta = derived_meta(&run.meta, "bill", &account.to_string());
            Ok::<_, ServiceError>(self.accounts.execute(&run.council, &account, command, &meta).await?)
        };
        (account, result.await)
    }
}
