//! Council Tax Reduction on the account: `ReductionSet` (a CTR claim's award periods) and the
//! reduction on a charge segment. Each names the claim, whose own events name the account.

use chrono::NaiveDate;
use precept_domain::Pence;
use precept_domain::account::ReductionSet;
use precept_domain::charge::{Period, Reduction};
use precept_domain::ids::ClaimId;
use serde::{Deserialize, Serialize};

use crate::codec::DecodeError;
use crate::codec::json::{Dto, invalid};

/// A reduction's level.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReductionV1 {
    claim: String,
    percent_bp: u32,
    weekly_less_pence: i64,
}

impl Dto<Reduction> for ReductionV1 {
    fn from_domain(reduction: &Reduction) -> Self {
        ReductionV1 {
            claim: reduction.claim.to_string(),
            percent_bp: reduction.percent_bp,
            weekly_less_pence: reduction.weekly_less.get(),
        }
    }

    fn into_domain(self) -> Result<Reduction, DecodeError> {
        Ok(Reduction {
            claim: ClaimId::parse(&self.claim).map_err(invalid("claim"))?,
            percent_bp: self.percent_bp,
            weekly_less: Pence::new(self.weekly_less_pence),
        })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct ReductionPeriodV1 {
    from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<NaiveDate>,
    percent_bp: u32,
    weekly_less_pence: i64,
}

/// `ReductionSet`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ReductionSetV1 {
    claim: String,
    periods: Vec<ReductionPeriodV1>,
}

impl Dto<ReductionSet> for ReductionSetV1 {
    fn from_domain(set: &ReductionSet) -> Self {
        ReductionSetV1 {
            claim: set.claim.to_string(),
            periods: set
                .periods
                .iter()
                .map(|period| ReductionPeriodV1 {
                    from: period.from,
                    to: period.to,
                    percent_bp: period.value.percent_bp,
                    weekly_less_pence: period.value.weekly_less.get(),
                })
                .collect(),
        }
    }

    fn into_domain(self) -> Result<ReductionSet, DecodeError> {
        let claim = ClaimId::parse(&self.claim).map_err(invalid("claim"))?;
        Ok(ReductionSet {
            claim,
            periods: self
                .periods
                .into_iter()
                .map(|period| Period {
                    from: period.from,
                    to: period.to,
                    value: Reduction {
                        claim,
                        percent_bp: period.percent_bp,
                        weekly_less: Pence::new(period.weekly_less_pence),
                    },
                })
                .collect(),
        })
    }
}
