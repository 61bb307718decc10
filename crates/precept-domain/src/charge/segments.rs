//! Splitting a year's liable days into segments of constant facts.

use std::sync::Arc;

use chrono::{Months, NaiveDate};

use super::liability::{BillingContext, Liability, Period, PremiumBasis};
use super::{ChargeError, ChargeSegment, DiscountKind};
use crate::calendar::FinancialYear;
use crate::council_year::{BandRatio, YearSettings};
use crate::money::Pence;

/// A segment with the settings and ratio used to charge it.
pub(super) struct Priced {
    pub segment: ChargeSegment,
    pub settings: Arc<YearSettings>,
    pub ratio: BandRatio,
}

/// The liable days of `year` as segments, in date order.
pub(super) fn build(
    year: FinancialYear,
    liability: &Liability<'_>,
    context: &BillingContext,
) -> Result<Vec<Priced>, ChargeError> {
    let first = liability.start.max(year.first_day());
    let last = liability
        .last_day
        .map_or(year.last_day(), |day| day.min(year.last_day()));
    if last < first {
        return Ok(Vec::new());
    }
    let history = context.years.get(&year).ok_or(ChargeError::YearNotSetUp(year))?;
    let mut starts = vec![first];
    starts.extend(history.versions.keys().copied());
    starts.extend(context.property.bands.keys().copied());
    period_starts(liability.discounts, &mut starts);
    period_starts(liability.exemptions, &mut starts);
    period_starts(liability.premiums, &mut starts);
    period_starts(liability.reductions, &mut starts);
    for premium in liability.premiums {
        if let PremiumBasis::LongTermEmpty { empty_since } = premium.value {
            // Each premium step starts on an anniversary of the day the dwelling became empty.
            for step in history
                .versions
                .values()
                .flat_map(|s| s.policy.long_term_empty_premiums.iter())
            {
                if let Some(day) = empty_since.checked_add_months(Months::new(12 * step.empty_years_min)) {
                    starts.push(day);
                }
            }
        }
    }
    starts.retain(|day| first <= *day && *day <= last);
    starts.sort_unstable();
    starts.dedup();
    let mut priced: Vec<Priced> = Vec::with_capacity(starts.len());
    for (index, from) in starts.iter().enumerate() {
        let to = starts.get(index + 1).and_then(|next| next.pred_opt()).unwrap_or(last);
        let next = price(
            *from,
            to,
            liability,
            context,
            history.on(*from).ok_or(ChargeError::YearNotSetUp(year))?,
        )?;
        match priced.last_mut() {
            // Adjacent days with identical facts are one segment (a change that changes nothing).
            Some(previous) if same_facts(previous, &next) => previous.segment.to = to,
            _ => priced.push(next),
        }
    }
    Ok(priced)
}

fn same_facts(a: &Priced, b: &Priced) -> bool {
    let (x, y) = (&a.segment, &b.segment);
    Arc::ptr_eq(&a.settings, &b.settings)
        && (x.band, x.band_d_total, x.discount, x.exemption, x.premium, x.reduction)
            == (y.band, y.band_d_total, y.discount, y.exemption, y.premium, y.reduction)
}

fn period_starts<T>(periods: &[Period<T>], starts: &mut Vec<NaiveDate>) {
    for period in periods {
        starts.push(period.from);
        if let Some(after) = period.to.and_then(|to| to.succ_opt()) {
            starts.push(after);
        }
    }
}

/// The facts on the segment's first day, which hold for all of it by construction.
fn price(
    from: NaiveDate,
    to: NaiveDate,
    liability: &Liability<'_>,
    context: &BillingContext,
    settings: &Arc<YearSettings>,
) -> Result<Priced, ChargeError> {
    let band = context.property.band_on(from).ok_or(ChargeError::NoBand)?;
    let ratio = settings.ratio(band).ok_or(ChargeError::BandNotInScale(band))?;
    let policy = &settings.policy;
    let band_d_total = settings
        .preceptors_in(context.property.parish_area.as_ref())
        .map(|p| p.band_d)
        .sum::<Pence>();
    let discount = covering(liability.discounts, from).map(|kind| {
        let bp = match kind {
            DiscountKind::SinglePerson => policy.single_person_discount_bp,
            DiscountKind::AllDisregarded => policy.all_disregarded_discount_bp,
        };
        (kind, bp)
    });
    let exemption = covering(liability.exemptions, from);
    let premium = covering(liability.premiums, from).and_then(|basis| {
        let bp = match basis {
            PremiumBasis::SecondHome => policy.second_home_premium_bp,
            PremiumBasis::LongTermEmpty { empty_since } => {
                let years_empty = whole_years(empty_since, from);
                policy
                    .long_term_empty_premiums
                    .iter()
                    .filter(|step| step.empty_years_min <= years_empty)
                    .map(|step| step.premium_bp)
                    .next_back()
                    .unwrap_or(0)
            }
        };
        (bp > 0).then_some((basis, bp))
    });
    Ok(Priced {
        segment: ChargeSegment {
            from,
            to,
            band,
            band_d_total,
            discount,
            exemption,
            premium,
            reduction: covering(liability.reductions, from),
        },
        settings: Arc::clone(settings),
        ratio,
    })
}

fn covering<T: Copy>(periods: &[Period<T>], day: NaiveDate) -> Option<T> {
    periods
        .iter()
        .find(|period| period.covers(day))
        .map(|period| period.value)
}

/// Whole years from `since` to `day` (anniversaries reached).
fn whole_years(since: NaiveDate, day: NaiveDate) -> u32 {
    let mut years = 0;
    while since
        .checked_add_months(Months::new(12 * (years + 1)))
        .is_some_and(|anniversary| anniversary <= day)
        && years < 100
    {
        years += 1;
    }
    years
}
