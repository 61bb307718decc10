//! The council-year aggregate (`ct-year`): a council's Council Tax settings for one financial
//! year, kept as events and versioned by effective date.
//!
//! The first settings take effect on 1 April; an amendment takes effect from a later date in
//! the same year (a corrected precept, a policy change) and never rewrites the earlier version.
//! Charges for each day use the version in force that day (REFERENCE §1.3, §7).
//!
//! Not here: how a charge is computed ([`crate::charge`]), or which accounts are billed.

mod settings;

pub use settings::{
    BP_WHOLE, Band, BandRatio, LateTwelveRule, LocalPolicy, MalformedCode, Preceptor, PreceptorKind, PremiumStep,
    SettingsError, ShortCode, YearSettings,
};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use futures::future::BoxFuture;

use crate::aggregate::{Aggregate, AggregateKind};
use crate::calendar::{FinancialYear, MalformedYear};

/// The id of a council-year aggregate: its financial year, written `2025-26` in subjects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CouncilYearId(pub FinancialYear);

impl fmt::Display for CouncilYearId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let year = self.0.start_year();
        write!(f, "{year}-{:02}", (year + 1) % 100)
    }
}

impl std::str::FromStr for CouncilYearId {
    type Err = MalformedYear;

    fn from_str(text: &str) -> Result<Self, MalformedYear> {
        text.parse().map(CouncilYearId)
    }
}

/// Set (or amend from a date) the year's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetYearSettings {
    /// The first day these settings apply; 1 April for the year's first settings.
    pub effective_from: NaiveDate,
    /// The settings.
    pub settings: YearSettings,
}

/// The year's settings were set from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearSettingsSet {
    /// The year.
    pub year: FinancialYear,
    /// First day they apply.
    pub effective_from: NaiveDate,
    /// The settings.
    pub settings: YearSettings,
}

/// Why a settings command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CouncilYearError {
    /// The settings break a rule.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The effective date is outside the year, or the first settings do not start on 1 April.
    #[error("effective_from must fall in the year, and the first settings must start on 1 April")]
    EffectiveDate,
    /// A stored event belongs to another year: corrupt history.
    #[error("settings event is for another year")]
    WrongYear,
}

/// Every version of the year's settings, by the date each takes effect.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct YearHistory {
    /// Versions by first effective day; empty until the year is set up.
    pub versions: BTreeMap<NaiveDate, Arc<YearSettings>>,
}

impl YearHistory {
    /// The settings in force on `date`, if the year is set up by then.
    pub fn on(&self, date: NaiveDate) -> Option<&Arc<YearSettings>> {
        self.versions.range(..=date).next_back().map(|(_, settings)| settings)
    }

    /// The latest version (for policy choices made when a bill is issued).
    pub fn latest(&self) -> Option<&Arc<YearSettings>> {
        self.versions.values().next_back()
    }
}

/// The council-year aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct CouncilYear;

impl Aggregate for CouncilYear {
    type Id = CouncilYearId;
    type State = YearHistory;
    type Event = YearSettingsSet;
    type Command = SetYearSettings;
    type Error = CouncilYearError;

    fn apply(mut state: YearHistory, event: YearSettingsSet) -> Result<YearHistory, CouncilYearError> {
        if !event.year.contains(event.effective_from) {
            return Err(CouncilYearError::WrongYear);
        }
        state.versions.insert(event.effective_from, Arc::new(event.settings));
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        id: &'s CouncilYearId,
        state: &'s YearHistory,
        command: SetYearSettings,
    ) -> BoxFuture<'a, Result<Option<Vec<YearSettingsSet>>, CouncilYearError>> {
        Box::pin(futures::future::ready(decide(id.0, state, command).map(Some)))
    }
}

fn decide(
    year: FinancialYear,
    state: &YearHistory,
    command: SetYearSettings,
) -> Result<Vec<YearSettingsSet>, CouncilYearError> {
    command.settings.validate()?;
    let first = state.versions.is_empty();
    if !year.contains(command.effective_from) || (first && command.effective_from != year.first_day()) {
        return Err(CouncilYearError::EffectiveDate);
    }
    if state.versions.get(&command.effective_from).map(|s| s.as_ref()) == Some(&command.settings) {
        // The same settings again from the same date: nothing new to record.
        return Ok(Vec::new());
    }
    Ok(vec![YearSettingsSet {
        year,
        effective_from: command.effective_from,
        settings: command.settings,
    }])
}

impl AggregateKind for CouncilYear {
    const KIND: &'static str = "ct-year";

    fn effective_date(event: &YearSettingsSet) -> Option<NaiveDate> {
        Some(event.effective_from)
    }
}
