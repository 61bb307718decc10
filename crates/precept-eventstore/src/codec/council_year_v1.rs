//! Stored encodings of the council year (`ct-year`), schema version 1: `YearSettingsSet`.
//!
//! The settings are written out in full in every event (bands with their ratios, every
//! preceptor's Band D amount, the local policy), so each version stands alone. Decoding checks
//! codes, bands and the year with the domain's parsers, but not the settings' business rules
//! (`YearSettings::validate`): those were checked when the command was decided, and a later
//! tightening of the rules must not make stored history unreadable.

use std::str::FromStr;

use chrono::NaiveDate;
use precept_app::{RequestLog, StreamPosition};
use precept_domain::AggregateKind;
use precept_domain::Pence;
use precept_domain::council_year::{
    BandRatio, CouncilYear, CouncilYearId, LateTwelveRule, LocalPolicy, Preceptor, PremiumStep, YearHistory,
    YearSettings, YearSettingsSet,
};
use precept_domain::recovery::{AgentFeeScale, RecoveryPolicy};
use serde::{Deserialize, Serialize};

use super::json::{Dto, decode_dto, encode_dto, invalid};
use super::values_v1::{PreceptorKindV1, band_text, parse_band, parse_code, parse_year, year_text};
use super::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const SETTINGS_SET: &str = "YearSettingsSet";

/// `YearSettingsSet`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
struct YearSettingsSetV1 {
    year: String,
    effective_from: NaiveDate,
    settings: YearSettingsV1,
}

#[derive(Debug, Serialize, Deserialize)]
struct YearSettingsV1 {
    bands: Vec<BandRatioV1>,
    preceptors: Vec<PreceptorV1>,
    policy: LocalPolicyV1,
}

#[derive(Debug, Serialize, Deserialize)]
struct BandRatioV1 {
    band: String,
    numerator: u32,
    denominator: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct PreceptorV1 {
    code: String,
    kind: PreceptorKindV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parish_area: Option<String>,
    band_d_pence: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct LocalPolicyV1 {
    single_person_discount_bp: u32,
    all_disregarded_discount_bp: u32,
    long_term_empty_premiums: Vec<PremiumStepV1>,
    second_home_premium_bp: u32,
    instalment_days: Vec<u32>,
    late_twelve_rule: LateTwelveRuleV1,
    instalment_minimum_pence: i64,
    summons_costs_pence: i64,
    liability_order_costs_pence: i64,
    /// Added within schema 1: settings recorded before it decode to the timetable and fee
    /// scale that were then fixed in code (the English defaults), so history keeps its meaning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recovery: Option<RecoveryTimetableV1>,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct RecoveryTimetableV1 {
    reminder_after_days: u32,
    reminder_pay_days: u32,
    balance_due_days: u32,
    reminders_per_year: u32,
    final_notice_days: u32,
    summons_notice_days: u32,
    arrangement_grace_days: u32,
    agent_compliance_pence: i64,
    agent_enforcement_pence: i64,
    agent_sale_pence: i64,
    agent_percentage_bp: u32,
    agent_percentage_threshold_pence: i64,
}

impl RecoveryTimetableV1 {
    pub(crate) fn from_domain(policy: &RecoveryPolicy) -> Self {
        RecoveryTimetableV1 {
            reminder_after_days: policy.reminder_after_days,
            reminder_pay_days: policy.reminder_pay_days,
            balance_due_days: policy.balance_due_days,
            reminders_per_year: policy.reminders_per_year,
            final_notice_days: policy.final_notice_days,
            summons_notice_days: policy.summons_notice_days,
            arrangement_grace_days: policy.arrangement_grace_days,
            agent_compliance_pence: policy.agent_fees.compliance.get(),
            agent_enforcement_pence: policy.agent_fees.enforcement.get(),
            agent_sale_pence: policy.agent_fees.sale.get(),
            agent_percentage_bp: policy.agent_fees.percentage_bp,
            agent_percentage_threshold_pence: policy.agent_fees.percentage_threshold.get(),
        }
    }

    pub(crate) fn into_domain(self, summons_costs: Pence, liability_order_costs: Pence) -> RecoveryPolicy {
        RecoveryPolicy {
            reminder_after_days: self.reminder_after_days,
            reminder_pay_days: self.reminder_pay_days,
            balance_due_days: self.balance_due_days,
            reminders_per_year: self.reminders_per_year,
            final_notice_days: self.final_notice_days,
            summons_notice_days: self.summons_notice_days,
            summons_costs,
            liability_order_costs,
            arrangement_grace_days: self.arrangement_grace_days,
            agent_fees: AgentFeeScale {
                compliance: Pence::new(self.agent_compliance_pence),
                enforcement: Pence::new(self.agent_enforcement_pence),
                sale: Pence::new(self.agent_sale_pence),
                percentage_bp: self.agent_percentage_bp,
                percentage_threshold: Pence::new(self.agent_percentage_threshold_pence),
            },
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct PremiumStepV1 {
    empty_years_min: u32,
    premium_bp: u32,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum LateTwelveRuleV1 {
    WholeMonthsRemaining,
    Statutory,
}

impl Dto<YearSettingsSet> for YearSettingsSetV1 {
    fn from_domain(event: &YearSettingsSet) -> Self {
        YearSettingsSetV1 {
            year: year_text(event.year),
            effective_from: event.effective_from,
            settings: YearSettingsV1::from_domain(&event.settings),
        }
    }

    fn into_domain(self) -> Result<YearSettingsSet, DecodeError> {
        Ok(YearSettingsSet {
            year: parse_year(&self.year, "year")?,
            effective_from: self.effective_from,
            settings: self.settings.into_domain()?,
        })
    }
}

impl Dto<YearSettings> for YearSettingsV1 {
    fn from_domain(settings: &YearSettings) -> Self {
        YearSettingsV1 {
            bands: settings
                .bands
                .iter()
                .map(|(band, ratio)| BandRatioV1 {
                    band: band_text(*band),
                    numerator: ratio.numerator,
                    denominator: ratio.denominator,
                })
                .collect(),
            preceptors: settings.preceptors.iter().map(PreceptorV1::from_domain).collect(),
            policy: LocalPolicyV1::from_domain(&settings.policy),
        }
    }

    fn into_domain(self) -> Result<YearSettings, DecodeError> {
        Ok(YearSettings {
            bands: self
                .bands
                .into_iter()
                .map(|ratio| {
                    let band = parse_band(&ratio.band, "settings.bands.band")?;
                    let ratio = BandRatio {
                        numerator: ratio.numerator,
                        denominator: ratio.denominator,
                    };
                    Ok((band, ratio))
                })
                .collect::<Result<_, DecodeError>>()?,
            preceptors: self
                .preceptors
                .into_iter()
                .map(PreceptorV1::into_domain)
                .collect::<Result<_, _>>()?,
            policy: self.policy.into_domain()?,
        })
    }
}

impl Dto<Preceptor> for PreceptorV1 {
    fn from_domain(preceptor: &Preceptor) -> Self {
        PreceptorV1 {
            code: preceptor.code.as_str().to_owned(),
            kind: preceptor.kind.into(),
            parish_area: preceptor.parish_area.as_ref().map(|area| area.as_str().to_owned()),
            band_d_pence: preceptor.band_d.get(),
        }
    }

    fn into_domain(self) -> Result<Preceptor, DecodeError> {
        Ok(Preceptor {
            code: parse_code(&self.code, "settings.preceptors.code")?,
            kind: self.kind.into(),
            parish_area: self
                .parish_area
                .map(|area| parse_code(&area, "settings.preceptors.parish_area"))
                .transpose()?,
            band_d: Pence::new(self.band_d_pence),
        })
    }
}

impl Dto<LocalPolicy> for LocalPolicyV1 {
    fn from_domain(policy: &LocalPolicy) -> Self {
        LocalPolicyV1 {
            single_person_discount_bp: policy.single_person_discount_bp,
            all_disregarded_discount_bp: policy.all_disregarded_discount_bp,
            long_term_empty_premiums: policy
                .long_term_empty_premiums
                .iter()
                .map(|step| PremiumStepV1 {
                    empty_years_min: step.empty_years_min,
                    premium_bp: step.premium_bp,
                })
                .collect(),
            second_home_premium_bp: policy.second_home_premium_bp,
            instalment_days: policy.instalment_days.clone(),
            late_twelve_rule: match policy.late_twelve_rule {
                LateTwelveRule::WholeMonthsRemaining => LateTwelveRuleV1::WholeMonthsRemaining,
                LateTwelveRule::Statutory => LateTwelveRuleV1::Statutory,
            },
            instalment_minimum_pence: policy.instalment_minimum.get(),
            summons_costs_pence: policy.recovery.summons_costs.get(),
            liability_order_costs_pence: policy.recovery.liability_order_costs.get(),
            recovery: Some(RecoveryTimetableV1::from_domain(&policy.recovery)),
        }
    }

    fn into_domain(self) -> Result<LocalPolicy, DecodeError> {
        Ok(LocalPolicy {
            single_person_discount_bp: self.single_person_discount_bp,
            all_disregarded_discount_bp: self.all_disregarded_discount_bp,
            long_term_empty_premiums: self
                .long_term_empty_premiums
                .into_iter()
                .map(|step| PremiumStep {
                    empty_years_min: step.empty_years_min,
                    premium_bp: step.premium_bp,
                })
                .collect(),
            second_home_premium_bp: self.second_home_premium_bp,
            instalment_days: self.instalment_days,
            late_twelve_rule: match self.late_twelve_rule {
                LateTwelveRuleV1::WholeMonthsRemaining => LateTwelveRule::WholeMonthsRemaining,
                LateTwelveRuleV1::Statutory => LateTwelveRule::Statutory,
            },
            instalment_minimum: Pence::new(self.instalment_minimum_pence),
            recovery: {
                let (summons, order) = (
                    Pence::new(self.summons_costs_pence),
                    Pence::new(self.liability_order_costs_pence),
                );
                match self.recovery {
                    Some(timetable) => timetable.into_domain(summons, order),
                    None => RecoveryPolicy::council_tax(summons, order),
                }
            },
        })
    }
}

impl StoredAggregate for CouncilYear {
    fn encode_event(event: &YearSettingsSet) -> EncodedEvent {
        EncodedEvent {
            event_type: SETTINGS_SET.to_owned(),
            schema: 1,
            data: encode_dto::<_, YearSettingsSetV1>(event),
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<YearSettingsSet, DecodeError> {
        match (event.event_type.as_str(), event.schema) {
            (SETTINGS_SET, 1) => decode_dto::<_, YearSettingsSetV1>(&event.data, SETTINGS_SET),
            (other, schema) => Err(DecodeError::Unknown {
                what: "ct-year event",
                name: other.to_owned(),
                version: schema,
            }),
        }
    }

    /// Accepts only the subject form, `2025-26`, so one year has one subject.
    fn parse_id(text: &str) -> Result<CouncilYearId, DecodeError> {
        let id = CouncilYearId::from_str(text).map_err(invalid("aggregate_id"))?;
        if id.to_string() != text {
            return Err(DecodeError::InvalidField { field: "aggregate_id" });
        }
        Ok(id)
    }

    fn encode_snapshot(state: &YearHistory, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(YearHistory, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}

#[cfg(test)]
mod tests;
