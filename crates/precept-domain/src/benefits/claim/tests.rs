//! Given/when/then tests of the claim aggregate: lifecycle, a backdated change creating an
//! overpayment of an exact amount and its recovery by weekly deduction (REFERENCE §3.5), and
//! the rules for acting on UC notifications (REFERENCE §3.3, §4).

use chrono::NaiveDate;

use super::decide::decide;
use super::state::apply;
use super::*;
use crate::benefits::ctr::{BandedScheme, CtrCircumstances, CtrScheme, PensionAgeScheme};
use crate::benefits::hb::{
    HbCircumstances, HbParameters, Household, NonDependant, NonDependantCircumstance, RentFigures,
};
use crate::benefits::overpayment::{OverpaymentClass, RecoveryRates};
use crate::benefits::settings::{BackdatingRules, BenefitSettings, SettingsTimeline, UcRules};
use crate::benefits::uc_file::UcNotificationKind;
use crate::fixtures::date;
use crate::ids::{AccountId, PartyId};
use crate::money::{Pence, gbp};

fn settings() -> std::sync::Arc<SettingsTimeline> {
    std::sync::Arc::new(SettingsTimeline::single(plain_settings()))
}

fn plain_settings() -> BenefitSettings {
    BenefitSettings {
        hb: HbParameters::england_2025_26(),
        ctr: CtrScheme {
            working_age: BandedScheme::swale_2023(),
            pension_age: PensionAgeScheme::england_2025_26(),
        },
        recovery: RecoveryRates::year_2022_23(),
        uc: UcRules::default(),
        backdating: BackdatingRules::default(),
    }
}

fn hash() -> NinoHash {
    NinoHash::parse(&"ab".repeat(32)).expect("64 hex digits")
}

fn party() -> PartyId {
    PartyId::parse("6f1c3a52-9f3e-4a57-8d3a-2c1b0e9d7a11").expect("uuid")
}

/// Runs commands in order, folding each one's events; panics on a refusal.
fn given(commands: Vec<ClaimCommand>) -> ClaimState {
    commands.into_iter().fold(ClaimState::default(), |state, command| {
        let events = decide(&state, command).expect("accepted");
        events.into_iter().try_fold(state, apply).expect("applies")
    })
}

fn when(state: &ClaimState, command: ClaimCommand) -> Result<(Vec<ClaimEvent>, ClaimState), ClaimError> {
    let events = decide(state, command)?;
    let after = events.iter().cloned().try_fold(state.clone(), apply)?;
    Ok((events, after))
}

fn pensioner() -> Household {
    Household {
        pension_age: true,
        ..Household::default()
    }
}

/// Passported (Pension Credit guarantee): HB is the eligible rent less non-dependant
/// deductions (REFERENCE §3.2).
fn hb_circumstances(non_dependants: Vec<NonDependant>) -> Circumstances {
    Circumstances::Hb(HbCircumstances {
        household: pensioner(),
        rent: RentFigures {
            contractual_rent: gbp("100.00"),
            ineligible_charges: Pence::ZERO,
            lha_cap: None,
            size_criteria_bp: 0,
        },
        weekly_earnings: Pence::ZERO,
        other_weekly_income: Pence::ZERO,
        capital: Pence::ZERO,
        passported: true,
        non_dependants,
        non_dependant_exempt: false,
    })
}

fn hb_claim() -> ClaimState {
    given(vec![
        ClaimCommand::Receive(ClaimDetails {
            kind: ClaimKind::HousingBenefit,
            claimant: party(),
            nino_hash: hash(),
            received: date("2025-04-07"),
            claimed_from: date("2025-04-07"),
            pension_age: true,
            account: None,
        }),
        ClaimCommand::Decide {
            on: date("2025-04-14"),
            circumstances: hb_circumstances(Vec::new()),
            settings: settings(),
        },
    ])
}

fn pay(state: ClaimState, from: NaiveDate) -> (Vec<ClaimEvent>, ClaimState) {
    when(
        &state,
        ClaimCommand::PayHbWeek {
            from,
            settings: settings(),
        },
    )
    .expect("paid")
}

fn next_week(state: &ClaimState) -> NaiveDate {
    state.paid_through.expect("paid").succ_opt().expect("date")
}

#[test]
fn a_passported_pensioner_is_awarded_the_eligible_rent_from_the_day_claimed() {
    let state = hb_claim();
    assert_eq!(state.status, ClaimStatus::Awarded);
    assert_eq!(state.decided, Some(date("2025-04-14")));
    let award = state.award_on(date("2025-04-07")).expect("award");
    assert_eq!(award.figures.weekly_hb(), gbp("100.00"));
}

#[test]
fn a_backdated_change_overpays_exactly_the_difference_for_the_weeks_paid_and_is_recovered_weekly() {
    // Given eight weeks of £100.00 paid (7 April to 1 June 2025).
    let mut state = hb_claim();
    for _ in 0..8 {
        let from = state.paid_through.map_or(date("2025-04-07"), |_| next_week(&state));
        state = pay(state, from).1;
    }
    assert_eq!(state.paid_through, Some(date("2025-06-01")));
    // When a working non-dependant earning £300 a week is reported on 2 June, effective from
    // the start: the 2025/26 deduction for £266-£347.99 is £62.00, so HB is £38.00 a week.
    let (events, state) = when(
        &state,
        ClaimCommand::ReportChange {
            reported: date("2025-06-02"),
            effective: date("2025-04-07"),
            on: date("2025-06-03"),
            circumstances: hb_circumstances(vec![NonDependant {
                circumstance: NonDependantCircumstance::Working16Hours,
                gross_weekly_income: gbp("300.00"),
            }]),
            class: OverpaymentClass::ClaimantError,
            could_have_realised: true,
            settings: settings(),
        },
    )
    .expect("change accepted");
    // Then 8 weeks x (£100.00 - £38.00) = £496.00 was overpaid, recoverable by deduction.
    let overpayment = events
        .iter()
        .find_map(|event| match event {
            ClaimEvent::OverpaymentIdentified(o) => Some(o.clone()),
            _ => None,
        })
        .expect("an overpayment");
    assert_eq!(overpayment.amount, gbp("496.00"));
    assert_eq!(
        (overpayment.from, overpayment.through),
        (date("2025-04-07"), date("2025-06-01"))
    );
    assert!(overpayment.recoverable);
    assert_eq!(overpayment.method, RecoveryMethod::Deduction);
    // And each week's £38.00 has at most £11.55 deducted (2022/23 standard rate, REFERENCE
    // §3.5; no earnings, so no half-disregard on top): 42 weeks of £11.55 = £485.10, then
    // £10.90.
    let mut state = state;
    let mut deductions = Vec::new();
    while state.overpayment(1).expect("overpayment").outstanding().is_positive() {
        let from = next_week(&state);
        let (events, after) = pay(state, from);
        let paid = events.iter().find_map(|event| match event {
            ClaimEvent::HbPaid { gross, deducted, .. } => Some((*gross, *deducted)),
            _ => None,
        });
        let (gross, deducted) = paid.expect("a payment");
        assert_eq!(gross, gbp("38.00"));
        deductions.push(deducted);
        state = after;
    }
    assert_eq!(deductions.len(), 43);
    assert!(deductions[..42].iter().all(|d| *d == gbp("11.55")));
    assert_eq!(deductions[42], gbp("10.90"));
    assert_eq!(deductions.iter().copied().sum::<Pence>(), gbp("496.00"));
    // And the next week is paid in full.
    let from = next_week(&state);
    let (events, _) = pay(state, from);
    assert!(matches!(events.as_slice(), [ClaimEvent::HbPaid { deducted, .. }] if *deducted == Pence::ZERO));
}

#[test]
fn an_official_error_the_claimant_could_not_have_realised_is_not_recoverable_and_ending_invoices() {
    let mut state = hb_claim();
    state = pay(state, date("2025-04-07")).1;
    let (events, state) = when(
        &state,
        ClaimCommand::End {
            on: date("2025-04-20"),
            from: date("2025-04-10"),
            reason: "moved_away".into(),
            class: OverpaymentClass::LocalAuthorityError,
            could_have_realised: false,
        },
    )
    .expect("ended");
    // 4 days (10-13 April) of £100.00 a week = £57.142..., rounded once: £57.14.
    let Some(ClaimEvent::OverpaymentIdentified(o)) = events.first() else {
        panic!("expected an overpayment first, got {events:?}");
    };
    assert_eq!(o.amount, gbp("57.14"));
    assert!(!o.recoverable);
    assert_eq!(o.method, RecoveryMethod::Invoice);
    assert_eq!(state.status, ClaimStatus::Ended);
    assert_eq!(
        decide(
            &state,
            ClaimCommand::InvoiceOverpayment {
                number: 1,
                on: date("2025-04-21")
            }
        ),
        Err(ClaimError::NothingOutstanding(1))
    );
}

#[test]
fn lifecycle_refusals_name_what_is_wrong() {
    let empty = ClaimState::default();
    assert_eq!(
        decide(&empty, ClaimCommand::Resume { on: date("2025-04-07") }),
        Err(ClaimError::NotReceived)
    );
    let state = hb_claim();
    assert_eq!(
        decide(
            &state,
            ClaimCommand::PayHbWeek {
                from: date("2025-04-08"),
                settings: settings()
            }
        ),
        Err(ClaimError::PaymentOutOfOrder(date("2025-04-07")))
    );
    assert_eq!(
        decide(
            &state,
            ClaimCommand::Decide {
                on: date("2025-04-20"),
                circumstances: hb_circumstances(Vec::new()),
                settings: settings()
            }
        ),
        Err(ClaimError::WrongStatus("awarded"))
    );
    let (events, _) = when(
        &state,
        ClaimCommand::ReferFraud {
            on: date("2025-05-15"),
            reason: "undeclared_income".into(),
        },
    )
    .expect("referred");
    // REFERENCE §3.6: HB fraud goes to the DWP.
    assert!(matches!(
        events.as_slice(),
        [ClaimEvent::FraudReferred { to: FraudBody::Dwp, .. }]
    ));
}

#[test]
fn a_ctr_claim_needs_its_council_tax_account_and_hb_may_not_name_one() {
    let mut details = ClaimDetails {
        kind: ClaimKind::CouncilTaxReduction,
        claimant: party(),
        nino_hash: hash(),
        received: date("2025-04-07"),
        claimed_from: date("2025-04-07"),
        pension_age: false,
        account: None,
    };
    assert_eq!(
        decide(&ClaimState::default(), ClaimCommand::Receive(details.clone())),
        Err(ClaimError::Field("account_id"))
    );
    details.kind = ClaimKind::HousingBenefit;
    details.account = Some(account());
    assert_eq!(
        decide(&ClaimState::default(), ClaimCommand::Receive(details)),
        Err(ClaimError::Field("account_id"))
    );
}

fn account() -> AccountId {
    AccountId::parse("0a4e9c1d-5b7f-4c2e-9d8a-3f6b1e2c4d5a").expect("uuid")
}

fn single(weekly_earnings: &str) -> CtrCircumstances {
    CtrCircumstances {
        household: Household::default(),
        weekly_earnings: gbp(weekly_earnings),
        other_weekly_income: Pence::ZERO,
        capital: Pence::ZERO,
        passported: false,
        non_dependants: Vec::new(),
        non_dependant_exempt: false,
    }
}

/// A working-age single claimant on Swale's scheme, awarded from 7 April 2025.
fn ctr_claim(weekly_earnings: &str) -> ClaimState {
    given(vec![
        ClaimCommand::Receive(ClaimDetails {
            kind: ClaimKind::CouncilTaxReduction,
            claimant: party(),
            nino_hash: hash(),
            received: date("2025-04-07"),
            claimed_from: date("2025-04-07"),
            pension_age: false,
            account: Some(account()),
        }),
        ClaimCommand::Decide {
            on: date("2025-04-10"),
            circumstances: Circumstances::Ctr(single(weekly_earnings)),
            settings: settings(),
        },
    ])
}

fn uc(record: &str, kind: UcNotificationKind, effective: &str, monthly_earned: &str) -> UcFacts {
    UcFacts {
        record_id: record.into(),
        kind,
        effective_date: date(effective),
        earned_income: gbp(monthly_earned),
        unearned_income: Pence::ZERO,
        partner: false,
        children: 0,
        passported: false,
    }
}

fn apply_uc(state: &ClaimState, facts: UcFacts) -> (UcOutcome, Vec<ClaimEvent>, ClaimState) {
    let (events, after) = when(
        state,
        ClaimCommand::ApplyUc {
            file_date: date("2025-06-02"),
            facts: facts.clone(),
            settings: settings(),
        },
    )
    .expect("handled");
    (after.uc_handled[&facts.record_id], events, after)
}

#[test]
fn uc_notifications_are_applied_by_the_councils_rules_or_sent_to_an_officer() {
    use UcNotificationKind::{Change, Termination};
    // Monthly UC earnings become weekly at x12/52: £390.00 -> £90.00, £520.00 -> £120.00,
    // £416.00 -> £96.00. The claim was assessed at £80.00 (band 1) or £94.00 (band 1).
    let with_partner = UcFacts {
        partner: true,
        ..uc("r5", Change, "2025-05-15", "390.00")
    };
    let cases: Vec<(&str, UcFacts, UcOutcome)> = vec![
        ("80.00", uc("r1", Change, "2025-05-15", "390.00"), UcOutcome::SameBand),
        ("80.00", uc("r2", Change, "2025-05-15", "520.00"), UcOutcome::Reassessed),
        (
            "94.00",
            uc("r3", Change, "2025-05-15", "416.00"),
            UcOutcome::WithinTolerance,
        ),
        (
            "80.00",
            uc("r4", Termination, "2025-05-15", "0"),
            UcOutcome::WorkItem(WorkReason::UcEnded),
        ),
        ("80.00", with_partner, UcOutcome::WorkItem(WorkReason::HouseholdChanged)),
        (
            "80.00",
            uc("r6", Change, "2025-04-07", "520.00"),
            UcOutcome::WorkItem(WorkReason::Backdated),
        ),
    ];
    for (assessed, facts, expected) in cases {
        let record = facts.record_id.clone();
        let (outcome, events, after) = apply_uc(&ctr_claim(assessed), facts);
        assert_eq!(outcome, expected, "record {record}");
        let reassessed = events.iter().any(|e| matches!(e, ClaimEvent::Reassessed { .. }));
        assert_eq!(reassessed, expected == UcOutcome::Reassessed, "record {record}");
        assert_eq!(
            after.open_work.contains_key(&record),
            !expected.automated(),
            "record {record}"
        );
    }
}

#[test]
fn a_band_change_reawards_from_the_effective_date_and_a_repeat_changes_nothing() {
    let state = ctr_claim("80.00");
    let (_, events, state) = apply_uc(&state, uc("r2", UcNotificationKind::Change, "2025-05-15", "520.00"));
    // Swale: £120.00 a week is band 2, 60%.
    let award = state.award_on(date("2025-05-15")).expect("award");
    let Figures::Ctr(ctr) = &award.figures else {
        panic!("ctr figures");
    };
    assert_eq!((ctr.band, ctr.percent_bp), (Some(2), 6_000));
    assert_eq!(award.from, date("2025-05-15"));
    assert!(events.iter().any(|e| matches!(
        e,
        ClaimEvent::ChangeReported { source: ChangeSource::UcNotification(r), .. } if r == "r2"
    )));
    let again = decide(
        &state,
        ClaimCommand::ApplyUc {
            file_date: date("2025-06-03"),
            facts: uc("r2", UcNotificationKind::Change, "2025-05-15", "520.00"),
            settings: settings(),
        },
    )
    .expect("handled");
    assert!(again.is_empty());
}

#[test]
fn councils_that_reaward_by_hand_get_band_changes_as_work_items() {
    let mut plain = plain_settings();
    plain.uc.reassess_band_changes = false;
    let manual = std::sync::Arc::new(SettingsTimeline::single(plain));
    let state = ctr_claim("80.00");
    let (events, _) = when(
        &state,
        ClaimCommand::ApplyUc {
            file_date: date("2025-06-02"),
            facts: uc("r2", UcNotificationKind::Change, "2025-05-15", "520.00"),
            settings: manual,
        },
    )
    .expect("handled");
    assert!(events.iter().any(|e| matches!(
        e,
        ClaimEvent::WorkItemRaised {
            reason: WorkReason::BandChanged,
            ..
        }
    )));
}

fn change(state: &ClaimState, effective: &str, non_dependant_income: &str) -> (Vec<ClaimEvent>, ClaimState) {
    let non_dependants = if non_dependant_income.is_empty() {
        Vec::new()
    } else {
        vec![NonDependant {
            circumstance: NonDependantCircumstance::Working16Hours,
            gross_weekly_income: gbp(non_dependant_income),
        }]
    };
    when(
        state,
        ClaimCommand::ReportChange {
            reported: date("2025-06-02"),
            effective: date(effective),
            on: date("2025-06-03"),
            circumstances: hb_circumstances(non_dependants),
            class: OverpaymentClass::ClaimantError,
            could_have_realised: true,
            settings: settings(),
        },
    )
    .expect("change accepted")
}

#[test]
fn a_later_change_in_the_claimants_favour_offsets_an_earlier_overpayment() {
    // Eight weeks of £100.00 paid, 7 April to 1 June: £800.00.
    let mut state = hb_claim();
    for _ in 0..8 {
        let from = state.paid_through.map_or(date("2025-04-07"), |_| next_week(&state));
        state = pay(state, from).1;
    }
    // A non-dependant earning £300 a week from 5 May (2025/26 deduction £62.00): £38.00 a week,
    // four weeks overpaid by £62.00 = £248.00.
    let (events, state) = change(&state, "2025-05-05", "300.00");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, ClaimEvent::OverpaymentIdentified(o) if o.amount == gbp("248.00")))
    );
    // Then it turns out the non-dependant only came on 19 May, earning £200 (deduction
    // £45.15, so £54.85 a week): entitled 6 x £100.00 + 2 x £54.85 = £709.70 of £800.00 paid,
    // so £90.30 was overpaid in all, not £248.00. Correcting 5 May reduces the first
    // overpayment to nothing; the change from 19 May identifies £90.30.
    let (events, state) = change(&state, "2025-05-05", "");
    let (events2, state) = change(&state, "2025-05-19", "200.00");
    let reduced: Pence = events
        .iter()
        .chain(&events2)
        .map(|e| match e {
            ClaimEvent::OverpaymentReduced { by, .. } => -*by,
            ClaimEvent::OverpaymentIdentified(o) => o.amount,
            _ => Pence::ZERO,
        })
        .sum();
    assert_eq!(reduced, gbp("90.30") - gbp("248.00"));
    let outstanding: Pence = state.overpayments.iter().map(|o| o.amount).sum();
    assert_eq!(outstanding, gbp("90.30"));
}

#[test]
fn an_award_backdated_over_1_april_uses_each_years_figures() {
    // 2024/25's non-dependant deduction for a working non-dependant on £300 a week is £60.95,
    // 2025/26's £62.00 (REFERENCE §3.2): a claim received 7 April 2025, claimed from 10 March
    // (pension age: three months' backdating) gets £39.05 to 31 March and £38.00 from 1 April.
    let mut earlier = plain_settings();
    earlier.hb = HbParameters::england_2024_25();
    let timeline = SettingsTimeline::new(vec![
        (date("2024-04-01"), std::sync::Arc::new(earlier)),
        (date("2025-04-01"), std::sync::Arc::new(plain_settings())),
    ])
    .expect("versions");
    let state = given(vec![ClaimCommand::Receive(ClaimDetails {
        kind: ClaimKind::HousingBenefit,
        claimant: party(),
        nino_hash: hash(),
        received: date("2025-04-07"),
        claimed_from: date("2025-03-10"),
        pension_age: true,
        account: None,
    })]);
    let (events, state) = when(
        &state,
        ClaimCommand::Decide {
            on: date("2025-04-14"),
            circumstances: hb_circumstances(vec![NonDependant {
                circumstance: NonDependantCircumstance::Working16Hours,
                gross_weekly_income: gbp("300.00"),
            }]),
            settings: std::sync::Arc::new(timeline),
        },
    )
    .expect("decided");
    assert!(matches!(
        events.as_slice(),
        [ClaimEvent::Awarded { .. }, ClaimEvent::Reassessed { .. }]
    ));
    let weekly = |day: &str| state.award_on(date(day)).expect("award").figures.weekly_hb();
    assert_eq!(
        (weekly("2025-03-10"), weekly("2025-04-01")),
        (gbp("39.05"), gbp("38.00"))
    );
}

#[test]
fn a_notification_inside_one_decision_split_at_1_april_is_not_sent_back_as_backdated() {
    // A working-age CTR claim received 7 April 2025, claimed from 20 March: 2024/25 used
    // Medway's grid (a single person on £80.00 is band 1, 65%), 2025/26 Swale's (band 1, 80%),
    // so the one decision makes two periods, 20 March and 1 April.
    let mut earlier = plain_settings();
    earlier.ctr.working_age = BandedScheme::medway_2022();
    let timeline = std::sync::Arc::new(
        SettingsTimeline::new(vec![
            (date("2024-04-01"), std::sync::Arc::new(earlier)),
            (date("2025-04-01"), std::sync::Arc::new(plain_settings())),
        ])
        .expect("versions"),
    );
    let state = given(vec![
        ClaimCommand::Receive(ClaimDetails {
            kind: ClaimKind::CouncilTaxReduction,
            claimant: party(),
            nino_hash: hash(),
            received: date("2025-04-07"),
            claimed_from: date("2025-03-20"),
            pension_age: false,
            account: Some(account()),
        }),
        ClaimCommand::Decide {
            on: date("2025-04-10"),
            circumstances: Circumstances::Ctr(single("80.00")),
            settings: std::sync::Arc::clone(&timeline),
        },
    ]);
    let froms: Vec<NaiveDate> = state.awards.iter().map(|a| a.from).collect();
    assert_eq!(froms, [date("2025-03-20"), date("2025-04-01")]);
    assert_eq!(state.latest_decision_from(), Some(date("2025-03-20")));
    // A same-band notification effective 25 March (inside the decision, within 31 days of the
    // file) changes nothing; it is not an officer's work.
    let (events, _) = when(
        &state,
        ClaimCommand::ApplyUc {
            file_date: date("2025-04-15"),
            facts: uc("r7", UcNotificationKind::Change, "2025-03-25", "340.00"),
            settings: timeline,
        },
    )
    .expect("handled");
    assert!(matches!(
        events.as_slice(),
        [ClaimEvent::UcNotificationHandled {
            outcome: UcOutcome::SameBand,
            ..
        }]
    ));
}
