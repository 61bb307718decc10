//! Facts about a Council Tax account, in the past tense.
//!
//! These are domain types, not the stored format: precept-eventstore owns the versioned
//! encodings and converts by hand, so renaming a field here never rewrites history.

use chrono::NaiveDate;

use super::command::{PaymentMethod, PaymentReference};
use crate::ids::{AccountId, PartyId, PaymentId, Uprn};
use crate::money::Pence;

/// Something that happened to a Council Tax account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountEvent {
    /// The account was opened for a liability at a property.
    AccountOpened(AccountOpened),
    /// A party became jointly and severally liable on the account (REFERENCE §1.5).
    LiablePartyAdded(LiablePartyAdded),
    /// A payment was received and credited to the account.
    PaymentPosted(PaymentPosted),
}

/// The account was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountOpened {
    /// The account.
    pub account_id: AccountId,
    /// The chargeable dwelling.
    pub property: Uprn,
    /// First day of liability (REFERENCE §1.1: a new occupier is liable from the move-in day).
    pub liability_start: NaiveDate,
    /// Balance carried over from a previous system at migration; positive means owed to the council.
    pub balance_brought_forward_pence: Pence,
}

/// A liable party was added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiablePartyAdded {
    /// The party, by id only.
    pub party_id: PartyId,
    /// The first day the party is liable.
    pub liable_from: NaiveDate,
}

/// A payment was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPosted {
    /// The payment's own id, unique on the account.
    pub payment_id: PaymentId,
    /// Always positive: reversals are events of their own.
    pub amount_pence: Pence,
    /// How the money came in.
    pub method: PaymentMethod,
    /// The payer's or channel's reference, as printed on the statement.
    pub reference: PaymentReference,
    /// The business date the money was received.
    pub received_on: NaiveDate,
}
