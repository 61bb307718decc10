//! The Council Tax account aggregate: who is liable at a property, and what they have paid.
//!
//! This is the first vertical slice (opening an account, posting payments). Billing,
//! instalments, discounts and recovery arrive with their own issues and extend these types;
//! the names here already follow REFERENCE.md §1 so they can.
//!
//! Not here: anything about storage or transport. An account is decided on by
//! [`CouncilTaxAccount`]'s `handle` and rebuilt from events by its `apply`.

mod command;
mod error;
mod event;
mod state;

#[cfg(test)]
mod tests;

pub use command::{AccountCommand, OpenAccount, PaymentMethod, PaymentReference, PostPayment};
pub use error::AccountError;
pub use event::{AccountEvent, AccountOpened, LiablePartyAdded, PaymentPosted};
pub use state::{AccountState, OpenAccountState};

use chrono::NaiveDate;
use futures::future::BoxFuture;

use crate::aggregate::{Aggregate, AggregateKind};
use crate::ids::AccountId;

/// The Council Tax account aggregate (a unit type: all data lives in [`AccountState`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct CouncilTaxAccount;

impl Aggregate for CouncilTaxAccount {
    type Id = AccountId;
    type State = AccountState;
    type Event = AccountEvent;
    type Command = AccountCommand;
    type Error = AccountError;

    fn apply(state: AccountState, event: AccountEvent) -> Result<AccountState, AccountError> {
        state.apply(&event)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        id: &'s AccountId,
        state: &'s AccountState,
        command: AccountCommand,
    ) -> BoxFuture<'a, Result<Option<Vec<AccountEvent>>, AccountError>> {
        // Deciding is pure and synchronous; the boxed future is only what the trait asks for.
        Box::pin(futures::future::ready(state.decide(*id, command).map(Some)))
    }
}

impl AggregateKind for CouncilTaxAccount {
    const KIND: &'static str = "ct-account";

    fn effective_date(event: &AccountEvent) -> Option<NaiveDate> {
        match event {
            AccountEvent::AccountOpened(opened) => Some(opened.liability_start),
            AccountEvent::LiablePartyAdded(added) => Some(added.liable_from),
            AccountEvent::PaymentPosted(posted) => Some(posted.received_on),
        }
    }
}
