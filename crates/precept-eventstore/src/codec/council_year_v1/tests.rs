//! Golden text, round trips, decoding checks, ids and snapshots for `ct-year`.

use precept_domain::FinancialYear;
use precept_domain::council_year::{PreceptorKind, ShortCode};

use super::*;
use crate::codec::snapshot::testing::{assert_shape, position_and_requests};

fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture date")
}

fn year() -> FinancialYear {
    FinancialYear::starting(2025).expect("fixture year")
}

fn code(text: &str) -> ShortCode {
    ShortCode::parse(text).expect("fixture code")
}

/// Welsh bands (so band I is covered), every preceptor kind, a parish precept.
fn settings() -> YearSettings {
    let preceptor = |name: &str, kind, parish_area: Option<&str>, band_d| Preceptor {
        code: code(name),
        kind,
        parish_area: parish_area.map(code),
        band_d: Pence::new(band_d),
    };
    YearSettings {
        bands: YearSettings::wales_bands(),
        preceptors: vec![
            preceptor("swale", PreceptorKind::BillingAuthority, None, 22_878),
            preceptor("kcc", PreceptorKind::County, None, 169_290),
            preceptor("kent-police", PreceptorKind::Police, None, 26_915),
            preceptor("kent-fire", PreceptorKind::Fire, None, 9_333),
            preceptor("gla", PreceptorKind::Other, None, 1),
            preceptor("parish-boughton", PreceptorKind::Parish, Some("boughton"), 5_012),
        ],
        policy: LocalPolicy::england_default(),
    }
}

fn first() -> YearSettingsSet {
    YearSettingsSet {
        year: year(),
        effective_from: date("2025-04-01"),
        settings: settings(),
    }
}

fn amended() -> YearSettingsSet {
    let mut settings = settings();
    settings.bands = YearSettings::england_bands();
    settings.preceptors.truncate(1);
    settings.policy.long_term_empty_premiums.clear();
    settings.policy.late_twelve_rule = LateTwelveRule::Statutory;
    settings.policy.second_home_premium_bp = 10_000;
    YearSettingsSet {
        year: year(),
        effective_from: date("2025-10-01"),
        settings,
    }
}

/// Golden text of [`first`] as written before the recovery timetable joined the policy.
/// Fixed forever: stored settings in this form must still decode.
const GOLDEN_SETTINGS_SET_V1: &str = r#"{"type":"YearSettingsSet","schema":1,"data":{"year":"2025/26","effective_from":"2025-04-01","settings":{"bands":[{"band":"A","numerator":6,"denominator":9},{"band":"B","numerator":7,"denominator":9},{"band":"C","numerator":8,"denominator":9},{"band":"D","numerator":9,"denominator":9},{"band":"E","numerator":11,"denominator":9},{"band":"F","numerator":13,"denominator":9},{"band":"G","numerator":15,"denominator":9},{"band":"H","numerator":18,"denominator":9},{"band":"I","numerator":21,"denominator":9}],"preceptors":[{"code":"swale","kind":"billing_authority","band_d_pence":22878},{"code":"kcc","kind":"county","band_d_pence":169290},{"code":"kent-police","kind":"police","band_d_pence":26915},{"code":"kent-fire","kind":"fire","band_d_pence":9333},{"code":"gla","kind":"other","band_d_pence":1},{"code":"parish-boughton","kind":"parish","parish_area":"boughton","band_d_pence":5012}],"policy":{"single_person_discount_bp":2500,"all_disregarded_discount_bp":5000,"long_term_empty_premiums":[{"empty_years_min":1,"premium_bp":10000},{"empty_years_min":5,"premium_bp":20000},{"empty_years_min":10,"premium_bp":30000}],"second_home_premium_bp":0,"instalment_days":[1,8,15,23],"late_twelve_rule":"whole_months_remaining","instalment_minimum_pence":500,"summons_costs_pence":7000,"liability_order_costs_pence":3000}}}}"#;

/// Golden text of [`first`] since the recovery timetable joined the policy (still schema 1:
/// the field is optional). Fixed forever.
const GOLDEN_SETTINGS_SET_V1_WITH_TIMETABLE: &str = concat!(
    r#"{"type":"YearSettingsSet","schema":1,"data":{"year":"2025/26","effective_from":"2025-04-01","settings":{"bands":[{"band":"A","numerator":6,"denominator":9},{"band":"B","numerator":7,"denominator":9},{"band":"C","numerator":8,"denominator":9},{"band":"D","numerator":9,"denominator":9},{"band":"E","numerator":11,"denominator":9},{"band":"F","numerator":13,"denominator":9},{"band":"G","numerator":15,"denominator":9},{"band":"H","numerator":18,"denominator":9},{"band":"I","numerator":21,"denominator":9}],"preceptors":[{"code":"swale","kind":"billing_authority","band_d_pence":22878},{"code":"kcc","kind":"county","band_d_pence":169290},{"code":"kent-police","kind":"police","band_d_pence":26915},{"code":"kent-fire","kind":"fire","band_d_pence":9333},{"code":"gla","kind":"other","band_d_pence":1},{"code":"parish-boughton","kind":"parish","parish_area":"boughton","band_d_pence":5012}],"policy":{"single_person_discount_bp":2500,"all_disregarded_discount_bp":5000,"long_term_empty_premiums":[{"empty_years_min":1,"premium_bp":10000},{"empty_years_min":5,"premium_bp":20000},{"empty_years_min":10,"premium_bp":30000}],"second_home_premium_bp":0,"instalment_days":[1,8,15,23],"late_twelve_rule":"whole_months_remaining","instalment_minimum_pence":500,"summons_costs_pence":7000,"liability_order_costs_pence":3000,"#,
    r#""recovery":{"reminder_after_days":14,"reminder_pay_days":7,"balance_due_days":14,"reminders_per_year":2,"final_notice_days":7,"summons_notice_days":14,"arrangement_grace_days":7,"agent_compliance_pence":7500,"agent_enforcement_pence":23500,"agent_sale_pence":11000,"agent_percentage_bp":750,"agent_percentage_threshold_pence":150000}}}}}"#
);

#[test]
fn year_settings_set_v1_encodes_to_the_golden_text_and_decodes_back() {
    let event = first();
    let encoded = CouncilYear::encode_event(&event);
    let text = serde_json::to_string(&encoded).expect("encodes");
    assert_eq!(text, GOLDEN_SETTINGS_SET_V1_WITH_TIMETABLE);
    let parsed: EncodedEvent = serde_json::from_str(GOLDEN_SETTINGS_SET_V1_WITH_TIMETABLE).expect("golden parses");
    assert_eq!(CouncilYear::decode_event(&parsed).ok(), Some(event));
}

#[test]
fn settings_recorded_before_the_timetable_decode_to_the_english_defaults_then_in_code() {
    let parsed: EncodedEvent = serde_json::from_str(GOLDEN_SETTINGS_SET_V1).expect("golden text parses");
    let decoded = CouncilYear::decode_event(&parsed).expect("older text decodes");
    assert_eq!(
        decoded.settings.policy.recovery,
        RecoveryPolicy::council_tax(Pence::new(7_000), Pence::new(3_000))
    );
    assert_eq!(decoded, first());
}

#[test]
fn a_council_s_own_timetable_and_fee_scale_round_trip() {
    let mut event = amended();
    event.settings.policy.recovery.reminders_per_year = 1;
    event.settings.policy.recovery.final_notice_days = 14;
    event.settings.policy.recovery.agent_fees.enforcement = Pence::new(26_000);
    let encoded = CouncilYear::encode_event(&event);
    assert_eq!(CouncilYear::decode_event(&encoded).ok(), Some(event));
}

#[test]
fn year_settings_round_trip() {
    for event in [first(), amended()] {
        let encoded = CouncilYear::encode_event(&event);
        assert_eq!((encoded.event_type.as_str(), encoded.schema), ("YearSettingsSet", 1));
        assert_eq!(CouncilYear::decode_event(&encoded).ok(), Some(event));
    }
}

#[test]
fn values_the_domain_refuses_are_reported_by_field() {
    let text = CouncilYear::encode_event(&first()).data.get().to_owned();
    let cases = [
        (r#""year":"2025/26""#, r#""year":"2025/2026""#, "year"),
        (r#""band":"I""#, r#""band":"i""#, "settings.bands.band"),
        (r#""code":"kcc""#, r#""code":"k c c""#, "settings.preceptors.code"),
        (
            r#""parish_area":"boughton""#,
            r#""parish_area":"""#,
            "settings.preceptors.parish_area",
        ),
    ];
    for (good, bad, field) in cases {
        assert!(text.contains(good), "fixture text holds {good}");
        let corrupted = EncodedEvent {
            event_type: "YearSettingsSet".into(),
            schema: 1,
            data: serde_json::value::RawValue::from_string(text.replacen(good, bad, 1)).expect("valid JSON"),
        };
        assert!(
            matches!(CouncilYear::decode_event(&corrupted), Err(DecodeError::InvalidField { field: f }) if f == field),
            "{field}"
        );
    }
    let unknown = EncodedEvent {
        event_type: "YearSettingsSet".into(),
        schema: 2,
        data: serde_json::value::RawValue::from_string("{}".into()).expect("valid JSON"),
    };
    assert!(matches!(
        CouncilYear::decode_event(&unknown),
        Err(DecodeError::Unknown { version: 2, .. })
    ));
}

#[test]
fn year_ids_parse_only_in_their_subject_form() {
    let id = CouncilYear::parse_id("2025-26").expect("subject form parses");
    assert_eq!(id, CouncilYearId(year()));
    assert_eq!(id.to_string(), "2025-26");
    for bad in ["2025/26", "2025-27", "2025", "1992-93", ""] {
        assert!(
            matches!(
                CouncilYear::parse_id(bad),
                Err(DecodeError::InvalidField { field: "aggregate_id" })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn year_snapshots_round_trip() {
    let state = CouncilYear::fold(YearHistory::default(), &[first(), amended()]).expect("valid history");
    assert_eq!(state.versions.len(), 2);
    assert_eq!(
        state.on(date("2025-12-25")).map(|s| s.policy.late_twelve_rule),
        Some(LateTwelveRule::Statutory)
    );
    let (position, requests) = position_and_requests();
    let bytes = CouncilYear::encode_snapshot(&state, position, &requests);
    assert_shape(&bytes, "ct-year");
    assert_eq!(
        CouncilYear::decode_snapshot(&bytes),
        Some((state, position, requests.clone()))
    );
    let empty = CouncilYear::encode_snapshot(&YearHistory::default(), position, &requests);
    assert_eq!(
        CouncilYear::decode_snapshot(&empty),
        Some((YearHistory::default(), position, requests))
    );
    assert_eq!(
        CouncilYear::decode_snapshot(br#"{"encoding":"precept.snapshot.ct-year.v1"}"#),
        None
    );
}
