//! Opening an account and adding liable parties: `AccountOpened`, `LiablePartyAdded`.

use chrono::NaiveDate;
use precept_domain::account::{AccountOpened, LiablePartyAdded};
use precept_domain::{AccountId, PartyId, Pence};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::codec::DecodeError;
use crate::codec::json::{Dto, invalid};
use crate::codec::values_v1::parse_uprn;

/// `AccountOpened`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AccountOpenedV1 {
    account_id: Uuid,
    uprn: u64,
    liability_start: NaiveDate,
    balance_brought_forward_pence: i64,
}

impl Dto<AccountOpened> for AccountOpenedV1 {
    fn from_domain(opened: &AccountOpened) -> Self {
        AccountOpenedV1 {
            account_id: opened.account_id.as_uuid(),
            uprn: opened.property.get(),
            liability_start: opened.liability_start,
            balance_brought_forward_pence: opened.balance_brought_forward_pence.get(),
        }
    }

    fn into_domain(self) -> Result<AccountOpened, DecodeError> {
        Ok(AccountOpened {
            account_id: AccountId::from_uuid(self.account_id).map_err(invalid("account_id"))?,
            property: parse_uprn(self.uprn, "uprn")?,
            liability_start: self.liability_start,
            balance_brought_forward_pence: Pence::new(self.balance_brought_forward_pence),
        })
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
