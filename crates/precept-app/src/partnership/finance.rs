//! The finance views over a council's collection (REFERENCE §1.12, §5.4): the collection
//! fund split of a year's receipts, and the in-year collection rate month by month against
//! the year before, with the benefits performance figures beside them.
//!
//! Not here: how the figures are read (the [`FinanceReads`] port) or the splitting rule
//! (precept-domain's `split_receipts`, the one remainder rule).

use std::future::Future;

use chrono::NaiveDate;
use precept_domain::partnership::{RetentionShares, split_receipts};
use precept_domain::{CouncilCode, FinancialYear, Pence};

use crate::query::QueryError;

/// A year's collection for one service, as the read model holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct YearCollection {
    /// Collected in respect of the year, by calendar month (`YYYY-MM`), in month order.
    pub by_month: Vec<(String, Pence)>,
    /// The year's net collectable debit.
    pub net_debit: Pence,
}

impl YearCollection {
    /// Everything collected in respect of the year so far.
    pub fn collected(&self) -> Pence {
        self.by_month.iter().map(|(_, pence)| *pence).sum()
    }

    /// Collected by the end of each month of `year` (April first), cumulative.
    pub fn cumulative(&self, year: FinancialYear) -> Vec<Pence> {
        let mut total = Pence::ZERO;
        months(year)
            .into_iter()
            .map(|month| {
                let through = self
                    .by_month
                    .iter()
                    .filter(|(m, _)| m.as_str() <= month.as_str())
                    .map(|(_, pence)| *pence)
                    .sum::<Pence>();
                total = through;
                total
            })
            .collect()
    }
}

/// The twelve months of a financial year as `YYYY-MM`, April first.
pub fn months(year: FinancialYear) -> Vec<String> {
    let start = year.start_year();
    (0..12)
        .map(|n| {
            let (y, m) = if n < 9 { (start, n + 4) } else { (start + 1, n - 8) };
            format!("{y:04}-{m:02}")
        })
        .collect()
}

/// What the finance views need about one council and year.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CollectionFacts {
    /// Council Tax.
    pub council_tax: YearCollection,
    /// Business rates.
    pub business_rates: YearCollection,
    /// Council Tax billed for the year per preceptor: (code, kind, pence).
    pub precepts: Vec<(String, String, Pence)>,
}

/// Benefits performance over a period (REFERENCE §3.4, §4).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BenefitsPerformance {
    /// New claims decided, and their days summed.
    pub new_claims: (u64, u64),
    /// Changes decided, and their days summed.
    pub changes: (u64, u64),
    /// UC records automated and sent to officers.
    pub uc_records: (u64, u64),
    /// Live claims now.
    pub live_claims: u64,
}

/// Reads finance figures.
pub trait FinanceReads: Send + Sync + 'static {
    /// A council's collection facts for a year (after its stream has been folded up to now).
    ///
    /// # Errors
    /// [`QueryError`].
    fn collection(
        &self,
        council: &CouncilCode,
        year: FinancialYear,
    ) -> impl Future<Output = Result<CollectionFacts, QueryError>> + Send;

    /// A council's benefits performance for decisions and files dated in `period`.
    ///
    /// # Errors
    /// [`QueryError`].
    fn benefits(
        &self,
        council: &CouncilCode,
        period: (NaiveDate, NaiveDate),
    ) -> impl Future<Output = Result<BenefitsPerformance, QueryError>> + Send;
}

/// A year's receipts split between the bodies they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionFund {
    /// Council Tax collected in respect of the year.
    pub council_tax: Pence,
    /// Split pro rata to each preceptor's billed precept: (code, kind, pence).
    pub preceptors: Vec<(String, String, Pence)>,
    /// Business rates collected in respect of the year.
    pub business_rates: Pence,
    /// Split by the retention shares: (body, pence).
    pub retention: Vec<(String, Pence)>,
}

/// The collection fund split (REFERENCE §5.4): Council Tax receipts pro rata to the precepts
/// billed for the year, business rates receipts by the retention shares; each to the penny
/// with the one remainder rule.
pub fn collection_fund(facts: &CollectionFacts, retention: &RetentionShares) -> CollectionFund {
    let council_tax = facts.council_tax.collected();
    let weights: Vec<(String, i64)> = facts
        .precepts
        .iter()
        .map(|(code, _, pence)| (code.clone(), pence.get()))
        .collect();
    let preceptors = split_receipts(council_tax, &weights)
        .into_iter()
        .zip(&facts.precepts)
        .map(|((_, amount), (code, kind, _))| (code.clone(), kind.clone(), amount))
        .collect();
    let business_rates = facts.business_rates.collected();
    let weights: Vec<(String, i64)> = retention
        .0
        .iter()
        .map(|(body, bp)| (body.clone(), i64::from(*bp)))
        .collect();
    let retention = split_receipts(business_rates, &weights)
        .into_iter()
        .map(|(body, amount)| (body.to_owned(), amount))
        .collect();
    CollectionFund {
        council_tax,
        preceptors,
        business_rates,
        retention,
    }
}

/// The in-year collection rate at the end of each month, basis points of the net collectable
/// debit (REFERENCE §1.12), April first; zero where there is no debit.
pub fn collection_rates(collection: &YearCollection, year: FinancialYear) -> Vec<u32> {
    let debit = i128::from(collection.net_debit.get());
    collection
        .cumulative(year)
        .into_iter()
        .map(|collected| {
            (i128::from(collected.get()) * 10_000)
                .checked_div(debit)
                .and_then(|bp| u32::try_from(bp.max(0)).ok())
                .unwrap_or(0)
        })
        .collect()
}
