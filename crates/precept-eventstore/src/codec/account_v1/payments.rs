//! Money in and out: `PaymentPosted`, `PaymentReversed`, `CreditRefunded`.

use chrono::NaiveDate;
use precept_domain::account::{
    CreditRefunded, PaymentMethod, PaymentPosted, PaymentReference, PaymentReversed, ReversalReason,
};
use precept_domain::{PaymentId, Pence};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::allocation::{AllocationV1, allocations_into_domain};
use crate::codec::DecodeError;
use crate::codec::json::{Dto, invalid};

/// `PaymentPosted`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PaymentPostedV1 {
    payment_id: Uuid,
    amount_pence: i64,
    method: MethodV1,
    reference: String,
    received_on: NaiveDate,
}

impl Dto<PaymentPosted> for PaymentPostedV1 {
    fn from_domain(posted: &PaymentPosted) -> Self {
        PaymentPostedV1 {
            payment_id: posted.payment_id.as_uuid(),
            amount_pence: posted.amount_pence.get(),
            method: posted.method.into(),
            reference: posted.reference.as_str().to_owned(),
            received_on: posted.received_on,
        }
    }

    fn into_domain(self) -> Result<PaymentPosted, DecodeError> {
        Ok(PaymentPosted {
            payment_id: PaymentId::from_uuid(self.payment_id).map_err(invalid("payment_id"))?,
            amount_pence: Pence::new(self.amount_pence),
            method: self.method.into(),
            reference: PaymentReference::parse(&self.reference).map_err(invalid("reference"))?,
            received_on: self.received_on,
        })
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum MethodV1 {
    DirectDebit,
    Card,
    BankTransfer,
    PayPoint,
    Cheque,
    Cash,
}

impl From<PaymentMethod> for MethodV1 {
    fn from(method: PaymentMethod) -> Self {
        match method {
            PaymentMethod::DirectDebit => MethodV1::DirectDebit,
            PaymentMethod::Card => MethodV1::Card,
            PaymentMethod::BankTransfer => MethodV1::BankTransfer,
            PaymentMethod::PayPoint => MethodV1::PayPoint,
            PaymentMethod::Cheque => MethodV1::Cheque,
            PaymentMethod::Cash => MethodV1::Cash,
        }
    }
}

impl From<MethodV1> for PaymentMethod {
    fn from(method: MethodV1) -> Self {
        match method {
            MethodV1::DirectDebit => PaymentMethod::DirectDebit,
            MethodV1::Card => PaymentMethod::Card,
            MethodV1::BankTransfer => PaymentMethod::BankTransfer,
            MethodV1::PayPoint => PaymentMethod::PayPoint,
            MethodV1::Cheque => PaymentMethod::Cheque,
            MethodV1::Cash => PaymentMethod::Cash,
        }
    }
}

/// `PaymentReversed`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PaymentReversedV1 {
    payment_id: Uuid,
    amount_pence: i64,
    reason: ReasonV1,
    reversed_on: NaiveDate,
    from_credit_pence: i64,
    deallocations: Vec<AllocationV1>,
    sundry_debit_pence: i64,
}

impl Dto<PaymentReversed> for PaymentReversedV1 {
    fn from_domain(reversed: &PaymentReversed) -> Self {
        PaymentReversedV1 {
            payment_id: reversed.payment_id.as_uuid(),
            amount_pence: reversed.amount.get(),
            reason: reversed.reason.into(),
            reversed_on: reversed.reversed_on,
            from_credit_pence: reversed.from_credit.get(),
            deallocations: reversed.deallocations.iter().map(AllocationV1::from_domain).collect(),
            sundry_debit_pence: reversed.sundry_debit.get(),
        }
    }

    fn into_domain(self) -> Result<PaymentReversed, DecodeError> {
        Ok(PaymentReversed {
            payment_id: PaymentId::from_uuid(self.payment_id).map_err(invalid("payment_id"))?,
            amount: Pence::new(self.amount_pence),
            reason: self.reason.into(),
            reversed_on: self.reversed_on,
            from_credit: Pence::new(self.from_credit_pence),
            deallocations: allocations_into_domain(self.deallocations)?,
            sundry_debit: Pence::new(self.sundry_debit_pence),
        })
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum ReasonV1 {
    DirectDebitReturned,
    ChequeReturned,
    Misposted,
}

impl From<ReversalReason> for ReasonV1 {
    fn from(reason: ReversalReason) -> Self {
        match reason {
            ReversalReason::DirectDebitReturned => ReasonV1::DirectDebitReturned,
            ReversalReason::ChequeReturned => ReasonV1::ChequeReturned,
            ReversalReason::Misposted => ReasonV1::Misposted,
        }
    }
}

impl From<ReasonV1> for ReversalReason {
    fn from(reason: ReasonV1) -> Self {
        match reason {
            ReasonV1::DirectDebitReturned => ReversalReason::DirectDebitReturned,
            ReasonV1::ChequeReturned => ReversalReason::ChequeReturned,
            ReasonV1::Misposted => ReversalReason::Misposted,
        }
    }
}

/// `CreditRefunded`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct CreditRefundedV1 {
    refund_id: Uuid,
    amount_pence: i64,
    refunded_on: NaiveDate,
}

impl Dto<CreditRefunded> for CreditRefundedV1 {
    fn from_domain(refund: &CreditRefunded) -> Self {
        CreditRefundedV1 {
            refund_id: refund.refund_id.as_uuid(),
            amount_pence: refund.amount.get(),
            refunded_on: refund.refunded_on,
        }
    }

    fn into_domain(self) -> Result<CreditRefunded, DecodeError> {
        Ok(CreditRefunded {
            refund_id: PaymentId::from_uuid(self.refund_id).map_err(invalid("refund_id"))?,
            amount: Pence::new(self.amount_pence),
            refunded_on: self.refunded_on,
        })
    }
}
