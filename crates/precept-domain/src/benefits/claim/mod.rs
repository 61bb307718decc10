//! The benefit claim aggregate (`benefit-claim`, id = claim UUID): a Housing Benefit or
//! Council Tax Reduction claim from receipt through evidence, decision, changes, suspension
//! and end (REFERENCE §3), with its Housing Benefit payments, overpayments and their recovery
//! (§3.5), fraud referrals (§3.6), and the UC notifications applied to it (§4).
//!
//! Not here: the calculations themselves (`hb`, `ctr`, `overpayment`), reducing the Council
//! Tax account (the application layer's process manager does that from this claim's events,
//! each side naming the other), or finding a claim by NINO (the adapter hashes NINOs).

mod command;
mod decide;
mod event;
mod state;
mod types;
mod uc;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use futures::future::BoxFuture;

pub use command::ClaimCommand;
pub use event::ClaimEvent;
pub use state::{ClaimState, ClaimStatus};
pub use types::{
    AwardPeriod, ChangeSource, Circumstances, ClaimDetails, ClaimKind, Figures, FraudBody, NinoHash, Overpayment,
    RecoveryMethod, UcFacts, UcOutcome, WorkReason,
};

use crate::aggregate::{Aggregate, AggregateKind};
use crate::ids::ClaimId;

/// Why a claim command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    /// The claim already exists.
    #[error("the claim has already been received")]
    AlreadyReceived,
    /// No such claim.
    #[error("no claim has been received under this id")]
    NotReceived,
    /// The claim is not in a state that allows this.
    #[error("the claim is {0}")]
    WrongStatus(&'static str),
    /// A bad value, by field.
    #[error("{0} is not valid here")]
    Field(&'static str),
    /// Circumstances for the other benefit.
    #[error("circumstances do not match the claim's benefit")]
    WrongCircumstances,
    /// No such overpayment.
    #[error("no overpayment number {0}")]
    NoOverpayment(u32),
    /// Only Housing Benefit is paid.
    #[error("only Housing Benefit claims are paid")]
    NotHousingBenefit,
    /// Payments must follow on from the last one.
    #[error("from must be {0}, the day after the last paid")]
    PaymentOutOfOrder(NaiveDate),
    /// Nothing left to recover or write off.
    #[error("overpayment {0} has nothing outstanding")]
    NothingOutstanding(u32),
    /// No such open work item.
    #[error("no open work item {0:?}")]
    NoWorkItem(String),
}

/// The claim aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct BenefitClaim;

impl Aggregate for BenefitClaim {
    type Id = ClaimId;
    type State = ClaimState;
    type Event = ClaimEvent;
    type Command = ClaimCommand;
    type Error = ClaimError;

    fn apply(state: ClaimState, event: ClaimEvent) -> Result<ClaimState, ClaimError> {
        state::apply(state, event)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        _id: &'s ClaimId,
        state: &'s ClaimState,
        command: ClaimCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<ClaimEvent>>, ClaimError>> {
        Box::pin(futures::future::ready(decide::decide(state, command).map(Some)))
    }
}

impl AggregateKind for BenefitClaim {
    const KIND: &'static str = "benefit-claim";

    fn effective_date(event: &ClaimEvent) -> Option<NaiveDate> {
        event.effective_date()
    }
}
