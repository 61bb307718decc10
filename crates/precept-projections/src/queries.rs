//! [`AccountBalanceQueries`]: the read-side port over the account-balance read model.

use std::time::Duration;

use precept_app::{BalanceQueries, BalanceView, QueryError};
use precept_domain::{AccountId, CouncilCode};

use crate::balances::BalanceRow;
use crate::projector::Progress;
use crate::read_store::ReadStore;

/// Answers balance queries, waiting for the projector when asked to read a recent write.
#[derive(Clone)]
pub struct AccountBalanceQueries {
    store: ReadStore,
    progress: Progress,
    wait_max: Duration,
}

impl AccountBalanceQueries {
    /// Queries on `store`, with `progress` from the projector writing it.
    pub fn new(store: ReadStore, progress: Progress, wait_max: Duration) -> Self {
        AccountBalanceQueries {
            store,
            progress,
            wait_max,
        }
    }
}

fn view(row: BalanceRow) -> BalanceView {
    let unsigned = |value: i64| u64::try_from(value).expect("counts and sequences are written non-negative");
    BalanceView {
        council: row.council,
        account_id: row.account_id,
        uprn: unsigned(row.uprn),
        liability_start: row.liability_start,
        liable_parties: u32::try_from(row.liable_parties).expect("at most 16 liable parties"),
        balance_owed_pence: row.balance_owed_pence,
        payments_count: unsigned(row.payments_count),
        version: unsigned(row.version),
        as_of_sequence: unsigned(row.last_sequence),
    }
}

impl BalanceQueries for AccountBalanceQueries {
    async fn account_balance(
        &self,
        council: &CouncilCode,
        account_id: &AccountId,
        min_sequence: u64,
    ) -> Result<Option<BalanceView>, QueryError> {
        crate::projector::wait_for_sequence(&self.progress, council, min_sequence, self.wait_max).await?;
        let row = self
            .store
            .account_balance(council.as_str(), &account_id.to_string())
            .await
            .map_err(|error| QueryError::Unavailable(error.to_string()))?;
        Ok(row.map(view))
    }
}

/// A page of a run's directory, as the SQL binds it: the year's first and last day, the
/// last account id of the previous page, the page size, and whether accounts still owing
/// from other years are included.
pub(crate) struct DirectoryPage {
    pub first: String,
    pub last: String,
    pub after: String,
    pub limit: i64,
    pub owing: bool,
}

impl DirectoryPage {
    /// The page a run's directory asks for.
    pub(crate) fn new(scope: precept_app::council_tax::RunScope, after: Option<AccountId>, limit: usize) -> Self {
        use precept_app::council_tax::RunScope;
        let (year, owing) = match scope {
            RunScope::LiableIn(year) => (year, false),
            RunScope::LiableInOrOwing(year) => (year, true),
        };
        DirectoryPage {
            first: year.first_day().to_string(),
            last: year.last_day().to_string(),
            after: after.map(|id| id.to_string()).unwrap_or_default(),
            limit: i64::try_from(limit).unwrap_or(i64::MAX),
            owing,
        }
    }
}

/// Account ids read back from a directory page.
pub(crate) fn parse_ids(ids: &[String]) -> Result<Vec<AccountId>, QueryError> {
    ids.iter()
        .map(|id| AccountId::parse(id).map_err(|error| QueryError::Unavailable(error.to_string())))
        .collect()
}
