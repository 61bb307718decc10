//! A council's Council Tax settings for one financial year: bands, precepts, local policy.
//!
//! Every figure here is a parameter, never a constant (REFERENCE.md §7): band ratios
//! (§1.2), each preceptor's Band D amount (§1.3), discount and premium levels (§1.6, §1.8),
//! instalment choices (§1.9) and recovery costs (§1.10). [`YearSettings::england`] builds the
//! common English case for tests and set-up scripts; councils send their own figures.

use std::fmt;

use crate::money::Pence;
use crate::recovery::RecoveryPolicy;

/// A valuation band. England uses A to H; Wales adds I (REFERENCE §1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Band {
    /// Band A.
    A,
    /// Band B.
    B,
    /// Band C.
    C,
    /// Band D, the reference band.
    D,
    /// Band E.
    E,
    /// Band F.
    F,
    /// Band G.
    G,
    /// Band H.
    H,
    /// Band I (Wales only).
    I,
}

impl Band {
    /// Every band, in order.
    pub const ALL: [Band; 9] = [
        Band::A,
        Band::B,
        Band::C,
        Band::D,
        Band::E,
        Band::F,
        Band::G,
        Band::H,
        Band::I,
    ];

    /// The band's letter.
    pub fn letter(self) -> char {
        match self {
            Band::A => 'A',
            Band::B => 'B',
            Band::C => 'C',
            Band::D => 'D',
            Band::E => 'E',
            Band::F => 'F',
            Band::G => 'G',
            Band::H => 'H',
            Band::I => 'I',
        }
    }

    /// The band for a letter (upper case).
    pub fn from_letter(letter: char) -> Option<Band> {
        Band::ALL.into_iter().find(|band| band.letter() == letter)
    }
}

impl fmt::Display for Band {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.letter())
    }
}

/// A band's charge as an exact fraction of Band D (REFERENCE §1.2: England 6/9 to 18/9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct BandRatio {
    /// Numerator.
    pub numerator: u32,
    /// Denominator (9 in England and Wales, 360 in Scotland).
    pub denominator: u32,
}

/// What a preceptor is (REFERENCE §0, §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum PreceptorKind {
    /// The billing authority's own amount.
    BillingAuthority,
    /// County council (including any adult social care element).
    County,
    /// Police and crime commissioner.
    Police,
    /// Fire and rescue authority.
    Fire,
    /// Parish or town council: applies only in its parish area.
    Parish,
    /// Any other major preceptor (GLA, combined authority).
    Other,
}

impl PreceptorKind {
    /// Stable lowercase name, for read models and reports.
    pub fn name(self) -> &'static str {
        match self {
            PreceptorKind::BillingAuthority => "billing_authority",
            PreceptorKind::County => "county",
            PreceptorKind::Police => "police",
            PreceptorKind::Fire => "fire",
            PreceptorKind::Parish => "parish",
            PreceptorKind::Other => "other",
        }
    }
}

/// A short lowercase code naming a preceptor or a parish area: 1-32 of `[a-z0-9-]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct ShortCode(String);

/// Why a short code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("codes are 1-32 characters of a-z, 0-9 and -")]
pub struct MalformedCode;

impl ShortCode {
    /// Parses a code.
    ///
    /// # Errors
    /// [`MalformedCode`].
    pub fn parse(text: &str) -> Result<Self, MalformedCode> {
        let valid = !text.is_empty()
            && text.len() <= 32
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(ShortCode(text.to_owned()))
        } else {
            Err(MalformedCode)
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ShortCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One precepting body's Band D amount for the year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Preceptor {
    /// Its code, unique within the year (`kcc`, `kent-police`, `parish-boughton`).
    pub code: ShortCode,
    /// What it is.
    pub kind: PreceptorKind,
    /// For a parish precept: the parish area it applies in; `None` for everyone else.
    pub parish_area: Option<ShortCode>,
    /// Its Band D amount.
    pub band_d: Pence,
}

/// One step of the long-term empty premium (REFERENCE §1.8): from this many whole years empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct PremiumStep {
    /// Whole years empty at which the step starts (1, 2, 5, 10 in England from 2024).
    pub empty_years_min: u32,
    /// Premium in basis points of the charge (10000 = 100% extra).
    pub premium_bp: u32,
}

/// How many instalments a 12-instalment request issued after 15 April gets (REFERENCE §1.9:
/// the Council Tax wording is unconfirmed, so each council chooses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum LateTwelveRule {
    /// The whole months remaining in the year after the month of issue (the NNDR rule).
    WholeMonthsRemaining,
    /// The statutory count, as if 12 had not been asked for.
    Statutory,
}

/// The council's local choices for the year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LocalPolicy {
    /// Single person discount, basis points (2500 by statute, REFERENCE §1.6).
    pub single_person_discount_bp: u32,
    /// Discount when every resident is disregarded, basis points (5000, REFERENCE §1.6).
    pub all_disregarded_discount_bp: u32,
    /// Long-term empty premium steps (REFERENCE §1.8); empty for a council charging none.
    pub long_term_empty_premiums: Vec<PremiumStep>,
    /// Second homes premium, basis points (REFERENCE §1.8; 0 where not determined).
    pub second_home_premium_bp: u32,
    /// Days of the month instalments may fall on (REFERENCE §1.9: e.g. 1, 8, 15, 23).
    pub instalment_days: Vec<u32>,
    /// The late 12-instalment rule.
    pub late_twelve_rule: LateTwelveRule,
    /// Smallest instalment before instalments are merged (REFERENCE §1.9: £5).
    pub instalment_minimum: Pence,
    /// Recovery: the timetable's day counts, summons and liability order costs, and the
    /// enforcement agent fee scale (REFERENCE §1.10; every figure local or unconfirmed).
    pub recovery: RecoveryPolicy,
}

/// Everything that decides a Council Tax charge in one year, from one effective date.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct YearSettings {
    /// Band ratios in use (England: A-H at n/9; Wales: A-I).
    pub bands: Vec<(Band, BandRatio)>,
    /// Every preceptor's Band D amount, parish precepts included.
    pub preceptors: Vec<Preceptor>,
    /// Local policy.
    pub policy: LocalPolicy,
}

/// Why settings were refused; each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// No bands, a band twice, or a ratio with a zero part.
    #[error("bands: each band once, ratios with non-zero numerator and denominator, D present")]
    Bands,
    /// No preceptors, a code twice, a Band D amount out of range, a parish without an area.
    #[error("preceptors: {0}")]
    Preceptors(&'static str),
    /// A policy value out of range.
    #[error("policy.{0} is out of range")]
    Policy(&'static str),
}

/// The largest Band D amount accepted for one preceptor (£100,000: far above any real one).
const BAND_D_MAX: Pence = Pence::new(10_000_000);
/// Basis points in 100%.
pub const BP_WHOLE: u32 = 10_000;

impl YearSettings {
    /// Checks every rule on the settings.
    ///
    /// # Errors
    /// The first [`SettingsError`] found.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let mut seen = Vec::new();
        for (band, ratio) in &self.bands {
            if seen.contains(band) || ratio.numerator == 0 || ratio.denominator == 0 || ratio.numerator > 1000 {
                return Err(SettingsError::Bands);
            }
            seen.push(*band);
        }
        if !seen.contains(&Band::D) {
            return Err(SettingsError::Bands);
        }
        if self.preceptors.is_empty() || self.preceptors.len() > 64 {
            return Err(SettingsError::Preceptors("between 1 and 64 preceptors"));
        }
        for (index, preceptor) in self.preceptors.iter().enumerate() {
            if self.preceptors[..index]
                .iter()
                .any(|other| other.code == preceptor.code)
            {
                return Err(SettingsError::Preceptors("each code once"));
            }
            if preceptor.band_d.get() < 0 || preceptor.band_d > BAND_D_MAX {
                return Err(SettingsError::Preceptors("band_d between £0 and £100,000"));
            }
            if (preceptor.kind == PreceptorKind::Parish) != preceptor.parish_area.is_some() {
                return Err(SettingsError::Preceptors(
                    "parish precepts, and only they, name a parish area",
                ));
            }
        }
        self.policy.validate()
    }

    /// The ratio for a band, if the scale has it.
    pub fn ratio(&self, band: Band) -> Option<BandRatio> {
        self.bands.iter().find(|(b, _)| *b == band).map(|(_, ratio)| *ratio)
    }

    /// The preceptors charged in a parish area (every non-parish preceptor, plus that parish's).
    pub fn preceptors_in<'a>(&'a self, area: Option<&'a ShortCode>) -> impl Iterator<Item = &'a Preceptor> + 'a {
        self.preceptors
            .iter()
            .filter(move |p| p.parish_area.is_none() || p.parish_area.as_ref() == area)
    }

    /// English band ratios A-H, 6/9 to 18/9 (REFERENCE §1.2).
    pub fn england_bands() -> Vec<(Band, BandRatio)> {
        [
            (Band::A, 6),
            (Band::B, 7),
            (Band::C, 8),
            (Band::D, 9),
            (Band::E, 11),
            (Band::F, 13),
            (Band::G, 15),
            (Band::H, 18),
        ]
        .into_iter()
        .map(|(band, numerator)| {
            (
                band,
                BandRatio {
                    numerator,
                    denominator: 9,
                },
            )
        })
        .collect()
    }

    /// Welsh band ratios A-I, 6:7:8:9:11:13:15:18:21 over 9 (REFERENCE §1.2).
    pub fn wales_bands() -> Vec<(Band, BandRatio)> {
        let mut bands = Self::england_bands();
        bands.push((
            Band::I,
            BandRatio {
                numerator: 21,
                denominator: 9,
            },
        ));
        bands
    }
}

impl LocalPolicy {
    /// The statutory and common English choices: 25% and 50% discounts, the 2024 empty-home
    /// premium steps (REFERENCE §1.8), no second-home premium, days 1/8/15/23, £5 minimum.
    pub fn england_default() -> Self {
        LocalPolicy {
            single_person_discount_bp: 2_500,
            all_disregarded_discount_bp: 5_000,
            long_term_empty_premiums: vec![
                PremiumStep {
                    empty_years_min: 1,
                    premium_bp: 10_000,
                },
                PremiumStep {
                    empty_years_min: 5,
                    premium_bp: 20_000,
                },
                PremiumStep {
                    empty_years_min: 10,
                    premium_bp: 30_000,
                },
            ],
            second_home_premium_bp: 0,
            instalment_days: vec![1, 8, 15, 23],
            late_twelve_rule: LateTwelveRule::WholeMonthsRemaining,
            instalment_minimum: Pence::new(500),
            recovery: RecoveryPolicy::council_tax(Pence::new(7_000), Pence::new(3_000)),
        }
    }

    /// The recovery parameters in force.
    pub fn recovery_policy(&self) -> RecoveryPolicy {
        self.recovery.clone()
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if self.single_person_discount_bp > BP_WHOLE {
            return Err(SettingsError::Policy("single_person_discount_bp"));
        }
        if self.all_disregarded_discount_bp > BP_WHOLE {
            return Err(SettingsError::Policy("all_disregarded_discount_bp"));
        }
        let steps_ordered = self
            .long_term_empty_premiums
            .windows(2)
            .all(|pair| pair[0].empty_years_min < pair[1].empty_years_min);
        let steps_in_range = self
            .long_term_empty_premiums
            .iter()
            .all(|step| step.premium_bp <= 3 * BP_WHOLE && step.empty_years_min <= 50);
        if !steps_ordered || !steps_in_range || self.long_term_empty_premiums.len() > 8 {
            return Err(SettingsError::Policy("long_term_empty_premiums"));
        }
        if self.second_home_premium_bp > 3 * BP_WHOLE {
            return Err(SettingsError::Policy("second_home_premium_bp"));
        }
        let days_valid = self.instalment_days.iter().all(|day| (1..=28).contains(day));
        if self.instalment_days.is_empty() || !days_valid || self.instalment_days.len() > 28 {
            return Err(SettingsError::Policy("instalment_days"));
        }
        if !self.instalment_minimum.is_positive() || self.instalment_minimum > Pence::new(10_000) {
            return Err(SettingsError::Policy("instalment_minimum"));
        }
        self.recovery
            .validate()
            .map_err(|out_of_range| SettingsError::Policy(out_of_range.0))
    }
}
