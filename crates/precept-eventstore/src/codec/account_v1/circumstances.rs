//! Effective-dated circumstances: `LiabilityEnded`, `DiscountAwarded`, `ExemptionAwarded`,
//! `PremiumStarted`, and `DiscountEnded`/`ExemptionEnded`/`PremiumEnded` (one shape).
//!
//! Discount kinds and premium bases are snake_case strings; an exemption class is its letter.
//! A long-term empty premium carries its `empty_since` date; a second-home premium has none.

use chrono::NaiveDate;
use precept_domain::account::{LiabilityEnded, PeriodEnded, PeriodStarted};
use precept_domain::charge::{DiscountKind, ExemptionClass, PremiumBasis};
use serde::{Deserialize, Serialize};

use crate::codec::DecodeError;
use crate::codec::json::{Dto, invalid};

/// `LiabilityEnded`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct LiabilityEndedV1 {
    move_out: NaiveDate,
    last_day: NaiveDate,
}

impl Dto<LiabilityEnded> for LiabilityEndedV1 {
    fn from_domain(ended: &LiabilityEnded) -> Self {
        LiabilityEndedV1 {
            move_out: ended.move_out,
            last_day: ended.last_day,
        }
    }

    fn into_domain(self) -> Result<LiabilityEnded, DecodeError> {
        Ok(LiabilityEnded {
            move_out: self.move_out,
            last_day: self.last_day,
        })
    }
}

/// A discount kind, as stored.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DiscountKindV1 {
    SinglePerson,
    AllDisregarded,
}

impl From<DiscountKind> for DiscountKindV1 {
    fn from(kind: DiscountKind) -> Self {
        match kind {
            DiscountKind::SinglePerson => DiscountKindV1::SinglePerson,
            DiscountKind::AllDisregarded => DiscountKindV1::AllDisregarded,
        }
    }
}

impl From<DiscountKindV1> for DiscountKind {
    fn from(kind: DiscountKindV1) -> Self {
        match kind {
            DiscountKindV1::SinglePerson => DiscountKind::SinglePerson,
            DiscountKindV1::AllDisregarded => DiscountKind::AllDisregarded,
        }
    }
}

/// Parses a stored exemption class letter.
pub(crate) fn parse_class(text: &str, field: &'static str) -> Result<ExemptionClass, DecodeError> {
    ExemptionClass::parse(text).map_err(invalid(field))
}

/// Why a premium applies, as stored (the date, if any, travels beside it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum PremiumBasisV1 {
    LongTermEmpty,
    SecondHome,
}

/// A premium basis as its stored tag and `empty_since` date.
pub(crate) fn premium_basis_parts(basis: PremiumBasis) -> (PremiumBasisV1, Option<NaiveDate>) {
    match basis {
        PremiumBasis::LongTermEmpty { empty_since } => (PremiumBasisV1::LongTermEmpty, Some(empty_since)),
        PremiumBasis::SecondHome => (PremiumBasisV1::SecondHome, None),
    }
}

/// A premium basis from its stored tag and date: the date is required for long-term empty
/// and refused otherwise.
pub(crate) fn premium_basis(
    basis: PremiumBasisV1,
    empty_since: Option<NaiveDate>,
    field: &'static str,
) -> Result<PremiumBasis, DecodeError> {
    match (basis, empty_since) {
        (PremiumBasisV1::LongTermEmpty, Some(empty_since)) => Ok(PremiumBasis::LongTermEmpty { empty_since }),
        (PremiumBasisV1::SecondHome, None) => Ok(PremiumBasis::SecondHome),
        _ => Err(DecodeError::InvalidField { field }),
    }
}

/// `DiscountAwarded`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct DiscountAwardedV1 {
    kind: DiscountKindV1,
    from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<NaiveDate>,
}

impl Dto<PeriodStarted<DiscountKind>> for DiscountAwardedV1 {
    fn from_domain(started: &PeriodStarted<DiscountKind>) -> Self {
        DiscountAwardedV1 {
            kind: started.value.into(),
            from: started.from,
            to: started.to,
        }
    }

    fn into_domain(self) -> Result<PeriodStarted<DiscountKind>, DecodeError> {
        Ok(PeriodStarted {
            value: self.kind.into(),
            from: self.from,
            to: self.to,
        })
    }
}

/// `ExemptionAwarded`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ExemptionAwardedV1 {
    class: String,
    from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<NaiveDate>,
}

impl Dto<PeriodStarted<ExemptionClass>> for ExemptionAwardedV1 {
    fn from_domain(started: &PeriodStarted<ExemptionClass>) -> Self {
        ExemptionAwardedV1 {
            class: started.value.letter().to_string(),
            from: started.from,
            to: started.to,
        }
    }

    fn into_domain(self) -> Result<PeriodStarted<ExemptionClass>, DecodeError> {
        Ok(PeriodStarted {
            value: parse_class(&self.class, "class")?,
            from: self.from,
            to: self.to,
        })
    }
}

/// `PremiumStarted`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PremiumStartedV1 {
    basis: PremiumBasisV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    empty_since: Option<NaiveDate>,
    from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    to: Option<NaiveDate>,
}

impl Dto<PeriodStarted<PremiumBasis>> for PremiumStartedV1 {
    fn from_domain(started: &PeriodStarted<PremiumBasis>) -> Self {
        let (basis, empty_since) = premium_basis_parts(started.value);
        PremiumStartedV1 {
            basis,
            empty_since,
            from: started.from,
            to: started.to,
        }
    }

    fn into_domain(self) -> Result<PeriodStarted<PremiumBasis>, DecodeError> {
        Ok(PeriodStarted {
            value: premium_basis(self.basis, self.empty_since, "empty_since")?,
            from: self.from,
            to: self.to,
        })
    }
}

/// `DiscountEnded`, `ExemptionEnded` and `PremiumEnded`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct PeriodEndedV1 {
    from: NaiveDate,
    last_day: NaiveDate,
}

impl Dto<PeriodEnded> for PeriodEndedV1 {
    fn from_domain(ended: &PeriodEnded) -> Self {
        PeriodEndedV1 {
            from: ended.from,
            last_day: ended.last_day,
        }
    }

    fn into_domain(self) -> Result<PeriodEnded, DecodeError> {
        Ok(PeriodEnded {
            from: self.from,
            last_day: self.last_day,
        })
    }
}
