//! Golden text and round trips for the business rates encodings: every event type of the
//! account, hereditament, settings and agency aggregates, and snapshots.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use precept_domain::account::{PaymentMethod, PaymentReference, PostPayment, RefundCredit, RunRecovery, YearAction};
use precept_domain::council_year::ShortCode;
use precept_domain::nndr::ReliefClaims;
use precept_domain::nndr::account::{
    NndrAccountOpened, NndrAccountState, NndrChange, NndrCommand, NndrContext, OccupationChanged, OpenNndr,
    ReliefsChanged,
};
use precept_domain::nndr::agency::{Agency, AgencyEvent};
use precept_domain::nndr::hereditament::{Hereditament, HereditamentEvent, HereditamentState, PropertyClass, Removal};
use precept_domain::nndr::settings::{NndrSettings, NndrSettingsSet, NndrYearSettings, NndrYearState};
use precept_domain::recovery::{Hold, HoldReason, RecoveryAction};
use precept_domain::{AccountId, FinancialYear, PartyId, PaymentId, Pence, Uprn};

use super::*;
use crate::codec::snapshot::testing::position_and_requests;

fn d(text: &str) -> NaiveDate {
    text.parse().expect("fixture date")
}

fn fy(start: i32) -> FinancialYear {
    FinancialYear::starting(start).expect("year")
}

fn account_id() -> AccountId {
    AccountId::parse("6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11").expect("id")
}

fn uprn(text: &str) -> Uprn {
    Uprn::parse(text).expect("uprn")
}

fn round_trip<A: StoredAggregate>(events: &[A::Event])
where
    A::Event: PartialEq + std::fmt::Debug,
{
    for event in events {
        let text = serde_json::to_string(&A::encode_event(event)).expect("encodes");
        let encoded: EncodedEvent = serde_json::from_str(&text).expect("parses");
        assert_eq!(&A::decode_event(&encoded).expect("decodes"), event, "{text}");
    }
}

fn golden<A: StoredAggregate>(events: &[A::Event], golden: &str)
where
    A::Event: PartialEq + std::fmt::Debug,
{
    let lines: Vec<String> = events
        .iter()
        .map(|event| serde_json::to_string(&A::encode_event(event)).expect("encodes"))
        .collect();
    assert_eq!(lines.join("\n"), golden);
    for (line, event) in golden.lines().zip(events) {
        let encoded: EncodedEvent = serde_json::from_str(line).expect("golden parses");
        assert_eq!(&A::decode_event(&encoded).expect("golden decodes"), event);
    }
}

/// A year of an account's life, decided by the domain: every account event type.
fn history() -> Vec<NndrEvent> {
    let hereditament = HereditamentState {
        values: BTreeMap::from([(d("2023-04-01"), 30_000), (d("2025-10-01"), 36_000)]),
        class: PropertyClass::default(),
        removed: None,
    };
    let settings = NndrSettings::england(fy(2025)).expect("published");
    let recovery = Arc::new(settings.recovery.clone());
    let context = Arc::new(NndrContext {
        hereditament: Arc::new(hereditament),
        years: BTreeMap::from([(
            fy(2025),
            Arc::new(NndrYearState {
                versions: vec![(fy(2025).first_day(), settings)],
            }),
        )]),
    });
    let payment = PaymentId::parse("00000000-0000-4000-9000-000000000007").expect("id");
    let commands = vec![
        NndrCommand::Open(OpenNndr {
            hereditament: uprn("200000000001"),
            ratepayer: PartyId::parse("00000000-0000-4000-8000-000000000001").expect("id"),
            liability_start: d("2025-04-01"),
            empty_since: None,
            reliefs: ReliefClaims {
                sbrr: true,
                ..ReliefClaims::default()
            },
            plan: precept_domain::instalments::InstalmentPlan {
                length: precept_domain::instalments::PlanLength::Twelve,
                day: 1,
            },
        }),
        NndrCommand::IssueBill {
            year: fy(2025),
            issue_date: d("2025-03-15"),
            context: Arc::clone(&context),
        },
        NndrCommand::PostPayment(PostPayment {
            payment_id: payment,
            amount_pence: Pence::new(600_000),
            method: PaymentMethod::BankTransfer,
            reference: PaymentReference::parse("RATES 1").expect("reference"),
            received_on: d("2025-04-02"),
            appropriate_to: None,
        }),
        NndrCommand::Change {
            change: NndrChange::Occupation {
                from: d("2025-07-01"),
                occupied: false,
            },
            notice_date: d("2025-07-05"),
            context: Arc::clone(&context),
        },
        NndrCommand::Change {
            change: NndrChange::Reliefs {
                from: d("2025-08-01"),
                claims: ReliefClaims {
                    empty_exempt: true,
                    transitional_base: Some(Pence::new(1_200_000)),
                    ..ReliefClaims::default()
                },
            },
            notice_date: d("2025-08-05"),
            context: Arc::clone(&context),
        },
        NndrCommand::Change {
            change: NndrChange::EndLiability {
                last_day: d("2025-08-31"),
            },
            notice_date: d("2025-09-01"),
            context: Arc::clone(&context),
        },
        NndrCommand::RefundCredit(RefundCredit {
            refund_id: PaymentId::parse("00000000-0000-4000-9000-000000000008").expect("id"),
            amount_pence: Pence::new(1_000),
            refunded_on: d("2025-09-02"),
        }),
        NndrCommand::PlaceHold(Hold {
            reason: HoldReason::Dispute,
            from: d("2025-09-03"),
        }),
        NndrCommand::LiftHold(precept_domain::account::HoldLifted {
            reason: HoldReason::Dispute,
            on: d("2025-09-04"),
        }),
        NndrCommand::RunRecovery(RunRecovery {
            date: d("2025-09-05"),
            hearing: None,
            policy: Arc::clone(&recovery),
        }),
        NndrCommand::Recovery(YearAction {
            year: fy(2025),
            action: RecoveryAction::ReferToAgent {
                on: d("2025-09-06"),
                firm: ShortCode::parse("bailiff-1").expect("code"),
            },
            policy: recovery,
        }),
    ];
    let mut state = NndrAccountState::default();
    let mut events = Vec::new();
    for command in commands {
        // Commands the stage machine refuses (no order for a referral) simply add nothing.
        let Ok(decided) = state.decide(account_id(), command) else {
            continue;
        };
        for event in decided {
            state = state.apply(&event).expect("fits");
            events.push(event);
        }
    }
    events
}

#[test]
fn every_account_event_round_trips() {
    let events = history();
    let kinds: std::collections::BTreeSet<String> = events
        .iter()
        .map(|event| NndrAccount::encode_event(event).event_type)
        .collect();
    for kind in [
        OPENED,
        RELIEFS,
        PLAN_CHOSEN,
        BILL_ISSUED,
        PAYMENT_POSTED,
        PAYMENT_ALLOCATED,
        OCCUPATION,
        LIABILITY_ENDED,
        ALLOCATION_RELEASED,
        CREDIT_REFUNDED,
        HOLD_PLACED,
        HOLD_LIFTED,
    ] {
        assert!(kinds.contains(kind), "history lacks {kind}: {kinds:?}");
    }
    round_trip::<NndrAccount>(&events);
}

/// Fixed forever: the account's fact events.
const GOLDEN_ACCOUNT_V1: &str = r#"{"type":"NndrAccountOpened","schema":1,"data":{"account_id":"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11","hereditament_uprn":200000000001,"ratepayer_id":"00000000-0000-4000-8000-000000000001","liability_start":"2025-04-01","empty_since":"2025-01-01"}}
{"type":"OccupationChanged","schema":1,"data":{"from":"2025-07-01","occupied":true}}
{"type":"ReliefsChanged","schema":1,"data":{"from":"2025-04-01","sbrr":false,"charity":true,"charity_top_up_bp":1000,"rhl_cap_used_pence":0,"empty_exempt":false,"transitional_base_pence":1500000}}
{"type":"NndrLiabilityEnded","schema":1,"data":{"last_day":"2026-01-31"}}"#;

#[test]
fn account_fact_events_v1_match_the_golden_text() {
    let events = [
        NndrEvent::Opened(NndrAccountOpened {
            account_id: account_id(),
            hereditament: uprn("200000000001"),
            ratepayer: PartyId::parse("00000000-0000-4000-8000-000000000001").expect("id"),
            liability_start: d("2025-04-01"),
            empty_since: Some(d("2025-01-01")),
        }),
        NndrEvent::OccupationChanged(OccupationChanged {
            from: d("2025-07-01"),
            occupied: true,
        }),
        NndrEvent::ReliefsChanged(ReliefsChanged {
            from: d("2025-04-01"),
            claims: ReliefClaims {
                charity: true,
                charity_top_up_bp: 1_000,
                transitional_base: Some(Pence::new(1_500_000)),
                ..ReliefClaims::default()
            },
        }),
        NndrEvent::LiabilityEnded {
            last_day: d("2026-01-31"),
        },
    ];
    golden::<NndrAccount>(&events, GOLDEN_ACCOUNT_V1);
}

/// Fixed forever: listing, a schedule's alteration, a split and a merge.
const GOLDEN_HEREDITAMENT_V1: &str = r#"{"type":"HereditamentListed","schema":1,"data":{"rateable_value":30000,"industrial":true,"rhl_use":false,"listed_building":false,"effective_from":"2023-04-01"}}
{"type":"RateableValueAltered","schema":1,"data":{"rateable_value":27500,"effective_from":"2023-04-01","schedule_reference":"VOA/2025/0042"}}
{"type":"HereditamentRemoved","schema":1,"data":{"effective_from":"2025-10-01","reason":"split","successor_uprns":[200000000002,200000000003]}}
{"type":"HereditamentRemoved","schema":1,"data":{"effective_from":"2025-10-01","reason":"merged","successor_uprns":[200000000009]}}"#;

#[test]
fn hereditament_events_v1_match_the_golden_text() {
    let events = [
        HereditamentEvent::Listed {
            rateable_value: 30_000,
            class: PropertyClass {
                industrial: true,
                ..PropertyClass::default()
            },
            effective_from: d("2023-04-01"),
        },
        HereditamentEvent::ValueAltered {
            rateable_value: 27_500,
            effective_from: d("2023-04-01"),
            schedule_reference: "VOA/2025/0042".into(),
        },
        HereditamentEvent::Removed {
            effective_from: d("2025-10-01"),
            reason: Removal::Split(vec![uprn("200000000002"), uprn("200000000003")]),
        },
        HereditamentEvent::Removed {
            effective_from: d("2025-10-01"),
            reason: Removal::Merged(uprn("200000000009")),
        },
    ];
    golden::<Hereditament>(&events, GOLDEN_HEREDITAMENT_V1);
    round_trip::<Hereditament>(&[HereditamentEvent::Removed {
        effective_from: d("2025-10-01"),
        reason: Removal::Deleted,
    }]);
}

#[test]
fn a_merge_must_name_one_successor() {
    let bad = r#"{"type":"HereditamentRemoved","schema":1,"data":{"effective_from":"2025-10-01","reason":"merged","successor_uprns":[]}}"#;
    let encoded: EncodedEvent = serde_json::from_str(bad).expect("parses");
    assert!(matches!(
        Hereditament::decode_event(&encoded),
        Err(DecodeError::InvalidField {
            field: "successor_uprns"
        })
    ));
}

/// Fixed forever: the agency events.
const GOLDEN_AGENCY_V1: &str = r#"{"type":"AgentAppointed","schema":1,"data":{"from":"2005-04-01"}}
{"type":"AgencyEnded","schema":1,"data":{"last_day":"2026-03-31"}}"#;

#[test]
fn agency_events_v1_match_the_golden_text() {
    let events = [
        AgencyEvent::Appointed { from: d("2005-04-01") },
        AgencyEvent::Ended {
            last_day: d("2026-03-31"),
        },
    ];
    golden::<Agency>(&events, GOLDEN_AGENCY_V1);
}

#[test]
fn settings_of_every_published_year_round_trip() {
    let events: Vec<NndrSettingsSet> = (2023..=2026)
        .map(|start| NndrSettingsSet {
            effective_from: fy(start).first_day(),
            settings: NndrSettings::england(fy(start)).expect("published"),
        })
        .collect();
    round_trip::<NndrYearSettings>(&events);
}

/// Fixed forever: 2026/27's settings (five multipliers, transitional caps, the supplement).
const GOLDEN_SETTINGS_2026_V1: &str = r#"{"type":"NndrSettingsSet","schema":1,"data":{"year":"2026/27","effective_from":"2026-04-01","multipliers":{"regime":"five","small_business_rhl":382,"small_business":432,"standard_rhl":430,"standard":480,"high_value":508,"small_below":51000,"high_value_from":500000},"sbrr_full_up_to":12000,"sbrr_zero_from":15000,"charity_mandatory_bp":8000,"empty_months":3,"empty_industrial_months":6,"empty_exempt_below":2900,"transitional":{"small_up_to":20000,"medium_up_to":100000,"small_cap_bp":500,"medium_cap_bp":1500,"large_cap_bp":3000,"inflation_bp":0},"supplement":10,"late_twelve_whole_months":true,"instalment_minimum_pence":500,"summons_costs_pence":7000,"liability_order_costs_pence":3000,"recovery":{"reminder_after_days":14,"reminder_pay_days":7,"balance_due_days":14,"reminders_per_year":1,"final_notice_days":7,"summons_notice_days":14,"arrangement_grace_days":7,"agent_compliance_pence":7500,"agent_enforcement_pence":23500,"agent_sale_pence":11000,"agent_percentage_bp":750,"agent_percentage_threshold_pence":150000}}}"#;

#[test]
fn settings_v1_match_the_golden_text() {
    let event = NndrSettingsSet {
        effective_from: d("2026-04-01"),
        settings: NndrSettings::england(fy(2026)).expect("published"),
    };
    golden::<NndrYearSettings>(&[event], GOLDEN_SETTINGS_2026_V1);
}

#[test]
fn snapshots_round_trip() {
    let (position, requests) = position_and_requests();
    let mut state = NndrAccountState::default();
    for event in history() {
        state = state.apply(&event).expect("fits");
    }
    let bytes = NndrAccount::encode_snapshot(&state, position, &requests);
    let (decoded, decoded_position, _) = NndrAccount::decode_snapshot(&bytes).expect("decodes");
    assert_eq!((decoded, decoded_position), (state, position));
    assert!(NndrAccount::parse_id("not-a-uuid").is_err());
    assert!(
        Hereditament::parse_id("0200000000001").is_err(),
        "one subject per hereditament"
    );
}
