//! The state of a Council Tax account, folded from its events, and the decisions made on it.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::command::{AccountCommand, OpenAccount, PostPayment};
use super::error::AccountError;
use super::event::{AccountEvent, AccountOpened, LiablePartyAdded, PaymentPosted};
use crate::ids::{AccountId, PartyId, PaymentId, Uprn};
use crate::money::Pence;

/// The most parties one account holds. Joint liability in practice means a couple or a few
/// sharers; the bound keeps one account's state and commits small.
pub const LIABLE_PARTIES_MAX: usize = 16;

/// The largest balance magnitude Precept accepts: £10bn in pence, far above any real account,
/// and far below `i64::MAX`, so sums of many accounts cannot overflow either.
pub const BALANCE_MAGNITUDE_MAX: Pence = Pence::new(1_000_000_000_000);

/// A Council Tax account as its events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AccountState {
    /// No events yet.
    #[default]
    NotOpened,
    /// Opened.
    Open(OpenAccountState),
}

/// An open account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAccountState {
    /// The account.
    pub account_id: AccountId,
    /// The chargeable dwelling.
    pub property: Uprn,
    /// First day of liability.
    pub liability_start: NaiveDate,
    /// Jointly and severally liable parties, in the order they were added.
    pub liable_parties: Vec<PartyId>,
    /// Positive means the taxpayer owes the council; negative is a credit.
    pub balance_owed_pence: Pence,
    /// Every payment posted, so that a payment is never credited twice.
    pub payment_ids: HashSet<PaymentId>,
}

impl AccountState {
    /// Folds one event into the state.
    ///
    /// # Errors
    /// [`AccountError::AccountAlreadyOpen`] or [`AccountError::AccountNotOpen`] when the event
    /// does not fit the history before it: a sign of corrupt history, reported, never ignored.
    pub fn apply(self, event: &AccountEvent) -> Result<AccountState, AccountError> {
        match (self, event) {
            (AccountState::NotOpened, AccountEvent::AccountOpened(opened)) => {
                Ok(AccountState::Open(OpenAccountState {
                    account_id: opened.account_id,
                    property: opened.property,
                    liability_start: opened.liability_start,
                    liable_parties: Vec::new(),
                    balance_owed_pence: opened.balance_brought_forward_pence,
                    payment_ids: HashSet::new(),
                }))
            }
            (AccountState::Open(_), AccountEvent::AccountOpened(_)) => Err(AccountError::AccountAlreadyOpen),
            (AccountState::NotOpened, _) => Err(AccountError::AccountNotOpen),
            (AccountState::Open(mut account), AccountEvent::LiablePartyAdded(added)) => {
                account.liable_parties.push(added.party_id);
                Ok(AccountState::Open(account))
            }
            (AccountState::Open(mut account), AccountEvent::PaymentPosted(posted)) => {
                account.balance_owed_pence = account
                    .balance_owed_pence
                    .checked_sub(posted.amount_pence)
                    .ok_or(AccountError::BalanceOutOfRange)?;
                account.payment_ids.insert(posted.payment_id);
                Ok(AccountState::Open(account))
            }
        }
    }

    /// Decides what a command does to this account.
    ///
    /// # Errors
    /// The [`AccountError`] naming the rule that refuses the command.
    pub fn decide(&self, id: AccountId, command: AccountCommand) -> Result<Vec<AccountEvent>, AccountError> {
        match command {
            AccountCommand::OpenAccount(open) => self.open(id, open),
            AccountCommand::PostPayment(payment) => self.post_payment(payment),
        }
    }

    /// The open account, if it is open.
    pub fn as_open(&self) -> Option<&OpenAccountState> {
        match self {
            AccountState::Open(account) => Some(account),
            AccountState::NotOpened => None,
        }
    }

    fn open(&self, id: AccountId, open: OpenAccount) -> Result<Vec<AccountEvent>, AccountError> {
        if self.as_open().is_some() {
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
        let mut events = Vec::with_capacity(1 + open.liable_parties.len());
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
        Ok(events)
    }

    fn post_payment(&self, payment: PostPayment) -> Result<Vec<AccountEvent>, AccountError> {
        let account = self.as_open().ok_or(AccountError::AccountNotOpen)?;
        if !payment.amount_pence.is_positive() {
            return Err(AccountError::PaymentAmountNotPositive);
        }
        if account.payment_ids.contains(&payment.payment_id) {
            return Err(AccountError::PaymentAlreadyPosted(payment.payment_id));
        }
        let balance_after = account
            .balance_owed_pence
            .checked_sub(payment.amount_pence)
            .filter(|balance| balance.get().abs() <= BALANCE_MAGNITUDE_MAX.get())
            .ok_or(AccountError::BalanceOutOfRange)?;
        debug_assert!(balance_after < account.balance_owed_pence);
        Ok(vec![AccountEvent::PaymentPosted(PaymentPosted {
            payment_id: payment.payment_id,
            amount_pence: payment.amount_pence,
            method: payment.method,
            reference: payment.reference,
            received_on: payment.received_on,
        })])
    }
}
