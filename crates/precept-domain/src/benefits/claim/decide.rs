//! Deciding claim commands.

use chrono::{Days, Months, NaiveDate};

use super::ClaimError;
use super::command::ClaimCommand;
use super::event::ClaimEvent;
use super::state::{ClaimState, ClaimStatus};
use super::types::{
    ChangeSource, Circumstances, ClaimDetails, ClaimKind, Figures, FraudBody, Overpayment, RecoveryMethod,
};
use crate::benefits::ctr::assess_ctr;
use crate::benefits::hb::{assess_hb, earnings_disregard_kind};
use crate::benefits::overpayment::{OverpaymentClass, max_weekly_deduction, next_deduction};
use crate::benefits::settings::{BenefitSettings, SettingsTimeline};
use crate::money::{Pence, Rounding, apportion};

pub(super) fn decide(state: &ClaimState, command: ClaimCommand) -> Result<Vec<ClaimEvent>, ClaimError> {
    if let ClaimCommand::Receive(details) = command {
        return receive(state, details);
    }
    let details = state.details.as_ref().ok_or(ClaimError::NotReceived)?;
    match command {
        ClaimCommand::Receive(_) => unreachable!("handled above"),
        ClaimCommand::RequestEvidence { on, items } => {
            undecided(state)?;
            // Codes, not free text: a description could carry personal data into history.
            if items.is_empty() || items.len() > 20 || items.iter().any(|item| !valid_code(item)) {
                return Err(ClaimError::Field("items"));
            }
            Ok(vec![ClaimEvent::EvidenceRequested { on, items }])
        }
        ClaimCommand::ReceiveEvidence { on } => {
            if state.status != ClaimStatus::AwaitingEvidence {
                return Err(ClaimError::WrongStatus(state.status.code()));
            }
            Ok(vec![ClaimEvent::EvidenceReceived { on }])
        }
        ClaimCommand::Decide {
            on,
            circumstances,
            settings,
        } => {
            undecided(state)?;
            not_before(on, details.received, "on")?;
            let from = award_start(details, settings.on(details.received));
            let segments = assessed_from(details, &circumstances, &settings, (from, on))?;
            if !segments.iter().any(|(_, figures)| figures.awards_something()) {
                return Ok(vec![ClaimEvent::Refused {
                    on,
                    figures: segments.into_iter().next().map(|(_, figures)| figures),
                    reasons: vec!["no_entitlement".to_owned()],
                }]);
            }
            let mut events = Vec::new();
            for (index, (from, figures)) in segments.into_iter().enumerate() {
                let circumstances = circumstances.clone();
                events.push(if index == 0 {
                    ClaimEvent::Awarded {
                        on,
                        from,
                        circumstances,
                        figures,
                    }
                } else {
                    ClaimEvent::Reassessed {
                        on,
                        from,
                        circumstances,
                        figures,
                    }
                });
            }
            Ok(events)
        }
        ClaimCommand::Refuse { on, reasons } => {
            undecided(state)?;
            if reasons.is_empty() || reasons.iter().any(|r| !valid_code(r)) {
                return Err(ClaimError::Field("reasons"));
            }
            Ok(vec![ClaimEvent::Refused {
                on,
                figures: None,
                reasons,
            }])
        }
        ClaimCommand::ReportChange {
            reported,
            effective,
            on,
            circumstances,
            class,
            could_have_realised,
            settings,
        } => {
            live(state)?;
            not_before(effective, first_award(state), "effective")?;
            // Speed of processing counts from the day reported (REFERENCE §3.4).
            if reported < details.received || reported > on {
                return Err(ClaimError::Field("reported"));
            }
            let segments = assessed_from(details, &circumstances, &settings, (effective, on))?;
            let mut events = vec![ClaimEvent::ChangeReported {
                reported,
                effective,
                source: ChangeSource::Reported,
            }];
            let rate = |day: NaiveDate| weekly_on(&segments, day);
            events.extend(overpayment_from(
                state,
                effective,
                &rate,
                (class, could_have_realised, on),
            ));
            for (from, figures) in segments {
                events.push(ClaimEvent::Reassessed {
                    on,
                    from,
                    circumstances: circumstances.clone(),
                    figures,
                });
            }
            Ok(events)
        }
        ClaimCommand::Suspend { on, reason } => {
            if state.status != ClaimStatus::Awarded {
                return Err(ClaimError::WrongStatus(state.status.code()));
            }
            code(&reason, "reason")?;
            Ok(vec![ClaimEvent::Suspended { on, reason }])
        }
        ClaimCommand::Resume { on } => {
            if state.status != ClaimStatus::Suspended {
                return Err(ClaimError::WrongStatus(state.status.code()));
            }
            Ok(vec![ClaimEvent::Resumed { on }])
        }
        ClaimCommand::End {
            on,
            from,
            reason,
            class,
            could_have_realised,
        } => {
            live(state)?;
            code(&reason, "reason")?;
            not_before(from, first_award(state), "from")?;
            not_before(on, details.received, "on")?;
            let mut events = overpayment_from(state, from, &|_| Pence::ZERO, (class, could_have_realised, on));
            events.push(ClaimEvent::Ended { on, from, reason });
            Ok(events)
        }
        ClaimCommand::PayHbWeek { from, settings } => pay_week(state, details, from, settings.on(from)),
        ClaimCommand::InvoiceOverpayment { number, on } => {
            let overpayment = state.overpayment(number).ok_or(ClaimError::NoOverpayment(number))?;
            if overpayment.outstanding() == Pence::ZERO {
                return Err(ClaimError::NothingOutstanding(number));
            }
            if overpayment.method == RecoveryMethod::Invoice {
                return Ok(Vec::new());
            }
            Ok(vec![ClaimEvent::OverpaymentInvoiced { number, on }])
        }
        ClaimCommand::RecordOverpaymentReceipt { number, amount, on } => {
            let overpayment = state.overpayment(number).ok_or(ClaimError::NoOverpayment(number))?;
            if !amount.is_positive() || amount > overpayment.outstanding() {
                return Err(ClaimError::Field("amount_pence"));
            }
            Ok(vec![ClaimEvent::OverpaymentRecovered {
                number,
                amount,
                method: RecoveryMethod::Invoice,
                on,
            }])
        }
        ClaimCommand::WriteOffOverpayment { number, on, reason } => {
            code(&reason, "reason")?;
            let outstanding = state
                .overpayment(number)
                .ok_or(ClaimError::NoOverpayment(number))?
                .outstanding();
            if outstanding == Pence::ZERO {
                return Err(ClaimError::NothingOutstanding(number));
            }
            Ok(vec![ClaimEvent::OverpaymentWrittenOff {
                number,
                amount: outstanding,
                on,
                reason,
            }])
        }
        ClaimCommand::ReferFraud { on, reason } => {
            code(&reason, "reason")?;
            // REFERENCE §3.6: HB fraud is the DWP's (SFIS); CTR fraud stays with the council.
            let to = match details.kind {
                ClaimKind::HousingBenefit => FraudBody::Dwp,
                ClaimKind::CouncilTaxReduction => FraudBody::Council,
            };
            Ok(vec![ClaimEvent::FraudReferred { on, to, reason }])
        }
        ClaimCommand::ApplyUc {
            file_date,
            facts,
            settings,
        } => super::uc::apply_uc(state, details, file_date, facts, &settings),
        ClaimCommand::CloseWorkItem { item, on } => {
            if !state.open_work.contains_key(&item) {
                return Err(ClaimError::NoWorkItem(item));
            }
            Ok(vec![ClaimEvent::WorkItemClosed { item, on }])
        }
    }
}

fn receive(state: &ClaimState, details: ClaimDetails) -> Result<Vec<ClaimEvent>, ClaimError> {
    if state.details.is_some() {
        // The same claim received again is a retry; anything else is a clash.
        return if state.details.as_ref() == Some(&details) {
            Ok(Vec::new())
        } else {
            Err(ClaimError::AlreadyReceived)
        };
    }
    if details.claimed_from > details.received {
        return Err(ClaimError::Field("claimed_from"));
    }
    match (details.kind, details.account) {
        (ClaimKind::CouncilTaxReduction, None) => return Err(ClaimError::Field("account_id")),
        (ClaimKind::HousingBenefit, Some(_)) => return Err(ClaimError::Field("account_id")),
        _ => {}
    }
    Ok(vec![ClaimEvent::Received(details)])
}

/// The award's first day: the day claimed from, but no earlier than the backdating limit
/// allows before receipt (REFERENCE §3.2 "Backdating").
fn award_start(details: &ClaimDetails, settings: &BenefitSettings) -> NaiveDate {
    let months = if details.pension_age {
        settings.backdating.pension_age_months
    } else {
        settings.backdating.working_age_months
    };
    let earliest = details
        .received
        .checked_sub_months(Months::new(months))
        .unwrap_or(details.received);
    details.claimed_from.max(earliest)
}

/// The figures from `from` on, one segment per settings version in force from then to the
/// decision date `on` (a version taking effect later is applied when its year's uprating is
/// decided); adjacent versions giving the same figures make one segment.
pub(super) fn assessed_from(
    details: &ClaimDetails,
    circumstances: &Circumstances,
    settings: &SettingsTimeline,
    (from, on): (NaiveDate, NaiveDate),
) -> Result<Vec<(NaiveDate, Figures)>, ClaimError> {
    let claim = (details.kind, details.pension_age);
    let mut segments = vec![(from, assess(claim, circumstances, settings.on(from))?)];
    for day in settings.changes_in(from, on) {
        let figures = assess(claim, circumstances, settings.on(day))?;
        if segments.last().is_none_or(|(_, last)| *last != figures) {
            segments.push((day, figures));
        }
    }
    Ok(segments)
}

/// The weekly HB of the segment covering `day`.
fn weekly_on(segments: &[(NaiveDate, Figures)], day: NaiveDate) -> Pence {
    segments
        .iter()
        .rev()
        .find(|(from, _)| *from <= day)
        .map_or(Pence::ZERO, |(_, figures)| figures.weekly_hb())
}

pub(super) fn assess(
    (kind, pension_age): (ClaimKind, bool),
    circumstances: &Circumstances,
    settings: &BenefitSettings,
) -> Result<Figures, ClaimError> {
    let household = match circumstances {
        Circumstances::Hb(c) => &c.household,
        Circumstances::Ctr(c) => &c.household,
    };
    // The scheme follows the claimant's age (REFERENCE §3.3), recorded on the claim.
    if household.pension_age != pension_age {
        return Err(ClaimError::Field("circumstances.household.pension_age"));
    }
    match (kind, circumstances) {
        (ClaimKind::HousingBenefit, Circumstances::Hb(c)) => Ok(Figures::Hb(assess_hb(c, &settings.hb))),
        (ClaimKind::CouncilTaxReduction, Circumstances::Ctr(c)) => Ok(Figures::Ctr(assess_ctr(&settings.ctr, c))),
        _ => Err(ClaimError::WrongCircumstances),
    }
}

fn undecided(state: &ClaimState) -> Result<(), ClaimError> {
    if state.status.undecided() {
        Ok(())
    } else {
        Err(ClaimError::WrongStatus(state.status.code()))
    }
}

fn live(state: &ClaimState) -> Result<(), ClaimError> {
    match state.status {
        ClaimStatus::Awarded | ClaimStatus::Suspended => Ok(()),
        other => Err(ClaimError::WrongStatus(other.code())),
    }
}

fn first_award(state: &ClaimState) -> NaiveDate {
    state.awards.first().map_or(NaiveDate::MIN, |award| award.from)
}

fn not_before(date: NaiveDate, earliest: NaiveDate, field: &'static str) -> Result<(), ClaimError> {
    if date < earliest {
        Err(ClaimError::Field(field))
    } else {
        Ok(())
    }
}

fn valid_code(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn code(text: &str, field: &'static str) -> Result<(), ClaimError> {
    if valid_code(text) {
        Ok(())
    } else {
        Err(ClaimError::Field(field))
    }
}

/// REFERENCE §3.5: a change reaching back before the last day paid means some of the Housing
/// Benefit paid was not due. What was overpaid in all is what was paid less what the claimant
/// was entitled to on the new awards, recomputed week by week as it was paid (so the rounding
/// matches); less what earlier changes already identified, the rest is this change's. A
/// change in the claimant's favour (HB reg 104's offset) reduces the latest overpayments
/// instead, down to what has been recovered; arrears beyond that are not built.
fn overpayment_from(
    state: &ClaimState,
    from: NaiveDate,
    new_rate: &dyn Fn(NaiveDate) -> Pence,
    (class, could_have_realised, on): (OverpaymentClass, bool, NaiveDate),
) -> Vec<ClaimEvent> {
    let (Some(paid_from), Some(paid_through)) = (state.paid_from, state.paid_through.filter(|t| *t >= from)) else {
        return Vec::new();
    };
    let rate = |day: NaiveDate| {
        if day >= from {
            new_rate(day)
        } else {
            state
                .award_on(day)
                .map_or(Pence::ZERO, |award| award.figures.weekly_hb())
        }
    };
    let mut entitled = Pence::ZERO;
    let mut week = paid_from;
    while week <= paid_through {
        let last = (week + Days::new(6)).min(paid_through);
        entitled = entitled + entitlement(&rate, week, last);
        week = last + Days::new(1);
    }
    let identified: Pence = state.overpayments.iter().map(|o| o.amount).sum();
    let amount = state.paid_total - entitled - identified;
    if amount.is_positive() {
        let number = u32::try_from(state.overpayments.len())
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        // While HB continues it is recovered from it; once it has ended, by invoice (§3.5).
        let method = if new_rate(paid_through).is_positive() {
            RecoveryMethod::Deduction
        } else {
            RecoveryMethod::Invoice
        };
        return vec![ClaimEvent::OverpaymentIdentified(Overpayment {
            number,
            class,
            from,
            through: paid_through,
            amount,
            recoverable: class.recoverable(could_have_realised),
            method,
            recovered: Pence::ZERO,
            written_off: Pence::ZERO,
        })];
    }
    let mut excess = -amount;
    let mut events = Vec::new();
    for overpayment in state.overpayments.iter().rev() {
        let reducible = overpayment.amount - overpayment.recovered - overpayment.written_off;
        let by = excess.min(reducible);
        if by.is_positive() {
            events.push(ClaimEvent::OverpaymentReduced {
                number: overpayment.number,
                by,
                on,
            });
            excess = excess - by;
        }
    }
    events
}

/// Housing Benefit for `from..=through` at `rate`'s weekly amounts, by day, rounded once for
/// each run of days at one rate.
fn entitlement(rate: &dyn Fn(NaiveDate) -> Pence, from: NaiveDate, through: NaiveDate) -> Pence {
    let mut total = Pence::ZERO;
    let mut day = from;
    while day <= through {
        let weekly = rate(day);
        let mut last = day;
        while let Some(next) = last.succ_opt() {
            if next > through || rate(next) != weekly {
                break;
            }
            last = next;
        }
        let days = crate::calendar::days_inclusive(day, last);
        total = total + apportion(weekly, days, 7, Rounding::HalfUp);
        day = match last.succ_opt() {
            Some(next) => next,
            None => break,
        };
    }
    total
}

fn pay_week(
    state: &ClaimState,
    details: &ClaimDetails,
    from: NaiveDate,
    settings: &BenefitSettings,
) -> Result<Vec<ClaimEvent>, ClaimError> {
    if details.kind != ClaimKind::HousingBenefit {
        return Err(ClaimError::NotHousingBenefit);
    }
    // An ended claim is still paid up to its last day (an end decided ahead of its date).
    let paid_before_end = state.status == ClaimStatus::Ended && state.ended_from.is_some_and(|end| from < end);
    if state.status != ClaimStatus::Awarded && !paid_before_end {
        return Err(ClaimError::WrongStatus(state.status.code()));
    }
    let expected = match state.paid_through {
        Some(through) => through.succ_opt().ok_or(ClaimError::Field("from"))?,
        None => first_award(state),
    };
    if from != expected {
        return Err(ClaimError::PaymentOutOfOrder(expected));
    }
    let mut through = from + Days::new(6);
    if let Some(end) = state.ended_from {
        through = through.min(end.pred_opt().unwrap_or(end));
    }
    if through < from {
        return Err(ClaimError::WrongStatus("ended"));
    }
    let rate = |day: NaiveDate| {
        state
            .award_on(day)
            .map_or(Pence::ZERO, |award| award.figures.weekly_hb())
    };
    let gross = entitlement(&rate, from, through);
    let mut events = Vec::new();
    let mut deducted = Pence::ZERO;
    let recovering = state
        .overpayments
        .iter()
        .find(|o| o.method == RecoveryMethod::Deduction && o.outstanding().is_positive());
    if let (Some(overpayment), Some(Circumstances::Hb(circumstances))) = (recovering, state.circumstances.as_ref()) {
        // REFERENCE §3.5 method 1: at most the year's rate plus half of any earnings disregard
        // the claimant gets (none without earnings, or when passported).
        let disregarded = match state.current_figures() {
            Some(Figures::Hb(assessment)) => assessment.earnings_disregard.is_positive(),
            _ => false,
        };
        let most = max_weekly_deduction(
            &settings.recovery,
            overpayment.class,
            disregarded.then(|| earnings_disregard_kind(circumstances)),
        );
        deducted = next_deduction(overpayment.outstanding(), gross, most);
        if deducted.is_positive() {
            events.push(ClaimEvent::OverpaymentRecovered {
                number: overpayment.number,
                amount: deducted,
                method: RecoveryMethod::Deduction,
                on: from,
            });
        }
    }
    events.insert(
        0,
        ClaimEvent::HbPaid {
            from,
            through,
            gross,
            deducted,
        },
    );
    Ok(events)
}
