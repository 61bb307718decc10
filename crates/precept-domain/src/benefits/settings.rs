//! A council's benefits settings for one year (`benefits-year`, id `2025-26`): the Housing
//! Benefit figures, its Council Tax Reduction scheme (REFERENCE §3.3: working-age schemes are
//! local and adopted yearly), the overpayment recovery rates (§3.5) and its rules for acting on
//! Universal Credit notifications without an officer (§4). Each `Set` applies from its own
//! effective date; history keeps every version.

use chrono::NaiveDate;
use futures::future::BoxFuture;

use super::ctr::CtrScheme;
use super::hb::HbParameters;
use super::overpayment::RecoveryRates;
use crate::aggregate::{Aggregate, AggregateKind};
use crate::council_year::CouncilYearId;
use crate::money::Pence;

/// When a UC notification may be acted on without an officer (REFERENCE §3.3 "Alternatives to
/// banding", §4 "Why not everything can be automated"). All local choices.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UcRules {
    /// A new weekly income within this much of the one the award used changes nothing
    /// (Maidstone's options paper: e.g. £15 a week).
    pub tolerance_weekly: Pence,
    /// Whether a new income in another band is re-awarded automatically; if not, it is a
    /// work item for an officer.
    pub reassess_band_changes: bool,
    /// A notification effective more than this many days before the file's date goes to an
    /// officer (a backdated change can reach past bills).
    pub max_backdate_days: u32,
}

impl Default for UcRules {
    fn default() -> Self {
        UcRules {
            tolerance_weekly: Pence::new(1_500),
            reassess_band_changes: true,
            max_backdate_days: 31,
        }
    }
}

/// How far before the day a claim is received an award may start (REFERENCE §3.2
/// "Backdating": pension age three months; working-age local schemes often one month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BackdatingRules {
    /// Months for pension-age claims.
    pub pension_age_months: u32,
    /// Months for working-age claims.
    pub working_age_months: u32,
}

impl Default for BackdatingRules {
    fn default() -> Self {
        BackdatingRules {
            pension_age_months: 3,
            working_age_months: 1,
        }
    }
}

/// Everything that decides a year's benefit awards.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BenefitSettings {
    /// Housing Benefit figures.
    pub hb: HbParameters,
    /// The council's CTR scheme.
    pub ctr: CtrScheme,
    /// Weekly overpayment recovery rates.
    pub recovery: RecoveryRates,
    /// Acting on UC notifications.
    pub uc: UcRules,
    /// Backdating limits.
    pub backdating: BackdatingRules,
}

/// Set the year's settings from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetBenefitSettings {
    /// First day they apply.
    pub effective_from: NaiveDate,
    /// The settings.
    pub settings: BenefitSettings,
}

/// The settings were set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitSettingsSet {
    /// First day they apply.
    pub effective_from: NaiveDate,
    /// The settings.
    pub settings: BenefitSettings,
}

/// Every version of a year's settings, in the order set.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct BenefitYearState {
    /// Versions with their first day.
    pub versions: Vec<(NaiveDate, BenefitSettings)>,
}

impl BenefitYearState {
    /// The settings in force on `date`: the latest version effective on or before it (the
    /// one set last among equals); before the first, the earliest (it covers from 1 April).
    pub fn on(&self, date: NaiveDate) -> Option<&BenefitSettings> {
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
}

/// Why settings were refused; each names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BenefitSettingsError {
    /// The effective date is outside the year.
    #[error("effective_from is not in the settings' year")]
    WrongYear,
    /// A figure out of range.
    #[error("{0} is out of range")]
    Field(&'static str),
}

fn validate(settings: &BenefitSettings) -> Result<(), BenefitSettingsError> {
    settings.hb.validate().map_err(BenefitSettingsError::Field)?;
    settings.ctr.validate().map_err(BenefitSettingsError::Field)?;
    let rates = &settings.recovery;
    if !(0..=100_000).contains(&rates.standard.get()) || !(0..=100_000).contains(&rates.fraud.get()) {
        return Err(BenefitSettingsError::Field("recovery_rates"));
    }
    if !(0..=100_000).contains(&settings.uc.tolerance_weekly.get()) {
        return Err(BenefitSettingsError::Field("uc_tolerance_weekly"));
    }
    if settings.uc.max_backdate_days > 366 {
        return Err(BenefitSettingsError::Field("uc_max_backdate_days"));
    }
    if settings.backdating.pension_age_months > 12 || settings.backdating.working_age_months > 12 {
        return Err(BenefitSettingsError::Field("backdating_months"));
    }
    Ok(())
}

/// The benefits year aggregate.
#[derive(Debug, Clone, Copy, Default)]
pub struct BenefitYear;

impl Aggregate for BenefitYear {
    type Id = CouncilYearId;
    type State = BenefitYearState;
    type Event = BenefitSettingsSet;
    type Command = SetBenefitSettings;
    type Error = BenefitSettingsError;

    fn apply(mut state: BenefitYearState, event: BenefitSettingsSet) -> Result<BenefitYearState, BenefitSettingsError> {
        state.versions.push((event.effective_from, event.settings));
        Ok(state)
    }

    fn handle<'a, 's: 'a>(
        &'a self,
        id: &'s CouncilYearId,
        state: &'s BenefitYearState,
        command: SetBenefitSettings,
    ) -> BoxFuture<'a, Result<Option<Vec<BenefitSettingsSet>>, BenefitSettingsError>> {
        let decided = (|| {
            if !id.0.contains(command.effective_from) {
                return Err(BenefitSettingsError::WrongYear);
            }
            validate(&command.settings)?;
            let unchanged = state
                .versions
                .last()
                .is_some_and(|(from, settings)| *from == command.effective_from && *settings == command.settings);
            if unchanged {
                return Ok(Some(Vec::new()));
            }
            Ok(Some(vec![BenefitSettingsSet {
                effective_from: command.effective_from,
                settings: command.settings,
            }]))
        })();
        Box::pin(futures::future::ready(decided))
    }
}

impl AggregateKind for BenefitYear {
    const KIND: &'static str = "benefits-year";

    fn effective_date(event: &BenefitSettingsSet) -> Option<NaiveDate> {
        Some(event.effective_from)
    }
}

/// The settings versions a decision can span, in date order (across years): a backdated award
/// or change reaching over 1 April, or over a mid-year version, is assessed on the figures in
/// force on each of its days (REFERENCE §7: parameter tables by effective date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsTimeline(Vec<(NaiveDate, std::sync::Arc<BenefitSettings>)>);

impl SettingsTimeline {
    /// The versions, each from its first day; `None` when there are none.
    pub fn new(mut versions: Vec<(NaiveDate, std::sync::Arc<BenefitSettings>)>) -> Option<Self> {
        if versions.is_empty() {
            return None;
        }
        // Stable: among versions from the same day, the one set last wins.
        versions.sort_by_key(|(from, _)| *from);
        Some(SettingsTimeline(versions))
    }

    /// One version for every day.
    pub fn single(settings: BenefitSettings) -> Self {
        SettingsTimeline(vec![(NaiveDate::MIN, std::sync::Arc::new(settings))])
    }

    /// The settings in force on `date` (before the first version, the first).
    pub fn on(&self, date: NaiveDate) -> &BenefitSettings {
        let index = self.0.iter().rposition(|(from, _)| *from <= date).unwrap_or(0);
        &self.0[index].1
    }

    /// The days after `after`, up to and including `through`, on which another version takes
    /// effect.
    pub fn changes_in(&self, after: NaiveDate, through: NaiveDate) -> Vec<NaiveDate> {
        let mut days: Vec<NaiveDate> = self
            .0
            .iter()
            .map(|(from, _)| *from)
            .filter(|from| after < *from && *from <= through)
            .collect();
        days.dedup();
        days
    }
}
