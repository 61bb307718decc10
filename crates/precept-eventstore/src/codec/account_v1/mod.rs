//! Stored encodings of the Council Tax account (`ct-account`): schema version 1 throughout,
//! except `AccountOpened`, written at schema 2 with schema 1 upcast (see `opening`).
//!
//! One file per concept: opening and parties, payments, allocations, circumstances, billing,
//! and the charge breakdown on a bill. Each event type has a hand-written DTO converted by
//! hand to and from the domain event. Snapshots use the shared [`super::snapshot`] encoding.

pub(crate) mod allocation;
pub(crate) mod billing;
mod charge;
mod circumstances;
mod opening;
pub(crate) mod payments;
pub(crate) mod recovery;
mod reduction;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod golden;
#[cfg(test)]
mod round_trip;
#[cfg(test)]
mod upcast;

use precept_app::{RequestLog, StreamPosition};
use precept_domain::AccountId;
use precept_domain::AggregateKind;
use precept_domain::account::{AccountEvent, AccountState, CouncilTaxAccount};

use self::allocation::{AllocationReleasedV1, CreditCarriedForwardV1, PaymentAllocatedV1};
use self::billing::{BillIssuedV1, InstalmentPlanV1};
use self::circumstances::{DiscountAwardedV1, ExemptionAwardedV1, LiabilityEndedV1, PeriodEndedV1, PremiumStartedV1};
use self::opening::{AccountOpenedV2, LiablePartyAddedV1};
use self::payments::{CreditRefundedV1, PaymentPostedV1, PaymentReversedV1};
use self::recovery::{HoldLiftedV1, HoldPlacedV1, RecoveryStepV1};
use self::reduction::ReductionSetV1;
use super::json::{decode_dto, encode_dto, invalid};
use super::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const OPENED: &str = "AccountOpened";
const PARTY_ADDED: &str = "LiablePartyAdded";
const PAYMENT_POSTED: &str = "PaymentPosted";
const PAYMENT_ALLOCATED: &str = "PaymentAllocated";
const PLAN_CHOSEN: &str = "InstalmentPlanChosen";
const LIABILITY_ENDED: &str = "LiabilityEnded";
const DISCOUNT_AWARDED: &str = "DiscountAwarded";
const DISCOUNT_ENDED: &str = "DiscountEnded";
const EXEMPTION_AWARDED: &str = "ExemptionAwarded";
const EXEMPTION_ENDED: &str = "ExemptionEnded";
const PREMIUM_STARTED: &str = "PremiumStarted";
const PREMIUM_ENDED: &str = "PremiumEnded";
const BILL_ISSUED: &str = "BillIssued";
const REDUCTION_SET: &str = "ReductionSet";
const ALLOCATION_RELEASED: &str = "AllocationReleased";
const PAYMENT_REVERSED: &str = "PaymentReversed";
const CREDIT_REFUNDED: &str = "CreditRefunded";
const CREDIT_CARRIED_FORWARD: &str = "CreditCarriedForward";
const RECOVERY_STEP: &str = "RecoveryStepRecorded";
const HOLD_PLACED: &str = "RecoveryHoldPlaced";
const HOLD_LIFTED: &str = "RecoveryHoldLifted";

impl StoredAggregate for CouncilTaxAccount {
    fn encode_event(event: &AccountEvent) -> EncodedEvent {
        let (event_type, schema, data) = match event {
            AccountEvent::AccountOpened(e) => (OPENED, 2, encode_dto::<_, AccountOpenedV2>(e)),
            AccountEvent::LiablePartyAdded(e) => (PARTY_ADDED, 1, encode_dto::<_, LiablePartyAddedV1>(e)),
            AccountEvent::PaymentPosted(e) => (PAYMENT_POSTED, 1, encode_dto::<_, PaymentPostedV1>(e)),
            AccountEvent::PaymentAllocated(e) => (PAYMENT_ALLOCATED, 1, encode_dto::<_, PaymentAllocatedV1>(e)),
            AccountEvent::InstalmentPlanChosen(e) => (PLAN_CHOSEN, 1, encode_dto::<_, InstalmentPlanV1>(e)),
            AccountEvent::LiabilityEnded(e) => (LIABILITY_ENDED, 1, encode_dto::<_, LiabilityEndedV1>(e)),
            AccountEvent::DiscountAwarded(e) => (DISCOUNT_AWARDED, 1, encode_dto::<_, DiscountAwardedV1>(e)),
            AccountEvent::DiscountEnded(e) => (DISCOUNT_ENDED, 1, encode_dto::<_, PeriodEndedV1>(e)),
            AccountEvent::ExemptionAwarded(e) => (EXEMPTION_AWARDED, 1, encode_dto::<_, ExemptionAwardedV1>(e)),
            AccountEvent::ExemptionEnded(e) => (EXEMPTION_ENDED, 1, encode_dto::<_, PeriodEndedV1>(e)),
            AccountEvent::PremiumStarted(e) => (PREMIUM_STARTED, 1, encode_dto::<_, PremiumStartedV1>(e)),
            AccountEvent::PremiumEnded(e) => (PREMIUM_ENDED, 1, encode_dto::<_, PeriodEndedV1>(e)),
            AccountEvent::BillIssued(e) => (BILL_ISSUED, 1, encode_dto::<_, BillIssuedV1>(e)),
            AccountEvent::ReductionSet(e) => (REDUCTION_SET, 1, encode_dto::<_, ReductionSetV1>(e)),
            AccountEvent::AllocationReleased(e) => (ALLOCATION_RELEASED, 1, encode_dto::<_, AllocationReleasedV1>(e)),
            AccountEvent::PaymentReversed(e) => (PAYMENT_REVERSED, 1, encode_dto::<_, PaymentReversedV1>(e)),
            AccountEvent::CreditRefunded(e) => (CREDIT_REFUNDED, 1, encode_dto::<_, CreditRefundedV1>(e)),
            AccountEvent::CreditCarriedForward(e) => {
                (CREDIT_CARRIED_FORWARD, 1, encode_dto::<_, CreditCarriedForwardV1>(e))
            }
            AccountEvent::Recovery(e) => (RECOVERY_STEP, 1, encode_dto::<_, RecoveryStepV1>(e)),
            AccountEvent::HoldPlaced(e) => (HOLD_PLACED, 1, encode_dto::<_, HoldPlacedV1>(e)),
            AccountEvent::HoldLifted(e) => (HOLD_LIFTED, 1, encode_dto::<_, HoldLiftedV1>(e)),
        };
        EncodedEvent {
            event_type: event_type.to_owned(),
            schema,
            data,
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<AccountEvent, DecodeError> {
        let data = &event.data;
        Ok(match (event.event_type.as_str(), event.schema) {
            (OPENED, 1) => AccountEvent::AccountOpened(opening::decode_opened_v1(data, OPENED)?),
            (OPENED, 2) => AccountEvent::AccountOpened(decode_dto::<_, AccountOpenedV2>(data, OPENED)?),
            (PARTY_ADDED, 1) => AccountEvent::LiablePartyAdded(decode_dto::<_, LiablePartyAddedV1>(data, PARTY_ADDED)?),
            (PAYMENT_POSTED, 1) => AccountEvent::PaymentPosted(decode_dto::<_, PaymentPostedV1>(data, PAYMENT_POSTED)?),
            (PAYMENT_ALLOCATED, 1) => {
                AccountEvent::PaymentAllocated(decode_dto::<_, PaymentAllocatedV1>(data, PAYMENT_ALLOCATED)?)
            }
            (PLAN_CHOSEN, 1) => {
                AccountEvent::InstalmentPlanChosen(decode_dto::<_, InstalmentPlanV1>(data, PLAN_CHOSEN)?)
            }
            (LIABILITY_ENDED, 1) => {
                AccountEvent::LiabilityEnded(decode_dto::<_, LiabilityEndedV1>(data, LIABILITY_ENDED)?)
            }
            (DISCOUNT_AWARDED, 1) => {
                AccountEvent::DiscountAwarded(decode_dto::<_, DiscountAwardedV1>(data, DISCOUNT_AWARDED)?)
            }
            (DISCOUNT_ENDED, 1) => AccountEvent::DiscountEnded(decode_dto::<_, PeriodEndedV1>(data, DISCOUNT_ENDED)?),
            (EXEMPTION_AWARDED, 1) => {
                AccountEvent::ExemptionAwarded(decode_dto::<_, ExemptionAwardedV1>(data, EXEMPTION_AWARDED)?)
            }
            (EXEMPTION_ENDED, 1) => {
                AccountEvent::ExemptionEnded(decode_dto::<_, PeriodEndedV1>(data, EXEMPTION_ENDED)?)
            }
            (PREMIUM_STARTED, 1) => {
                AccountEvent::PremiumStarted(decode_dto::<_, PremiumStartedV1>(data, PREMIUM_STARTED)?)
            }
            (PREMIUM_ENDED, 1) => AccountEvent::PremiumEnded(decode_dto::<_, PeriodEndedV1>(data, PREMIUM_ENDED)?),
            (BILL_ISSUED, 1) => AccountEvent::BillIssued(decode_dto::<_, BillIssuedV1>(data, BILL_ISSUED)?),
            (REDUCTION_SET, 1) => AccountEvent::ReductionSet(decode_dto::<_, ReductionSetV1>(data, REDUCTION_SET)?),
            (ALLOCATION_RELEASED, 1) => {
                AccountEvent::AllocationReleased(decode_dto::<_, AllocationReleasedV1>(data, ALLOCATION_RELEASED)?)
            }
            (PAYMENT_REVERSED, 1) => {
                AccountEvent::PaymentReversed(decode_dto::<_, PaymentReversedV1>(data, PAYMENT_REVERSED)?)
            }
            (CREDIT_REFUNDED, 1) => {
                AccountEvent::CreditRefunded(decode_dto::<_, CreditRefundedV1>(data, CREDIT_REFUNDED)?)
            }
            (CREDIT_CARRIED_FORWARD, 1) => AccountEvent::CreditCarriedForward(decode_dto::<_, CreditCarriedForwardV1>(
                data,
                CREDIT_CARRIED_FORWARD,
            )?),
            (RECOVERY_STEP, 1) => AccountEvent::Recovery(decode_dto::<_, RecoveryStepV1>(data, RECOVERY_STEP)?),
            (HOLD_PLACED, 1) => AccountEvent::HoldPlaced(decode_dto::<_, HoldPlacedV1>(data, HOLD_PLACED)?),
            (HOLD_LIFTED, 1) => AccountEvent::HoldLifted(decode_dto::<_, HoldLiftedV1>(data, HOLD_LIFTED)?),
            (other, schema) => {
                return Err(DecodeError::Unknown {
                    what: "ct-account event",
                    name: other.to_owned(),
                    version: schema,
                });
            }
        })
    }

    fn parse_id(text: &str) -> Result<AccountId, DecodeError> {
        AccountId::parse(text).map_err(invalid("aggregate_id"))
    }

    fn encode_snapshot(state: &AccountState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(AccountState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}
