//! Opening an account and adding liable parties: `AccountOpened` (schema 2, and schema 1
//! upcast to it), `LiablePartyAdded`.
//!
//! `AccountOpened` is the one account event with two schemas. Schema 1 stored the migrated
//! balance as one signed `balance_brought_forward_pence`, positive meaning owed to the council:
//! a sign convention written down only in the domain, invisible to anyone reading the stored
//! event (an auditor through the audit API, another system reading the stream). Schema 2 says
//! which way the money points: `"brought_forward": {"owed_pence": n}` or
//! `{"credit_pence": n}`, always positive, and no `brought_forward` at all when nothing was
//! carried over. A schema-1 payload is read with its own DTO and upcast to the schema-2 DTO
//! ([`AccountOpenedV1::upcast`]), which alone converts to the domain event: the current
//! decoder is the only one that builds domain values.

use std::cmp::Ordering;

use chrono::NaiveDate;
use precept_domain::account::{AccountOpened, LiablePartyAdded};
use precept_domain::{AccountId, PartyId, Pence};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::codec::DecodeError;
use crate::codec::json::{Dto, from_value, invalid};
use crate::codec::values_v1::parse_uprn;

/// `AccountOpened`, schema 1: no longer written, read only to be upcast.
#[derive(Debug, Deserialize)]
pub(crate) struct AccountOpenedV1 {
    account_id: Uuid,
    uprn: u64,
    liability_start: NaiveDate,
    /// Positive means owed to the council, negative a credit.
    balance_brought_forward_pence: i64,
}

impl AccountOpenedV1 {
    /// The same fact in schema 2: a positive balance is money owed, a negative one credit,
    /// zero nothing brought forward.
    pub(crate) fn upcast(self) -> AccountOpenedV2 {
        AccountOpenedV2 {
            account_id: self.account_id,
            uprn: self.uprn,
            liability_start: self.liability_start,
            brought_forward: brought_forward(self.balance_brought_forward_pence),
        }
    }
}

/// Decodes a schema-1 `AccountOpened` payload by upcasting it to schema 2; `what` names the
/// event type in errors.
pub(crate) fn decode_opened_v1(data: &RawValue, what: &'static str) -> Result<AccountOpened, DecodeError> {
    from_value::<AccountOpenedV1>(data, what)?.upcast().into_domain()
}

/// A signed balance (positive owed to the council) as schema 2 stores it; `None` for zero.
fn brought_forward(balance_pence: i64) -> Option<BroughtForwardV2> {
    match balance_pence.cmp(&0) {
        Ordering::Greater => Some(BroughtForwardV2::OwedPence(balance_pence.unsigned_abs())),
        Ordering::Less => Some(BroughtForwardV2::CreditPence(balance_pence.unsigned_abs())),
        Ordering::Equal => None,
    }
}

/// A balance carried over from a previous system, with its direction in its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BroughtForwardV2 {
    /// Owed to the council.
    OwedPence(u64),
    /// Owed to the taxpayer: credit on the account.
    CreditPence(u64),
}

/// `AccountOpened`, schema 2.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AccountOpenedV2 {
    account_id: Uuid,
    uprn: u64,
    liability_start: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    brought_forward: Option<BroughtForwardV2>,
}

impl Dto<AccountOpened> for AccountOpenedV2 {
    fn from_domain(opened: &AccountOpened) -> Self {
        AccountOpenedV2 {
            account_id: opened.account_id.as_uuid(),
            uprn: opened.property.get(),
            liability_start: opened.liability_start,
            brought_forward: brought_forward(opened.balance_brought_forward_pence.get()),
        }
    }

    fn into_domain(self) -> Result<AccountOpened, DecodeError> {
        let balance = match self.brought_forward {
            None => 0,
            Some(BroughtForwardV2::OwedPence(pence)) => signed(pence)?,
            Some(BroughtForwardV2::CreditPence(pence)) => -signed(pence)?,
        };
        Ok(AccountOpened {
            account_id: AccountId::from_uuid(self.account_id).map_err(invalid("account_id"))?,
            property: parse_uprn(self.uprn, "uprn")?,
            liability_start: self.liability_start,
            balance_brought_forward_pence: Pence::new(balance),
        })
    }
}

/// A stored amount as signed pence; zero is refused because schema 2 omits a zero balance
/// (one fact, one spelling).
fn signed(pence: u64) -> Result<i64, DecodeError> {
    match i64::try_from(pence) {
        Ok(pence) if pence > 0 => Ok(pence),
        _ => Err(DecodeError::InvalidField {
            field: "brought_forward",
        }),
    }
}

/// `LiablePartyAdded`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LiablePartyAddedV1 {
    party_id: Uuid,
    liable_from: NaiveDate,
}

impl Dto<LiablePartyAdded> for LiablePartyAddedV1 {
    fn from_domain(added: &LiablePartyAdded) -> Self {
        LiablePartyAddedV1 {
            party_id: added.party_id.as_uuid(),
            liable_from: added.liable_from,
        }
    }

    fn into_domain(self) -> Result<LiablePartyAdded, DecodeError> {
        Ok(LiablePartyAdded {
            party_id: PartyId::from_uuid(self.party_id).map_err(invalid("party_id"))?,
            liable_from: self.liable_from,
        })
    }
}
