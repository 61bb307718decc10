//! `nndr-year`: `NndrSettingsSet`, the multipliers and relief figures, instalment rules and
//! recovery timetable a billing authority bills a year with.

use chrono::NaiveDate;
use precept_app::{RequestLog, StreamPosition};
use precept_domain::council_year::{CouncilYearId, LateTwelveRule};
use precept_domain::nndr::settings::{NndrSettings, NndrSettingsSet, NndrYearSettings, NndrYearState};
use precept_domain::nndr::{EmptyRelief, Multiplier, Multipliers, NndrYear, RhlRelief, SbrrTaper, TransitionalCaps};
use precept_domain::{AggregateKind, Pence};
use serde::{Deserialize, Serialize};

use crate::codec::council_year_v1::RecoveryTimetableV1;
use crate::codec::json::{from_value, invalid, to_value};
use crate::codec::values_v1::{parse_year, year_text};
use crate::codec::{DecodeError, EncodedEvent, StoredAggregate, snapshot};

const SET: &str = "NndrSettingsSet";

/// `NndrSettingsSet`, schema 1. Multipliers are tenths of a penny per pound.
#[derive(Debug, Serialize, Deserialize)]
struct SettingsSetV1 {
    year: String,
    effective_from: NaiveDate,
    multipliers: MultipliersV1,
    sbrr_full_up_to: u32,
    sbrr_zero_from: u32,
    charity_mandatory_bp: u32,
    empty_months: u32,
    empty_industrial_months: u32,
    empty_exempt_below: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rhl_relief_bp: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rhl_cash_cap_pence: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    transitional: Option<TransitionalV1>,
    /// Tenths of a penny.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    supplement: Option<u32>,
    late_twelve_whole_months: bool,
    instalment_minimum_pence: i64,
    summons_costs_pence: i64,
    liability_order_costs_pence: i64,
    recovery: RecoveryTimetableV1,
}

#[derive(Debug, Serialize, Deserialize)]
struct TransitionalV1 {
    small_up_to: u32,
    medium_up_to: u32,
    small_cap_bp: u32,
    medium_cap_bp: u32,
    large_cap_bp: u32,
    inflation_bp: u32,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "regime", rename_all = "snake_case")]
enum MultipliersV1 {
    Two {
        standard: u32,
        small_business: u32,
        small_below: u32,
    },
    Five {
        small_business_rhl: u32,
        small_business: u32,
        standard_rhl: u32,
        standard: u32,
        high_value: u32,
        small_below: u32,
        high_value_from: u32,
    },
}

fn multipliers_v1(multipliers: &Multipliers) -> MultipliersV1 {
    match *multipliers {
        Multipliers::Two {
            standard,
            small_business,
            small_below,
        } => MultipliersV1::Two {
            standard: standard.0,
            small_business: small_business.0,
            small_below,
        },
        Multipliers::Five {
            small_business_rhl,
            small_business,
            standard_rhl,
            standard,
            high_value,
            small_below,
            high_value_from,
        } => MultipliersV1::Five {
            small_business_rhl: small_business_rhl.0,
            small_business: small_business.0,
            standard_rhl: standard_rhl.0,
            standard: standard.0,
            high_value: high_value.0,
            small_below,
            high_value_from,
        },
    }
}

fn multipliers_from_v1(multipliers: MultipliersV1) -> Multipliers {
    match multipliers {
        MultipliersV1::Two {
            standard,
            small_business,
            small_below,
        } => Multipliers::Two {
            standard: Multiplier(standard),
            small_business: Multiplier(small_business),
            small_below,
        },
        MultipliersV1::Five {
            small_business_rhl,
            small_business,
            standard_rhl,
            standard,
            high_value,
            small_below,
            high_value_from,
        } => Multipliers::Five {
            small_business_rhl: Multiplier(small_business_rhl),
            small_business: Multiplier(small_business),
            standard_rhl: Multiplier(standard_rhl),
            standard: Multiplier(standard),
            high_value: Multiplier(high_value),
            small_below,
            high_value_from,
        },
    }
}

impl SettingsSetV1 {
    fn from_domain(event: &NndrSettingsSet) -> Self {
        let settings = &event.settings;
        let national = &settings.national;
        SettingsSetV1 {
            year: year_text(national.year),
            effective_from: event.effective_from,
            multipliers: multipliers_v1(&national.multipliers),
            sbrr_full_up_to: national.sbrr.full_up_to,
            sbrr_zero_from: national.sbrr.zero_from,
            charity_mandatory_bp: national.charity_mandatory_bp,
            empty_months: national.empty.months,
            empty_industrial_months: national.empty.industrial_months,
            empty_exempt_below: national.empty.exempt_below,
            rhl_relief_bp: national.rhl.map(|rhl| rhl.relief_bp),
            rhl_cash_cap_pence: national.rhl.map(|rhl| rhl.cash_cap.get()),
            transitional: national.transitional.map(|caps| TransitionalV1 {
                small_up_to: caps.small_up_to,
                medium_up_to: caps.medium_up_to,
                small_cap_bp: caps.caps_bp[0],
                medium_cap_bp: caps.caps_bp[1],
                large_cap_bp: caps.caps_bp[2],
                inflation_bp: caps.inflation_bp,
            }),
            supplement: national.supplement.map(|supplement| supplement.0),
            late_twelve_whole_months: settings.late_twelve_rule == LateTwelveRule::WholeMonthsRemaining,
            instalment_minimum_pence: settings.instalment_minimum.get(),
            summons_costs_pence: settings.recovery.summons_costs.get(),
            liability_order_costs_pence: settings.recovery.liability_order_costs.get(),
            recovery: RecoveryTimetableV1::from_domain(&settings.recovery),
        }
    }

    fn into_domain(self) -> Result<NndrSettingsSet, DecodeError> {
        let rhl = match (self.rhl_relief_bp, self.rhl_cash_cap_pence) {
            (Some(relief_bp), Some(cap)) => Some(RhlRelief {
                relief_bp,
                cash_cap: Pence::new(cap),
            }),
            (None, None) => None,
            _ => return Err(DecodeError::InvalidField { field: "rhl_relief_bp" }),
        };
        Ok(NndrSettingsSet {
            effective_from: self.effective_from,
            settings: NndrSettings {
                national: NndrYear {
                    year: parse_year(&self.year, "year")?,
                    multipliers: multipliers_from_v1(self.multipliers),
                    sbrr: SbrrTaper {
                        full_up_to: self.sbrr_full_up_to,
                        zero_from: self.sbrr_zero_from,
                    },
                    charity_mandatory_bp: self.charity_mandatory_bp,
                    empty: EmptyRelief {
                        months: self.empty_months,
                        industrial_months: self.empty_industrial_months,
                        exempt_below: self.empty_exempt_below,
                    },
                    rhl,
                    transitional: self.transitional.map(|caps| TransitionalCaps {
                        small_up_to: caps.small_up_to,
                        medium_up_to: caps.medium_up_to,
                        caps_bp: [caps.small_cap_bp, caps.medium_cap_bp, caps.large_cap_bp],
                        inflation_bp: caps.inflation_bp,
                    }),
                    supplement: self.supplement.map(Multiplier),
                },
                late_twelve_rule: if self.late_twelve_whole_months {
                    LateTwelveRule::WholeMonthsRemaining
                } else {
                    LateTwelveRule::Statutory
                },
                instalment_minimum: Pence::new(self.instalment_minimum_pence),
                recovery: self.recovery.into_domain(
                    Pence::new(self.summons_costs_pence),
                    Pence::new(self.liability_order_costs_pence),
                ),
            },
        })
    }
}

impl StoredAggregate for NndrYearSettings {
    fn encode_event(event: &NndrSettingsSet) -> EncodedEvent {
        EncodedEvent {
            event_type: SET.to_owned(),
            schema: 1,
            data: to_value(&SettingsSetV1::from_domain(event)),
        }
    }

    fn decode_event(event: &EncodedEvent) -> Result<NndrSettingsSet, DecodeError> {
        match (event.event_type.as_str(), event.schema) {
            (SET, 1) => from_value::<SettingsSetV1>(&event.data, SET)?.into_domain(),
            (other, version) => Err(DecodeError::Unknown {
                what: "nndr-year event",
                name: other.to_owned(),
                version,
            }),
        }
    }

    fn parse_id(text: &str) -> Result<CouncilYearId, DecodeError> {
        text.parse().map_err(invalid("aggregate_id"))
    }

    fn encode_snapshot(state: &NndrYearState, position: StreamPosition, requests: &RequestLog) -> Vec<u8> {
        snapshot::encode(Self::KIND, state, position, requests)
    }

    fn decode_snapshot(bytes: &[u8]) -> Option<(NndrYearState, StreamPosition, RequestLog)> {
        snapshot::decode(Self::KIND, bytes)
    }
}
