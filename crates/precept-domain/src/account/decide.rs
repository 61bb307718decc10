//! Decisions on opening an account (money decisions are the shared [`crate::ledger`]'s).

use std::collections::HashSet;

use super::command::OpenAccount;
use super::error::AccountError;
use super::event::{AccountEvent, AccountOpened, LiablePartyAdded};
use super::state::{AccountState, BALANCE_MAGNITUDE_MAX, LIABLE_PARTIES_MAX};
use crate::ids::AccountId;
use crate::instalments::InstalmentPlan;

pub(super) fn open(state: &AccountState, id: AccountId, open: OpenAccount) -> Result<Vec<AccountEvent>, AccountError> {
    if state.as_open().is_some() {
        return Err(AccountError::AccountAlreadyOpen);
    }
    if open.liable_parties.is_empty() {
        return Err(AccountError::NoLiableParty);
    }
    if open.liable_parties.len() > LIABLE_PARTIES_MAX {
        return Err(AccountError::TooManyLiableParties {
            max: LIABLE_PARTIES_MAX,
        });
    }
    let mut seen = HashSet::with_capacity(open.liable_parties.len());
    if let Some(duplicate) = open.liable_parties.iter().find(|party| !seen.insert(**party)) {
        return Err(AccountError::DuplicateLiableParty(*duplicate));
    }
    if open.balance_brought_forward_pence.get().abs() > BALANCE_MAGNITUDE_MAX.get() {
        return Err(AccountError::BalanceOutOfRange);
    }
    // One event for the account and one per party: a single command, committed all or
    // nothing by the event store, so an account is never seen without its liable parties.
    let mut events = Vec::with_capacity(2 + open.liable_parties.len());
    events.push(AccountEvent::AccountOpened(AccountOpened {
        account_id: id,
        property: open.property,
        liability_start: open.liability_start,
        balance_brought_forward_pence: open.balance_brought_forward_pence,
    }));
    events.extend(open.liable_parties.into_iter().map(|party_id| {
        AccountEvent::LiablePartyAdded(LiablePartyAdded {
            party_id,
            liable_from: open.liability_start,
        })
    }));
    if open.instalment_plan != InstalmentPlan::default() {
        events.push(AccountEvent::InstalmentPlanChosen(open.instalment_plan));
    }
    Ok(events)
}
