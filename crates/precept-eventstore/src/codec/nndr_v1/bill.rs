//! `NndrBillIssued`: a business rates notice with each period's charge and reliefs.

use chrono::NaiveDate;
use precept_domain::Pence;
use precept_domain::nndr::account::{NndrBillIssued, NndrPeriod, NndrYearCharge};
use precept_domain::nndr::{Multiplier, MultiplierKind, NndrCharge};
use serde::{Deserialize, Serialize};

use crate::codec::DecodeError;
use crate::codec::account_v1::billing::{InstalmentV1, NoticeKindV1, instalments_from_v1, instalments_v1};
use crate::codec::json::Dto;
use crate::codec::values_v1::{parse_year, year_text};

/// `NndrBillIssued`, schema 1.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct NndrBillIssuedV1 {
    year: String,
    notice_number: u32,
    kind: NoticeKindV1,
    issue_date: NaiveDate,
    periods: Vec<PeriodV1>,
    instalments: Vec<InstalmentV1>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PeriodV1 {
    from: NaiveDate,
    to: NaiveDate,
    rateable_value: u32,
    occupied: bool,
    multiplier_kind: MultiplierKindV1,
    /// Tenths of a penny per pound.
    multiplier: u32,
    days: i64,
    gross_pence: i64,
    supplement_pence: i64,
    transitional_pence: i64,
    empty_relief_pence: i64,
    charity_relief_pence: i64,
    sbrr_pence: i64,
    charity_top_up_pence: i64,
    rhl_relief_pence: i64,
    net_pence: i64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum MultiplierKindV1 {
    SmallBusiness,
    Standard,
    SmallBusinessRhl,
    StandardRhl,
    HighValue,
}

impl From<MultiplierKind> for MultiplierKindV1 {
    fn from(kind: MultiplierKind) -> Self {
        match kind {
            MultiplierKind::SmallBusiness => MultiplierKindV1::SmallBusiness,
            MultiplierKind::Standard => MultiplierKindV1::Standard,
            MultiplierKind::SmallBusinessRhl => MultiplierKindV1::SmallBusinessRhl,
            MultiplierKind::StandardRhl => MultiplierKindV1::StandardRhl,
            MultiplierKind::HighValue => MultiplierKindV1::HighValue,
        }
    }
}

impl From<MultiplierKindV1> for MultiplierKind {
    fn from(kind: MultiplierKindV1) -> Self {
        match kind {
            MultiplierKindV1::SmallBusiness => MultiplierKind::SmallBusiness,
            MultiplierKindV1::Standard => MultiplierKind::Standard,
            MultiplierKindV1::SmallBusinessRhl => MultiplierKind::SmallBusinessRhl,
            MultiplierKindV1::StandardRhl => MultiplierKind::StandardRhl,
            MultiplierKindV1::HighValue => MultiplierKind::HighValue,
        }
    }
}

fn period_v1(period: &NndrPeriod) -> PeriodV1 {
    let charge = &period.charge;
    PeriodV1 {
        from: period.from,
        to: period.to,
        rateable_value: period.rateable_value,
        occupied: period.occupied,
        multiplier_kind: charge.multiplier_kind.into(),
        multiplier: charge.multiplier.0,
        days: charge.days,
        gross_pence: charge.gross.get(),
        supplement_pence: charge.supplement.get(),
        transitional_pence: charge.transitional.get(),
        empty_relief_pence: charge.empty_relief.get(),
        charity_relief_pence: charge.charity_relief.get(),
        sbrr_pence: charge.sbrr.get(),
        charity_top_up_pence: charge.charity_top_up.get(),
        rhl_relief_pence: charge.rhl_relief.get(),
        net_pence: charge.net.get(),
    }
}

fn period_from_v1(period: PeriodV1) -> NndrPeriod {
    NndrPeriod {
        from: period.from,
        to: period.to,
        rateable_value: period.rateable_value,
        occupied: period.occupied,
        charge: NndrCharge {
            multiplier_kind: period.multiplier_kind.into(),
            multiplier: Multiplier(period.multiplier),
            days: period.days,
            gross: Pence::new(period.gross_pence),
            supplement: Pence::new(period.supplement_pence),
            transitional: Pence::new(period.transitional_pence),
            empty_relief: Pence::new(period.empty_relief_pence),
            charity_relief: Pence::new(period.charity_relief_pence),
            sbrr: Pence::new(period.sbrr_pence),
            charity_top_up: Pence::new(period.charity_top_up_pence),
            rhl_relief: Pence::new(period.rhl_relief_pence),
            net: Pence::new(period.net_pence),
        },
    }
}

impl Dto<NndrBillIssued> for NndrBillIssuedV1 {
    fn from_domain(bill: &NndrBillIssued) -> Self {
        NndrBillIssuedV1 {
            year: year_text(bill.year),
            notice_number: bill.notice_number,
            kind: bill.kind.into(),
            issue_date: bill.issue_date,
            periods: bill.charge.periods.iter().map(period_v1).collect(),
            instalments: instalments_v1(&bill.instalments),
        }
    }

    fn into_domain(self) -> Result<NndrBillIssued, DecodeError> {
        let year = parse_year(&self.year, "year")?;
        Ok(NndrBillIssued {
            year,
            notice_number: self.notice_number,
            kind: self.kind.into(),
            issue_date: self.issue_date,
            charge: NndrYearCharge::from_periods(year, self.periods.into_iter().map(period_from_v1).collect()),
            instalments: instalments_from_v1(self.instalments),
        })
    }
}
