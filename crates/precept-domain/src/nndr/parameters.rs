//! The national figures for a business rates year (REFERENCE §2.2, §2.4-2.7), as parameters:
//! `NndrYear::england` gives the published ones for 2023/24 to 2026/27; a council or a later
//! year can set its own (several are marked unconfirmed in REFERENCE §8).

use crate::calendar::FinancialYear;
use crate::money::Pence;

/// A multiplier in tenths of a penny per pound of rateable value (55.5p = 555): every
/// published multiplier has one decimal place, so charges stay exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Multiplier(pub u32);

/// Which multiplier applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MultiplierKind {
    /// Small business (RV below the threshold).
    SmallBusiness,
    /// Standard.
    Standard,
    /// 2026/27: small business, qualifying retail, hospitality or leisure use.
    SmallBusinessRhl,
    /// 2026/27: standard, qualifying retail, hospitality or leisure use.
    StandardRhl,
    /// 2026/27: every property with RV at or above the high-value threshold.
    HighValue,
}

impl MultiplierKind {
    /// The multiplier's name in read models and the API.
    pub fn name(self) -> &'static str {
        match self {
            MultiplierKind::SmallBusiness => "small_business",
            MultiplierKind::Standard => "standard",
            MultiplierKind::SmallBusinessRhl => "small_business_rhl",
            MultiplierKind::StandardRhl => "standard_rhl",
            MultiplierKind::HighValue => "high_value",
        }
    }
}

/// The year's multipliers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Multipliers {
    /// Standard and small business (to 2025/26).
    Two {
        /// Standard.
        standard: Multiplier,
        /// Small business.
        small_business: Multiplier,
        /// RV (whole pounds) below which the small business multiplier applies (£51,000).
        small_below: u32,
    },
    /// The 2026/27 regime (REFERENCE §2.2): RHL rates 5p below, high value above standard.
    Five {
        /// Small business, RHL use.
        small_business_rhl: Multiplier,
        /// Small business.
        small_business: Multiplier,
        /// Standard, RHL use.
        standard_rhl: Multiplier,
        /// Standard.
        standard: Multiplier,
        /// High value, whatever the use.
        high_value: Multiplier,
        /// RV below which the small business rates apply (£51,000).
        small_below: u32,
        /// RV from which the high-value rate applies (£500,000).
        high_value_from: u32,
    },
}

impl Multipliers {
    /// The multiplier for a property. RHL rates need the qualifying use and occupation
    /// (they do not apply to unoccupied property, REFERENCE §2.2).
    pub fn applicable(&self, rateable_value: u32, rhl_use: bool, occupied: bool) -> (MultiplierKind, Multiplier) {
        match *self {
            Multipliers::Two {
                standard,
                small_business,
                small_below,
            } => {
                if rateable_value < small_below {
                    (MultiplierKind::SmallBusiness, small_business)
                } else {
                    (MultiplierKind::Standard, standard)
                }
            }
            Multipliers::Five {
                small_business_rhl,
                small_business,
                standard_rhl,
                standard,
                high_value,
                small_below,
                high_value_from,
            } => {
                let rhl = rhl_use && occupied;
                match (rateable_value, rhl) {
                    (rv, _) if rv >= high_value_from => (MultiplierKind::HighValue, high_value),
                    (rv, true) if rv < small_below => (MultiplierKind::SmallBusinessRhl, small_business_rhl),
                    (rv, false) if rv < small_below => (MultiplierKind::SmallBusiness, small_business),
                    (_, true) => (MultiplierKind::StandardRhl, standard_rhl),
                    (_, false) => (MultiplierKind::Standard, standard),
                }
            }
        }
    }
}

/// Small business rate relief's taper (REFERENCE §2.4): 100% up to `full_up_to`, falling
/// in a straight line to nothing at `zero_from`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SbrrTaper {
    /// RV (whole pounds) up to which relief is 100% (£12,000).
    pub full_up_to: u32,
    /// RV from which there is no relief (£15,000).
    pub zero_from: u32,
}

/// Empty property relief (REFERENCE §2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EmptyRelief {
    /// Months free from the day a property became empty (3).
    pub months: u32,
    /// Months free for qualifying industrial premises (6).
    pub industrial_months: u32,
    /// RV (whole pounds) below which an empty property is exempt indefinitely (£2,900).
    pub exempt_below: u32,
}

/// Retail, hospitality and leisure relief (REFERENCE §2.7), to 2025/26.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RhlRelief {
    /// Relief, basis points of the charge after mandatory reliefs (2025/26: 4000).
    pub relief_bp: u32,
    /// Cash cap per business across its group (£110,000).
    pub cash_cap: Pence,
}

/// Transitional relief (REFERENCE §2.8): a year's bill may rise by at most a percentage of
/// the previous year's (after inflating it), by property size; only increases are capped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransitionalCaps {
    /// RV (whole pounds) up to which a property is small (£20,000; £28,000 in London).
    pub small_up_to: u32,
    /// RV up to which a property is medium (£100,000).
    pub medium_up_to: u32,
    /// The largest increase for small, medium and large properties, basis points.
    pub caps_bp: [u32; 3],
    /// Inflation added to the previous year's bill first, basis points (0 where the year's
    /// caps are without it; the figure is unconfirmed in REFERENCE, so a parameter).
    pub inflation_bp: u32,
}

impl TransitionalCaps {
    /// The cap for a property of `rateable_value`, basis points.
    pub fn cap_bp(&self, rateable_value: u32) -> u32 {
        if rateable_value <= self.small_up_to {
            self.caps_bp[0]
        } else if rateable_value <= self.medium_up_to {
            self.caps_bp[1]
        } else {
            self.caps_bp[2]
        }
    }
}

/// Everything national that decides a year's charges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NndrYear {
    /// The year.
    pub year: FinancialYear,
    /// Multipliers.
    pub multipliers: Multipliers,
    /// SBRR taper.
    pub sbrr: SbrrTaper,
    /// Mandatory charitable (and CASC) relief, basis points (8000).
    pub charity_mandatory_bp: u32,
    /// Empty property relief.
    pub empty: EmptyRelief,
    /// RHL relief, in the years it exists.
    pub rhl: Option<RhlRelief>,
    /// Transitional relief caps, in the years of a scheme.
    pub transitional: Option<TransitionalCaps>,
    /// A supplement on the multiplier for ratepayers not receiving transitional relief
    /// (REFERENCE §2.2: 1p for 2026/27), tenths of a penny.
    pub supplement: Option<Multiplier>,
}

impl NndrYear {
    /// Checks every figure is in a sane range, so arithmetic on them cannot overflow and a
    /// typing slip cannot wipe out a year's bills.
    ///
    /// # Errors
    /// The name of the first field out of range.
    pub fn validate(&self) -> Result<(), &'static str> {
        let multipliers: Vec<(&'static str, u32)> = match self.multipliers {
            Multipliers::Two {
                standard,
                small_business,
                ..
            } => vec![
                ("multipliers.standard", standard.0),
                ("multipliers.small_business", small_business.0),
            ],
            Multipliers::Five {
                small_business_rhl,
                small_business,
                standard_rhl,
                standard,
                high_value,
                small_below,
                high_value_from,
            } => {
                if high_value_from <= small_below {
                    return Err("multipliers.high_value_from");
                }
                vec![
                    ("multipliers.small_business_rhl", small_business_rhl.0),
                    ("multipliers.small_business", small_business.0),
                    ("multipliers.standard_rhl", standard_rhl.0),
                    ("multipliers.standard", standard.0),
                    ("multipliers.high_value", high_value.0),
                ]
            }
        };
        // At most 200p in the pound: ten times any published multiplier.
        for (field, value) in multipliers {
            if !(1..=2_000).contains(&value) {
                return Err(field);
            }
        }
        let checks = [
            ("sbrr_zero_from", self.sbrr.full_up_to < self.sbrr.zero_from),
            ("charity_mandatory_bp", self.charity_mandatory_bp <= 10_000),
            (
                "empty_months",
                self.empty.months <= 24 && self.empty.industrial_months <= 24,
            ),
            ("rhl_relief_bp", self.rhl.is_none_or(|rhl| rhl.relief_bp <= 10_000)),
            (
                "rhl_cash_cap_pence",
                self.rhl
                    .is_none_or(|rhl| (0..=10_000_000_000).contains(&rhl.cash_cap.get())),
            ),
            (
                "transitional",
                self.transitional.is_none_or(|caps| {
                    caps.small_up_to <= caps.medium_up_to
                        && caps.caps_bp.iter().all(|cap| *cap <= 100_000)
                        && caps.inflation_bp <= 10_000
                }),
            ),
            ("supplement", self.supplement.is_none_or(|extra| extra.0 <= 200)),
        ];
        match checks.into_iter().find(|(_, ok)| !ok) {
            Some((field, _)) => Err(field),
            None => Ok(()),
        }
    }
}

const fn p(tenths: u32) -> Multiplier {
    Multiplier(tenths)
}

impl NndrYear {
    /// The published figures for England, 2023/24 to 2026/27 (REFERENCE §2.2-2.7); `None` for
    /// other years. The 2023/24 RHL figures are unconfirmed in REFERENCE and given here as the
    /// 2024/25 ones; set them explicitly where it matters.
    pub fn england(year: FinancialYear) -> Option<Self> {
        let two = |standard, small_business| Multipliers::Two {
            standard: p(standard),
            small_business: p(small_business),
            small_below: 51_000,
        };
        let rhl = |relief_bp| {
            Some(RhlRelief {
                relief_bp,
                cash_cap: Pence::new(11_000_000),
            })
        };
        // REFERENCE §2.8. Inflation for 2024/25 and 2025/26 is not given there: the
        // September CPI figures the multipliers followed (6.7%, 1.7%) are used, unconfirmed.
        let transitional = |caps_bp, inflation_bp| {
            Some(TransitionalCaps {
                small_up_to: 20_000,
                medium_up_to: 100_000,
                caps_bp,
                inflation_bp,
            })
        };
        let (multipliers, rhl, transitional, supplement) = match year.start_year() {
            2023 => (two(512, 499), rhl(7_500), transitional([500, 1_500, 3_000], 0), None),
            2024 => (
                two(546, 499),
                rhl(7_500),
                transitional([1_000, 2_500, 4_000], 670),
                None,
            ),
            2025 => (
                two(555, 499),
                rhl(4_000),
                transitional([2_500, 4_000, 5_500], 170),
                None,
            ),
            2026 => (
                Multipliers::Five {
                    small_business_rhl: p(382),
                    small_business: p(432),
                    standard_rhl: p(430),
                    standard: p(480),
                    high_value: p(508),
                    small_below: 51_000,
                    high_value_from: 500_000,
                },
                None,
                transitional([500, 1_500, 3_000], 0),
                Some(p(10)),
            ),
            _ => return None,
        };
        Some(NndrYear {
            year,
            multipliers,
            sbrr: SbrrTaper {
                full_up_to: 12_000,
                zero_from: 15_000,
            },
            charity_mandatory_bp: 8_000,
            empty: EmptyRelief {
                months: 3,
                industrial_months: 6,
                exempt_below: 2_900,
            },
            rhl,
            transitional,
            supplement,
        })
    }
}
