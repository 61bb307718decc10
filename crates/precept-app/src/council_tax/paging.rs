//! Walking a year's accounts in the directory for a run (billing, recovery): pages are read one
//! ahead, beside the work, so a run never stops at a page boundary for the page's slowest
//! account or for the next query.

use futures::{Stream, StreamExt};
use std::fmt::Display;

use precept_domain::{AccountId, CouncilCode};

use super::{AccountDirectory, RecoveryProgress, RunProgress, RunScope};
use crate::handler::CommandOutcome;
use crate::query::QueryError;

/// Failures a run's progress lists (the count covers them all).
const FAILURES_KEPT: usize = 100;

/// Runs `step` on every account in `scope`, `concurrency` at once, handing each result to
/// `seen` as it finishes. A directory failure ends the walk; the steps taken so far stand.
///
/// # Errors
/// The directory's.
pub(crate) async fn for_each_account<D, T, Fut, E>(
    directory: &D,
    council: &CouncilCode,
    scope: RunScope,
    (page_size, concurrency): (usize, usize),
    step: impl FnMut(AccountId) -> Fut,
    mut seen: impl FnMut(T),
) -> Result<(), E>
where
    D: AccountDirectory,
    Fut: Future<Output = T>,
    E: From<QueryError>,
{
    let (read_pages, accounts) = accounts_in(directory, council, scope, page_size);
    let work = async {
        let mut results = std::pin::pin!(accounts.map(step).buffer_unordered(concurrency.max(1)));
        while let Some(result) = results.next().await {
            seen(result);
        }
    };
    let (read, ()) = futures::join!(read_pages, work);
    read
}

/// Keeps a failed account (id and reason, no personal data) for the progress report, and
/// logs it.
fn keep_failure(failures: &mut Vec<(AccountId, String)>, council: &CouncilCode, account: AccountId, reason: String) {
    tracing::warn!(%council, %account, %reason, "account step failed; the run carries on");
    if failures.len() < FAILURES_KEPT {
        failures.push((account, reason));
    }
}

impl RunProgress {
    /// Counts one account's billing step.
    pub(crate) fn record<E: Display>(
        &mut self,
        council: &CouncilCode,
        account: AccountId,
        outcome: Result<CommandOutcome, E>,
    ) {
        self.examined += 1;
        match outcome {
            Ok(outcome) if !outcome.replayed && outcome.commit.event_count > 0 => self.billed += 1,
            Ok(_) => self.unchanged += 1,
            Err(error) => {
                self.failed += 1;
                keep_failure(&mut self.failures, council, account, error.to_string());
            }
        }
    }
}

impl RecoveryProgress {
    /// Counts one account's recovery step. A replayed step counts for the sequence only: a
    /// caller re-issuing the run should still be able to wait for the commit it made first.
    pub(crate) fn record<E: Display>(
        &mut self,
        council: &CouncilCode,
        account: AccountId,
        outcome: Result<CommandOutcome, E>,
    ) {
        self.examined += 1;
        match outcome {
            Ok(outcome) if outcome.commit.event_count > 0 => {
                self.last_sequence = self.last_sequence.max(outcome.commit.sequence);
                if !outcome.replayed {
                    self.stepped += 1;
                    self.steps += u64::from(outcome.commit.event_count);
                }
            }
            Ok(_) => {}
            Err(error) => {
                self.failed += 1;
                keep_failure(&mut self.failures, council, account, error.to_string());
            }
        }
    }
}

/// The accounts in `scope`, in id order, and the future that reads them; drive both
/// together (`futures::join!`). The reader's error, if any, ends the stream early.
fn accounts_in<'a, D: AccountDirectory, E: From<QueryError> + 'a>(
    directory: &'a D,
    council: &'a CouncilCode,
    scope: RunScope,
    page_size: usize,
) -> (
    impl Future<Output = Result<(), E>> + 'a,
    impl Stream<Item = AccountId> + 'a,
) {
    let size = page_size.max(1);
    let (pages_tx, pages_rx) = tokio::sync::mpsc::channel::<Vec<AccountId>>(1);
    let read_pages = async move {
        let mut after = None;
        loop {
            let page = directory.accounts_in(council, scope, after, size).await?;
            let last_page = page.len() < size;
            after = page.last().copied();
            if pages_tx.send(page).await.is_err() || last_page {
                return Ok::<_, E>(());
            }
        }
    };
    let accounts = futures::stream::unfold(pages_rx, |mut pages| async move {
        pages.recv().await.map(|page| (futures::stream::iter(page), pages))
    })
    .flatten();
    (read_pages, accounts)
}
