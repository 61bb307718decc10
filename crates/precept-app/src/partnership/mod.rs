//! The partnership application service: the agreement and the year's cost pools (both in the
//! partnership stream), and the apportionment view that shares each line among the members
//! taking its service, by drivers measured from the read models (REFERENCE §5).
//!
//! Not here: the sharing rules (precept-domain's `partnership`), or how drivers are read (the
//! [`DriverReads`] port).

mod finance;

use std::future::Future;
use std::sync::Arc;

use chrono::NaiveDate;
use precept_domain::council_year::CouncilYearId;
use precept_domain::partnership::agreement::{AgreementError, AgreementId, AgreementState};
use precept_domain::partnership::drivers::DriversUsed;
use precept_domain::partnership::pool::PoolError;
use precept_domain::partnership::{
    Agreement, AgreementCommand, ApportionError, CostPool, DriverEstimate, DriverValues, LineShare, MemberComparison,
    PoolCommand, PoolState, Proposal, apportion, what_if,
};
use precept_domain::{CouncilCode, FinancialYear, Pence};

use crate::error::CommandError;
use crate::handler::{CommandHandler, CommandOutcome, HandlerConfig};
use crate::meta::RequestMeta;
use crate::query::QueryError;
use crate::store::AggregateStore;

pub use finance::{
    BenefitsPerformance, CollectionFacts, CollectionFund, FinanceReads, YearCollection, collection_fund,
    collection_rates, months,
};

/// Measured drivers for the partnership's members.
pub trait DriverReads: Send + Sync + 'static {
    /// Caseload drivers on `on` (live Council Tax accounts, hereditaments, rateable value) and
    /// activity drivers over `from..=to` (notices issued, payments processed, recovery steps),
    /// for each of `members`.
    ///
    /// # Errors
    /// [`QueryError`].
    fn drivers(
        &self,
        members: &[CouncilCode],
        on: NaiveDate,
        period: (NaiveDate, NaiveDate),
    ) -> impl Future<Output = Result<DriverValues, QueryError>> + Send;
}

/// A partnership service failure.
#[derive(Debug, thiserror::Error)]
pub enum PartnershipError {
    /// An agreement command failed.
    #[error(transparent)]
    Agreement(#[from] CommandError<AgreementError>),
    /// A pool command failed.
    #[error(transparent)]
    Pool(#[from] CommandError<PoolError>),
    /// A line could not be shared.
    #[error("line {line:?}: {error}")]
    Apportion {
        /// The line.
        line: String,
        /// Why.
        error: ApportionError,
    },
    /// A read failed.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// Which amounts a view shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amounts {
    /// The budget.
    Budget,
    /// The actuals (lines without one yet are left out).
    Actual,
}

/// A year's apportionment: each line's shares and each member's total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Apportionment {
    /// The drivers used.
    pub drivers: DriverValues,
    /// Lines by name, each with its shares.
    pub lines: Vec<(String, Vec<LineShare>)>,
    /// Each member's total, in code order.
    pub members: Vec<(CouncilCode, Pence)>,
    /// Which drivers each line was shared by (the budget's estimate, or the actual drivers
    /// once a member's share moved beyond the tolerance; REFERENCE §5.3).
    pub used: Vec<(String, DriversUsed)>,
}

/// One member's share of one line, budget against actual: what a recharge statement lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RechargeLine {
    /// The line.
    pub line: String,
    /// The member.
    pub member: CouncilCode,
    /// Its share of the budget.
    pub budget: Pence,
    /// Its share of the actual cost, once recorded.
    pub actual: Option<Pence>,
}

impl RechargeLine {
    /// What the actual adds to (or, negative, takes off) the budgeted charge.
    pub fn difference(&self) -> Option<Pence> {
        self.actual.map(|actual| actual - self.budget)
    }
}

/// What to share.
#[derive(Debug, Clone, Copy)]
pub struct ApportionmentRequest {
    /// The year.
    pub year: FinancialYear,
    /// Budget or actual.
    pub amounts: Amounts,
    /// The day caseloads and membership are measured on.
    pub on: NaiveDate,
    /// The period activity is counted over.
    pub period: (NaiveDate, NaiveDate),
}

/// A store that holds the partnership aggregates.
pub trait PartnershipStores: AggregateStore<Agreement> + AggregateStore<CostPool> {}

impl<T> PartnershipStores for T where T: AggregateStore<Agreement> + AggregateStore<CostPool> {}

/// The partnership service.
pub struct PartnershipService<S: PartnershipStores> {
    agreement: CommandHandler<Agreement, S>,
    pools: CommandHandler<CostPool, S>,
}

impl<S: PartnershipStores> PartnershipService<S> {
    /// A service over `store`.
    pub fn new(store: Arc<S>, config: HandlerConfig) -> Self {
        PartnershipService {
            agreement: CommandHandler::new(Agreement, Arc::clone(&store), config.clone()),
            pools: CommandHandler::new(CostPool, store, config),
        }
    }

    /// Changes the agreement.
    ///
    /// # Errors
    /// [`PartnershipError::Agreement`].
    pub async fn change_agreement(
        &self,
        command: AgreementCommand,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, PartnershipError> {
        Ok(self
            .agreement
            .execute(&CouncilCode::partnership(), &AgreementId, command, meta)
            .await?)
    }

    /// Changes a year's pool.
    ///
    /// # Errors
    /// [`PartnershipError::Pool`].
    pub async fn change_pool(
        &self,
        year: FinancialYear,
        command: PoolCommand,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, PartnershipError> {
        Ok(self
            .pools
            .execute(&CouncilCode::partnership(), &CouncilYearId(year), command, meta)
            .await?)
    }

    /// The agreement as it stands.
    ///
    /// # Errors
    /// [`PartnershipError::Agreement`].
    pub async fn agreement(&self) -> Result<AgreementState, PartnershipError> {
        Ok(self.agreement.state(&CouncilCode::partnership(), &AgreementId).await?)
    }

    /// A year's pool as it stands.
    ///
    /// # Errors
    /// [`PartnershipError::Pool`].
    pub async fn pool(&self, year: FinancialYear) -> Result<PoolState, PartnershipError> {
        Ok(self
            .pools
            .state(&CouncilCode::partnership(), &CouncilYearId(year))
            .await?)
    }

    /// Records the drivers the year's budget shares are estimated on: every member's drivers
    /// measured on `on` (caseloads) and over `period` (activity), as the apportionment measures
    /// them (REFERENCE §5.3).
    ///
    /// # Errors
    /// [`PartnershipError`].
    pub async fn fix_estimate<R: DriverReads>(
        &self,
        year: FinancialYear,
        (on, period): (NaiveDate, (NaiveDate, NaiveDate)),
        reads: &R,
        meta: &RequestMeta,
    ) -> Result<CommandOutcome, PartnershipError> {
        let agreement = self.agreement().await?;
        let members: Vec<CouncilCode> = agreement.members.keys().cloned().collect();
        let drivers = reads.drivers(&members, on, period).await?;
        let estimate = DriverEstimate {
            on,
            values: drivers
                .0
                .into_iter()
                .map(|((driver, member), value)| (driver, member, value))
                .collect(),
        };
        self.change_pool(year, PoolCommand::SetEstimate(estimate), meta).await
    }

    /// Every member's cost before and after `proposal` joins, from the year's lines measured
    /// as [`Self::apportionment`] measures them.
    ///
    /// # Errors
    /// [`PartnershipError`].
    pub async fn what_if<R: DriverReads>(
        &self,
        request: ApportionmentRequest,
        proposal: &Proposal,
        reads: &R,
    ) -> Result<Vec<MemberComparison>, PartnershipError> {
        let agreement = self.agreement().await?;
        let pool = self.pool(request.year).await?;
        let members: Vec<CouncilCode> = agreement.members.keys().cloned().collect();
        let drivers = reads.drivers(&members, request.on, request.period).await?;
        // Measured as the budget apportionment measures them: by the estimate, once fixed.
        let estimate = pool.estimate.as_ref().map(DriverEstimate::driver_values);
        let lines: Vec<_> = pool
            .lines
            .values()
            .map(|line| {
                line.spec
                    .measured_against(
                        &agreement,
                        request.on,
                        (&drivers, estimate.as_ref()),
                        (false, pool.tolerance_bp),
                    )
                    .0
            })
            .collect();
        what_if(&lines, proposal).map_err(|error| PartnershipError::Apportion {
            line: "(what-if)".into(),
            error,
        })
    }

    /// Every member's share of every line, budget against actual (lines without an actual
    /// show none), for recharge statements; members in code order within each line.
    ///
    /// # Errors
    /// [`PartnershipError`].
    pub async fn recharges<R: DriverReads>(
        &self,
        request: ApportionmentRequest,
        reads: &R,
    ) -> Result<Vec<RechargeLine>, PartnershipError> {
        let budget = self
            .apportionment(
                ApportionmentRequest {
                    amounts: Amounts::Budget,
                    ..request
                },
                reads,
            )
            .await?;
        let actual = self
            .apportionment(
                ApportionmentRequest {
                    amounts: Amounts::Actual,
                    ..request
                },
                reads,
            )
            .await?;
        let actual_share = |line: &str, member: &CouncilCode| {
            actual
                .lines
                .iter()
                .find(|(name, _)| name == line)
                .and_then(|(_, shares)| shares.iter().find(|share| &share.member == member))
                .map(|share| share.amount)
        };
        Ok(budget
            .lines
            .iter()
            .flat_map(|(line, shares)| {
                shares.iter().map(|share| RechargeLine {
                    line: line.clone(),
                    member: share.member.clone(),
                    budget: share.amount,
                    actual: actual_share(line, &share.member),
                })
            })
            .collect())
    }

    /// Shares every line of the year's pool among the members taking its service on the
    /// request's day, by drivers read from `reads`.
    ///
    /// # Errors
    /// [`PartnershipError`].
    pub async fn apportionment<R: DriverReads>(
        &self,
        request: ApportionmentRequest,
        reads: &R,
    ) -> Result<Apportionment, PartnershipError> {
        let agreement = self.agreement().await?;
        let pool = self.pool(request.year).await?;
        let members: Vec<CouncilCode> = agreement.members.keys().cloned().collect();
        let drivers = reads.drivers(&members, request.on, request.period).await?;
        let mut lines = Vec::new();
        let mut used = Vec::new();
        let mut totals: std::collections::BTreeMap<CouncilCode, Pence> = std::collections::BTreeMap::new();
        let estimate = pool.estimate.as_ref().map(DriverEstimate::driver_values);
        let outturn = request.amounts == Amounts::Actual;
        for (name, line) in &pool.lines {
            let mut spec = line.spec.clone();
            if outturn {
                let Some(actual) = line.actual else { continue };
                spec.amount = actual;
            }
            let (measured, drivers_used) = spec.measured_against(
                &agreement,
                request.on,
                (&drivers, estimate.as_ref()),
                (outturn, pool.tolerance_bp),
            );
            used.push((name.clone(), drivers_used));
            let shares = apportion(&measured).map_err(|error| PartnershipError::Apportion {
                line: name.clone(),
                error,
            })?;
            for share in &shares {
                let total = totals.entry(share.member.clone()).or_insert(Pence::ZERO);
                *total = *total + share.amount;
            }
            lines.push((name.clone(), shares));
        }
        Ok(Apportionment {
            drivers,
            lines,
            members: totals.into_iter().collect(),
            used,
        })
    }
}
