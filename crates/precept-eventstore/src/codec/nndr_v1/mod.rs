//! Stored encodings of business rates aggregates, schema version 1: the account
//! (`nndr-account`, this file), the hereditament, the year's settings and agencies. Money
//! events on an account are stored exactly as on a Council Tax account (the same DTOs and
//! type names), because they are the same facts.

mod agency;
mod bill;
mod facts;
mod hereditament;
mod settings;

#[cfg(test)]
mod tests;

use precept_app::{RequestLog, StreamPosition};
use precept_domain::AccountId;
use precept_domain::AggregateKind;
use precept_domain::nndr::account::{NndrAccount, NndrAccountState, NndrEvent};

use self::bill::NndrBillIssuedV1;
use self::facts::{LiabilityEndedV1, OccupationChangedV1, OpenedV1, ReliefsChangedV1};
use super::account_v1::allocation::{AllocationReleasedV1, CreditCarriedForwardV1, PaymentAllocatedV1};
use super::account_v1::billing::InstalmentPlanV1;
use super::account_v1::payments::{CreditRefundedV1, PaymentPostedV1, PaymentReversedV1};
use super::account_v1::recovery::{HoldLiftedV1, HoldPlacedV1, RecoveryStepV1};
use super::json::{decode_dto, encode_dto, from_value, invalid, to_value};
use super::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const OPENED: &str = "NndrAccountOpened";
const OCCUPATION: &str = "OccupationChanged";
const RELIEFS: &str = "ReliefsChanged";
const LIABILITY_ENDED: &str = "NndrLiabilityEnded";
const PLAN_CHOSEN: &str = "InstalmentPlanChosen";
const BILL_ISSUED: &str = "NndrBillIssued";
const ALLOCATION_RELEASED: &str = "AllocationReleased";
const PAYMENT_POSTED: &str = "PaymentPosted";
const PAYMENT_ALLOCATED: &str = "PaymentAllocated";
const PAYMENT_REVERSED: &str = "PaymentReversed";
const CREDIT_REFUNDED: &str = "CreditRefunded";
const CREDIT_CARRIED_FORWARD: &str = "CreditCarriedForward";
const RECOVERY_STEP: &str = "RecoveryStepRecorded";
const HOLD_PLACED: &str = "RecoveryHoldPlaced";
const HOLD_LIFTED: &str = "RecoveryHoldLifted";

impl StoredAggregate for NndrAccount {
    fn encode_event(event: &NndrEvent) -> EncodedEvent {
        let (event_type, data) = match event {
            NndrEvent::Opened(e) => (OPENED, encode_dto::<_, OpenedV1>(e)),
            NndrEvent::OccupationChanged(e) => (OCCUPATION, encode_dto::<_, OccupationChangedV1>(e)),
            NndrEvent::ReliefsChanged(e) => (RELIEFS, encode_dto::<_, ReliefsChangedV1>(e)),
            NndrEvent::LiabilityEnded { last_day } => {
                (LIABILITY_ENDED, to_value(&LiabilityEndedV1 { last_day: *last_day }))
            }
            NndrEvent::InstalmentPlanChosen(e) => (PLAN_CHOSEN, encode_dto::<_, InstalmentPlanV1>(e)),
            NndrEvent::BillIssued(e) => (BILL_ISSUED, encode_dto::<_, NndrBillIssuedV1>(e)),
            NndrEvent::AllocationReleased(e) => (ALLOCATION_RELEASED, encode_dto::<_, AllocationReleasedV1>(e)),
            NndrEvent::PaymentPosted(e) => (PAYMENT_POSTED, encode_dto::<_, PaymentPostedV1>(e)),
            NndrEvent::PaymentAllocated(e) => (PAYMENT_ALLOCATED, encode_dto::<_, PaymentAllocatedV1>(e)),
            NndrEvent::PaymentReversed(e) => (PAYMENT_REVERSED, encode_dto::<_, PaymentReversedV1>(e)),
            NndrEvent::CreditRefunded(e) => (CREDIT_REFUNDED, encode_dto::<_, CreditRefundedV1>(e)),
            NndrEvent::CreditCarriedForward(e) => (CREDIT_CARRIED_FORWARD, encode_dto::<_, CreditCarriedForwardV1>(e)),
            NndrEvent::Recovery(e) => (RECOVERY_STEP, encode_dto::<_, RecoveryStepV1>(e)),
            NndrEvent::HoldPlaced(e) => (HOLD_PLACED, encode_dto::<_, HoldPlacedV1>(e)),
            NndrEvent::HoldLifted(e) => (HOLD_LIFTED, encode_dto::<_, HoldLiftedV1>(e)),
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema: 1,
            data,
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<NndrEvent, DecodeError> {
        let data = &event.data;
        Ok(match (event.event_type.as_str(), event.schema) {
            (OPENED, 1) => NndrEvent::Opened(decode_dto::<_, OpenedV1>(data, OPENED)?),
            (OCCUPATION, 1) => NndrEvent::OccupationChanged(decode_dto::<_, OccupationChangedV1>(data, OCCUPATION)?),
            (RELIEFS, 1) => NndrEvent::ReliefsChanged(decode_dto::<_, ReliefsChangedV1>(data, RELIEFS)?),
            (LIABILITY_ENDED, 1) => NndrEvent::LiabilityEnded {
                last_day: from_value::<LiabilityEndedV1>(data, LIABILITY_ENDED)?.last_day,
            },
            (PLAN_CHOSEN, 1) => NndrEvent::InstalmentPlanChosen(decode_dto::<_, InstalmentPlanV1>(data, PLAN_CHOSEN)?),
            (BILL_ISSUED, 1) => NndrEvent::BillIssued(decode_dto::<_, NndrBillIssuedV1>(data, BILL_ISSUED)?),
            (ALLOCATION_RELEASED, 1) => {
                NndrEvent::AllocationReleased(decode_dto::<_, AllocationReleasedV1>(data, ALLOCATION_RELEASED)?)
            }
            (PAYMENT_POSTED, 1) => NndrEvent::PaymentPosted(decode_dto::<_, PaymentPostedV1>(data, PAYMENT_POSTED)?),
            (PAYMENT_ALLOCATED, 1) => {
                NndrEvent::PaymentAllocated(decode_dto::<_, PaymentAllocatedV1>(data, PAYMENT_ALLOCATED)?)
            }
            (PAYMENT_REVERSED, 1) => {
                NndrEvent::PaymentReversed(decode_dto::<_, PaymentReversedV1>(data, PAYMENT_REVERSED)?)
            }
            (CREDIT_REFUNDED, 1) => {
                NndrEvent::CreditRefunded(decode_dto::<_, CreditRefundedV1>(data, CREDIT_REFUNDED)?)
            }
            (CREDIT_CARRIED_FORWARD, 1) => {
                NndrEvent::CreditCarriedForward(decode_dto::<_, CreditCarriedForwardV1>(data, CREDIT_CARRIED_FORWARD)?)
            }
            (RECOVERY_STEP, 1) => NndrEvent::Recovery(decode_dto::<_, RecoveryStepV1>(data, RECOVERY_STEP)?),
            (HOLD_PLACED, 1) => NndrEvent::HoldPlaced(decode_dto::<_, HoldPlacedV1>(data, HOLD_PLACED)?),
            (HOLD_LIFTED, 1) => NndrEvent::HoldLifted(decode_dto::<_, HoldLiftedV1>(data, HOLD_LIFTED)?),
            (other, schema) => {
                return Err(DecodeError::Unknown {
                    what: "nndr-account event",
                    name: other.to_owned(),
                    version: schema,
                });
            }
        })
    }

    fn parse_id(text: &str) -> Result<AccountId, DecodeError> {
        AccountId::parse(text).map_err(invalid("aggregate_id"))
    }

    fn encode_snapshot(state: &NndrAccountState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(NndrAccountState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}
