//! Where money went: allocations to debts, and the events that move paid money between debts
//! and credit: `PaymentAllocated`, `AllocationReleased`, `CreditCarriedForward`.
//!
//! A debt is stored as `"debt": "sundry"`, or `"debt": "year"` with the year alongside.

use chrono::NaiveDate;
use precept_domain::account::{Allocation, AllocationReleased, CreditCarriedForward, Debt, PaymentAllocated};
use precept_domain::{PaymentId, Pence};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::codec::DecodeError;
use crate::codec::json::{Dto, invalid};
use crate::codec::values_v1::{parse_year, year_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum DebtV1 {
    Sundry,
    Year,
}

/// An amount applied to a debt.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AllocationV1 {
    debt: DebtV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    year: Option<String>,
    amount_pence: i64,
}

impl Dto<Allocation> for AllocationV1 {
    fn from_domain(allocation: &Allocation) -> Self {
        let (debt, year) = match allocation.debt {
            Debt::Sundry => (DebtV1::Sundry, None),
            Debt::Year(year) => (DebtV1::Year, Some(year_text(year))),
        };
        AllocationV1 {
            debt,
            year,
            amount_pence: allocation.amount.get(),
        }
    }

    fn into_domain(self) -> Result<Allocation, DecodeError> {
        let debt = match (self.debt, self.year) {
            (DebtV1::Sundry, None) => Debt::Sundry,
            (DebtV1::Year, Some(year)) => Debt::Year(parse_year(&year, "allocation.year")?),
            (DebtV1::Sundry, Some(_)) | (DebtV1::Year, None) => {
                return Err(DecodeError::InvalidField {
                    field: "allocation.year",
                });
            }
        };
        Ok(Allocation {
            debt,
            amount: Pence::new(self.amount_pence),
        })
    }
}

/// Decodes a list of allocations.
pub(crate) fn allocations_into_domain(allocations: Vec<AllocationV1>) -> Result<Vec<Allocation>, DecodeError> {
    allocations.into_iter().map(AllocationV1::into_domain).collect()
}

/// `PaymentAllocated`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PaymentAllocatedV1 {
    payment_id: Uuid,
    appropriated: bool,
    allocations: Vec<AllocationV1>,
    unallocated_pence: i64,
}

impl Dto<PaymentAllocated> for PaymentAllocatedV1 {
    fn from_domain(allocated: &PaymentAllocated) -> Self {
        PaymentAllocatedV1 {
            payment_id: allocated.payment_id.as_uuid(),
            appropriated: allocated.appropriated,
            allocations: allocated.allocations.iter().map(AllocationV1::from_domain).collect(),
            unallocated_pence: allocated.unallocated.get(),
        }
    }

    fn into_domain(self) -> Result<PaymentAllocated, DecodeError> {
        Ok(PaymentAllocated {
            payment_id: PaymentId::from_uuid(self.payment_id).map_err(invalid("payment_id"))?,
            appropriated: self.appropriated,
            allocations: allocations_into_domain(self.allocations)?,
            unallocated: Pence::new(self.unallocated_pence),
        })
    }
}

/// `AllocationReleased`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AllocationReleasedV1 {
    year: String,
    amount_pence: i64,
}

impl Dto<AllocationReleased> for AllocationReleasedV1 {
    fn from_domain(released: &AllocationReleased) -> Self {
        AllocationReleasedV1 {
            year: year_text(released.year),
            amount_pence: released.amount.get(),
        }
    }

    fn into_domain(self) -> Result<AllocationReleased, DecodeError> {
        Ok(AllocationReleased {
            year: parse_year(&self.year, "year")?,
            amount: Pence::new(self.amount_pence),
        })
    }
}

/// `CreditCarriedForward`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CreditCarriedForwardV1 {
    year: String,
    amount_pence: i64,
    on: NaiveDate,
}

impl Dto<CreditCarriedForward> for CreditCarriedForwardV1 {
    fn from_domain(carried: &CreditCarriedForward) -> Self {
        CreditCarriedForwardV1 {
            year: year_text(carried.year),
            amount_pence: carried.amount.get(),
            on: carried.on,
        }
    }

    fn into_domain(self) -> Result<CreditCarriedForward, DecodeError> {
        Ok(CreditCarriedForward {
            year: parse_year(&self.year, "year")?,
            amount: Pence::new(self.amount_pence),
            on: self.on,
        })
    }
}
