//! Converting between the benefits protobuf messages and domain values: circumstances in
//! (validated, each bad field named), figures and claims out.

use precept_domain::Pence;
use precept_domain::benefits::claim::{ClaimKind, ClaimState, Figures, Overpayment};
use precept_domain::benefits::ctr::{
    BandGrid, BandedScheme, CtrCircumstances, FlatNonDependant, HouseholdMatch, IncomeBasis,
};
use precept_domain::benefits::hb::{HbCircumstances, Household, NonDependant, NonDependantCircumstance, RentFigures};
use precept_domain::benefits::overpayment::OverpaymentClass;

use crate::proto;
use crate::validate::Violations;

/// The most a weekly amount may be: £100,000 a week is far beyond any real case.
const WEEKLY_MAX: i64 = 10_000_000;
/// The most capital, £100 million.
const CAPITAL_MAX: i64 = 10_000_000_000;

pub(crate) fn money(v: &mut Violations, field: &str, pence: i64, max: i64) -> Option<Pence> {
    if (0..=max).contains(&pence) {
        Some(Pence::new(pence))
    } else {
        v.add(field, format!("must be between 0 and {max} pence"));
        None
    }
}

pub(crate) fn weekly(v: &mut Violations, field: &str, pence: i64) -> Option<Pence> {
    money(v, field, pence, WEEKLY_MAX)
}

fn small(v: &mut Violations, field: &str, value: u32) -> Option<u8> {
    match u8::try_from(value) {
        Ok(value) if value <= 20 => Some(value),
        _ => {
            v.add(field, "must be between 0 and 20");
            None
        }
    }
}

pub(crate) fn kind(v: &mut Violations, value: i32) -> Option<ClaimKind> {
    match proto::ClaimKind::try_from(value) {
        Ok(proto::ClaimKind::HousingBenefit) => Some(ClaimKind::HousingBenefit),
        Ok(proto::ClaimKind::CouncilTaxReduction) => Some(ClaimKind::CouncilTaxReduction),
        Ok(proto::ClaimKind::Unspecified) | Err(_) => {
            v.add("kind", "must be HOUSING_BENEFIT or COUNCIL_TAX_REDUCTION");
            None
        }
    }
}

pub(crate) fn kind_out(kind: ClaimKind) -> i32 {
    match kind {
        ClaimKind::HousingBenefit => proto::ClaimKind::HousingBenefit as i32,
        ClaimKind::CouncilTaxReduction => proto::ClaimKind::CouncilTaxReduction as i32,
    }
}

pub(crate) fn class(v: &mut Violations, field: &str, code: &str) -> Option<OverpaymentClass> {
    if code.is_empty() {
        return Some(OverpaymentClass::ClaimantError);
    }
    let class = OverpaymentClass::parse(code);
    if class.is_none() {
        v.add(
            field,
            "must be la_error, dwp_error, claimant_error, fraud, other or technical",
        );
    }
    class
}

fn household(v: &mut Violations, h: Option<&proto::Household>) -> Option<Household> {
    let Some(h) = h else {
        v.add("circumstances.household", "is required");
        return None;
    };
    let children = small(v, "circumstances.household.children", h.children);
    let disabled_children = small(v, "circumstances.household.disabled_children", h.disabled_children);
    let enhanced = small(
        v,
        "circumstances.household.enhanced_disability_children",
        h.enhanced_disability_children,
    );
    Some(Household {
        partner: h.partner,
        children: children?,
        pension_age: h.pension_age,
        reached_pension_age_before_2021: h.reached_pension_age_before_2021,
        disabled: h.disabled,
        carer: h.carer,
        enhanced_disability: h.enhanced_disability,
        disabled_children: disabled_children?,
        enhanced_disability_children: enhanced?,
    })
}

fn non_dependant(v: &mut Violations, nd: &proto::NonDependant) -> Option<NonDependant> {
    let circumstance = match nd.circumstance.as_str() {
        "not_working" => Some(NonDependantCircumstance::NotWorking),
        "working_16_hours" => Some(NonDependantCircumstance::Working16Hours),
        "legacy_income_benefit" => Some(NonDependantCircumstance::LegacyIncomeBenefit),
        "universal_credit_no_earnings" => Some(NonDependantCircumstance::UniversalCreditNoEarnings),
        "pension_credit_or_young_on_benefit" => Some(NonDependantCircumstance::PensionCreditOrYoungOnBenefit),
        _ => {
            v.add(
                "circumstances.non_dependants.circumstance",
                "is not a known circumstance",
            );
            None
        }
    };
    let income = weekly(
        v,
        "circumstances.non_dependants.gross_weekly_income_pence",
        nd.gross_weekly_income_pence,
    );
    Some(NonDependant {
        circumstance: circumstance?,
        gross_weekly_income: income?,
    })
}

/// The common part of both benefits' circumstances.
struct Common {
    household: Household,
    weekly_earnings: Pence,
    other_weekly_income: Pence,
    capital: Pence,
    non_dependants: Vec<NonDependant>,
}

fn common(v: &mut Violations, c: Option<&proto::Circumstances>) -> Option<(Common, proto::Circumstances)> {
    let Some(c) = c else {
        v.add("circumstances", "is required");
        return None;
    };
    let household = household(v, c.household.as_ref());
    let earnings = weekly(v, "circumstances.weekly_earnings_pence", c.weekly_earnings_pence);
    let other = weekly(
        v,
        "circumstances.other_weekly_income_pence",
        c.other_weekly_income_pence,
    );
    let capital = money(v, "circumstances.capital_pence", c.capital_pence, CAPITAL_MAX);
    if c.non_dependants.len() > 20 {
        v.add("circumstances.non_dependants", "at most 20");
        return None;
    }
    let non_dependants: Option<Vec<_>> = c.non_dependants.iter().map(|nd| non_dependant(v, nd)).collect();
    Some((
        Common {
            household: household?,
            weekly_earnings: earnings?,
            other_weekly_income: other?,
            capital: capital?,
            non_dependants: non_dependants?,
        },
        c.clone(),
    ))
}

/// Circumstances for a claim of `kind`.
pub(crate) fn circumstances(
    v: &mut Violations,
    kind: ClaimKind,
    c: Option<&proto::Circumstances>,
) -> Option<precept_domain::benefits::claim::Circumstances> {
    use precept_domain::benefits::claim::Circumstances;
    let common = common(v, c);
    // Housing Benefit's own fields are checked even when a common one is bad, so every bad
    // field is named at once.
    let rent = match (kind, c) {
        (ClaimKind::HousingBenefit, Some(raw)) => rent(v, raw),
        _ => None,
    };
    let (common, raw) = common?;
    match kind {
        ClaimKind::CouncilTaxReduction => Some(Circumstances::Ctr(CtrCircumstances {
            household: common.household,
            weekly_earnings: common.weekly_earnings,
            other_weekly_income: common.other_weekly_income,
            capital: common.capital,
            passported: raw.passported,
            non_dependants: common.non_dependants,
            non_dependant_exempt: raw.non_dependant_exempt,
        })),
        ClaimKind::HousingBenefit => Some(Circumstances::Hb(HbCircumstances {
            household: common.household,
            rent: rent?,
            weekly_earnings: common.weekly_earnings,
            other_weekly_income: common.other_weekly_income,
            capital: common.capital,
            passported: raw.passported,
            non_dependants: common.non_dependants,
            non_dependant_exempt: raw.non_dependant_exempt,
        })),
    }
}

fn rent(v: &mut Violations, raw: &proto::Circumstances) -> Option<RentFigures> {
    let rent = weekly(v, "circumstances.contractual_rent_pence", raw.contractual_rent_pence);
    let ineligible = weekly(
        v,
        "circumstances.ineligible_charges_pence",
        raw.ineligible_charges_pence,
    );
    let cap = if raw.has_lha_cap {
        weekly(v, "circumstances.lha_cap_pence", raw.lha_cap_pence).map(Some)
    } else {
        Some(None)
    };
    if ![0, 1_400, 2_500].contains(&raw.size_criteria_bp) {
        v.add("circumstances.size_criteria_bp", "must be 0, 1400 or 2500");
        return None;
    }
    Some(RentFigures {
        contractual_rent: rent?,
        ineligible_charges: ineligible?,
        lha_cap: cap?,
        size_criteria_bp: raw.size_criteria_bp,
    })
}

/// A banded scheme from its message; `None` (recorded) when invalid.
pub(crate) fn banded(v: &mut Violations, s: &proto::BandedScheme) -> Option<BandedScheme> {
    let income_basis = match s.income_basis.as_str() {
        "all_income" | "" => Some(IncomeBasis::AllIncome),
        "earnings_only" => Some(IncomeBasis::EarningsOnly),
        _ => {
            v.add("working_age.income_basis", "must be all_income or earnings_only");
            None
        }
    };
    let grids: Option<Vec<BandGrid>> = s
        .grids
        .iter()
        .map(|grid| {
            let partner = match grid.partner.as_str() {
                "" => Some(None),
                "yes" => Some(Some(true)),
                "no" => Some(Some(false)),
                _ => {
                    v.add("working_age.grids.partner", "must be yes, no or empty");
                    None
                }
            };
            let children_min = small(v, "working_age.grids.children_min", grid.children_min);
            let children_max = if grid.has_children_max {
                small(v, "working_age.grids.children_max", grid.children_max).map(Some)
            } else {
                Some(None)
            };
            let limits: Option<Vec<Option<Pence>>> = grid
                .upper_limits_pence
                .iter()
                .map(|limit| match *limit {
                    -1 => Some(None),
                    pence => weekly(v, "working_age.grids.upper_limits_pence", pence).map(Some),
                })
                .collect();
            Some(BandGrid {
                household: HouseholdMatch {
                    partner: partner?,
                    children_min: children_min?,
                    children_max: children_max?,
                },
                upper_limits: limits?,
            })
        })
        .collect();
    let capital = money(v, "working_age.capital_limit_pence", s.capital_limit_pence, CAPITAL_MAX);
    let out_of_work = weekly(
        v,
        "working_age.non_dependant_out_of_work_pence",
        s.non_dependant_out_of_work_pence,
    );
    let working = weekly(
        v,
        "working_age.non_dependant_working_pence",
        s.non_dependant_working_pence,
    );
    let disregard = weekly(v, "working_age.earnings_disregard_pence", s.earnings_disregard_pence);
    let scheme = BandedScheme {
        band_percent_bp: s.band_percent_bp.clone(),
        grids: grids?,
        capital_limit: capital?,
        capital_limit_applies_to_passported: s.capital_limit_applies_to_passported,
        non_dependant: FlatNonDependant {
            out_of_work: out_of_work?,
            working: working?,
        },
        income_basis: income_basis?,
        earnings_disregard: disregard?,
        disregard_non_dependants_if_disabled: s.disregard_non_dependants_if_disabled,
        non_dependants_before_percentage: s.non_dependants_before_percentage,
    };
    if let Err(field) = scheme.validate() {
        v.add(&format!("working_age.{field}"), "is not valid");
        return None;
    }
    Some(scheme)
}

/// The figures message.
pub(crate) fn figures(figures: &Figures) -> proto::Figures {
    match figures {
        Figures::Hb(hb) => proto::Figures {
            eligible_rent_pence: hb.eligible_rent.get(),
            maximum_pence: hb.maximum.get(),
            applicable_amount_pence: hb.applicable_amount.get(),
            earnings_disregard_pence: hb.earnings_disregard.get(),
            assessed_income_pence: hb.assessed_income.get(),
            tariff_income_pence: hb.tariff_income.get(),
            excess_income_pence: hb.excess_income.get(),
            taper_pence: hb.taper.get(),
            weekly_award_pence: hb.weekly_award.get(),
            non_dependant_deductions_pence: hb.non_dependant_deductions.get(),
            refusal: hb.refusal.map(|r| snake(&format!("{r:?}"))).unwrap_or_default(),
            ..proto::Figures::default()
        },
        Figures::Ctr(ctr) => proto::Figures {
            band: ctr.band.map_or(0, u32::from),
            percent_bp: ctr.percent_bp,
            weekly_less_pence: ctr.weekly_less.get(),
            weekly_income_pence: ctr.weekly_income.get(),
            tariff_income_pence: ctr.tariff_income.get(),
            excess_income_pence: ctr.excess_income.get(),
            taper_pence: ctr.taper.get(),
            non_dependant_deductions_pence: ctr.non_dependant_deductions.get(),
            refusal: ctr.refusal.map(|r| snake(&format!("{r:?}"))).unwrap_or_default(),
            ..proto::Figures::default()
        },
    }
}

/// `CapitalAboveLimit` → `capital_above_limit`: refusal names for the API.
fn snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (index, ch) in name.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if index > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

fn overpayment(o: &Overpayment) -> proto::Overpayment {
    proto::Overpayment {
        number: o.number,
        class: o.class.code().to_owned(),
        from: o.from.to_string(),
        through: o.through.to_string(),
        amount_pence: o.amount.get(),
        recoverable: o.recoverable,
        method: o.method.code().to_owned(),
        recovered_pence: o.recovered.get(),
        written_off_pence: o.written_off.get(),
        outstanding_pence: o.outstanding().get(),
    }
}

/// The claim message.
pub(crate) fn claim(id: &str, state: &ClaimState, as_of_sequence: u64) -> proto::Claim {
    let details = state.details.as_ref();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    proto::Claim {
        claim_id: id.to_owned(),
        kind: details.map_or(0, |d| kind_out(d.kind)),
        status: state.status.code().to_owned(),
        claimant_id: details.map(|d| d.claimant.to_string()).unwrap_or_default(),
        account_id: details
            .and_then(|d| d.account)
            .map(|a| a.to_string())
            .unwrap_or_default(),
        received: date(details.map(|d| d.received)),
        claimed_from: date(details.map(|d| d.claimed_from)),
        decided: date(state.decided),
        awards: state
            .awards
            .iter()
            .map(|award| proto::Award {
                from: award.from.to_string(),
                figures: Some(figures(&award.figures)),
            })
            .collect(),
        ended_from: date(state.ended_from),
        paid_through: date(state.paid_through),
        overpayments: state.overpayments.iter().map(overpayment).collect(),
        open_work_items: state
            .open_work
            .iter()
            .map(|(item, reason)| proto::WorkItem {
                source: id.to_owned(),
                item: item.clone(),
                reason: reason.code().to_owned(),
                raised: String::new(),
            })
            .collect(),
        as_of_sequence,
    }
}
