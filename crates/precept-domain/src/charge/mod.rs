//! Council Tax charge calculation: liability by day, split into periods of constant facts.
//!
//! REFERENCE §1.1 and §1.4: liability is decided day by day; a year's charge is the sum over
//! liable days of the day's share of the annual band charge, with the day's exemption,
//! discount and premium applied in that order (§1.3 step 4). Days with the same facts form a
//! segment, so the work is per change, not per day.
//!
//! Rounding (the one rule, see `money::round_half_up`): every amount is summed exactly as a
//! fraction and rounded once, at the year. Lines of the breakdown are differences of rounded
//! running totals (gross, after exemption, after discount, net), so they always add up; the
//! net charge is split between preceptors in proportion to their exact shares with
//! `money::split_exact`, so the shares add up to the charge to the penny.

mod liability;
mod segments;

#[cfg(test)]
mod tests;

pub use liability::{
    BillingContext, DiscountKind, ExemptionClass, Liability, Period, PremiumBasis, Reduction, UnknownExemptionClass,
};

use crate::calendar::FinancialYear;
use crate::council_year::{Band, PreceptorKind, ShortCode};
use crate::money::{ExactPence, Pence, round_half_up, split_exact};
use chrono::NaiveDate;

/// A run of days with the same facts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChargeSegment {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Band.
    pub band: Band,
    /// Sum of the Band D amounts charged at the property on these days.
    pub band_d_total: Pence,
    /// The discount, with its level in basis points.
    pub discount: Option<(DiscountKind, u32)>,
    /// The exemption class, if exempt.
    pub exemption: Option<ExemptionClass>,
    /// The premium, with its level in basis points.
    pub premium: Option<(PremiumBasis, u32)>,
    /// The Council Tax Reduction award, if any.
    #[serde(default)]
    pub reduction: Option<Reduction>,
}

/// One preceptor's part of the charge.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PreceptorShare {
    /// Preceptor code.
    pub code: ShortCode,
    /// What it is.
    pub kind: PreceptorKind,
    /// Its part of the net charge.
    pub amount: Pence,
}

/// A year's charge with every component (REFERENCE §1.3, Demand Notices Regulations).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct YearCharge {
    /// The year.
    pub year: FinancialYear,
    /// Days liable in the year.
    pub liable_days: i64,
    /// The periods of constant facts.
    pub segments: Vec<ChargeSegment>,
    /// Band charge for the liable days before any reduction.
    pub gross: Pence,
    /// Taken off by exemptions.
    pub exemption: Pence,
    /// Taken off by discounts.
    pub discount: Pence,
    /// Added by premiums.
    pub premium: Pence,
    /// Taken off by Council Tax Reduction.
    #[serde(default)]
    pub reduction: Pence,
    /// What is owed: gross - exemption - discount + premium - reduction.
    pub net: Pence,
    /// The net charge by preceptor; sums to `net`.
    pub preceptors: Vec<PreceptorShare>,
}

/// Why a charge cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChargeError {
    /// The council has no settings for a day of the year.
    #[error("council tax settings for {0} are not set up")]
    YearNotSetUp(FinancialYear),
    /// The property has no band.
    #[error("the property has no band")]
    NoBand,
    /// The property's band is not in the year's scale (a Welsh band I in England).
    #[error("band {0} is not in the year's band scale")]
    BandNotInScale(Band),
}

/// The charge for `year`, or `None` when no day of the year is liable.
///
/// # Errors
/// [`ChargeError`] when the context lacks what a liable day needs.
pub fn year_charge(
    year: FinancialYear,
    liability: &Liability<'_>,
    context: &BillingContext,
) -> Result<Option<YearCharge>, ChargeError> {
    let segments = segments::build(year, liability, context)?;
    if segments.is_empty() {
        return Ok(None);
    }
    let days_in_year = i128::from(year.days());
    let zero = ExactPence::from_integer(0);
    let (mut gross, mut after_exemption, mut after_discount, mut after_premium, mut net) =
        (zero, zero, zero, zero, zero);
    let mut shares: Vec<(ShortCode, PreceptorKind, ExactPence)> = Vec::new();
    let mut liable_days = 0;
    for segment in &segments {
        let days = crate::calendar::days_inclusive(segment.segment.from, segment.segment.to);
        liable_days += days;
        let mut charged_segment: Vec<(ShortCode, PreceptorKind, ExactPence)> = Vec::new();
        for preceptor in segment.settings.preceptors_in(context.property.parish_area.as_ref()) {
            // REFERENCE §1.2-1.4: Band D x ratio x days / days-in-year, kept exact.
            let base = ExactPence::new(
                i128::from(preceptor.band_d.get()) * i128::from(segment.ratio.numerator) * i128::from(days),
                i128::from(segment.ratio.denominator) * days_in_year,
            );
            let exempted = if segment.segment.exemption.is_some() {
                zero
            } else {
                base
            };
            let discounted = match segment.segment.discount {
                Some((_, bp)) => exempted * ExactPence::new(i128::from(10_000 - bp.min(10_000)), 10_000),
                None => exempted,
            };
            let charged = match segment.segment.premium {
                Some((_, bp)) => discounted * ExactPence::new(i128::from(10_000 + bp), 10_000),
                None => discounted,
            };
            gross += base;
            after_exemption += exempted;
            after_discount += discounted;
            after_premium += charged;
            charged_segment.push((preceptor.code.clone(), preceptor.kind, charged));
        }
        // REFERENCE §3.3: CTR reduces the charge after discounts (and premiums); each
        // preceptor's part is reduced in the same proportion, so the shares still add up.
        let kept = kept_after_reduction(segment.segment.reduction, &charged_segment, days);
        for (code, kind, charged) in charged_segment {
            let charged = charged * kept;
            net += charged;
            match shares.iter_mut().find(|(c, _, _)| *c == code) {
                Some(share) => share.2 += charged,
                None => shares.push((code, kind, charged)),
            }
        }
    }
    let (gross, after_exemption, after_discount, after_premium, net) = (
        round_half_up(gross),
        round_half_up(after_exemption),
        round_half_up(after_discount),
        round_half_up(after_premium),
        round_half_up(net),
    );
    let weights: Vec<ExactPence> = shares.iter().map(|(_, _, exact)| *exact).collect();
    let preceptors = shares
        .into_iter()
        .zip(split_exact(net, &weights))
        .map(|((code, kind, _), amount)| PreceptorShare { code, kind, amount })
        .collect();
    Ok(Some(YearCharge {
        year,
        liable_days,
        segments: segments.into_iter().map(|s| s.segment).collect(),
        gross,
        exemption: gross - after_exemption,
        discount: after_exemption - after_discount,
        premium: after_premium - after_discount,
        reduction: after_premium - net,
        net,
        preceptors,
    }))
}

/// The fraction of a segment's charge left after its CTR award: 1 - reduction / charge,
/// where the reduction is `percent` of the charge less `weekly_less` for the segment's days,
/// between nothing and the whole charge (REFERENCE §3.3).
fn kept_after_reduction(
    reduction: Option<Reduction>,
    charged: &[(ShortCode, PreceptorKind, ExactPence)],
    days: i64,
) -> ExactPence {
    let one = ExactPence::from_integer(1);
    let Some(reduction) = reduction else {
        return one;
    };
    let total: ExactPence = charged.iter().map(|(_, _, amount)| *amount).sum();
    if total <= ExactPence::from_integer(0) {
        return one;
    }
    let percent = ExactPence::new(i128::from(reduction.percent_bp.min(10_000)), 10_000);
    let less = ExactPence::new(i128::from(reduction.weekly_less.get()) * i128::from(days), 7);
    let reduced = (total * percent - less).max(ExactPence::from_integer(0)).min(total);
    one - reduced / total
}
