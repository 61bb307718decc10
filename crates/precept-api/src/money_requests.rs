//! Parsing the money and recovery requests that Council Tax and business rates accounts
//! share (payments, reversals, refunds, carry-forward, recovery actions, holds): one message
//! type each in the protos, one parser each here, whichever service receives it.

use precept_app::RequestMeta;
use precept_domain::account::{
    CarryForwardCredit, HoldLifted, PaymentMethod as DomainMethod, PaymentReference, PostPayment, RefundCredit,
    ReversalReason, ReversePayment,
};
use precept_domain::recovery::{Hold, RecoveryAction};
use precept_domain::{AccountId, CouncilCode, FinancialYear, PaymentId, Pence};
use tonic::{Request, Status};

use crate::common::{account_target, id, required_year};
use crate::council_tax::optional_year;
use crate::proto::{self, PaymentMethod};
use crate::recovery_convert::{action_from, hold_reason};
use crate::validate::{KnownCouncils, Violations};

/// Where a parsed request goes, and who asked.
pub(crate) struct Target {
    pub meta: RequestMeta,
    pub council: CouncilCode,
    pub account: AccountId,
}

const UNREACHABLE: &str = "every None above recorded a violation, so finish() returned early";

fn payment_method(violations: &mut Violations, value: i32) -> Option<DomainMethod> {
    match PaymentMethod::try_from(value) {
        Ok(PaymentMethod::DirectDebit) => Some(DomainMethod::DirectDebit),
        Ok(PaymentMethod::Card) => Some(DomainMethod::Card),
        Ok(PaymentMethod::BankTransfer) => Some(DomainMethod::BankTransfer),
        Ok(PaymentMethod::Paypoint) => Some(DomainMethod::PayPoint),
        Ok(PaymentMethod::Cheque) => Some(DomainMethod::Cheque),
        Ok(PaymentMethod::Cash) => Some(DomainMethod::Cash),
        Ok(PaymentMethod::Unspecified) | Err(_) => {
            violations.add("method", "must be a payment method other than UNSPECIFIED");
            None
        }
    }
}

fn target(meta: Option<RequestMeta>, council: Option<CouncilCode>, account: Option<AccountId>) -> Target {
    let (Some(meta), Some(council), Some(account)) = (meta, council, account) else {
        unreachable!("{UNREACHABLE}");
    };
    Target { meta, council, account }
}

/// A payment.
pub(crate) fn payment(
    request: &Request<proto::PostPaymentRequest>,
    councils: &impl KnownCouncils,
) -> Result<(Target, PostPayment), Status> {
    let mut v = Violations::for_request(&request);
    let body = request.get_ref();
    let (meta, council, account) = account_target(
        &mut v,
        request,
        ("PostPayment", councils),
        (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
    );
    let payment_id = id(&mut v, "payment_id", &body.payment_id, PaymentId::parse);
    if body.amount_pence <= 0 {
        v.add("amount_pence", "must be positive");
    }
    let method = payment_method(&mut v, body.method);
    let reference = v.check("reference", PaymentReference::parse(&body.reference));
    let received_on = v.date("received_on", &body.received_on);
    let appropriate_to = optional_year(&mut v, "appropriate_to_year", &body.appropriate_to_year);
    v.finish()?;
    let (Some(payment_id), Some(method), Some(reference), Some(received_on), Some(appropriate_to)) =
        (payment_id, method, reference, received_on, appropriate_to)
    else {
        unreachable!("{UNREACHABLE}");
    };
    let command = PostPayment {
        payment_id,
        amount_pence: Pence::new(body.amount_pence),
        method,
        reference,
        received_on,
        appropriate_to,
    };
    Ok((target(meta, council, account), command))
}

/// A reversal of a payment.
pub(crate) fn reversal(
    request: &Request<proto::ReversePaymentRequest>,
    councils: &impl KnownCouncils,
) -> Result<(Target, ReversePayment), Status> {
    let mut v = Violations::for_request(&request);
    let body = request.get_ref();
    let (meta, council, account) = account_target(
        &mut v,
        request,
        ("ReversePayment", councils),
        (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
    );
    let payment_id = id(&mut v, "payment_id", &body.payment_id, PaymentId::parse);
    let reason = match proto::ReversalReason::try_from(body.reason) {
        Ok(proto::ReversalReason::DirectDebitReturned) => Some(ReversalReason::DirectDebitReturned),
        Ok(proto::ReversalReason::ChequeReturned) => Some(ReversalReason::ChequeReturned),
        Ok(proto::ReversalReason::Misposted) => Some(ReversalReason::Misposted),
        _ => {
            v.add("reason", "must be a reversal reason other than UNSPECIFIED");
            None
        }
    };
    let reversed_on = v.date("reversed_on", &body.reversed_on);
    v.finish()?;
    let (Some(payment_id), Some(reason), Some(reversed_on)) = (payment_id, reason, reversed_on) else {
        unreachable!("{UNREACHABLE}");
    };
    let command = ReversePayment {
        payment_id,
        reason,
        reversed_on,
    };
    Ok((target(meta, council, account), command))
}

/// A refund of credit.
pub(crate) fn refund(
    request: &Request<proto::RefundCreditRequest>,
    councils: &impl KnownCouncils,
) -> Result<(Target, RefundCredit), Status> {
    let mut v = Violations::for_request(&request);
    let body = request.get_ref();
    let (meta, council, account) = account_target(
        &mut v,
        request,
        ("RefundCredit", councils),
        (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
    );
    let refund_id = id(&mut v, "refund_id", &body.refund_id, PaymentId::parse);
    if body.amount_pence <= 0 {
        v.add("amount_pence", "must be positive");
    }
    let refunded_on = v.date("refunded_on", &body.refunded_on);
    v.finish()?;
    let (Some(refund_id), Some(refunded_on)) = (refund_id, refunded_on) else {
        unreachable!("{UNREACHABLE}");
    };
    let command = RefundCredit {
        refund_id,
        amount_pence: Pence::new(body.amount_pence),
        refunded_on,
    };
    Ok((target(meta, council, account), command))
}

/// Credit carried forward to a year.
pub(crate) fn carry_forward(
    request: &Request<proto::CarryForwardCreditRequest>,
    councils: &impl KnownCouncils,
) -> Result<(Target, CarryForwardCredit), Status> {
    let mut v = Violations::for_request(&request);
    let body = request.get_ref();
    let (meta, council, account) = account_target(
        &mut v,
        request,
        ("CarryForwardCredit", councils),
        (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
    );
    let year = required_year(&mut v, "year", &body.year);
    if body.amount_pence <= 0 {
        v.add("amount_pence", "must be positive");
    }
    let on = v.date("on", &body.on);
    v.finish()?;
    let (Some(year), Some(on)) = (year, on) else {
        unreachable!("{UNREACHABLE}");
    };
    let command = CarryForwardCredit {
        year,
        amount_pence: Pence::new(body.amount_pence),
        on,
    };
    Ok((target(meta, council, account), command))
}

/// An officer's recovery action on one year.
pub(crate) fn recovery_action(
    request: &Request<proto::RecoveryActionRequest>,
    councils: &impl KnownCouncils,
) -> Result<(Target, FinancialYear, RecoveryAction), Status> {
    let mut v = Violations::for_request(&request);
    let body = request.get_ref();
    let (meta, council, account) = account_target(
        &mut v,
        request,
        ("TakeRecoveryAction", councils),
        (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
    );
    let year = required_year(&mut v, "year", &body.year);
    let action = action_from(&mut v, body.action.as_ref());
    v.finish()?;
    let (Some(year), Some(action)) = (year, action) else {
        unreachable!("{UNREACHABLE}");
    };
    Ok((target(meta, council, account), year, action))
}

/// A hold placed.
pub(crate) fn place_hold(
    request: &Request<proto::PlaceHoldRequest>,
    councils: &impl KnownCouncils,
) -> Result<(Target, Hold), Status> {
    let mut v = Violations::for_request(&request);
    let body = request.get_ref();
    let (meta, council, account) = account_target(
        &mut v,
        request,
        ("PlaceHold", councils),
        (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
    );
    let reason = hold_reason(&mut v, body.reason);
    let from = v.date("from", &body.from);
    v.finish()?;
    let (Some(reason), Some(from)) = (reason, from) else {
        unreachable!("{UNREACHABLE}");
    };
    Ok((target(meta, council, account), Hold { reason, from }))
}

/// A hold lifted.
pub(crate) fn lift_hold(
    request: &Request<proto::LiftHoldRequest>,
    councils: &impl KnownCouncils,
) -> Result<(Target, HoldLifted), Status> {
    let mut v = Violations::for_request(&request);
    let body = request.get_ref();
    let (meta, council, account) = account_target(
        &mut v,
        request,
        ("LiftHold", councils),
        (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
    );
    let reason = hold_reason(&mut v, body.reason);
    let on = v.date("on", &body.on);
    v.finish()?;
    let (Some(reason), Some(on)) = (reason, on) else {
        unreachable!("{UNREACHABLE}");
    };
    Ok((target(meta, council, account), HoldLifted { reason, on }))
}
