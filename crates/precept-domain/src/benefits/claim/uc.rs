//! Acting on a UC notification by the council's rules (REFERENCE §3.3 banded schemes, §4).
//!
//! The rules, in order: a Housing Benefit or pension-age claim, a claim not in payment, UC
//! ending, a different household, or a change reaching back beyond the council's limit all
//! need an officer. Otherwise the new income is banded: the same band needs no new award
//! (the point of banded schemes), a change within the council's tolerance is ignored, and a
//! different band is re-awarded from the effective date, or sent to an officer if the
//! council prefers.

use chrono::NaiveDate;

use super::ClaimError;
use super::decide::assessed_from;
use super::event::ClaimEvent;
use super::state::{ClaimState, ClaimStatus};
use super::types::{ChangeSource, Circumstances, ClaimDetails, ClaimKind, UcFacts, UcOutcome, WorkReason};
use crate::benefits::ctr::{CtrCircumstances, band_for, banded_income};
use crate::benefits::settings::{BenefitSettings, SettingsTimeline};
use crate::benefits::uc_file::{UcNotificationKind, monthly_to_weekly};

pub(super) fn apply_uc(
    state: &ClaimState,
    details: &ClaimDetails,
    file_date: NaiveDate,
    facts: UcFacts,
    timeline: &SettingsTimeline,
) -> Result<Vec<ClaimEvent>, ClaimError> {
    // The council's rules for acting on the file are those in force on the file's date.
    let settings = timeline.on(file_date);
    if state.uc_handled.contains_key(&facts.record_id) {
        return Ok(Vec::new());
    }
    let (outcome, reassessed) = match triage(state, details, file_date, &facts, settings) {
        Ok(Verdict::Keep(outcome)) => (outcome, None),
        Ok(Verdict::Reassess(new)) => (UcOutcome::Reassessed, Some(new)),
        Err(reason) => (UcOutcome::WorkItem(reason), None),
    };
    let mut events = vec![ClaimEvent::UcNotificationHandled {
        record_id: facts.record_id.clone(),
        file_date,
        outcome,
    }];
    if let UcOutcome::WorkItem(reason) = outcome {
        events.push(ClaimEvent::WorkItemRaised {
            item: facts.record_id.clone(),
            on: file_date,
            reason,
        });
    }
    if let Some(circumstances) = reassessed {
        let circumstances = Circumstances::Ctr(circumstances);
        let segments = assessed_from(details, &circumstances, timeline, (facts.effective_date, file_date))?;
        events.push(ClaimEvent::ChangeReported {
            reported: file_date,
            effective: facts.effective_date,
            source: ChangeSource::UcNotification(facts.record_id),
        });
        for (from, figures) in segments {
            events.push(ClaimEvent::Reassessed {
                on: file_date,
                from,
                circumstances: circumstances.clone(),
                figures,
            });
        }
    }
    Ok(events)
}

/// What a notification that needs no officer does.
enum Verdict {
    /// Nothing changes (same band, or within tolerance).
    Keep(UcOutcome),
    /// Re-award with these circumstances.
    Reassess(CtrCircumstances),
}

/// `Err` when an officer is needed.
fn triage(
    state: &ClaimState,
    details: &ClaimDetails,
    file_date: NaiveDate,
    facts: &UcFacts,
    settings: &BenefitSettings,
) -> Result<Verdict, WorkReason> {
    if details.kind == ClaimKind::HousingBenefit {
        return Err(WorkReason::HousingBenefitClaim);
    }
    if details.pension_age {
        return Err(WorkReason::PensionAge);
    }
    if state.status != ClaimStatus::Awarded {
        return Err(WorkReason::ClaimNotLive);
    }
    if facts.kind == UcNotificationKind::Termination {
        return Err(WorkReason::UcEnded);
    }
    let Some(Circumstances::Ctr(current)) = state.circumstances.as_ref() else {
        return Err(WorkReason::ClaimNotLive);
    };
    if current.household.partner != facts.partner || current.household.children != facts.children {
        return Err(WorkReason::HouseholdChanged);
    }
    let earliest = file_date
        .checked_sub_days(chrono::Days::new(u64::from(settings.uc.max_backdate_days)))
        .unwrap_or(file_date);
    // Before the latest award, a notification would rewrite a decision made since (perhaps an
    // officer's): an officer decides.
    let latest = state.latest_decision_from().unwrap_or(file_date);
    if facts.effective_date < earliest || facts.effective_date < latest {
        return Err(WorkReason::Backdated);
    }
    let scheme = &settings.ctr.working_age;
    let old_income = banded_income(scheme, current.weekly_earnings, current.other_weekly_income);
    let new_income = banded_income(
        scheme,
        monthly_to_weekly(facts.earned_income),
        monthly_to_weekly(facts.unearned_income),
    );
    let old_band = band_for(scheme, &current.household, current.passported, old_income);
    let new_band = band_for(scheme, &current.household, facts.passported, new_income);
    // A change of passported status is never within tolerance: it moves the claim between
    // band 1 and the income grid.
    let tolerated = facts.passported == current.passported
        && (new_income - old_income).get().abs() <= settings.uc.tolerance_weekly.get();
    if old_band == new_band {
        return Ok(Verdict::Keep(UcOutcome::SameBand));
    }
    if tolerated {
        return Ok(Verdict::Keep(UcOutcome::WithinTolerance));
    }
    if !settings.uc.reassess_band_changes {
        return Err(WorkReason::BandChanged);
    }
    Ok(Verdict::Reassess(CtrCircumstances {
        weekly_earnings: monthly_to_weekly(facts.earned_income),
        other_weekly_income: monthly_to_weekly(facts.unearned_income),
        passported: facts.passported,
        ..current.clone()
    }))
}
