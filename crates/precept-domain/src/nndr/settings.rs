//! A billing authority's business rates settings for one year (`nndr-year`): the national
//! figures it bills with (multipliers and reliefs, [`NndrYear`]), its instalment rules and
//! its recovery timetable and costs (REFERENCE §2.9-2.10). Each `Set` replaces the year's
//! settings for notices issued from then on; history keeps every version.
//!
//! Only the billing authority sets these: an agent council billing on its behalf cannot
//! (the application service checks who is asking).

use chrono::NaiveDate;
use futures::future::BoxFuture;

use super::parameters::NndrYear;
use crate::aggregate::{Aggregate, AggregateKind};
use crate::council_year::{CouncilYearId, LateTwelveRule};
use crate::instalments::InstalmentRules;
use crate::money::Pence;
use crate::recovery::{AgentFeeScale, PolicyOutOfRange, RecoveryPolicy};

/// Everything local and national that decides a year's business rates bills.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NndrSettings {
    /// Multipliers and relief figures.
    pub national: NndrYear,
    /// What a late request for 12 instalments gets (REFERENCE §2.9: the months remaining).
    pub late_twelve_rule: LateTwelveRule,
    /// Smallest instalment before instalments are merged.
    pub instalment_minimum: Pence,
    /// Recovery timetable and costs.
    pub recovery: RecoveryPolicy,
}

impl NndrSettings {
    /// The published English figures for `year` with common local choices, `None` for a
    /// year without published figures.
    pub fn england(year: crate::calendar::FinancialYear) -> Option<Self> {
        Some(NndrSettings {
            national: NndrYear::england(year)?,
            late_twelve_rule: LateTwelveRule::WholeMonthsRemaining,
            instalment_minimum: Pence::new(500),
            recovery: RecoveryPolicy::business_rates(Pence::new(7_000), Pence::new(3_000)),
        })
    }

    /// The instalment rules.
    pub fn instalment_rules(&self) -> InstalmentRules {
        InstalmentRules {
            late_twelve_rule: self.late_twelve_rule,
            minimum: self.instalment_minimum,
        }
    }
}

impl RecoveryPolicy {
    /// The common English business rates practice (REFERENCE §2.10): the Council Tax
    /// skeleton with one reminder a year.
    pub fn business_rates(summons_costs: Pence, liability_order_costs: Pence) -> Self {
        RecoveryPolicy {
            reminders_per_year: 1,
            agent_fees: AgentFeeScale::england_2014(),
            ..RecoveryPolicy::council_tax(summons_costs, liability_order_costs)
        }
    }
}

/// Set the year's settings from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetNndrSettings {
    /// First day they apply.
    pub effective_from: NaiveDate,
    /// The settings.
    pub settings: NndrSettings,
}

/// The settings were set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NndrSettingsSet {
    /// First day they apply.
    pub effective_from: NaiveDate,
    /// The settings.
    pub settings: NndrSettings,
}

/// Every version of a year's settings, in the order set.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct NndrYearState {
    /// Versions with their first day.
    pub versions: Vec<(NaiveDate, NndrSettings)>,
}

impl NndrYearState {
    /// The settings set last.
    pub fn latest(&self) -> Option<&NndrSettings> {
        self.versions.last().map(|(_, settings)| settings)
    }

    /// The settings in force on `date`: of the versions effective on or before it, the one
    /// with the latest effective date (the one set last, among equals); before the first
    /// effective date, the earliest version (a year's first settings cover it from 1 April).
    pub fn on(&self, date: NaiveDate) -> Option<&NndrSettings> {
        let in_force = self
            .versions
            .iter()
            .enumerate()
            .filter(|(_, (from, _))| *from <= date)
            .max_by_key(|(index, (from, _))| (*from, *index));
        in_force
            .or_else(|| self.versions.iter().enumerate().min_by_key(|(_, (from, _))| *from))
            .map(|(_, (_, settings))| settings)
    }

    /// The days from which a version applies.
    pub fn effective_dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.versions.iter().map(|(from, _)| *from)
    }
}

/// Why settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NndrSettingsError {
    /// The settings are for another year, or take effect outside the year.
    #[error("{0} is not in the settings' year")]
    WrongYear(&'static str),
    /// A recovery figure out of range.
    #[error(transparent)]
    Recovery(#[from] PolicyOutOfRange),
    /// A national figure out of range (named).
    #[error("{0} is out of range")]
    National(&'static str),
    /// The minimum instalment is negative or above £1,000.
    #[error("instalment_minimum must be between 0 and 100000 pence")]
    Minimum,
}

/// The business rates year aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct NndrYearSettings;

impl Aggregate for NndrYearSettings {
    type Id = CouncilYearId;
    type State = NndrYearState;
    type Event = NndrSettingsSet;
    type Command = SetNndrSettings;
    type Error = NndrSettingsError;

    fn apply(mut state: NndrYearState, event: NndrSettingsSet) -> Result<NndrYearState, NndrSettingsError> {
        state.versions.push((event.effective_from, event.settings));
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        id: &'s CouncilYearId,
        state: &'s NndrYearState,
        command: SetNndrSettings,
    ) -> BoxFuture<'a, Result<Option<Vec<NndrSettingsSet>>, NndrSettingsError>> {
        Box::pin(futures::future::ready(decide(*id, state, command).map(Some)))
    }
}

fn decide(
    id: CouncilYearId,
    state: &NndrYearState,
    command: SetNndrSettings,
) -> Result<Vec<NndrSettingsSet>, NndrSettingsError> {
    if command.settings.national.year != id.0 {
        return Err(NndrSettingsError::WrongYear("year"));
    }
    if !id.0.contains(command.effective_from) {
        return Err(NndrSettingsError::WrongYear("effective_from"));
    }
    command.settings.recovery.validate()?;
    command
        .settings
        .national
        .validate()
        .map_err(NndrSettingsError::National)?;
    if !(0..=100_000).contains(&command.settings.instalment_minimum.get()) {
        return Err(NndrSettingsError::Minimum);
    }
    if state.latest() == Some(&command.settings) {
        return Ok(Vec::new());
    }
    Ok(vec![NndrSettingsSet {
        effective_from: command.effective_from,
        settings: command.settings,
    }])
}

impl AggregateKind for NndrYearSettings {
    const KIND: &'static str = "nndr-year";

    fn effective_date(event: &NndrSettingsSet) -> Option<NaiveDate> {
        Some(event.effective_from)
    }
}
