//! Housing Benefit overpayments (REFERENCE §3.5; HB Regulations 2006, Part 13): their
//! classification, whether they are recoverable, how much was overpaid, recovery by weekly
//! deduction from ongoing HB, and the DWP subsidy a class attracts.
//!
//! What this is: pure arithmetic and the rules' tables, as parameters where REFERENCE marks a
//! figure unconfirmed.
//! What this is not: the overpayment's history, the 14-day notification, invoices, DWP
//! recovery or Direct Earnings Attachments, or CTR overpayments, which are re-billed on the
//! Council Tax account instead (REFERENCE §3.5).

use chrono::NaiveDate;

use crate::benefits::hb::EarningsDisregardKind;
use crate::calendar::days_inclusive;
use crate::money::{Pence, Rounding, apportion};

/// What caused an overpayment; it decides recoverability and subsidy (REFERENCE §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum OverpaymentClass {
    /// Official error by the council: a mistake, or delay acting on information.
    LocalAuthorityError,
    /// Official error by the DWP.
    DwpError,
    /// The claimant failed to provide information or report a change, without fraud.
    ClaimantError,
    /// The claimant was convicted, admitted it under caution or accepted a penalty.
    Fraud,
    /// Paid in good faith and later shown wrong, e.g. arrears of other income ("eligible").
    Other,
    /// A technical overpayment, e.g. rent paid in advance for the week after a death.
    Technical,
}

impl OverpaymentClass {
    /// Every class, in the order REFERENCE tables them.
    pub const ALL: [OverpaymentClass; 6] = [
        OverpaymentClass::ClaimantError,
        OverpaymentClass::Fraud,
        OverpaymentClass::Other,
        OverpaymentClass::LocalAuthorityError,
        OverpaymentClass::DwpError,
        OverpaymentClass::Technical,
    ];

    /// The class's code in events, read models and the API.
    pub fn code(self) -> &'static str {
        match self {
            OverpaymentClass::LocalAuthorityError => "la_error",
            OverpaymentClass::DwpError => "dwp_error",
            OverpaymentClass::ClaimantError => "claimant_error",
            OverpaymentClass::Fraud => "fraud",
            OverpaymentClass::Other => "other",
            OverpaymentClass::Technical => "technical",
        }
    }

    /// The class for a code, or `None` for an unknown one.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|class| class.code() == code)
    }

    /// Whether the class is official error (by the council or the DWP).
    pub fn official_error(self) -> bool {
        matches!(self, OverpaymentClass::LocalAuthorityError | OverpaymentClass::DwpError)
    }

    /// Whether the overpayment is recoverable whatever the claimant knew: every class except
    /// official error (REFERENCE §3.5).
    pub fn recoverable_by_default(self) -> bool {
        !self.official_error()
    }

    /// Whether the overpayment is recoverable: official error only where the claimant (or
    /// payee) could reasonably have realised they were being overpaid (REFERENCE §3.5).
    pub fn recoverable(self, claimant_could_have_realised: bool) -> bool {
        self.recoverable_by_default() || claimant_could_have_realised
    }
}

/// The exact overpayment for the days `from..=through` (both included) at
/// `(paid − correct) ÷ 7` a day, rounded half up once for the whole period; nil when the
/// correct amount is not below what was paid or `through` is before `from`.
pub fn overpaid(paid_weekly: Pence, correct_weekly: Pence, from: NaiveDate, through: NaiveDate) -> Pence {
    let weekly_excess = paid_weekly - correct_weekly;
    let days = days_inclusive(from, through);
    if !weekly_excess.is_positive() || days <= 0 {
        return Pence::ZERO;
    }
    apportion(weekly_excess, days, 7, Rounding::HalfUp)
}

/// The weekly deduction rates from ongoing HB (REFERENCE §3.5; Social Security
/// (Overpayments and Recovery) Regulations 2013).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecoveryRates {
    /// The standard rate.
    pub standard: Pence,
    /// The rate for fraud overpayments.
    pub fraud: Pence,
}

impl RecoveryRates {
    /// 2022/23: £11.55 standard, £19.25 fraud.
    pub fn year_2022_23() -> Self {
        RecoveryRates {
            standard: Pence::new(1_155),
            fraud: Pence::new(1_925),
        }
    }

    /// £12.75 standard, £21.25 fraud: a later year's rates whose year is **unconfirmed**.
    pub fn later_year_unconfirmed() -> Self {
        RecoveryRates {
            standard: Pence::new(1_275),
            fraud: Pence::new(2_125),
        }
    }

    /// Checks both rates are between nil and £1,000 a week.
    ///
    /// # Errors
    /// `standard` or `fraud`.
    pub fn validate(&self) -> Result<(), &'static str> {
        let ok = |rate: Pence| (Pence::ZERO..=Pence::new(100_000)).contains(&rate);
        if !ok(self.standard) {
            return Err("standard");
        }
        if !ok(self.fraud) {
            return Err("fraud");
        }
        Ok(())
    }
}

/// Half of an earnings disregard, the part added to the maximum deduction (REFERENCE §3.5):
/// the statutory disregards of £25, £20, £10 and £5 give £12.50, £10, £5 and £2.50.
fn half_disregard(kind: EarningsDisregardKind) -> Pence {
    Pence::new(match kind {
        EarningsDisregardKind::LoneParent => 1_250,
        EarningsDisregardKind::Disabled => 1_000,
        EarningsDisregardKind::Couple => 500,
        EarningsDisregardKind::Single => 250,
    })
}

/// The most that may be deducted from ongoing HB in a week: the fraud rate for fraud, the
/// standard rate otherwise, plus half of any earnings disregard the claimant gets
/// (REFERENCE §3.5). `disregard` is `None` when no earnings disregard applies.
pub fn max_weekly_deduction(
    rates: &RecoveryRates,
    class: OverpaymentClass,
    disregard: Option<EarningsDisregardKind>,
) -> Pence {
    let rate = if class == OverpaymentClass::Fraud {
        rates.fraud
    } else {
        rates.standard
    };
    rate + disregard.map_or(Pence::ZERO, half_disregard)
}

/// This week's deduction: the least of the amount outstanding, the ongoing award and the
/// maximum, and never below nil.
pub fn next_deduction(outstanding: Pence, ongoing_weekly_award: Pence, max_deduction: Pence) -> Pence {
    outstanding
        .min(ongoing_weekly_award)
        .min(max_deduction)
        .max(Pence::ZERO)
}

/// How local authority error overpayments are subsidised: by how large all of them are as a
/// share of correct HB expenditure (REFERENCE §3.5; thresholds **unconfirmed**).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LaErrorSubsidy {
    /// Lower threshold, basis points of correct expenditure (48 = 0.48%).
    pub lower_threshold_bp: u32,
    /// Upper threshold, basis points of correct expenditure (54 = 0.54%).
    pub upper_threshold_bp: u32,
    /// Subsidy at or below the lower threshold, basis points (10000).
    pub at_or_below_lower_bp: u32,
    /// Subsidy above the lower threshold up to the upper one, basis points (4000).
    pub up_to_upper_bp: u32,
    /// Subsidy above the upper threshold, basis points (0).
    pub above_upper_bp: u32,
}

/// DWP subsidy on overpayments by class, basis points of the amount overpaid.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SubsidyRates {
    /// Claimant error (4000).
    pub claimant_error_bp: u32,
    /// Fraud (4000).
    pub fraud_bp: u32,
    /// Other, "eligible" overpayments (4000).
    pub other_bp: u32,
    /// DWP error (10000, **unconfirmed**).
    pub dwp_error_bp: u32,
    /// Technical overpayments (**unconfirmed**; nil here until set).
    pub technical_bp: u32,
    /// Local authority error.
    pub la_error: LaErrorSubsidy,
}

impl SubsidyRates {
    /// The figures REFERENCE §3.5 reports; the LA-error thresholds and the DWP-error rate are
    /// unconfirmed, and the technical rate (not given) is nil as a placeholder.
    pub fn reference_figures() -> Self {
        SubsidyRates {
            claimant_error_bp: 4_000,
            fraud_bp: 4_000,
            other_bp: 4_000,
            dwp_error_bp: 10_000,
            technical_bp: 0,
            la_error: LaErrorSubsidy {
                lower_threshold_bp: 48,
                upper_threshold_bp: 54,
                at_or_below_lower_bp: 10_000,
                up_to_upper_bp: 4_000,
                above_upper_bp: 0,
            },
        }
    }

    /// The subsidy rate for a class, basis points. For LA error it depends on the year's
    /// total LA-error overpayments against correct expenditure; a total exactly at a threshold
    /// counts as within it (REFERENCE says "below", the boundary is unconfirmed).
    pub fn subsidy_bp(&self, class: OverpaymentClass, la_error_total: Pence, correct_expenditure: Pence) -> u32 {
        match class {
            OverpaymentClass::ClaimantError => self.claimant_error_bp,
            OverpaymentClass::Fraud => self.fraud_bp,
            OverpaymentClass::Other => self.other_bp,
            OverpaymentClass::DwpError => self.dwp_error_bp,
            OverpaymentClass::Technical => self.technical_bp,
            OverpaymentClass::LocalAuthorityError => {
                let rates = &self.la_error;
                // Compare la_error / expenditure with threshold / 10000 without dividing.
                let scaled_error = i128::from(la_error_total.get()) * 10_000;
                let within = |threshold_bp: u32| {
                    scaled_error <= i128::from(threshold_bp) * i128::from(correct_expenditure.get())
                };
                if within(rates.lower_threshold_bp) {
                    rates.at_or_below_lower_bp
                } else if within(rates.upper_threshold_bp) {
                    rates.up_to_upper_bp
                } else {
                    rates.above_upper_bp
                }
            }
        }
    }

    /// The subsidy on an overpayment, rounded half up.
    pub fn subsidy(
        &self,
        class: OverpaymentClass,
        overpaid: Pence,
        la_error_total: Pence,
        correct_expenditure: Pence,
    ) -> Pence {
        let bp = self.subsidy_bp(class, la_error_total, correct_expenditure);
        apportion(overpaid, i64::from(bp), 10_000, Rounding::HalfUp)
    }

    /// Checks every rate is within 100% and the thresholds are ordered.
    ///
    /// # Errors
    /// The dotted name of the first field out of range.
    pub fn validate(&self) -> Result<(), &'static str> {
        let la = &self.la_error;
        let checks = [
            ("claimant_error_bp", self.claimant_error_bp <= 10_000),
            ("fraud_bp", self.fraud_bp <= 10_000),
            ("other_bp", self.other_bp <= 10_000),
            ("dwp_error_bp", self.dwp_error_bp <= 10_000),
            ("technical_bp", self.technical_bp <= 10_000),
            (
                "la_error.upper_threshold_bp",
                la.lower_threshold_bp <= la.upper_threshold_bp,
            ),
            ("la_error.upper_threshold_bp", la.upper_threshold_bp <= 10_000),
            ("la_error.at_or_below_lower_bp", la.at_or_below_lower_bp <= 10_000),
            ("la_error.up_to_upper_bp", la.up_to_upper_bp <= 10_000),
            ("la_error.above_upper_bp", la.above_upper_bp <= 10_000),
        ];
        match checks.into_iter().find(|(_, ok)| !ok) {
            Some((field, _)) => Err(field),
            None => Ok(()),
        }
    }
}
