//! Walking a year's accounts in the directory for a run: pages are read one ahead, beside the
//! work, so a run never stops at a page boundary for the page's slowest account or for the
//! next query.

use futures::{Stream, StreamExt};
use precept_domain::{AccountId, CouncilCode, FinancialYear};

use super::{AccountDirectory, ServiceError};

/// The accounts liable in `year`, in id order, and the future that reads them; drive both
/// together (`futures::join!`). The reader's error, if any, ends the stream early.
pub(super) fn accounts_liable_in<'a, D: AccountDirectory>(
    directory: &'a D,
    council: &'a CouncilCode,
    year: FinancialYear,
    page_size: usize,
) -> (
    impl Future<Output = Result<(), ServiceError>> + 'a,
    impl Stream<Item = AccountId> + 'a,
) {
    let size = page_size.max(1);
    let (pages_tx, pages_rx) = tokio::sync::mpsc::channel::<Vec<AccountId>>(1);
    let read_pages = async move {
        let mut after = None;
        loop {
            let page = directory.accounts_liable_in(council, year, after, size).await?;
            let last_page = page.len() < size;
            after = page.last().copied();
            if pages_tx.send(page).await.is_err() || last_page {
                return Ok::<_, ServiceError>(());
            }
        }
    };
    let accounts = futures::stream::unfold(pages_rx, |mut pages| async move {
        pages.recv().await.map(|page| (futures::stream::iter(page), pages))
    })
    .flatten();
    (read_pages, accounts)
}
