//! The CTR process manager: keeps each Council Tax Reduction claim's awards on its Council
//! Tax account (REFERENCE §3.3), so the bill shows the reduction for the award period.
//!
//! It follows each council's stream through its own durable feed. Whenever a CTR claim is
//! awarded, reassessed, refused or ended, it reads the claim as it now stands and sets the
//! claim's reduction periods on the account named in the claim; the account's event names
//! the claim, so each side links to the other. The two sides are eventually consistent: the
//! claim commits first, the account follows within moments. Every step's request id comes
//! from the claim and the commit that prompted it, and setting the same periods again
//! changes nothing, so redelivery after a crash repeats nothing.
//!
//! Not here: the reduction arithmetic (the charge, precept-domain) or the award (the claim).

use std::sync::Arc;
use std::time::Duration;

use chrono::{Days, NaiveDate};
use precept_domain::CouncilCode;
use precept_domain::account::CircumstanceChange;
use precept_domain::benefits::claim::{ClaimEvent, ClaimKind, ClaimState, Figures};
use precept_domain::charge::{Period, Reduction};
use precept_domain::ids::ClaimId;
use tokio::sync::watch;

use super::{BenefitStores, BenefitsService};
use crate::council_tax::{CouncilTaxService, ServiceError, Stores, derived_meta};
use crate::feed::{CommitFeed, FeedCommit, FeedEvents, FeedSource};
use crate::meta::{Actor, Fingerprint, RequestId, RequestMeta};

/// The feed's name.
pub const CTR_LINK: &str = "ctr-link";

/// A CTR claim's award periods as reductions on its account: each award runs to the day before
/// the next (or the claim's end); awards of 0% reduce nothing and are left out.
pub fn reduction_periods(claim: ClaimId, state: &ClaimState) -> Vec<Period<Reduction>> {
    let refused = state.awards.is_empty();
    if refused {
        return Vec::new();
    }
    let mut periods = Vec::new();
    for (index, award) in state.awards.iter().enumerate() {
        let Figures::Ctr(figures) = &award.figures else {
            continue;
        };
        let next = state.awards.get(index + 1).map(|next| next.from);
        let stop = match (next, state.ended_from) {
            (Some(next), Some(end)) => Some(next.min(end)),
            (next, end) => next.or(end),
        };
        let to = stop.and_then(|day| day.checked_sub_days(Days::new(1)));
        if to.is_some_and(|to| to < award.from) || figures.percent_bp == 0 {
            continue;
        }
        periods.push(Period {
            from: award.from,
            to,
            value: Reduction {
                claim,
                percent_bp: figures.percent_bp,
                weekly_less: figures.weekly_less,
            },
        });
    }
    periods
}

/// The decision date a claim commit carries, if it changes what the account should reduce.
fn decided_on(events: &[ClaimEvent]) -> Option<NaiveDate> {
    events.iter().rev().find_map(|event| match event {
        ClaimEvent::Awarded { on, .. }
        | ClaimEvent::Reassessed { on, .. }
        | ClaimEvent::Refused { on, .. }
        | ClaimEvent::Ended { on, .. } => Some(*on),
        _ => None,
    })
}

fn step_meta(claim: &str, sequence: u64) -> RequestMeta {
    let base = RequestMeta {
        request_id: RequestId::parse(&format!("ctr-link-{claim}")).expect("a claim id makes a valid request id"),
        correlation_id: uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, claim.as_bytes()),
        causation_id: None,
        actor: Actor::parse("ctr-link").expect("a constant, valid actor"),
        fingerprint: Fingerprint(format!("ctr-link:{claim}")),
    };
    derived_meta(&base, "ctr", &sequence.to_string())
}

/// Keeps CTR awards on Council Tax accounts.
pub struct CtrLink<S: Stores + BenefitStores> {
    benefits: Arc<BenefitsService<S>>,
    council_tax: Arc<CouncilTaxService<S>>,
}

impl<S: Stores + BenefitStores> CtrLink<S> {
    /// A link between the two services.
    pub fn new(benefits: Arc<BenefitsService<S>>, council_tax: Arc<CouncilTaxService<S>>) -> Self {
        CtrLink { benefits, council_tax }
    }

    /// Carries one commit's consequences to the account, if it has any.
    ///
    /// # Errors
    /// Infrastructure failures (the caller retries); an account that refuses the reduction
    /// (not open, or another claim's award overlapping) is logged by id and skipped.
    pub async fn handle(&self, commit: &FeedCommit) -> Result<(), ServiceError> {
        let FeedEvents::BenefitClaim(events) = &commit.events else {
            return Ok(());
        };
        if decided_on(events).is_none() {
            return Ok(());
        }
        let Ok(claim) = ClaimId::parse(&commit.aggregate_id) else {
            return Ok(());
        };
        let state = self
            .benefits
            .claim_now(&commit.council, &claim)
            .await
            .map_err(|error| ServiceError::Query(crate::query::QueryError::Unavailable(error.to_string())))?;
        let Some(details) = state.details.as_ref() else {
            return Ok(());
        };
        let (ClaimKind::CouncilTaxReduction, Some(account)) = (details.kind, details.account) else {
            return Ok(());
        };
        let change = CircumstanceChange::SetReduction {
            claim,
            periods: reduction_periods(claim, &state),
        };
        // The revised bill is dated by the claim's latest decision, which a redelivered older
        // commit also sees, so every path to these periods issues the same notice.
        let Some(on) = state.last_decided else {
            return Ok(());
        };
        let meta = step_meta(&commit.aggregate_id, commit.sequence);
        match self
            .council_tax
            .change_circumstances(&commit.council, &account, change, on, &meta)
            .await
        {
            Ok(_) => Ok(()),
            Err(ServiceError::Account(crate::error::CommandError::Rejected(rejection))) => {
                tracing::warn!(council = %commit.council, %claim, %account, %rejection, "CTR award not applied to its account");
                Ok(())
            }
            Err(ServiceError::PropertyNotRegistered(_) | ServiceError::YearNotSetUp(_)) => {
                // Not retried: the claim's next decision (or a re-run of the link) sets it.
                tracing::warn!(
                    council = %commit.council, %claim, %account,
                    "CTR award not applied: the account's property or year is not set up"
                );
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// Follows `council`'s stream until `shutdown` turns true, retrying after failures.
    pub async fn run<F: FeedSource>(
        self: Arc<Self>,
        feeds: Arc<F>,
        council: CouncilCode,
        mut shutdown: watch::Receiver<bool>,
    ) {
        while !*shutdown.borrow() {
            if let Err(error) = self.follow(&*feeds, &council, &shutdown).await {
                tracing::error!(%council, %error, "CTR link failed; resuming its feed");
                let _ = tokio::time::timeout(Duration::from_secs(1), shutdown.changed()).await;
            }
        }
    }

    async fn follow<F: FeedSource>(
        &self,
        feeds: &F,
        council: &CouncilCode,
        shutdown: &watch::Receiver<bool>,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let mut feed = feeds.resume(council, CTR_LINK).await?;
        while !*shutdown.borrow() {
            let batch = feed.next_batch(500, Duration::from_millis(500)).await?;
            let Some(last) = batch.last().map(|commit| commit.sequence) else {
                continue;
            };
            for commit in &batch {
                // A commit is retried where it stands until it succeeds: acknowledging a later
                // one would acknowledge this one too.
                while let Err(error) = self.handle(commit).await {
                    tracing::error!(%council, sequence = commit.sequence, %error, "CTR link step failed; retrying");
                    let mut stop = shutdown.clone();
                    let _ = tokio::time::timeout(Duration::from_secs(1), stop.changed()).await;
                    if *shutdown.borrow() {
                        return Ok(());
                    }
                }
            }
            feed.ack_through(last).await?;
        }
        Ok(())
    }
}
