//! Golden tests: the stored text of every benefits event, fixed forever.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use precept_domain::Pence;
use precept_domain::benefits::claim::BenefitClaim;
use precept_domain::benefits::claim::{
    ChangeSource, Circumstances, ClaimDetails, ClaimEvent, ClaimKind, Figures, FraudBody, NinoHash, Overpayment,
    RecoveryMethod, UcOutcome, WorkReason,
};
use precept_domain::benefits::ctr::{BandedScheme, CtrAssessment, CtrCircumstances, CtrScheme, PensionAgeScheme};
use precept_domain::benefits::hb::{
    HbCircumstances, HbParameters, Household, NonDependant, NonDependantCircumstance, RentFigures,
};
use precept_domain::benefits::overpayment::{OverpaymentClass, RecoveryRates};
use precept_domain::benefits::settings::{BackdatingRules, BenefitSettings, BenefitSettingsSet, BenefitYear, UcRules};
use precept_domain::benefits::uc_import::{ImportEvent, ImportSummary, RejectedLine, UcImport, UnmatchedRecord};
use precept_domain::ids::{AccountId, PartyId};

use super::super::{EncodedEvent, StoredAggregate};

#[path = "golden.rs"]
mod golden;

fn day(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn ctr_circumstances() -> Circumstances {
    Circumstances::Ctr(CtrCircumstances {
        household: Household {
            children: 1,
            ..Household::default()
        },
        weekly_earnings: Pence::new(12_000),
        other_weekly_income: Pence::new(1_500),
        capital: Pence::new(200_000),
        passported: false,
        non_dependants: vec![NonDependant {
            circumstance: NonDependantCircumstance::Working16Hours,
            gross_weekly_income: Pence::new(30_000),
        }],
        non_dependant_exempt: false,
    })
}

fn ctr_figures() -> Figures {
    Figures::Ctr(CtrAssessment {
        band: Some(2),
        percent_bp: 6_000,
        weekly_less: Pence::new(1_000),
        weekly_income: Pence::new(13_500),
        tariff_income: Pence::ZERO,
        excess_income: Pence::ZERO,
        taper: Pence::ZERO,
        non_dependant_deductions: Pence::new(1_000),
        refusal: None,
    })
}

fn hb_circumstances() -> Circumstances {
    Circumstances::Hb(HbCircumstances {
        household: Household {
            pension_age: true,
            ..Household::default()
        },
        rent: RentFigures {
            contractual_rent: Pence::new(10_000),
            ineligible_charges: Pence::ZERO,
            lha_cap: None,
            size_criteria_bp: 0,
        },
        weekly_earnings: Pence::ZERO,
        other_weekly_income: Pence::ZERO,
        capital: Pence::ZERO,
        passported: true,
        non_dependants: Vec::new(),
        non_dependant_exempt: false,
    })
}

pub(super) fn claim_events() -> Vec<ClaimEvent> {
    let details = ClaimDetails {
        kind: ClaimKind::CouncilTaxReduction,
        claimant: PartyId::parse("6f1c3a52-9f3e-4a57-8d3a-2c1b0e9d7a11").expect("uuid"),
        nino_hash: NinoHash::parse(&"0f".repeat(32)).expect("hash"),
        received: day("2025-04-07"),
        claimed_from: day("2025-04-01"),
        pension_age: false,
        account: Some(AccountId::parse("0a4e9c1d-5b7f-4c2e-9d8a-3f6b1e2c4d5a").expect("uuid")),
    };
    vec![
        ClaimEvent::Received(details),
        ClaimEvent::EvidenceRequested {
            on: day("2025-04-08"),
            items: vec!["payslips".into()],
        },
        ClaimEvent::EvidenceReceived { on: day("2025-04-15") },
        ClaimEvent::Awarded {
            on: day("2025-04-16"),
            from: day("2025-04-01"),
            circumstances: ctr_circumstances(),
            figures: ctr_figures(),
        },
        ClaimEvent::Refused {
            on: day("2025-04-16"),
            figures: None,
            reasons: vec!["not_resident".into()],
        },
        ClaimEvent::ChangeReported {
            reported: day("2025-06-02"),
            effective: day("2025-05-15"),
            source: ChangeSource::UcNotification("UC-000123".into()),
        },
        ClaimEvent::ChangeReported {
            reported: day("2025-06-02"),
            effective: day("2025-05-15"),
            source: ChangeSource::Reported,
        },
        ClaimEvent::Reassessed {
            on: day("2025-06-02"),
            from: day("2025-05-15"),
            circumstances: hb_circumstances(),
            figures: Figures::Hb(precept_domain::benefits::hb::assess_hb(
                match &hb_circumstances() {
                    Circumstances::Hb(c) => c,
                    Circumstances::Ctr(_) => unreachable!("built as HB"),
                },
                &HbParameters::england_2025_26(),
            )),
        },
        ClaimEvent::Suspended {
            on: day("2025-06-03"),
            reason: "evidence_outstanding".into(),
        },
        ClaimEvent::Resumed { on: day("2025-06-10") },
        ClaimEvent::HbPaid {
            from: day("2025-06-02"),
            through: day("2025-06-08"),
            gross: Pence::new(3_800),
            deducted: Pence::new(1_405),
        },
        ClaimEvent::OverpaymentIdentified(Overpayment {
            number: 1,
            class: OverpaymentClass::ClaimantError,
            from: day("2025-04-07"),
            through: day("2025-06-01"),
            amount: Pence::new(49_600),
            recoverable: true,
            method: RecoveryMethod::Deduction,
            recovered: Pence::ZERO,
            written_off: Pence::ZERO,
        }),
        ClaimEvent::OverpaymentRecovered {
            number: 1,
            amount: Pence::new(1_405),
            method: RecoveryMethod::Deduction,
            on: day("2025-06-02"),
        },
        ClaimEvent::OverpaymentInvoiced {
            number: 1,
            on: day("2025-07-01"),
        },
        ClaimEvent::OverpaymentWrittenOff {
            number: 1,
            amount: Pence::new(500),
            on: day("2025-08-01"),
            reason: "uneconomic".into(),
        },
        ClaimEvent::FraudReferred {
            on: day("2025-08-02"),
            to: FraudBody::Council,
            reason: "undeclared_partner".into(),
        },
        ClaimEvent::UcNotificationHandled {
            record_id: "UC-000123".into(),
            file_date: day("2025-06-02"),
            outcome: UcOutcome::Reassessed,
        },
        ClaimEvent::UcNotificationHandled {
            record_id: "UC-000124".into(),
            file_date: day("2025-06-02"),
            outcome: UcOutcome::WorkItem(WorkReason::HouseholdChanged),
        },
        ClaimEvent::WorkItemRaised {
            item: "UC-000124".into(),
            on: day("2025-06-02"),
            reason: WorkReason::HouseholdChanged,
        },
        ClaimEvent::WorkItemClosed {
            item: "UC-000124".into(),
            on: day("2025-06-04"),
        },
        ClaimEvent::Ended {
            on: day("2025-09-01"),
            from: day("2025-09-01"),
            reason: "moved_away".into(),
        },
        ClaimEvent::OverpaymentReduced {
            number: 1,
            by: Pence::new(4_000),
            on: day("2025-09-02"),
        },
    ]
}

fn settings_event() -> BenefitSettingsSet {
    BenefitSettingsSet {
        effective_from: day("2025-04-01"),
        settings: BenefitSettings {
            hb: HbParameters::england_2025_26(),
            ctr: CtrScheme {
                working_age: BandedScheme::swale_2023(),
                pension_age: PensionAgeScheme::england_2025_26(),
            },
            recovery: RecoveryRates::year_2022_23(),
            uc: UcRules::default(),
            backdating: BackdatingRules::default(),
        },
    }
}

fn import_events() -> Vec<ImportEvent> {
    let mut work_items = BTreeMap::new();
    work_items.insert(WorkReason::HouseholdChanged, 3);
    vec![
        ImportEvent::FileImported(ImportSummary {
            file_date: day("2025-06-02"),
            lines: 10,
            same_band: 4,
            within_tolerance: 1,
            reassessed: 1,
            work_items,
            already_handled: 0,
            unmatched: vec![UnmatchedRecord {
                record_id: "UC-000130".into(),
                line: 9,
            }],
            rejected: vec![RejectedLine {
                line: 11,
                field: "nino".into(),
                reason: "is not a valid National Insurance number".into(),
            }],
        }),
        ImportEvent::UnmatchedClosed {
            record_id: "UC-000130".into(),
            on: day("2025-06-05"),
        },
    ]
}

fn lines<A: StoredAggregate>(events: &[A::Event]) -> String {
    events
        .iter()
        .map(|event| serde_json::to_string(&A::encode_event(event)).expect("encodes"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn round_trip<A: StoredAggregate>(golden: &str, events: &[A::Event])
where
    A::Event: PartialEq + std::fmt::Debug,
{
    for (line, event) in golden.lines().zip(events) {
        let encoded: EncodedEvent = serde_json::from_str(line).expect("parses");
        assert_eq!(&A::decode_event(&encoded).expect("decodes"), event);
    }
    assert_eq!(golden.lines().count(), events.len());
}

#[test]
fn claim_events_v1_match_the_golden_text() {
    let events = claim_events();
    assert_eq!(lines::<BenefitClaim>(&events), golden::CLAIM_V1);
    round_trip::<BenefitClaim>(golden::CLAIM_V1, &events);
}

#[test]
fn settings_events_v1_match_the_golden_text() {
    let events = [settings_event()];
    assert_eq!(lines::<BenefitYear>(&events), golden::SETTINGS_V1);
    round_trip::<BenefitYear>(golden::SETTINGS_V1, &events);
}

#[test]
fn import_events_v1_match_the_golden_text() {
    let events = import_events();
    assert_eq!(lines::<UcImport>(&events), golden::IMPORT_V1);
    round_trip::<UcImport>(golden::IMPORT_V1, &events);
}

#[test]
fn unknown_schema_versions_and_bad_codes_are_refused() {
    let mut encoded = BenefitClaim::encode_event(&claim_events()[0]);
    encoded.schema = 2;
    assert!(BenefitClaim::decode_event(&encoded).is_err());
    let line = r#"{"type":"WorkItemRaised","schema":1,"data":{"item":"x","on":"2025-06-02","reason":"bored"}}"#;
    let encoded: EncodedEvent = serde_json::from_str(line).expect("parses");
    assert!(BenefitClaim::decode_event(&encoded).is_err());
}
