//! A year's charge with its breakdown, as printed on a demand notice (inside `BillIssued`).
//!
//! Amounts are pence with a `_pence` suffix; discount and premium levels are basis points.
//! The charge keeps its own `year`, as the domain's `YearCharge` does.

use chrono::NaiveDate;
use precept_domain::Pence;
use precept_domain::charge::{ChargeSegment, PreceptorShare, YearCharge};
use serde::{Deserialize, Serialize};

use super::circumstances::{DiscountKindV1, PremiumBasisV1, parse_class, premium_basis, premium_basis_parts};
use super::reduction::ReductionV1;
use crate::codec::DecodeError;
use crate::codec::json::Dto;
use crate::codec::values_v1::{PreceptorKindV1, band_text, parse_band, parse_code, parse_year, year_text};

/// A year's charge.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct YearChargeV1 {
    year: String,
    liable_days: i64,
    segments: Vec<ChargeSegmentV1>,
    gross_pence: i64,
    exemption_pence: i64,
    discount_pence: i64,
    premium_pence: i64,
    // Added with Council Tax Reduction; absent (nil) on charges stored before it.
    #[serde(default, skip_serializing_if = "is_zero")]
    reduction_pence: i64,
    net_pence: i64,
    preceptors: Vec<PreceptorShareV1>,
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_zero(value: &i64) -> bool {
    *value == 0
}

impl Dto<YearCharge> for YearChargeV1 {
    fn from_domain(charge: &YearCharge) -> Self {
        YearChargeV1 {
            year: year_text(charge.year),
            liable_days: charge.liable_days,
            segments: charge.segments.iter().map(ChargeSegmentV1::from_domain).collect(),
            gross_pence: charge.gross.get(),
            exemption_pence: charge.exemption.get(),
            discount_pence: charge.discount.get(),
            premium_pence: charge.premium.get(),
            reduction_pence: charge.reduction.get(),
            net_pence: charge.net.get(),
            preceptors: charge.preceptors.iter().map(PreceptorShareV1::from_domain).collect(),
        }
    }

    fn into_domain(self) -> Result<YearCharge, DecodeError> {
        Ok(YearCharge {
            year: parse_year(&self.year, "charge.year")?,
            liable_days: self.liable_days,
            segments: self
                .segments
                .into_iter()
                .map(ChargeSegmentV1::into_domain)
                .collect::<Result<_, _>>()?,
            gross: Pence::new(self.gross_pence),
            exemption: Pence::new(self.exemption_pence),
            discount: Pence::new(self.discount_pence),
            premium: Pence::new(self.premium_pence),
            reduction: Pence::new(self.reduction_pence),
            net: Pence::new(self.net_pence),
            preceptors: self
                .preceptors
                .into_iter()
                .map(PreceptorShareV1::into_domain)
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A run of days with the same facts.
#[derive(Debug, Serialize, Deserialize)]
struct ChargeSegmentV1 {
    from: NaiveDate,
    to: NaiveDate,
    band: String,
    band_d_total_pence: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    discount: Option<DiscountLevelV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exemption: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    premium: Option<PremiumLevelV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reduction: Option<ReductionV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct DiscountLevelV1 {
    kind: DiscountKindV1,
    level_bp: u32,
}

#[derive(Debug, Serialize, Deserialize)]
struct PremiumLevelV1 {
    basis: PremiumBasisV1,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    empty_since: Option<NaiveDate>,
    level_bp: u32,
}

impl Dto<ChargeSegment> for ChargeSegmentV1 {
    fn from_domain(segment: &ChargeSegment) -> Self {
        ChargeSegmentV1 {
            from: segment.from,
            to: segment.to,
            band: band_text(segment.band),
            band_d_total_pence: segment.band_d_total.get(),
            discount: segment.discount.map(|(kind, level_bp)| DiscountLevelV1 {
                kind: kind.into(),
                level_bp,
            }),
            exemption: segment.exemption.map(|class| class.letter().to_string()),
            premium: segment.premium.map(|(basis, level_bp)| {
                let (basis, empty_since) = premium_basis_parts(basis);
                PremiumLevelV1 {
                    basis,
                    empty_since,
                    level_bp,
                }
            }),
            reduction: segment.reduction.as_ref().map(ReductionV1::from_domain),
        }
    }

    fn into_domain(self) -> Result<ChargeSegment, DecodeError> {
        Ok(ChargeSegment {
            from: self.from,
            to: self.to,
            band: parse_band(&self.band, "segment.band")?,
            band_d_total: Pence::new(self.band_d_total_pence),
            discount: self.discount.map(|level| (level.kind.into(), level.level_bp)),
            exemption: self
                .exemption
                .map(|class| parse_class(&class, "segment.exemption"))
                .transpose()?,
            premium: self
                .premium
                .map(|level| {
                    premium_basis(level.basis, level.empty_since, "segment.premium.empty_since")
                        .map(|basis| (basis, level.level_bp))
                })
                .transpose()?,
            reduction: self.reduction.map(ReductionV1::into_domain).transpose()?,
        })
    }
}

/// One preceptor's part of the charge.
#[derive(Debug, Serialize, Deserialize)]
struct PreceptorShareV1 {
    code: String,
    kind: PreceptorKindV1,
    amount_pence: i64,
}

impl Dto<PreceptorShare> for PreceptorShareV1 {
    fn from_domain(share: &PreceptorShare) -> Self {
        PreceptorShareV1 {
            code: share.code.as_str().to_owned(),
            kind: share.kind.into(),
            amount_pence: share.amount.get(),
        }
    }

    fn into_domain(self) -> Result<PreceptorShare, DecodeError> {
        Ok(PreceptorShare {
            code: parse_code(&self.code, "preceptor.code")?,
            kind: self.kind.into(),
            amount: Pence::new(self.amount_pence),
        })
    }
}
