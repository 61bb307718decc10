//! The facts a business rates charge depends on: `NndrAccountOpened`, `OccupationChanged`,
//! `ReliefsChanged`, `NndrLiabilityEnded`.

use chrono::NaiveDate;
use precept_domain::nndr::ReliefClaims;
use precept_domain::nndr::account::{NndrAccountOpened, OccupationChanged, ReliefsChanged};
use precept_domain::{AccountId, PartyId, Pence};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::codec::DecodeError;
use crate::codec::json::{Dto, invalid};
use crate::codec::values_v1::parse_uprn;

/// `NndrAccountOpened`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct OpenedV1 {
    account_id: Uuid,
    hereditament_uprn: u64,
    ratepayer_id: Uuid,
    liability_start: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    empty_since: Option<NaiveDate>,
}

impl Dto<NndrAccountOpened> for OpenedV1 {
    fn from_domain(opened: &NndrAccountOpened) -> Self {
        OpenedV1 {
            account_id: opened.account_id.as_uuid(),
            hereditament_uprn: opened.hereditament.get(),
            ratepayer_id: opened.ratepayer.as_uuid(),
            liability_start: opened.liability_start,
            empty_since: opened.empty_since,
        }
    }

    fn into_domain(self) -> Result<NndrAccountOpened, DecodeError> {
        Ok(NndrAccountOpened {
            account_id: AccountId::from_uuid(self.account_id).map_err(invalid("account_id"))?,
            hereditament: parse_uprn(self.hereditament_uprn, "hereditament_uprn")?,
            ratepayer: PartyId::from_uuid(self.ratepayer_id).map_err(invalid("ratepayer_id"))?,
            liability_start: self.liability_start,
            empty_since: self.empty_since,
        })
    }
}

/// `OccupationChanged`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct OccupationChangedV1 {
    from: NaiveDate,
    occupied: bool,
}

impl Dto<OccupationChanged> for OccupationChangedV1 {
    fn from_domain(changed: &OccupationChanged) -> Self {
        OccupationChangedV1 {
            from: changed.from,
            occupied: changed.occupied,
        }
    }

    fn into_domain(self) -> Result<OccupationChanged, DecodeError> {
        Ok(OccupationChanged {
            from: self.from,
            occupied: self.occupied,
        })
    }
}

/// `ReliefsChanged`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct ReliefsChangedV1 {
    from: NaiveDate,
    sbrr: bool,
    charity: bool,
    charity_top_up_bp: u32,
    rhl_cap_used_pence: i64,
    empty_exempt: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transitional_base_pence: Option<i64>,
}

impl Dto<ReliefsChanged> for ReliefsChangedV1 {
    fn from_domain(changed: &ReliefsChanged) -> Self {
        ReliefsChangedV1 {
            from: changed.from,
            sbrr: changed.claims.sbrr,
            charity: changed.claims.charity,
            charity_top_up_bp: changed.claims.charity_top_up_bp,
            rhl_cap_used_pence: changed.claims.rhl_cap_used.get(),
            empty_exempt: changed.claims.empty_exempt,
            transitional_base_pence: changed.claims.transitional_base.map(Pence::get),
        }
    }

    fn into_domain(self) -> Result<ReliefsChanged, DecodeError> {
        Ok(ReliefsChanged {
            from: self.from,
            claims: ReliefClaims {
                sbrr: self.sbrr,
                charity: self.charity,
                charity_top_up_bp: self.charity_top_up_bp,
                rhl_cap_used: Pence::new(self.rhl_cap_used_pence),
                empty_exempt: self.empty_exempt,
                transitional_base: self.transitional_base_pence.map(Pence::new),
            },
        })
    }
}

/// `NndrLiabilityEnded`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct LiabilityEndedV1 {
    pub(super) last_day: NaiveDate,
}
