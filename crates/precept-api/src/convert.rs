//! Conversions between protobuf messages and domain values for Council Tax settings and charges.

use precept_domain::Pence;
use precept_domain::charge::{DiscountKind, PremiumBasis, YearCharge};
use precept_domain::council_year::{
    Band, BandRatio, LateTwelveRule, LocalPolicy, Preceptor, PreceptorKind, PremiumStep, ShortCode, YearSettings,
};
use precept_domain::recovery::{AgentFeeScale, RecoveryPolicy};

use crate::proto;
use crate::validate::Violations;

/// A band letter.
pub(crate) fn band(v: &mut Violations, field: &str, text: &str) -> Option<Band> {
    let mut chars = text.chars();
    match (chars.next().and_then(Band::from_letter), chars.next()) {
        (Some(band), None) => Some(band),
        _ => {
            v.add(field, "must be a band letter A-I");
            None
        }
    }
}

fn kind_from(v: &mut Violations, field: &str, value: i32) -> Option<PreceptorKind> {
    match proto::PreceptorKind::try_from(value) {
        Ok(proto::PreceptorKind::BillingAuthority) => Some(PreceptorKind::BillingAuthority),
        Ok(proto::PreceptorKind::County) => Some(PreceptorKind::County),
        Ok(proto::PreceptorKind::Police) => Some(PreceptorKind::Police),
        Ok(proto::PreceptorKind::Fire) => Some(PreceptorKind::Fire),
        Ok(proto::PreceptorKind::Parish) => Some(PreceptorKind::Parish),
        Ok(proto::PreceptorKind::Other) => Some(PreceptorKind::Other),
        Ok(proto::PreceptorKind::Unspecified) | Err(_) => {
            v.add(field, "must be a preceptor kind other than UNSPECIFIED");
            None
        }
    }
}

/// The proto kind of a preceptor.
pub(crate) fn kind_to(kind: PreceptorKind) -> proto::PreceptorKind {
    match kind {
        PreceptorKind::BillingAuthority => proto::PreceptorKind::BillingAuthority,
        PreceptorKind::County => proto::PreceptorKind::County,
        PreceptorKind::Police => proto::PreceptorKind::Police,
        PreceptorKind::Fire => proto::PreceptorKind::Fire,
        PreceptorKind::Parish => proto::PreceptorKind::Parish,
        PreceptorKind::Other => proto::PreceptorKind::Other,
    }
}

/// Year settings from a request; every bad field is named under `settings.`.
pub(crate) fn settings_from(v: &mut Violations, settings: Option<&proto::YearSettings>) -> Option<YearSettings> {
    let Some(settings) = settings else {
        v.add("settings", "is required");
        return None;
    };
    let mut bands = Vec::new();
    for (index, ratio) in settings.bands.iter().enumerate() {
        if let Some(letter) = band(v, &format!("settings.bands[{index}].band"), &ratio.band) {
            bands.push((
                letter,
                BandRatio {
                    numerator: ratio.numerator,
                    denominator: ratio.denominator,
                },
            ));
        }
    }
    let mut preceptors = Vec::new();
    for (index, preceptor) in settings.preceptors.iter().enumerate() {
        let field = format!("settings.preceptors[{index}]");
        let code = v.check(&format!("{field}.code"), ShortCode::parse(&preceptor.code));
        let kind = kind_from(v, &format!("{field}.kind"), preceptor.kind);
        let parish_area = if preceptor.parish_area.is_empty() {
            Some(None)
        } else {
            v.check(
                &format!("{field}.parish_area"),
                ShortCode::parse(&preceptor.parish_area),
            )
            .map(Some)
        };
        if let (Some(code), Some(kind), Some(parish_area)) = (code, kind, parish_area) {
            preceptors.push(Preceptor {
                code,
                kind,
                parish_area,
                band_d: Pence::new(preceptor.band_d_pence),
            });
        }
    }
    let Some(policy) = settings.policy.as_ref() else {
        v.add("settings.policy", "is required");
        return None;
    };
    let late_twelve_rule = match proto::LateTwelveRule::try_from(policy.late_twelve_rule) {
        Ok(proto::LateTwelveRule::Statutory) => LateTwelveRule::Statutory,
        // Unspecified takes the NNDR-equivalent default (REFERENCE §1.9, unconfirmed for CT).
        Ok(proto::LateTwelveRule::WholeMonthsRemaining | proto::LateTwelveRule::Unspecified) => {
            LateTwelveRule::WholeMonthsRemaining
        }
        Err(_) => {
            v.add("settings.policy.late_twelve_rule", "unknown value");
            LateTwelveRule::WholeMonthsRemaining
        }
    };
    let policy = LocalPolicy {
        single_person_discount_bp: policy.single_person_discount_bp,
        all_disregarded_discount_bp: policy.all_disregarded_discount_bp,
        long_term_empty_premiums: policy
            .long_term_empty_premiums
            .iter()
            .map(|step| PremiumStep {
                empty_years_min: step.empty_years_min,
                premium_bp: step.premium_bp,
            })
            .collect(),
        second_home_premium_bp: policy.second_home_premium_bp,
        instalment_days: policy.instalment_days.clone(),
        late_twelve_rule,
        instalment_minimum: Pence::new(policy.instalment_minimum_pence),
        recovery: recovery_from(policy),
    };
    let settings = YearSettings {
        bands,
        preceptors,
        policy,
    };
    // The domain's own rules, reported against the field they concern.
    if let Err(error) = settings.validate() {
        let field = match &error {
            precept_domain::council_year::SettingsError::Bands => "settings.bands".to_owned(),
            precept_domain::council_year::SettingsError::Preceptors(_) => "settings.preceptors".to_owned(),
            precept_domain::council_year::SettingsError::Policy(name) => format!("settings.policy.{name}"),
        };
        v.add(&field, error.to_string());
    }
    Some(settings)
}

/// Year settings as a message.
pub(crate) fn settings_to(settings: &YearSettings) -> proto::YearSettings {
    let policy = &settings.policy;
    proto::YearSettings {
        bands: settings
            .bands
            .iter()
            .map(|(band, ratio)| proto::BandRatio {
                band: band.to_string(),
                numerator: ratio.numerator,
                denominator: ratio.denominator,
            })
            .collect(),
        preceptors: settings
            .preceptors
            .iter()
            .map(|p| proto::Preceptor {
                code: p.code.to_string(),
                kind: kind_to(p.kind).into(),
                parish_area: p.parish_area.as_ref().map(ToString::to_string).unwrap_or_default(),
                band_d_pence: p.band_d.get(),
            })
            .collect(),
        policy: Some(proto::LocalPolicy {
            single_person_discount_bp: policy.single_person_discount_bp,
            all_disregarded_discount_bp: policy.all_disregarded_discount_bp,
            long_term_empty_premiums: policy
                .long_term_empty_premiums
                .iter()
                .map(|step| proto::PremiumStep {
                    empty_years_min: step.empty_years_min,
                    premium_bp: step.premium_bp,
                })
                .collect(),
            second_home_premium_bp: policy.second_home_premium_bp,
            instalment_days: policy.instalment_days.clone(),
            late_twelve_rule: match policy.late_twelve_rule {
                LateTwelveRule::WholeMonthsRemaining => proto::LateTwelveRule::WholeMonthsRemaining,
                LateTwelveRule::Statutory => proto::LateTwelveRule::Statutory,
            }
            .into(),
            instalment_minimum_pence: policy.instalment_minimum.get(),
            summons_costs_pence: policy.recovery.summons_costs.get(),
            liability_order_costs_pence: policy.recovery.liability_order_costs.get(),
            recovery: Some(recovery_to(&policy.recovery)),
        }),
    }
}

/// A charge breakdown as a message.
pub(crate) fn charge_to(charge: &YearCharge) -> proto::YearCharge {
    proto::YearCharge {
        liable_days: u32::try_from(charge.liable_days).unwrap_or(0),
        gross_pence: charge.gross.get(),
        exemption_pence: charge.exemption.get(),
        discount_pence: charge.discount.get(),
        premium_pence: charge.premium.get(),
        reduction_pence: charge.reduction.get(),
        net_pence: charge.net.get(),
        preceptors: charge
            .preceptors
            .iter()
            .map(|share| proto::PreceptorShare {
                code: share.code.to_string(),
                kind: kind_to(share.kind).into(),
                amount_pence: share.amount.get(),
            })
            .collect(),
        segments: charge
            .segments
            .iter()
            .map(|segment| proto::ChargeSegment {
                from: segment.from.to_string(),
                to: segment.to.to_string(),
                band: segment.band.to_string(),
                band_d_total_pence: segment.band_d_total.get(),
                discount: match segment.discount.map(|d| d.0) {
                    Some(DiscountKind::SinglePerson) => proto::DiscountKind::SinglePerson,
                    Some(DiscountKind::AllDisregarded) => proto::DiscountKind::AllDisregarded,
                    None => proto::DiscountKind::Unspecified,
                }
                .into(),
                discount_bp: segment.discount.map_or(0, |d| d.1),
                exemption_class: segment.exemption.map(|c| c.to_string()).unwrap_or_default(),
                premium: match segment.premium.map(|p| p.0) {
                    Some(PremiumBasis::LongTermEmpty { .. }) => proto::PremiumKind::LongTermEmpty,
                    Some(PremiumBasis::SecondHome) => proto::PremiumKind::SecondHome,
                    None => proto::PremiumKind::Unspecified,
                }
                .into(),
                premium_bp: segment.premium.map_or(0, |p| p.1),
                ctr_claim_id: segment.reduction.map(|r| r.claim.to_string()).unwrap_or_default(),
                ctr_percent_bp: segment.reduction.map_or(0, |r| r.percent_bp),
                ctr_weekly_less_pence: segment.reduction.map_or(0, |r| r.weekly_less.get()),
            })
            .collect(),
    }
}

/// The recovery policy: the costs, with the council's timetable or the English defaults.
/// Ranges are checked by the settings' own validation, which names the field.
fn recovery_from(policy: &proto::LocalPolicy) -> RecoveryPolicy {
    let base = RecoveryPolicy::council_tax(
        Pence::new(policy.summons_costs_pence),
        Pence::new(policy.liability_order_costs_pence),
    );
    timetable_from(base, policy.recovery.as_ref())
}

/// A recovery policy: `base` (with its costs) amended by a timetable, where one is given.
pub(crate) fn timetable_from(base: RecoveryPolicy, timetable: Option<&proto::RecoveryTimetable>) -> RecoveryPolicy {
    let mut recovery = base;
    if let Some(t) = timetable {
        recovery.reminder_after_days = t.reminder_after_days;
        recovery.reminder_pay_days = t.reminder_pay_days;
        recovery.balance_due_days = t.balance_due_days;
        recovery.reminders_per_year = t.reminders_per_year;
        recovery.final_notice_days = t.final_notice_days;
        recovery.summons_notice_days = t.summons_notice_days;
        recovery.arrangement_grace_days = t.arrangement_grace_days;
        recovery.agent_fees = AgentFeeScale {
            compliance: Pence::new(t.agent_compliance_pence),
            enforcement: Pence::new(t.agent_enforcement_pence),
            sale: Pence::new(t.agent_sale_pence),
            percentage_bp: t.agent_percentage_bp,
            percentage_threshold: Pence::new(t.agent_percentage_threshold_pence),
        };
    }
    recovery
}

pub(crate) fn recovery_to(recovery: &RecoveryPolicy) -> proto::RecoveryTimetable {
    proto::RecoveryTimetable {
        reminder_after_days: recovery.reminder_after_days,
        reminder_pay_days: recovery.reminder_pay_days,
        balance_due_days: recovery.balance_due_days,
        reminders_per_year: recovery.reminders_per_year,
        final_notice_days: recovery.final_notice_days,
        summons_notice_days: recovery.summons_notice_days,
        arrangement_grace_days: recovery.arrangement_grace_days,
        agent_compliance_pence: recovery.agent_fees.compliance.get(),
        agent_enforcement_pence: recovery.agent_fees.enforcement.get(),
        agent_sale_pence: recovery.agent_fees.sale.get(),
        agent_percentage_bp: recovery.agent_fees.percentage_bp,
        agent_percentage_threshold_pence: recovery.agent_fees.percentage_threshold.get(),
    }
}
