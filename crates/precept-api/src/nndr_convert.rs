//! Conversions between the business rates protobuf messages and domain/application types.

use chrono::NaiveDate;
use precept_app::nndr::{CollectableDebit, DebitLine, NndrAccountView, NndrStatementLine};
use precept_domain::council_year::LateTwelveRule;
use precept_domain::nndr::account::{NndrPeriod, NndrYearAccount};
use precept_domain::nndr::hereditament::PropertyClass;
use precept_domain::nndr::settings::NndrSettings;
use precept_domain::nndr::{
    EmptyRelief, Multiplier, Multipliers, NndrYear, ReliefClaims, RhlRelief, SbrrTaper, TransitionalCaps,
};
use precept_domain::recovery::RecoveryPolicy;
use precept_domain::{CouncilCode, FinancialYear, Pence};

use crate::billing_reads::instalments;
use crate::convert::{recovery_to, timetable_from};
use crate::proto;
use crate::validate::Violations;

fn multipliers_from(v: &mut Violations, settings: &proto::NndrSettings) -> Option<Multipliers> {
    use proto::nndr_settings::Multipliers as M;
    match &settings.multipliers {
        Some(M::Two(two)) => Some(Multipliers::Two {
            standard: Multiplier(two.standard),
            small_business: Multiplier(two.small_business),
            small_below: two.small_below,
        }),
        Some(M::Five(five)) => Some(Multipliers::Five {
            small_business_rhl: Multiplier(five.small_business_rhl),
            small_business: Multiplier(five.small_business),
            standard_rhl: Multiplier(five.standard_rhl),
            standard: Multiplier(five.standard),
            high_value: Multiplier(five.high_value),
            small_below: five.small_below,
            high_value_from: five.high_value_from,
        }),
        None => {
            v.add("settings.multipliers", "two or five multipliers are required");
            None
        }
    }
}

/// A year's settings from the request (the recovery figures are checked by the domain).
pub(crate) fn settings_from(
    v: &mut Violations,
    year: FinancialYear,
    settings: Option<&proto::NndrSettings>,
) -> Option<NndrSettings> {
    let Some(settings) = settings else {
        v.add("settings", "settings or england_defaults are required");
        return None;
    };
    let multipliers = multipliers_from(v, settings);
    let rhl = match (settings.rhl_relief_bp, settings.rhl_cash_cap_pence) {
        (0, 0) => Some(None),
        (bp, cap) if bp <= 10_000 && cap > 0 => Some(Some(RhlRelief {
            relief_bp: bp,
            cash_cap: Pence::new(cap),
        })),
        _ => {
            v.add(
                "settings.rhl_relief_bp",
                "0 and 0 for none, or 1-10000 with a positive cash cap",
            );
            None
        }
    };
    for (field, bp) in [("settings.charity_mandatory_bp", settings.charity_mandatory_bp)] {
        if bp > 10_000 {
            v.add(field, "must be at most 10000");
        }
    }
    if settings.sbrr_full_up_to >= settings.sbrr_zero_from {
        v.add("settings.sbrr_zero_from", "must be above sbrr_full_up_to");
    }
    let late_twelve_rule = match proto::LateTwelveRule::try_from(settings.late_twelve_rule) {
        Ok(proto::LateTwelveRule::Statutory) => Some(LateTwelveRule::Statutory),
        Ok(proto::LateTwelveRule::WholeMonthsRemaining | proto::LateTwelveRule::Unspecified) => {
            Some(LateTwelveRule::WholeMonthsRemaining)
        }
        Err(_) => {
            v.add("settings.late_twelve_rule", "unknown rule");
            None
        }
    };
    let base = RecoveryPolicy::business_rates(
        Pence::new(settings.summons_costs_pence),
        Pence::new(settings.liability_order_costs_pence),
    );
    let transitional = settings.transitional.as_ref().map(|caps| TransitionalCaps {
        small_up_to: caps.small_up_to,
        medium_up_to: caps.medium_up_to,
        caps_bp: [caps.small_cap_bp, caps.medium_cap_bp, caps.large_cap_bp],
        inflation_bp: caps.inflation_bp,
    });
    if let Some(caps) = &transitional
        && caps.small_up_to > caps.medium_up_to
    {
        v.add("settings.transitional.medium_up_to", "must not be below small_up_to");
    }
    Some(NndrSettings {
        national: NndrYear {
            year,
            multipliers: multipliers?,
            sbrr: SbrrTaper {
                full_up_to: settings.sbrr_full_up_to,
                zero_from: settings.sbrr_zero_from,
            },
            charity_mandatory_bp: settings.charity_mandatory_bp,
            empty: EmptyRelief {
                months: settings.empty_months,
                industrial_months: settings.empty_industrial_months,
                exempt_below: settings.empty_exempt_below,
            },
            rhl: rhl?,
            transitional,
            supplement: (settings.supplement > 0).then_some(Multiplier(settings.supplement)),
        },
        late_twelve_rule: late_twelve_rule?,
        instalment_minimum: Pence::new(settings.instalment_minimum_pence),
        recovery: timetable_from(base, settings.recovery.as_ref()),
    })
}

/// The settings message.
pub(crate) fn settings_to(settings: &NndrSettings) -> proto::NndrSettings {
    use proto::nndr_settings::Multipliers as M;
    let national = &settings.national;
    let multipliers = match national.multipliers {
        Multipliers::Two {
            standard,
            small_business,
            small_below,
        } => M::Two(proto::TwoMultipliers {
            standard: standard.0,
            small_business: small_business.0,
            small_below,
        }),
        Multipliers::Five {
            small_business_rhl,
            small_business,
            standard_rhl,
            standard,
            high_value,
            small_below,
            high_value_from,
        } => M::Five(proto::FiveMultipliers {
            small_business_rhl: small_business_rhl.0,
            small_business: small_business.0,
            standard_rhl: standard_rhl.0,
            standard: standard.0,
            high_value: high_value.0,
            small_below,
            high_value_from,
        }),
    };
    proto::NndrSettings {
        multipliers: Some(multipliers),
        sbrr_full_up_to: national.sbrr.full_up_to,
        sbrr_zero_from: national.sbrr.zero_from,
        charity_mandatory_bp: national.charity_mandatory_bp,
        empty_months: national.empty.months,
        empty_industrial_months: national.empty.industrial_months,
        empty_exempt_below: national.empty.exempt_below,
        rhl_relief_bp: national.rhl.map_or(0, |rhl| rhl.relief_bp),
        rhl_cash_cap_pence: national.rhl.map_or(0, |rhl| rhl.cash_cap.get()),
        late_twelve_rule: match settings.late_twelve_rule {
            LateTwelveRule::WholeMonthsRemaining => proto::LateTwelveRule::WholeMonthsRemaining,
            LateTwelveRule::Statutory => proto::LateTwelveRule::Statutory,
        }
        .into(),
        instalment_minimum_pence: settings.instalment_minimum.get(),
        summons_costs_pence: settings.recovery.summons_costs.get(),
        liability_order_costs_pence: settings.recovery.liability_order_costs.get(),
        recovery: Some(recovery_to(&settings.recovery)),
        transitional: national.transitional.map(|caps| proto::TransitionalCaps {
            small_up_to: caps.small_up_to,
            medium_up_to: caps.medium_up_to,
            small_cap_bp: caps.caps_bp[0],
            medium_cap_bp: caps.caps_bp[1],
            large_cap_bp: caps.caps_bp[2],
            inflation_bp: caps.inflation_bp,
        }),
        supplement: national.supplement.map_or(0, |supplement| supplement.0),
    }
}

/// Relief claims from the request.
pub(crate) fn reliefs_from(v: &mut Violations, field: &str, reliefs: Option<&proto::NndrReliefs>) -> ReliefClaims {
    let Some(reliefs) = reliefs else {
        return ReliefClaims::default();
    };
    if reliefs.charity_top_up_bp > 10_000 {
        v.add(&format!("{field}.charity_top_up_bp"), "must be at most 10000");
    }
    if reliefs.charity_top_up_bp > 0 && !reliefs.charity {
        v.add(
            &format!("{field}.charity_top_up_bp"),
            "a top-up needs mandatory charitable relief",
        );
    }
    if reliefs.sbrr && reliefs.charity {
        v.add(
            &format!("{field}.sbrr"),
            "does not combine with charitable relief (REFERENCE §2.4)",
        );
    }
    if reliefs.rhl_cap_used_pence < 0 {
        v.add(&format!("{field}.rhl_cap_used_pence"), "must not be negative");
    }
    if reliefs.transitional_base_pence < 0 {
        v.add(&format!("{field}.transitional_base_pence"), "must not be negative");
    }
    ReliefClaims {
        sbrr: reliefs.sbrr,
        charity: reliefs.charity,
        charity_top_up_bp: reliefs.charity_top_up_bp,
        rhl_cap_used: Pence::new(reliefs.rhl_cap_used_pence),
        empty_exempt: reliefs.empty_exempt,
        transitional_base: (reliefs.transitional_base_pence > 0).then(|| Pence::new(reliefs.transitional_base_pence)),
    }
}

/// A property class.
pub(crate) fn class(industrial: bool, rhl_use: bool, listed_building: bool) -> PropertyClass {
    PropertyClass {
        industrial,
        rhl_use,
        listed_building,
    }
}

fn period_to(period: &NndrPeriod) -> proto::NndrPeriod {
    let charge = &period.charge;
    proto::NndrPeriod {
        from: period.from.to_string(),
        to: period.to.to_string(),
        rateable_value: period.rateable_value,
        occupied: period.occupied,
        multiplier_kind: charge.multiplier_kind.name().to_owned(),
        multiplier: charge.multiplier.0,
        days: charge.days,
        gross_pence: charge.gross.get(),
        empty_relief_pence: charge.empty_relief.get(),
        charity_relief_pence: charge.charity_relief.get(),
        sbrr_pence: charge.sbrr.get(),
        charity_top_up_pence: charge.charity_top_up.get(),
        rhl_relief_pence: charge.rhl_relief.get(),
        net_pence: charge.net.get(),
        supplement_pence: charge.supplement.get(),
        transitional_pence: charge.transitional.get(),
    }
}

fn year_to(year: FinancialYear, billed: &NndrYearAccount, as_of: NaiveDate) -> proto::NndrYear {
    let charge = &billed.charge;
    proto::NndrYear {
        year: year.to_string(),
        periods: charge.periods.iter().map(period_to).collect(),
        gross_pence: charge.gross.get(),
        empty_relief_pence: charge.empty_relief.get(),
        charity_relief_pence: charge.charity_relief.get(),
        sbrr_pence: charge.sbrr.get(),
        charity_top_up_pence: charge.charity_top_up.get(),
        rhl_relief_pence: charge.rhl_relief.get(),
        net_pence: charge.net.get(),
        costs_pence: billed.recovery.net_costs().get(),
        paid_pence: billed.paid.get(),
        instalments: instalments(billed, as_of).0,
        recovery_stage: billed.recovery.stage_name().to_owned(),
        supplement_pence: charge.supplement.get(),
        transitional_pence: charge.transitional.get(),
    }
}

/// The account message (`None` for an account never opened).
pub(crate) fn account_to(
    council: &CouncilCode,
    view: &NndrAccountView,
    as_of: NaiveDate,
) -> Option<proto::NndrAccount> {
    let account = view.state.as_open()?;
    Some(proto::NndrAccount {
        council: council.to_string(),
        account_id: account.account_id.to_string(),
        uprn: account.hereditament.to_string(),
        ratepayer_id: account.ratepayer.to_string(),
        liability_start: account.liability_start.to_string(),
        liability_end: account
            .liability_last_day
            .map(|day| day.to_string())
            .unwrap_or_default(),
        balance_pence: account.balance.get(),
        credit_pence: account.credit.get(),
        collected_by: view.collected_by.as_ref().map(ToString::to_string).unwrap_or_default(),
        years: account
            .years
            .iter()
            .map(|(year, billed)| year_to(*year, billed, as_of))
            .collect(),
        as_of_sequence: view.as_of_sequence,
    })
}

/// A statement line.
pub(crate) fn line_to(line: NndrStatementLine) -> proto::NndrStatementLine {
    proto::NndrStatementLine {
        date: line.date.to_string(),
        kind: line.kind,
        year: line.year.map(|year| year.to_string()).unwrap_or_default(),
        amount_pence: line.amount_pence,
        reference: line.reference,
        collected_by: line.collected_by.unwrap_or_default(),
    }
}

fn debit_line_to(kind: &str, line: &DebitLine) -> proto::DebitLine {
    proto::DebitLine {
        multiplier_kind: kind.to_owned(),
        accounts: line.accounts,
        rateable_value: line.rateable_value,
        gross_pence: line.gross_pence,
        empty_relief_pence: line.empty_relief_pence,
        charity_relief_pence: line.charity_relief_pence,
        sbrr_pence: line.sbrr_pence,
        charity_top_up_pence: line.charity_top_up_pence,
        rhl_relief_pence: line.rhl_relief_pence,
        net_pence: line.net_pence,
        paid_pence: line.paid_pence,
        supplement_pence: line.supplement_pence,
        transitional_pence: line.transitional_pence,
    }
}

/// The collectable debit message.
pub(crate) fn debit_to(debit: &CollectableDebit) -> proto::CollectableDebit {
    proto::CollectableDebit {
        total: Some(debit_line_to("all", &debit.total)),
        by_multiplier: debit
            .by_multiplier
            .iter()
            .map(|(kind, line)| debit_line_to(kind, line))
            .collect(),
    }
}
