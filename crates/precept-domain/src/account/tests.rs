//! Given events, when a command, then events or an error: each test is a row of data.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::ids::{PartyId, PaymentId, Uprn};
use crate::money::{Pence, gbp};

fn account_id() -> AccountId {
    AccountId::parse("6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11").expect("fixture id is valid")
}

fn party(n: u8) -> PartyId {
    PartyId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).expect("fixture id is valid")
}

fn payment_id(n: u8) -> PaymentId {
    PaymentId::parse(&format!("00000000-0000-4000-9000-0000000000{n:02x}")).expect("fixture id is valid")
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture date is valid")
}

fn uprn() -> Uprn {
    Uprn::parse("100062557744").expect("fixture UPRN is valid")
}

fn open(parties: &[u8], brought_forward: &str) -> AccountCommand {
    AccountCommand::OpenAccount(OpenAccount {
        property: uprn(),
        liability_start: date("2025-04-01"),
        liable_parties: parties.iter().copied().map(party).collect(),
        balance_brought_forward_pence: gbp(brought_forward),
    })
}

fn opened(brought_forward: &str) -> AccountEvent {
    AccountEvent::AccountOpened(AccountOpened {
        account_id: account_id(),
        property: uprn(),
        liability_start: date("2025-04-01"),
        balance_brought_forward_pence: gbp(brought_forward),
    })
}

fn party_added(n: u8) -> AccountEvent {
    AccountEvent::LiablePartyAdded(LiablePartyAdded {
        party_id: party(n),
        liable_from: date("2025-04-01"),
    })
}

fn pay(n: u8, amount: &str) -> AccountCommand {
    AccountCommand::PostPayment(PostPayment {
        payment_id: payment_id(n),
        amount_pence: gbp(amount),
        method: PaymentMethod::DirectDebit,
        reference: PaymentReference::parse("DD 2025-05").expect("fixture reference is valid"),
        received_on: date("2025-05-01"),
    })
}

fn paid(n: u8, amount: &str) -> AccountEvent {
    AccountEvent::PaymentPosted(PaymentPosted {
        payment_id: payment_id(n),
        amount_pence: gbp(amount),
        method: PaymentMethod::DirectDebit,
        reference: PaymentReference::parse("DD 2025-05").expect("fixture reference is valid"),
        received_on: date("2025-05-01"),
    })
}

#[track_caller]
fn check(given: &[AccountEvent], when: AccountCommand, then: Result<Vec<AccountEvent>, AccountError>) {
    let state = CouncilTaxAccount::fold(AccountState::default(), given).expect("given history is valid");
    assert_eq!(state.decide(account_id(), when), then);
}

#[test]
fn opening_an_account_records_it_and_each_liable_party_in_one_command() {
    check(
        &[],
        open(&[1, 2], "0"),
        Ok(vec![opened("0"), party_added(1), party_added(2)]),
    );
}

#[test]
fn opening_keeps_a_balance_brought_forward_from_migration() {
    check(&[], open(&[1], "-12.50"), Ok(vec![opened("-12.50"), party_added(1)]));
}

#[test]
fn opening_an_open_account_is_refused() {
    check(
        &[opened("0"), party_added(1)],
        open(&[1], "0"),
        Err(AccountError::AccountAlreadyOpen),
    );
}

#[test]
fn an_account_needs_a_liable_party() {
    check(&[], open(&[], "0"), Err(AccountError::NoLiableParty));
}

#[test]
fn a_party_named_twice_is_refused() {
    check(
        &[],
        open(&[3, 3], "0"),
        Err(AccountError::DuplicateLiableParty(party(3))),
    );
}

#[test]
fn too_many_liable_parties_are_refused() {
    let parties: Vec<u8> = (1..=17).collect();
    check(
        &[],
        open(&parties, "0"),
        Err(AccountError::TooManyLiableParties { max: 16 }),
    );
}

#[test]
fn a_payment_on_an_open_account_is_posted() {
    check(
        &[opened("100.00"), party_added(1)],
        pay(1, "25.50"),
        Ok(vec![paid(1, "25.50")]),
    );
}

#[test]
fn a_payment_before_the_account_is_open_is_refused() {
    check(&[], pay(1, "25.50"), Err(AccountError::AccountNotOpen));
}

#[test]
fn zero_and_negative_payments_are_refused() {
    check(
        &[opened("0"), party_added(1)],
        pay(1, "0"),
        Err(AccountError::PaymentAmountNotPositive),
    );
    check(
        &[opened("0"), party_added(1)],
        pay(1, "-1.00"),
        Err(AccountError::PaymentAmountNotPositive),
    );
}

#[test]
fn the_same_payment_is_never_credited_twice() {
    check(
        &[opened("0"), party_added(1), paid(7, "10.00")],
        pay(7, "10.00"),
        Err(AccountError::PaymentAlreadyPosted(payment_id(7))),
    );
}

#[test]
fn payments_reduce_the_balance_owed_and_can_leave_a_credit() {
    let history = [opened("100.00"), party_added(1), paid(1, "60.00"), paid(2, "60.00")];
    let state = CouncilTaxAccount::fold(AccountState::default(), &history).expect("history is valid");
    assert_eq!(state.as_open().map(|a| a.balance_owed_pence), Some(gbp("-20.00")));
}

#[test]
fn a_payment_in_history_before_the_opening_is_reported_as_corrupt() {
    let result = CouncilTaxAccount::fold(AccountState::default(), &[paid(1, "1.00")]);
    assert_eq!(result, Err(AccountError::AccountNotOpen));
}

#[test]
fn references_are_short_printable_text() {
    assert!(PaymentReference::parse("CT123456").is_ok());
    for bad in ["", "   ", "a\nb", "é", &"x".repeat(36)] {
        assert!(PaymentReference::parse(bad).is_err(), "{bad:?}");
    }
}

proptest! {
    #[test]
    fn replaying_the_same_events_always_gives_the_same_state(
        amounts in proptest::collection::vec(1i64..1_000_000, 0..40),
    ) {
        let mut history = vec![opened("0"), party_added(1)];
        history.extend(amounts.iter().enumerate().map(|(n, pence)| {
            AccountEvent::PaymentPosted(PaymentPosted {
                payment_id: payment_id(u8::try_from(n).expect("fewer than 256 payments")),
                amount_pence: Pence::new(*pence),
                method: PaymentMethod::Card,
                reference: PaymentReference::parse("REF").expect("fixture reference is valid"),
                received_on: date("2025-06-01"),
            })
        }));
        let first = CouncilTaxAccount::fold(AccountState::default(), &history);
        let second = CouncilTaxAccount::fold(AccountState::default(), &history);
        prop_assert_eq!(&first, &second);
        let total: i64 = amounts.iter().sum();
        prop_assert_eq!(first.expect("history is valid").as_open().map(|a| a.balance_owed_pence), Some(Pence::new(-total)));
    }
}
